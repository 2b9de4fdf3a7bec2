//! The policy store: defined sets, policies, and the chains they are attached to. Every
//! change is checked first (unknown names, sets in use) and applied whole or not at all.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use super::error::PolicyError;
use super::eval::{self, Outcome, Step, Trace};
use super::model::{Conditions, Policy, SetMatch};
use super::sets::{DefinedSet, DefinedSets, SetKind};
use super::subject::{Subject, next_hop_ip};

/// Import or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Import,
    Export,
}

/// The policy names attached to one neighbor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NeighborChains {
    pub import: Vec<String>,
    pub export: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Engine {
    sets: DefinedSets,
    policies: HashMap<String, Policy>,
    global_import: Vec<String>,
    global_export: Vec<String>,
    neighbors: BTreeMap<IpAddr, NeighborChains>,
}

impl Engine {
    pub fn new() -> Self {
        Self::default()
    }

    // ----- policies -----

    /// Creates or replaces a policy; whether it existed.
    pub fn set_policy(&mut self, p: Policy) -> Result<bool, PolicyError> {
        if p.name.trim().is_empty() {
            return Err(PolicyError::invalid("name", "required"));
        }
        for (i, st) in p.statements.iter().enumerate() {
            self.check_refs(&st.conditions)
                .map_err(|e| e.within(&format!("statements[{i}]")))?;
        }
        Ok(self.policies.insert(p.name.clone(), p).is_some())
    }

    pub fn delete_policy(&mut self, name: &str) -> Result<(), PolicyError> {
        if !self.policies.contains_key(name) {
            return Err(PolicyError::NotFound(format!(
                "policy {name:?} does not exist"
            )));
        }
        if let Some(user) = self.chain_using(name) {
            return Err(PolicyError::InUse(format!(
                "policy {name:?} is used by the {user}"
            )));
        }
        self.policies.remove(name);
        Ok(())
    }

    pub fn policy(&self, name: &str) -> Option<&Policy> {
        self.policies.get(name)
    }

