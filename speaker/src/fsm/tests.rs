//! Layer: pure unit. One test per transition of the RFC 4271 §8 table we implement.

use std::net::Ipv4Addr;
use std::time::Duration;

use bgp_wire::AfiSafi;
use bgp_wire::capability::Capability;
use bgp_wire::message::notification::{CeaseSubcode, FsmSubcode, NotificationCode, OpenSubcode};
use bgp_wire::message::{Notification, Open};

use super::*;

const LOCAL_ID: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const REMOTE_ID: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

fn caps() -> Vec<Capability> {
    vec![
        Capability::Multiprotocol(AfiSafi::IPV4_UNICAST),
        Capability::Multiprotocol(AfiSafi::IPV4_FLOWSPEC),
        Capability::RouteRefresh,
    ]
}

fn config(passive: bool) -> SessionConfig {
    SessionConfig {
        local_asn: 65000,
        remote_asn: 65001,
        local_id: LOCAL_ID,
        local_open: Open::new(65000, 90, LOCAL_ID, caps()),
        keepalive: None,
        passive,
        connect_retry: Backoff::new(Duration::from_secs(1), Duration::from_secs(30)),
        idle_hold: Backoff::new(Duration::from_secs(1), Duration::from_secs(60)),
    }
}

fn peer_open(asn: u32, hold: u16) -> Event {
    Event::BgpOpen(Box::new(Open::new(asn, hold, REMOTE_ID, caps())))
}

fn sent_notification(actions: &[Action]) -> Option<(u8, u8)> {
    actions.iter().find_map(|a| match a {
        Action::SendNotification(n) => Some(n.code.pair()),
        _ => None,
    })
}

fn timer_started(actions: &[Action], timer: Timer) -> Option<Duration> {
    actions.iter().find_map(|a| match a {
        Action::StartTimer(t, d) if *t == timer => Some(*d),
        _ => None,
    })
}

/// Drives a fresh FSM to `target` through the normal active-open path.
fn fsm_in(target: State) -> Fsm {
    let mut fsm = Fsm::new(config(false));
    fsm.handle(Event::ManualStart);
    if target == State::Connect {
        return fsm;
    }
    fsm.handle(Event::TcpConnectionConfirmed);
    if target == State::OpenSent {
        return fsm;
    }
    fsm.handle(peer_open(65001, 30));
    if target == State::OpenConfirm {
        return fsm;
    }
    fsm.handle(Event::KeepAliveMsg);
    assert_eq!(fsm.state(), State::Established);
    fsm
}

#[test]
fn manual_start_dials_and_arms_connect_retry() {
    let mut fsm = Fsm::new(config(false));
    let a = fsm.handle(Event::ManualStart);
    assert_eq!(fsm.state(), State::Connect);
    assert!(a.contains(&Action::Connect));
    assert_eq!(
        timer_started(&a, Timer::ConnectRetry),
        Some(Duration::from_secs(1))
    );
}

#[test]
fn passive_start_waits_in_active_without_dialling() {
    let mut fsm = Fsm::new(config(true));
    let a = fsm.handle(Event::ManualStart);
    assert_eq!(fsm.state(), State::Active);
    assert!(!a.contains(&Action::Connect));
    let a = fsm.handle(Event::ConnectRetryTimerExpires);
    assert!(!a.contains(&Action::Connect));
    assert_eq!(fsm.state(), State::Active);
}

#[test]
fn passive_open_accepts_incoming_connection() {
    let mut fsm = Fsm::new(config(true));
    fsm.handle(Event::ManualStart);
    let a = fsm.handle(Event::TcpConnectionAcknowledged);
    assert_eq!(fsm.state(), State::OpenSent);
    assert!(matches!(a[1], Action::SendOpen(_)));
    assert_eq!(timer_started(&a, Timer::Hold), Some(OPEN_HOLD_TIME));
}

#[test]
fn idle_refuses_connections_and_ignores_messages() {
    let mut fsm = Fsm::new(config(false));
    assert_eq!(
        fsm.handle(Event::TcpConnectionAcknowledged),
        vec![Action::CloseConnection]
    );
    assert!(fsm.handle(Event::KeepAliveMsg).is_empty());
    assert_eq!(fsm.state(), State::Idle);
}

#[test]
fn connect_failure_moves_to_active_and_backs_off() {
    let mut fsm = fsm_in(State::Connect);
    fsm.handle(Event::TcpConnectionFails);
    assert_eq!(fsm.state(), State::Active);
    let a = fsm.handle(Event::ConnectRetryTimerExpires);
    assert_eq!(fsm.state(), State::Connect);
    assert!(a.contains(&Action::Connect));
    // One failure so far: the retry delay doubled.
    assert_eq!(
        timer_started(&a, Timer::ConnectRetry),
        Some(Duration::from_secs(2))
    );
}

