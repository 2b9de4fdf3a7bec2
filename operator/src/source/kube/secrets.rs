//! `BgpNeighbor.passwordSecretRef` values. Least privilege: each referenced Secret is read
//! by name with `get`; the operator never lists or watches Secrets, so it can read no Secret
//! a neighbor does not name. The values are re-read at every resync and whenever a
//! `BgpNeighbor` changes (a rotated password reaches the speaker within a resync).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use k8s_openapi::api::core::v1::Secret;
use kube::core::DynamicObject;
use kube::{Api, Client};

use crate::model::SecretKey;

/// The Secrets (namespace, name) the neighbors point at.
pub fn referenced(neighbors: &[Arc<DynamicObject>]) -> BTreeSet<(String, String)> {
    neighbors
        .iter()
        .filter_map(|n| {
            let r = n.data.get("spec")?.get("passwordSecretRef")?;
            Some((
                r.get("namespace")?.as_str()?.to_owned(),
                r.get("name")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Reads each Secret with `get`. A missing or unreadable Secret contributes nothing: the
/// planner then rejects the neighbor that needs it, naming the Secret.
pub async fn fetch(
    client: &Client,
    refs: &BTreeSet<(String, String)>,
) -> BTreeMap<SecretKey, String> {
    let mut out = BTreeMap::new();
    for (ns, name) in refs {
        let api: Api<Secret> = Api::namespaced(client.clone(), ns);
        match api.get_opt(name).await {
            Ok(Some(secret)) => add(ns, name, secret, &mut out),
            Ok(None) => tracing::warn!(secret = %format!("{ns}/{name}"), "Secret not found"),
            Err(e) => {
                tracing::warn!(secret = %format!("{ns}/{name}"), error = %e, "cannot read Secret")
            }
        }
    }
    out
}

fn add(ns: &str, name: &str, secret: Secret, out: &mut BTreeMap<SecretKey, String>) {
    for (k, v) in secret.data.unwrap_or_default() {
        match String::from_utf8(v.0) {
            Ok(s) => {
                out.insert((ns.to_owned(), name.to_owned(), k), s);
            }
            Err(_) => {
                tracing::warn!(secret = %format!("{ns}/{name}"), key = %k, "Secret value is not UTF-8")
            }
        }
    }
}
