//! The planner (pure): all custom resources → the state the speaker should hold, plus one
//! error per object that cannot be planned. One bad object never blocks the others.
//!
//! Ids are the objects' speaker ids (`crate::ids`). Objects past their `expiresAt` / `ttl`
//! are left out, and [`Plan::next_expiry`] says when the next one runs out so the reconcile
//! loop can wake up then. Rejected objects (and objects whose plan failed) are listed in
//! [`DesiredState::keep`]: the differ neither updates nor deletes what the speaker holds under
//! those ids, so a bad edit leaves the last good version in place.

pub mod expiry;
mod flowspec;
mod neighbor;
pub mod policy;
mod route;
mod selector;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::time::SystemTime;

use bgpd_api::v1::{
    AddFlowSpecRequest, AddNeighborRequest, AddPathRequest, DefinedSet, SetNeighborPoliciesRequest,
    SetPolicyRequest,
};

use crate::model::{Inputs, ObjectKey};

pub use expiry::expiry_of;

/// What the speaker should hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DesiredState {
    /// Neighbors, keyed by address; `description` starts with the object's id.
    pub neighbors: Vec<AddNeighborRequest>,
    /// Unicast paths, keyed by `id`.
    pub paths: Vec<AddPathRequest>,
    /// FlowSpec rules, keyed by `id`.
    pub flowspecs: Vec<AddFlowSpecRequest>,
    /// Route policies, keyed by `name` (the RoutePolicy's id).
    pub policies: Vec<SetPolicyRequest>,
    /// Defined sets the policies use, keyed by kind and name (`<policy id>/...`).
    pub defined_sets: Vec<DefinedSet>,
    /// The own chains of every planned neighbor (empty lists: none), keyed by address.
    pub neighbor_chains: Vec<SetNeighborPoliciesRequest>,
    /// Neighbor addresses whose chains stay as the speaker has them (a policy name is
    /// unknown).
    pub keep_chains: BTreeSet<String>,
    /// The owned part of the global import chain, in order.
    pub global_import: Vec<String>,
    /// The owned part of the global export chain, in order.
    pub global_export: Vec<String>,
    /// Ids of objects that exist but could not be planned: whatever the speaker holds for
    /// them stays as it is.
    pub keep: BTreeSet<String>,
    /// False while a source document could not be identified: then nothing is deleted.
    pub allow_delete: bool,
}

/// Why one object was not planned.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectError {
    /// The object's kind.
    pub kind: String,
    /// Its namespace (empty for cluster-scoped kinds).
    pub namespace: String,
    /// Its name (for an unreadable document: where it was).
    pub name: String,
    /// What is wrong, for a human.
    pub reason: String,
}

impl ObjectError {
    fn new(key: &ObjectKey, reason: impl Into<String>) -> Self {
        ObjectError {
            kind: key.kind.clone(),
            namespace: key.namespace.clone(),
            name: key.name.clone(),
            reason: reason.into(),
        }
    }
}

/// What became of one object in the plan: the status computation starts from this.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    /// Which object.
    pub key: ObjectKey,
    /// Its speaker id.
    pub id: String,
    /// `metadata.generation`.
    pub generation: i64,
    /// Planned, expired, or not accepted (with the reason).
    pub outcome: Outcome,
    /// When it expires, if it does.
    pub expires_at: Option<SystemTime>,
    /// The `BgpNeighbor`s it is sent to (name, address); empty: every neighbor with the
    /// family (no selector).
    pub selected: Vec<(String, String)>,
    /// Planned, but something around it is wrong: (condition reason, message), e.g. a
    /// BgpNeighbor naming a RoutePolicy that does not exist.
    pub problem: Option<(String, String)>,
}

/// What the planner decided for one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// In the desired state.
    Desired,
    /// Past its expiry: deliberately not desired.
    Expired,
    /// Not accepted; the reason is in the plan's errors.
    Rejected(String),
}

/// The planner's result.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// What the speaker should hold.
    pub desired: DesiredState,
    /// One entry per object that could not be planned.
    pub errors: Vec<ObjectError>,
    /// One entry per identified object.
    pub objects: Vec<Planned>,
    /// The earliest future expiry of a desired object.
    pub next_expiry: Option<SystemTime>,
}

impl Plan {
    fn record(&mut self, planned: Planned) {
        if let Outcome::Rejected(reason) = &planned.outcome {
            self.errors
                .push(ObjectError::new(&planned.key, reason.clone()));
            self.desired.keep.insert(planned.id.clone());
        }
        if let (Outcome::Desired, Some(at)) = (&planned.outcome, planned.expires_at) {
            self.next_expiry = Some(self.next_expiry.map_or(at, |n| n.min(at)));
        }
        self.objects.push(planned);
    }
}

/// Plans everything, at time `now`.
pub fn plan(inputs: &Inputs, now: SystemTime) -> Plan {
    let mut plan = Plan::default();
    plan.desired.allow_delete = inputs.unreadable.is_empty();
    for u in &inputs.unreadable {
        plan.errors.push(ObjectError {
            kind: String::new(),
            namespace: String::new(),
            name: u.origin.clone(),
            reason: u.reason.clone(),
        });
    }
    for r in &inputs.rejected {
        plan.record(Planned {
            key: r.key.clone(),
            id: r.id.clone(),
            generation: 0,
            outcome: Outcome::Rejected(r.reason.clone()),
            expires_at: None,
            selected: Vec::new(),
            problem: None,
        });
    }
    neighbor::plan_all(inputs, &mut plan);
    flowspec::plan_all(inputs, now, &mut plan);
    route::plan_all(inputs, now, &mut plan);
    policy::plan_all(inputs, &mut plan);
    plan.errors.sort();
    plan
}
