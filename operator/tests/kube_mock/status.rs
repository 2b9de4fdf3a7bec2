//! Status server-side apply, Events, 404/409, the Lease gate and write suppression.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::core::DynamicObject;
use kube::runtime::watcher;
use operator::apply::StatusSink;
use operator::crd::bgp_neighbor::{AddressFamily, FamilyCounters, SessionState};
use operator::crd::common::{Announcement, StatusCondition};
use operator::model::ObjectKey;
use operator::plan::{Outcome, Plan, Planned};
use operator::source::kube::FIELD_MANAGER;
use operator::source::kube::kinds::Kind;
use operator::source::kube::watch::{self as kwatch, Writers};
use operator::source::kube::writer::{Item, KubeStatus, Report, Writer};
use operator::status::ObjectStatus;
use operator::status::session::SessionStatus;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::fake::{FakeApi, Seen, accept, status_error};

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
        Kind::RoutePolicy => &mut writers.policies,
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
        attached_to: Vec::new(),
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
                since: Some(Time(
                    k8s_openapi::jiff::Timestamp::from_second(1_800_000_000).expect("time"),
                )),
            })
            .collect(),
        announced_count: u32::try_from(announced.len()).expect("small"),
        expires_at: None,
        session: None,
    }
}

/// A neighbor whose session is Established with counters.
fn neighbor_status() -> ObjectStatus {
    let since = k8s_openapi::jiff::Timestamp::from_second(1_799_999_000).expect("time");
    ObjectStatus {
        attached_to: Vec::new(),
        session: Some(SessionStatus {
            session_state: Some(SessionState::Established),
            established_since: Some(Time(since)),
            remote_router_id: Some("10.0.0.1".into()),
            families: vec![FamilyCounters {
                family: AddressFamily::Ipv4Unicast,
                received: 3,
                accepted: 3,
                advertised: 1,
            }],
            last_error: None,
            counters_at: None,
        }),
        ..ready_status(&[])
    }
}

