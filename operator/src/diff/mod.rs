//! The differ (pure): desired state vs what the speaker lists → the operations that make the
//! speaker hold exactly the desired state.
//!
//! Objects are keyed by id (paths, FlowSpec rules) or by address (neighbors, whose id is the
//! first word of their description). Unchanged objects produce nothing.
//!
//! Garbage collection rule: an object the speaker lists is deleted only if its id starts with
//! the source's prefix (`dir:` / `k8s:`, see `crate::ids`), it is not desired, it is not in
//! `DesiredState::keep`, and `allow_delete` is set. This is safe across operator downtime
//! because it never relies on a memory of what was applied before: the speaker itself is the
//! record of what we own. A manifest deleted while the operator was down still has its id
//! listed on the speaker, so it is withdrawn at the first reconcile; and nothing we do not own
//! (static config, hand-made injections, another source's objects) can ever match.

mod policy;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use bgpd_api::v1::{
    AddFlowSpecRequest, AddNeighborRequest, AddPathRequest, DefinedSet, SetNeighborPoliciesRequest,
    SetPolicyRequest,
};

use crate::ids::neighbor_id;
use crate::plan::DesiredState;

/// What the speaker holds now, as its List RPCs return it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Actual {
    /// `ListNeighbors` configs (password never returned).
    pub neighbors: Vec<AddNeighborRequest>,
    /// `ListPaths` specs.
    pub paths: Vec<AddPathRequest>,
    /// `ListFlowSpecs` specs.
    pub flowspecs: Vec<AddFlowSpecRequest>,
    /// `ListPolicies`.
    pub policies: Vec<SetPolicyRequest>,
    /// `ListDefinedSets`.
    pub defined_sets: Vec<DefinedSet>,
    /// `ListNeighborPolicies`.
    pub neighbor_chains: Vec<SetNeighborPoliciesRequest>,
    /// `GetGlobalChains` import chain.
    pub global_import: Vec<String>,
    /// `GetGlobalChains` export chain.
    pub global_export: Vec<String>,
}

/// The operations that take the speaker from actual to desired.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ops {
    /// Neighbors to add or update.
    pub upsert_neighbors: Vec<AddNeighborRequest>,
    /// Neighbor addresses to delete.
    pub delete_neighbors: Vec<String>,
    /// Paths to add or replace.
    pub upsert_paths: Vec<AddPathRequest>,
    /// Path ids to withdraw.
    pub delete_paths: Vec<String>,
    /// FlowSpec rules to add or replace.
    pub upsert_flowspecs: Vec<AddFlowSpecRequest>,
    /// FlowSpec ids to withdraw.
    pub delete_flowspecs: Vec<String>,
    /// Defined sets to create or replace (before the policies).
    pub upsert_sets: Vec<DefinedSet>,
    /// Policies to create or replace (before the chains).
    pub upsert_policies: Vec<SetPolicyRequest>,
    /// Neighbors' own chains to set.
    pub set_neighbor_chains: Vec<SetNeighborPoliciesRequest>,
    /// The new global import chain, if it changes.
    pub set_global_import: Option<Vec<String>>,
    /// The new global export chain, if it changes.
    pub set_global_export: Option<Vec<String>>,
    /// Policy names to delete (after the chains no longer name them).
    pub delete_policies: Vec<String>,
    /// Defined sets (kind, name) to delete (after the policies).
    pub delete_sets: Vec<(String, String)>,
}

impl Ops {
    /// Nothing to do.
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// How many operations.
    pub fn count(&self) -> usize {
        self.upsert_neighbors.len()
            + self.delete_neighbors.len()
            + self.upsert_paths.len()
            + self.delete_paths.len()
            + self.upsert_flowspecs.len()
            + self.delete_flowspecs.len()
            + self.upsert_sets.len()
            + self.upsert_policies.len()
            + self.set_neighbor_chains.len()
            + usize::from(self.set_global_import.is_some())
            + usize::from(self.set_global_export.is_some())
            + self.delete_policies.len()
            + self.delete_sets.len()
    }
}

/// The operations for `desired` given `actual`, deleting only ids with `prefix`.
pub fn diff(desired: &DesiredState, actual: &Actual, prefix: &str) -> Ops {
    let (upsert_paths, delete_paths) = diff_by_id(
        &desired.paths,
        &actual.paths,
        |p| &p.id,
        desired,
        prefix,
        |a, b| a == b,
    );
    let (upsert_flowspecs, delete_flowspecs) = diff_by_id(
        &desired.flowspecs,
        &actual.flowspecs,
        |f| &f.id,
        desired,
        prefix,
        |a, b| a == b,
    );
    let (upsert_neighbors, delete_neighbors) = diff_neighbors(desired, actual, prefix);
    let mut ops = Ops {
        upsert_neighbors,
        delete_neighbors,
        upsert_paths,
        delete_paths,
        upsert_flowspecs,
        delete_flowspecs,
        ..Ops::default()
    };
    policy::diff(desired, actual, prefix, &mut ops);
    ops
}