#[test]
fn connect_retry_expiry_in_connect_dials_again() {
    let mut fsm = fsm_in(State::Connect);
    let a = fsm.handle(Event::ConnectRetryTimerExpires);
    assert_eq!(fsm.state(), State::Connect);
    assert!(a.contains(&Action::Connect));
}

#[test]
fn stop_before_open_goes_idle_without_notification() {
    let mut fsm = fsm_in(State::Connect);
    let a = fsm.handle(Event::Stop(StopReason::AdminShutdown(None)));
    assert_eq!(fsm.state(), State::Idle);
    assert_eq!(sent_notification(&a), None);
}

#[test]
fn message_before_open_is_dropped_and_retried_later() {
    let mut fsm = fsm_in(State::Connect);
    let a = fsm.handle(Event::KeepAliveMsg);
    assert_eq!(fsm.state(), State::Idle);
    assert!(timer_started(&a, Timer::IdleHold).is_some());
    fsm.handle(Event::IdleHoldTimerExpires);
    assert_eq!(fsm.state(), State::Connect);
}

#[test]
fn valid_open_negotiates_hold_time_and_sends_keepalive() {
    let mut fsm = fsm_in(State::OpenSent);
    let a = fsm.handle(peer_open(65001, 30));
    assert_eq!(fsm.state(), State::OpenConfirm);
    assert!(a.contains(&Action::SendKeepalive));
    assert_eq!(
        timer_started(&a, Timer::Hold),
        Some(Duration::from_secs(30))
    );
    assert_eq!(
        timer_started(&a, Timer::Keepalive),
        Some(Duration::from_secs(10))
    );
    let n = fsm.negotiated().expect("negotiated");
    assert_eq!(n.hold_time, 30);
}

#[test]
fn zero_hold_time_disables_keepalives() {
    let mut fsm = fsm_in(State::OpenSent);
    let a = fsm.handle(peer_open(65001, 0));
    assert_eq!(timer_started(&a, Timer::Keepalive), None);
    assert!(a.contains(&Action::StopTimer(Timer::Hold)));
}

#[test]
fn wrong_peer_as_is_bad_peer_as() {
    let mut fsm = fsm_in(State::OpenSent);
    let a = fsm.handle(peer_open(65099, 90));
    assert_eq!(fsm.state(), State::Idle);
    assert_eq!(sent_notification(&a), Some((2, 2)));
}

#[test]
fn ibgp_peer_with_our_router_id_is_bad_identifier() {
    let mut cfg = config(false);
    cfg.remote_asn = 65000;
    let open = Open::new(65000, 90, LOCAL_ID, caps());
    assert_eq!(
        check_open(&cfg, &open).map_err(|n| n.code),
        Err(NotificationCode::Open(OpenSubcode::BadBgpIdentifier))
    );
}

#[test]
fn hold_timer_expiry_in_open_sent_notifies() {
    let mut fsm = fsm_in(State::OpenSent);
    let a = fsm.handle(Event::HoldTimerExpires);
    assert_eq!(sent_notification(&a), Some((4, 0)));
    assert_eq!(fsm.state(), State::Idle);
}

#[test]
fn keepalive_in_open_sent_is_an_fsm_error() {
    let mut fsm = fsm_in(State::OpenSent);
    let a = fsm.handle(Event::KeepAliveMsg);
    let code = NotificationCode::Fsm(FsmSubcode::UnexpectedMessageInOpenSent).pair();
    assert_eq!(sent_notification(&a), Some(code));
}

#[test]
fn connection_loss_in_open_sent_returns_to_active() {
    let mut fsm = fsm_in(State::OpenSent);
    fsm.handle(Event::TcpConnectionFails);
    assert_eq!(fsm.state(), State::Active);
}

#[test]
fn keepalive_in_open_confirm_establishes() {
    let mut fsm = fsm_in(State::OpenConfirm);
    let a = fsm.handle(Event::KeepAliveMsg);
    assert_eq!(fsm.state(), State::Established);
    assert!(a.iter().any(|x| matches!(x, Action::SessionEstablished(_))));
}

#[test]
fn update_in_open_confirm_is_an_fsm_error() {
    let mut fsm = fsm_in(State::OpenConfirm);
    let a = fsm.handle(Event::UpdateMsg);
    let code = NotificationCode::Fsm(FsmSubcode::UnexpectedMessageInOpenConfirm).pair();
    assert_eq!(sent_notification(&a), Some(code));
}

#[test]
fn notification_in_open_confirm_closes_without_answer() {
    let mut fsm = fsm_in(State::OpenConfirm);
    let n = Notification::new(NotificationCode::Cease(CeaseSubcode::Unspecific), vec![]);
    let a = fsm.handle(Event::NotifMsg(n));
    assert_eq!(sent_notification(&a), None);
    assert_eq!(fsm.state(), State::Idle);
}

