//! Command line of the `operator` binary.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::apply::Target;

/// rustbgpd operator: reconciles BgpNeighbor, FlowSpecRule and InjectedRoute objects onto the
/// rustbgpd speaker over gRPC.
///
/// With --from-dir the objects are read from a folder of manifests (watched; edits apply
/// within a second) and each manifest's status is written to <file>.status.yaml. Stopping the
/// operator (SIGTERM, Ctrl-C) withdraws nothing.
#[derive(Debug, Parser)]
#[command(name = "operator", version)]
pub struct Cli {
    /// Folder of manifests (*.yaml, *.yml; multi-document) to reconcile.
    #[arg(long, value_name = "DIR")]
    pub from_dir: PathBuf,

    /// The speaker's gRPC endpoint: unix:///path/to/socket or http://host:port.
    #[arg(
        long,
        value_name = "URL",
        default_value = "unix:///run/rustbgpd/grpc.sock"
    )]
    pub speaker: Target,

    /// File holding the bearer token for a TCP endpoint.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,

    /// Re-list the speaker and repair drift at least this often, in seconds.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub resync_seconds: u64,

    /// Serve Prometheus metrics on this address, e.g. 127.0.0.1:9180.
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<SocketAddr>,
}
