//! Layer: real peers over loopback. Proves the harness: ExaBGP dials GoBGP; a static route and a
//! FlowSpec rule from ExaBGP's config show in GoBGP's RIB, and a GoBGP-injected route shows in
//! what ExaBGP received.

mod common;

use common::{ROUTE, SESSION, assert_all_gone, have};
use testbed::exabgp::{ExaBgp, ExaEvent};
use testbed::gobgp::GoBgp;
use testbed::{Family, FlowAction, PeerSpec, UnicastRoute};

const ANNOUNCE: &str = "static {
    route 198.51.100.192/26 next-hop 192.0.2.5 community [65005:1] med 20;
    route 2001:db8:500::/48 next-hop 2001:db8::5;
}
flow {
    route mark {
        match { destination 192.0.2.200/32; protocol udp; destination-port =123; }
        then { rate-limit 9600; mark 46; }
    }
}";

#[test]
fn exabgp_and_gobgp_exchange_routes() {
    if !have(&["gobgpd", "gobgp", "exabgp"]) {
        return;
    }
    let go = PeerSpec::loopback_v4(65002).unwrap();
    let ex = PeerSpec::loopback_v4(65005).unwrap();
    // GoBGP first: ExaBGP's reconnect back-off grows after each refused connect.
    let mut gobgp = GoBgp::start(go.clone(), &[ex.as_neighbor().passive()]).unwrap();
    let mut exa = ExaBgp::start(ex.clone(), &[go.as_neighbor()], ANNOUNCE).unwrap();
    exa.wait_state_up(SESSION).unwrap();
    gobgp.wait_established(ex.local_addr, SESSION).unwrap();

    let rib = gobgp
        .wait_rib(Family::Ipv4Unicast, ROUTE, |r| {
            r.iter().any(|r| r.prefix == "198.51.100.192/26")
        })
        .unwrap();
    let g = rib
        .iter()
        .find(|r| r.prefix == "198.51.100.192/26")
        .unwrap();
    assert_eq!(g.neighbor, Some(ex.local_addr));
    assert_eq!(g.next_hop, Some("192.0.2.5".parse().unwrap()));
    assert_eq!(g.as_path, vec![65005]);
    assert_eq!(g.med, Some(20));
    assert_eq!(g.communities, vec![(65005, 1)]);
    let rib6 = gobgp
        .wait_rib(Family::Ipv6Unicast, ROUTE, |r| !r.is_empty())
        .unwrap();
    assert_eq!(rib6[0].prefix, "2001:db8:500::/48");
    let flows = gobgp
        .wait_rib(Family::Ipv4FlowSpec, ROUTE, |r| !r.is_empty())
        .unwrap();
    assert_eq!(
        flows[0].component(1).unwrap().prefix.as_deref(),
        Some("192.0.2.200/32")
    );
    assert_eq!(
        flows[0].flow_actions(),
        vec![
            FlowAction::TrafficRate {
                asn: 0,
                rate: 9600.0
            },
            FlowAction::TrafficMarking { dscp: 46 }
        ]
    );

    let mut route = UnicastRoute::new("203.0.113.0/24", "192.0.2.2".parse().unwrap());
    route.communities = vec![(65002, 10)];
    gobgp.add_route(&route).unwrap();
    gobgp
        .add_flowspec(
            Family::Ipv6FlowSpec,
            "match destination 2001:db8:1::/64 protocol 58 then discard",
        )
        .unwrap();
    let has = |ev: &[ExaEvent], p: &str| {
        testbed::exabgp::rib_of(ev)
            .iter()
            .any(|r| r.nlri.prefix.contains(p))
    };
    exa.wait_received("ExaBGP to receive both", ROUTE, |ev| {
        has(ev, "203.0.113.0/24") && has(ev, "2001:db8:1::/64")
    })
    .unwrap();
    let rib = exa.rib().unwrap();
    let r = rib.iter().find(|r| r.nlri.prefix == route.prefix).unwrap();
    assert_eq!(r.peer, go.local_addr);
    assert_eq!(r.nlri.family, "ipv4 unicast");
    assert_eq!(r.nlri.next_hop, Some(route.next_hop));
    assert_eq!(r.attributes.as_path, vec![65002]);
    assert_eq!(r.attributes.communities, vec![(65002, 10)]);
    let f = rib.iter().find(|r| r.nlri.family == "ipv6 flow").unwrap();
    assert_eq!(
        f.nlri.flow_component("destination-ipv6").unwrap(),
        ["2001:db8:1::/64/0"]
    );
    assert_eq!(
        f.attributes.flow_actions(),
        vec![FlowAction::TrafficRate { asn: 0, rate: 0.0 }]
    );

    // Withdraw shows up as well.
    gobgp.del_route(&route).unwrap();
    exa.wait_received("ExaBGP to see the withdraw", ROUTE, |ev| {
        !has(ev, "203.0.113.0/24")
    })
    .unwrap();

    let pids = [gobgp.pids(), exa.pids()].concat();
    assert!(
        pids.len() >= 3,
        "exabgp's receiver child should be tracked: {pids:?}"
    );
    drop(exa);
    drop(gobgp);
    assert_all_gone(&pids);
}
