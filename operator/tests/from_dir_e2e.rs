//! Layer: real peer over loopback. A temp folder of manifests, the real speaker (in-process,
//! `speaker::daemon::start`, driven over its real gRPC TCP listener) peering with a real
//! `gobgpd`, and the operator's from-dir loop in-process: what the manifests say must be what
//! gobgpd holds in its own RIB, through edits, deletions, expiry, and restarts of either side.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use operator::apply::{self, LoopConfig, Target};
use operator::ids::DIR_PREFIX;
use operator::metrics::Metrics;
use operator::model::Inputs;
use operator::source::dir::{self, DirStatus};
use testbed::gobgp::GoBgp;
use testbed::{Family, PeerSpec};
use tokio::sync::watch;
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(10);

fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// The speaker's fixed addresses, so a restart comes back on the same ones.
struct SpeakerAddrs {
    toml: String,
    addr: Ipv4Addr,
    grpc: String,
}

fn speaker_addrs(go: &PeerSpec) -> SpeakerAddrs {
    let addr = testbed::addr::next_loopback_v4();
    let port = testbed::addr::free_port(IpAddr::V4(addr)).unwrap();
    let grpc_port = testbed::addr::free_port(IpAddr::V4(addr)).unwrap();
    let toml = format!(
        "[global]\nasn = 65001\nrouter_id = \"{addr}\"\nlisten_port = {port}\nlisten_address = \"{addr}\"\n\
         [global.telemetry]\ngrpc_uds = false\n\
         [global.telemetry.grpc_tcp]\nenabled = true\naddress = \"{addr}:{grpc_port}\"\n\
         [[neighbors]]\naddress = \"{}\"\nremote_asn = 65002\nport = {}\nlocal_address = \"{addr}\"\n\
         families = [\"ipv4_unicast\", \"ipv4_flowspec\"]\nhold_time = 9\nconnect_retry = 1\n",
        go.local_addr, go.port
    );
    SpeakerAddrs {
        toml,
        addr,
        grpc: format!("http://{addr}:{grpc_port}"),
    }
}

async fn start_speaker(a: &SpeakerAddrs) -> speaker::daemon::Running {
    let config = speaker::config::parse(&a.toml, "test.toml").unwrap();
    speaker::daemon::start(config).await.unwrap()
}

/// The operator's from-dir loop, in-process.
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
        resync: Duration::from_secs(5),
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

fn rule(name: &str, dst: &str, port: u32, extra: &str) -> String {
    format!(
        "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: FlowSpecRule\nmetadata:\n  name: {name}\n  namespace: ddos\n\
         spec:\n  match:\n    destinationPrefix: {dst}\n    protocols: [udp]\n    destinationPorts: [{port}]\n\
         \x20 actions:\n    rateLimitBytesPerSecond: 1250000\n{extra}"
    )
}

fn flows(go: &GoBgp) -> Vec<String> {
    let mut v: Vec<String> = go
        .rib(Family::Ipv4FlowSpec)
        .unwrap()
        .into_iter()
        .map(|r| r.prefix)
        .collect();
    v.sort();
    v
}

fn wait_flows(go: &mut GoBgp, what: &str, ok: impl Fn(&[String]) -> bool) -> Duration {
    let start = Instant::now();
    let r = blocking(|| {
        go.wait_rib(Family::Ipv4FlowSpec, WAIT, |r| {
            ok(&r.iter().map(|x| x.prefix.clone()).collect::<Vec<_>>())
        })
    });
    assert!(r.is_ok(), "{what}: gobgpd holds {:?}", flows(go));
    let took = start.elapsed();
    eprintln!("e2e: {what}: {took:?}");
    took
}

