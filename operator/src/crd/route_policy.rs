//! `RoutePolicy`: a named route policy on the speaker (the model of `PolicyService`, see
//! `proto/rustbgpd/v1/policy.proto`): statements evaluated in order, each with match
//! conditions, attribute changes and a decision, then a default action.
//!
//! Attaching: a `BgpNeighbor` lists policy names in `spec.importPolicies` /
//! `spec.exportPolicies` (its own chains, evaluated first); a policy with `globalImport` /
//! `globalExport` set joins the speaker's global chains, ordered by `order` then name.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::bgp_neighbor::AddressFamily;
use super::common::{StatusCondition, conditions_schema, set_schema};
use super::injected_route::AsPathPrepend;
use super::values::Prefix;

/// A route policy, attached to BgpNeighbors by name or to the global chains.
// Every `printcolumn(...)` repeats `type_ = ...`, which clippy takes for a duplicate attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, KubeSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "bgp.rustbgpd.io",
    version = "v1alpha1",
    kind = "RoutePolicy",
    status = "RoutePolicyStatus",
    derive = "PartialEq",
    shortname = "rpol",
    category = "rustbgpd",
    doc = "A route policy (import or export filter and attribute changes): statements \
           evaluated in order, then a default action. Attached to BgpNeighbors through their \
           importPolicies / exportPolicies, or to every neighbor with globalImport / \
           globalExport.",
    printcolumn(
        name = "Statements",
        type_ = "integer",
        json_path = ".status.statementCount"
    ),
    printcolumn(
        name = "Attached To",
        type_ = "string",
        json_path = ".status.attachedTo"
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
    validation = Rule::new("(has(self.statements) && size(self.statements) > 0) || has(self.defaultAction)")
        .message("set at least one statement or a defaultAction"),
)]
pub struct RoutePolicySpec {
    /// The statements, evaluated in order; the first whose conditions all hold applies its
    /// `set` changes and its `action`.
    #[serde(default)]
    #[schemars(length(max = 64))]
    pub statements: Vec<PolicyStatementSpec>,

    /// What happens when no statement decided: permit, deny, or next (continue with the next
    /// policy of the chain). Absent: next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_action: Option<PolicyAction>,

    /// Also apply this policy to routes received from every neighbor (the global import
    /// chain, evaluated after a neighbor's own importPolicies).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub global_import: bool,

    /// Also apply this policy to routes sent to every neighbor (the global export chain).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub global_export: bool,

    /// Position in the global chains: lower first, ties by name. Default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(min = -1000, max = 1000))]
    pub order: i32,

    /// Free text, for humans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 256))]
    pub description: Option<String>,
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

/// A statement's (or the default) decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PolicyAction {
    /// Accept the route (evaluation ends).
    #[default]
    Permit,
    /// Reject the route (evaluation ends).
    Deny,
    /// Keep the changes and continue with the following statement (or policy).
    Next,
}

impl PolicyAction {
    /// The speaker's word.
    pub fn name(self) -> &'static str {
        match self {
            PolicyAction::Permit => "permit",
            PolicyAction::Deny => "deny",
            PolicyAction::Next => "next",
        }
    }
}

/// One statement: conditions, changes, decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyStatementSpec {
    /// A label shown by the speaker's explain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 64))]
    pub name: Option<String>,
    /// Conditions, all of which must hold. Absent: every route matches.
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_: Option<PolicyMatch>,
    /// Attribute changes applied when the statement matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<PolicySet>,
    /// permit (default), deny or next.
    #[serde(default)]
    pub action: PolicyAction,
}

/// Match conditions of a statement.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyMatch {
    /// The route's prefix is one of these (a prefix list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 64))]
    pub prefixes: Vec<PrefixMatchSpec>,
    /// The route's prefix is in this prefix set defined in the speaker's config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub prefix_set: Option<String>,
    /// The route's neighbor (source on import, destination on export) is one of these
    /// addresses or within one of these prefixes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "set_schema::<String>")]
    pub neighbors: Vec<String>,
    /// The route's neighbor is in this neighbor set defined in the speaker's config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub neighbor_set: Option<String>,
    /// The route's address family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<AddressFamily>,
    /// Community conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communities: Option<CommunityMatch>,
    /// AS_PATH conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_path: Option<AsPathMatch>,
    /// The next hop is one of these addresses or within one of these prefixes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "set_schema::<String>")]
    pub next_hops: Vec<String>,
    /// The route was injected over the API (InjectedRoute, FlowSpecRule) or learned from a
    /// neighbor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_source: Option<RouteSource>,
}

