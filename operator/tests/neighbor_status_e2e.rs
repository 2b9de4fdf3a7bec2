//! Layer: real peer over loopback. A BgpNeighbor manifest in a temp folder, the real speaker
//! (in-process, driven over its gRPC TCP listener), the operator's from-dir loop in-process
//! and a real `gobgpd` that announces routes: the status file must show the session as the
//! speaker sees it (Established, the prefix count gobgpd sends, Ready), an InjectedRoute's
//! `announcedTo[].since` must stay put across passes, and stopping gobgpd must flip the
//! neighbor's Ready to False with the reason `SessionNotEstablished`.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use operator::apply::{self, LoopConfig, Target};
use operator::ids::DIR_PREFIX;
use operator::metrics::Metrics;
use operator::model::Inputs;
use operator::source::dir::{self, DirStatus};
use serde_yaml::Value;
use testbed::gobgp::GoBgp;
use testbed::{Family, PeerSpec, UnicastRoute};
use tokio::sync::watch;
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(20);
/// The routes gobgpd announces to the speaker.
const ROUTES: [&str; 3] = ["198.18.1.0/24", "198.18.2.0/24", "198.18.3.0/24"];

fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// The speaker with no neighbors of its own: the operator adds the one of the manifest.
async fn start_speaker(addr: Ipv4Addr) -> (speaker::daemon::Running, u16, String) {
    let port = testbed::addr::free_port(IpAddr::V4(addr)).unwrap();
    let grpc_port = testbed::addr::free_port(IpAddr::V4(addr)).unwrap();
    let toml = format!(
        "[global]\nasn = 65001\nrouter_id = \"{addr}\"\nlisten_port = {port}\nlisten_address = \"{addr}\"\n\
         [global.telemetry]\ngrpc_uds = false\n\
         [global.telemetry.grpc_tcp]\nenabled = true\naddress = \"{addr}:{grpc_port}\"\n"
    );
    let config = speaker::config::parse(&toml, "test.toml").unwrap();
    let running = speaker::daemon::start(config).await.unwrap();
    (running, port, format!("http://{addr}:{grpc_port}"))
}

struct Operator {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

fn start_operator(dir: &Path, grpc: &str) -> Operator {
    let (stop, stop_rx) = watch::channel(false);
    let (tx, rx) = watch::channel(Arc::new(Inputs::default()));
    let origins = Arc::new(Mutex::new(Default::default()));
    let cfg = LoopConfig {
        target: Target::Tcp(grpc.to_owned()),
        token: None,
        prefix: DIR_PREFIX.to_owned(),
        resync: Duration::from_secs(1),
        probe: Duration::from_millis(200),
    };
    let tasks = vec![
        tokio::spawn(dir::watch(
            dir.to_owned(),
            tx,
            origins.clone(),
            stop_rx.clone(),
        )),
        tokio::spawn(apply::run(
            cfg,
            rx,
            DirStatus::new(origins),
            Metrics::default(),
            stop_rx,
        )),
    ];
    Operator { stop, tasks }
}

impl Operator {
    async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            t.await.unwrap();
        }
    }
}

/// The status of the first object of a manifest's status file (YAML or JSON).
fn status_of(manifest: &Path) -> Value {
    let text = std::fs::read_to_string(dir::status_path(manifest)).unwrap_or_default();
    let v: Value = serde_yaml::from_str(&text).unwrap_or(Value::Null);
    v[0]["status"].clone()
}

fn condition<'a>(status: &'a Value, type_: &str) -> Option<&'a Value> {
    status["conditions"]
        .as_sequence()?
        .iter()
        .find(|c| c["type"].as_str() == Some(type_))
}

fn received(status: &Value, family: &str) -> Option<u64> {
    status["families"]
        .as_sequence()?
        .iter()
        .find(|f| f["family"].as_str() == Some(family))?["received"]
        .as_u64()
}

