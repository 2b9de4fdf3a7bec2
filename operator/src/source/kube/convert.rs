//! Reflector stores → [`Inputs`]: one [`Object`] per custom resource, id `k8s:<uid>`.
//!
//! The apiserver already enforced the schema and CEL rules, so an object is only rejected
//! here when its spec does not deserialize (e.g. a CRD newer than this operator); one such
//! object never hides the others.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use kube::ResourceExt;
use kube::core::DynamicObject;
use serde::de::DeserializeOwned;

use super::kinds::Kind;
use crate::ids::{KUBE_PREFIX, object_id};
use crate::model::{Inputs, Object, ObjectKey, Rejected, SecretKey};
use crate::plan::expiry::time_to_system;

/// The objects of every kind, as the reflectors hold them.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// `BgpNeighbor`s.
    pub neighbors: Vec<Arc<DynamicObject>>,
    /// `FlowSpecRule`s.
    pub flowspecs: Vec<Arc<DynamicObject>>,
    /// `InjectedRoute`s.
    pub routes: Vec<Arc<DynamicObject>>,
    /// `RoutePolicy`s.
    pub policies: Vec<Arc<DynamicObject>>,
}

/// The planner's input from a snapshot and the Secret values read for it.
pub fn inputs(snap: &Snapshot, secrets: BTreeMap<SecretKey, String>) -> Inputs {
    let mut inputs = Inputs {
        secrets,
        ..Inputs::default()
    };
    for o in &snap.neighbors {
        if let Some(obj) = object(Kind::BgpNeighbor, o, &mut inputs.rejected) {
            inputs.neighbors.push(obj);
        }
    }
    for o in &snap.flowspecs {
        if let Some(obj) = object(Kind::FlowSpecRule, o, &mut inputs.rejected) {
            inputs.flowspecs.push(obj);
        }
    }
    for o in &snap.routes {
        if let Some(obj) = object(Kind::InjectedRoute, o, &mut inputs.rejected) {
            inputs.routes.push(obj);
        }
    }
    for o in &snap.policies {
        if let Some(obj) = object(Kind::RoutePolicy, o, &mut inputs.rejected) {
            inputs.policies.push(obj);
        }
    }
    // Store order is a hash order; sorting keeps equal snapshots equal (no spurious pass).
    inputs.neighbors.sort_by(|a, b| a.key.cmp(&b.key));
    inputs.flowspecs.sort_by(|a, b| a.key.cmp(&b.key));
    inputs.routes.sort_by(|a, b| a.key.cmp(&b.key));
    inputs.policies.sort_by(|a, b| a.key.cmp(&b.key));
    inputs.rejected.sort_by(|a, b| a.key.cmp(&b.key));
    inputs
}

/// The key of a stored object.
pub fn key(kind: Kind, o: &DynamicObject) -> ObjectKey {
    ObjectKey {
        kind: kind.name().to_owned(),
        namespace: if kind.namespaced() {
            o.namespace().unwrap_or_default()
        } else {
            String::new()
        },
        name: o.name_any(),
    }
}

fn object<S: DeserializeOwned>(
    kind: Kind,
    o: &DynamicObject,
    rejected: &mut Vec<Rejected>,
) -> Option<Object<S>> {
    let key = key(kind, o);
    let Some(uid) = o.uid() else {
        // The apiserver always sets a uid; without one there is no safe id to own.
        tracing::warn!(object = %key, "object without metadata.uid ignored");
        return None;
    };
    let id = object_id(KUBE_PREFIX, &uid);
    // Deserializing from a borrowed Value avoids cloning every spec on every pass.
    let spec = o.data.get("spec").unwrap_or(&serde_json::Value::Null);
    match S::deserialize(spec) {
        Ok(spec) => Some(Object {
            key,
            id,
            labels: o.labels().clone(),
            generation: o.metadata.generation.unwrap_or(1),
            created: o
                .metadata
                .creation_timestamp
                .as_ref()
                .map_or_else(SystemTime::now, time_to_system),
            spec,
        }),
        Err(e) => {
            rejected.push(Rejected {
                key,
                id,
                reason: format!("spec: {e}"),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(
        kind: Kind,
        ns: Option<&str>,
        name: &str,
        uid: &str,
        spec: serde_json::Value,
    ) -> Arc<DynamicObject> {
        let v = serde_json::json!({
            "apiVersion": kind.api_version(),
            "kind": kind.name(),
            "metadata": {
                "name": name, "namespace": ns, "uid": uid, "generation": 3,
                "labels": {"site": "ams1"},
                "creationTimestamp": "2026-11-25T10:00:00Z",
            },
            "spec": spec,
        });
        Arc::new(serde_json::from_value(v).expect("dynamic object"))
    }

    #[test]
    fn objects_get_k8s_ids_and_metadata() {
        let snap = Snapshot {
            neighbors: vec![obj(
                Kind::BgpNeighbor,
                None,
                "edge1",
                "u-n",
                serde_json::json!({"address": "192.0.2.1", "remoteAsn": 64512, "families": ["ipv4_flowspec"]}),
            )],
            flowspecs: vec![obj(
                Kind::FlowSpecRule,
                Some("ddos"),
                "syn",
                "u-f",
                serde_json::json!({"match": {"destinationPrefix": "203.0.113.1/32"}, "actions": {"discard": true}}),
            )],
            routes: vec![obj(
                Kind::InjectedRoute,
                Some("ddos"),
                "bad",
                "u-r",
                serde_json::json!({"prefix": 42}),
            )],
            policies: vec![obj(
                Kind::RoutePolicy,
                None,
                "prepend",
                "u-p",
                serde_json::json!({"statements": [{"set": {"asPathPrepend": {"count": 2}}}]}),
            )],
        };
        let inputs = inputs(&snap, BTreeMap::new());
        assert_eq!(inputs.neighbors[0].id, "k8s:u-n");
        assert_eq!(inputs.neighbors[0].key.namespace, "");
        let f = &inputs.flowspecs[0];
        assert_eq!(f.id, "k8s:u-f");
        assert_eq!(f.key.to_string(), "FlowSpecRule/ddos/syn");
        assert_eq!(f.generation, 3);
        assert_eq!(f.labels.get("site").map(String::as_str), Some("ams1"));
        let created = f
            .created
            .duration_since(SystemTime::UNIX_EPOCH)
            .expect("after epoch");
        assert_eq!(created.as_secs(), 1_795_600_800);
        assert!(inputs.routes.is_empty());
        assert_eq!(inputs.policies[0].id, "k8s:u-p");
        assert_eq!(inputs.policies[0].key.to_string(), "RoutePolicy/prepend");
        assert_eq!(inputs.rejected[0].id, "k8s:u-r");
        assert!(
            inputs.rejected[0].reason.starts_with("spec:"),
            "{:?}",
            inputs.rejected
        );
    }
}
