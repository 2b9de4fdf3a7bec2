//! Shared by the real-peer tests: start our speaker in-process with a config written for
//! the test, and talk to it over its real gRPC TCP listener.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bgpd_api::v1::injection_service_client::InjectionServiceClient;
use bgpd_api::v1::neighbor_service_client::NeighborServiceClient;
use speaker::daemon::{self, Running};
use tonic::transport::Channel;

/// A neighbor entry for our config.
pub struct Peer<'a> {
    pub addr: IpAddr,
    pub asn: u32,
    pub port: u16,
    pub families: &'a [&'a str],
    pub extra: &'a str,
}

/// Our speaker under test: its BGP address/port, its gRPC endpoint.
pub struct Speaker {
    pub addr: Ipv4Addr,
    pub port: u16,
    pub asn: u32,
    pub grpc: String,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

impl Speaker {
    pub async fn start(asn: u32, peers: &[Peer<'_>]) -> Speaker {
        let addr = testbed::addr::next_loopback_v4();
        let port = testbed::addr::free_port(IpAddr::V4(addr)).unwrap();
        let grpc_port = testbed::addr::free_port(IpAddr::V4(addr)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut toml = format!(
            "[global]\nasn = {asn}\nrouter_id = \"{addr}\"\nlisten_port = {port}\nlisten_address = \"{addr}\"\n\
             [global.telemetry]\ngrpc_uds = false\n\
             [global.telemetry.grpc_tcp]\nenabled = true\naddress = \"{addr}:{grpc_port}\"\n"
        );
        for p in peers {
            let fams: Vec<String> = p.families.iter().map(|f| format!("\"{f}\"")).collect();
            toml.push_str(&format!(
                "[[neighbors]]\naddress = \"{}\"\nremote_asn = {}\nport = {}\nlocal_address = \"{addr}\"\n\
                 families = [{}]\nhold_time = 9\nconnect_retry = 1\n{}\n",
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
            running: Some(running),
            _dir: dir,
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

    /// Graceful stop: Cease/Administrative Shutdown to every peer.
    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop(Some("test done".into())).await;
        }
    }
}

/// Runs blocking testbed calls from a multi-threaded tokio test.
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// Parses a JSON request body the way grpcurl would send it.
pub fn json<T: serde::de::DeserializeOwned>(body: &str) -> T {
    serde_json::from_str(body).unwrap()
}
