//! Received UPDATEs: Adj-RIB-In, treat-as-withdraw, loops, max-prefix, counters.

use bgp_wire::ErrorKind;

use super::export::announce;
use super::*;
use crate::fsm::StopReason;

const A: &str = "192.0.2.1";
const B: &str = "198.51.100.1";

fn from_a() -> Arc<PathAttributes> {
    attrs(|a| a.as_path = Some(AsPath::from_sequence(vec![65001])))
}

fn setup() -> (TRib, PeerInfo) {
    let ib = info(65002, "198.51.100.254", V4);
    (
        rib_with(&[(A, info(65001, "192.0.2.254", V4)), (B, ib.clone())]),
        ib,
    )
}

#[test]
fn treat_as_withdraw_removes_the_prefixes() {
    let (mut rib, ib) = setup();
    rib.update_received(ip(A), &announce("100.64.0.0/16", A, from_a()))
        .unwrap();
    let mut bad = announce("100.64.0.0/16", A, from_a());
    bad.errors = vec![ErrorKind::MissingWellKnown { type_code: 1 }.treat_as_withdraw()];
    assert!(bad.treat_as_withdraw());
    let out = rib.update_received(ip(A), &bad).unwrap();
    let u = decode(&msgs(&out, B), &ctx_of(&ib));
    let gone: Vec<_> = u.iter().flat_map(|u| u.withdrawn_unicast()).collect();
    assert_eq!(gone.len(), 1);
    assert!(rib.received_routes(ip(A)).unwrap().is_empty());
    assert!(rib.best_routes(AfiSafi::IPV4_UNICAST, None).is_empty());
}

#[test]
fn withdrawal_of_a_received_route() {
    let (mut rib, ib) = setup();
    rib.update_received(ip(A), &announce("100.64.0.0/16", A, from_a()))
        .unwrap();
    let w = Update {
        withdrawn: vec![PathPrefix::new(net("100.64.0.0/16"))],
        ..Update::default()
    };
    let out = rib.update_received(ip(A), &w).unwrap();
    let mut v = View::default();
    v.apply(&decode(&msgs(&out, B), &ctx_of(&ib)));
    assert!(v.routes.is_empty());
    let c = rib.counters(ip(A)).unwrap()[&AfiSafi::IPV4_UNICAST];
    assert_eq!((c.received, c.accepted), (0, 0));
}

#[test]
fn own_as_in_path_is_received_not_accepted() {
    let (mut rib, _) = setup();
    let looped = attrs(|a| a.as_path = Some(AsPath::from_sequence(vec![65001, LOCAL_ASN])));
    let out = rib
        .update_received(ip(A), &announce("100.64.0.0/16", A, looped))
        .unwrap();
    assert!(out.messages.is_empty() && out.events.is_empty());
    let c = rib.counters(ip(A)).unwrap()[&AfiSafi::IPV4_UNICAST];
    assert_eq!((c.received, c.accepted), (1, 0));
    assert!(!rib.received_routes(ip(A)).unwrap()[0].accepted);
}

#[test]
fn max_prefixes_asks_to_stop_the_session() {
    let mut ia = info(65001, "192.0.2.254", V4);
    ia.max_prefixes = Some(2);
    let mut rib = rib_with(&[(A, ia)]);
    let mut u = announce("100.64.0.0/24", A, from_a());
    u.nlri.push(PathPrefix::new(net("100.64.1.0/24")));
    let out = rib.update_received(ip(A), &u).unwrap();
    assert!(out.stop.is_empty(), "at the limit is fine");
    let out = rib
        .update_received(ip(A), &announce("100.64.2.0/24", A, from_a()))
        .unwrap();
    let want = StopReason::MaxPrefixes {
        family: AfiSafi::IPV4_UNICAST,
        limit: 2,
    };
    assert_eq!(out.stop, vec![(ip(A), want)]);
}

#[test]
fn unknown_peer_is_an_error() {
    let (mut rib, _) = setup();
    let r = rib.update_received(ip("203.0.113.1"), &Update::default());
    assert!(matches!(r, Err(RibError::UnknownPeer(_))));
}

#[test]
fn better_path_replaces_and_worse_path_does_not_reannounce() {
    let (mut rib, ib) = setup();
    let ic = info(65003, "203.0.113.254", V4);
    rib.peer_up(ip("203.0.113.1"), ic).unwrap();
    rib.update_received(ip(A), &announce("100.64.0.0/16", A, from_a()))
        .unwrap();
    // Longer AS path from C: not better, B hears nothing new.
    let longer = attrs(|a| a.as_path = Some(AsPath::from_sequence(vec![65003, 1, 2])));
    let out = rib
        .update_received(
            ip("203.0.113.1"),
            &announce("100.64.0.0/16", "203.0.113.1", longer),
        )
        .unwrap();
    assert!(msgs(&out, B).is_empty());
    assert!(out.events.is_empty());
    // A withdraws: C's path becomes best and B gets it (an update, no withdrawal).
    let w = Update {
        withdrawn: vec![PathPrefix::new(net("100.64.0.0/16"))],
        ..Update::default()
    };
    let out = rib.update_received(ip(A), &w).unwrap();
    let u = decode(&msgs(&out, B), &ctx_of(&ib));
    assert_eq!(u.len(), 1);
    assert_eq!(
        u[0].attributes.as_path,
        Some(AsPath::from_sequence(vec![LOCAL_ASN, 65003, 1, 2]))
    );
    assert_eq!(out.events[0].kind, ChangeKind::Updated);
}
