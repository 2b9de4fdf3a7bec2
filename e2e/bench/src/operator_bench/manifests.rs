//! The workload as manifests: `n` FlowSpecRule documents spread over `files` YAML files,
//! the same rules `inject-bench` sends over gRPC (198.18.x.y/32, UDP, port 53, 1.25 MB/s).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use bench::workload;

/// The text of rule `i` as one YAML document.
fn document(i: usize, out: &mut String) {
    let _ = write!(
        out,
        "---\napiVersion: bgp.rustbgpd.io/v1alpha1\nkind: FlowSpecRule\nmetadata:\n  \
         name: bench-{i:06}\n  namespace: bench\nspec:\n  match:\n    \
         destinationPrefix: {}/32\n    protocols: [udp]\n    destinationPorts: [{}]\n  \
         actions:\n    rateLimitBytesPerSecond: {}\n",
        workload::flow_destination(i),
        workload::FLOW_PORT,
        workload::FLOW_RATE as u64,
    );
}

/// The files' contents: `(file name, text)`, rules split as evenly as possible.
pub fn generate(n: usize, files: usize) -> Vec<(String, String)> {
    let files = files.clamp(1, n.max(1));
    let per = n.div_ceil(files);
    (0..files)
        .map(|f| {
            let mut text = String::with_capacity(per * 260);
            for i in (f * per)..((f + 1) * per).min(n) {
                document(i, &mut text);
            }
            (format!("rules-{f:04}.yaml"), text)
        })
        .collect()
}

/// Writes the files into `dir`, each atomically (a dot-file renamed into place, so the
/// operator never reads half a file). Returns the paths.
pub fn write_all(dir: &Path, contents: &[(String, String)]) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = Vec::with_capacity(contents.len());
    for (name, text) in contents {
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text)?;
        let path = dir.join(name);
        std::fs::rename(&tmp, &path)?;
        paths.push(path);
    }
    Ok(paths)
}

/// Removes the manifests (the status files the operator wrote stay, as after `rm *.yaml`).
pub fn remove_all(paths: &[PathBuf]) -> std::io::Result<()> {
    for p in paths {
        std::fs::remove_file(p)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_once() {
        let files = super::generate(2501, 10);
        assert_eq!(files.len(), 10);
        let docs: usize = files.iter().map(|(_, t)| t.matches("kind:").count()).sum();
        assert_eq!(docs, 2501);
        assert!(files[0].1.contains("name: bench-000000"));
        assert!(files[9].1.contains("name: bench-002500"));
    }
}
