//! The unicast scenario every real-peer test runs, parameterised by the peer's digit `n`
//! (GoBGP 2, BIRD 3, FRR 4, ExaBGP 5): the peer is AS 6500n and originates 203.0.113.0/24
//! via 192.0.2.n (communities 6500n:1, 6500n:3:4, MED n·10) and 2001:db8:n00::/48 via
//! 2001:db8::n; we inject RICH4/RICH6.
#![allow(dead_code)]

use std::net::IpAddr;

use bgpd_api::v1::injection_service_client::InjectionServiceClient;
use bgpd_api::v1::{AddPathRequest, DeletePathRequest, Route};
use testbed::UnicastRoute;
use tonic::transport::Channel;

use super::{Speaker, json};

/// Injected IPv4 route with every community kind, MED and LOCAL_PREF.
pub const RICH4: &str = r#"{"prefix": "198.51.100.0/24", "next_hop": "192.0.2.1",
    "communities": ["65100:1000", "65100:2000"], "large_communities": ["65000:1:2"],
    "extended_communities": ["rt:65000:100"], "med": 50, "local_pref": 200}"#;
/// Injected IPv6 route, likewise.
pub const RICH6: &str = r#"{"prefix": "2001:db8:1000::/36", "next_hop": "2001:db8::1",
    "communities": ["65100:6"], "large_communities": ["65000:6:6"],
    "extended_communities": ["rt:65000:600"], "med": 60, "local_pref": 250}"#;

/// AddPath of RICH4 and RICH6.
pub async fn inject_rich(api: &mut InjectionServiceClient<Channel>) {
    api.add_path(json::<AddPathRequest>(RICH4)).await.unwrap();
    api.add_path(json::<AddPathRequest>(RICH6)).await.unwrap();
}

/// DeletePath of RICH4 and RICH6 by prefix; each deletes exactly one route.
pub async fn delete_rich(api: &mut InjectionServiceClient<Channel>) {
    for p in ["198.51.100.0/24", "2001:db8:1000::/36"] {
        let del = DeletePathRequest {
            prefix: p.into(),
            ..Default::default()
        };
        assert_eq!(api.delete_path(del).await.unwrap().into_inner().deleted, 1);
    }
}

/// The eBGP peer's AS.
pub fn peer_as(n: u32) -> u32 {
    65000 + n
}

/// What the eBGP peer number `n` originates.
pub fn ebgp_routes(n: u32) -> Vec<UnicastRoute> {
    let asn = peer_as(n) as u16;
    let mut r4 = UnicastRoute::new("203.0.113.0/24", format!("192.0.2.{n}").parse().unwrap());
    r4.communities = vec![(asn, 1)];
    r4.large_communities = vec![(peer_as(n), 3, 4)];
    r4.med = Some(n * 10);
    let r6 = UnicastRoute::new(
        &format!("2001:db8:{n}00::/48"),
        format!("2001:db8::{n}").parse().unwrap(),
    );
    vec![r4, r6]
}

/// What an iBGP peer originates (LOCAL_PREF travels on iBGP only).
pub fn ibgp_routes(next_hop: &str) -> Vec<UnicastRoute> {
    let mut r = UnicastRoute::new("198.51.100.128/25", next_hop.parse().unwrap());
    r.local_pref = Some(300);
    r.communities = vec![(65001, 7)];
    vec![r]
}

/// Our ListReceivedRoutes shows the iBGP peer's [`ibgp_routes`] route with its LOCAL_PREF
/// (`from` names the peer in the failure message); returns it for peer-specific checks.
pub async fn assert_received_from_ibgp(speaker: &Speaker, peer: IpAddr, from: &str) -> Route {
    let r = speaker
        .wait_received(peer, "ipv4_unicast", |r| !r.is_empty())
        .await;
    assert_eq!(r[0].prefix, "198.51.100.128/25");
    assert_eq!(r[0].local_pref, Some(300), "iBGP LOCAL_PREF from {from}");
    assert_eq!(r[0].communities, vec!["65001:7"]);
    r[0].clone()
}

