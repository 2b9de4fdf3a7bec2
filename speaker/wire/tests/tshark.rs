//! Layer: real oracle (tshark). Every message type we encode is dissected by Wireshark's BGP
//! dissector without malformed/expert marks, and the fields it prints are the ones we meant.

mod support;

use bgp_wire::message::notification::CeaseSubcode;
use bgp_wire::message::route_refresh::RefreshSubtype;
use bgp_wire::message::{Notification, RouteRefresh};
use bgp_wire::{AfiSafi, CodecContext, Message};

use support::tshark::{dissect, tshark_available};

fn bytes(m: Message) -> Vec<u8> {
    m.to_bytes(&CodecContext::default())
}

#[test]
fn keepalive_notification_and_route_refresh_dissect_cleanly() {
    if !tshark_available() {
        return;
    }
    let shutdown = Notification::cease_with_message(CeaseSubcode::AdministrativeShutdown, "maint");
    let refresh = RouteRefresh {
        family: AfiSafi::IPV6_FLOWSPEC,
        subtype: RefreshSubtype::End,
    };
    let text = dissect(
        "basic",
        &[
            bytes(Message::Keepalive),
            bytes(Message::Notification(shutdown)),
            bytes(Message::RouteRefresh(refresh)),
        ],
    );
    assert!(text.contains("KEEPALIVE Message"), "{text}");
    assert!(text.contains("Administratively Shutdown"), "{text}");
    assert!(text.contains("maint"), "{text}");
    assert!(text.contains("ROUTE-REFRESH Message"), "{text}");
    assert!(text.contains("Flow Spec Filter"), "{text}");
}

mod open_and_update {
    use std::net::{Ipv4Addr, Ipv6Addr};
    use std::sync::Arc;

    use bgp_wire::attribute::{
        Aggregator, AsPath, AsSegment, Community, ExtendedCommunity, ExtendedCommunityKind,
        GlobalAdmin, Ipv6ExtendedCommunity, LargeCommunity, MpNextHop, MpReach, MpUnreach, Origin,
        PathAttributes, RawAttribute, SegmentType,
    };
    use bgp_wire::capability::{
        AddPathFamily, AddPathMode, Capability, GrFamily, GracefulRestart, LlgrFamily,
    };
    use bgp_wire::message::{Open, Update};
    use bgp_wire::nlri::{MpNlri, PathPrefix};
    use bgp_wire::{AfiSafi, CodecContext, Message};

    use super::support::tshark::{dissect, tshark_available};

    fn p(s: &str) -> PathPrefix {
        PathPrefix::new(s.parse().expect("prefix"))
    }

    fn every_capability() -> Vec<Capability> {
        vec![
            Capability::Multiprotocol(AfiSafi::IPV4_UNICAST),
            Capability::Multiprotocol(AfiSafi::IPV6_FLOWSPEC),
            Capability::RouteRefresh,
            Capability::EnhancedRouteRefresh,
            Capability::ExtendedMessage,
            Capability::AddPath(vec![AddPathFamily {
                family: AfiSafi::IPV4_UNICAST,
                mode: AddPathMode::Both,
            }]),
            Capability::GracefulRestart(GracefulRestart {
                restart_state: true,
                notification: true,
                restart_time: 120,
                families: vec![GrFamily {
                    family: AfiSafi::IPV4_UNICAST,
                    forwarding_state: true,
                }],
            }),
            Capability::LongLivedGracefulRestart(vec![LlgrFamily {
                family: AfiSafi::IPV4_UNICAST,
                forwarding_state: false,
                stale_time: 3600,
            }]),
            Capability::Unknown {
                code: 200,
                value: vec![1, 2, 3],
            },
        ]
    }

