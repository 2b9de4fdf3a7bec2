//! A session's live state → the API's [`NeighborInfo`].

use std::net::IpAddr;

use super::families::from_afi_safi;
use crate::command::{
    FamilyCounters, MessageCounters, NegotiatedCaps, NeighborConfig, NeighborInfo,
    NotificationRecord,
};
use crate::fsm::State;
use crate::peer::PeerManager;
use crate::rib::Rib;

pub fn neighbor_info(peers: &PeerManager, rib: &Rib, address: IpAddr) -> Option<NeighborInfo> {
    let handle = peers.get(&address)?;
    let neighbor = peers.neighbor(&address)?.clone();
    let s = handle.status();
    let families = rib
        .counters(address)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(fam, c)| {
            Some(FamilyCounters {
                family: from_afi_safi(fam)?,
                received: c.received,
                accepted: c.accepted,
                advertised: c.advertised,
            })
        })
        .collect();
    let negotiated = s.negotiated.as_ref().map(|n| NegotiatedCaps {
        families: n
            .families
            .iter()
            .filter_map(|f| from_afi_safi(*f))
            .collect(),
        four_octet_as: n.four_octet_as,
        route_refresh: n.route_refresh,
        enhanced_route_refresh: n.enhanced_route_refresh,
        add_path: Vec::new(),
        hold_time: n.hold_time,
        keepalive_time: neighbor.keepalive_for(n.hold_time),
        extended_message: n.extended_message,
        graceful_restart: n.peer_graceful_restart.is_some(),
        remote_capabilities: Vec::new(),
    });
    let record = |r: &Option<(bgp_wire::message::Notification, std::time::SystemTime)>| {
        r.as_ref().map(|(n, at)| NotificationRecord {
            notification: n.clone(),
            at: *at,
        })
    };
    Some(NeighborInfo {
        state: s.state,
        admin_enabled: s.admin_up,
        admin_shutdown_message: None,
        established_since: s.established_at.filter(|_| s.state == State::Established),
        last_established: s.established_at,
        established_transitions: s.established_transitions,
        remote_router_id: s.negotiated.as_ref().map(|n| n.peer_bgp_id),
        local: s.endpoints.map(|(l, _)| l),
        remote: s.endpoints.map(|(_, r)| r),
        negotiated,
        families,
        messages_received: MessageCounters {
            update: s.updates_in,
            route_refresh: s.route_refresh_in,
            ..MessageCounters::default()
        },
        messages_sent: MessageCounters {
            update: s.updates_out,
            route_refresh: s.route_refresh_out,
            ..MessageCounters::default()
        },
        last_notification_sent: record(&s.last_notification_sent),
        last_notification_received: record(&s.last_notification_received),
        last_error: s.last_error.clone(),
        config: NeighborConfig {
            neighbor,
            peer_group: None,
            ttl_security: false,
        },
    })
}
