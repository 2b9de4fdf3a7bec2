//! Layer: real peer over loopback. Our speaker (in-process, driven over its real gRPC TCP
//! listener) peers with a real `gobgpd`; what we inject must show in **gobgpd's own RIB**
//! with its attributes, and disappear there when deleted.

mod support;

use std::time::Duration;

use bgpd_api::v1::{AddFlowSpecRequest, AddPathRequest, DeleteFlowSpecRequest, DeletePathRequest};
use support::{Peer, Speaker, blocking, json};
use testbed::gobgp::GoBgp;
use testbed::{Family, FlowAction, PeerSpec};

const WAIT: Duration = Duration::from_secs(15);

async fn lab() -> Option<(Speaker, GoBgp)> {
    if !testbed::require("gobgpd") {
        return None;
    }
    let go = PeerSpec::loopback_v4(65002).unwrap();
    let fams = [
        "ipv4_unicast",
        "ipv6_unicast",
        "ipv4_flowspec",
        "ipv6_flowspec",
    ];
    let speaker = Speaker::start(
        65001,
        &[Peer {
            addr: go.local_addr,
            asn: 65002,
            port: go.port,
            families: &fams,
            extra: "",
        }],
    )
    .await;
    let mut me = PeerSpec::loopback_v4(65001).unwrap();
    me.local_addr = speaker.addr.into();
    me.port = speaker.port;
    me.router_id = speaker.addr;
    let neighbor = me.as_neighbor().passive().families(&[
        Family::Ipv4Unicast,
        Family::Ipv6Unicast,
        Family::Ipv4FlowSpec,
        Family::Ipv6FlowSpec,
    ]);
    let mut gobgp = blocking(|| GoBgp::start(go, &[neighbor])).unwrap();
    blocking(|| gobgp.wait_established(speaker.addr.into(), WAIT)).unwrap();
    Some((speaker, gobgp))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_routes_and_flowspec_reach_gobgp_and_are_withdrawn() {
    let Some((speaker, mut gobgp)) = lab().await else {
        return;
    };
    let mut api = speaker.injection().await;

    // The seed's RTBH body verbatim, plus a route with every community kind and MED.
    let rtbh: AddPathRequest = json(
        r#"{"prefix": "203.0.113.10/32", "next_hop": "192.0.2.1", "communities": ["65535:666"]}"#,
    );
    api.add_path(rtbh).await.unwrap();
    let rich: AddPathRequest = json(
        r#"{"prefix": "198.51.100.0/24", "next_hop": "192.0.2.1", "communities": ["65100:1000"],
            "large_communities": ["65000:1:2"], "extended_communities": ["rt:65000:100"], "med": 50}"#,
    );
    api.add_path(rich).await.unwrap();
    let v6: AddPathRequest = json(r#"{"prefix": "2001:db8:1000::/36", "next_hop": "2001:db8::1"}"#);
    api.add_path(v6).await.unwrap();
    // The seed's FlowSpec body verbatim.
    let fs: AddFlowSpecRequest = json(
        r#"{"family": "ipv4_flowspec", "rule": {"destination_prefix": "203.0.113.10/32",
            "protocols": [17], "destination_ports": [53]}, "actions": {"traffic_rate_bytes": 1250000}}"#,
    );
    api.add_flow_spec(fs).await.unwrap();

    let v4 = blocking(|| gobgp.wait_rib(Family::Ipv4Unicast, WAIT, |r| r.len() == 2)).unwrap();
    let rtbh = v4
        .iter()
        .find(|r| r.prefix == "203.0.113.10/32")
        .expect("RTBH route at gobgpd");
    assert_eq!(rtbh.communities, vec![(65535, 666)]);
    assert_eq!(rtbh.next_hop, Some("192.0.2.1".parse().unwrap()));
    assert_eq!(rtbh.as_path, vec![65001]);
    let rich = v4
        .iter()
        .find(|r| r.prefix == "198.51.100.0/24")
        .expect("route at gobgpd");
    assert_eq!(rich.communities, vec![(65100, 1000)]);
    assert_eq!(rich.large_communities, vec![(65000, 1, 2)]);
    assert_eq!(rich.med, Some(50));
    assert_eq!(rich.ext_communities.len(), 1, "{:?}", rich.ext_communities);

    let v6 = blocking(|| gobgp.wait_rib(Family::Ipv6Unicast, WAIT, |r| !r.is_empty())).unwrap();
    assert_eq!(v6[0].prefix, "2001:db8:1000::/36");
    assert_eq!(v6[0].next_hop, Some("2001:db8::1".parse().unwrap()));

    let flows = blocking(|| gobgp.wait_rib(Family::Ipv4FlowSpec, WAIT, |r| !r.is_empty())).unwrap();
    assert_eq!(flows.len(), 1);
    assert!(
        flows[0].prefix.contains("203.0.113.10/32"),
        "{}",
        flows[0].prefix
    );
    assert!(
        flows[0].prefix.contains("==udp") || flows[0].prefix.contains("==17"),
        "{}",
        flows[0].prefix
    );
    assert!(flows[0].prefix.contains("==53"), "{}", flows[0].prefix);
    assert_eq!(
        flows[0].flow_actions(),
        vec![FlowAction::TrafficRate {
            asn: 0,
            rate: 1_250_000.0
        }]
    );

    // The seed's withdrawal body, and the FlowSpec delete by rule.
    let del: DeletePathRequest = json(r#"{"prefix": "203.0.113.10/32"}"#);
    assert_eq!(api.delete_path(del).await.unwrap().into_inner().deleted, 1);
    let del_fs: DeleteFlowSpecRequest = json(
        r#"{"family": "ipv4_flowspec", "rule": {"destination_prefix": "203.0.113.10/32",
            "protocols": [17], "destination_ports": [53]}}"#,
    );
    api.delete_flow_spec(del_fs).await.unwrap();
    let v4 = blocking(|| gobgp.wait_rib(Family::Ipv4Unicast, WAIT, |r| r.len() == 1)).unwrap();
    assert_eq!(v4[0].prefix, "198.51.100.0/24");
    blocking(|| gobgp.wait_rib(Family::Ipv4FlowSpec, WAIT, |r| r.is_empty())).unwrap();
    speaker.stop().await;
}