#[test]
fn keepalive_timer_sends_keepalive_and_rearms() {
    let mut fsm = fsm_in(State::Established);
    let a = fsm.handle(Event::KeepaliveTimerExpires);
    assert_eq!(a[0], Action::SendKeepalive);
    assert_eq!(
        timer_started(&a, Timer::Keepalive),
        Some(Duration::from_secs(10))
    );
}

#[test]
fn messages_in_established_restart_hold_timer() {
    let mut fsm = fsm_in(State::Established);
    for ev in [
        Event::KeepAliveMsg,
        Event::UpdateMsg,
        Event::RouteRefreshMsg,
    ] {
        let a = fsm.handle(ev);
        assert_eq!(
            timer_started(&a, Timer::Hold),
            Some(Duration::from_secs(30))
        );
    }
}

#[test]
fn hold_timer_expiry_in_established_notifies_and_reports_down() {
    let mut fsm = fsm_in(State::Established);
    let a = fsm.handle(Event::HoldTimerExpires);
    assert_eq!(sent_notification(&a), Some((4, 0)));
    assert!(a.contains(&Action::SessionDown(DownReason::HoldTimerExpired)));
    assert!(timer_started(&a, Timer::IdleHold).is_some());
}

#[test]
fn admin_shutdown_sends_rfc9003_message_and_does_not_restart() {
    let mut fsm = fsm_in(State::Established);
    let a = fsm.handle(Event::Stop(StopReason::AdminShutdown(Some("bye".into()))));
    let sent = a.iter().find_map(|x| match x {
        Action::SendNotification(n) => Some(n.clone()),
        _ => None,
    });
    assert_eq!(
        sent.as_ref().and_then(|n| n.shutdown_message()),
        Some("bye")
    );
    assert_eq!(timer_started(&a, Timer::IdleHold), None);
    assert_eq!(fsm.state(), State::Idle);
}

#[test]
fn deconfigure_and_max_prefix_use_their_cease_subcodes() {
    let mut fsm = fsm_in(State::Established);
    let a = fsm.handle(Event::Stop(StopReason::Deconfigured));
    assert_eq!(sent_notification(&a), Some((6, 3)));
    let mut fsm = fsm_in(State::Established);
    let reason = StopReason::MaxPrefixes {
        family: AfiSafi::IPV4_UNICAST,
        limit: 100,
    };
    let a = fsm.handle(Event::Stop(reason));
    let sent = a.iter().find_map(|x| match x {
        Action::SendNotification(n) => Some(n.clone()),
        _ => None,
    });
    let n = sent.expect("notification");
    assert_eq!(n.code.pair(), (6, 1));
    assert_eq!(n.data, vec![0, 1, 1, 0, 0, 0, 100]);
}

#[test]
fn decode_error_in_established_sends_the_decoders_notification() {
    let mut fsm = fsm_in(State::Established);
    let n = Notification::new(
        NotificationCode::Update(bgp_wire::message::notification::UpdateSubcode::MalformedAsPath),
        vec![],
    );
    let a = fsm.handle(Event::MessageError(n));
    assert_eq!(sent_notification(&a), Some((3, 11)));
}

#[test]
fn open_in_established_is_an_fsm_error() {
    let mut fsm = fsm_in(State::Established);
    let a = fsm.handle(peer_open(65001, 30));
    let code = NotificationCode::Fsm(FsmSubcode::UnexpectedMessageInEstablished).pair();
    assert_eq!(sent_notification(&a), Some(code));
}

#[test]
fn failures_grow_the_idle_hold_and_establishment_resets_it() {
    let mut fsm = fsm_in(State::Established);
    let a = fsm.handle(Event::TcpConnectionFails);
    assert_eq!(
        timer_started(&a, Timer::IdleHold),
        Some(Duration::from_secs(2))
    );
    fsm.handle(Event::IdleHoldTimerExpires);
    fsm.handle(Event::TcpConnectionConfirmed);
    let a = fsm.handle(Event::HoldTimerExpires);
    assert_eq!(
        timer_started(&a, Timer::IdleHold),
        Some(Duration::from_secs(4))
    );
    assert_eq!(fsm.connect_retry_counter(), 2);
    fsm.handle(Event::IdleHoldTimerExpires);
    fsm.handle(Event::TcpConnectionConfirmed);
    fsm.handle(peer_open(65001, 30));
    fsm.handle(Event::KeepAliveMsg);
    assert_eq!(fsm.connect_retry_counter(), 0);
}

#[test]
fn stop_while_idle_after_an_error_cancels_the_automatic_restart() {
    let mut fsm = fsm_in(State::Established);
    let a = fsm.handle(Event::HoldTimerExpires);
    assert!(timer_started(&a, Timer::IdleHold).is_some());
    let a = fsm.handle(Event::Stop(StopReason::AdminShutdown(None)));
    assert!(a.contains(&Action::StopTimer(Timer::IdleHold)));
    assert_eq!(fsm.connect_retry_counter(), 0);
    assert_eq!(fsm.state(), State::Idle);
}
