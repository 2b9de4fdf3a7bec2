//! Shared by the real-peer tests: start our speaker in-process with a config written for
//! the test, and talk to it over its real gRPC TCP listener.
#![allow(dead_code)]

pub mod flows;
pub mod lab;
pub mod scenario;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bgpd_api::v1::injection_service_client::InjectionServiceClient;
use bgpd_api::v1::neighbor_service_client::NeighborServiceClient;
use bgpd_api::v1::rib_service_client::RibServiceClient;
use bgpd_api::v1::{
    GetNeighborRequest, ListBestRoutesRequest, ListReceivedRoutesRequest, MessageCounters,
    NeighborState, Route,
};
use speaker::daemon::{self, Running};
use tonic::transport::Channel;

/// A neighbor entry for our config.
pub struct Peer<'a> {
    pub addr: IpAddr,
    pub asn: u32,
    pub port: u16,
    pub families: &'a [&'a str],
    /// Extra `key = value` lines for the `[[neighbors]]` table (e.g. `passive = true`).
    pub extra: &'a str,
}

/// `hold_time` our speaker proposes unless a neighbor's `extra` sets one.
pub const HOLD_TIME: u16 = 9;

/// Our speaker under test: its BGP address/port, its gRPC endpoint.
pub struct Speaker {
    pub addr: Ipv4Addr,
    pub port: u16,
    pub asn: u32,
    pub grpc: String,
    /// The Prometheus endpoint (`/metrics`).
    pub metrics: std::net::SocketAddr,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

impl Speaker {
    pub async fn start(asn: u32, peers: &[Peer<'_>]) -> Speaker {
        let addr = testbed::addr::next_loopback_v4();
        let port = testbed::addr::free_port(IpAddr::V4(addr)).unwrap();
        let grpc_port = testbed::addr::free_port(IpAddr::V4(addr)).unwrap();
        let metrics_port = testbed::addr::free_port(IpAddr::V4(addr)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut toml = format!(
            "[global]\nasn = {asn}\nrouter_id = \"{addr}\"\nlisten_port = {port}\nlisten_address = \"{addr}\"\n\
             [global.telemetry]\ngrpc_uds = false\nprometheus_addr = \"{addr}:{metrics_port}\"\n\
             [global.telemetry.grpc_tcp]\nenabled = true\naddress = \"{addr}:{grpc_port}\"\n"
        );
        for p in peers {
            let fams: Vec<String> = p.families.iter().map(|f| format!("\"{f}\"")).collect();
            let hold = if p.extra.contains("hold_time") {
                String::new()
            } else {
                format!("hold_time = {HOLD_TIME}\n")
            };
            toml.push_str(&format!(
                "[[neighbors]]\naddress = \"{}\"\nremote_asn = {}\nport = {}\nlocal_address = \"{addr}\"\n\
                 families = [{}]\n{hold}connect_retry = 1\n{}\n",
                p.addr,
                p.asn,
                p.port,
                fams.join(", "),
                p.extra
            ));
        }
        let config = speaker::config::parse(&toml, "test.toml").unwrap();
        let running = daemon::start(config).await.unwrap();
        Speaker {
            addr,
            port,
            asn,
            grpc: format!("http://{addr}:{grpc_port}"),
            metrics: std::net::SocketAddr::new(IpAddr::V4(addr), metrics_port),
            running: Some(running),
            _dir: dir,
        }
    }

    /// How a testbed daemon should configure us as its neighbor.
    pub fn as_neighbor(&self, families: &[&str]) -> testbed::NeighborSpec {
        testbed::NeighborSpec {
            addr: self.addr.into(),
            remote_as: self.asn,
            port: self.port,
            passive: false,
            md5: None,
            families: families.iter().map(|f| tb_family(f)).collect(),
        }
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.grpc.clone())
            .unwrap()
            .connect_timeout(Duration::from_secs(5))
            .connect()
            .await
            .unwrap()
    }

    pub async fn injection(&self) -> InjectionServiceClient<Channel> {
        InjectionServiceClient::new(self.channel().await)
    }

    pub async fn neighbors(&self) -> NeighborServiceClient<Channel> {
        NeighborServiceClient::new(self.channel().await)
    }

    pub async fn rib(&self) -> RibServiceClient<Channel> {
        RibServiceClient::new(self.channel().await)
    }

    /// Live state of one neighbor (GetNeighbor).
    pub async fn neighbor_state(&self, addr: IpAddr) -> NeighborState {
        let mut api = self.neighbors().await;
        let req = GetNeighborRequest {
            address: addr.to_string(),
        };
        let n = api.get_neighbor(req).await.unwrap().into_inner();
        n.neighbor.unwrap().state.unwrap()
    }

    /// Our message counters for one neighbor: (sent, received).
    pub async fn messages(&self, addr: IpAddr) -> (MessageCounters, MessageCounters) {
        let s = self.neighbor_state(addr).await;
        (s.messages_sent.unwrap(), s.messages_received.unwrap())
    }

    /// ListReceivedRoutes for one neighbor and family.
    pub async fn received(&self, neighbor: IpAddr, family: &str) -> Vec<Route> {
        let req = ListReceivedRoutesRequest {
            neighbor: neighbor.to_string(),
            family: family.to_string(),
            ..Default::default()
        };
        let r = self.rib().await.list_received_routes(req).await.unwrap();
        r.into_inner().routes
    }

    /// ListBestRoutes for one family.
    pub async fn best(&self, family: &str) -> Vec<Route> {
        let req = ListBestRoutesRequest {
            family: family.to_string(),
            ..Default::default()
        };
        let r = self.rib().await.list_best_routes(req).await.unwrap();
        r.into_inner().routes
    }

    /// Our unicast Adj-RIB-In from `neighbor` (ipv4, then ipv6) without ages, which a
    /// re-sent route restarts: for "unchanged" comparisons.
    pub async fn received_unicast(&self, neighbor: IpAddr) -> Vec<Route> {
        let mut all = self.received(neighbor, "ipv4_unicast").await;
        all.extend(self.received(neighbor, "ipv6_unicast").await);
        all.iter_mut().for_each(|r| r.age_seconds = 0);
        all
    }

    /// Polls ListReceivedRoutes until `ready` accepts the list.
    pub async fn wait_received(
        &self,
        neighbor: IpAddr,
        family: &str,
        ready: impl Fn(&[Route]) -> bool,
    ) -> Vec<Route> {
        let what = format!("our Adj-RIB-In {family} from {neighbor}");
        eventually(&what, WAIT, || async {
            let r = self.received(neighbor, family).await;
            ready(&r).then_some(r)
        })
        .await
    }

    /// Polls until our session with `addr` is Established.
    pub async fn wait_established(&self, addr: IpAddr) -> NeighborState {
        eventually(&format!("our session with {addr}"), WAIT, || async {
            let s = self.neighbor_state(addr).await;
            (s.session_state == ESTABLISHED).then_some(s)
        })
        .await
    }

    /// Graceful stop: Cease/Administrative Shutdown to every peer.
    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop(Some("test done".into())).await;
        }
    }
}

