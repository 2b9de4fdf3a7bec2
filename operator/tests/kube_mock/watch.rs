//! The watch → `Inputs` path: initial lists gate publishing, Secrets by `get`, debouncing.

use std::sync::Arc;
use std::time::Duration;

use operator::model::Inputs;
use operator::source::kube::kinds::Kind;
use operator::source::kube::watch as kwatch;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::fake::{FakeApi, list, status_error};

const BGPN: &str = "/apis/bgp.rustbgpd.io/v1alpha1/bgpneighbors";

#[tokio::test]
async fn watched_objects_become_inputs_after_every_initial_list() {
    let neighbor = json!({
        "apiVersion": "bgp.rustbgpd.io/v1alpha1", "kind": "BgpNeighbor",
        "metadata": {"name": "edge1", "uid": "n1", "generation": 1, "resourceVersion": "5",
                     "labels": {"site": "ams1"}, "creationTimestamp": "2026-11-25T10:00:00Z"},
        "spec": {"address": "192.0.2.1", "remoteAsn": 64512, "families": ["ipv4_flowspec"],
                 "passwordSecretRef": {"namespace": "ops", "name": "edge1-md5", "key": "password"}},
    });
    let rule = json!({
        "apiVersion": "bgp.rustbgpd.io/v1alpha1", "kind": "FlowSpecRule",
        "metadata": {"name": "syn", "namespace": "ddos", "uid": "u1", "generation": 4,
                     "resourceVersion": "6", "creationTimestamp": "2026-11-25T10:00:00Z"},
        "spec": {"match": {"destinationPrefix": "203.0.113.1/32"}, "actions": {"discard": true}},
    });
    let release = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let gate = release.clone();
    let api = FakeApi::start(Box::new(move |s| {
        if s.query_has("watch=true") {
            return None;
        }
        match s.path.as_str() {
            BGPN => Some(list(Kind::BgpNeighbor, vec![neighbor.clone()])),
            "/apis/bgp.rustbgpd.io/v1alpha1/namespaces/ddos/flowspecrules" => {
                if gate.load(std::sync::atomic::Ordering::Acquire) {
                    Some(list(Kind::FlowSpecRule, vec![rule.clone()]))
                } else {
                    Some(status_error(503, "ServiceUnavailable"))
                }
            }
            "/apis/bgp.rustbgpd.io/v1alpha1/namespaces/ddos/injectedroutes" => {
                Some(list(Kind::InjectedRoute, vec![]))
            }
            "/apis/bgp.rustbgpd.io/v1alpha1/routepolicies" => Some(list(Kind::RoutePolicy, vec![])),
            "/api/v1/namespaces/ops/secrets/edge1-md5" => Some((
                200,
                json!({"apiVersion": "v1", "kind": "Secret",
                       "metadata": {"name": "edge1-md5", "namespace": "ops"},
                       "data": {"password": "czNjcmV0"}}),
            )),
            _ => Some(status_error(404, "NotFound")),
        }
    }));
    let (stop, stop_rx) = watch::channel(false);
    let source = kwatch::start(&api.client, Some("ddos"), stop_rx.clone());
    let (tx, mut rx) = watch::channel(Arc::new(Inputs::default()));
    tokio::spawn(source.publish(api.client.clone(), Duration::from_secs(600), tx, stop_rx));
    // The FlowSpecRule list keeps failing: nothing may be published.
    let early = tokio::time::timeout(Duration::from_millis(700), rx.changed()).await;
    assert!(
        early.is_err(),
        "published before every initial list was complete"
    );
    release.store(true, std::sync::atomic::Ordering::Release);
    tokio::time::timeout(Duration::from_secs(10), kwatch::first(&mut rx))
        .await
        .expect("published after the lists");
    let inputs = rx.borrow().clone();
    assert_eq!(inputs.neighbors.len(), 1);
    assert_eq!(inputs.neighbors[0].id, "k8s:n1");
    assert_eq!(
        inputs.neighbors[0].labels.get("site").map(String::as_str),
        Some("ams1")
    );
    assert_eq!(inputs.flowspecs.len(), 1);
    assert_eq!(inputs.flowspecs[0].id, "k8s:u1");
    assert_eq!(inputs.flowspecs[0].generation, 4);
    assert_eq!(inputs.flowspecs[0].key.to_string(), "FlowSpecRule/ddos/syn");
    let secret = (
        "ops".to_owned(),
        "edge1-md5".to_owned(),
        "password".to_owned(),
    );
    assert_eq!(
        inputs.secrets.get(&secret).map(String::as_str),
        Some("s3cret")
    );
    let seen = api.take();
    let secret_requests: Vec<_> = seen
        .iter()
        .filter(|s| s.path.contains("/secrets"))
        .collect();
    assert!(!secret_requests.is_empty());
    assert!(
        secret_requests.iter().all(|s| s.method == "GET"
            && s.path == "/api/v1/namespaces/ops/secrets/edge1-md5"
            && !s.query_has("watch=true")),
        "Secrets only by name with get: {secret_requests:#?}"
    );
    assert!(
        seen.iter().any(|s| s.path == BGPN),
        "BgpNeighbors are listed cluster-wide"
    );
    assert!(
        !seen
            .iter()
            .any(|s| s.path == "/apis/bgp.rustbgpd.io/v1alpha1/flowspecrules"),
        "--namespace limits the namespaced kinds"
    );
    stop.send_replace(true);
}

