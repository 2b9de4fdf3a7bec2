//! The BGP session state machine of RFC 4271 §8, pure: events in, actions out.
//!
//! No sockets, clocks or tokio in here. The peer task feeds [`Event`]s (TCP outcomes, decoded
//! messages, timer expiries) and carries out the [`Action`]s (connect, send, start/stop a
//! timer, report the session up or down). That keeps every transition testable in
//! microseconds, as in rustybgp and holo-bgp. Event names carry the RFC 4271 event numbers.

mod action;
mod backoff;
mod collision;
mod event;
mod open_check;
mod state;
#[cfg(test)]
mod tests;

pub use action::{Action, DownReason, Timer};
pub use backoff::Backoff;
pub use collision::{Collision, resolve_collision};
pub use event::{Event, StopReason};
pub use open_check::check_open;
pub use state::State;

use std::net::Ipv4Addr;
use std::time::Duration;

use bgp_wire::capability::{Negotiated, negotiate};
use bgp_wire::message::notification::{CeaseSubcode, FsmSubcode, NotificationCode};
use bgp_wire::message::{Notification, Open};

/// RFC 4271 §8: the hold timer runs with a "large value" until the peer's OPEN arrives.
pub const OPEN_HOLD_TIME: Duration = Duration::from_secs(240);

/// What the FSM needs to know about the session it runs.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub local_asn: u32,
    pub remote_asn: u32,
    pub local_id: Ipv4Addr,
    /// Our OPEN, capabilities included; its hold time is the one we propose.
    pub local_open: Open,
    /// Configured keepalive interval; `None` means a third of the negotiated hold time.
    pub keepalive: Option<u16>,
    /// Never initiate a connection, only accept.
    pub passive: bool,
    pub connect_retry: Backoff,
    /// Delay before an automatic restart after the session fell to Idle on an error.
    pub idle_hold: Backoff,
}

/// One BGP session's state machine.
#[derive(Debug, Clone)]
pub struct Fsm {
    cfg: SessionConfig,
    state: State,
    /// RFC 4271 ConnectRetryCounter: consecutive failures, drives both back-offs.
    connect_retry_counter: u32,
    negotiated: Option<Negotiated>,
}