/// Our ListReceivedRoutes / ListBestRoutes show what the eBGP peer number `n` announced.
pub async fn assert_received_from_ebgp(speaker: &Speaker, peer: IpAddr, n: u32) {
    let v4 = speaker
        .wait_received(peer, "ipv4_unicast", |r| {
            r.iter().any(|x| x.prefix == "203.0.113.0/24")
        })
        .await;
    let r = v4.iter().find(|x| x.prefix == "203.0.113.0/24").unwrap();
    assert_eq!(r.next_hop, format!("192.0.2.{n}"));
    assert_eq!(r.communities, vec![format!("{}:1", peer_as(n))]);
    assert_eq!(r.large_communities, vec![format!("{}:3:4", peer_as(n))]);
    assert_eq!(r.med, Some(n * 10));
    assert_eq!(r.as_path[0].asns, vec![peer_as(n)]);
    assert!(!r.filtered);
    let p6 = format!("2001:db8:{n}00::/48");
    let v6 = speaker
        .wait_received(peer, "ipv6_unicast", |r| r.iter().any(|x| x.prefix == p6))
        .await;
    assert_eq!(v6[0].next_hop, format!("2001:db8::{n}"));
    let best = speaker.best("ipv4_unicast").await;
    let b = best.iter().find(|x| x.prefix == "203.0.113.0/24").unwrap();
    assert!(b.best);
    assert_eq!(b.source, peer.to_string());
    let best6 = speaker.best("ipv6_unicast").await;
    assert!(
        best6
            .iter()
            .any(|x| x.prefix == p6 && x.source == peer.to_string())
    );
}

/// FlowSpec the eBGP peer announces to us: `FLOW_OK_DST` lies inside the peer's own
/// 203.0.113.0/24 (feasible per RFC 8955 §6), `FLOW_ORPHAN_DST` has no unicast route at all
/// (not feasible: kept in the Adj-RIB-In as filtered, never best).
pub const FLOW_OK_DST: &str = "203.0.113.0/25";
pub const FLOW_ORPHAN_DST: &str = "192.0.2.128/25";

/// Our ListReceivedRoutes/ListBestRoutes show the peer's two IPv4 FlowSpec rules, the
/// feasible one (UDP port 53, rate 9600) accepted and best, the orphan one filtered.
pub async fn assert_received_flowspec(speaker: &Speaker, peer: IpAddr) {
    let dst = |r: &bgpd_api::v1::Route| {
        r.flowspec_rule
            .as_ref()
            .map(|f| f.destination_prefix.clone())
            .unwrap_or_default()
    };
    let got = speaker
        .wait_received(peer, "ipv4_flowspec", |r| {
            r.len() == 2
                && r.iter()
                    .any(|x| dst(x) == FLOW_OK_DST && !x.filtered && x.best)
        })
        .await;
    let ok = got.iter().find(|x| dst(x) == FLOW_OK_DST).unwrap();
    let rule = ok.flowspec_rule.as_ref().unwrap();
    assert_eq!(rule.protocols, vec![17], "{ok:?}");
    assert_eq!(rule.destination_ports, vec![53], "{ok:?}");
    let acts = ok.flowspec_actions.as_ref().unwrap();
    assert_eq!(acts.traffic_rate_bytes, Some(9600.0), "{ok:?}");
    let orphan = got.iter().find(|x| dst(x) == FLOW_ORPHAN_DST).unwrap();
    assert!(
        orphan.filtered,
        "RFC 8955 §6: no unicast route -> {orphan:?}"
    );
    assert!(!orphan.best);
    let best = speaker.best("ipv4_flowspec").await;
    let best: Vec<String> = best.iter().map(dst).collect();
    assert_eq!(best, vec![FLOW_OK_DST.to_string()]);
}
