//! Mocked-wire tests of the Kubernetes source (kube's mock-service pattern, as in kube-rs
//! controller-rs: `tower_test::mock::pair` behind a real `kube::Client`). No API server runs;
//! a fake one answers per request and records every HTTP request the operator sends, and the
//! tests assert on those requests: status server-side apply, Events, 404/409 handling, the
//! Lease gate, write suppression, and the watch → `Inputs` conversion with Secrets by `get`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Bytes, Frame};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::Client;
use kube::client::Body;
use kube::core::DynamicObject;
use kube::runtime::watcher;
use operator::apply::StatusSink;
use operator::crd::common::{Announcement, StatusCondition};
use operator::model::{Inputs, ObjectKey};
use operator::plan::{Outcome, Plan, Planned};
use operator::source::kube::FIELD_MANAGER;
use operator::source::kube::kinds::Kind;
use operator::source::kube::watch::{self as kwatch, Writers};
use operator::source::kube::writer::{Item, KubeStatus, Report, Writer};
use operator::status::ObjectStatus;
use serde_json::{Value, json};
use tokio::sync::watch;

/// One request as the fake API server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    query: String,
    content_type: String,
    body: Value,
}

impl Seen {
    fn query_has(&self, pair: &str) -> bool {
        self.query.split('&').any(|p| p == pair)
    }
}

/// What the fake API server answers: a status code and a JSON body (an array: a watch
/// stream), or None to keep the request open (an idle watch).
type Responder = Box<dyn Fn(&Seen) -> Option<(u16, Value)> + Send + Sync>;

struct FakeApi {
    client: Client,
    seen: Arc<Mutex<Vec<Seen>>>,
}

type Reply = Response<BoxBody<Bytes, std::io::Error>>;

impl FakeApi {
    fn start(responder: Responder) -> FakeApi {
        let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Reply>();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            let mut open = Vec::new();
            while let Some((req, send)) = handle.next_request().await {
                let s = seen_of(req).await;
                log.lock().expect("log").push(s.clone());
                match responder(&s) {
                    Some((code, body)) => send.send_response(
                        Response::builder()
                            .status(code)
                            .body(encode(body))
                            .expect("response"),
                    ),
                    None => open.push(send),
                }
            }
        });
        FakeApi {
            client: Client::new(service, "default"),
            seen,
        }
    }

    fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.seen.lock().expect("log"))
    }
}

/// A JSON body; a top-level array is a watch stream sent in chunks [`CHUNK_GAP`] apart, each
/// element an array of events (one JSON event per line).
fn encode(body: Value) -> BoxBody<Bytes, std::io::Error> {
    let Value::Array(chunks) = body else {
        let bytes = Bytes::from(serde_json::to_vec(&body).expect("json"));
        return Full::new(bytes).map_err(|never| match never {}).boxed();
    };
    let frames = futures::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(CHUNK_GAP).await;
        let mut bytes = Vec::new();
        for e in chunk.as_array().into_iter().flatten() {
            bytes.extend(serde_json::to_vec(e).expect("json"));
            bytes.push(b'\n');
        }
        Ok(Frame::data(Bytes::from(bytes)))
    });
    BodyExt::boxed(StreamBody::new(frames))
}

/// The pause between the chunks of a watch stream.
const CHUNK_GAP: Duration = Duration::from_millis(10);

async fn seen_of(req: Request<Body>) -> Seen {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let content_type = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = req.into_body().collect_bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Seen {
        method,
        path,
        query,
        content_type,
        body,
    }
}

fn status_error(code: u16, reason: &str) -> (u16, Value) {
    (
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": reason, "reason": reason, "code": code}),
    )
}

/// Answers like an API server that accepts every write: status patches and Events echo the
/// request as the stored object.
fn accept(s: &Seen) -> (u16, Value) {
    let mut body = s.body.clone();
    if body.get("metadata").is_none() {
        let name = s.path.rsplit('/').nth(1).unwrap_or("x");
        body["metadata"] = json!({"name": name, "resourceVersion": "99"});
    }
    (200, body)
}

const FSR: &str = "/apis/bgp.rustbgpd.io/v1alpha1/namespaces/ddos/flowspecrules";
const BGPN: &str = "/apis/bgp.rustbgpd.io/v1alpha1/bgpneighbors";
const EVENTS_DDOS: &str = "/apis/events.k8s.io/v1/namespaces/ddos/events";
const EVENTS_DEFAULT: &str = "/apis/events.k8s.io/v1/namespaces/default/events";

