//! Layer: real peers over loopback. Proves the harness: GoBGP <-> BIRD session, a unicast route and
//! a FlowSpec rule injected with the gobgp CLI as BIRD shows them, and a BIRD-originated route as
//! GoBGP shows it.

mod common;

use common::{ROUTE, SESSION, assert_all_gone, have};
use testbed::bird::{Bird, BirdFlow};
use testbed::gobgp::GoBgp;
use testbed::{Family, FlowAction, Origin, PeerSpec, UnicastRoute};

#[test]
fn gobgp_and_bird_exchange_unicast_and_flowspec() {
    if !have(&["gobgpd", "gobgp", "bird", "birdc"]) {
        return;
    }
    let go = PeerSpec::loopback_v4(65002).unwrap();
    let bi = PeerSpec::loopback_v4(65003).unwrap();
    // GoBGP waits; BIRD dials it (GoBGP 3.10 dials only after ~5 s).
    let mut gobgp = GoBgp::start(go.clone(), &[bi.as_neighbor().passive()]).unwrap();
    let mut bird = Bird::start(bi.clone(), &[go.as_neighbor()], &[]).unwrap();
    gobgp.wait_established(bi.local_addr, SESSION).unwrap();
    bird.wait_established(go.local_addr, SESSION).unwrap();

    let mut route = UnicastRoute::new("203.0.113.0/24", "192.0.2.2".parse().unwrap());
    route.as_path = vec![65010, 65011];
    route.origin = Some(Origin::Egp);
    route.med = Some(30);
    route.communities = vec![(65002, 10)];
    route.large_communities = vec![(65002, 1, 2)];
    gobgp.add_route(&route).unwrap();
    gobgp
        .add_flowspec(
            Family::Ipv4FlowSpec,
            "match destination 192.0.2.0/24 source 198.51.100.0/24 protocol tcp \
             destination-port ==80 then rate-limit 1000 redirect 65000:100",
        )
        .unwrap();

    let routes = bird
        .wait_routes("master4", ROUTE, |r| {
            r.iter().any(|r| r.net == route.prefix)
        })
        .unwrap();
    let r = routes.iter().find(|r| r.net == route.prefix).unwrap();
    assert_eq!(r.from, Some(go.local_addr));
    assert_eq!(r.next_hop, Some(route.next_hop));
    assert_eq!(r.as_path, vec![65002, 65010, 65011]);
    assert_eq!(r.origin, Some(Origin::Egp));
    assert_eq!(r.med, Some(30));
    assert_eq!(r.communities, vec![(65002, 10)]);
    assert_eq!(r.large_communities, vec![(65002, 1, 2)]);

    let flows = bird
        .wait_routes("flowtab4", ROUTE, |r| !r.is_empty())
        .unwrap();
    let f = &flows[0];
    assert_eq!(f.flow_component("dst"), Some("192.0.2.0/24"));
    assert_eq!(f.flow_component("src"), Some("198.51.100.0/24"));
    assert_eq!(f.flow_component("proto"), Some("6"));
    assert_eq!(f.flow_component("dport"), Some("80"));
    assert_eq!(
        f.flow_actions(),
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

    // The other direction: BIRD originates a route and a FlowSpec rule, GoBGP's RIB shows them.
    let mut mine = UnicastRoute::new("198.51.100.0/24", "192.0.2.3".parse().unwrap());
    mine.med = Some(50);
    mine.communities = vec![(65003, 7)];
    let flow = BirdFlow {
        rule: "dst 203.0.113.0/24; proto = 17; dport = 53;".into(),
        v6: false,
        actions: vec![FlowAction::TrafficRate { asn: 0, rate: 0.0 }],
    };
    bird.originate(&[mine.clone()], &[flow]).unwrap();
    let rib = gobgp
        .wait_rib(Family::Ipv4Unicast, ROUTE, |r| {
            r.iter().any(|r| r.prefix == mine.prefix)
        })
        .unwrap();
    let g = rib.iter().find(|r| r.prefix == mine.prefix).unwrap();
    assert_eq!(g.neighbor, Some(bi.local_addr));
    assert_eq!(g.next_hop, Some(mine.next_hop));
    assert_eq!(g.as_path, vec![65003]);
    assert_eq!(g.med, Some(50));
    assert_eq!(g.communities, vec![(65003, 7)]);
    let frib = gobgp
        .wait_rib(Family::Ipv4FlowSpec, ROUTE, |r| {
            r.iter().any(|r| r.neighbor.is_some())
        })
        .unwrap();
    let gf = frib.iter().find(|r| r.neighbor.is_some()).unwrap();
    assert_eq!(
        gf.component(1).unwrap().prefix.as_deref(),
        Some("203.0.113.0/24")
    );
    assert_eq!(
        gf.flow_actions(),
        vec![FlowAction::TrafficRate { asn: 0, rate: 0.0 }]
    );

    let pids = [gobgp.pids(), bird.pids()].concat();
    drop(bird);
    drop(gobgp);
    assert_all_gone(&pids);
}

#[test]
fn ibgp_over_ipv6_loopback() {
    if !have(&["gobgpd", "gobgp", "bird", "birdc"]) {
        return;
    }
    // Both on ::1: only the ports tell them apart.
    let go = PeerSpec::loopback_v6(65010).unwrap();
    let bi = PeerSpec::loopback_v6(65010).unwrap();
    assert_ne!(go.port, bi.port);
    let mut gobgp = GoBgp::start(go.clone(), &[bi.as_neighbor().passive()]).unwrap();
    let mut bird = Bird::start(bi.clone(), &[go.as_neighbor()], &[]).unwrap();
    gobgp.wait_established(bi.local_addr, SESSION).unwrap();
    gobgp
        .add_route(&UnicastRoute::new(
            "2001:db8:200::/48",
            "2001:db8::2".parse().unwrap(),
        ))
        .unwrap();
    let routes = bird
        .wait_routes("master6", ROUTE, |r| !r.is_empty())
        .unwrap();
    assert_eq!(routes[0].net, "2001:db8:200::/48");
    assert_eq!(routes[0].next_hop, Some("2001:db8::2".parse().unwrap()));
    assert_eq!(routes[0].local_pref, Some(100));
}

#[test]
fn timeout_error_reports_last_state() {
    if !have(&["gobgpd", "gobgp"]) {
        return;
    }
    let go = PeerSpec::loopback_v4(65002).unwrap();
    let nobody = PeerSpec::loopback_v4(65099).unwrap();
    let mut gobgp = GoBgp::start(go, &[nobody.as_neighbor().passive()]).unwrap();
    let err = gobgp
        .wait_established(nobody.local_addr, std::time::Duration::from_millis(300))
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, testbed::Error::Timeout(_)), "{text}");
    assert!(
        text.contains("Established") && text.contains("last observed"),
        "{text}"
    );
}
