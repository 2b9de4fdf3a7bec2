//! `RoutePolicy` → speaker policies, the defined sets their statements need, the
//! neighbors' own chains and the global chains.
//!
//! A policy is named by its object id on the speaker (`k8s:<uid>`, `dir:<uid>`), so the
//! differ's ownership rule covers it; the sets a statement needs (community and AS-path
//! regular expressions, which the speaker only matches through sets) are named
//! `<id>/<statement>/<kind>`. A `BgpNeighbor` naming a RoutePolicy that does not exist keeps
//! whatever chains the speaker has for it (dropping a name could let through what it
//! filtered) and says so in its status; the neighbor itself is still programmed.

use std::collections::BTreeMap;

use bgpd_api::v1::{
    AsPathLength, AsPathPrepend, DefinedSet, MatchOptions, PolicyStatement, PrefixMatch,
    ReplaceCommunities, SetNeighborPoliciesRequest, SetPolicyRequest,
};

use super::selector::{canonical_ip, family_name};
use super::{Outcome, Plan, Planned};
use crate::crd::route_policy::{
    MatchType, PolicyMatch, PolicySet, PolicyStatementSpec, PrefixMatchSpec, RoutePolicySpec,
    RouteSource,
};
use crate::model::{Inputs, Object};

/// The kind name.
pub const KIND: &str = "RoutePolicy";
/// Attachment label of the global import chain.
pub const GLOBAL_IMPORT: &str = "global-import";
/// Attachment label of the global export chain.
pub const GLOBAL_EXPORT: &str = "global-export";

/// Plans every `RoutePolicy` and the chains; runs after the neighbors are planned.
pub fn plan_all(inputs: &Inputs, plan: &mut Plan) {
    // RoutePolicy name → speaker policy name, for every policy the speaker has or will have
    // (a rejected edit keeps its previous version there).
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for r in inputs.rejected.iter().filter(|r| r.key.kind == KIND) {
        names.insert(r.key.name.as_str(), r.id.as_str());
    }
    let mut attached: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for obj in &inputs.policies {
        let (policy, sets) = policy(obj);
        plan.desired.policies.push(policy);
        plan.desired.defined_sets.extend(sets);
        names.insert(obj.key.name.as_str(), obj.id.as_str());
    }
    chains(inputs, plan, &names, &mut attached);
    global(inputs, plan, &mut attached);
    for obj in &inputs.policies {
        let selected = attached
            .remove(&obj.id)
            .unwrap_or_default()
            .into_iter()
            .map(|label| (label, String::new()))
            .collect();
        plan.record(Planned {
            key: obj.key.clone(),
            id: obj.id.clone(),
            generation: obj.generation,
            outcome: Outcome::Desired,
            expires_at: None,
            selected,
            problem: None,
        });
    }
    plan.desired.policies.sort_by(|a, b| a.name.cmp(&b.name));
}

/// The neighbors' own chains; a neighbor with an unknown name keeps its chains as they are.
fn chains(
    inputs: &Inputs,
    plan: &mut Plan,
    names: &BTreeMap<&str, &str>,
    attached: &mut BTreeMap<String, Vec<String>>,
) {
    for n in &inputs.neighbors {
        let address = canonical_ip(n.spec.address.as_str());
        if !plan.desired.neighbors.iter().any(|d| d.address == address) {
            continue;
        }
        let resolve = |list: &[String]| -> Result<Vec<String>, String> {
            list.iter()
                .map(|name| {
                    names
                        .get(name.as_str())
                        .map(|id| (*id).to_owned())
                        .ok_or_else(|| name.clone())
                })
                .collect()
        };
        match (
            resolve(&n.spec.import_policies),
            resolve(&n.spec.export_policies),
        ) {
            (Ok(import_policies), Ok(export_policies)) => {
                for (list, dir) in [(&import_policies, "import"), (&export_policies, "export")] {
                    for id in list {
                        let label = format!("{dir}:{}", n.key.name);
                        attached.entry(id.clone()).or_default().push(label);
                    }
                }
                plan.desired
                    .neighbor_chains
                    .push(SetNeighborPoliciesRequest {
                        address,
                        import_policies,
                        export_policies,
                    });
            }
            (i, e) => {
                let missing = i.err().or(e.err()).unwrap_or_default();
                plan.desired.keep_chains.insert(address);
                if let Some(p) = plan.objects.iter_mut().find(|p| p.id == n.id) {
                    p.problem = Some((
                        "PolicyNotFound".to_owned(),
                        format!(
                            "RoutePolicy {missing:?} does not exist; the speaker keeps this \
                             neighbor's previous policy chains"
                        ),
                    ));
                }
            }
        }
    }
    plan.desired
        .neighbor_chains
        .sort_by(|a, b| a.address.cmp(&b.address));
}

