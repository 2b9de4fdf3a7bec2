//! `FlowSpecRule`: one FlowSpec rule (RFC 8955 / RFC 8956) to announce, e.g. to rate-limit or
//! drop attack traffic at the edge routers.
//!
//! The fields map onto the speaker's `AddFlowSpecRequest` (`proto/rustbgpd/v1/flowspec.proto`):
//! `match` is the `FlowSpecRule` message (a numeric component's list items become `*_match`
//! terms or values), `actions` is `FlowSpecActions`, and `neighborSelector` picks the
//! neighbors whose addresses go into `neighbors`.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use kube::KubeSchema;
use kube::core::{Duration, Message, Rule};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Announcement, NeighborSelector, StatusCondition};
use super::common::{announcements_schema, conditions_schema};
use super::expiry;
use super::values::{
    DscpMatch, FlowLabelMatch, FragmentMatch, IcmpMatch, IpAddress, PortMatch, Prefix,
    ProtocolMatch, RouteTarget, TcpFlagsMatch,
};

/// CEL: the rule is IPv6, from `family` or else from the prefixes. IPv6 text always has a ':'
/// and IPv4 text never, which keeps the rule free of parse errors on malformed prefixes (those
/// are reported by the prefix fields' own rules).
const IS_V6: &str = "(has(self.family) ? self.family == 'ipv6' \
    : (has(self.match.destinationPrefix) ? self.match.destinationPrefix.contains(':') \
    : has(self.match.sourcePrefix) && self.match.sourcePrefix.contains(':')))";

/// CEL: `match` has at least one component (the speaker rejects an empty rule).
const HAS_COMPONENT: &str = "has(self.destinationPrefix) || has(self.sourcePrefix) \
    || [has(self.protocols) ? size(self.protocols) : 0, has(self.ports) ? size(self.ports) : 0, \
    has(self.destinationPorts) ? size(self.destinationPorts) : 0, \
    has(self.sourcePorts) ? size(self.sourcePorts) : 0, \
    has(self.icmpTypes) ? size(self.icmpTypes) : 0, has(self.icmpCodes) ? size(self.icmpCodes) : 0, \
    has(self.packetLengths) ? size(self.packetLengths) : 0, has(self.dscp) ? size(self.dscp) : 0, \
    has(self.flowLabel) ? size(self.flowLabel) : 0].exists(n, n > 0) \
    || has(self.tcpFlags) || has(self.fragment)";

/// CEL for an IPv6 prefix offset (RFC 8956): only with an IPv6 prefix, below its length.
fn offset_rule(prefix: &str) -> Rule {
    let offset = format!("{prefix}Offset");
    Rule::new(format!(
        "!has(self.{offset}) || self.{offset} == 0 || (has(self.{prefix}) \
         && self.{prefix}.contains(':') && isCIDR(self.{prefix}) \
         && self.{offset} < cidr(self.{prefix}).prefixLength())"
    ))
    .message(Message::Message(format!(
        "{offset} needs an IPv6 {prefix} longer than the offset"
    )))
    .field_path(format!(".{offset}"))
}

/// CEL: a prefix agrees with an explicit `family`.
fn prefix_family_rule(prefix: &str) -> Rule {
    Rule::new(format!(
        "!has(self.family) || !has(self.match.{prefix}) \
         || self.match.{prefix}.contains(':') == (self.family == 'ipv6')"
    ))
    .message(Message::Expression(format!(
        "'match.{prefix} ' + self.match.{prefix} + ' is not an ' + self.family + ' prefix'"
    )))
    .field_path(format!(".match.{prefix}"))
}

