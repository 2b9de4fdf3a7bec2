//! The typed, validated configuration handed to the rest of the speaker.
//!
//! Everything here is plain data: no spans, no raw strings. Defaults are already applied,
//! except where the right value depends on the session (see [`Neighbor::keepalive`]).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::Family;

/// The standard BGP port (RFC 4271 §8.2.1): default for `listen_port` and neighbor `port`.
pub const DEFAULT_BGP_PORT: u16 = 179;
/// Default hold time in seconds (RFC 4271 §10 suggests 90).
pub const DEFAULT_HOLD_TIME: u16 = 90;
/// Default ConnectRetry in seconds; much shorter than RFC 4271's 120 so labs and tests
/// converge quickly.
pub const DEFAULT_CONNECT_RETRY: Duration = Duration::from_secs(5);
/// Default for `stale_route_timeout`: how long a peer's enhanced route refresh may run
/// before its still-stale routes are purged without EoRR (RFC 7313 §4 leaves the value
/// open). 360 s is what FRR uses for the same timer (its `stalepath-time`); BIRD has no
/// such timer and waits for the EoRR forever.
pub const DEFAULT_STALE_ROUTE_TIMEOUT: Duration = Duration::from_secs(360);
/// Default path of the local gRPC Unix socket.
pub const DEFAULT_GRPC_UDS_PATH: &str = "/run/rustbgpd/grpc.sock";
/// Default TCP address of the gRPC listener when `[global.telemetry.grpc_tcp]` is enabled.
pub const DEFAULT_GRPC_TCP_ADDRESS: SocketAddr =
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 50051);

/// A whole validated config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `[global]`.
    pub global: Global,
    /// `[[neighbors]]`, in file order. May be empty (neighbors can be added over gRPC).
    pub neighbors: Vec<Neighbor>,
    /// `[policy]`: empty when absent.
    pub policy: PolicyConfig,
}

/// `[policy]`: prefix entries of the global import and export chains, in file order.
/// Each direction becomes one policy whose statements are the entries (first match
/// decides; a route matching none is permitted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyConfig {
    pub import: Vec<PolicyEntry>,
    pub export: Vec<PolicyEntry>,
}

/// One `[[policy.import]]` / `[[policy.export]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyEntry {
    /// `action`: "permit" or "deny".
    pub action: crate::policy::Action,
    /// `prefix`, `ge`, `le`.
    pub range: crate::policy::PrefixRange,
}

/// `[global]`: identity and listeners of this speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Global {
    /// `asn`: local AS number (1..=4294967294, not 23456).
    pub asn: u32,
    /// `router_id`: BGP Identifier, a non-zero IPv4 address.
    pub router_id: Ipv4Addr,
    /// `listen_port`: TCP port for incoming sessions; `None` when set to 0 (don't listen).
    pub listen_port: Option<u16>,
    /// `listen_address`: bind address; `None` = all addresses of both families.
    pub listen_address: Option<IpAddr>,
    /// `hold_time`: default hold time for neighbors that don't set one.
    pub hold_time: u16,
    /// `state_file`: where gRPC-injected routes and rules are persisted in standalone mode.
    /// Leave unset when the operator drives the speaker: the operator owns that state.
    pub state_file: Option<PathBuf>,
    /// `[global.telemetry]`.
    pub telemetry: Telemetry,
}

/// `[global.telemetry]`: metrics, logs and the gRPC listeners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Telemetry {
    /// `prometheus_addr`: where to serve `/metrics`; `None` = no metrics endpoint.
    pub prometheus_addr: Option<SocketAddr>,
    /// `log_format`.
    pub log_format: LogFormat,
    /// gRPC Unix socket path (`grpc_uds_path`); `None` when `grpc_uds = false`.
    pub grpc_uds: Option<PathBuf>,
    /// `[global.telemetry.grpc_tcp]`; `None` unless `enabled = true`.
    pub grpc_tcp: Option<GrpcTcp>,
    /// `health_addr`: a TCP listener serving only `grpc.health.v1`, without auth, for
    /// Kubernetes `grpc:` probes; `None` = no such listener.
    pub health_addr: Option<SocketAddr>,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// `"text"`: human-readable lines (default).
    #[default]
    Text,
    /// `"json"`: one JSON object per line, for log shippers.
    Json,
}

impl LogFormat {
    /// The config spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        }
    }
}

/// An enabled gRPC TCP listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrpcTcp {
    /// `address`: socket address to bind.
    pub address: SocketAddr,
    /// `token_file`: file holding the bearer token clients must present; `None` = no auth.
    pub token_file: Option<PathBuf>,
}

/// One `[[neighbors]]` entry with defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbor {
    /// `address`: the peer's IP.
    pub address: IpAddr,
    /// `remote_asn`: the peer's AS (equal to the global `asn` for iBGP).
    pub remote_asn: u32,
    /// `description`: free text for logs and the API.
    pub description: Option<String>,
    /// `families`: negotiated AFI/SAFIs, no duplicates, in file order.
    pub families: Vec<Family>,
    /// `hold_time`: proposed hold time in seconds (0 = no keepalives, else 3..=65535).
    pub hold_time: u16,
    /// `keepalive`: explicit keepalive interval; `None` = one third of the negotiated
    /// hold time (see [`Neighbor::keepalive_for`]).
    pub keepalive: Option<u16>,
    /// `connect_retry`: ConnectRetry timer.
    pub connect_retry: Duration,
    /// `port`: the peer's TCP port.
    pub port: u16,
    /// `local_address`: source address for the session; same family as `address`.
    pub local_address: Option<IpAddr>,
    /// `passive`: never connect out, only accept.
    pub passive: bool,
    /// Outgoing TTL for multihop eBGP (`ebgp_multihop = true` gives 255, `ttl = N` gives N);
    /// `None` = directly connected.
    pub ebgp_multihop: Option<u8>,
    /// TCP MD5 key (RFC 2385), from `password` or the contents of `password_file`.
    pub password: Option<Password>,
    /// `max_prefixes`: tear the session down above this many received prefixes.
    pub max_prefixes: Option<u32>,
    /// `enabled`: `false` keeps the neighbor configured but administratively down.
    pub enabled: bool,
    /// `flowspec_validation`: apply RFC 8955 §6 validation to received FlowSpec rules.
    pub flowspec_validation: bool,
    /// `stale_route_timeout`: after the peer's BoRR, its routes of that family not sent
    /// again are purged at EoRR or, failing that, once this much time has passed.
    pub stale_route_timeout: Duration,
}

impl Neighbor {
    /// The keepalive interval to use once `negotiated_hold` is known.
    ///
    /// An explicit `keepalive` wins while it is below the negotiated hold time; otherwise
    /// (or when unset) it is one third of that hold time, 0 when the hold time is 0.
    pub fn keepalive_for(&self, negotiated_hold: u16) -> u16 {
        match self.keepalive {
            Some(k) if k < negotiated_hold => k,
            _ => negotiated_hold / 3,
        }
    }
}

/// A TCP MD5 key. `Debug` never shows it, so configs can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Maximum key length accepted by Linux (`TCP_MD5SIG_MAXKEYLEN`).
    pub const MAX_LEN: usize = 80;

    pub(crate) fn new(secret: String) -> Self {
        Self(secret)
    }

    /// The key itself, for handing to the socket layer.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}