fn dynamic(kind: Kind, ns: Option<&str>, name: &str, uid: &str, status: Value) -> DynamicObject {
    serde_json::from_value(json!({
        "apiVersion": kind.api_version(),
        "kind": kind.name(),
        "metadata": {"name": name, "namespace": ns, "uid": uid, "generation": 2,
                     "resourceVersion": "1", "creationTimestamp": "2026-11-25T10:00:00Z"},
        "spec": {},
        "status": status,
    }))
    .expect("object")
}

fn put(writers: &mut Writers, kind: Kind, obj: DynamicObject) {
    let w = match kind {
        Kind::BgpNeighbor => &mut writers.neighbors,
        Kind::FlowSpecRule => &mut writers.flowspecs,
        Kind::InjectedRoute => &mut writers.routes,
    };
    w.apply_watcher_event(&watcher::Event::Apply(obj));
}

fn condition(type_: &str, status: &str, reason: &str, message: &str) -> StatusCondition {
    StatusCondition {
        type_: type_.into(),
        status: status.into(),
        reason: reason.into(),
        message: message.into(),
        last_transition_time: Time(
            k8s_openapi::jiff::Timestamp::from_second(1_800_000_000).expect("time"),
        ),
        observed_generation: Some(2),
    }
}

fn ready_status(announced: &[&str]) -> ObjectStatus {
    ObjectStatus {
        key: None,
        observed_generation: 2,
        conditions: vec![
            condition("Accepted", "True", "Valid", ""),
            condition("Programmed", "True", "Programmed", "held by the speaker"),
            condition("Ready", "True", "Ready", ""),
        ],
        announced_to: announced
            .iter()
            .map(|n| Announcement {
                neighbor: (*n).to_owned(),
                address: None,
                since: None,
            })
            .collect(),
        announced_count: u32::try_from(announced.len()).expect("small"),
        expires_at: None,
    }
}

fn rejected_status() -> ObjectStatus {
    ObjectStatus {
        key: None,
        observed_generation: 0,
        conditions: vec![
            condition(
                "Accepted",
                "False",
                "Invalid",
                "match: at least one component",
            ),
            condition("Programmed", "False", "NotAccepted", ""),
            condition("Ready", "False", "Invalid", "match: at least one component"),
        ],
        announced_to: Vec::new(),
        announced_count: 0,
        expires_at: None,
    }
}

fn item(kind: Kind, ns: &str, name: &str, uid: &str, status: ObjectStatus) -> Item {
    Item {
        kind,
        namespace: ns.into(),
        name: name.into(),
        uid: uid.into(),
        status,
    }
}

/// A writer over stores holding FlowSpecRules `ddos/syn` (u1) and `ddos/udp` (u2) and the
/// BgpNeighbor `edge1` (n1), none with a status yet.
fn writer(api: &FakeApi, leader: watch::Receiver<bool>) -> (Writer, Writers) {
    let (stores, mut writers) = kwatch::stores();
    put(
        &mut writers,
        Kind::FlowSpecRule,
        dynamic(Kind::FlowSpecRule, Some("ddos"), "syn", "u1", Value::Null),
    );
    put(
        &mut writers,
        Kind::FlowSpecRule,
        dynamic(Kind::FlowSpecRule, Some("ddos"), "udp", "u2", Value::Null),
    );
    put(
        &mut writers,
        Kind::BgpNeighbor,
        dynamic(Kind::BgpNeighbor, None, "edge1", "n1", Value::Null),
    );
    let w = Writer::new(api.client.clone(), stores, leader, "pod-0").with_concurrency(4);
    (w, writers)
}

fn leader(is: bool) -> (watch::Sender<bool>, watch::Receiver<bool>) {
    watch::channel(is)
}

fn patches(seen: &[Seen]) -> Vec<&Seen> {
    seen.iter().filter(|s| s.method == "PATCH").collect()
}

fn events<'a>(seen: &'a [Seen], path: &str) -> Vec<&'a Seen> {
    seen.iter()
        .filter(|s| s.method == "POST" && s.path == path)
        .collect()
}

