//! Capability codec and negotiation tests: hand-written wire bytes both ways, every malformed
//! case, negotiation cases, and proptest round trips.

use std::net::Ipv4Addr;

use proptest::prelude::*;

use super::*;
use crate::error::ErrorAction;
use crate::message::open::{Open, OptionalParameter};

/// `wire` (code, length, value) decodes to `cap` and `cap` encodes to `wire`.
fn both_ways(wire: &[u8], cap: Capability) {
    assert_eq!(
        Capability::decode_list(wire),
        Ok(vec![cap.clone()]),
        "decode {wire:02x?}"
    );
    let mut out = Vec::new();
    cap.encode(&mut out);
    assert_eq!(out, wire, "encode {cap:?}");
}

/// Decoding `wire` fails with OPEN Message Error / Unspecific for capability `code`.
fn malformed_as(wire: &[u8], code: u8) {
    let err = Capability::decode_list(wire).unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::MalformedCapability { code: c, .. } if c == code),
        "{err:?}"
    );
    let ErrorAction::SessionReset(n) = err.action else {
        panic!("expected reset, got {err:?}")
    };
    assert_eq!(n.code.pair(), (2, 0));
    assert!(n.data.is_empty());
}

const V4U: AfiSafi = AfiSafi::IPV4_UNICAST;
const V6U: AfiSafi = AfiSafi::IPV6_UNICAST;

mod codec {
    use super::*;

    #[test]
    fn multiprotocol() {
        both_ways(&[1, 4, 0, 1, 0, 1], Capability::Multiprotocol(V4U));
        both_ways(
            &[1, 4, 0, 2, 0, 133],
            Capability::Multiprotocol(AfiSafi::IPV6_FLOWSPEC),
        );
        both_ways(
            &[1, 4, 0, 25, 0, 70],
            Capability::Multiprotocol(AfiSafi::new(Afi::Other(25), Safi::Other(70))),
        );
        // The reserved octet is ignored on receipt (and sent as zero).
        assert_eq!(
            Capability::decode_list(&[1, 4, 0, 1, 9, 1]),
            Ok(vec![Capability::Multiprotocol(V4U)])
        );
    }

    #[test]
    fn empty_valued_capabilities() {
        both_ways(&[2, 0], Capability::RouteRefresh);
        both_ways(&[70, 0], Capability::EnhancedRouteRefresh);
        both_ways(&[6, 0], Capability::ExtendedMessage);
    }

    #[test]
    fn four_octet_as() {
        both_ways(
            &[65, 4, 0xfa, 0x56, 0xea, 0x01],
            Capability::FourOctetAs(4_200_000_001),
        );
        both_ways(&[65, 4, 0, 0, 0xfd, 0xe9], Capability::FourOctetAs(65001));
    }

    #[test]
    fn add_path() {
        both_ways(
            &[69, 8, 0, 1, 1, 1, 0, 2, 1, 3],
            Capability::AddPath(vec![
                AddPathFamily {
                    family: V4U,
                    mode: AddPathMode::Receive,
                },
                AddPathFamily {
                    family: V6U,
                    mode: AddPathMode::Both,
                },
            ]),
        );
        both_ways(
            &[69, 4, 0, 1, 133, 2],
            Capability::AddPath(vec![AddPathFamily {
                family: AfiSafi::IPV4_FLOWSPEC,
                mode: AddPathMode::Send,
            }]),
        );
    }

    #[test]
    fn graceful_restart() {
        // R and N set, 120 s, IPv4 unicast with F, IPv6 unicast without.
        both_ways(
            &[64, 10, 0xc0, 0x78, 0, 1, 1, 0x80, 0, 2, 1, 0],
            Capability::GracefulRestart(GracefulRestart {
                restart_state: true,
                notification: true,
                restart_time: 120,
                families: vec![
                    GrFamily {
                        family: V4U,
                        forwarding_state: true,
                    },
                    GrFamily {
                        family: V6U,
                        forwarding_state: false,
                    },
                ],
            }),
        );
        // Helper-only form: no families, maximum 12-bit time.
        both_ways(
            &[64, 2, 0x0f, 0xff],
            Capability::GracefulRestart(GracefulRestart {
                restart_state: false,
                notification: false,
                restart_time: 4095,
                families: vec![],
            }),
        );
    }

