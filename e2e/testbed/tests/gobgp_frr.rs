//! Layer: real peers over loopback. Proves the harness: GoBGP <-> FRR bgpd session, unicast both
//! ways (with communities) and FlowSpec from GoBGP as FRR shows them.

mod common;

use common::{ROUTE, SESSION, assert_all_gone, have};
use testbed::frr::{BGPD, Frr};
use testbed::gobgp::GoBgp;
use testbed::{Family, PeerSpec, UnicastRoute};

#[test]
fn gobgp_and_frr_exchange_unicast_and_flowspec() {
    if !have(&["gobgpd", "gobgp", BGPD, "vtysh"]) {
        return;
    }
    let go = PeerSpec::loopback_v4(65002).unwrap();
    let fr = PeerSpec::loopback_v4(65004).unwrap();
    let mut originated = UnicastRoute::new("198.51.100.0/25", "192.0.2.4".parse().unwrap());
    originated.communities = vec![(65004, 4)];
    originated.med = Some(40);
    let v6 = UnicastRoute::new("2001:db8:400::/48", "2001:db8::4".parse().unwrap());

    let mut gobgp = GoBgp::start(go.clone(), &[fr.as_neighbor().passive()]).unwrap();
    let mut frr = Frr::start(
        fr.clone(),
        &[go.as_neighbor()],
        &[originated.clone(), v6.clone()],
    )
    .unwrap();
    gobgp.wait_established(fr.local_addr, SESSION).unwrap();
    frr.wait_established(go.local_addr, SESSION).unwrap();

    // FRR -> GoBGP: the `network` routes with their route-map attributes.
    let rib = gobgp
        .wait_rib(Family::Ipv4Unicast, ROUTE, |r| {
            r.iter().any(|r| r.prefix == originated.prefix)
        })
        .unwrap();
    let g = rib.iter().find(|r| r.prefix == originated.prefix).unwrap();
    assert_eq!(g.next_hop, Some(originated.next_hop));
    assert_eq!(g.as_path, vec![65004]);
    assert_eq!(g.med, Some(40));
    assert_eq!(g.communities, vec![(65004, 4)]);
    let rib6 = gobgp
        .wait_rib(Family::Ipv6Unicast, ROUTE, |r| {
            r.iter().any(|r| r.prefix == v6.prefix)
        })
        .unwrap();
    assert_eq!(rib6[0].next_hop, Some(v6.next_hop));

    // GoBGP -> FRR: unicast with attributes, and FlowSpec.
    let mut route = UnicastRoute::new("203.0.113.0/24", "192.0.2.2".parse().unwrap());
    route.communities = vec![(65002, 10)];
    route.large_communities = vec![(65002, 1, 2)];
    route.med = Some(30);
    gobgp.add_route(&route).unwrap();
    gobgp
        .add_flowspec(
            Family::Ipv4FlowSpec,
            "match destination 192.0.2.0/24 protocol tcp destination-port ==80 then rate-limit 1000",
        )
        .unwrap();
    let got = frr
        .wait_for("FRR to have 203.0.113.0/24", ROUTE, |f| {
            Ok(f.routes(Family::Ipv4Unicast)?
                .into_iter()
                .find(|r| r.prefix == route.prefix))
        })
        .unwrap();
    assert_eq!(got.next_hops, vec![route.next_hop]);
    assert_eq!(got.as_path, vec![65002]);
    assert_eq!(got.med, Some(30));
    assert_eq!(got.peer, Some(go.local_addr));
    let detail = frr.route(&route.prefix).unwrap();
    assert_eq!(detail[0].communities, vec![(65002, 10)]);
    assert_eq!(detail[0].large_communities, vec![(65002, 1, 2)]);

    let flows = frr
        .wait_for("FRR to have the FlowSpec rule", ROUTE, |f| {
            let r = f.flowspec(Family::Ipv4FlowSpec)?;
            Ok((!r.is_empty()).then_some(r))
        })
        .unwrap();
    assert_eq!(
        flows[0].component("Destination Address"),
        Some("192.0.2.0/24")
    );
    assert_eq!(flows[0].component("IP Protocol"), Some("= 6"));
    assert_eq!(flows[0].component("Destination Port"), Some("= 80"));
    assert_eq!(flows[0].actions, vec!["rate 1000.000000"]);

    let pids = [gobgp.pids(), frr.pids()].concat();
    drop(frr);
    drop(gobgp);
    assert_all_gone(&pids);
}