fn has(r: &[String], needle: &str) -> bool {
    r.iter().any(|p| p.contains(needle))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn manifests_are_what_gobgpd_holds_through_edits_expiry_and_restarts() {
    if !testbed::require("gobgpd") {
        eprintln!("SKIP from_dir_e2e: gobgpd is not installed");
        return;
    }
    let t0 = Instant::now();
    let go_spec = PeerSpec::loopback_v4(65002).unwrap();
    let addrs = speaker_addrs(&go_spec);
    let mut running = start_speaker(&addrs).await;
    let mut me = PeerSpec::loopback_v4(65001).unwrap();
    me.local_addr = addrs.addr.into();
    me.port = addrs
        .toml
        .split("listen_port = ")
        .nth(1)
        .unwrap()
        .split('\n')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    me.router_id = addrs.addr;
    let neighbor = me
        .as_neighbor()
        .passive()
        .families(&[Family::Ipv4Unicast, Family::Ipv4FlowSpec]);
    let mut go = blocking(|| GoBgp::start(go_spec, &[neighbor])).unwrap();
    blocking(|| go.wait_established(addrs.addr.into(), WAIT)).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.yaml"), rule("dns", "203.0.113.10/32", 53, "")).unwrap();
    // One invalid manifest (no match component) and one valid one in a multi-document file.
    let bad = "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: FlowSpecRule\nmetadata: {name: bad, namespace: ddos}\nspec: {family: ipv4, match: {}}\n";
    std::fs::write(
        d.join("b.yaml"),
        format!("{bad}---\n{}", rule("web", "198.51.100.0/24", 80, "")),
    )
    .unwrap();
    let mut op = start_operator(d, &addrs.grpc);
    let took = wait_flows(
        &mut go,
        "two valid rules announced, invalid one skipped",
        |r| r.len() == 2 && has(r, "203.0.113.10/32") && has(r, "198.51.100.0/24"),
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
    // The status file is written right after the pass that announced the rules.
    let mut status = String::new();
    for _ in 0..30 {
        status = std::fs::read_to_string(d.join("b.yaml.status.yaml")).unwrap_or_default();
        if status.contains("name: bad") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        status.contains("name: bad") && status.contains("Invalid"),
        "{status}"
    );
    assert!(
        status.contains("match needs at least one component"),
        "{status}"
    );

    // Edit: the port changes at gobgpd.
    let t = Instant::now();
    std::fs::write(d.join("a.yaml"), rule("dns", "203.0.113.10/32", 123, "")).unwrap();
    wait_flows(&mut go, "edit applied", |r| {
        r.len() == 2 && has(r, "==123") && !has(r, "==53")
    });
    eprintln!("e2e: write-to-RIB after edit {:?}", t.elapsed());

    // Operator restart: nothing is withdrawn at gobgpd meanwhile.
    op.stop().await;
    let before = flows(&go);
    op = start_operator(d, &addrs.grpc);
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(flows(&go), before, "operator restart must not withdraw");
    }

    // Speaker restart on the same addresses: the new (empty) speaker gets the state replayed.
    running.stop(Some("restart".into())).await;
    running = start_speaker(&addrs).await;
    blocking(|| go.wait_established(addrs.addr.into(), WAIT)).unwrap();
    wait_flows(&mut go, "replayed after speaker restart", |r| *r == before);

    // Deleting a manifest withdraws its objects (the invalid one never had any).
    std::fs::remove_file(d.join("b.yaml")).unwrap();
    wait_flows(&mut go, "deleted manifest withdrawn", |r| {
        r.len() == 1 && has(r, "203.0.113.10/32")
    });

    // A short ttl: announced, then withdrawn at expiry.
    std::fs::write(
        d.join("ttl.yaml"),
        rule("short", "192.0.2.0/24", 443, "  ttl: 3s\n"),
    )
    .unwrap();
    wait_flows(&mut go, "ttl rule announced", |r| {
        r.len() == 2 && has(r, "192.0.2.0/24")
    });
    wait_flows(&mut go, "ttl rule withdrawn at expiry", |r| {
        r.len() == 1 && !has(r, "192.0.2.0/24")
    });

    op.stop().await;
    running.stop(Some("test done".into())).await;
    go.stop();
    eprintln!("e2e: total {:?}", t0.elapsed());
}
