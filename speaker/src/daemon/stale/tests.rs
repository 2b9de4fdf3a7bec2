//! The deadline bookkeeping on its own, then the core driven through the same events the
//! sessions send (no sockets): BoRR, re-sent routes, a missing EoRR, the deadline passing.

use std::net::SocketAddr;

use bgp_wire::attribute::{AsPath, Origin, PathAttributes};
use bgp_wire::capability::{Capability, negotiate};
use bgp_wire::message::route_refresh::{RefreshSubtype, RouteRefresh};
use bgp_wire::message::{Open, Update};
use bgp_wire::nlri::PathPrefix;

use super::*;
use crate::daemon::core::{Core, speaker_info};
use crate::fsm::DownReason;
use crate::peer::session::LocalIdentity;
use crate::peer::{PeerEvent, PeerManager};
use crate::telemetry::Metrics;

const V4: AfiSafi = AfiSafi::IPV4_UNICAST;
const V6: AfiSafi = AfiSafi::IPV6_UNICAST;
const MIN: Duration = Duration::from_secs(60);

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn borr_starts_eorr_clears() {
    let mut d = StaleDeadlines::default();
    let t0 = Instant::now();
    assert_eq!(d.next(), None);
    d.begin(ip("192.0.2.2"), V4, t0, MIN);
    assert_eq!(d.next(), Some(t0 + MIN));
    d.end(ip("192.0.2.2"), V4);
    assert_eq!(d.next(), None);
    assert!(
        d.take_expired(t0 + 2 * MIN).is_empty(),
        "nothing left to expire"
    );
}

#[test]
fn a_second_borr_restarts_the_deadline() {
    let mut d = StaleDeadlines::default();
    let t0 = Instant::now();
    d.begin(ip("192.0.2.2"), V4, t0, MIN);
    d.begin(ip("192.0.2.2"), V4, t0 + MIN / 2, MIN);
    assert_eq!(d.next(), Some(t0 + MIN + MIN / 2));
    assert!(
        d.take_expired(t0 + MIN).is_empty(),
        "the first deadline is gone"
    );
    assert_eq!(d.len(), 1);
}

#[test]
fn session_down_clears_only_that_peers_deadlines() {
    let mut d = StaleDeadlines::default();
    let t0 = Instant::now();
    d.begin(ip("192.0.2.2"), V4, t0, MIN);
    d.begin(ip("192.0.2.2"), V6, t0, MIN);
    d.begin(ip("192.0.2.3"), V4, t0, 2 * MIN);
    d.forget_peer(ip("192.0.2.2"));
    assert_eq!(d.len(), 1);
    assert_eq!(d.next(), Some(t0 + 2 * MIN));
}

#[test]
fn only_passed_deadlines_expire_each_once_earliest_first() {
    let mut d = StaleDeadlines::default();
    let t0 = Instant::now();
    d.begin(ip("192.0.2.3"), V4, t0, MIN);
    d.begin(ip("192.0.2.2"), V6, t0, MIN);
    d.begin(ip("192.0.2.2"), V4, t0, 3 * MIN);
    assert_eq!(d.next(), Some(t0 + MIN));
    assert!(
        d.take_expired(t0 + MIN - Duration::from_millis(1))
            .is_empty()
    );
    let gone = d.take_expired(t0 + MIN);
    assert_eq!(gone, vec![(ip("192.0.2.2"), V6), (ip("192.0.2.3"), V4)]);
    assert!(d.take_expired(t0 + MIN).is_empty(), "taken once");
    assert_eq!(d.next(), Some(t0 + 3 * MIN));
    assert!(!d.is_empty());
}

// --- The core, fed the sessions' events. ---

const PEER: &str = "192.0.2.2";
const DEFAULT: Duration = crate::config::DEFAULT_STALE_ROUTE_TIMEOUT;

fn local() -> LocalIdentity {
    LocalIdentity {
        asn: 65000,
        router_id: "192.0.2.1".parse().unwrap(),
    }
}

