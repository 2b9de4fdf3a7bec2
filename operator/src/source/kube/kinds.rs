//! The kinds the Kubernetes source watches, with their API resources.
//!
//! A kind is a variant here, a reflector in [`super::watch`], a conversion in
//! [`super::convert`] and a field in `crate::model::Inputs`.

use kube::api::ApiResource;
use kube::core::DynamicObject;
use kube::{Api, Client, Resource};

use crate::crd::{BgpNeighbor, FlowSpecRule, InjectedRoute, RoutePolicy};

/// A kind of the `bgp.rustbgpd.io` group the operator reconciles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Cluster-scoped.
    BgpNeighbor,
    /// Namespaced.
    FlowSpecRule,
    /// Namespaced.
    InjectedRoute,
    /// Cluster-scoped.
    RoutePolicy,
}

impl Kind {
    /// Every kind, in the order they are watched.
    pub const ALL: [Kind; 4] = [
        Kind::BgpNeighbor,
        Kind::FlowSpecRule,
        Kind::InjectedRoute,
        Kind::RoutePolicy,
    ];

    /// The kind of a `kind:` string.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The `kind:` string.
    pub fn name(self) -> &'static str {
        match self {
            Kind::BgpNeighbor => "BgpNeighbor",
            Kind::FlowSpecRule => "FlowSpecRule",
            Kind::InjectedRoute => "InjectedRoute",
            Kind::RoutePolicy => "RoutePolicy",
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        !matches!(self, Kind::BgpNeighbor | Kind::RoutePolicy)
    }

    /// The API resource (group, version, plural) of the kind.
    pub fn resource(self) -> ApiResource {
        match self {
            Kind::BgpNeighbor => ApiResource::erase::<BgpNeighbor>(&()),
            Kind::FlowSpecRule => ApiResource::erase::<FlowSpecRule>(&()),
            Kind::InjectedRoute => ApiResource::erase::<InjectedRoute>(&()),
            Kind::RoutePolicy => ApiResource::erase::<RoutePolicy>(&()),
        }
    }

    /// `apiVersion` of the kind.
    pub fn api_version(self) -> String {
        BgpNeighbor::api_version(&()).into_owned()
    }

    /// The API to watch: cluster-wide, or one namespace for namespaced kinds when given.
    pub fn watch_api(self, client: Client, namespace: Option<&str>) -> Api<DynamicObject> {
        let ar = self.resource();
        match namespace {
            Some(ns) if self.namespaced() => Api::namespaced_with(client, ns, &ar),
            _ => Api::all_with(client, &ar),
        }
    }

    /// The API of one object (its namespace, or none for cluster-scoped kinds).
    pub fn object_api(self, client: Client, namespace: &str) -> Api<DynamicObject> {
        let ar = self.resource();
        if self.namespaced() {
            Api::namespaced_with(client, namespace, &ar)
        } else {
            Api::all_with(client, &ar)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_name_the_plurals() {
        let plurals: Vec<_> = Kind::ALL.iter().map(|k| k.resource().plural).collect();
        assert_eq!(
            plurals,
            [
                "bgpneighbors",
                "flowspecrules",
                "injectedroutes",
                "routepolicies"
            ]
        );
        assert_eq!(Kind::FlowSpecRule.api_version(), "bgp.rustbgpd.io/v1alpha1");
        assert_eq!(Kind::from_name("InjectedRoute"), Some(Kind::InjectedRoute));
        assert_eq!(Kind::from_name("Secret"), None);
    }
}
