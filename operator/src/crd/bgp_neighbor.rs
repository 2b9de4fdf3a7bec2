//! `BgpNeighbor`: one BGP peer of the speaker (an edge router). Cluster-scoped: a neighbor is
//! shared by the FlowSpecRules and InjectedRoutes of every namespace, which choose neighbors
//! by the labels on this object.
//!
//! The fields map onto the speaker's `AddNeighborRequest` (`proto/rustbgpd/v1/neighbor.proto`)
//! and its TOML `[[neighbors]]` entries; the status mirrors `NeighborState`.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{StatusCondition, conditions_schema, set_schema};
use super::values::IpAddress;

/// A BGP neighbor the speaker keeps a session with.
// Every `printcolumn(...)` repeats `type_ = ...`, which clippy takes for a duplicate attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, KubeSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "bgp.rustbgpd.io",
    version = "v1alpha1",
    kind = "BgpNeighbor",
    status = "BgpNeighborStatus",
    derive = "PartialEq",
    shortname = "bgpn",
    category = "rustbgpd",
    doc = "A BGP neighbor (e.g. an edge router) of the rustbgpd speaker. Its labels are what \
           FlowSpecRules and InjectedRoutes select neighbors by.",
    printcolumn(name = "Address", type_ = "string", json_path = ".spec.address"),
    printcolumn(name = "ASN", type_ = "integer", json_path = ".spec.remoteAsn"),
    printcolumn(name = "State", type_ = "string", json_path = ".status.sessionState"),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    ),
    printcolumn(
        name = "Description",
        type_ = "string",
        priority = 1,
        json_path = ".spec.description"
    )
)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new(
        "!has(self.localAddress) || self.localAddress.contains(':') == self.address.contains(':')"
    ).message("localAddress must be of the same family as address")
        .field_path(".localAddress"),
    validation = Rule::new(
        "!has(self.keepalive) || !has(self.holdTime) \
         || (self.holdTime != 0 && self.keepalive < self.holdTime)"
    ).message("keepalive must be below holdTime, and holdTime 0 sends no keepalives")
        .field_path(".keepalive"),
    validation = Rule::new("!(has(self.ebgpMultihop) && self.ebgpMultihop && has(self.ttl))")
        .message("set at most one of ebgpMultihop and ttl"),
    validation = Rule::new(
        "!(has(self.ttlSecurity) && self.ttlSecurity) \
         || (!has(self.ttl) && !(has(self.ebgpMultihop) && self.ebgpMultihop))"
    ).message("ttlSecurity (GTSM) cannot be combined with ebgpMultihop or ttl"),
)]
pub struct BgpNeighborSpec {
    /// The neighbor's IP address, IPv4 or IPv6.
    pub address: IpAddress,

    /// The neighbor's AS number, 1..4294967294 (equal to the speaker's AS for iBGP).
    #[schemars(range(min = 1, max = 4_294_967_294u32))]
    pub remote_asn: u32,

    /// Free text, e.g. "edge-router-1, Frankfurt".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 256))]
    pub description: Option<String>,

    /// Address families to negotiate. Absent: the unicast family of the address only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "set_schema::<AddressFamily>")]
    pub families: Vec<AddressFamily>,

    /// Hold time to offer, in seconds: 0 (no keepalives) or 3..65535. Absent: 90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = Rule::new("self == 0 || self >= 3").message("holdTime must be 0 or 3..65535"))]
    pub hold_time: Option<u16>,

    /// Keepalive interval in seconds, below holdTime. Absent: a third of the negotiated hold
    /// time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub keepalive: Option<u16>,

    /// ConnectRetry timer in seconds, 1..65535. Absent: the speaker's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub connect_retry: Option<u16>,

    /// The neighbor's TCP port, 1..65535. Absent: 179.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub port: Option<u16>,

    /// Local address to connect from and accept the session on; same family as address.
    /// Absent: chosen by the kernel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_address: Option<IpAddress>,

    /// Never connect out; only accept the neighbor's connection.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub passive: bool,

    /// eBGP to a neighbor that is not directly connected: send with TTL 255. Exclusive with
    /// ttl and ttlSecurity.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ebgp_multihop: bool,

    /// eBGP multihop with an explicit TTL, 1..255. Exclusive with ebgpMultihop and
    /// ttlSecurity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub ttl: Option<u8>,

    /// GTSM (RFC 5082): send with TTL 255 and accept only packets that arrive with TTL 255.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ttl_security: bool,

