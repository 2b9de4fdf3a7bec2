//! Route policy: a pure engine (no I/O, no async) that decides, route by route, whether a
//! route is imported into the Loc-RIB / exported to a neighbor and with which attributes.
//!
//! - [`model`]: policies made of ordered statements (match conditions, set actions, a
//!   decision) and a default decision; [`sets`]: the named sets statements refer to.
//! - [`matching`] / [`actions`]: conditions and actions, on the RIB's own [`crate::rib::Path`]
//!   and the codec's [`bgp_wire::attribute::PathAttributes`] (copied only when changed).
//! - [`engine`]: the store (sets, policies, chains) with its checks; [`eval`]: running a
//!   chain, with a trace for explain.
//!
//! # Evaluation order
//!
//! For a route and a neighbor (import: the neighbor it came from; export: the one it goes
//! to), the policies evaluated are the neighbor's chain, then the global chain, each in
//! order. Within a policy, statements run in order: the first statement whose conditions
//! all hold applies its set actions, then its decision — `permit` or `deny` ends the whole
//! evaluation, `next` goes on to the next statement (later statements see the changed
//! route). A policy whose statements did not decide applies its default: `permit`/`deny`
//! end evaluation, `next` goes on to the next policy. A route that reaches the end is
//! permitted. As in GoBGP, the first terminal decision wins.
//!
//! Import policy runs between Adj-RIB-In (kept as received) and the Loc-RIB, for unicast
//! routes; export policy runs when a neighbor's Adj-RIB-Out is computed, for injected and
//! learned routes of every family, before the session's own eBGP/iBGP rules (so our AS is
//! still prepended after a policy prepend, and a MED set by policy is kept on eBGP).

pub mod actions;
pub mod engine;
pub mod error;
pub mod eval;
pub mod matching;
pub mod model;
pub mod sets;
pub mod subject;

#[cfg(test)]
mod tests;

pub use engine::{Direction, Engine, NeighborChains};
pub use error::PolicyError;
pub use eval::{Outcome, Step, Trace};
pub use model::{
    Action, Actions, Conditions, LenRange, MatchOption, MedAction, NextHopAction, Policy, Prepend,
    PrependAs, ReplaceCommunities, RouteSource, SetMatch, Statement,
};
pub use sets::{
    AnyCommunity, AsPathSet, CommunityKind, DefinedSet, DefinedSets, PrefixRange, SetKind,
};
pub use subject::Subject;