/// A prefix-list entry: `prefix` covers the route and its length is within `ge`..`le`.
#[derive(KubeSchema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("!has(self.ge) || !isCIDR(self.prefix) || self.ge >= cidr(self.prefix).prefixLength()").message("ge must be at least the prefix length"),
    validation = Rule::new("!has(self.le) || !isCIDR(self.prefix) || self.le >= cidr(self.prefix).prefixLength()").message("le must be at least the prefix length"),
    validation = Rule::new("!has(self.ge) || !has(self.le) || self.ge <= self.le").message("ge must not be greater than le"),
    validation = Rule::new("self.prefix.contains(':') || ((!has(self.ge) || self.ge <= 32) && (!has(self.le) || self.le <= 32))").message("ge and le must be at most 32 for an IPv4 prefix"),
)]
pub struct PrefixMatchSpec {
    /// The covering prefix, e.g. 10.0.0.0/8.
    pub prefix: Prefix,
    /// Minimum length. Absent: the prefix's length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 128))]
    pub ge: Option<u8>,
    /// Maximum length. Absent: 32/128 when ge is set, else the prefix's length (exact
    /// match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 128))]
    pub le: Option<u8>,
}

/// How a list of values is matched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MatchType {
    /// At least one value matches.
    #[default]
    Any,
    /// Every value matches.
    All,
    /// No value matches.
    None,
}

impl MatchType {
    /// The speaker's word.
    pub fn name(self) -> &'static str {
        match self {
            MatchType::Any => "any",
            MatchType::All => "all",
            MatchType::None => "none",
        }
    }
}

/// The route carries any / all / none of these standard communities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommunityMatch {
    /// any (default), all or none.
    #[serde(default)]
    pub match_type: MatchType,
    /// Standard communities (ASN:VALUE or a well-known name), or regular expressions over
    /// their text form.
    #[schemars(schema_with = "set_schema::<String>")]
    pub values: Vec<String>,
}

/// AS_PATH conditions.
#[derive(KubeSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("!has(self.minLength) || !has(self.maxLength) || self.minLength <= self.maxLength").message("minLength must not be greater than maxLength"),
)]
pub struct AsPathMatch {
    /// Regular expressions over the AS path as text, "_" a boundary (as in GoBGP), e.g.
    /// "_65002_", "^65001_"; matched per `matchType`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "set_schema::<String>")]
    pub regex: Vec<String>,
    /// any (default) or none of the regular expressions.
    #[serde(default)]
    pub match_type: MatchType,
    /// Minimum AS path length (an AS_SET counts 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 255))]
    pub min_length: Option<u32>,
    /// Maximum AS path length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 255))]
    pub max_length: Option<u32>,
    /// The originating AS (the last of the path) is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 32))]
    pub origin_asns: Vec<u32>,
}

/// Where a route came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RouteSource {
    /// Injected over the speaker's API.
    Injected,
    /// Learned from a neighbor.
    Learned,
}

/// Attribute changes of a statement.
#[derive(KubeSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicySet {
    /// Set LOCAL_PREF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_pref: Option<u32>,
    /// Set, add to or subtract from MULTI_EXIT_DISC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub med: Option<MedChange>,
    /// Add, remove or replace communities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communities: Option<CommunityChange>,
    /// Prepend an AS (0: the speaker's own) 1 to 16 times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_path_prepend: Option<AsPathPrepend>,
    /// Set NEXT_HOP to an address, or "self" for the session's local address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 45))]
    #[x_kube(validation = Rule::new("self == 'self' || isIP(self)")
        .message("nextHop must be an IP address or self"))]
    pub next_hop: Option<String>,
}

/// A MED change: exactly one of set, add, subtract.
#[derive(KubeSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("[has(self.set), has(self.add), has(self.subtract)].filter(x, x).size() == 1").message("set exactly one of set, add and subtract"),
)]
pub struct MedChange {
    /// Set MED to this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<u32>,
    /// Add this (saturating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add: Option<u32>,
    /// Subtract this (saturating at 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtract: Option<u32>,
}

/// Community changes: replace first, then remove, then add.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommunityChange {
    /// Add these communities (standard, large or extended, in their text forms).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "set_schema::<String>")]
    pub add: Vec<String>,
    /// Remove these communities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "set_schema::<String>")]
    pub remove: Vec<String>,
    /// Replace every community with these (an empty list removes all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "set_schema::<String>")]
    pub replace: Option<Vec<String>>,
}

/// Observed state of a RoutePolicy, written by the operator.
#[derive(KubeSchema, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutePolicyStatus {
    /// The metadata.generation this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Ready, Accepted (valid, and the speaker accepted it) and Programmed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "conditions_schema")]
    pub conditions: Vec<StatusCondition>,
    /// Where the policy is attached: "global-import", "global-export", and
    /// "import:NEIGHBOR" / "export:NEIGHBOR" per BgpNeighbor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "set_schema::<String>")]
    pub attached_to: Vec<String>,
    /// How many statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_count: Option<u32>,
    /// When the status was last written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update: Option<Time>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepend_policy_parses() {
        let spec: RoutePolicySpec = serde_json::from_value(serde_json::json!({
            "statements": [{
                "match": {"prefixes": [{"prefix": "10.0.0.0/8", "le": 24}]},
                "set": {"asPathPrepend": {"count": 3}, "med": {"add": 10}},
            }],
            "defaultAction": "deny",
            "globalExport": true,
        }))
        .expect("parses");
        assert_eq!(spec.statements[0].action, PolicyAction::Permit);
        assert_eq!(spec.default_action, Some(PolicyAction::Deny));
        assert!(spec.global_export && !spec.global_import);
    }
}