    /// Every policy, ordered by name.
    pub fn policies(&self) -> Vec<&Policy> {
        let mut v: Vec<_> = self.policies.values().collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    // ----- defined sets -----

    /// Creates or replaces a set; whether it existed.
    pub fn set_defined_set(&mut self, name: &str, set: DefinedSet) -> Result<bool, PolicyError> {
        if name.trim().is_empty() {
            return Err(PolicyError::invalid("name", "required"));
        }
        Ok(self.sets.insert(name.to_string(), set))
    }

    pub fn delete_defined_set(&mut self, kind: SetKind, name: &str) -> Result<(), PolicyError> {
        if !self.sets.contains(kind, name) {
            return Err(PolicyError::NotFound(format!(
                "{kind} set {name:?} does not exist"
            )));
        }
        let user = self
            .policies()
            .into_iter()
            .find(|p| p.statements.iter().any(|s| uses(&s.conditions, kind, name)));
        if let Some(p) = user {
            return Err(PolicyError::InUse(format!(
                "{kind} set {name:?} is used by policy {:?}",
                p.name
            )));
        }
        self.sets.remove(kind, name);
        Ok(())
    }

    pub fn defined_sets(&self) -> &DefinedSets {
        &self.sets
    }

    // ----- chains -----

    pub fn set_global_chain(
        &mut self,
        dir: Direction,
        chain: Vec<String>,
    ) -> Result<(), PolicyError> {
        self.check_chain("chain", &chain)?;
        match dir {
            Direction::Import => self.global_import = chain,
            Direction::Export => self.global_export = chain,
        }
        Ok(())
    }

    pub fn global_chain(&self, dir: Direction) -> &[String] {
        match dir {
            Direction::Import => &self.global_import,
            Direction::Export => &self.global_export,
        }
    }

    /// Replaces a neighbor's chains (both empty: detached).
    pub fn set_neighbor_chains(
        &mut self,
        addr: IpAddr,
        c: NeighborChains,
    ) -> Result<(), PolicyError> {
        self.check_chain("import_policies", &c.import)?;
        self.check_chain("export_policies", &c.export)?;
        if c.import.is_empty() && c.export.is_empty() {
            self.neighbors.remove(&addr);
        } else {
            self.neighbors.insert(addr, c);
        }
        Ok(())
    }

    pub fn neighbor_chains(&self) -> &BTreeMap<IpAddr, NeighborChains> {
        &self.neighbors
    }

    /// Whether any policy could apply in `dir` (else the hot path skips evaluation).
    pub fn is_empty(&self, dir: Direction) -> bool {
        self.global_chain(dir).is_empty()
            && self.neighbors.values().all(|c| match dir {
                Direction::Import => c.import.is_empty(),
                Direction::Export => c.export.is_empty(),
            })
    }

    // ----- evaluation -----

    /// Evaluates the route: the neighbor's chain, then the global chain. (Callers on the
    /// hot path check [`Engine::is_empty`] once per pass and skip this altogether.)
    pub fn evaluate(&self, dir: Direction, s: &Subject<'_>) -> Outcome {
        eval::run(self.chain(dir, s.neighbor), s, &self.sets, None).0
    }

    /// Evaluates with a record of every statement looked at.
    pub fn explain(&self, dir: Direction, s: &Subject<'_>) -> Trace {
        let mut steps: Vec<Step> = Vec::new();
        let (outcome, decided_by, after_nh) =
            eval::run(self.chain(dir, s.neighbor), s, &self.sets, Some(&mut steps));
        Trace {
            steps,
            decided_by,
            outcome,
            before: s.path.attrs.clone(),
            before_next_hop: next_hop_ip(&s.path.next_hop).or(s
                .path
                .attrs
                .next_hop
                .map(IpAddr::V4)),
            after_next_hop: after_nh,
        }
    }

    /// The policies that apply to `neighbor` in `dir`, in evaluation order.
    fn chain(&self, dir: Direction, neighbor: IpAddr) -> impl Iterator<Item = &Policy> {
        let own = self
            .neighbors
            .get(&neighbor)
            .map_or(&[][..], |c| match dir {
                Direction::Import => &c.import[..],
                Direction::Export => &c.export[..],
            });
        own.iter()
            .chain(self.global_chain(dir))
            .filter_map(|n| self.policies.get(n))
    }

    // ----- checks -----

    fn check_chain(&self, field: &str, chain: &[String]) -> Result<(), PolicyError> {
        for (i, name) in chain.iter().enumerate() {
            if !self.policies.contains_key(name) {
                return Err(PolicyError::invalid(
                    format!("{field}[{i}]"),
                    format!("policy {name:?} does not exist"),
                ));
            }
        }
        Ok(())
    }

    fn check_refs(&self, c: &Conditions) -> Result<(), PolicyError> {
        let refs: [(&str, SetKind, &Option<SetMatch>); 6] = [
            ("match_prefix_set", SetKind::Prefix, &c.prefix_set),
            ("match_neighbor_set", SetKind::Neighbor, &c.neighbor_set),
            ("match_community_set", SetKind::Community, &c.community_set),
            (
                "match_ext_community_set",
                SetKind::ExtCommunity,
                &c.ext_community_set,
            ),
            (
                "match_large_community_set",
                SetKind::LargeCommunity,
                &c.large_community_set,
            ),
            ("match_as_path_set", SetKind::AsPath, &c.as_path_set),
        ];
        for (field, kind, m) in refs {
            if let Some(m) = m
                && !self.sets.contains(kind, &m.set)
            {
                return Err(PolicyError::invalid(
                    field,
                    format!("{kind} set {:?} does not exist", m.set),
                ));
            }
        }
        Ok(())
    }

    fn chain_using(&self, name: &str) -> Option<String> {
        let has = |v: &[String]| v.iter().any(|n| n == name);
        if has(&self.global_import) {
            return Some("global import chain".into());
        }
        if has(&self.global_export) {
            return Some("global export chain".into());
        }
        self.neighbors
            .iter()
            .find(|(_, c)| has(&c.import) || has(&c.export))
            .map(|(a, _)| format!("chains of neighbor {a}"))
    }
}

fn uses(c: &Conditions, kind: SetKind, name: &str) -> bool {
    let m = match kind {
        SetKind::Prefix => &c.prefix_set,
        SetKind::Neighbor => &c.neighbor_set,
        SetKind::Community => &c.community_set,
        SetKind::ExtCommunity => &c.ext_community_set,
        SetKind::LargeCommunity => &c.large_community_set,
        SetKind::AsPath => &c.as_path_set,
    };
    m.as_ref().is_some_and(|m| m.set == name)
}