fn rule_json(i: u32, rv: u32) -> Value {
    json!({
        "apiVersion": "bgp.rustbgpd.io/v1alpha1", "kind": "FlowSpecRule",
        "metadata": {"name": format!("r{i}"), "namespace": "ddos", "uid": format!("u{i}"),
                     "generation": 1, "resourceVersion": rv.to_string(),
                     "creationTimestamp": "2026-11-25T10:00:00Z"},
        "spec": {"match": {"destinationPrefix": format!("203.0.113.{i}/32")}, "actions": {"discard": true}},
    })
}

#[tokio::test]
async fn a_burst_of_watch_events_is_debounced() {
    const BURST: u32 = 200;
    // Chunks arrive CHUNK_GAP apart, 100 ms in all: more than one DEBOUNCE.
    const CHUNKS: usize = 10;
    let watched = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let api = FakeApi::start(Box::new(move |s| {
        let kind = match s.path.rsplit('/').next() {
            Some("bgpneighbors") => Kind::BgpNeighbor,
            Some("flowspecrules") => Kind::FlowSpecRule,
            Some("injectedroutes") => Kind::InjectedRoute,
            Some("routepolicies") => Kind::RoutePolicy,
            _ => return Some(status_error(404, "NotFound")),
        };
        if !s.query_has("watch=true") {
            return Some(list(
                kind,
                vec![rule_json(0, 5)]
                    .into_iter()
                    .filter(|_| kind == Kind::FlowSpecRule)
                    .collect(),
            ));
        }
        if kind != Kind::FlowSpecRule || watched.swap(true, std::sync::atomic::Ordering::AcqRel) {
            return None;
        }
        // One watch response carrying a burst in CHUNKS chunks: BURST additions, then the
        // deletion of r0.
        let mut events: Vec<Value> = (1..=BURST)
            .map(|i| json!({"type": "ADDED", "object": rule_json(i, 10 + i)}))
            .collect();
        events.push(json!({"type": "DELETED", "object": rule_json(0, 10 + BURST + 1)}));
        let size = events.len().div_ceil(CHUNKS);
        let lines: Vec<Value> = events
            .chunks(size)
            .map(|c| Value::Array(c.to_vec()))
            .collect();
        Some((200, Value::Array(lines)))
    }));
    let (stop, stop_rx) = watch::channel(false);
    let source = kwatch::start(&api.client, None, stop_rx.clone());
    let (tx, mut rx) = watch::channel(Arc::new(Inputs::default()));
    tokio::spawn(source.publish(api.client.clone(), Duration::from_secs(600), tx, stop_rx));
    assert!(kwatch::first(&mut rx).await);
    let mut publishes = 0;
    while let Ok(Ok(())) = tokio::time::timeout(Duration::from_millis(800), rx.changed()).await {
        publishes += 1;
        if rx.borrow_and_update().flowspecs.len() == BURST as usize {
            break;
        }
    }
    let inputs = rx.borrow().clone();
    assert_eq!(
        inputs.flowspecs.len(),
        BURST as usize,
        "every addition seen"
    );
    assert!(
        inputs.flowspecs.iter().all(|f| f.id != "k8s:u0"),
        "the deletion seen"
    );
    assert!(
        (1..=CHUNKS / 2).contains(&publishes),
        "{publishes} publishes for {CHUNKS} chunks of watch events"
    );
    stop.send_replace(true);
}