/// The global chains: flagged policies by `order`, then name.
fn global(inputs: &Inputs, plan: &mut Plan, attached: &mut BTreeMap<String, Vec<String>>) {
    let mut flagged: Vec<&Object<RoutePolicySpec>> = inputs.policies.iter().collect();
    flagged.sort_by(|a, b| (a.spec.order, &a.key.name).cmp(&(b.spec.order, &b.key.name)));
    for p in flagged {
        if p.spec.global_import {
            plan.desired.global_import.push(p.id.clone());
            attached
                .entry(p.id.clone())
                .or_default()
                .push(GLOBAL_IMPORT.to_owned());
        }
        if p.spec.global_export {
            plan.desired.global_export.push(p.id.clone());
            attached
                .entry(p.id.clone())
                .or_default()
                .push(GLOBAL_EXPORT.to_owned());
        }
    }
}

/// The speaker policy and its sets, in the form the speaker lists them back.
pub fn policy(obj: &Object<RoutePolicySpec>) -> (SetPolicyRequest, Vec<DefinedSet>) {
    let mut sets = Vec::new();
    let statements = obj
        .spec
        .statements
        .iter()
        .enumerate()
        .map(|(i, s)| statement(&obj.id, i, s, &mut sets))
        .collect();
    let policy = SetPolicyRequest {
        name: obj.id.clone(),
        default_action: obj
            .spec
            .default_action
            .map_or("next", |a| a.name())
            .to_owned(),
        statements,
    };
    (policy, sets)
}

fn statement(
    id: &str,
    index: usize,
    s: &PolicyStatementSpec,
    sets: &mut Vec<DefinedSet>,
) -> PolicyStatement {
    let mut out = PolicyStatement {
        name: s.name.clone().unwrap_or_default(),
        action: s.action.name().to_owned(),
        ..Default::default()
    };
    if let Some(m) = &s.match_ {
        conditions(&mut out, m, &format!("{id}/{index}"), sets);
    }
    if let Some(a) = &s.set {
        actions(&mut out, a);
    }
    out
}

fn conditions(out: &mut PolicyStatement, m: &PolicyMatch, base: &str, sets: &mut Vec<DefinedSet>) {
    let mut options = MatchOptions::default();
    out.match_prefixes = m.prefixes.iter().map(prefix_match).collect();
    out.match_prefix_set = m.prefix_set.clone().unwrap_or_default();
    out.match_neighbors = m.neighbors.clone();
    out.match_neighbor_set = m.neighbor_set.clone().unwrap_or_default();
    out.match_family = m.family.map(family_name).unwrap_or_default().to_owned();
    if let Some(c) = m.communities.as_ref().filter(|c| !c.values.is_empty()) {
        out.match_community_set = format!("{base}/community");
        options.community_set = option(c.match_type);
        sets.push(DefinedSet {
            kind: "community".to_owned(),
            name: out.match_community_set.clone(),
            members: c.values.clone(),
        });
    }
    if let Some(a) = &m.as_path {
        if !a.regex.is_empty() {
            out.match_as_path_set = format!("{base}/as_path");
            options.as_path_set = option(a.match_type);
            sets.push(DefinedSet {
                kind: "as_path".to_owned(),
                name: out.match_as_path_set.clone(),
                members: a.regex.clone(),
            });
        }
        if a.min_length.is_some() || a.max_length.is_some() {
            out.match_as_path_length = Some(AsPathLength {
                min: a.min_length,
                max: a.max_length,
            });
        }
        out.match_origin_asns = a.origin_asns.clone();
    }
    out.match_next_hops = m.next_hops.clone();
    out.match_route_source = match m.route_source {
        Some(RouteSource::Injected) => "injected".to_owned(),
        Some(RouteSource::Learned) => "learned".to_owned(),
        None => String::new(),
    };
    out.match_options = (options != MatchOptions::default()).then_some(options);
}

/// "any" is the speaker's default and listed as empty.
fn option(t: MatchType) -> String {
    match t {
        MatchType::Any => String::new(),
        other => other.name().to_owned(),
    }
}

/// A prefix-list entry with both bounds explicit, as the speaker lists it.
fn prefix_match(p: &PrefixMatchSpec) -> PrefixMatch {
    let text = p.prefix.as_str();
    let len: u32 = text
        .rsplit_once('/')
        .and_then(|(_, l)| l.parse().ok())
        .unwrap_or(0);
    let max = if text.contains(':') { 128 } else { 32 };
    let ge = p.ge.map_or(len, u32::from);
    let le =
        p.le.map_or(if p.ge.is_some() { max } else { len }, u32::from);
    PrefixMatch {
        prefix: text.to_owned(),
        ge: Some(ge),
        le: Some(le),
    }
}

fn actions(out: &mut PolicyStatement, a: &PolicySet) {
    out.set_local_pref = a.local_pref;
    if let Some(m) = &a.med {
        out.set_med = m.set;
        out.adjust_med = m.add.map(i64::from).or(m.subtract.map(|v| -i64::from(v)));
    }
    if let Some(c) = &a.communities {
        out.add_communities = c.add.clone();
        out.remove_communities = c.remove.clone();
        out.replace_communities = c.replace.as_ref().map(|r| ReplaceCommunities {
            kinds: Vec::new(),
            communities: r.clone(),
        });
    }
    out.set_as_path_prepend = a.as_path_prepend.as_ref().map(|p| AsPathPrepend {
        asn: p.asn,
        count: u32::from(p.count),
    });
    out.set_next_hop = a.next_hop.clone().unwrap_or_default();
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
