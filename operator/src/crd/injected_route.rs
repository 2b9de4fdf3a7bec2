//! `InjectedRoute`: a unicast route to originate, e.g. a customer prefix or an RTBH
//! (remotely triggered black hole) route, which is an InjectedRoute for the victim's /32 with
//! community 65535:666 (BLACKHOLE, RFC 7999).
//!
//! The fields map onto the speaker's `AddPathRequest` (`proto/rustbgpd/v1/injection.proto`).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use kube::KubeSchema;
use kube::core::Duration;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Announcement, NeighborSelector, StatusCondition};
use super::common::{announcements_schema, conditions_schema, set_schema};
use super::expiry;
use super::values::{Community, ExtendedCommunity, IpAddress, LargeCommunity, Prefix};

/// A unicast route announced to the selected BGP neighbors.
// Every `printcolumn(...)` repeats `type_ = ...`, which clippy takes for a duplicate attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, KubeSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "bgp.rustbgpd.io",
    version = "v1alpha1",
    kind = "InjectedRoute",
    namespaced,
    status = "InjectedRouteStatus",
    derive = "PartialEq",
    shortname = "ir",
    category = "rustbgpd",
    doc = "A unicast route (IPv4 or IPv6) originated by the speaker and announced to the \
           selected BGP neighbors, e.g. a customer prefix or an RTBH route (community \
           65535:666).",
    printcolumn(name = "Prefix", type_ = "string", json_path = ".spec.prefix"),
    printcolumn(name = "Next Hop", type_ = "string", json_path = ".spec.nextHop"),
    printcolumn(
        name = "Communities",
        type_ = "string",
        json_path = ".spec.communities"
    ),
    printcolumn(
        name = "Peers",
        type_ = "integer",
        description = "How many neighbors the route is announced to",
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
#[x_kube(validation = expiry::exclusive_rule())]
pub struct InjectedRouteSpec {
    /// The prefix to announce, e.g. 203.0.113.66/32 or 2001:db8:1000::/36. Host bits must be
    /// zero.
    pub prefix: Prefix,

    /// NEXT_HOP to announce. Absent: the speaker's own address on each session (next-hop
    /// self). For RTBH, the address your routers route to a discard interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_hop: Option<IpAddress>,

    /// Standard communities, e.g. ["65535:666"] or ["BLACKHOLE", "NO_EXPORT"].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "set_schema::<Community>")]
    pub communities: Vec<Community>,

    /// Large communities, e.g. ["65000:1:2"].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "set_schema::<LargeCommunity>")]
    pub large_communities: Vec<LargeCommunity>,

    /// Extended communities, e.g. ["rt:65000:100"].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "set_schema::<ExtendedCommunity>")]
    pub extended_communities: Vec<ExtendedCommunity>,

    /// LOCAL_PREF, sent to iBGP neighbors only. Absent: the speaker's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_pref: Option<u32>,

    /// MULTI_EXIT_DISC. Absent: no MED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub med: Option<u32>,

    /// The AS_PATH to originate with, nearest AS first, before the speaker prepends its own AS
    /// on eBGP sessions. Absent: an empty AS_PATH.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 32), inner(range(min = 1, max = 4_294_967_294u32)))]
    pub as_path: Vec<u32>,

    /// Prepend an AS several times (after asPath), to make the route less preferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_path_prepend: Option<AsPathPrepend>,

    /// ORIGIN: igp, egp or incomplete. Absent: igp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,

    /// Which BgpNeighbors (by label) to announce the route to. Absent: every neighbor that
    /// negotiated the prefix's unicast family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbor_selector: Option<NeighborSelector>,

    /// Withdraw the route at this time (RFC 3339). Exclusive with `ttl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Time>,

    /// Withdraw the route this long after its creation, e.g. "1h". Exclusive with `expiresAt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "expiry::ttl_schema")]
    pub ttl: Option<Duration>,

    /// Free text kept with the route on the speaker; not sent in BGP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 256))]
    pub description: Option<String>,
}

/// How many times to prepend an AS number to the AS_PATH.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AsPathPrepend {
    /// The AS number to prepend; 0 means the speaker's own AS.
    #[serde(default)]
    #[schemars(range(max = 4_294_967_294u32))]
    pub asn: u32,
    /// How many copies to prepend, 1 to 16.
    #[schemars(range(min = 1, max = 16))]
    pub count: u8,
}

/// The ORIGIN attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Learned from an interior protocol (the usual value for originated routes).
    Igp,
    /// Learned via EGP (historic).
    Egp,
    /// Learned some other way, e.g. redistributed.
    Incomplete,
}

/// Observed state of an InjectedRoute, written by the operator.
#[derive(KubeSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InjectedRouteStatus {
    /// The metadata.generation this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Ready, Accepted (spec valid), Programmed (held by the speaker) and, for a spec that
    /// cannot work until edited, Stalled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "conditions_schema")]
    pub conditions: Vec<StatusCondition>,
    /// The neighbors the route is announced to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "announcements_schema")]
    pub announced_to: Vec<Announcement>,
    /// How many neighbors the route is announced to (the length of announcedTo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced_count: Option<u32>,
    /// When the route will be withdrawn (from spec.expiresAt or creation + spec.ttl).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Time>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtbh_route_round_trips() {
        let spec: InjectedRouteSpec = serde_json::from_value(serde_json::json!({
            "prefix": "203.0.113.66/32",
            "nextHop": "192.0.2.1",
            "communities": ["65535:666", "NO_EXPORT"],
            "ttl": "1h",
        }))
        .expect("parses");
        assert_eq!(spec.communities.len(), 2);
        assert_eq!(
            spec.ttl.map(std::time::Duration::from),
            Some(std::time::Duration::from_secs(3600))
        );
    }
}