impl Fsm {
    pub fn new(cfg: SessionConfig) -> Self {
        Fsm {
            cfg,
            state: State::Idle,
            connect_retry_counter: 0,
            negotiated: None,
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// What was agreed with the peer; `Some` from OpenConfirm on.
    pub fn negotiated(&self) -> Option<&Negotiated> {
        self.negotiated.as_ref()
    }

    pub fn connect_retry_counter(&self) -> u32 {
        self.connect_retry_counter
    }

    /// Feeds one event and returns what to do, in order.
    pub fn handle(&mut self, event: Event) -> Vec<Action> {
        let mut out = Vec::new();
        match self.state {
            State::Idle => self.idle(event, &mut out),
            State::Connect | State::Active => self.connecting(event, &mut out),
            State::OpenSent => self.open_sent(event, &mut out),
            State::OpenConfirm => self.open_confirm(event, &mut out),
            State::Established => self.established(event, &mut out),
        }
        out
    }

    fn idle(&mut self, event: Event, out: &mut Vec<Action>) {
        match event {
            Event::ManualStart | Event::AutomaticStart | Event::IdleHoldTimerExpires => {
                self.start(out)
            }
            // Nobody should hand us a connection while we are stopped: refuse it.
            Event::TcpConnectionAcknowledged | Event::TcpConnectionConfirmed => {
                out.push(Action::CloseConnection)
            }
            // An operator stop after an error must also cancel the automatic restart.
            Event::Stop(_) => {
                out.push(Action::StopTimer(Timer::IdleHold));
                self.connect_retry_counter = 0;
            }
            _ => {}
        }
    }

    /// Event 1/3: leave Idle, dial unless passive.
    fn start(&mut self, out: &mut Vec<Action>) {
        out.push(Action::StopTimer(Timer::IdleHold));
        let delay = self.cfg.connect_retry.delay(self.connect_retry_counter);
        out.push(Action::StartTimer(Timer::ConnectRetry, delay));
        if self.cfg.passive {
            self.state = State::Active;
        } else {
            self.state = State::Connect;
            out.push(Action::Connect);
        }
    }

    /// Connect and Active differ only in whether a dial is under way.
    fn connecting(&mut self, event: Event, out: &mut Vec<Action>) {
        match event {
            Event::Stop(reason) => self.stop_quietly(reason, out),
            Event::ConnectRetryTimerExpires => {
                let delay = self.cfg.connect_retry.delay(self.connect_retry_counter);
                out.push(Action::StartTimer(Timer::ConnectRetry, delay));
                if !self.cfg.passive {
                    self.state = State::Connect;
                    out.push(Action::Connect);
                }
            }
            Event::TcpConnectionConfirmed | Event::TcpConnectionAcknowledged => {
                out.push(Action::StopTimer(Timer::ConnectRetry));
                out.push(Action::SendOpen(self.cfg.local_open.clone()));
                out.push(Action::StartTimer(Timer::Hold, OPEN_HOLD_TIME));
                self.state = State::OpenSent;
            }
            Event::TcpConnectionFails => {
                // Keep the ConnectRetry timer running; its expiry dials again.
                self.connect_retry_counter = self.connect_retry_counter.saturating_add(1);
                self.state = State::Active;
            }
            Event::ManualStart | Event::AutomaticStart | Event::IdleHoldTimerExpires => {}
            other => self.fsm_error_without_session(other, out),
        }
    }

    fn open_sent(&mut self, event: Event, out: &mut Vec<Action>) {
        match event {
            Event::BgpOpen(open) => self.receive_open(&open, out),
            Event::TcpConnectionFails => {
                out.push(Action::CloseConnection);
                out.push(Action::StopTimer(Timer::Hold));
                let delay = self.cfg.connect_retry.delay(self.connect_retry_counter);
                out.push(Action::StartTimer(Timer::ConnectRetry, delay));
                self.state = State::Active;
            }
            other => self.common_after_connect(other, FsmSubcode::UnexpectedMessageInOpenSent, out),
        }
    }

    fn open_confirm(&mut self, event: Event, out: &mut Vec<Action>) {
        match event {
            Event::KeepAliveMsg => {
                self.restart_hold(out);
                self.state = State::Established;
                self.connect_retry_counter = 0;
                if let Some(n) = &self.negotiated {
                    out.push(Action::SessionEstablished(Box::new(n.clone())));
                }
            }
            Event::KeepaliveTimerExpires => self.send_keepalive(out),
            other => {
                self.common_after_connect(other, FsmSubcode::UnexpectedMessageInOpenConfirm, out)
            }
        }
    }

    fn established(&mut self, event: Event, out: &mut Vec<Action>) {
        match event {
            Event::KeepAliveMsg | Event::UpdateMsg | Event::RouteRefreshMsg => {
                self.restart_hold(out)
            }
            Event::KeepaliveTimerExpires => self.send_keepalive(out),
            // A second connection is the collision logic's business, not this session's.
            Event::TcpConnectionAcknowledged | Event::TcpConnectionConfirmed => {}
            other => {
                self.common_after_connect(other, FsmSubcode::UnexpectedMessageInEstablished, out)
            }
        }
    }

    /// Handling shared by OpenSent, OpenConfirm and Established.
    fn common_after_connect(
        &mut self,
        event: Event,
        unexpected: FsmSubcode,
        out: &mut Vec<Action>,
    ) {
        match event {
            Event::Stop(reason) => {
                let n = reason.notification();
                self.drop_session(Some(n), DownReason::Stopped(reason), out);
                // An operator stop is not a failure: no automatic restart, counter cleared.
                self.connect_retry_counter = 0;
                out.push(Action::StopTimer(Timer::IdleHold));
            }
            Event::HoldTimerExpires => {
                let n = Notification::new(NotificationCode::HoldTimerExpired(0), Vec::new());
                self.fail(Some(n), DownReason::HoldTimerExpired, out);
            }
            Event::TcpConnectionFails => self.fail(None, DownReason::ConnectionLost, out),
            Event::NotifMsg(n) => self.fail(None, DownReason::NotificationReceived(n), out),
            Event::NotifMsgVerErr => self.fail(None, DownReason::ConnectionLost, out),
            Event::MessageError(n) => {
                self.fail(Some(n.clone()), DownReason::NotificationSent(n), out)
            }
            Event::ManualStart
            | Event::AutomaticStart
            | Event::IdleHoldTimerExpires
            | Event::ConnectRetryTimerExpires
            | Event::TcpConnectionAcknowledged
            | Event::TcpConnectionConfirmed => {}
            _ => {
                let n = Notification::new(NotificationCode::Fsm(unexpected), Vec::new());
                self.fail(Some(n.clone()), DownReason::NotificationSent(n), out);
            }
        }
    }

    /// Event 19 in OpenSent: validate, negotiate, answer with KEEPALIVE.
    fn receive_open(&mut self, open: &Open, out: &mut Vec<Action>) {
        if let Err(n) = check_open(&self.cfg, open) {
            self.fail(Some(n.clone()), DownReason::NotificationSent(n), out);
            return;
        }
        let negotiated = negotiate(&self.cfg.local_open, open);
        out.push(Action::StopTimer(Timer::ConnectRetry));
        out.push(Action::SendKeepalive);
        self.negotiated = Some(negotiated);
        self.start_keepalive(out);
        self.restart_hold(out);
        self.state = State::OpenConfirm;
    }

    fn hold_time(&self) -> u16 {
        self.negotiated.as_ref().map_or(0, |n| n.hold_time)
    }

    /// RFC 4271 §10: keepalive a third of the hold time unless configured shorter.
    fn keepalive_interval(&self) -> Option<Duration> {
        let hold = self.hold_time();
        if hold == 0 {
            return None;
        }
        let third = (hold / 3).max(1);
        let ka = self.cfg.keepalive.map_or(third, |k| k.clamp(1, third));
        Some(Duration::from_secs(u64::from(ka)))
    }

    fn start_keepalive(&self, out: &mut Vec<Action>) {
        if let Some(ka) = self.keepalive_interval() {
            out.push(Action::StartTimer(Timer::Keepalive, ka));
        }
    }

    fn send_keepalive(&self, out: &mut Vec<Action>) {
        out.push(Action::SendKeepalive);
        self.start_keepalive(out);
    }

    fn restart_hold(&self, out: &mut Vec<Action>) {
        match self.hold_time() {
            0 => out.push(Action::StopTimer(Timer::Hold)),
            h => out.push(Action::StartTimer(
                Timer::Hold,
                Duration::from_secs(u64::from(h)),
            )),
        }
    }

    /// Leaves the session because of an error: NOTIFICATION (if any), close, back to Idle,
    /// and an automatic restart after the idle hold back-off.
    fn fail(&mut self, notification: Option<Notification>, why: DownReason, out: &mut Vec<Action>) {
        self.drop_session(notification, why, out);
        self.connect_retry_counter = self.connect_retry_counter.saturating_add(1);
        let delay = self.cfg.idle_hold.delay(self.connect_retry_counter);
        out.push(Action::StartTimer(Timer::IdleHold, delay));
    }

    fn drop_session(
        &mut self,
        notification: Option<Notification>,
        why: DownReason,
        out: &mut Vec<Action>,
    ) {
        if let Some(n) = notification {
            out.push(Action::SendNotification(n));
        }
        out.push(Action::CloseConnection);
        for t in [Timer::ConnectRetry, Timer::Hold, Timer::Keepalive] {
            out.push(Action::StopTimer(t));
        }
        if self.state == State::Established {
            out.push(Action::SessionDown(why));
        }
        self.negotiated = None;
        self.state = State::Idle;
    }

    /// Stop while no session exists yet: nothing to notify.
    fn stop_quietly(&mut self, _reason: StopReason, out: &mut Vec<Action>) {
        out.push(Action::CloseConnection);
        out.push(Action::StopTimer(Timer::ConnectRetry));
        self.connect_retry_counter = 0;
        self.state = State::Idle;
    }

    /// Messages or timers that cannot happen before OPEN: drop the attempt, retry later.
    fn fsm_error_without_session(&mut self, _event: Event, out: &mut Vec<Action>) {
        out.push(Action::CloseConnection);
        out.push(Action::StopTimer(Timer::ConnectRetry));
        self.fail(None, DownReason::ConnectionLost, out);
    }
}

/// The Cease subcode an operator-initiated stop sends.
impl StopReason {
    pub fn notification(&self) -> Notification {
        match self {
            StopReason::AdminShutdown(Some(msg)) => {
                Notification::cease_with_message(CeaseSubcode::AdministrativeShutdown, msg)
            }
            StopReason::AdminShutdown(None) => cease(CeaseSubcode::AdministrativeShutdown),
            StopReason::AdminReset => cease(CeaseSubcode::AdministrativeReset),
            StopReason::Deconfigured => cease(CeaseSubcode::PeerDeconfigured),
            StopReason::MaxPrefixes { family, limit } => {
                // RFC 4486 §4: AFI, SAFI and the upper bound.
                let mut data = family.afi.to_u16().to_be_bytes().to_vec();
                data.push(family.safi.to_u8());
                data.extend_from_slice(&limit.to_be_bytes());
                Notification::new(
                    NotificationCode::Cease(CeaseSubcode::MaximumPrefixesReached),
                    data,
                )
            }
            StopReason::ConnectionCollision => cease(CeaseSubcode::ConnectionCollisionResolution),
        }
    }
}

fn cease(subcode: CeaseSubcode) -> Notification {
    Notification::new(NotificationCode::Cease(subcode), Vec::new())
}