#[tokio::test]
async fn status_is_server_side_applied_to_the_status_subresource() {
    let api = FakeApi::start(Box::new(|s| Some(accept(s))));
    let (_l, rx) = leader(true);
    let (mut w, _writers) = writer(&api, rx);
    let r = w
        .pass(&[
            item(
                Kind::FlowSpecRule,
                "ddos",
                "syn",
                "u1",
                ready_status(&["edge1"]),
            ),
            item(Kind::BgpNeighbor, "", "edge1", "n1", ready_status(&[])),
        ])
        .await;
    assert_eq!(
        r,
        Report {
            written: 2,
            ..Report::default()
        }
    );
    let seen = api.take();
    let p = patches(&seen);
    assert_eq!(p.len(), 2, "{seen:#?}");
    let fsr = p
        .iter()
        .find(|s| s.path == format!("{FSR}/syn/status"))
        .expect("FlowSpecRule status patch");
    assert!(
        fsr.query_has(&format!("fieldManager={FIELD_MANAGER}")),
        "{}",
        fsr.query
    );
    assert!(fsr.query_has("force=true"), "{}", fsr.query);
    assert_eq!(fsr.content_type, "application/apply-patch+yaml");
    assert_eq!(fsr.body["apiVersion"], "bgp.rustbgpd.io/v1alpha1");
    assert_eq!(fsr.body["kind"], "FlowSpecRule");
    let status = &fsr.body["status"];
    assert_eq!(status["observedGeneration"], 2);
    assert_eq!(status["announcedCount"], 1);
    assert_eq!(status["announcedTo"][0]["neighbor"], "edge1");
    let ready = status["conditions"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "Ready"))
        .expect("Ready condition");
    assert_eq!(ready["status"], "True");
    let n = p
        .iter()
        .find(|s| s.path == format!("{BGPN}/edge1/status"))
        .expect("cluster-scoped BgpNeighbor status patch");
    assert!(n.query_has("force=true") && n.query_has(&format!("fieldManager={FIELD_MANAGER}")));
    assert_eq!(n.body["kind"], "BgpNeighbor");
    assert!(
        n.body["status"].get("announcedCount").is_none(),
        "not in BgpNeighborStatus"
    );
}

