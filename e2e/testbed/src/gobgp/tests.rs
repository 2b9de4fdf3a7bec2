//! Parser tests on JSON captured from gobgp 3.10 (see testdata/).

use super::*;
use crate::attrs::{FlowAction, Origin};

fn load(name: &str) -> Value {
    let text = match name {
        "rib4" => include_str!("../../testdata/gobgp-rib-ipv4.json"),
        "flow4" => include_str!("../../testdata/gobgp-rib-ipv4-flowspec.json"),
        _ => include_str!("../../testdata/gobgp-neighbor.json"),
    };
    parse_json(name, text).unwrap()
}

#[test]
fn unicast_attributes() {
    let rib = parse_rib(&load("rib4")).unwrap();
    let r = rib.iter().find(|r| r.prefix == "203.0.113.0/24").unwrap();
    assert!(r.best);
    assert_eq!(r.neighbor, None);
    assert_eq!(r.next_hop, Some("192.0.2.2".parse().unwrap()));
    assert_eq!(r.as_path, vec![65010, 65011]);
    assert_eq!(r.origin, Some(Origin::Egp));
    assert_eq!(r.med, Some(30));
    assert_eq!(r.local_pref, Some(200));
    assert_eq!(r.communities, vec![(65002, 10)]);
    assert_eq!(r.large_communities, vec![(65002, 1, 2)]);
    let learnt = rib
        .iter()
        .find(|r| r.prefix == "198.51.100.192/26")
        .unwrap();
    assert_eq!(learnt.neighbor, Some("127.201.0.5".parse().unwrap()));
    assert_eq!(learnt.communities, vec![(65005, 1)]);
}

#[test]
fn flowspec_components_and_actions() {
    let rib = parse_rib(&load("flow4")).unwrap();
    let r = rib
        .iter()
        .find(|r| r.prefix.contains("192.0.2.0/24"))
        .unwrap();
    assert_eq!(
        r.component(1).unwrap().prefix.as_deref(),
        Some("192.0.2.0/24")
    );
    assert_eq!(r.component(3).unwrap().ops, vec![(129, 6)]);
    assert_eq!(r.component(10).unwrap().ops, vec![(3, 100), (213, 1500)]);
    assert_eq!(
        r.flow_actions(),
        vec![
            FlowAction::TrafficRate {
                asn: 0,
                rate: 1000.0
            },
            FlowAction::RedirectAs2 {
                asn: 65000,
                value: 100
            }
        ]
    );
    let icmp = rib.iter().find(|r| r.prefix.contains("icmp")).unwrap();
    assert_eq!(
        icmp.flow_actions(),
        vec![
            FlowAction::TrafficAction {
                sample: true,
                terminal: true
            },
            FlowAction::RedirectIpv4 {
                addr: "192.0.2.9".parse().unwrap(),
                value: 100
            },
            FlowAction::TrafficMarking { dscp: 46 }
        ]
    );
}

#[test]
fn neighbor_states() {
    let v = load("neighbors");
    let st = |a: &str| neighbor_state_in(&v, a.parse().unwrap()).unwrap();
    assert_eq!(st("127.201.0.5"), SessionState::Established);
    assert_eq!(
        st("127.201.0.3"),
        SessionState::Other("gobgp state 0".into())
    );
    assert!(neighbor_state_in(&v, "127.9.9.9".parse().unwrap()).is_err());
}

#[test]
fn empty_rib_and_garbage() {
    assert!(parse_rib(&Value::Null).unwrap().is_empty());
    assert!(parse_rib(&serde_json::json!({"x": 1})).is_err());
    assert!(parse_json("x", "not json").is_err());
}

#[test]
fn config_has_passive_md5_and_families() {
    let spec = PeerSpec {
        local_addr: "127.9.0.1".parse().unwrap(),
        local_as: 65002,
        router_id: "127.9.0.1".parse().unwrap(),
        port: 1790,
    };
    let n = NeighborSpec {
        addr: "127.9.0.2".parse().unwrap(),
        remote_as: 65003,
        port: 1791,
        passive: true,
        md5: Some("pw".into()),
        families: vec![Family::Ipv4Unicast, Family::Ipv6FlowSpec],
    };
    let c = config(&spec, &[n]);
    for want in [
        "passive-mode = true",
        "auth-password = \"pw\"",
        "afi-safi-name = \"ipv6-flowspec\"",
        "remote-port = 1791",
        "local-address-list = [\"127.9.0.1\"]",
    ] {
        assert!(c.contains(want), "missing {want} in\n{c}");
    }
}