    #[test]
    fn graceful_restart_clamps_time_and_ignores_reserved_bits() {
        let gr = |restart_time| GracefulRestart {
            restart_state: false,
            notification: false,
            restart_time,
            families: vec![],
        };
        let mut out = Vec::new();
        Capability::GracefulRestart(gr(5000)).encode(&mut out);
        assert_eq!(out, [64, 2, 0x0f, 0xff]);
        // Reserved restart-flag bits and per-family flag bits are ignored.
        let decoded = Capability::decode_list(&[64, 6, 0x30, 0x10, 0, 1, 1, 0x7f]).unwrap();
        let mut expected = gr(16);
        expected.families.push(GrFamily {
            family: V4U,
            forwarding_state: false,
        });
        assert_eq!(decoded, vec![Capability::GracefulRestart(expected)]);
    }

    #[test]
    fn long_lived_graceful_restart() {
        both_ways(
            &[
                71, 14, 0, 1, 1, 0x80, 0, 0x0e, 0x10, 0, 2, 133, 0, 0xff, 0xff, 0xff,
            ],
            Capability::LongLivedGracefulRestart(vec![
                LlgrFamily {
                    family: V4U,
                    forwarding_state: true,
                    stale_time: 3600,
                },
                LlgrFamily {
                    family: AfiSafi::IPV6_FLOWSPEC,
                    forwarding_state: false,
                    stale_time: 0x00ff_ffff,
                },
            ]),
        );
        both_ways(&[71, 0], Capability::LongLivedGracefulRestart(vec![]));
    }

    #[test]
    fn extended_next_hop() {
        // GoBGP / RFC 8950: IPv4 unicast and IPv4 VPN (SAFI 128) over IPv6 next hops.
        let cap = Capability::ExtendedNextHop(vec![
            ExtendedNextHop {
                afi: Afi::Ipv4,
                safi: 1,
                nexthop_afi: Afi::Ipv6,
            },
            ExtendedNextHop {
                afi: Afi::Ipv4,
                safi: 128,
                nexthop_afi: Afi::Ipv6,
            },
        ]);
        both_ways(&[5, 12, 0, 1, 0, 1, 0, 2, 0, 1, 0, 128, 0, 2], cap.clone());
        let Capability::ExtendedNextHop(list) = cap else {
            unreachable!()
        };
        assert_eq!(list.first().and_then(ExtendedNextHop::family), Some(V4U));
        let wide = ExtendedNextHop {
            afi: Afi::Ipv4,
            safi: 300,
            nexthop_afi: Afi::Ipv6,
        };
        assert_eq!(wide.family(), None);
    }

    #[test]
    fn fqdn() {
        both_ways(
            b"\x49\x0d\x05route\x06ex.com",
            Capability::Fqdn {
                hostname: "route".into(),
                domain: "ex.com".into(),
            },
        );
        both_ways(
            &[73, 7, 5, b'g', b'o', b'b', b'g', b'p', 0],
            Capability::Fqdn {
                hostname: "gobgp".into(),
                domain: String::new(),
            },
        );
    }

    #[test]
    fn malformed_fqdn_is_kept_as_unknown() {
        for wire in [
            &[73, 3, 5, b'a', b'b'][..], // hostname runs past the value
            &[73, 2, 1, b'a'][..],       // no domain length
            &[73, 4, 1, b'a', 0, 9][..], // trailing octet
            &[73, 3, 1, 0xff, 0][..],    // not UTF-8
        ] {
            let value = wire.get(2..).unwrap_or_default().to_vec();
            both_ways(wire, Capability::Unknown { code: 73, value });
        }
    }

