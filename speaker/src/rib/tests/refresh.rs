//! Route refresh: a family's Adj-RIB-Out sent again, unchanged counters, BoRR/EoRR around
//! it when Enhanced Route Refresh was negotiated.

use super::*;

const A: &str = "192.0.2.1";

fn rib_and_info(enhanced: bool) -> (TRib, PeerInfo) {
    let mut i = info(65001, "192.0.2.254", ALL);
    i.negotiated.enhanced_route_refresh = enhanced;
    let mut rib = rib_with(&[(A, i.clone())]);
    let a = attrs(|a| a.med = Some(5));
    let b = attrs(|a| a.med = Some(6));
    rib.inject_path("p1", inj("203.0.113.0/25", &a)).unwrap();
    rib.inject_path("p2", inj("203.0.113.128/25", &b)).unwrap();
    rib.inject_path("p3", inj("2001:db8:9::/48", &a)).unwrap();
    let rule = InjectedFlowSpec {
        family: AfiSafi::IPV4_FLOWSPEC,
        rule: TestRule::to("203.0.113.10/32", 17),
        next_hop: None,
        attrs: attrs(|_| {}),
        neighbors: Vec::new(),
    };
    rib.inject_flowspec("f1", rule).unwrap();
    (rib, i)
}

fn advertised(rib: &TRib, family: AfiSafi) -> u64 {
    rib.counters(ip(A))
        .unwrap_or_default()
        .into_iter()
        .find(|(f, _)| *f == family)
        .map_or(0, |(_, c)| c.advertised)
}

#[test]
fn refresh_resends_exactly_the_family_and_keeps_counters() {
    let (rib, i) = rib_and_info(false);
    let before = advertised(&rib, AfiSafi::IPV4_UNICAST);
    let out = rib.resend(ip(A), AfiSafi::IPV4_UNICAST);
    let mut view = View::default();
    apply(&mut view, &out, A, &i);
    assert_eq!(view.prefixes(), vec!["203.0.113.0/25", "203.0.113.128/25"]);
    assert_eq!(view.get("203.0.113.0/25").0.med, Some(5));
    assert_eq!(view.get("203.0.113.128/25").0.med, Some(6));
    assert!(view.eor.is_empty(), "no End-of-RIB on a refresh");
    assert_eq!(advertised(&rib, AfiSafi::IPV4_UNICAST), before);
    assert_eq!(before, 2);

    let v6 = rib.resend(ip(A), AfiSafi::IPV6_UNICAST);
    let mut view = View::default();
    apply(&mut view, &v6, A, &i);
    assert_eq!(view.prefixes(), vec!["2001:db8:9::/48"]);

    let flow = decode(
        &msgs(&rib.resend(ip(A), AfiSafi::IPV4_FLOWSPEC), A),
        &ctx_of(&i),
    );
    assert_eq!(flow.len(), 1);
    assert!(flow[0].mp_reach.is_some());
}

