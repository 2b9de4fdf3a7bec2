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
