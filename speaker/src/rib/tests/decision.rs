//! One table row per decision step: two paths equal in everything before that step, and
//! the one that must win.

use std::cmp::Ordering;
use std::net::Ipv4Addr;
use std::sync::Arc;

use bgp_wire::attribute::{AsPath, AsSegment, MpNextHop, Origin, PathAttributes, SegmentType};

use super::*;
use crate::rib::decision::{best, compare};
use crate::rib::path::{InjectedMeta, PeerMeta};

fn learned(addr: &str, asn: u32, ibgp: bool, rid: u8, a: PathAttributes) -> Path {
    Path {
        source: Source::Peer(Arc::new(PeerMeta {
            address: ip(addr),
            asn,
            router_id: Ipv4Addr::new(10, 0, 0, rid),
            ibgp,
            local_asn: LOCAL_ASN,
        })),
        path_id: None,
        attrs: Arc::new(a),
        next_hop: MpNextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1)),
    }
}

fn injected(id: &str, a: PathAttributes) -> Path {
    Path {
        source: Source::Injected(Arc::new(InjectedMeta {
            id: id.into(),
            neighbors: Vec::new(),
            explicit_next_hop: false,
        })),
        path_id: Some(0),
        attrs: Arc::new(a),
        next_hop: MpNextHop::Empty,
    }
}

fn base(path: &[u32]) -> PathAttributes {
    PathAttributes {
        origin: Some(Origin::Igp),
        as_path: Some(AsPath::from_sequence(path.to_vec())),
        ..PathAttributes::default()
    }
}

fn with(path: &[u32], f: impl FnOnce(&mut PathAttributes)) -> PathAttributes {
    let mut a = base(path);
    f(&mut a);
    a
}

/// (step, preferred, other)
fn table() -> Vec<(&'static str, Path, Path)> {
    let e = |addr, asn, a| learned(addr, asn, false, 9, a);
    vec![
        (
            "injected beats learned (even with lower LOCAL_PREF)",
            injected("x", with(&[], |a| a.local_pref = Some(50))),
            e(
                "192.0.2.1",
                65001,
                with(&[65001], |a| a.local_pref = Some(500)),
            ),
        ),
        (
            "highest LOCAL_PREF",
            e(
                "192.0.2.2",
                65002,
                with(&[65002, 1, 2], |a| a.local_pref = Some(200)),
            ),
            e(
                "192.0.2.1",
                65001,
                with(&[65001], |a| a.local_pref = Some(150)),
            ),
        ),
        (
            "absent LOCAL_PREF is 100",
            e(
                "192.0.2.2",
                65002,
                with(&[65002, 1], |a| a.local_pref = Some(101)),
            ),
            e("192.0.2.1", 65001, base(&[65001])),
        ),
        (
            "shortest AS_PATH",
            e("192.0.2.2", 65002, base(&[65002])),
            e("192.0.2.1", 65001, base(&[65001, 7])),
        ),
        (
            "AS_SET counts one",
            e(
                "192.0.2.2",
                65002,
                with(&[65002], |a| {
                    let set = AsSegment::new(SegmentType::Set, vec![1, 2, 3, 4]);
                    a.as_path.as_mut().unwrap().segments.push(set);
                }),
            ),
            e("192.0.2.1", 65001, base(&[65001, 5, 6])),
        ),
        (
            "confederation segments count zero",
            e(
                "192.0.2.2",
                65002,
                with(&[65002], |a| {
                    let c = AsSegment::new(SegmentType::ConfedSequence, vec![1, 2, 3]);
                    a.as_path.as_mut().unwrap().segments.insert(0, c);
                }),
            ),
            e("192.0.2.1", 65001, base(&[65001, 5])),
        ),
        (
            "lowest ORIGIN",
            e(
                "192.0.2.2",
                65002,
                with(&[65002], |a| a.origin = Some(Origin::Egp)),
            ),
            e(
                "192.0.2.1",
                65001,
                with(&[65001], |a| a.origin = Some(Origin::Incomplete)),
            ),
        ),
        (
            "lowest MED from the same neighbor AS",
            e("192.0.2.2", 65001, with(&[65001], |a| a.med = Some(10))),
            e("192.0.2.1", 65001, with(&[65001], |a| a.med = Some(20))),
        ),
        (
            "missing MED is 0",
            e("192.0.2.2", 65001, base(&[65001])),
            e("192.0.2.1", 65001, with(&[65001], |a| a.med = Some(1))),
        ),
        (
            "MED ignored across neighbor ASes (falls to peer address)",
            e("192.0.2.1", 65001, with(&[65001], |a| a.med = Some(99))),
            e("192.0.2.2", 65002, with(&[65002], |a| a.med = Some(1))),
        ),
        (
            "eBGP over iBGP",
            learned("192.0.2.2", 65001, false, 9, base(&[65001])),
            learned("192.0.2.1", LOCAL_ASN, true, 1, base(&[65001])),
        ),
        (
            "lowest router id",
            learned("192.0.2.2", 65002, false, 1, base(&[65002])),
            learned("192.0.2.1", 65001, false, 2, base(&[65001])),
        ),
        (
            "ORIGINATOR_ID stands in for the router id",
            learned(
                "192.0.2.2",
                LOCAL_ASN,
                true,
                9,
                with(&[65002], |a| {
                    a.originator_id = Some(Ipv4Addr::new(10, 0, 0, 1))
                }),
            ),
            learned("192.0.2.1", LOCAL_ASN, true, 5, base(&[65001])),
        ),
        (
            "shortest CLUSTER_LIST",
            learned(
                "192.0.2.2",
                LOCAL_ASN,
                true,
                5,
                with(&[65002], |a| a.cluster_list = vec![Ipv4Addr::LOCALHOST]),
            ),
            learned(
                "192.0.2.1",
                LOCAL_ASN,
                true,
                5,
                with(&[65001], |a| {
                    a.cluster_list = vec![Ipv4Addr::LOCALHOST, Ipv4Addr::BROADCAST]
                }),
            ),
        ),
        (
            "lowest peer address",
            e("192.0.2.1", 65002, base(&[65002])),
            e("192.0.2.2", 65001, base(&[65001])),
        ),
        (
            "among injected paths: LOCAL_PREF still decides",
            injected("b", with(&[], |a| a.local_pref = Some(300))),
            injected("a", base(&[])),
        ),
        (
            "among equal injected paths: lowest id",
            injected("a", base(&[])),
            injected("b", base(&[])),
        ),
    ]
}

#[test]
fn every_tie_breaker_in_order() {
    for (step, winner, loser) in table() {
        assert_eq!(compare(&winner, &loser), Ordering::Less, "{step}");
        assert_eq!(compare(&loser, &winner), Ordering::Greater, "{step}");
        let both = [loser.clone(), winner.clone()];
        assert_eq!(best(&both), Some(&winner), "{step}");
    }
}

#[test]
fn best_of_nothing_is_none() {
    assert_eq!(best(&[]), None);
}