/// A core with no listener and no session tasks.
fn core(peers: PeerManager) -> Core {
    let info = speaker_info(65000, local().router_id, None);
    Core::new(peers, info, Metrics::new(|_| {}))
}

/// `PEER` (eBGP 65001, enhanced route refresh) reaches Established.
fn established() -> PeerEvent {
    let caps = vec![
        Capability::Multiprotocol(V4),
        Capability::RouteRefresh,
        Capability::EnhancedRouteRefresh,
    ];
    let ours = Open::new(65000, 90, local().router_id, caps.clone());
    let theirs = Open::new(65001, 90, "192.0.2.2".parse().unwrap(), caps);
    let negotiated = negotiate(&ours, &theirs);
    assert!(negotiated.enhanced_route_refresh);
    PeerEvent::Established {
        peer: ip(PEER),
        negotiated: Box::new(negotiated),
        local: SocketAddr::new(ip("192.0.2.1"), 179),
    }
}

fn core_with_peer() -> Core {
    let (peers, _events) = PeerManager::new(local(), None).unwrap();
    let mut core = core(peers);
    core.on_peer_event(established());
    core
}

fn update(prefix: &str) -> PeerEvent {
    let attrs = PathAttributes {
        origin: Some(Origin::Igp),
        as_path: Some(AsPath::from_sequence(vec![65001])),
        next_hop: Some("192.0.2.2".parse().unwrap()),
        ..PathAttributes::default()
    };
    let update = Update {
        attributes: std::sync::Arc::new(attrs),
        nlri: vec![PathPrefix::new(prefix.parse().unwrap())],
        ..Update::default()
    };
    PeerEvent::Update {
        peer: ip(PEER),
        update: Box::new(update),
    }
}

fn refresh_event(subtype: RefreshSubtype) -> PeerEvent {
    let refresh = RouteRefresh {
        family: V4,
        subtype,
    };
    PeerEvent::RouteRefresh {
        peer: ip(PEER),
        refresh,
    }
}

fn announce(core: &mut Core, prefix: &str) {
    core.on_peer_event(update(prefix));
}

fn refresh(core: &mut Core, subtype: RefreshSubtype) {
    core.on_peer_event(refresh_event(subtype));
}

fn received(core: &Core) -> Vec<String> {
    let routes = core.rib.received_routes(ip(PEER)).unwrap_or_default();
    let mut v: Vec<String> = routes.iter().map(|r| r.key.prefix.to_string()).collect();
    v.sort();
    v
}

const TIMEOUT_METRIC: &str =
    "rustbgpd_route_refresh_stale_timeouts_total{neighbor=\"192.0.2.2\",family=\"ipv4_unicast\"}";

#[tokio::test]
async fn a_missing_eorr_purges_only_what_was_not_sent_again() {
    let mut core = core_with_peer();
    announce(&mut core, "203.0.113.0/25");
    announce(&mut core, "203.0.113.128/25");
    let before = Instant::now();
    refresh(&mut core, RefreshSubtype::Begin);
    let due = core.stale.next().expect("BoRR starts a deadline");
    assert!(due >= before + DEFAULT && due <= Instant::now() + DEFAULT);
    announce(&mut core, "203.0.113.0/25");
    assert_eq!(core.rib.stale_count(ip(PEER), V4), 1);

    // Not yet: nothing is purged and the deadline stays.
    core.on_stale_deadlines(due - Duration::from_secs(1));
    assert_eq!(received(&core), ["203.0.113.0/25", "203.0.113.128/25"]);
    assert_eq!(core.stale.next(), Some(due));
    assert!(!core.metrics.render().contains(TIMEOUT_METRIC));

    core.on_stale_deadlines(due);
    assert_eq!(
        received(&core),
        ["203.0.113.0/25"],
        "the re-sent route stays"
    );
    assert_eq!(core.rib.stale_count(ip(PEER), V4), 0);
    assert_eq!(core.stale.next(), None);
    let text = core.metrics.render();
    assert!(text.contains(&format!("{TIMEOUT_METRIC} 1")), "{text}");

    // The EoRR arriving late removes nothing more.
    refresh(&mut core, RefreshSubtype::End);
    assert_eq!(received(&core), ["203.0.113.0/25"]);
}