    #[test]
    fn unknown_capabilities_round_trip_exactly() {
        both_ways(
            &[128, 0],
            Capability::Unknown {
                code: 128,
                value: vec![],
            },
        );
        both_ways(
            &[9, 1, 3],
            Capability::Unknown {
                code: 9,
                value: vec![3],
            },
        );
        both_ways(
            &[75, 4, 3, b'a', b'b', b'c'],
            Capability::Unknown {
                code: 75,
                value: b"\x03abc".to_vec(),
            },
        );
    }

    #[test]
    fn several_capabilities_in_one_parameter() {
        let wire = [1, 4, 0, 1, 0, 1, 2, 0, 65, 4, 0, 0, 0xfd, 0xe9];
        let caps = Capability::decode_list(&wire).unwrap();
        assert_eq!(
            caps,
            vec![
                Capability::Multiprotocol(V4U),
                Capability::RouteRefresh,
                Capability::FourOctetAs(65001)
            ]
        );
        let mut out = Vec::new();
        Capability::encode_list(&caps, &mut out);
        assert_eq!(out, wire);
        assert_eq!(Capability::decode_list(&[]), Ok(vec![]));
    }

    #[test]
    fn lists_too_long_for_one_octet_are_cut_at_a_whole_entry() {
        let entry = AddPathFamily {
            family: V4U,
            mode: AddPathMode::Both,
        };
        let mut out = Vec::new();
        Capability::AddPath(vec![entry; 100]).encode(&mut out);
        assert_eq!(out.len(), 2 + 63 * 4);
        assert_eq!(out.get(1), Some(&252));
        let Ok(caps) = Capability::decode_list(&out) else {
            panic!("re-decode")
        };
        assert_eq!(caps, vec![Capability::AddPath(vec![entry; 63])]);

        let mut out = Vec::new();
        Capability::Unknown {
            code: 200,
            value: vec![7; 300],
        }
        .encode(&mut out);
        assert_eq!(out.len(), 257);
    }

    #[test]
    fn malformed_values_reset_with_open_unspecific() {
        malformed_as(&[1, 3, 0, 1, 0], code::MULTIPROTOCOL);
        malformed_as(&[1, 5, 0, 1, 0, 1, 0], code::MULTIPROTOCOL);
        malformed_as(&[2, 1, 0], code::ROUTE_REFRESH);
        malformed_as(&[70, 1, 0], code::ENHANCED_ROUTE_REFRESH);
        malformed_as(&[6, 2, 0, 0], code::EXTENDED_MESSAGE);
        malformed_as(&[65, 3, 0, 0, 1], code::FOUR_OCTET_AS);
        malformed_as(&[65, 5, 0, 0, 0, 1, 0], code::FOUR_OCTET_AS);
        malformed_as(&[69, 3, 0, 1, 1], code::ADD_PATH);
        malformed_as(&[69, 4, 0, 1, 1, 0], code::ADD_PATH);
        malformed_as(&[69, 4, 0, 1, 1, 4], code::ADD_PATH);
        malformed_as(&[64, 1, 0], code::GRACEFUL_RESTART);
        malformed_as(&[64, 0], code::GRACEFUL_RESTART);
        malformed_as(&[64, 5, 0, 0x78, 0, 1, 1], code::GRACEFUL_RESTART);
        malformed_as(
            &[71, 6, 0, 1, 1, 0, 0, 0],
            code::LONG_LIVED_GRACEFUL_RESTART,
        );
        malformed_as(&[5, 5, 0, 1, 0, 1, 0], code::EXTENDED_NEXT_HOP);
        // A value that runs past the end of the parameter.
        malformed_as(&[65, 4, 0, 0], code::FOUR_OCTET_AS);
        malformed_as(&[2, 0, 128], 128);
    }
}

mod negotiation {
    use super::*;

    fn id(last: u8) -> Ipv4Addr {
        Ipv4Addr::new(192, 0, 2, last)
    }

