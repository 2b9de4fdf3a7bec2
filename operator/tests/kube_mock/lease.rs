//! Leader election on the wire (kube-lease-manager against the fake API server).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::watch;

use crate::fake::{FakeApi, Responder, status_error};

/// A Lease store good enough for kube-lease-manager: GET, POST (create) and PATCH (apply or
/// strategic merge of `spec`, `null` removing a field).
fn lease_server(initial: Option<Value>) -> Responder {
    let lease: Arc<Mutex<Option<Value>>> = Arc::new(Mutex::new(initial));
    let version = Arc::new(std::sync::atomic::AtomicU64::new(1));
    Box::new(move |s| {
        if !s
            .path
            .starts_with("/apis/coordination.k8s.io/v1/namespaces/ops/leases")
        {
            return Some(status_error(404, "NotFound"));
        }
        let mut l = lease.lock().expect("lease");
        let rv = version
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel)
            .to_string();
        match (s.method.as_str(), l.as_mut()) {
            ("GET", Some(v)) => Some((200, v.clone())),
            ("GET", None) | ("PATCH", None) => Some(status_error(404, "NotFound")),
            ("POST", None) => {
                let mut v = s.body.clone();
                v["metadata"]["resourceVersion"] = json!(rv);
                *l = Some(v.clone());
                Some((201, v))
            }
            ("POST", Some(_)) => Some(status_error(409, "AlreadyExists")),
            ("PATCH", Some(v)) => {
                let patch = s.body["spec"].as_object().cloned().unwrap_or_default();
                if !v["spec"].is_object() {
                    v["spec"] = json!({});
                }
                for (k, val) in patch {
                    match (val.is_null(), v["spec"].as_object_mut()) {
                        (true, Some(spec)) => {
                            spec.remove(&k);
                        }
                        (false, Some(spec)) => {
                            spec.insert(k, val);
                        }
                        _ => {}
                    }
                }
                v["metadata"]["resourceVersion"] = json!(rv);
                Some((200, v.clone()))
            }
            _ => Some(status_error(405, "MethodNotAllowed")),
        }
    })
}

fn lease_config() -> operator::source::kube::lease::LeaseConfig {
    operator::source::kube::lease::LeaseConfig {
        name: "rustbgpd-operator".into(),
        namespace: "ops".into(),
        identity: "pod-0".into(),
    }
}

#[tokio::test]
async fn the_lease_is_acquired_with_get_create_and_patch_only() {
    let api = FakeApi::start(lease_server(None));
    let (stop, stop_rx) = watch::channel(false);
    let (mut leader, election) =
        operator::source::kube::lease::elect(api.client.clone(), lease_config(), stop_rx);
    tokio::time::timeout(Duration::from_secs(10), leader.wait_for(|l| *l))
        .await
        .expect("leader within 10 s")
        .expect("election running");
    let seen = api.take();
    let lease = seen
        .iter()
        .rev()
        .find(|s| s.method == "GET")
        .expect("lease read");
    assert_eq!(
        lease.path,
        "/apis/coordination.k8s.io/v1/namespaces/ops/leases/rustbgpd-operator"
    );
    assert!(
        seen.iter().any(|s| s.method == "POST"),
        "the missing Lease is created"
    );
    let holder = seen
        .iter()
        .filter(|s| s.method == "PATCH")
        .find_map(|s| s.body["spec"]["holderIdentity"].as_str().map(str::to_owned));
    assert_eq!(holder.as_deref(), Some("pod-0"));
    let verbs: std::collections::BTreeSet<&str> = seen.iter().map(|s| s.method.as_str()).collect();
    assert!(
        verbs.iter().all(|v| ["GET", "POST", "PATCH"].contains(v)),
        "RBAC: leases get, create, patch: {verbs:?}"
    );
    // Shutdown releases the Lease, so another replica takes over without waiting it out.
    stop.send_replace(true);
    tokio::time::timeout(Duration::from_secs(10), election)
        .await
        .expect("election ends at shutdown")
        .expect("election task");
    let released = api
        .take()
        .into_iter()
        .any(|s| s.method == "PATCH" && s.body["spec"].get("holderIdentity") == Some(&Value::Null));
    assert!(released, "the Lease is released at shutdown");
}

#[tokio::test]
async fn a_lease_held_by_another_replica_is_not_taken() {
    let now = k8s_openapi::jiff::Timestamp::now();
    let held = json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": "rustbgpd-operator", "namespace": "ops", "resourceVersion": "1"},
        "spec": {"holderIdentity": "pod-1", "leaseDurationSeconds": 3600,
                 "acquireTime": format!("{}", now.strftime("%Y-%m-%dT%H:%M:%S.%6fZ")),
                 "renewTime": format!("{}", now.strftime("%Y-%m-%dT%H:%M:%S.%6fZ"))},
    });
    let api = FakeApi::start(lease_server(Some(held)));
    let (stop, stop_rx) = watch::channel(false);
    let (mut leader, election) =
        operator::source::kube::lease::elect(api.client.clone(), lease_config(), stop_rx);
    let got = tokio::time::timeout(Duration::from_secs(2), leader.wait_for(|l| *l)).await;
    assert!(got.is_err(), "took a Lease another replica holds");
    assert!(
        api.take().iter().any(|s| s.method == "GET"),
        "the Lease was read"
    );
    stop.send_replace(true);
    tokio::time::timeout(Duration::from_secs(10), election)
        .await
        .expect("election ends at shutdown")
        .expect("election task");
    assert!(
        !api.take().iter().any(|s| s.method == "PATCH"),
        "another replica's Lease is left alone"
    );
}
