//! Injected paths: upsert / replace / remove produce exactly the expected deltas; scoping;
//! initial sync with End-of-RIB; Add-Path ids.

use super::*;

const A: &str = "192.0.2.1";
const B: &str = "198.51.100.1";

fn two() -> (TRib, PeerInfo, PeerInfo) {
    let ia = info(65001, "192.0.2.254", ALL);
    let ib = info(65002, "198.51.100.254", V4);
    (rib_with(&[(A, ia.clone()), (B, ib.clone())]), ia, ib)
}

fn ups<R>(out: &Output<R>, peer: &str, i: &PeerInfo) -> Vec<Update> {
    decode(&msgs(out, peer), &ctx_of(i))
}

fn announced(u: &[Update]) -> Vec<String> {
    u.iter()
        .flat_map(|u| u.announced_unicast().map(|(_, p)| p.prefix.to_string()))
        .collect()
}

fn withdrawn(u: &[Update]) -> Vec<String> {
    u.iter()
        .flat_map(|u| u.withdrawn_unicast().map(|(_, p)| p.prefix.to_string()))
        .collect()
}

#[test]
fn upsert_replace_remove_deltas() {
    let (mut rib, ia, _) = two();
    let a1 = attrs(|a| a.communities = vec!["65535:666".parse().unwrap()]);
    let out = rib.inject_path("x", inj("203.0.113.10/32", &a1)).unwrap();
    let u = ups(&out, A, &ia);
    assert_eq!(
        (announced(&u), withdrawn(&u).len()),
        (vec!["203.0.113.10/32".into()], 0)
    );
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].kind, ChangeKind::Added);

    // The same object again: nothing at all.
    let out = rib.inject_path("x", inj("203.0.113.10/32", &a1)).unwrap();
    assert!(out.messages.is_empty() && out.events.is_empty());

    // New attributes, same prefix: one re-announcement, no withdrawal.
    let a2 = attrs(|a| a.communities = vec!["65000:1".parse().unwrap()]);
    let out = rib.inject_path("x", inj("203.0.113.10/32", &a2)).unwrap();
    let u = ups(&out, A, &ia);
    assert_eq!(
        (announced(&u), withdrawn(&u).len()),
        (vec!["203.0.113.10/32".into()], 0)
    );
    assert_eq!(u[0].attributes.communities, a2.communities);
    assert_eq!(out.events[0].kind, ChangeKind::Updated);

    // Same id, new prefix: the old one is withdrawn, the new one announced.
    let out = rib.inject_path("x", inj("203.0.113.11/32", &a2)).unwrap();
    let u = ups(&out, A, &ia);
    assert_eq!(withdrawn(&u), vec!["203.0.113.10/32"]);
    assert_eq!(announced(&u), vec!["203.0.113.11/32"]);

    let out = rib.remove_path("x").unwrap();
    let u = ups(&out, A, &ia);
    assert_eq!(
        (announced(&u).len(), withdrawn(&u)),
        (0, vec!["203.0.113.11/32".into()])
    );
    assert_eq!(out.events[0].kind, ChangeKind::Withdrawn);
    assert!(rib.remove_path("x").is_none());
    assert!(rib.advertised_routes(ip(A)).unwrap().is_empty());
}

#[test]
fn neighbor_scope() {
    let (mut rib, ia, ib) = two();
    let mut p = inj("203.0.113.0/24", &attrs(|_| {}));
    p.neighbors = vec![ip(B)];
    let out = rib.inject_path("only-b", p.clone()).unwrap();
    assert!(msgs(&out, A).is_empty());
    assert_eq!(announced(&ups(&out, B, &ib)), vec!["203.0.113.0/24"]);

    // Widening the scope announces to A only; B has it unchanged already.
    p.neighbors = vec![ip(A), ip(B)];
    let out = rib.inject_path("only-b", p.clone()).unwrap();
    assert_eq!(announced(&ups(&out, A, &ia)), vec!["203.0.113.0/24"]);
    assert!(msgs(&out, B).is_empty());
}

#[test]
fn conflicting_ids_are_refused() {
    let (mut rib, _, _) = two();
    let p = inj("203.0.113.0/24", &attrs(|_| {}));
    rib.inject_path("one", p.clone()).unwrap();
    let err = rib.inject_path("two", p.clone()).unwrap_err();
    assert!(matches!(err, RibError::Conflict { ref other, .. } if other == "one"));
    // Disjoint scopes may share a key.
    let mut q = p.clone();
    q.neighbors = vec![ip(A)];
    let mut rib2 = two().0;
    let mut r = p;
    r.neighbors = vec![ip(B)];
    rib2.inject_path("one", q).unwrap();
    rib2.inject_path("two", r).unwrap();
}

