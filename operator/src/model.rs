//! What a source hands to the reconcile core: the custom resources it read, already typed,
//! with the bits of metadata the planner needs. The same shape comes from a directory of
//! manifests and (later) from a Kubernetes watch, so the core does not know the transport.

use std::collections::BTreeMap;
use std::time::SystemTime;

use crate::crd::{BgpNeighborSpec, FlowSpecRuleSpec, InjectedRouteSpec, RoutePolicySpec};

/// Which object: kind, namespace (empty for cluster-scoped kinds) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// `BgpNeighbor`, `FlowSpecRule`, `InjectedRoute` (or what a bad document claimed).
    pub kind: String,
    /// The namespace; empty for `BgpNeighbor`.
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// One custom resource with the metadata the planner uses.
#[derive(Clone, Debug, PartialEq)]
pub struct Object<S> {
    /// Which object.
    pub key: ObjectKey,
    /// Its speaker id (`ids::object_id`).
    pub id: String,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.generation` (a directory source uses 1 when absent).
    pub generation: i64,
    /// `metadata.creationTimestamp`, the start of a `ttl` (a directory source uses the file's
    /// modification time when absent).
    pub created: SystemTime,
    /// The spec.
    pub spec: S,
}

/// An object the source could identify but not accept (its schema or CEL rules failed).
/// The planner reports it and keeps whatever the speaker already holds under its id: a bad
/// edit must not withdraw a mitigation that is in place.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    /// Which object.
    pub key: ObjectKey,
    /// Its speaker id.
    pub id: String,
    /// Why it was rejected.
    pub reason: String,
}

/// A document the source could not even identify (not YAML, no kind or name). While there
/// is one, nothing is deleted from the speaker: its objects may be among those listed there.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable {
    /// Where it was, e.g. `rules.yaml#2`.
    pub origin: String,
    /// Why it could not be read.
    pub reason: String,
}

/// Identifies a Secret key: namespace, name, key.
pub type SecretKey = (String, String, String);

/// Everything a source read, the planner's input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inputs {
    /// `BgpNeighbor`s.
    pub neighbors: Vec<Object<BgpNeighborSpec>>,
    /// `FlowSpecRule`s.
    pub flowspecs: Vec<Object<FlowSpecRuleSpec>>,
    /// `InjectedRoute`s.
    pub routes: Vec<Object<InjectedRouteSpec>>,
    /// `RoutePolicy`s.
    pub policies: Vec<Object<RoutePolicySpec>>,
    /// Secret values a `BgpNeighbor.passwordSecretRef` may point at.
    pub secrets: BTreeMap<SecretKey, String>,
    /// Identified objects that failed validation.
    pub rejected: Vec<Rejected>,
    /// Documents that could not be identified.
    pub unreadable: Vec<Unreadable>,
}