#[test]
fn enhanced_refresh_wraps_the_routes_in_borr_and_eorr() {
    let (rib, i) = rib_and_info(true);
    let m = msgs(&rib.resend(ip(A), AfiSafi::IPV4_UNICAST), A);
    let kinds: Vec<String> = m
        .iter()
        .map(|b| match Message::decode(b, &ctx_of(&i)).unwrap() {
            Message::RouteRefresh(r) => {
                assert_eq!(r.family, AfiSafi::IPV4_UNICAST);
                format!("{:?}", r.subtype)
            }
            Message::Update(u) => format!("update {}", u.nlri.len()),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    // Two attribute sets (MED 5 and 6): two UPDATEs between the markers.
    assert_eq!(kinds, vec!["Begin", "update 1", "update 1", "End"]);
}

#[test]
fn refresh_of_an_unnegotiated_family_or_unknown_peer_sends_nothing() {
    let (rib, _) = rib_and_info(true);
    assert!(
        rib.resend(ip(A), AfiSafi::IPV6_FLOWSPEC)
            .messages
            .is_empty()
    );
    assert!(!rib.peer_has_family(ip(A), AfiSafi::IPV6_FLOWSPEC));
    assert!(rib.peer_has_family(ip(A), AfiSafi::IPV4_UNICAST));
    let other = rib.resend(ip("198.51.100.9"), AfiSafi::IPV4_UNICAST);
    assert!(other.messages.is_empty());
}

#[test]
fn a_refresh_after_a_withdrawal_no_longer_carries_the_route() {
    let (mut rib, i) = rib_and_info(false);
    rib.remove_path("p1").unwrap();
    let mut view = View::default();
    apply(&mut view, &rib.resend(ip(A), AfiSafi::IPV4_UNICAST), A, &i);
    assert_eq!(view.prefixes(), vec!["203.0.113.128/25"]);
}

/// Two IPv4 routes received from A (eBGP 65001).
fn rib_with_received() -> TRib {
    let mut rib = rib_with(&[(A, info(65001, "192.0.2.254", ALL))]);
    for p in ["203.0.113.0/25", "203.0.113.128/25"] {
        rib.update_received(ip(A), &from_a(p)).unwrap();
    }
    rib
}

fn from_a(prefix: &str) -> Update {
    let a = attrs(|a| a.as_path = Some(AsPath::from_sequence(vec![65001])));
    super::export::announce(prefix, "192.0.2.1", a)
}

fn received(rib: &TRib) -> Vec<String> {
    let mut v: Vec<String> = rib
        .received_routes(ip(A))
        .unwrap()
        .iter()
        .map(|r| r.key.prefix.to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn the_peers_enhanced_refresh_removes_only_what_it_did_not_send_again() {
    let mut rib = rib_with_received();
    rib.begin_refresh_from(ip(A), AfiSafi::IPV4_UNICAST);
    rib.update_received(ip(A), &from_a("203.0.113.0/25"))
        .unwrap();
    let out = rib.end_refresh_from(ip(A), AfiSafi::IPV4_UNICAST);
    assert_eq!(received(&rib), vec!["203.0.113.0/25"]);
    let gone: Vec<_> = out
        .events
        .iter()
        .filter(|e| e.kind == ChangeKind::Withdrawn)
        .map(|e| e.nlri.clone())
        .collect();
    assert_eq!(gone, vec![Nlri::Unicast(net("203.0.113.128/25"))]);
    // Nothing stays marked: a later EoRR removes nothing.
    let again = rib.end_refresh_from(ip(A), AfiSafi::IPV4_UNICAST);
    assert!(again.events.is_empty());
    assert_eq!(received(&rib), vec!["203.0.113.0/25"]);
}

#[test]
fn a_refresh_of_another_family_leaves_this_one_alone() {
    let mut rib = rib_with_received();
    rib.begin_refresh_from(ip(A), AfiSafi::IPV6_UNICAST);
    let out = rib.end_refresh_from(ip(A), AfiSafi::IPV6_UNICAST);
    assert!(out.events.is_empty());
    assert_eq!(received(&rib), vec!["203.0.113.0/25", "203.0.113.128/25"]);
}

#[test]
fn a_withdrawal_during_the_refresh_is_final_and_nothing_is_removed_twice() {
    let mut rib = rib_with_received();
    rib.begin_refresh_from(ip(A), AfiSafi::IPV4_UNICAST);
    let w = Update {
        withdrawn: vec![PathPrefix::new(net("203.0.113.0/25"))],
        ..Update::default()
    };
    rib.update_received(ip(A), &w).unwrap();
    rib.update_received(ip(A), &from_a("203.0.113.128/25"))
        .unwrap();
    let out = rib.end_refresh_from(ip(A), AfiSafi::IPV4_UNICAST);
    assert!(out.events.is_empty(), "{:?}", out.events);
    assert_eq!(received(&rib), vec!["203.0.113.128/25"]);
}
