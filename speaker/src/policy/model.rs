//! Policies: ordered statements (match conditions, set actions, a decision) and a default
//! decision. Statements refer to defined sets by name; the engine checks the names exist.

use std::net::IpAddr;

use bgp_wire::AfiSafi;
use ipnet::IpNet;

use super::sets::{AnyCommunity, CommunityKind, PrefixRange};

/// What a statement (or a policy's default) decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Accept the route: evaluation ends.
    Permit,
    /// Reject the route: evaluation ends.
    Deny,
    /// Keep going: the next statement, or (as a default) the next policy.
    Next,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Permit => "permit",
            Action::Deny => "deny",
            Action::Next => "next",
        }
    }

    pub fn from_name(s: &str) -> Option<Action> {
        match s {
            "permit" | "accept" => Some(Action::Permit),
            "deny" | "reject" => Some(Action::Deny),
            "next" => Some(Action::Next),
            _ => None,
        }
    }
}

/// How a route's values are compared with a set's members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MatchOption {
    /// Some member matches.
    #[default]
    Any,
    /// Every member matches (communities: the route carries all of them).
    All,
    /// No member matches.
    None,
}

impl MatchOption {
    pub fn name(self) -> &'static str {
        match self {
            MatchOption::Any => "any",
            MatchOption::All => "all",
            MatchOption::None => "none",
        }
    }

    pub fn from_name(s: &str) -> Option<MatchOption> {
        match s {
            "" | "any" => Some(MatchOption::Any),
            "all" => Some(MatchOption::All),
            "none" | "invert" => Some(MatchOption::None),
            _ => None,
        }
    }

    /// Combines per-member results.
    pub fn eval(self, mut results: impl Iterator<Item = bool>) -> bool {
        match self {
            MatchOption::Any => results.any(|r| r),
            MatchOption::All => results.all(|r| r),
            MatchOption::None => !results.any(|r| r),
        }
    }
}

/// A reference to a defined set with how to match it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SetMatch {
    pub set: String,
    pub option: MatchOption,
}

/// Whether a route was injected over the API or learned from a neighbor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteSource {
    Injected,
    Learned,
}

/// Inclusive bounds on the AS-path length (RFC 4271 counting: a set counts 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LenRange {
    pub min: Option<u32>,
    pub max: Option<u32>,
}

/// Match conditions: all given ones must hold; none given always holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Conditions {
    /// A prefix set (`All` is treated as `Any`: one prefix cannot match two ranges usefully).
    pub prefix_set: Option<SetMatch>,
    /// Inline prefix ranges: holds when any matches.
    pub prefixes: Vec<PrefixRange>,
    /// For import the neighbor the route came from, for export the one it goes to.
    pub neighbor_set: Option<SetMatch>,
    /// Inline neighbor addresses or covering prefixes: holds when any contains it.
    pub neighbors: Vec<IpNet>,
    pub family: Option<AfiSafi>,
    pub community_set: Option<SetMatch>,
    pub ext_community_set: Option<SetMatch>,
    pub large_community_set: Option<SetMatch>,
    /// Inline communities of any kind: holds when the route carries any of them.
    pub communities: Vec<AnyCommunity>,
    pub as_path_set: Option<SetMatch>,
    pub as_path_len: Option<LenRange>,
    /// Holds when the originating AS (last of the path) is one of these.
    pub origin_asns: Vec<u32>,
    /// Holds when the next hop is in one of these prefixes (an address is a /32 or /128).
    pub next_hops: Vec<IpNet>,
    pub source: Option<RouteSource>,
}

/// MULTI_EXIT_DISC change; `Add`/`Sub` saturate (an absent MED counts as 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MedAction {
    Set(u32),
    Add(u32),
    Sub(u32),
}

/// Which AS number a prepend uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrependAs {
    Asn(u32),
    /// Our own AS on the session.
    Local,
    /// The leftmost AS of the route's path (the neighbor AS); nothing when the path is
    /// empty.
    LastAs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Prepend {
    pub asn: PrependAs,
    pub count: u8,
}

/// Most copies a prepend may add.
pub const MAX_PREPEND: u8 = 16;

/// New next hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NextHopAction {
    Addr(IpAddr),
    /// Our own address on the session the route is sent on (export) or was received on
    /// (import: makes the route resolve through us).
    SelfAddr,
}

/// Replace the communities of some kinds: those kinds are cleared, then `communities`
/// (each of one of those kinds) are added.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplaceCommunities {
    /// Empty: all three kinds.
    pub kinds: Vec<CommunityKind>,
    pub communities: Vec<AnyCommunity>,
}

impl ReplaceCommunities {
    pub fn replaces(&self, kind: CommunityKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

/// Set actions, applied in this order: replace, remove, add communities; local-pref;
/// MED; prepend; next hop.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Actions {
    pub replace_communities: Option<ReplaceCommunities>,
    pub remove_communities: Vec<AnyCommunity>,
    pub add_communities: Vec<AnyCommunity>,
    pub local_pref: Option<u32>,
    pub med: Option<MedAction>,
    pub prepend: Option<Prepend>,
    pub next_hop: Option<NextHopAction>,
}

impl Actions {
    pub fn is_empty(&self) -> bool {
        *self == Actions::default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Optional label shown by explain (else the index).
    pub name: String,
    pub conditions: Conditions,
    pub actions: Actions,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    pub statements: Vec<Statement>,
    pub default_action: Action,
}
