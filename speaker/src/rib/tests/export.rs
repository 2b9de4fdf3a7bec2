//! Export rules, checked on the decoded bytes each peer receives.

use std::net::Ipv4Addr;

use bgp_wire::attribute::{RawAttribute, flags};

use super::*;

const A: &str = "192.0.2.1"; // eBGP 65001
const B: &str = "198.51.100.1"; // eBGP 65002
const C: &str = "10.0.0.2"; // iBGP
const D: &str = "10.0.0.3"; // iBGP

fn peers() -> Vec<(&'static str, PeerInfo)> {
    vec![
        (A, info(65001, "192.0.2.254", V4)),
        (B, info(65002, "198.51.100.254", V4)),
        (C, info(LOCAL_ASN, "10.0.0.254", V4)),
        (D, info(LOCAL_ASN, "10.0.0.254", V4)),
    ]
}

fn info_of(addr: &str) -> PeerInfo {
    peers().into_iter().find(|(a, _)| *a == addr).unwrap().1
}

/// The single route `out` sent to `peer`.
fn sent_to<R>(out: &Output<R>, peer: &str) -> View {
    let mut v = View::default();
    apply(&mut v, out, peer, &info_of(peer));
    v
}

fn v4(s: &str) -> MpNextHop {
    MpNextHop::Ipv4(s.parse().unwrap())
}

/// An UPDATE from a peer announcing `prefix` with `a` and classic next hop `nh`.
pub fn announce(prefix: &str, nh: &str, a: Arc<PathAttributes>) -> Update {
    let mut a = (*a).clone();
    a.next_hop = Some(nh.parse().unwrap());
    Update {
        attributes: Arc::new(a),
        nlri: vec![PathPrefix::new(net(prefix))],
        ..Update::default()
    }
}

#[test]
fn injected_path_to_ebgp_and_ibgp() {
    let mut rib = rib_with(&peers());
    let a = attrs(|a| {
        a.med = Some(7);
        a.communities = vec!["65535:666".parse().unwrap()];
    });
    let out = rib.inject_path("rtbh", inj("203.0.113.10/32", &a)).unwrap();

    let (ea, enh) = sent_to(&out, A).get("203.0.113.10/32").clone();
    assert_eq!(ea.as_path, Some(AsPath::from_sequence(vec![LOCAL_ASN])));
    assert_eq!(enh, v4("192.0.2.254"), "next-hop-self");
    assert_eq!(ea.local_pref, None, "no LOCAL_PREF to eBGP");
    assert_eq!(ea.med, Some(7), "an injected MED is kept");
    assert_eq!(ea.communities, a.communities);

    let (ia, inh) = sent_to(&out, C).get("203.0.113.10/32").clone();
    assert_eq!(ia.as_path, Some(AsPath::default()), "no prepend to iBGP");
    assert_eq!(inh, v4("10.0.0.254"));
    assert_eq!(ia.local_pref, Some(100), "LOCAL_PREF set for iBGP");
}

#[test]
fn explicit_next_hop_and_local_pref_are_kept() {
    let mut rib = rib_with(&peers());
    let mut p = inj("203.0.113.0/24", &attrs(|a| a.local_pref = Some(200)));
    p.next_hop = Some(ip("192.0.2.99"));
    let out = rib.inject_path("x", p).unwrap();
    let (ea, enh) = sent_to(&out, B).get("203.0.113.0/24").clone();
    assert_eq!((enh, ea.local_pref), (v4("192.0.2.99"), None));
    let (ia, inh) = sent_to(&out, D).get("203.0.113.0/24").clone();
    assert_eq!((inh, ia.local_pref), (v4("192.0.2.99"), Some(200)));
}

#[test]
fn ebgp_learned_path_export() {
    let mut rib = rib_with(&peers());
    let a = attrs(|a| {
        a.as_path = Some(AsPath::from_sequence(vec![65001]));
        a.med = Some(5);
        a.unknown = vec![
            RawAttribute::new(flags::OPTIONAL_TRANSITIVE, 99, vec![1]),
            RawAttribute::new(flags::OPTIONAL_NON_TRANSITIVE, 98, vec![2]),
        ];
    });
    let out = rib
        .update_received(ip(A), &announce("100.64.0.0/16", A, a))
        .unwrap();
    assert!(msgs(&out, A).is_empty(), "never echoed to its source");

    let (ba, bnh) = sent_to(&out, B).get("100.64.0.0/16").clone();
    assert_eq!(
        ba.as_path,
        Some(AsPath::from_sequence(vec![LOCAL_ASN, 65001]))
    );
    assert_eq!(bnh, v4("198.51.100.254"));
    assert_eq!(ba.med, None, "a received MED does not leave the AS");
    assert_eq!(ba.unknown.len(), 1, "non-transitive unknown dropped");
    assert!(
        ba.unknown[0].is_partial(),
        "transitive unknown gets Partial"
    );

    let (ca, cnh) = sent_to(&out, C).get("100.64.0.0/16").clone();
    assert_eq!(cnh, v4(A), "next hop unchanged to iBGP");
    assert_eq!(ca.local_pref, Some(100));
    assert_eq!(ca.med, Some(5));
    assert_eq!(ca.as_path, Some(AsPath::from_sequence(vec![65001])));
}

#[test]
fn ibgp_learned_path_not_sent_to_ibgp() {
    let mut rib = rib_with(&peers());
    let a = attrs(|a| {
        a.as_path = Some(AsPath::from_sequence(vec![64999]));
        a.local_pref = Some(300);
    });
    let out = rib
        .update_received(ip(C), &announce("100.65.0.0/16", "10.0.0.9", a))
        .unwrap();
    assert!(msgs(&out, C).is_empty());
    assert!(msgs(&out, D).is_empty(), "iBGP split horizon");
    let (aa, _) = sent_to(&out, A).get("100.65.0.0/16").clone();
    assert_eq!(aa.local_pref, None);
}

#[test]
fn two_octet_session_gets_as4_path() {
    let mut i = info(65001, "192.0.2.254", V4);
    i.negotiated.four_octet_as = false;
    let mut rib = rib_with(&[(A, i.clone())]);
    let a = attrs(|a| a.as_path = Some(AsPath::from_sequence(vec![4_200_000_000])));
    let out = rib.inject_path("x", inj("203.0.113.0/24", &a)).unwrap();
    let mut v = View::default();
    apply(&mut v, &out, A, &i);
    let (got, _) = v.get("203.0.113.0/24");
    // Decoded as a 2-octet session would: AS_TRANS in AS_PATH, the real one in AS4_PATH.
    assert_eq!(
        got.as4_path,
        Some(AsPath::from_sequence(vec![LOCAL_ASN, 4_200_000_000]))
    );
}

#[test]
fn only_negotiated_families_are_sent() {
    let mut rib = rib_with(&[(A, info(65001, "192.0.2.254", V4))]);
    let out = rib
        .inject_path("v6", inj("2001:db8::/32", &attrs(|_| {})))
        .unwrap();
    assert!(msgs(&out, A).is_empty());
}

#[test]
fn ipv6_next_hop_self_is_the_mapped_session_address() {
    let i = info(65001, "192.0.2.254", ALL);
    let mut rib = rib_with(&[(A, i.clone())]);
    let out = rib
        .inject_path("v6", inj("2001:db8::/32", &attrs(|_| {})))
        .unwrap();
    let mut v = View::default();
    apply(&mut v, &out, A, &i);
    let want = Ipv4Addr::new(192, 0, 2, 254).to_ipv6_mapped();
    assert_eq!(v.get("2001:db8::/32").1, MpNextHop::Ipv6(want));
}