#[test]
fn initial_sync_then_end_of_rib_per_family() {
    let mut rib = TRib::new();
    let a = attrs(|_| {});
    rib.inject_path("v4", inj("203.0.113.0/24", &a)).unwrap();
    rib.inject_path("v6", inj("2001:db8::/32", &a)).unwrap();
    let ia = info(65001, "192.0.2.254", ALL);
    let out = rib.peer_up(ip(A), ia.clone()).unwrap();
    let mut v = View::default();
    apply(&mut v, &out, A, &ia);
    assert_eq!(v.prefixes(), vec!["203.0.113.0/24", "2001:db8::/32"]);
    assert_eq!(
        v.eor,
        ALL.to_vec(),
        "End-of-RIB last, one per negotiated family"
    );
    let last = decode(&msgs(&out, A), &ctx_of(&ia));
    let n = last.len();
    assert!(
        last[n - 3..]
            .iter()
            .all(|u| u.end_of_rib_family().is_some())
    );
    let c = rib.counters(ip(A)).unwrap();
    assert_eq!(c[&AfiSafi::IPV4_UNICAST].advertised, 1);
}

#[test]
fn peer_down_flushes_and_withdraws() {
    let (mut rib, _, ib) = two();
    let u = super::export::announce(
        "100.64.0.0/16",
        A,
        attrs(|a| a.as_path = Some(AsPath::from_sequence(vec![65001]))),
    );
    rib.update_received(ip(A), &u).unwrap();
    assert_eq!(rib.best_routes(AfiSafi::IPV4_UNICAST, None).len(), 1);
    let out = rib.peer_down(ip(A)).unwrap();
    assert_eq!(withdrawn(&ups(&out, B, &ib)), vec!["100.64.0.0/16"]);
    assert_eq!(out.events[0].kind, ChangeKind::Withdrawn);
    assert!(rib.best_routes(AfiSafi::IPV4_UNICAST, None).is_empty());
    assert!(rib.advertised_routes(ip(B)).unwrap().is_empty());
    assert!(matches!(
        rib.peer_down(ip(A)),
        Err(RibError::UnknownPeer(_))
    ));
}

#[test]
fn add_path_peer_gets_every_injected_path_id() {
    let mut ia = info(65001, "192.0.2.254", V4);
    ia.negotiated.add_path_tx = vec![AfiSafi::IPV4_UNICAST];
    let ib = info(65002, "198.51.100.254", V4);
    let mut rib = rib_with(&[(A, ia.clone()), (B, ib.clone())]);
    let a = attrs(|_| {});
    let mut p1 = inj("203.0.113.0/24", &a);
    p1.path_id = Some(1);
    p1.next_hop = Some(ip("192.0.2.10"));
    let mut p2 = p1.clone();
    p2.path_id = Some(2);
    p2.next_hop = Some(ip("192.0.2.11"));
    let out = rib
        .inject_paths(vec![("p1".into(), p1), ("p2".into(), p2)])
        .unwrap();
    let mut v = View::default();
    apply(&mut v, &out, A, &ia);
    let ids: Vec<_> = v.routes.keys().map(|(_, p)| p.path_id).collect();
    assert_eq!(ids, vec![Some(1), Some(2)]);
    let mut w = View::default();
    apply(&mut w, &out, B, &ib);
    assert_eq!(w.routes.len(), 1, "a classic peer gets the best one");
    assert_eq!(
        w.get("203.0.113.0/24").1,
        MpNextHop::Ipv4("192.0.2.10".parse().unwrap())
    );

    let out = rib.remove_path("p1").unwrap();
    let u = ups(&out, A, &ia);
    let gone: Vec<_> = u
        .iter()
        .flat_map(|u| u.withdrawn_unicast().map(|(_, p)| p.path_id))
        .collect();
    assert_eq!(gone, vec![Some(1)]);
    let mut w2 = w.clone();
    apply(&mut w2, &out, B, &ib);
    assert_eq!(
        w2.get("203.0.113.0/24").1,
        MpNextHop::Ipv4("192.0.2.11".parse().unwrap())
    );
}

#[test]
fn list_paths_returns_ids_and_content() {
    let (mut rib, _, _) = two();
    let a = attrs(|_| {});
    rib.inject_paths(vec![
        ("b".into(), inj("203.0.113.2/32", &a)),
        ("a".into(), inj("203.0.113.1/32", &a)),
    ])
    .unwrap();
    let l = rib.list_paths();
    assert_eq!(
        l.iter().map(|(i, _)| i.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(l[0].1, inj("203.0.113.1/32", &a));
    let (n, _) = rib.remove_paths(&["a", "b", "c"]);
    assert_eq!(n, 2);
    assert!(rib.list_paths().is_empty());
}
