//! Standalone persistence (`state_file`): paths, FlowSpec rules and neighbors added over gRPC
//! survive a restart. They are stored as the API requests themselves (protobuf), so a reload
//! goes through exactly the validation and conversion of a fresh call. Writes are atomic (temp
//! file, fsync, rename, fsync of the folder) and batched by the core. Leave it off when the
//! operator drives the speaker: the operator replays its desired state instead.
//!
//! Neighbors: only those added over gRPC are stored (with their enabled/disabled state and
//! their MD5 password, so the file is created mode 0600). Config-file neighbors are not: on a
//! restart the config file wins, a stored neighbor with the address of a config-file neighbor
//! is skipped, and a config-file neighbor deleted over gRPC comes back.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use bgpd_api::v1::{
    AddFlowSpecRequest, AddFlowSpecsRequest, AddNeighborRequest, AddPathRequest, AddPathsRequest,
};
use prost::Message;
use thiserror::Error;

/// File signature and format version.
const MAGIC: &[u8; 8] = b"RBGPDST1";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub paths: Vec<AddPathRequest>,
    pub flowspecs: Vec<AddFlowSpecRequest>,
    /// Neighbors added over gRPC, by address order.
    pub neighbors: Vec<StoredNeighbor>,
}

/// A neighbor added over gRPC: its request (password included) and its admin state.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StoredNeighbor {
    #[prost(message, optional, tag = "1")]
    pub request: Option<AddNeighborRequest>,
    /// Disabled over gRPC (DisableNeighbor) and not enabled since.
    #[prost(bool, tag = "2")]
    pub disabled: bool,
}

/// The third section of the file; absent in files written before neighbors were stored.
#[derive(Clone, PartialEq, prost::Message)]
struct StoredNeighbors {
    #[prost(message, repeated, tag = "1")]
    neighbors: Vec<StoredNeighbor>,
}

#[derive(Debug, Error)]
pub enum PersistError {
    #[error("state file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("state file {path} is not a rustbgpd state file: {reason}")]
    Corrupt { path: PathBuf, reason: String },
}

/// Reads the snapshot; `Ok(None)` when there is no file yet.
pub fn load(path: &Path) -> Result<Option<Snapshot>, PersistError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(io(path, source)),
    };
    decode(&bytes)
        .map(Some)
        .map_err(|reason| PersistError::Corrupt {
            path: path.to_path_buf(),
            reason,
        })
}

/// Replaces the file atomically: a crash leaves either the old or the new snapshot.
pub fn save(path: &Path, snapshot: &Snapshot) -> Result<(), PersistError> {
    let tmp = path.with_extension("tmp");
    let mut f = create_private(&tmp).map_err(|e| io(&tmp, e))?;
    f.write_all(&encode(snapshot)).map_err(|e| io(&tmp, e))?;
    f.sync_all().map_err(|e| io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| io(path, e))?;
    // The rename is durable only once the folder's entry is on disk.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io(dir, e))?;
    }
    Ok(())
}

/// Owner-only: the file may hold TCP MD5 passwords of runtime neighbors.
fn create_private(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

fn encode(s: &Snapshot) -> Vec<u8> {
    let paths = AddPathsRequest {
        paths: s.paths.clone(),
        allow_partial: true,
    };
    let flows = AddFlowSpecsRequest {
        flowspecs: s.flowspecs.clone(),
        allow_partial: true,
    };
    let mut out = MAGIC.to_vec();
    out.extend(paths.encode_length_delimited_to_vec());
    out.extend(flows.encode_length_delimited_to_vec());
    let neighbors = StoredNeighbors {
        neighbors: s.neighbors.clone(),
    };
    out.extend(neighbors.encode_length_delimited_to_vec());
    out
}

fn decode(bytes: &[u8]) -> Result<Snapshot, String> {
    let mut rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or("bad signature")?;
    let paths = AddPathsRequest::decode_length_delimited(&mut rest).map_err(|e| e.to_string())?;
    let flows =
        AddFlowSpecsRequest::decode_length_delimited(&mut rest).map_err(|e| e.to_string())?;
    let neighbors = if rest.is_empty() {
        Vec::new()
    } else {
        StoredNeighbors::decode_length_delimited(&mut rest)
            .map_err(|e| e.to_string())?
            .neighbors
    };
    Ok(Snapshot {
        paths: paths.paths,
        flowspecs: flows.flowspecs,
        neighbors,
    })
}

fn io(path: &Path, source: std::io::Error) -> PersistError {
    PersistError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Snapshot {
        Snapshot {
            paths: vec![AddPathRequest {
                id: "rtbh".into(),
                prefix: "203.0.113.10/32".into(),
                next_hop: "192.0.2.1".into(),
                communities: vec!["65535:666".into()],
                ..Default::default()
            }],
            flowspecs: vec![AddFlowSpecRequest {
                id: "dns".into(),
                family: "ipv4_flowspec".into(),
                ..Default::default()
            }],
            neighbors: vec![StoredNeighbor {
                request: Some(AddNeighborRequest {
                    address: "192.0.2.7".into(),
                    remote_asn: 65007,
                    password: "s3cret".into(),
                    ..Default::default()
                }),
                disabled: true,
            }],
        }
    }

    #[test]
    fn saved_snapshot_loads_back_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.bin");
        assert_eq!(load(&path).unwrap(), None);
        save(&path, &sample()).unwrap();
        assert_eq!(load(&path).unwrap(), Some(sample()));
        assert!(!path.with_extension("tmp").exists());
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "passwords inside: owner only");
    }

    #[test]
    fn a_file_from_before_neighbors_were_stored_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.bin");
        let mut old = sample();
        old.neighbors.clear();
        let mut bytes = encode(&old);
        // The old format ended after the FlowSpec section.
        let empty = StoredNeighbors::default().encode_length_delimited_to_vec();
        bytes.truncate(bytes.len() - empty.len());
        fs::write(&path, bytes).unwrap();
        assert_eq!(load(&path).unwrap(), Some(old));
    }

    #[test]
    fn a_foreign_or_truncated_file_is_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.bin");
        fs::write(&path, b"hello").unwrap();
        assert!(matches!(load(&path), Err(PersistError::Corrupt { .. })));
        let mut bytes = encode(&sample());
        bytes.truncate(bytes.len() - 3);
        fs::write(&path, bytes).unwrap();
        assert!(matches!(load(&path), Err(PersistError::Corrupt { .. })));
    }
}
