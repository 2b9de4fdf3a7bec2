//! Layer: daemon in-process, real gRPC over loopback TCP. Standalone persistence: what was
//! injected over gRPC is back after a restart when `state_file` is set.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bgpd_api::v1::injection_service_client::InjectionServiceClient;
use bgpd_api::v1::{
    AddFlowSpecRequest, AddPathRequest, DeletePathRequest, ListFlowSpecsRequest, ListPathsRequest,
};
use speaker::daemon;
use tonic::transport::Channel;

fn config(state: &std::path::Path, port: u16) -> speaker::config::Config {
    let text = format!(
        "[global]\nasn = 65001\nrouter_id = \"192.0.2.1\"\nlisten_port = 0\nstate_file = \"{}\"\n\
         [global.telemetry]\ngrpc_uds = false\n[global.telemetry.grpc_tcp]\nenabled = true\n\
         address = \"127.0.0.1:{port}\"\n",
        state.display()
    );
    speaker::config::parse(&text, "persist.toml").unwrap()
}

async fn client(port: u16) -> InjectionServiceClient<Channel> {
    let ch = Channel::from_shared(format!("http://127.0.0.1:{port}")).unwrap();
    InjectionServiceClient::new(ch.connect().await.unwrap())
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