/// A FlowSpec rule to announce to the selected BGP neighbors.
// Every `printcolumn(...)` repeats `type_ = ...`, which clippy takes for a duplicate attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, KubeSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "bgp.rustbgpd.io",
    version = "v1alpha1",
    kind = "FlowSpecRule",
    namespaced,
    status = "FlowSpecRuleStatus",
    derive = "PartialEq",
    shortname = "fsr",
    category = "rustbgpd",
    doc = "A FlowSpec rule (RFC 8955/8956) announced to the selected BGP neighbors: what \
           traffic to match and what routers should do with it (rate-limit, discard, redirect, \
           mark).",
    printcolumn(name = "Family", type_ = "string", json_path = ".status.family"),
    printcolumn(
        name = "Destination",
        type_ = "string",
        json_path = ".spec.match.destinationPrefix"
    ),
    printcolumn(name = "Action", type_ = "string", json_path = ".status.action"),
    printcolumn(
        name = "Peers",
        type_ = "integer",
        description = "How many neighbors the rule is announced to",
        json_path = ".status.announcedCount"
    ),
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
        "has(self.family) || has(self.match.destinationPrefix) || has(self.match.sourcePrefix)"
    ).message("family is required when match has no destinationPrefix or sourcePrefix to infer it from"),
    validation = prefix_family_rule("destinationPrefix"),
    validation = prefix_family_rule("sourcePrefix"),
    validation = Rule::new(
        "!has(self.match.destinationPrefix) || !has(self.match.sourcePrefix) \
         || self.match.destinationPrefix.contains(':') == self.match.sourcePrefix.contains(':')"
    ).message("match.destinationPrefix and match.sourcePrefix must be of the same family"),
    validation = Rule::new(format!("!has(self.match.flowLabel) || {IS_V6}"))
        .message("match.flowLabel is for IPv6 rules only")
        .field_path(".match.flowLabel"),
    validation = Rule::new(format!(
        "!has(self.actions) || !has(self.actions.redirect) || !has(self.actions.redirect.ip) \
         || self.actions.redirect.ip.contains(':') == {IS_V6}"
    )).message("actions.redirect.ip must be of the rule's family")
        .field_path(".actions.redirect.ip"),
    validation = expiry::exclusive_rule(),
)]
pub struct FlowSpecRuleSpec {
    /// The address family: `ipv4` or `ipv6`. Optional when `match` has a prefix, whose family
    /// it then takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<FlowSpecFamily>,

    /// What traffic the rule matches: at least one component. Components are ANDed; the items
    /// of one list are ORed.
    #[serde(rename = "match")]
    pub match_: FlowSpecMatch,

    /// What routers should do with matching traffic. None: match only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<FlowSpecActions>,

    /// Which BgpNeighbors (by label) to announce the rule to. Absent: every neighbor that
    /// negotiated the rule's FlowSpec family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbor_selector: Option<NeighborSelector>,

    /// Withdraw the rule at this time (RFC 3339, e.g. 2026-11-26T06:00:00Z). Exclusive with
    /// `ttl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Time>,

    /// Withdraw the rule this long after its creation, e.g. "30m" or "2h". Exclusive with
    /// `expiresAt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "expiry::ttl_schema")]
    pub ttl: Option<Duration>,

    /// Free text kept with the rule on the speaker (e.g. the attack or ticket id); not sent in
    /// BGP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 256))]
    pub description: Option<String>,
}

/// The address family of a FlowSpec rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FlowSpecFamily {
    /// IPv4 FlowSpec (RFC 8955), AFI 1 / SAFI 133.
    Ipv4,
    /// IPv6 FlowSpec (RFC 8956), AFI 2 / SAFI 133.
    Ipv6,
}

impl FlowSpecFamily {
    /// The speaker API's family name.
    pub fn api_name(self) -> &'static str {
        match self {
            FlowSpecFamily::Ipv4 => "ipv4_flowspec",
            FlowSpecFamily::Ipv6 => "ipv6_flowspec",
        }
    }
}

/// The match part of a rule: one field per component type (RFC 8955 section 4.2).
#[derive(KubeSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new(HAS_COMPONENT).message("match needs at least one component"),
    validation = offset_rule("destinationPrefix"),
    validation = offset_rule("sourcePrefix"),
)]
pub struct FlowSpecMatch {
    /// Type 1: destination prefix, e.g. 203.0.113.10/32.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_prefix: Option<Prefix>,
    /// IPv6 only (RFC 8956): bit offset into the destination address at which
    /// destinationPrefix starts to match; below its length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 127))]
    pub destination_prefix_offset: Option<u8>,
    /// Type 2: source prefix, same form as destinationPrefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_prefix: Option<Prefix>,
    /// IPv6 only: bit offset for sourcePrefix, as destinationPrefixOffset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 127))]
    pub source_prefix_offset: Option<u8>,
    /// Type 3: IP protocol (IPv6: next header), e.g. [tcp] or [6, 17].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16))]
    pub protocols: Vec<ProtocolMatch>,
    /// Type 4: source or destination port, e.g. [80, 443].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16))]
    pub ports: Vec<PortMatch>,
    /// Type 5: destination port, e.g. [53, "1024-2048", ">=8000&<=8080"].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16))]
    pub destination_ports: Vec<PortMatch>,
    /// Type 6: source port, e.g. [53] for DNS answers (amplification).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16))]
    pub source_ports: Vec<PortMatch>,
    /// Type 7: ICMP type (ICMPv6 for IPv6 rules), e.g. [8].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16))]
    pub icmp_types: Vec<IcmpMatch>,
    /// Type 8: ICMP code (ICMPv6 for IPv6 rules).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16))]
    pub icmp_codes: Vec<IcmpMatch>,
    /// Type 9: TCP flags in the bitmask grammar, e.g. "=syn&!ack".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_flags: Option<TcpFlagsMatch>,
    /// Type 10: packet length (IP total length), e.g. [">=1400"].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16))]
    pub packet_lengths: Vec<PortMatch>,
    /// Type 11: DSCP, 0..63.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16))]
    pub dscp: Vec<DscpMatch>,
    /// Type 12: fragment bits in the bitmask grammar, e.g. "is-fragment".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fragment: Option<FragmentMatch>,
    /// Type 13 (IPv6 only, RFC 8956): flow label, 0..1048575.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 16))]
    pub flow_label: Vec<FlowLabelMatch>,
}