    fn add_path(entries: &[(AfiSafi, AddPathMode)]) -> Capability {
        Capability::AddPath(
            entries
                .iter()
                .map(|&(family, mode)| AddPathFamily { family, mode })
                .collect(),
        )
    }

    /// An OPEN without the automatic 4-octet AS capability of [`Open::new`].
    fn plain(my_as: u16, hold_time: u16, caps: Vec<Capability>) -> Open {
        Open {
            my_as,
            hold_time,
            bgp_id: id(9),
            params: vec![OptionalParameter::Capabilities(caps)],
            extended_params: false,
        }
    }

    #[test]
    fn add_path_directions_are_asymmetric() {
        use AddPathMode::*;
        let mp = || {
            vec![
                Capability::Multiprotocol(V4U),
                Capability::Multiprotocol(V6U),
            ]
        };
        let mut ours = mp();
        ours.push(add_path(&[(V4U, Both), (V6U, Receive)]));
        let mut theirs = mp();
        theirs.push(add_path(&[(V4U, Receive), (V6U, Both)]));
        let n = negotiate(
            &Open::new(65001, 90, id(1), ours),
            &Open::new(65002, 90, id(2), theirs),
        );
        // IPv6: we receive, they send. IPv4: we send, they receive.
        assert_eq!(n.add_path_rx, vec![V6U]);
        assert_eq!(n.add_path_tx, vec![V4U]);
        assert_eq!(n.rx_context().add_path, vec![V6U]);
        assert_eq!(n.tx_context().add_path, vec![V4U]);
        assert!(n.rx_context().add_path(V6U) && !n.rx_context().add_path(V4U));
    }

    #[test]
    fn add_path_needs_matching_modes_and_a_negotiated_family() {
        use AddPathMode::*;
        let n = negotiate(
            &Open::new(
                65001,
                90,
                id(1),
                vec![
                    Capability::Multiprotocol(V4U),
                    add_path(&[(V4U, Receive), (V6U, Both)]),
                ],
            ),
            &Open::new(
                65002,
                90,
                id(2),
                vec![
                    Capability::Multiprotocol(V4U),
                    Capability::Multiprotocol(V6U),
                    add_path(&[(V4U, Receive), (V6U, Both)]),
                ],
            ),
        );
        // IPv4: both only receive. IPv6: not negotiated (we did not advertise it).
        assert!(n.add_path_rx.is_empty());
        assert!(n.add_path_tx.is_empty());
    }

    #[test]
    fn no_multiprotocol_means_ipv4_unicast() {
        let neither = negotiate(&plain(1, 90, vec![]), &plain(2, 90, vec![]));
        assert_eq!(neither.families, vec![V4U]);

        let v6_only = vec![Capability::Multiprotocol(V6U)];
        let one_side = negotiate(&plain(1, 90, v6_only), &plain(2, 90, vec![]));
        assert_eq!(one_side.families, vec![]);

        let both = vec![
            Capability::Multiprotocol(V6U),
            Capability::Multiprotocol(V4U),
        ];
        let n = negotiate(&plain(1, 90, both.clone()), &plain(2, 90, vec![]));
        assert_eq!(n.families, vec![V4U]);
        let n = negotiate(&plain(1, 90, both.clone()), &plain(2, 90, both));
        assert_eq!(n.families, vec![V6U, V4U]);
    }

    #[test]
    fn four_octet_as_needs_both_sides() {
        let ours = Open::new(4_200_000_001, 90, id(1), vec![]);
        let theirs = Open::new(4_200_000_002, 90, id(2), vec![]);
        let n = negotiate(&ours, &theirs);
        assert!(n.four_octet_as);
        assert_eq!(n.peer_asn, 4_200_000_002);
        assert!(n.rx_context().four_octet_as && n.tx_context().four_octet_as);

        let old = plain(65010, 90, vec![Capability::RouteRefresh]);
        let n = negotiate(&ours, &old);
        assert!(!n.four_octet_as);
        assert_eq!(n.peer_asn, 65010);
        assert!(!n.rx_context().four_octet_as && !n.tx_context().four_octet_as);
    }

