//! proptest strategies for capabilities and OPENs, shared by the tests of both modules.
//! Generated values stay within what the wire can carry (lengths ≤ 255, 12/24-bit times,
//! non-zero AS) so that decode(encode(x)) == x must hold exactly.

use std::net::Ipv4Addr;

use proptest::collection::vec;
use proptest::prelude::*;

use super::{
    AddPathFamily, AddPathMode, Capability, ExtendedNextHop, GrFamily, GracefulRestart, LlgrFamily,
    code,
};
use crate::afi::{Afi, AfiSafi, Safi};
use crate::message::open::{Open, OptionalParameter};

pub fn afi() -> impl Strategy<Value = Afi> {
    any::<u16>().prop_map(Afi::from_u16)
}

/// Mostly common families, so that two generated OPENs often share some.
pub fn family() -> impl Strategy<Value = AfiSafi> {
    let common = proptest::sample::select(vec![
        AfiSafi::IPV4_UNICAST,
        AfiSafi::IPV6_UNICAST,
        AfiSafi::IPV4_FLOWSPEC,
        AfiSafi::IPV6_FLOWSPEC,
    ]);
    let any_family =
        (afi(), any::<u8>()).prop_map(|(afi, safi)| AfiSafi::new(afi, Safi::from_u8(safi)));
    prop_oneof![3 => common, 1 => any_family]
}

fn add_path() -> impl Strategy<Value = AddPathFamily> {
    let mode = prop_oneof![
        Just(AddPathMode::Receive),
        Just(AddPathMode::Send),
        Just(AddPathMode::Both)
    ];
    (family(), mode).prop_map(|(family, mode)| AddPathFamily { family, mode })
}

fn graceful_restart() -> impl Strategy<Value = GracefulRestart> {
    let fam = (family(), any::<bool>()).prop_map(|(family, forwarding_state)| GrFamily {
        family,
        forwarding_state,
    });
    (
        any::<bool>(),
        any::<bool>(),
        0..=0x0fffu16,
        vec(fam, 0..=63),
    )
        .prop_map(
            |(restart_state, notification, restart_time, families)| GracefulRestart {
                restart_state,
                notification,
                restart_time,
                families,
            },
        )
}

fn llgr() -> impl Strategy<Value = LlgrFamily> {
    (family(), any::<bool>(), 0..=0x00ff_ffffu32).prop_map(
        |(family, forwarding_state, stale_time)| LlgrFamily {
            family,
            forwarding_state,
            stale_time,
        },
    )
}

fn extended_next_hop() -> impl Strategy<Value = ExtendedNextHop> {
    (afi(), any::<u16>(), afi()).prop_map(|(afi, safi, nexthop_afi)| ExtendedNextHop {
        afi,
        safi,
        nexthop_afi,
    })
}

const TYPED: [u8; 10] = [
    code::MULTIPROTOCOL,
    code::ROUTE_REFRESH,
    code::EXTENDED_NEXT_HOP,
    code::EXTENDED_MESSAGE,
    code::GRACEFUL_RESTART,
    code::FOUR_OCTET_AS,
    code::ADD_PATH,
    code::ENHANCED_ROUTE_REFRESH,
    code::LONG_LIVED_GRACEFUL_RESTART,
    code::FQDN,
];

pub fn capability() -> impl Strategy<Value = Capability> {
    prop_oneof![
        family().prop_map(Capability::Multiprotocol),
        Just(Capability::RouteRefresh),
        vec(extended_next_hop(), 0..=42).prop_map(Capability::ExtendedNextHop),
        Just(Capability::ExtendedMessage),
        graceful_restart().prop_map(Capability::GracefulRestart),
        (1..=u32::MAX).prop_map(Capability::FourOctetAs),
        vec(add_path(), 0..=63).prop_map(Capability::AddPath),
        Just(Capability::EnhancedRouteRefresh),
        vec(llgr(), 0..=36).prop_map(Capability::LongLivedGracefulRestart),
        // At most 30 chars of up to 4 octets each: both names fit in 255 octets.
        ("\\PC{0,30}", "\\PC{0,30}")
            .prop_map(|(hostname, domain)| Capability::Fqdn { hostname, domain }),
        (
            any::<u8>().prop_filter("typed code", |c| !TYPED.contains(c)),
            vec(any::<u8>(), 0..=255)
        )
            .prop_map(|(code, value)| Capability::Unknown { code, value }),
    ]
}

pub fn open() -> impl Strategy<Value = Open> {
    let hold_time = prop_oneof![Just(0u16), 3..=u16::MAX];
    let param = vec(capability(), 0..8).prop_map(OptionalParameter::Capabilities);
    (
        1..=u16::MAX,
        hold_time,
        1..=u32::MAX,
        vec(param, 0..6),
        any::<bool>(),
    )
        .prop_map(|(my_as, hold_time, id, params, extended)| {
            let mut open = Open {
                my_as,
                hold_time,
                bgp_id: Ipv4Addr::from(id),
                params,
                extended_params: false,
            };
            // Decoding reports the flag only when the extended form was not needed.
            open.extended_params = extended && !open.uses_extended_params();
            open
        })
}
