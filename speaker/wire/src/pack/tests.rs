//! Packer tests: size limits, nothing lost or duplicated, extended messages pack tighter.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::*;
use crate::attribute::{AsPath, Community, Origin};
use crate::message::{Message, Update};

fn attrs() -> PathAttributes {
    PathAttributes {
        origin: Some(Origin::Igp),
        as_path: Some(AsPath::from_sequence(vec![65001, 65002])),
        med: Some(10),
        communities: vec![Community::new(65001, 1), Community::NO_EXPORT],
        ..PathAttributes::default()
    }
}

fn v4_prefixes(n: u32) -> Vec<PathPrefix> {
    (0..n)
        .map(|i| {
            let len = 16 + (i % 17) as u8; // /16 .. /32
            let addr = Ipv4Addr::from(0x0a00_0000 | (i << 8));
            PathPrefix::new(IpNet::V4(Ipv4Net::new(addr, len).unwrap().trunc()))
        })
        .collect()
}

fn v6_prefixes(n: u32, add_path: bool) -> Vec<PathPrefix> {
    (0..n)
        .map(|i| PathPrefix {
            path_id: add_path.then_some(i % 3),
            prefix: IpNet::V6(
                Ipv6Net::new((0x2001_0db8_u128 << 96 | u128::from(i) << 64).into(), 64).unwrap(),
            ),
        })
        .collect()
}

fn ctx(extended: bool, add_path: Vec<AfiSafi>) -> CodecContext {
    CodecContext {
        extended_message: extended,
        add_path,
        ..CodecContext::default()
    }
}

/// Decodes every message, checks its size and returns the updates.
fn decode_all(msgs: &[Vec<u8>], ctx: &CodecContext) -> Vec<Update> {
    msgs.iter()
        .map(|m| {
            assert!(m.len() <= ctx.max_message_len(), "{} octets", m.len());
            match Message::decode(m, ctx) {
                Ok(Message::Update(u)) => {
                    assert!(u.errors.is_empty(), "{:?}", u.errors);
                    u
                }
                other => panic!("{other:?}"),
            }
        })
        .collect()
}

#[test]
fn ipv4_announce_loses_and_duplicates_nothing() {
    let items = v4_prefixes(20_000);
    let nh = MpNextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1));
    let mut counts = Vec::new();
    for extended in [false, true] {
        let ctx = ctx(extended, vec![]);
        let msgs = pack_announce(&attrs(), AfiSafi::IPV4_UNICAST, &nh, &items, &ctx).unwrap();
        let updates = decode_all(&msgs, &ctx);
        let got: Vec<PathPrefix> = updates.iter().flat_map(|u| u.nlri.clone()).collect();
        assert!(
            got == items,
            "{} packed, {} decoded",
            items.len(),
            got.len()
        );
        for u in &updates {
            assert_eq!(u.attributes.next_hop, Some(Ipv4Addr::new(192, 0, 2, 1)));
            assert_eq!(u.attributes.communities, attrs().communities);
        }
        // Every message but the last is full to within one prefix.
        for m in &msgs[..msgs.len() - 1] {
            assert!(m.len() > ctx.max_message_len() - 5);
        }
        counts.push(msgs.len());
    }
    assert!(counts[1] * 10 <= counts[0], "{counts:?}"); // 65535 / 4096 ≈ 16
}

#[test]
fn ipv6_announce_with_add_path_via_mp_reach() {
    let items = v6_prefixes(5_000, true);
    let nh = MpNextHop::Ipv6("2001:db8::1".parse().unwrap());
    let mut counts = Vec::new();
    for extended in [false, true] {
        let ctx = ctx(extended, vec![AfiSafi::IPV6_UNICAST]);
        let msgs = pack_announce(&attrs(), AfiSafi::IPV6_UNICAST, &nh, &items, &ctx).unwrap();
        let updates = decode_all(&msgs, &ctx);
        let got: Vec<PathPrefix> = updates
            .iter()
            .flat_map(|u| {
                u.announced_unicast()
                    .map(|(f, p)| {
                        assert_eq!(f, AfiSafi::IPV6_UNICAST);
                        *p
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(
            got == items,
            "{} packed, {} decoded",
            items.len(),
            got.len()
        );
        assert!(updates.iter().all(|u| u.attributes.next_hop.is_none()));
        assert!(
            updates
                .iter()
                .all(|u| u.mp_reach.as_ref().unwrap().next_hop == nh)
        );
        counts.push(msgs.len());
    }
    assert!(counts[1] < counts[0], "{counts:?}");
}

#[test]
fn withdrawals_both_forms() {
    for (family, items) in [
        (AfiSafi::IPV4_UNICAST, v4_prefixes(3_000)),
        (AfiSafi::IPV6_UNICAST, v6_prefixes(3_000, false)),
    ] {
        let ctx = ctx(false, vec![]);
        let msgs = pack_withdraw(family, &items, &ctx).unwrap();
        let updates = decode_all(&msgs, &ctx);
        let got: Vec<PathPrefix> = updates
            .iter()
            .flat_map(|u| u.withdrawn_unicast().map(|(_, p)| *p).collect::<Vec<_>>())
            .collect();
        assert!(
            got == items,
            "{} packed, {} decoded",
            items.len(),
            got.len()
        );
        assert!(updates.iter().all(|u| u.announced_unicast().count() == 0));
        if family == AfiSafi::IPV4_UNICAST {
            assert!(updates.iter().all(|u| u.mp_unreach.is_none()));
        }
    }
}

#[test]
fn callback_form_reuses_one_buffer() {
    let items = v4_prefixes(2_000);
    let ctx = ctx(false, vec![]);
    let nh = MpNextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1));
    let mut total = 0;
    let mut n = 0;
    pack_announce_with(&attrs(), AfiSafi::IPV4_UNICAST, &nh, &items, &ctx, |m| {
        total += m.len();
        n += 1;
    })
    .unwrap();
    let msgs = pack_announce(&attrs(), AfiSafi::IPV4_UNICAST, &nh, &items, &ctx).unwrap();
    assert_eq!(n, msgs.len());
    assert_eq!(total, msgs.iter().map(Vec::len).sum::<usize>());
}

#[test]
fn oversized_attributes_are_refused() {
    let big = PathAttributes {
        communities: (0..1100).map(Community).collect(),
        ..attrs()
    };
    let nh = MpNextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1));
    let items = v4_prefixes(1);
    let err = pack_announce(
        &big,
        AfiSafi::IPV4_UNICAST,
        &nh,
        &items,
        &ctx(false, vec![]),
    );
    assert!(matches!(
        err,
        Err(PackError::AttributesTooLarge { max: 4096, .. })
    ));
    // Fits once extended messages are negotiated.
    assert!(pack_announce(&big, AfiSafi::IPV4_UNICAST, &nh, &items, &ctx(true, vec![])).is_ok());
}

#[test]
fn nothing_to_pack_gives_no_messages() {
    let ctx = ctx(false, vec![]);
    let none: &[FlowSpecNlri] = &[];
    assert!(
        pack_flowspec_announce(&attrs(), AfiSafi::IPV4_FLOWSPEC, none, &ctx)
            .unwrap()
            .is_empty()
    );
    assert!(
        pack_flowspec_withdraw(AfiSafi::IPV4_FLOWSPEC, none, &ctx)
            .unwrap()
            .is_empty()
    );
    assert!(
        pack_withdraw(AfiSafi::IPV6_UNICAST, &[], &ctx)
            .unwrap()
            .is_empty()
    );
}