    #[test]
    fn flags_need_both_sides_and_hold_time_is_the_minimum() {
        let all = vec![
            Capability::RouteRefresh,
            Capability::EnhancedRouteRefresh,
            Capability::ExtendedMessage,
        ];
        let n = negotiate(&plain(1, 90, all.clone()), &plain(2, 30, all.clone()));
        assert!(n.route_refresh && n.enhanced_route_refresh && n.extended_message);
        assert_eq!(n.hold_time, 30);
        assert_eq!(n.rx_context().max_message_len(), 65535);
        assert_eq!(n.peer_bgp_id, id(9));

        let n = negotiate(
            &plain(1, 0, all),
            &plain(2, 30, vec![Capability::RouteRefresh]),
        );
        assert!(n.route_refresh && !n.enhanced_route_refresh && !n.extended_message);
        assert_eq!(n.hold_time, 0);
        assert_eq!(n.tx_context().max_message_len(), 4096);
    }

    #[test]
    fn graceful_restart_and_extended_next_hop_of_each_side() {
        let gr = GracefulRestart {
            restart_state: true,
            notification: true,
            restart_time: 120,
            families: vec![GrFamily {
                family: V4U,
                forwarding_state: true,
            }],
        };
        let llgr = vec![LlgrFamily {
            family: V4U,
            forwarding_state: false,
            stale_time: 3600,
        }];
        let enh = ExtendedNextHop {
            afi: Afi::Ipv4,
            safi: 1,
            nexthop_afi: Afi::Ipv6,
        };
        let theirs = plain(
            2,
            90,
            vec![
                Capability::GracefulRestart(gr.clone()),
                Capability::LongLivedGracefulRestart(llgr.clone()),
                Capability::ExtendedNextHop(vec![enh]),
            ],
        );
        let n = negotiate(&plain(1, 90, vec![]), &theirs);
        assert_eq!(n.peer_graceful_restart, Some(gr));
        assert_eq!(n.peer_long_lived_gr, Some(llgr));
        assert_eq!(n.extended_next_hop_tx, vec![enh]);
        assert!(n.extended_next_hop_rx.is_empty());

        let n = negotiate(&theirs, &plain(1, 90, vec![]));
        assert_eq!(n.peer_graceful_restart, None);
        assert_eq!(n.extended_next_hop_rx, vec![enh]);
    }
}

proptest! {
    #[test]
    fn capability_round_trips(cap in strategy::capability()) {
        let mut out = Vec::new();
        cap.encode(&mut out);
        prop_assert_eq!(Capability::decode_list(&out), Ok(vec![cap]));
    }

    #[test]
    fn capability_lists_round_trip(caps in proptest::collection::vec(strategy::capability(), 0..10)) {
        let mut out = Vec::new();
        Capability::encode_list(&caps, &mut out);
        prop_assert_eq!(Capability::decode_list(&out), Ok(caps));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = Capability::decode_list(&bytes);
        if let Some((&code, value)) = bytes.split_first() {
            let _ = Capability::decode(code, value);
        }
    }

    #[test]
    fn negotiation_is_consistent(a in strategy::open(), b in strategy::open()) {
        let ab = negotiate(&a, &b);
        let ba = negotiate(&b, &a);
        // Receiving on one side is sending on the other.
        let sorted = |mut v: Vec<AfiSafi>| { v.sort(); v };
        prop_assert_eq!(sorted(ab.add_path_rx.clone()), sorted(ba.add_path_tx.clone()));
        prop_assert_eq!(sorted(ab.add_path_tx.clone()), sorted(ba.add_path_rx.clone()));
        prop_assert_eq!(sorted(ab.families.clone()), sorted(ba.families.clone()));
        prop_assert_eq!(ab.hold_time, ba.hold_time);
        prop_assert_eq!(ab.four_octet_as, ba.four_octet_as);
    }
}
