//! `--from-dir DIR`: a folder of manifests as the source of custom resources.
//!
//! Every `*.yaml` / `*.yml` file in `DIR` (not recursive) is read as a stream of YAML
//! documents. `BgpNeighbor`, `FlowSpecRule`, `InjectedRoute` and `RoutePolicy` documents become
//! objects;
//! `v1 Secret` documents supply `passwordSecretRef` values. The folder is polled every 500 ms
//! (names, sizes, mtimes: a dependency-free watch that also works on network and overlay
//! file systems where inotify does not); any change re-reads the whole folder and wakes the
//! reconcile loop.
//!
//! Bad input never blocks the rest: a document that fails its CEL rules or does not
//! deserialize is reported and its id kept as the speaker has it; a document that cannot even
//! be identified (YAML error, no kind/name) is reported and suspends deletions until it is
//! fixed (it might be the file that holds a running mitigation).
//!
//! Status: after every reconcile pass, `<file>.status.yaml` is written next to each manifest
//! (only when it changed): one entry per object of the file with its conditions, and the
//! errors of the file's unreadable documents. It is written as JSON, which YAML readers
//! read as well, because it is much faster to produce for folders of thousands of objects.
//! Files ending in `.status.yaml` are never read as manifests. Deleting a manifest withdraws its objects: their ids are no longer desired and
//! the differ deletes the `dir:` ids the speaker lists (see `crate::diff`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use tokio::sync::watch;

use super::document;
use crate::apply::StatusSink;
use crate::model::{Inputs, Unreadable};
use crate::plan::Plan;
use crate::status::ObjectStatus;

/// How often the folder is polled.
pub const POLL: Duration = Duration::from_millis(500);

/// Which file each object id (and each unreadable document) came from.
pub type Origins = Arc<Mutex<BTreeMap<String, PathBuf>>>;

/// Whether a path is a manifest (and not one of our status files).
fn is_manifest(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    (name.ends_with(".yaml") || name.ends_with(".yml"))
        && !name.ends_with(".status.yaml")
        && !name.starts_with('.')
}

fn manifests(dir: &Path) -> Vec<(PathBuf, SystemTime, u64)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_manifest(p))
        .filter_map(|p| {
            let m = std::fs::metadata(&p).ok()?;
            Some((p, m.modified().ok()?, m.len()))
        })
        .collect();
    files.sort();
    files
}

/// Reads every manifest of `dir`. Returns the inputs and where each id came from.
///
/// Files are split over up to four threads: checking a document's CEL rules dominates, and a
/// folder of 10k manifests is read again after every change.
pub fn read(dir: &Path) -> (Inputs, BTreeMap<String, PathBuf>) {
    let files = manifests(dir);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let per = files.len().div_ceil(threads).max(1);
    let parts: Vec<(Inputs, BTreeMap<String, PathBuf>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(per)
            .map(|chunk| scope.spawn(move || read_files(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| panicked()))
            .collect()
    });
    let mut inputs = Inputs::default();
    let mut origins = BTreeMap::new();
    // Chunks are contiguous and joined in order, so the result is the same as one pass.
    for (part, from) in parts {
        inputs.neighbors.extend(part.neighbors);
        inputs.flowspecs.extend(part.flowspecs);
        inputs.routes.extend(part.routes);
        inputs.policies.extend(part.policies);
        inputs.secrets.extend(part.secrets);
        inputs.rejected.extend(part.rejected);
        inputs.unreadable.extend(part.unreadable);
        origins.extend(from);
    }
    (inputs, origins)
}

/// What a reader thread that panicked (a bug) leaves: an unreadable entry, so that nothing
/// is deleted because its files seem to be gone.
fn panicked() -> (Inputs, BTreeMap<String, PathBuf>) {
    let mut inputs = Inputs::default();
    inputs.unreadable.push(Unreadable {
        origin: "(reader thread)".to_owned(),
        reason: "reading some manifests panicked; deletions are suspended".to_owned(),
    });
    (inputs, BTreeMap::new())
}

fn read_files(files: &[(PathBuf, SystemTime, u64)]) -> (Inputs, BTreeMap<String, PathBuf>) {
    let mut inputs = Inputs::default();
    let mut origins = BTreeMap::new();
    for (path, mtime, _) in files {
        let (path, mtime) = (path.clone(), *mtime);
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                inputs.unreadable.push(Unreadable {
                    origin: file.clone(),
                    reason: e.to_string(),
                });
                origins.insert(file, path.clone());
                continue;
            }
        };
        read_file(&text, &file, &path, mtime, &mut inputs, &mut origins);
    }
    (inputs, origins)
}