/// Polls the status file until `ok` holds; returns that status.
async fn wait_status(manifest: &Path, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let s = status_of(manifest);
        if ok(&s) {
            eprintln!("neighbor_status_e2e: {what}: {:?}", start.elapsed());
            return s;
        }
        assert!(start.elapsed() < WAIT, "{what}: status is {s:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn neighbor_manifest(go: &PeerSpec, local: Ipv4Addr) -> String {
    format!(
        "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: BgpNeighbor\nmetadata:\n  name: edge1\n  labels: {{role: edge}}\n\
         spec:\n  address: \"{}\"\n  remoteAsn: 65002\n  port: {}\n  localAddress: \"{local}\"\n\
         \x20 families: [ipv4_unicast]\n  holdTime: 9\n  connectRetry: 1\n",
        go.local_addr, go.port
    )
}

const ROUTE: &str = "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: InjectedRoute\n\
metadata: {name: svc, namespace: lb}\n\
spec: {prefix: 203.0.113.80/32, nextHop: 192.0.2.80, neighborSelector: {matchLabels: {role: edge}}}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn neighbor_status_follows_the_real_session() {
    if !testbed::require("gobgpd") {
        eprintln!("SKIP neighbor_status_e2e: gobgpd is not installed");
        return;
    }
    let go_spec = PeerSpec::loopback_v4(65002).unwrap();
    let addr = testbed::addr::next_loopback_v4();
    let (running, port, grpc) = start_speaker(addr).await;
    let mut me = PeerSpec::loopback_v4(65001).unwrap();
    me.local_addr = addr.into();
    me.port = port;
    me.router_id = addr;
    let peer = me.as_neighbor().passive().families(&[Family::Ipv4Unicast]);
    let mut go = blocking(|| GoBgp::start(go_spec.clone(), &[peer])).unwrap();
    for p in ROUTES {
        let nh = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        blocking(|| go.add_route(&UnicastRoute::new(p, nh))).unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let n = dir.path().join("edge1.yaml");
    let r = dir.path().join("svc.yaml");
    std::fs::write(&n, neighbor_manifest(&go_spec, addr)).unwrap();
    std::fs::write(&r, ROUTE).unwrap();
    let op = start_operator(dir.path(), &grpc);

    let want = ROUTES.len() as u64;
    let up = wait_status(&n, "Established with gobgpd's routes counted", |s| {
        s["sessionState"].as_str() == Some("Established")
            && received(s, "ipv4_unicast") == Some(want)
            && condition(s, "Ready").is_some_and(|c| c["status"].as_str() == Some("True"))
    })
    .await;
    assert!(up["establishedSince"].as_str().is_some(), "{up:?}");
    assert_eq!(
        up["remoteRouterId"].as_str(),
        Some(go_spec.router_id.to_string().as_str())
    );
    assert!(up.get("lastError").is_none(), "{up:?}");
    // gobgpd's own CLI shows what the speaker said it received.
    let adj = blocking(|| go.adj_out(addr.into(), Family::Ipv4Unicast)).unwrap();
    assert_eq!(adj.len(), ROUTES.len(), "{adj:?}");

    // The route is announced to edge1; its since does not move while it stays announced.
    let first = wait_status(&r, "route announced to edge1", |s| {
        s["announcedTo"][0]["neighbor"].as_str() == Some("edge1")
    })
    .await;
    let since = first["announcedTo"][0]["since"].clone();
    assert!(since.as_str().is_some(), "{first:?}");
    tokio::time::sleep(Duration::from_millis(2500)).await; // two resync passes
    assert_eq!(status_of(&r)["announcedTo"][0]["since"], since);
    assert_eq!(status_of(&n)["establishedSince"], up["establishedSince"]);

    blocking(|| go.stop());
    let down = wait_status(&n, "Ready=False after gobgpd stopped", |s| {
        condition(s, "Ready").is_some_and(|c| c["status"].as_str() == Some("False"))
    })
    .await;
    let ready = condition(&down, "Ready").unwrap();
    assert_eq!(
        ready["reason"].as_str(),
        Some("SessionNotEstablished"),
        "{down:?}"
    );
    let state = down["sessionState"].as_str().unwrap_or_default();
    assert_ne!(state, "Established");
    let message = ready["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(&format!("session {state}")),
        "{message}"
    );
    assert!(down.get("establishedSince").is_none(), "{down:?}");
    assert_eq!(
        condition(&down, "Programmed").and_then(|c| c["status"].as_str()),
        Some("True"),
        "the neighbor is still configured on the speaker"
    );

    op.stop().await;
    running.stop(Some("test done".into())).await;
}