    /// The Secret key holding the TCP MD5 password (RFC 2385).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_secret_ref: Option<SecretKeyRef>,

    /// Tear the session down when the neighbor sends more prefixes than this, per family.
    /// Absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_prefixes: Option<u32>,

    /// Validate received FlowSpec rules against unicast routes (RFC 8955 section 6). Absent:
    /// the speaker's default (on for eBGP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flowspec_validation: Option<bool>,

    /// RoutePolicy names applied, in order, to routes received from this neighbor (before
    /// the global import chain). A name without a RoutePolicy is reported in the status and
    /// leaves the neighbor's chains on the speaker as they were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16), inner(length(min = 1, max = 253)))]
    pub import_policies: Vec<String>,

    /// RoutePolicy names applied, in order, to routes sent to this neighbor (before the
    /// global export chain).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16), inner(length(min = 1, max = 253)))]
    pub export_policies: Vec<String>,
}

/// An address family (AFI/SAFI), in the speaker's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum AddressFamily {
    /// IPv4 unicast.
    #[serde(rename = "ipv4_unicast")]
    Ipv4Unicast,
    /// IPv6 unicast.
    #[serde(rename = "ipv6_unicast")]
    Ipv6Unicast,
    /// IPv4 FlowSpec (RFC 8955).
    #[serde(rename = "ipv4_flowspec")]
    Ipv4FlowSpec,
    /// IPv6 FlowSpec (RFC 8956).
    #[serde(rename = "ipv6_flowspec")]
    Ipv6FlowSpec,
}

/// A key of a Secret in a given namespace (the neighbor is cluster-scoped, so the namespace
/// is required). All three fields are required and non-empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretKeyRef {
    /// The Secret's name.
    #[schemars(
        length(min = 1, max = 253),
        regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    )]
    pub name: String,
    /// The Secret's namespace.
    #[schemars(
        length(min = 1, max = 63),
        regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    )]
    pub namespace: String,
    /// The key within the Secret's data, e.g. "password".
    #[schemars(length(min = 1, max = 253), regex(pattern = r"^[-._a-zA-Z0-9]+$"))]
    pub key: String,
}

/// BGP finite state machine states (RFC 4271 section 8.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum SessionState {
    /// Not trying to connect (disabled, or waiting to retry).
    Idle,
    /// Waiting for the outgoing TCP connection.
    Connect,
    /// Waiting for an incoming TCP connection.
    Active,
    /// OPEN sent, waiting for the neighbor's OPEN.
    OpenSent,
    /// OPENs exchanged, waiting for KEEPALIVE.
    OpenConfirm,
    /// Exchanging routes.
    Established,
}

/// Route counters of one family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FamilyCounters {
    /// The family.
    pub family: AddressFamily,
    /// Routes received and held (before import policy).
    #[serde(default)]
    pub received: u64,
    /// Of those, routes accepted by import policy and FlowSpec validation.
    #[serde(default)]
    pub accepted: u64,
    /// Routes advertised to the neighbor.
    #[serde(default)]
    pub advertised: u64,
}

/// Observed state of a BgpNeighbor, written by the operator from the speaker's view.
#[derive(KubeSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BgpNeighborStatus {
    /// The metadata.generation this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Ready (session established), Accepted (spec valid, secret readable), Programmed
    /// (configured on the speaker) and, for a spec that cannot work until edited, Stalled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "conditions_schema")]
    pub conditions: Vec<StatusCondition>,
    /// The session's FSM state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_state: Option<SessionState>,
    /// When the session last became established.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub established_since: Option<Time>,
    /// The neighbor's BGP identifier from its OPEN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 45))]
    pub remote_router_id: Option<String>,
    /// Route counters per negotiated family.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[x_kube(merge_strategy = kube::core::cel::ListMerge::Map(vec!["family".into()]))]
    #[schemars(length(max = 8))]
    pub families: Vec<FamilyCounters>,
    /// The last error that brought the session down or kept it from coming up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_use_the_speaker_words() {
        let spec: BgpNeighborSpec = serde_json::from_value(serde_json::json!({
            "address": "192.0.2.1",
            "remoteAsn": 64512,
            "families": ["ipv4_unicast", "ipv4_flowspec"],
        }))
        .expect("parses");
        assert_eq!(
            spec.families,
            vec![AddressFamily::Ipv4Unicast, AddressFamily::Ipv4FlowSpec]
        );
        assert!(!spec.passive);
    }
}
