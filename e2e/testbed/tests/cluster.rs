//! Cluster e2e (layer: real cluster): runs `e2e/cluster/run.sh` (kind cluster, both images,
//! `helm install`, a gobgpd pod as the router, the example CRs, the router's RIB asserted,
//! withdrawal on delete, a speaker container restart loses nothing) where Docker with a
//! live daemon and kind exist. Elsewhere it prints "cluster e2e skipped: no docker/kind" and
//! returns: that is not a pass, and the README says where it is skipped.

use std::path::Path;
use std::process::{Command, Stdio};

/// `name` resolves to an executable file on PATH.
fn on_path(name: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            std::fs::metadata(dir.join(name))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// The Docker CLI alone is not enough: its daemon must answer.
fn docker_daemon_answers() -> bool {
    Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn cluster_available() -> bool {
    on_path("docker") && on_path("kind") && on_path("kubectl") && docker_daemon_answers()
}

#[test]
fn kind_cluster_helm_install_announce_withdraw_restart() {
    if !cluster_available() {
        eprintln!("cluster e2e skipped: no docker/kind");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cluster/run.sh");
    let status = Command::new("bash")
        .arg(&script)
        .status()
        .unwrap_or_else(|e| panic!("run {}: {e}", script.display()));
    assert!(status.success(), "{} failed: {status}", script.display());
}

#[test]
fn a_missing_tool_is_not_found_on_path() {
    assert!(on_path("sh"));
    assert!(!on_path("surely-not-a-tool-rustbgpd"));
}
