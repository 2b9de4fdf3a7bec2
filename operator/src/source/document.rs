//! One YAML document of a manifest → a typed object, a Secret, or a report of what is wrong
//! with it. Objects are checked with the CRDs' CEL rules the way the apiserver would.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::SystemTime;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::crd::validate::CelRules;
use crate::crd::{BgpNeighbor, FlowSpecRule, GROUP, InjectedRoute, RoutePolicy, VERSION};
use crate::ids::{DIR_PREFIX, derived_uid, object_id};
use crate::model::{Inputs, Object, ObjectKey, Rejected, Unreadable};
use crate::plan::expiry::time_to_system;

static CRDS: LazyLock<[CustomResourceDefinition; 4]> = LazyLock::new(|| {
    [
        BgpNeighbor::crd(),
        FlowSpecRule::crd(),
        InjectedRoute::crd(),
        RoutePolicy::crd(),
    ]
});

thread_local! {
    /// The CEL rules of [`CRDS`], compiled once per thread (the compiled programs are not
    /// meant to be shared between threads).
    static RULES: Vec<Result<CelRules, String>> = CRDS
        .iter()
        .map(|crd| CelRules::new(crd).map_err(|e| e.to_string()))
        .collect();
}

/// Checks `doc` against the CEL rules of `CRDS[index]`.
fn check(index: usize, doc: &Value) -> Result<(), String> {
    RULES.with(|rules| match rules.get(index) {
        Some(Ok(r)) => r.check(doc).map_err(|e| e.to_string()),
        Some(Err(e)) => Err(e.clone()),
        None => Err(format!("no CRD number {index}")),
    })
}

/// Adds one parsed document to `inputs`; returns the id of the object, if it has one.
pub fn add(doc: Value, origin: &str, mtime: SystemTime, inputs: &mut Inputs) -> Option<String> {
    let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
    let api = doc["apiVersion"].as_str().unwrap_or_default();
    let name = doc["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if kind == "Secret" && api == "v1" {
        add_secret(&doc, inputs);
        return None;
    }
    if kind.is_empty() || name.is_empty() {
        inputs.unreadable.push(Unreadable {
            origin: origin.to_owned(),
            reason: "no kind or metadata.name".to_owned(),
        });
        return None;
    }
    let namespaced = kind != "BgpNeighbor" && kind != "RoutePolicy";
    let namespace = match doc["metadata"]["namespace"].as_str() {
        Some(ns) if namespaced => ns.to_owned(),
        _ if namespaced => "default".to_owned(),
        _ => String::new(),
    };
    let uid = doc["metadata"]["uid"]
        .as_str()
        .map_or_else(|| derived_uid(&kind, &namespace, &name), str::to_owned);
    let id = object_id(DIR_PREFIX, &uid);
    let key = ObjectKey {
        kind: kind.clone(),
        namespace,
        name,
    };
    let reject = |inputs: &mut Inputs, reason: String| {
        inputs.rejected.push(Rejected {
            key: key.clone(),
            id: id.clone(),
            reason,
        })
    };
    if api != format!("{GROUP}/{VERSION}") {
        reject(
            inputs,
            format!("apiVersion {api:?} is not {GROUP}/{VERSION}"),
        );
        return Some(id);
    }
    let index = match kind.as_str() {
        "BgpNeighbor" => 0,
        "FlowSpecRule" => 1,
        "InjectedRoute" => 2,
        "RoutePolicy" => 3,
        other => {
            reject(inputs, format!("unknown kind {other:?}"));
            return Some(id);
        }
    };
    if let Err(e) = check(index, &doc) {
        reject(inputs, e);
        return Some(id);
    }
    let result = match kind.as_str() {
        "BgpNeighbor" => typed::<BgpNeighbor, _>(&doc, &key, &id, mtime, |o| o.spec)
            .map(|o| inputs.neighbors.push(o)),
        "FlowSpecRule" => typed::<FlowSpecRule, _>(&doc, &key, &id, mtime, |o| o.spec)
            .map(|o| inputs.flowspecs.push(o)),
        "RoutePolicy" => typed::<RoutePolicy, _>(&doc, &key, &id, mtime, |o| o.spec)
            .map(|o| inputs.policies.push(o)),
        _ => typed::<InjectedRoute, _>(&doc, &key, &id, mtime, |o| o.spec)
            .map(|o| inputs.routes.push(o)),
    };
    if let Err(reason) = result {
        reject(inputs, reason);
    }
    Some(id)
}

fn typed<K, S>(
    doc: &Value,
    key: &ObjectKey,
    id: &str,
    mtime: SystemTime,
    spec: impl Fn(K) -> S,
) -> Result<Object<S>, String>
where
    K: DeserializeOwned + kube::Resource,
{
    let obj: K = serde_json::from_value(doc.clone()).map_err(|e| e.to_string())?;
    let meta = obj.meta().clone();
    Ok(Object {
        key: key.clone(),
        id: id.to_owned(),
        labels: meta.labels.unwrap_or_default(),
        generation: meta.generation.unwrap_or(1),
        // No creationTimestamp in a file: the file's mtime starts a ttl, so the ttl survives
        // operator restarts (an edit of the file restarts it).
        created: meta
            .creation_timestamp
            .as_ref()
            .map_or(mtime, time_to_system),
        spec: spec(obj),
    })
}

/// A Secret's `stringData` (and UTF-8 `data`) keys, for `passwordSecretRef`.
fn add_secret(doc: &Value, inputs: &mut Inputs) {
    let Ok(secret) = serde_json::from_value::<k8s_openapi::api::core::v1::Secret>(doc.clone())
    else {
        return;
    };
    let ns = secret
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_owned());
    let name = secret.metadata.name.clone().unwrap_or_default();
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in secret.data.unwrap_or_default() {
        if let Ok(s) = String::from_utf8(v.0) {
            values.insert(k, s);
        }
    }
    values.extend(secret.string_data.unwrap_or_default());
    for (k, v) in values {
        inputs.secrets.insert((ns.clone(), name.clone(), k), v);
    }
}