/// `SESSION_STATE_ESTABLISHED` of the API.
pub const ESTABLISHED: i32 = 6;

/// Default wait for anything to show up on either side.
pub const WAIT: Duration = Duration::from_secs(15);

/// Polls the async `probe` every 100 ms until it returns `Some`, or panics after `timeout`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The testbed's family for a config/API family name.
pub fn tb_family(name: &str) -> testbed::Family {
    match name {
        "ipv4_unicast" => testbed::Family::Ipv4Unicast,
        "ipv6_unicast" => testbed::Family::Ipv6Unicast,
        "ipv4_flowspec" => testbed::Family::Ipv4FlowSpec,
        "ipv6_flowspec" => testbed::Family::Ipv6FlowSpec,
        other => panic!("unknown family {other}"),
    }
}

/// All four families, and the unicast ones.
pub const ALL_FAMILIES: [&str; 4] = [
    "ipv4_unicast",
    "ipv6_unicast",
    "ipv4_flowspec",
    "ipv6_flowspec",
];
pub const UNICAST: [&str; 2] = ["ipv4_unicast", "ipv6_unicast"];

/// Runs blocking testbed calls from a multi-threaded tokio test.
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// Parses a JSON request body the way grpcurl would send it.
pub fn json<T: serde::de::DeserializeOwned>(body: &str) -> T {
    serde_json::from_str(body).unwrap()
}

/// Sends `signal` to every pid of a testbed daemon (SIGKILL to "kill the peer", SIGSTOP/SIGCONT
/// to freeze it).
pub fn signal(pids: &[u32], signal: libc::c_int) {
    for pid in pids {
        // SAFETY: plain kill(2) on pids the testbed started.
        unsafe {
            libc::kill(*pid as libc::pid_t, signal);
        }
    }
}

/// Prints the measured wall time of a test (copied into INTEROP.md).
pub fn report_time(test: &str, start: Instant) {
    eprintln!("TIMING {test}: {:.1} s", start.elapsed().as_secs_f64());
}

/// Standard communities of a route from our RIB, as "a:b" strings.
pub fn has_all(have: &[String], want: &[&str]) -> bool {
    want.iter().all(|w| have.iter().any(|h| h == w))
}

/// One plain HTTP/1.0 GET of `/metrics`.
pub fn scrape(addr: std::net::SocketAddr) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /metrics HTTP/1.0\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}