fn rejected_status() -> ObjectStatus {
    ObjectStatus {
        attached_to: Vec::new(),
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
        session: None,
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

/// The store's FlowSpecRule `ddos/syn` (u1) with `status`.
fn syn_item(status: ObjectStatus) -> Item {
    item(Kind::FlowSpecRule, "ddos", "syn", "u1", status)
}

/// The store's FlowSpecRule `ddos/udp` (u2) with `status`.
fn udp_item(status: ObjectStatus) -> Item {
    item(Kind::FlowSpecRule, "ddos", "udp", "u2", status)
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
    let (mut w, mut writers) = writer(&api, rx);
    let mut syn = dynamic(Kind::FlowSpecRule, Some("ddos"), "syn", "u1", Value::Null);
    syn.data["spec"] = json!({
        "match": {"destinationPrefix": "203.0.113.9/32"},
        "actions": {"rateLimitBytesPerSecond": 1_250_000},
    });
    put(&mut writers, Kind::FlowSpecRule, syn);
    let r = w
        .pass(&[
            syn_item(ready_status(&["edge1"])),
            item(Kind::BgpNeighbor, "", "edge1", "n1", neighbor_status()),
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
    // The printer columns' fields, from the stored spec.
    assert_eq!(status["family"], "ipv4");
    assert_eq!(status["action"], "rate-limit 1250000 B/s");
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
    // The session, as the CRD's printer column and kstatus users read it.
    let ns = &n.body["status"];
    assert_eq!(ns["sessionState"], "Established");
    assert_eq!(ns["establishedSince"], "2027-01-15T07:43:20Z");
    assert_eq!(ns["remoteRouterId"], "10.0.0.1");
    assert_eq!(ns["families"][0]["family"], "ipv4_unicast");
    assert_eq!(ns["families"][0]["received"], 3);
    assert_eq!(ns["families"][0]["advertised"], 1);
    assert!(ns.get("lastError").is_none());
    let reasons: Vec<&Value> = events(&seen, EVENTS_DEFAULT)
        .iter()
        .map(|e| &e.body["reason"])
        .collect();
    assert!(
        reasons.contains(&&json!("SessionEstablished")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn route_policy_status_is_server_side_applied_with_its_attachments() {
    let api = FakeApi::start(Box::new(|s| Some(accept(s))));
    let (_l, rx) = leader(true);
    let (mut w, mut writers) = writer(&api, rx);
    let mut pol = dynamic(Kind::RoutePolicy, None, "prepend", "p1", Value::Null);
    pol.data["spec"] = json!({"statements": [{"set": {"asPathPrepend": {"count": 2}}}, {}]});
    put(&mut writers, Kind::RoutePolicy, pol);
    let status = ObjectStatus {
        attached_to: vec!["export:edge1".into(), "global-import".into()],
        ..ready_status(&[])
    };
    let r = w
        .pass(&[item(Kind::RoutePolicy, "", "prepend", "p1", status)])
        .await;
    assert_eq!(
        r,
        Report {
            written: 1,
            ..Report::default()
        }
    );
    let seen = api.take();
    let p = patches(&seen);
    let patch = p
        .iter()
        .find(|s| s.path == "/apis/bgp.rustbgpd.io/v1alpha1/routepolicies/prepend/status")
        .expect("cluster-scoped RoutePolicy status patch");
    assert!(
        patch.query_has("force=true") && patch.query_has(&format!("fieldManager={FIELD_MANAGER}"))
    );
    assert_eq!(patch.content_type, "application/apply-patch+yaml");
    assert_eq!(patch.body["kind"], "RoutePolicy");
    let st = &patch.body["status"];
    assert_eq!(st["attachedTo"], json!(["export:edge1", "global-import"]));
    assert_eq!(st["statementCount"], 2);
    assert_eq!(st["observedGeneration"], 2);
    assert!(
        st.get("announcedCount").is_none(),
        "not in RoutePolicyStatus"
    );
    let types: Vec<&Value> = st["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .map(|c| &c["type"])
        .collect();
    assert_eq!(
        types,
        [&json!("Accepted"), &json!("Programmed"), &json!("Ready")]
    );
}

#[tokio::test]
async fn events_are_posted_on_transitions_only() {
    let api = FakeApi::start(Box::new(|s| Some(accept(s))));
    let (_l, rx) = leader(true);
    let (mut w, _writers) = writer(&api, rx);
    let batch = [
        syn_item(ready_status(&["edge1"])),
        udp_item(rejected_status()),
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
    let batch = [syn_item(ready_status(&["edge1"]))];
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
    old["announcedTo"][0]["since"] = json!("2020-01-01T00:00:00Z");
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
    let changed = [syn_item(ready_status(&["edge1", "edge2"]))];
    assert_eq!(fresh.pass(&changed).await.written, 1);
    let seen = api.take();
    assert_eq!(patches(&seen).len(), 1);
    assert_eq!(patches(&seen)[0].body["status"]["announcedCount"], 2);
    assert_eq!(
        patches(&seen)[0].body["status"]["conditions"][0]["lastTransitionTime"],
        "2020-01-01T00:00:00Z",
        "a condition that still holds keeps its transition time"
    );
    let to = &patches(&seen)[0].body["status"]["announcedTo"];
    assert_eq!(
        to[0]["since"], "2020-01-01T00:00:00Z",
        "a neighbor still announced to keeps its since"
    );
    assert_eq!(to[1]["neighbor"], "edge2");
    assert_ne!(to[1]["since"], "2020-01-01T00:00:00Z");
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
            syn_item(ready_status(&["edge1"])),
            udp_item(ready_status(&["edge1"])),
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
        syn_item(ready_status(&["edge1"])),
        udp_item(ready_status(&["edge1"])),
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
        syn_item(ready_status(&["edge1"])),
        udp_item(rejected_status()),
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
        problem: None,
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
