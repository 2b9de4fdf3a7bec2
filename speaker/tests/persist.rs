//! Layer: daemon in-process, real gRPC over loopback TCP (and a real gobgpd for the
//! neighbor test). Standalone persistence: what was injected and the neighbors added over
//! gRPC are back after a restart when `state_file` is set; config-file neighbors come from
//! the config file.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bgpd_api::v1::injection_service_client::InjectionServiceClient;
use bgpd_api::v1::neighbor_service_client::NeighborServiceClient;
use bgpd_api::v1::{
    AddFlowSpecRequest, AddNeighborRequest, AddPathRequest, DeleteNeighborRequest,
    DeletePathRequest, DisableNeighborRequest, GetNeighborRequest, ListFlowSpecsRequest,
    ListNeighborsRequest, ListPathsRequest,
};
use speaker::daemon;
use tonic::transport::Channel;

fn config(state: &std::path::Path, port: u16) -> speaker::config::Config {
    config_with(state, port, "")
}

/// `extra` is appended (e.g. `[[neighbors]]` tables).
fn config_with(state: &std::path::Path, port: u16, extra: &str) -> speaker::config::Config {
    let text = format!(
        "[global]\nasn = 65001\nrouter_id = \"192.0.2.1\"\nlisten_port = 0\nstate_file = \"{}\"\n\
         [global.telemetry]\ngrpc_uds = false\n[global.telemetry.grpc_tcp]\nenabled = true\n\
         address = \"127.0.0.1:{port}\"\n{extra}",
        state.display()
    );
    speaker::config::parse(&text, "persist.toml").unwrap()
}

async fn channel(port: u16) -> Channel {
    let ch = Channel::from_shared(format!("http://127.0.0.1:{port}")).unwrap();
    ch.connect().await.unwrap()
}