    fn loaded_attributes() -> PathAttributes {
        PathAttributes {
            origin: Some(Origin::Igp),
            as_path: Some(AsPath {
                segments: vec![
                    AsSegment::new(SegmentType::Sequence, vec![65001, 4_200_000_000]),
                    AsSegment::new(SegmentType::Set, vec![64512, 64513]),
                ],
            }),
            next_hop: Some(Ipv4Addr::new(192, 0, 2, 1)),
            med: Some(50),
            local_pref: Some(200),
            atomic_aggregate: true,
            aggregator: Some(Aggregator {
                asn: 65001,
                address: Ipv4Addr::new(192, 0, 2, 9),
            }),
            communities: vec![Community::new(65535, 666), Community::new(65100, 1000)],
            originator_id: Some(Ipv4Addr::new(192, 0, 2, 7)),
            cluster_list: vec![Ipv4Addr::new(192, 0, 2, 8)],
            extended_communities: vec![ExtendedCommunity::new(
                ExtendedCommunityKind::RouteTarget,
                GlobalAdmin::As2 {
                    asn: 65000,
                    local: 100,
                },
            )],
            ipv6_extended_communities: vec![Ipv6ExtendedCommunity::new(
                ExtendedCommunityKind::RouteTarget,
                "2001:db8::1".parse().expect("v6"),
                7,
            )],
            large_communities: vec![LargeCommunity::new(65000, 1, 2)],
            unknown: vec![RawAttribute::new(0xc0, 0xfe, vec![0xde, 0xad])],
            ..PathAttributes::default()
        }
    }

    #[test]
    fn open_with_every_capability_dissects_cleanly() {
        if !tshark_available() {
            return;
        }
        let open = Open::new(
            4_200_000_000,
            90,
            Ipv4Addr::new(192, 0, 2, 1),
            every_capability(),
        );
        let bytes = Message::Open(open).to_bytes(&CodecContext::default());
        let text = dissect("open", &[bytes]);
        for want in [
            "My AS: 23456",
            "Hold Time: 90",
            "BGP Identifier: 192.0.2.1",
            "Support for 4-octet AS number capability",
            "AS Number: 4200000000",
            "Route refresh capability",
            "Enhanced route refresh capability",
            "Support for Additional Paths",
            "Graceful Restart capability",
            "Long-Lived Graceful Restart",
            "Flow Spec Filter",
            "BGP-Extended Message",
        ] {
            assert!(text.contains(want), "missing {want:?} in:\n{text}");
        }
    }

    #[test]
    fn update_with_every_attribute_dissects_cleanly() {
        if !tshark_available() {
            return;
        }
        let ctx = CodecContext::default();
        let classic = Update {
            withdrawn: vec![p("198.51.100.0/24")],
            attributes: Arc::new(loaded_attributes()),
            mp_reach: None,
            mp_unreach: None,
            nlri: vec![p("203.0.113.0/24"), p("192.0.2.128/25")],
            errors: Vec::new(),
        };
        let v6 = Update {
            withdrawn: Vec::new(),
            attributes: Arc::new(PathAttributes {
                origin: Some(Origin::Incomplete),
                as_path: Some(AsPath::from_sequence(vec![65001])),
                ..PathAttributes::default()
            }),
            mp_reach: Some(MpReach {
                family: AfiSafi::IPV6_UNICAST,
                next_hop: MpNextHop::Ipv6LinkLocal {
                    global: "2001:db8::1".parse().expect("v6"),
                    link_local: Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1),
                },
                reserved: 0,
                nlri: MpNlri::Unicast(vec![p("2001:db8:1000::/36")]),
            }),
            mp_unreach: Some(MpUnreach {
                family: AfiSafi::IPV6_UNICAST,
                withdrawn: MpNlri::Unicast(vec![p("2001:db8:2000::/48")]),
            }),
            nlri: Vec::new(),
            errors: Vec::new(),
        };
        let msgs = [classic, v6, Update::end_of_rib(AfiSafi::IPV4_UNICAST)]
            .into_iter()
            .map(|u| Message::Update(u).to_bytes(&ctx))
            .collect::<Vec<_>>();
        let text = dissect("update", &msgs);
        for want in [
            "198.51.100.0/24",
            "203.0.113.0/24",
            "192.0.2.128/25",
            "AS_PATH: 65001 4200000000 {64512, 64513}",
            "MULTI_EXIT_DISC: 50",
            "LOCAL_PREF: 200",
            "ATOMIC_AGGREGATE",
            "AGGREGATOR: AS: 65001 origin: 192.0.2.9",
            "Community Well-known: BLACKHOLE",
            "Community: 65100:1000",
            "ORIGINATOR_ID: 192.0.2.7",
            "CLUSTER_LIST: 192.0.2.8",
            "Route Target: 65000:100",
            "Large communities: 65000:1:2",
            "IPv6 Address Specific Extended Community",
            "2001:db8:1000::/36",
            "IPv6=2001:db8::1 Link-local=fe80::1",
            "2001:db8:2000::/48",
        ] {
            assert!(text.contains(want), "missing {want:?} in:\n{text}");
        }
    }
}