#[tokio::test]
async fn events_are_posted_on_transitions_only() {
    let api = FakeApi::start(Box::new(|s| Some(accept(s))));
    let (_l, rx) = leader(true);
    let (mut w, _writers) = writer(&api, rx);
    let batch = [
        item(
            Kind::FlowSpecRule,
            "ddos",
            "syn",
            "u1",
            ready_status(&["edge1"]),
        ),
        item(Kind::FlowSpecRule, "ddos", "udp", "u2", rejected_status()),
        item(Kind::BgpNeighbor, "", "edge1", "n1", ready_status(&[])),
    ];
    w.pass(&batch).await;
    let seen = api.take();
    let ddos = events(&seen, EVENTS_DDOS);
    let reason_of = |uid: &str| -> Vec<(String, String)> {
        let mut v: Vec<_> = ddos
            .iter()
            .filter(|e| e.body["regarding"]["uid"] == uid)
            .map(|e| {
                (
                    e.body["type"].as_str().unwrap_or_default().to_owned(),
                    e.body["reason"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(reason_of("u1"), [("Normal".into(), "Announced".into())]);
    assert_eq!(reason_of("u2"), [("Warning".into(), "Rejected".into())]);
    let rejected = ddos
        .iter()
        .find(|e| e.body["reason"] == "Rejected")
        .expect("Rejected event");
    assert!(
        rejected.body["note"]
            .as_str()
            .is_some_and(|n| n.contains("at least one component")),
        "{:?}",
        rejected.body
    );
    let reg = &rejected.body["regarding"];
    assert_eq!(reg["kind"], "FlowSpecRule");
    assert_eq!(reg["name"], "udp");
    assert_eq!(reg["namespace"], "ddos");
    assert_eq!(reg["apiVersion"], "bgp.rustbgpd.io/v1alpha1");
    assert_eq!(rejected.body["reportingController"], FIELD_MANAGER);
    assert_eq!(rejected.body["reportingInstance"], "pod-0");
    let udp = patches(&seen)
        .into_iter()
        .find(|s| s.path == format!("{FSR}/udp/status"))
        .expect("rejected object's status");
    assert_eq!(
        udp.body["status"]["observedGeneration"], 2,
        "live generation"
    );
    // The cluster-scoped neighbor's Event goes to the default namespace.
    let n = events(&seen, EVENTS_DEFAULT);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].body["regarding"]["kind"], "BgpNeighbor");
    assert_eq!(n[0].body["reason"], "Programmed");
    // The same statuses again: no write, no Event.
    let r = w.pass(&batch).await;
    assert_eq!(r.unchanged, 3);
    assert!(api.take().is_empty());
}

#[tokio::test]
async fn unchanged_status_is_not_rewritten() {
    let api = FakeApi::start(Box::new(|s| Some(accept(s))));
    let (_l, rx) = leader(true);
    let (mut w, mut writers) = writer(&api, rx);
    let batch = [item(
        Kind::FlowSpecRule,
        "ddos",
        "syn",
        "u1",
        ready_status(&["edge1"]),
    )];
    assert_eq!(w.pass(&batch).await.written, 1);
    let written = patches(&api.take())[0].body["status"].clone();
    // The watch delivers our write (new resourceVersion): still nothing to write.
    let mut obj = dynamic(
        Kind::FlowSpecRule,
        Some("ddos"),
        "syn",
        "u1",
        written.clone(),
    );
    obj.metadata.resource_version = Some("2".into());
    put(&mut writers, Kind::FlowSpecRule, obj);
    assert_eq!(w.pass(&batch).await.unchanged, 1);
    assert!(api.take().is_empty());
    // A restarted operator (fresh writer) finds the status on the object, with an older
    // transition time: it keeps that time and writes nothing.
    let mut old = written;
    for c in old["conditions"].as_array_mut().expect("conditions") {
        c["lastTransitionTime"] = json!("2020-01-01T00:00:00Z");
    }
    let (_l2, rx2) = leader(true);
    let (mut fresh, mut writers2) = writer(&api, rx2);
    put(
        &mut writers2,
        Kind::FlowSpecRule,
        dynamic(Kind::FlowSpecRule, Some("ddos"), "syn", "u1", old),
    );
    assert_eq!(fresh.pass(&batch).await.unchanged, 1);
    assert!(api.take().is_empty());
    // A real change is written, once.
    let changed = [item(
        Kind::FlowSpecRule,
        "ddos",
        "syn",
        "u1",
        ready_status(&["edge1", "edge2"]),
    )];
    assert_eq!(fresh.pass(&changed).await.written, 1);
    let seen = api.take();
    assert_eq!(patches(&seen).len(), 1);
    assert_eq!(patches(&seen)[0].body["status"]["announcedCount"], 2);
    assert_eq!(
        patches(&seen)[0].body["status"]["conditions"][0]["lastTransitionTime"],
        "2020-01-01T00:00:00Z",
        "a condition that still holds keeps its transition time"
    );
}

#[tokio::test]
async fn not_found_is_ignored_quietly() {
    let api = FakeApi::start(Box::new(|s| {
        if s.path.ends_with("/syn/status") {
            return Some(status_error(404, "NotFound"));
        }
        Some(accept(s))
    }));
    let (_l, rx) = leader(true);
    let (mut w, _writers) = writer(&api, rx);
    let r = w
        .pass(&[
            item(
                Kind::FlowSpecRule,
                "ddos",
                "syn",
                "u1",
                ready_status(&["edge1"]),
            ),
            item(
                Kind::FlowSpecRule,
                "ddos",
                "udp",
                "u2",
                ready_status(&["edge1"]),
            ),
            // Not in the store at all (deleted and already gone from the watch): no request.
            item(Kind::FlowSpecRule, "ddos", "gone", "u3", ready_status(&[])),
        ])
        .await;
    assert_eq!(
        r,
        Report {
            written: 1,
            gone: 2,
            ..Report::default()
        }
    );
    let seen = api.take();
    assert_eq!(patches(&seen).len(), 2, "{seen:#?}");
    assert!(
        events(&seen, EVENTS_DDOS)
            .iter()
            .all(|e| e.body["regarding"]["name"] == "udp"),
        "no Event for the deleted object"
    );
}

#[tokio::test]
async fn conflict_is_retried_next_pass_without_blocking_others() {
    let tries: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let t = tries.clone();
    let api = FakeApi::start(Box::new(move |s| {
        if s.method == "PATCH" {
            let mut t = t.lock().expect("tries");
            let n = t.entry(s.path.clone()).or_default();
            *n += 1;
            if s.path.ends_with("/syn/status") && *n == 1 {
                return Some(status_error(409, "Conflict"));
            }
        }
        Some(accept(s))
    }));
    let (_l, rx) = leader(true);
    let (mut w, _writers) = writer(&api, rx);
    let batch = [
        item(
            Kind::FlowSpecRule,
            "ddos",
            "syn",
            "u1",
            ready_status(&["edge1"]),
        ),
        item(
            Kind::FlowSpecRule,
            "ddos",
            "udp",
            "u2",
            ready_status(&["edge1"]),
        ),
        item(Kind::BgpNeighbor, "", "edge1", "n1", ready_status(&[])),
    ];
    let r = w.pass(&batch).await;
    assert_eq!(
        r,
        Report {
            written: 2,
            conflicts: 1,
            ..Report::default()
        }
    );
    let first = api.take();
    assert!(
        events(&first, EVENTS_DDOS)
            .iter()
            .all(|e| e.body["regarding"]["name"] != "syn"),
        "no Event before the status is written"
    );
    let r = w.pass(&batch).await;
    assert_eq!(
        r,
        Report {
            written: 1,
            unchanged: 2,
            ..Report::default()
        }
    );
    let second = api.take();
    let p = patches(&second);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].path, format!("{FSR}/syn/status"));
    assert!(
        events(&second, EVENTS_DDOS)
            .iter()
            .any(|e| e.body["regarding"]["name"] == "syn")
    );
}

#[tokio::test]
async fn a_replica_without_the_lease_writes_nothing() {
    let api = FakeApi::start(Box::new(|s| Some(accept(s))));
    let (lead, rx) = leader(false);
    let (mut w, _writers) = writer(&api, rx);
    let batch = [
        item(
            Kind::FlowSpecRule,
            "ddos",
            "syn",
            "u1",
            ready_status(&["edge1"]),
        ),
        item(Kind::FlowSpecRule, "ddos", "udp", "u2", rejected_status()),
    ];
    let r = w.pass(&batch).await;
    assert_eq!(
        r,
        Report {
            held: 2,
            ..Report::default()
        }
    );
    assert!(api.take().is_empty(), "no status, no Event");
    lead.send_replace(true);
    assert_eq!(w.pass(&batch).await.written, 2);
    assert_eq!(patches(&api.take()).len(), 2);
}

#[tokio::test]
async fn the_writer_task_follows_the_sink_and_the_lease() {
    let api = FakeApi::start(Box::new(|s| Some(accept(s))));
    let (lead, rx) = leader(false);
    let (w, _writers) = writer(&api, rx);
    let (mut sink, batches) = KubeStatus::channel();
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(w.run(batches, stop_rx));
    let key = |kind: &str, ns: &str, name: &str| ObjectKey {
        kind: kind.into(),
        namespace: ns.into(),
        name: name.into(),
    };
    let planned = |key: ObjectKey, id: &str| Planned {
        key,
        id: id.into(),
        generation: 2,
        outcome: Outcome::Desired,
        expires_at: None,
        selected: Vec::new(),
    };
    let plan = Plan {
        objects: vec![
            planned(key("FlowSpecRule", "ddos", "syn"), "k8s:u1"),
            // Another source's id never reaches the API server.
            planned(key("FlowSpecRule", "ddos", "udp"), "dir:u2"),
        ],
        ..Plan::default()
    };
    let statuses = [ready_status(&["edge1"]), ready_status(&["edge1"])];
    sink.publish(&plan, &statuses);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(api.take().is_empty(), "not the leader yet");
    lead.send_replace(true);
    let mut seen = Vec::new();
    for _ in 0..50 {
        seen.extend(api.take());
        if !patches(&seen).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let p = patches(&seen);
    assert_eq!(p.len(), 1, "written on acquiring the Lease: {seen:#?}");
    assert_eq!(p[0].path, format!("{FSR}/syn/status"));
    stop.send_replace(true);
    task.await.expect("writer task");
}

fn list(kind: Kind, items: Vec<Value>) -> (u16, Value) {
    (
        200,
        json!({"apiVersion": kind.api_version(), "kind": format!("{}List", kind.name()),
               "metadata": {"resourceVersion": "10"}, "items": items}),
    )
}

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