async fn client(port: u16) -> InjectionServiceClient<Channel> {
    InjectionServiceClient::new(channel(port).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_paths_and_rules_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.bin");
    let port = testbed::addr::free_port(IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap();

    let first = daemon::start(config(&state, port)).await.unwrap();
    let mut api = client(port).await;
    let keep: AddPathRequest = serde_json::from_str(
        r#"{"id": "customer-1", "prefix": "198.51.100.0/24", "next_hop": "192.0.2.1", "communities": ["65100:1000"]}"#,
    )
    .unwrap();
    let gone: AddPathRequest =
        serde_json::from_str(r#"{"prefix": "203.0.113.10/32", "next_hop": "192.0.2.1"}"#).unwrap();
    let rule: AddFlowSpecRequest = serde_json::from_str(
        r#"{"family": "ipv4_flowspec", "rule": {"destination_prefix": "203.0.113.10/32",
            "protocols": [17], "destination_ports": [53]}, "actions": {"traffic_rate_bytes": 1250000}}"#,
    )
    .unwrap();
    api.add_path(keep).await.unwrap();
    api.add_path(gone).await.unwrap();
    api.add_flow_spec(rule).await.unwrap();
    let del: DeletePathRequest = serde_json::from_str(r#"{"prefix": "203.0.113.10/32"}"#).unwrap();
    api.delete_path(del).await.unwrap();
    drop(api);
    first.stop(None).await;
    assert!(state.exists(), "state file written");

    let second = daemon::start(config(&state, port)).await.unwrap();
    let mut api = client(port).await;
    let paths = api
        .list_paths(ListPathsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<String> = paths
        .paths
        .iter()
        .filter_map(|p| p.spec.as_ref())
        .map(|s| s.id.clone())
        .collect();
    assert_eq!(ids, vec!["customer-1".to_string()]);
    let spec = paths.paths[0].spec.as_ref().unwrap();
    assert_eq!(spec.communities, vec!["65100:1000".to_string()]);
    let flows = api
        .list_flow_specs(ListFlowSpecsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(flows.flowspecs.len(), 1);
    drop(api);
    tokio::time::timeout(Duration::from_secs(10), second.stop(None))
        .await
        .unwrap();
}

/// Polls GetNeighbor until the session state is `want` (6 = Established).
async fn wait_state(api: &mut NeighborServiceClient<Channel>, addr: IpAddr, want: i32) {
    let start = std::time::Instant::now();
    loop {
        let req = GetNeighborRequest {
            address: addr.to_string(),
        };
        let n = api.get_neighbor(req).await.unwrap().into_inner().neighbor;
        let state = n.and_then(|n| n.state).map(|s| s.session_state);
        if state == Some(want) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{addr}: state {state:?}, want {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn neighbor_list(api: &mut NeighborServiceClient<Channel>) -> Vec<(String, bool)> {
    let r = api.list_neighbors(ListNeighborsRequest::default()).await;
    r.unwrap()
        .into_inner()
        .neighbors
        .iter()
        .map(|n| {
            let enabled = n.state.as_ref().is_some_and(|s| s.admin_enabled);
            let addr = n.config.as_ref().map(|c| c.address.clone());
            (addr.unwrap_or_default(), enabled)
        })
        .collect()
}

/// Neighbors added over gRPC survive a restart (a real gobgpd re-established with its MD5
/// password, a disabled one stays disabled), a deleted one stays deleted, and a config-file
/// neighbor deleted over gRPC is back from the config file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_neighbors_survive_a_restart_and_reach_established() {
    if !testbed::require("gobgpd") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.bin");
    let port = testbed::addr::free_port(IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap();
    let us = testbed::addr::next_loopback_v4();
    let go_spec = testbed::PeerSpec::loopback_v4(65002).unwrap();
    let me = testbed::NeighborSpec {
        addr: us.into(),
        remote_as: 65001,
        port: 179,
        passive: true,
        md5: Some("pers1st-md5".into()),
        families: vec![testbed::Family::Ipv4Unicast],
    };
    let mut go =
        tokio::task::block_in_place(|| testbed::gobgp::GoBgp::start(go_spec.clone(), &[me]))
            .unwrap();
    // A config-file neighbor (nobody there; it only has to be listed).
    let file_neighbor =
        "[[neighbors]]\naddress = \"192.0.2.60\"\nremote_asn = 65060\npassive = true\n";
    let cfg = || config_with(&state, port, file_neighbor);

    let first = daemon::start(cfg()).await.unwrap();
    let mut api = NeighborServiceClient::new(channel(port).await);
    let gobgp: AddNeighborRequest = serde_json::from_value(serde_json::json!({
        "address": go_spec.local_addr.to_string(), "remote_asn": 65002, "port": go_spec.port,
        "local_address": us.to_string(), "families": ["ipv4_unicast"], "hold_time": 9,
        "password": "pers1st-md5",
    }))
    .unwrap();
    api.add_neighbor(gobgp).await.unwrap();
    let add = |addr: &str| AddNeighborRequest {
        address: addr.into(),
        remote_asn: 65099,
        passive: true,
        ..Default::default()
    };
    api.add_neighbor(add("192.0.2.61")).await.unwrap();
    api.add_neighbor(add("192.0.2.62")).await.unwrap();
    let off = DisableNeighborRequest {
        address: "192.0.2.61".into(),
        shutdown_message: "maintenance".into(),
    };
    api.disable_neighbor(off).await.unwrap();
    for gone in ["192.0.2.62", "192.0.2.60"] {
        let del = DeleteNeighborRequest {
            address: gone.into(),
        };
        api.delete_neighbor(del).await.unwrap();
    }
    wait_state(&mut api, go_spec.local_addr, 6).await;
    drop(api);
    first.stop(None).await;
    // Our Cease reached gobgpd, so an Established seen later is the new session.
    let down = || go.neighbor_state(us.into()).ok() != Some(testbed::SessionState::Established);
    let t0 = std::time::Instant::now();
    while !tokio::task::block_in_place(down) {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "gobgpd kept the session"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let second = daemon::start(cfg()).await.unwrap();
    let mut api = NeighborServiceClient::new(channel(port).await);
    let gobgp_addr = go_spec.local_addr.to_string();
    let mut want = vec![
        ("192.0.2.60".to_string(), true),
        ("192.0.2.61".to_string(), false),
        (gobgp_addr, true),
    ];
    want.sort();
    let mut have = neighbor_list(&mut api).await;
    have.sort();
    assert_eq!(have, want);
    wait_state(&mut api, go_spec.local_addr, 6).await;
    // gobgpd's own view: the session with us is up again (MD5-signed, so the password came back).
    tokio::task::block_in_place(|| go.wait_established(us.into(), Duration::from_secs(20)))
        .unwrap();
    drop(api);
    tokio::time::timeout(Duration::from_secs(10), second.stop(None))
        .await
        .unwrap();
    go.stop();
}
