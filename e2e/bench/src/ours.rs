//! Our side: the release `rustbgpd` binary as a separate process, config in a temp dir,
//! dialling the receiver; the workload goes in through `InjectionService` batch RPCs.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use bgpd_api::v1::injection_service_client::InjectionServiceClient;
use bgpd_api::v1::{
    AddFlowSpecRequest, AddFlowSpecsRequest, AddPathRequest, AddPathsRequest, FlowSpecActions,
    FlowSpecRule,
};
use testbed::PeerSpec;
use tonic::transport::Channel;

use crate::process::Guard;
use crate::{BoxError, workload};

/// Paths per `AddPaths` call (about 60 bytes each on the wire: ~600 KB per message, under
/// tonic's default 4 MiB limit).
pub const PATHS_PER_CALL: usize = 10_000;
/// Rules per `AddFlowSpecs` call.
pub const FLOWS_PER_CALL: usize = 2_000;

pub struct Ours {
    pub client: InjectionServiceClient<Channel>,
    /// The gRPC endpoint, `http://ADDR:PORT`.
    pub grpc: String,
    // Declared before `dir`: the process stops before its config dir goes.
    pub proc: Guard,
    dir: tempfile::TempDir,
}

/// `rustbgpd` next to this binary (same target dir and profile), or `$RUSTBGPD_BIN`.
pub fn binary() -> Result<PathBuf, BoxError> {
    if let Some(p) = std::env::var_os("RUSTBGPD_BIN") {
        return Ok(p.into());
    }
    let me = std::env::current_exe()?;
    let p = me.with_file_name("rustbgpd");
    if p.is_file() {
        Ok(p)
    } else {
        Err(format!(
            "{} not found: build it with `cargo build --release -p speaker --bin rustbgpd` \
             (or set RUSTBGPD_BIN)",
            p.display()
        )
        .into())
    }
}

impl Ours {
    /// Starts rustbgpd peering with `receiver` (it dials; the receiver is passive).
    pub async fn start(spec: PeerSpec, receiver: &PeerSpec) -> Result<Ours, BoxError> {
        let IpAddr::V4(addr) = spec.local_addr else {
            return Err("expected an IPv4 loopback".into());
        };
        let grpc_port = testbed::addr::free_port(spec.local_addr)?;
        let dir = tempfile::Builder::new().prefix("inject-bench-").tempdir()?;
        let config = format!(
            "[global]\nasn = {asn}\nrouter_id = \"{addr}\"\nlisten_port = 0\n\
             [global.telemetry]\ngrpc_uds = false\n\
             [global.telemetry.grpc_tcp]\nenabled = true\naddress = \"{addr}:{grpc_port}\"\n\
             [[neighbors]]\naddress = \"{raddr}\"\nremote_asn = {ras}\nport = {rport}\n\
             local_address = \"{addr}\"\nfamilies = [\"ipv4_unicast\", \"ipv4_flowspec\"]\n\
             hold_time = 90\nconnect_retry = 1\n",
            asn = spec.local_as,
            raddr = receiver.local_addr,
            ras = receiver.local_as,
            rport = receiver.port,
        );
        let cfg = dir.path().join("rustbgpd.toml");
        std::fs::write(&cfg, config)?;
        let bin = binary()?;
        eprintln!("ours: {}", bin.display());
        let mut cmd = Command::new(bin);
        cmd.arg(&cfg).env("RUST_LOG", "warn");
        let proc = Guard::spawn("rustbgpd", cmd, &dir.path().join("rustbgpd.log"))?;
        let client = connect(addr, grpc_port, Duration::from_secs(10)).await?;
        let grpc = format!("http://{addr}:{grpc_port}");
        Ok(Ours {
            client,
            grpc,
            proc,
            dir,
        })
    }

    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("rustbgpd.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

async fn connect(
    addr: Ipv4Addr,
    port: u16,
    timeout: Duration,
) -> Result<InjectionServiceClient<Channel>, BoxError> {
    let start = Instant::now();
    loop {
        match Channel::from_shared(format!("http://{addr}:{port}"))?
            .connect()
            .await
        {
            Ok(ch) => return Ok(InjectionServiceClient::new(ch)),
            Err(e) if start.elapsed() > timeout => {
                return Err(format!("rustbgpd gRPC at {addr}:{port}: {e}").into());
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

pub fn route_requests(n: usize) -> Vec<AddPathsRequest> {
    (0..n)
        .collect::<Vec<_>>()
        .chunks(PATHS_PER_CALL)
        .map(|c| AddPathsRequest {
            paths: c.iter().map(|&i| route(i)).collect(),
            allow_partial: false,
        })
        .collect()
}

fn route(i: usize) -> AddPathRequest {
    let (net, len) = workload::route_prefix(i);
    let (asn, val) = workload::community(i);
    AddPathRequest {
        prefix: format!("{net}/{len}"),
        next_hop: workload::next_hop(i).to_string(),
        communities: vec![format!("{asn}:{val}")],
        ..Default::default()
    }
}

pub fn flow_requests(n: usize) -> Vec<AddFlowSpecsRequest> {
    (0..n)
        .collect::<Vec<_>>()
        .chunks(FLOWS_PER_CALL)
        .map(|c| AddFlowSpecsRequest {
            flowspecs: c.iter().map(|&i| flow(i)).collect(),
            allow_partial: false,
        })
        .collect()
}

fn flow(i: usize) -> AddFlowSpecRequest {
    AddFlowSpecRequest {
        family: "ipv4_flowspec".into(),
        rule: Some(FlowSpecRule {
            destination_prefix: format!("{}/32", workload::flow_destination(i)),
            protocols: vec![workload::FLOW_PROTOCOL],
            destination_ports: vec![workload::FLOW_PORT],
            ..Default::default()
        }),
        actions: Some(FlowSpecActions {
            traffic_rate_bytes: Some(workload::FLOW_RATE),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Sends the batches one after another; returns when the last call has been answered.
pub async fn add_routes(
    client: &mut InjectionServiceClient<Channel>,
    reqs: Vec<AddPathsRequest>,
) -> Result<(), BoxError> {
    for r in reqs {
        client
            .add_paths(r)
            .await
            .map_err(|s| format!("rustbgpd AddPaths: {s}"))?;
    }
    Ok(())
}

pub async fn add_flows(
    client: &mut InjectionServiceClient<Channel>,
    reqs: Vec<AddFlowSpecsRequest>,
) -> Result<(), BoxError> {
    for r in reqs {
        client
            .add_flow_specs(r)
            .await
            .map_err(|s| format!("rustbgpd AddFlowSpecs: {s}"))?;
    }
    Ok(())
}

/// Disables (`true`) or enables the session to `neighbor` through `NeighborService`.
pub async fn set_enabled(grpc: &str, neighbor: IpAddr, enabled: bool) -> Result<(), BoxError> {
    use bgpd_api::v1::neighbor_service_client::NeighborServiceClient;
    use bgpd_api::v1::{DisableNeighborRequest, EnableNeighborRequest};
    let mut client = NeighborServiceClient::connect(grpc.to_owned()).await?;
    let address = neighbor.to_string();
    if enabled {
        client
            .enable_neighbor(EnableNeighborRequest { address })
            .await?;
    } else {
        client
            .disable_neighbor(DisableNeighborRequest {
                address,
                shutdown_message: String::new(),
            })
            .await?;
    }
    Ok(())
}