/// Every desired path and rule as an upsert (a replay after a speaker restart), plus what a
/// normal diff does. Neighbors are not forced: the speaker resets the session of a neighbor
/// that is added again, even unchanged, and every router would withdraw what it learnt (the
/// diff already re-adds the neighbors a restarted speaker lacks). Re-adding an identical
/// path or rule is a no-op on the speaker.
pub fn replay(desired: &DesiredState, actual: &Actual, prefix: &str) -> Ops {
    let mut ops = diff(desired, actual, prefix);
    ops.upsert_paths = desired.paths.clone();
    ops.upsert_flowspecs = desired.flowspecs.clone();
    ops
}

fn may_delete(id: &str, desired: &DesiredState, prefix: &str) -> bool {
    desired.allow_delete && id.starts_with(prefix) && !desired.keep.contains(id)
}

fn diff_by_id<T: Clone>(
    desired: &[T],
    actual: &[T],
    id: impl Fn(&T) -> &String,
    state: &DesiredState,
    prefix: &str,
    same: impl Fn(&T, &T) -> bool,
) -> (Vec<T>, Vec<String>) {
    let have: BTreeMap<&String, &T> = actual.iter().map(|a| (id(a), a)).collect();
    let want: BTreeMap<&String, &T> = desired.iter().map(|d| (id(d), d)).collect();
    let upserts = want
        .iter()
        .filter(|(k, d)| have.get(*k).is_none_or(|a| !same(d, a)))
        .map(|(_, d)| (*d).clone())
        .collect();
    let deletes = have
        .keys()
        .filter(|k| !want.contains_key(*k) && may_delete(k, state, prefix))
        .map(|k| (*k).clone())
        .collect();
    (upserts, deletes)
}

fn diff_neighbors(
    desired: &DesiredState,
    actual: &Actual,
    prefix: &str,
) -> (Vec<AddNeighborRequest>, Vec<String>) {
    let have: BTreeMap<&str, &AddNeighborRequest> = actual
        .neighbors
        .iter()
        .map(|n| (n.address.as_str(), n))
        .collect();
    let want: BTreeMap<&str, &AddNeighborRequest> = desired
        .neighbors
        .iter()
        .map(|n| (n.address.as_str(), n))
        .collect();
    let upserts = want
        .iter()
        .filter(|(addr, d)| have.get(*addr).is_none_or(|a| !neighbor_matches(d, a)))
        .map(|(_, d)| (*d).clone())
        .collect();
    let deletes = have
        .iter()
        .filter(|(addr, _)| !want.contains_key(*addr))
        .filter(|(_, a)| {
            neighbor_id(&a.description, prefix).is_some_and(|id| may_delete(id, desired, prefix))
        })
        .map(|(addr, _)| (*addr).to_owned())
        .collect();
    (upserts, deletes)
}

/// Whether the speaker's neighbor config already is what we want. The speaker lists its
/// defaults (hold time, port, ...) and never the password, so only what the request sets is
/// compared; an update would reset the session, so a false "changed" is costly.
pub fn neighbor_matches(want: &AddNeighborRequest, have: &AddNeighborRequest) -> bool {
    fn opt<T: PartialEq>(w: &Option<T>, h: &Option<T>) -> bool {
        w.is_none() || w == h
    }
    let mut wf = want.families.clone();
    let mut hf = have.families.clone();
    wf.sort();
    hf.sort();
    want.address == have.address
        && want.remote_asn == have.remote_asn
        && want.description == have.description
        && (wf.is_empty() || wf == hf)
        && opt(&want.hold_time, &have.hold_time)
        && opt(&want.port, &have.port)
        && want.local_address == have.local_address
        && want.passive == have.passive
        && opt(&want.ebgp_multihop, &have.ebgp_multihop)
        && want.ttl_security == have.ttl_security
        && opt(&want.max_prefixes, &have.max_prefixes)
        && opt(&want.flowspec_validation, &have.flowspec_validation)
        && want.peer_group == have.peer_group
}

/// The state `actual` becomes once `ops` are applied (what the speaker would then list).
/// Used by the property tests and by the e2e checks of the applier.
pub fn apply_to(actual: &Actual, ops: &Ops) -> Actual {
    let mut out = actual.clone();
    out.paths.retain(|p| !ops.delete_paths.contains(&p.id));
    out.paths
        .retain(|p| !ops.upsert_paths.iter().any(|u| u.id == p.id));
    out.paths.extend(ops.upsert_paths.iter().cloned());
    out.flowspecs
        .retain(|f| !ops.delete_flowspecs.contains(&f.id));
    out.flowspecs
        .retain(|f| !ops.upsert_flowspecs.iter().any(|u| u.id == f.id));
    out.flowspecs.extend(ops.upsert_flowspecs.iter().cloned());
    out.neighbors
        .retain(|n| !ops.delete_neighbors.contains(&n.address));
    out.neighbors
        .retain(|n| !ops.upsert_neighbors.iter().any(|u| u.address == n.address));
    out.neighbors.extend(ops.upsert_neighbors.iter().cloned());
    out
}
