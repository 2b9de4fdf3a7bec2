//! Command line of the `operator` binary.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::apply::Target;

/// rustbgpd operator: reconciles BgpNeighbor, FlowSpecRule and InjectedRoute objects onto the
/// rustbgpd speaker over gRPC.
///
/// Without --from-dir the objects come from Kubernetes (in-cluster config, or KUBECONFIG /
/// ~/.kube/config): BgpNeighbors cluster-wide, FlowSpecRules and InjectedRoutes in every
/// namespace or only in --namespace. Every replica programs its own speaker; only the holder
/// of the Lease --lease-name writes status (server-side apply, field manager
/// rustbgpd-operator) and Events. Deleting an object withdraws it, also when the operator was
/// down at the time (uid-keyed garbage collection, no finalizers).
///
/// With --from-dir the objects are read from a folder of manifests (watched; edits apply
/// within a second) and each manifest's status is written to <file>.status.yaml.
///
/// Stopping the operator (SIGTERM, Ctrl-C) withdraws nothing.
#[derive(Debug, Parser)]
#[command(name = "operator", version)]
pub struct Cli {
    /// Read manifests (*.yaml, *.yml; multi-document) from this folder instead of Kubernetes.
    #[arg(long, value_name = "DIR")]
    pub from_dir: Option<PathBuf>,

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

    /// Re-list the speaker and repair drift, and re-read referenced Secrets, at least this
    /// often, in seconds.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub resync_seconds: u64,

    /// Serve Prometheus metrics (/metrics) and the probes /healthz (the process runs) and
    /// /readyz (a reconcile pass reached the speaker) on this address, e.g. 0.0.0.0:9180.
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// Kubernetes: watch FlowSpecRules and InjectedRoutes in this namespace only (default:
    /// all namespaces). BgpNeighbors are cluster-scoped and always watched cluster-wide.
    #[arg(long, value_name = "NS", conflicts_with = "from_dir")]
    pub namespace: Option<String>,

    /// Kubernetes: the Lease whose holder writes status and Events.
    #[arg(long, value_name = "NAME", default_value = "rustbgpd-operator")]
    pub lease_name: String,

    /// Kubernetes: the Lease's namespace [default: $POD_NAMESPACE, else "default"].
    #[arg(long, value_name = "NS")]
    pub lease_namespace: Option<String>,

    /// Kubernetes: this replica's name in the Lease and in Events [default: $POD_NAME, else
    /// the host name].
    #[arg(long, value_name = "ID")]
    pub identity: Option<String>,
}

impl Cli {
    /// `--lease-namespace`, else `$POD_NAMESPACE`, else `default`.
    pub fn lease_namespace(&self) -> String {
        self.lease_namespace
            .clone()
            .or_else(|| non_empty_env("POD_NAMESPACE"))
            .unwrap_or_else(|| "default".to_owned())
    }

    /// `--identity`, else `$POD_NAME`, else the host name.
    pub fn identity(&self) -> String {
        self.identity
            .clone()
            .or_else(|| non_empty_env("POD_NAME"))
            .or_else(|| non_empty_env("HOSTNAME"))
            .or_else(|| {
                std::fs::read_to_string("/proc/sys/kernel/hostname")
                    .ok()
                    .map(|h| h.trim().to_owned())
                    .filter(|h| !h.is_empty())
            })
            .unwrap_or_else(|| "rustbgpd-operator".to_owned())
    }
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_dir_is_optional_and_flags_parse() {
        let cli = Cli::try_parse_from(["operator"]).expect("no flags");
        assert!(cli.from_dir.is_none());
        assert_eq!(cli.lease_name, "rustbgpd-operator");
        let cli = Cli::try_parse_from([
            "operator",
            "--namespace",
            "ddos",
            "--lease-namespace",
            "ops",
            "--identity",
            "pod-1",
        ])
        .expect("kube flags");
        assert_eq!(cli.namespace.as_deref(), Some("ddos"));
        assert_eq!(cli.lease_namespace(), "ops");
        assert_eq!(cli.identity(), "pod-1");
        assert!(Cli::try_parse_from(["operator", "--from-dir", "/x", "--namespace", "a"]).is_err());
    }
}