fn read_file(
    text: &str,
    file: &str,
    path: &Path,
    mtime: SystemTime,
    inputs: &mut Inputs,
    origins: &mut BTreeMap<String, PathBuf>,
) {
    use serde::Deserialize;
    for (i, de) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let origin = format!("{file}#{}", i + 1);
        let value = match serde_yaml::Value::deserialize(de) {
            Ok(serde_yaml::Value::Null) => continue,
            Ok(v) => serde_json::to_value(v).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let before = inputs.unreadable.len();
        match value {
            Ok(doc) => {
                if let Some(id) = document::add(doc, &origin, mtime, inputs) {
                    origins.insert(id, path.to_owned());
                }
            }
            Err(reason) => {
                inputs.unreadable.push(Unreadable {
                    origin: origin.clone(),
                    reason,
                });
                // A YAML syntax error ends the stream: the rest of the file is unreadable.
                if !text.is_empty() && inputs.unreadable.len() > before {
                    origins.insert(origin, path.to_owned());
                    break;
                }
            }
        }
        if inputs.unreadable.len() > before {
            origins.insert(origin, path.to_owned());
        }
    }
}

/// Polls `dir` and sends new inputs when any manifest changes, until `shutdown`.
pub async fn watch(
    dir: PathBuf,
    tx: watch::Sender<Arc<Inputs>>,
    origins: Origins,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut last = None;
    while !*shutdown.borrow() {
        let now = manifests(&dir);
        if last.as_ref() != Some(&now) {
            let started = std::time::Instant::now();
            let (inputs, from) = read(&dir);
            crate::memory::release_freed();
            tracing::debug!(
                files = now.len(),
                objects = from.len(),
                ms = started.elapsed().as_millis(),
                "read the folder"
            );
            log_problems(&inputs);
            if let Ok(mut o) = origins.lock() {
                *o = from;
            }
            // The first read is always sent: the reconcile loop waits for it.
            let first = last.is_none();
            tx.send_if_modified(|cur| {
                let changed = first || **cur != inputs;
                *cur = Arc::new(inputs);
                changed
            });
            last = Some(now);
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => {}
        }
    }
}

fn log_problems(inputs: &Inputs) {
    for u in &inputs.unreadable {
        tracing::warn!(document = %u.origin, reason = %u.reason, "unreadable manifest document");
    }
    for r in &inputs.rejected {
        tracing::warn!(object = %r.key, reason = %r.reason, "invalid object");
    }
}

/// Writes `<file>.status.yaml` next to each manifest.
pub struct DirStatus {
    origins: Origins,
    /// A hash of the text last written to each status file: the texts themselves would
    /// double the memory the statuses take in a big folder.
    written: BTreeMap<PathBuf, u64>,
}

impl DirStatus {
    /// A writer for the origins the watcher maintains.
    pub fn new(origins: Origins) -> Self {
        DirStatus {
            origins,
            written: BTreeMap::new(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    kind: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    namespace: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a ObjectStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// The status file of a manifest.
pub fn status_path(manifest: &Path) -> PathBuf {
    let mut name = manifest.file_name().unwrap_or_default().to_os_string();
    name.push(".status.yaml");
    manifest.with_file_name(name)
}

impl StatusSink for DirStatus {
    fn publish(&mut self, plan: &Plan, statuses: &[ObjectStatus]) {
        let Ok(origins) = self.origins.lock().map(|o| o.clone()) else {
            return;
        };
        let mut files: BTreeMap<PathBuf, Vec<Entry<'_>>> = BTreeMap::new();
        for (p, s) in plan.objects.iter().zip(statuses) {
            let Some(path) = origins.get(&p.id) else {
                continue;
            };
            files.entry(path.clone()).or_default().push(Entry {
                kind: &p.key.kind,
                namespace: &p.key.namespace,
                name: &p.key.name,
                status: Some(s),
                error: None,
            });
        }
        for e in plan.errors.iter().filter(|e| e.kind.is_empty()) {
            let Some(path) = origins.get(&e.name) else {
                continue;
            };
            files.entry(path.clone()).or_default().push(Entry {
                kind: "",
                namespace: "",
                name: &e.name,
                status: None,
                error: Some(&e.reason),
            });
        }
        for (path, entries) in files {
            // JSON, which is YAML too: serde_yaml's emitter takes about a second for the
            // status of 10k objects, serde_json a few milliseconds.
            let Ok(mut text) = serde_json::to_string_pretty(&entries) else {
                continue;
            };
            text.push('\n');
            let hash = text_hash(&text);
            if self.written.get(&path) == Some(&hash) {
                continue;
            }
            match std::fs::write(status_path(&path), &text) {
                Ok(()) => {
                    self.written.insert(path, hash);
                }
                Err(e) => tracing::warn!(file = %path.display(), error = %e, "cannot write status"),
            }
        }
    }
}
