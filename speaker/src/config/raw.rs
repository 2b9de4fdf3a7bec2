//! The config file as TOML sees it: serde structs mirroring the file, with spans kept on
//! every value that validation checks so errors can point at its line.
//!
//! Values are kept loose (strings for addresses, `i64` for numbers) on purpose: a bad value
//! then becomes a collected, line-numbered semantic error instead of stopping the parser.

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;

/// A section we recognise but do not implement yet; its span is its header.
pub(super) type Unsupported = Option<Spanned<IgnoredAny>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub global: RawGlobal,
    #[serde(default)]
    pub neighbors: Vec<Spanned<RawNeighbor>>,
    pub rpki: Unsupported,
    pub bmp: Unsupported,
    pub mrt: Unsupported,
    pub policy: Option<Spanned<RawPolicy>>,
    pub peer_groups: Unsupported,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGlobal {
    pub asn: Spanned<i64>,
    pub router_id: Spanned<String>,
    pub listen_port: Option<Spanned<i64>>,
    pub listen_address: Option<Spanned<String>>,
    pub hold_time: Option<Spanned<i64>>,
    pub state_file: Option<Spanned<String>>,
    #[serde(default)]
    pub telemetry: RawTelemetry,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTelemetry {
    pub prometheus_addr: Option<Spanned<String>>,
    pub log_format: Option<Spanned<String>>,
    pub grpc_uds: Option<Spanned<bool>>,
    pub grpc_uds_path: Option<Spanned<String>>,
    pub health_addr: Option<Spanned<String>>,
    #[serde(default)]
    pub grpc_tcp: RawGrpcTcp,
    pub looking_glass: Unsupported,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGrpcTcp {
    #[serde(default)]
    pub enabled: bool,
    pub address: Option<Spanned<String>>,
    pub token_file: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNeighbor {
    pub address: Spanned<String>,
    pub remote_asn: Spanned<i64>,
    pub description: Option<String>,
    pub families: Option<Spanned<Vec<Spanned<String>>>>,
    pub hold_time: Option<Spanned<i64>>,
    pub keepalive: Option<Spanned<i64>>,
    pub connect_retry: Option<Spanned<i64>>,
    pub port: Option<Spanned<i64>>,
    pub local_address: Option<Spanned<String>>,
    #[serde(default)]
    pub passive: bool,
    pub ebgp_multihop: Option<Spanned<bool>>,
    pub ttl: Option<Spanned<i64>>,
    pub password: Option<Spanned<String>>,
    pub password_file: Option<Spanned<String>>,
    pub max_prefixes: Option<Spanned<i64>>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "yes")]
    pub flowspec_validation: bool,
    pub stale_route_timeout: Option<Spanned<i64>>,
}

fn yes() -> bool {
    true
}

/// `[policy]`: entries of the global import and export chains, in file order.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    #[serde(default)]
    pub import: Vec<Spanned<RawPolicyEntry>>,
    #[serde(default)]
    pub export: Vec<Spanned<RawPolicyEntry>>,
}

/// `[[policy.import]]` / `[[policy.export]]`: a prefix (with ge/le) and what to do with it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicyEntry {
    pub action: Spanned<String>,
    pub prefix: Spanned<String>,
    pub ge: Option<Spanned<i64>>,
    pub le: Option<Spanned<i64>>,
}
