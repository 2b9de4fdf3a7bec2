//! The policy part of the differ (pure): policies and defined sets keyed by name (owned when
//! the name starts with the source's prefix), the neighbors' own chains keyed by address, and
//! the global chains, of which the operator owns only the entries with its prefix: the
//! others (from the speaker's config) stay first, in their order.

use std::collections::BTreeMap;

use bgpd_api::v1::{DefinedSet, SetNeighborPoliciesRequest, SetPolicyRequest};

use super::{Actual, Ops};
use crate::plan::DesiredState;

/// Fills the policy operations of `ops`.
pub fn diff(desired: &DesiredState, actual: &Actual, prefix: &str, ops: &mut Ops) {
    let owned_gone = |name: &str| {
        desired.allow_delete && name.starts_with(prefix) && !desired.keep.contains(name)
    };
    let have: BTreeMap<&str, &SetPolicyRequest> = actual
        .policies
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect();
    ops.upsert_policies = desired
        .policies
        .iter()
        .filter(|d| have.get(d.name.as_str()) != Some(d))
        .cloned()
        .collect();
    ops.delete_policies = actual
        .policies
        .iter()
        .filter(|a| !desired.policies.iter().any(|d| d.name == a.name) && owned_gone(&a.name))
        .map(|a| a.name.clone())
        .collect();
    let key = |s: &DefinedSet| (s.kind.clone(), s.name.clone());
    let have_sets: BTreeMap<(String, String), &DefinedSet> =
        actual.defined_sets.iter().map(|s| (key(s), s)).collect();
    ops.upsert_sets = desired
        .defined_sets
        .iter()
        .filter(|d| have_sets.get(&key(d)).is_none_or(|a| !same_members(a, d)))
        .cloned()
        .collect();
    ops.delete_sets = actual
        .defined_sets
        .iter()
        .filter(|a| !desired.defined_sets.iter().any(|d| key(d) == key(a)))
        .filter(|a| {
            // A set belongs to the policy named before its first '/'.
            let owner = a.name.split('/').next().unwrap_or_default();
            owned_gone(owner) && a.name.contains('/')
        })
        .map(key)
        .collect();
    ops.set_neighbor_chains = neighbor_chains(desired, actual);
    ops.set_global_import = global(
        &desired.global_import,
        &actual.global_import,
        desired,
        prefix,
    );
    ops.set_global_export = global(
        &desired.global_export,
        &actual.global_export,
        desired,
        prefix,
    );
}

/// The speaker may list members in its own order.
fn same_members(a: &DefinedSet, b: &DefinedSet) -> bool {
    let mut x = a.members.clone();
    let mut y = b.members.clone();
    x.sort();
    y.sort();
    x == y
}

fn neighbor_chains(desired: &DesiredState, actual: &Actual) -> Vec<SetNeighborPoliciesRequest> {
    let have: BTreeMap<&str, &SetNeighborPoliciesRequest> = actual
        .neighbor_chains
        .iter()
        .map(|n| (n.address.as_str(), n))
        .collect();
    desired
        .neighbor_chains
        .iter()
        .filter(|d| !desired.keep_chains.contains(&d.address))
        .filter(|d| match have.get(d.address.as_str()) {
            Some(a) => {
                a.import_policies != d.import_policies || a.export_policies != d.export_policies
            }
            None => !d.import_policies.is_empty() || !d.export_policies.is_empty(),
        })
        .cloned()
        .collect()
}

/// The whole new chain, or `None` when it stays: foreign entries first (as they are), then
/// ours; an owned entry not desired stays while it may not be deleted (kept or no deletes).
fn global(
    want: &[String],
    have: &[String],
    desired: &DesiredState,
    prefix: &str,
) -> Option<Vec<String>> {
    let mut chain: Vec<String> = have
        .iter()
        .filter(|n| !n.starts_with(prefix))
        .cloned()
        .collect();
    chain.extend(want.iter().cloned());
    for n in have.iter().filter(|n| n.starts_with(prefix)) {
        let stays = !desired.allow_delete || desired.keep.contains(n.as_str());
        if stays && !chain.contains(n) {
            chain.push(n.clone());
        }
    }
    (chain != have).then_some(chain)
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