#[tokio::test]
async fn eorr_in_time_or_session_down_leaves_no_deadline() {
    let mut core = core_with_peer();
    announce(&mut core, "203.0.113.0/25");
    refresh(&mut core, RefreshSubtype::Begin);
    assert_eq!(core.stale.len(), 1);
    refresh(&mut core, RefreshSubtype::End);
    assert_eq!(core.stale.next(), None, "EoRR clears it");
    assert_eq!(
        received(&core),
        Vec::<String>::new(),
        "EoRR purged the stale route"
    );

    announce(&mut core, "203.0.113.0/25");
    refresh(&mut core, RefreshSubtype::Begin);
    let first = core.stale.next().unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    refresh(&mut core, RefreshSubtype::Begin);
    let second = core.stale.next().unwrap();
    assert!(second > first, "a second BoRR restarts the deadline");
    core.on_stale_deadlines(first);
    assert_eq!(
        received(&core),
        ["203.0.113.0/25"],
        "the old deadline no longer fires"
    );

    core.on_peer_event(PeerEvent::Down {
        peer: ip(PEER),
        reason: DownReason::ConnectionLost,
    });
    assert_eq!(core.stale.next(), None, "session down clears it");
    assert!(!core.metrics.render().contains(TIMEOUT_METRIC));
}

/// The running core wakes itself at the neighbor's configured deadline (no call from the
/// test): `stale_route_timeout = 1` from the config file, events through the channel.
#[tokio::test]
async fn the_running_core_purges_at_the_configured_timeout() {
    let text = "[global]\nasn = 65000\nrouter_id = \"192.0.2.1\"\nlisten_port = 0\n\
                [[neighbors]]\naddress = \"192.0.2.2\"\nremote_asn = 65001\n\
                passive = true\nenabled = false\nstale_route_timeout = 1\n";
    let config = crate::config::parse(text, "t.toml").unwrap();
    let (mut peers, _session_events) = PeerManager::new(local(), None).unwrap();
    peers.add(config.neighbors[0].clone());
    let core = core(peers);
    let metrics = core.metrics.clone();
    let (handle, commands) = crate::command::SpeakerHandle::channel(16);
    let (events, events_rx) = tokio::sync::mpsc::unbounded_channel();
    let (stop, stop_rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(core.run(commands, events_rx, stop_rx));

    for ev in [
        established(),
        update("203.0.113.0/25"),
        update("203.0.113.128/25"),
    ] {
        events.send(ev).unwrap();
    }
    let borr_at = Instant::now();
    events.send(refresh_event(RefreshSubtype::Begin)).unwrap();
    events.send(update("203.0.113.0/25")).unwrap();

    let query = crate::command::RouteQuery {
        family: None,
        prefix: None,
        include_more_specifics: true,
        page_size: 100,
        page_token: String::new(),
    };
    let table = crate::command::RibTable::Received(ip(PEER));
    let mut seen = Vec::new();
    for _ in 0..100 {
        // The core may answer before it has handled the events ("not up" yet).
        if let Ok(page) = handle.list_routes(table, query.clone()).await {
            seen = page.items.iter().map(|r| format!("{:?}", r.nlri)).collect();
            if seen.len() == 1 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].contains("203.0.113.0/25"), "{seen:?}");
    assert!(
        Instant::now() >= borr_at + Duration::from_secs(1),
        "purged before the deadline"
    );
    let text = metrics.render();
    assert!(text.contains(&format!("{TIMEOUT_METRIC} 1")), "{text}");

    let _ = stop.send(());
    let peers = task.await.unwrap();
    peers.shutdown(None).await;
}