/// What routers do with matching traffic: the traffic-filtering extended communities of
/// RFC 8955 section 7.
#[derive(KubeSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new(
    "!has(self.discard) || !self.discard \
     || (!has(self.rateLimitBytesPerSecond) && !has(self.rateLimitPacketsPerSecond))"
).message("discard cannot be combined with a rate limit (a rate of 0 already discards)"))]
pub struct FlowSpecActions {
    /// Police matching traffic to this many bytes per second (traffic-rate-bytes); 0 discards.
    /// E.g. 1250000 = 10 Mbit/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 1_000_000_000_000u64))]
    pub rate_limit_bytes_per_second: Option<u64>,
    /// Police matching traffic to this many packets per second (traffic-rate-packets,
    /// RFC 8955 section 7.1); 0 discards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 1_000_000_000_000u64))]
    pub rate_limit_packets_per_second: Option<u64>,
    /// Drop all matching traffic (sent as traffic-rate-bytes 0).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discard: bool,
    /// Ask routers to sample (log) matching traffic (traffic-action S bit).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sample: bool,
    /// Stop evaluating further FlowSpec rules after this one matches (traffic-action T bit).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub terminal: bool,
    /// Redirect matching traffic to a VRF (route target) or to an IP next hop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<Redirect>,
    /// Rewrite the DSCP of matching traffic to this value (traffic-marking), 0..63.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 63))]
    pub mark_dscp: Option<u8>,
}

/// Where to redirect matching traffic: exactly one of `routeTarget` and `ip`.
#[derive(KubeSchema, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.routeTarget) != has(self.ip)")
    .message("redirect needs exactly one of routeTarget and ip"))]
pub struct Redirect {
    /// Redirect to the VRF with this route target, e.g. 65000:100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_target: Option<RouteTarget>,
    /// Redirect to this next hop (redirect-to-IP), of the rule's family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddress>,
}

/// Observed state of a FlowSpecRule, written by the operator.
#[derive(KubeSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowSpecRuleStatus {
    /// The metadata.generation this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Ready, Accepted (spec valid), Programmed (held by the speaker) and, for a spec that
    /// cannot work until edited, Stalled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "conditions_schema")]
    pub conditions: Vec<StatusCondition>,
    /// The family in effect (given or inferred): ipv4 or ipv6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<FlowSpecFamily>,
    /// A one-line summary of the actions, e.g. "rate-limit 1250000 B/s" or "discard".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 256))]
    pub action: Option<String>,
    /// The neighbors the rule is announced to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "announcements_schema")]
    pub announced_to: Vec<Announcement>,
    /// How many neighbors the rule is announced to (the length of announcedTo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced_count: Option<u32>,
    /// When the rule will be withdrawn (from spec.expiresAt or creation + spec.ttl).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Time>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_is_a_reserved_rust_word_but_the_field_is_named_match() {
        let spec: FlowSpecRuleSpec = serde_json::from_value(serde_json::json!({
            "match": {"destinationPrefix": "203.0.113.10/32", "destinationPorts": [53]},
            "actions": {"discard": true},
        }))
        .expect("parses");
        assert_eq!(spec.match_.destination_ports, vec![PortMatch::Value(53)]);
        let back = serde_json::to_value(&spec).expect("serializes");
        assert_eq!(back["match"]["destinationPrefix"], "203.0.113.10/32");
        assert!(
            back["actions"].get("sample").is_none(),
            "false flags are omitted"
        );
    }

    #[test]
    fn family_names_match_the_speaker_api() {
        assert_eq!(FlowSpecFamily::Ipv4.api_name(), "ipv4_flowspec");
        assert_eq!(FlowSpecFamily::Ipv6.api_name(), "ipv6_flowspec");
    }
}
