//! The per-neighbor task: owns the [`Fsm`], its timers and the connection, turns socket
//! activity and commands into FSM events and carries out the FSM's actions.
//!
//! Connection collisions (RFC 4271 §6.8): a connection that arrives while ours is in
//! OpenSent/OpenConfirm is parked until its OPEN tells the peer's BGP Identifier; then
//! [`resolve_collision`] picks the survivor and the loser gets Cease/Connection Collision
//! Resolution. While Established, new connections are closed at once.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime};

use bgp_wire::capability::Capability;
use bgp_wire::message::notification::{CeaseSubcode, NotificationCode, OpenSubcode};
use bgp_wire::message::{Message, Notification, Open, RouteRefresh};
use bgp_wire::{AfiSafi, CodecContext, DecodeError};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use super::conn::{Conn, Frame};
use super::timers::Timers;
use super::transport::{self, TransportOptions};
use super::{PeerCommand, PeerEvent, PeerStatus};
use crate::config::Neighbor;
use crate::fsm::{
    Action, Backoff, Collision, Event, Fsm, SessionConfig, State, StopReason, resolve_collision,
};

/// Idle hold after an error: start at the configured connect retry, cap at two minutes.
const IDLE_HOLD_MAX: Duration = Duration::from_secs(120);

/// Who we are towards every neighbor.
#[derive(Debug, Clone, Copy)]
pub struct LocalIdentity {
    pub asn: u32,
    pub router_id: Ipv4Addr,
}

/// The FSM configuration and OPEN this neighbor gets.
pub fn session_config(local: LocalIdentity, n: &Neighbor) -> SessionConfig {
    let mut caps: Vec<Capability> = n
        .families
        .iter()
        .map(|f| {
            let fam = AfiSafi::new(
                bgp_wire::Afi::from_u16(f.afi()),
                bgp_wire::Safi::from_u8(f.safi()),
            );
            Capability::Multiprotocol(fam)
        })
        .collect();
    caps.push(Capability::RouteRefresh);
    caps.push(Capability::EnhancedRouteRefresh);
    SessionConfig {
        local_asn: local.asn,
        remote_asn: n.remote_asn,
        local_id: local.router_id,
        local_open: Open::new(local.asn, n.hold_time, local.router_id, caps),
        keepalive: n.keepalive,
        passive: n.passive,
        connect_retry: Backoff::new(n.connect_retry, n.connect_retry.saturating_mul(8)),
        idle_hold: Backoff::new(n.connect_retry, IDLE_HOLD_MAX),
    }
}

/// Socket options for this neighbor: MD5, local bind, and TTL 1 for directly connected
/// eBGP unless multihop is configured (iBGP: 255).
pub fn transport_options(local_asn: u32, n: &Neighbor) -> TransportOptions {
    let ttl = match n.ebgp_multihop {
        Some(t) => t,
        None if n.remote_asn == local_asn => 255,
        None => 1,
    };
    TransportOptions {
        local_address: n.local_address,
        md5_password: n.password.as_ref().map(|p| p.expose().to_string()),
        ttl: Some(ttl),
    }
}

pub struct Session {
    peer: IpAddr,
    remote: SocketAddr,
    local_id: Ipv4Addr,
    fsm: Fsm,
    transport: TransportOptions,
    timers: Timers,
    conn: Option<Conn>,
    /// Whether `conn` was dialled by us (collision resolution needs to know).
    conn_outbound: bool,
    /// A second connection waiting for its OPEN during a collision.
    pending: Option<Conn>,
    connecting: Option<JoinHandle<std::io::Result<TcpStream>>>,
    rx_ctx: CodecContext,
    tx_ctx: CodecContext,
    commands: mpsc::UnboundedReceiver<PeerCommand>,
    events: mpsc::UnboundedSender<PeerEvent>,
    status: watch::Sender<PeerStatus>,
}

/// What the loop does after handling something.
#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Exit,
}

impl Session {
    pub fn new(
        local: LocalIdentity,
        neighbor: &Neighbor,
        commands: mpsc::UnboundedReceiver<PeerCommand>,
        events: mpsc::UnboundedSender<PeerEvent>,
        status: watch::Sender<PeerStatus>,
    ) -> Session {
        Session {
            peer: neighbor.address,
            remote: SocketAddr::new(neighbor.address, neighbor.port),
            local_id: local.router_id,
            fsm: Fsm::new(session_config(local, neighbor)),
            transport: transport_options(local.asn, neighbor),
            timers: Timers::default(),
            conn: None,
            conn_outbound: false,
            pending: None,
            connecting: None,
            rx_ctx: CodecContext::default(),
            tx_ctx: CodecContext::default(),
            commands,
            events,
            status,
        }
    }

    /// Runs until the manager sends `Shutdown` or drops the command channel.
    pub async fn run(mut self) {
        loop {
            let deadline = self.timers.next_deadline();
            let flow = tokio::select! {
                cmd = self.commands.recv() => match cmd {
                    Some(c) => self.on_command(c),
                    None => self.on_command(PeerCommand::Shutdown(None, None)),
                },
                frame = next_frame(&mut self.conn) => { self.on_frame(frame); Flow::Continue }
                frame = next_frame(&mut self.pending) => { self.on_pending_frame(frame); Flow::Continue }
                res = join_connect(&mut self.connecting) => { self.on_connected(res); Flow::Continue }
                _ = sleep_until(deadline) => { self.on_timers(); Flow::Continue }
            };
            if flow == Flow::Exit {
                return;
            }
        }
    }

    fn on_command(&mut self, cmd: PeerCommand) -> Flow {
        match cmd {
            PeerCommand::Start => {
                self.status.send_modify(|s| s.admin_up = true);
                self.feed(Event::ManualStart);
            }
            PeerCommand::Stop(reason) => {
                self.status.send_modify(|s| s.admin_up = false);
                self.feed(Event::Stop(reason));
            }
            PeerCommand::Send(msgs) => self.send_updates(msgs),
            PeerCommand::RouteRefresh(family) => self.request_refresh(family),
            PeerCommand::Incoming(stream) => self.on_incoming(stream),
            PeerCommand::Shutdown(message, done) => {
                self.feed(Event::Stop(StopReason::AdminShutdown(message)));
                self.conn = None;
                self.pending = None;
                if let Some(tx) = done {
                    let _ = tx.send(());
                }
                return Flow::Exit;
            }
        }
        Flow::Continue
    }

    /// Feeds one event to the FSM, carries out its actions, reports a state change.
    fn feed(&mut self, event: Event) {
        let from = self.fsm.state();
        let actions = self.fsm.handle(event);
        for a in actions {
            self.apply(a);
        }
        let to = self.fsm.state();
        if from != to {
            info!(peer = %self.peer, %from, %to, "session state");
            self.status.send_modify(|s| s.state = to);
            self.emit(PeerEvent::StateChanged {
                peer: self.peer,
                from,
                to,
            });
        }
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Connect => self.start_connect(),
            Action::CloseConnection => {
                self.conn = None;
                if let Some(h) = self.connecting.take() {
                    h.abort();
                }
            }
            Action::SendOpen(open) => self.send_message(&Message::Open(open)),
            Action::SendKeepalive => self.send_message(&Message::Keepalive),
            Action::SendNotification(n) => self.send_notification(n),
            Action::StartTimer(t, d) => self.timers.start(t, d),
            Action::StopTimer(t) => self.timers.stop(t),
            Action::SessionEstablished(neg) => self.established(*neg),
            Action::SessionDown(reason) => {
                warn!(peer = %self.peer, ?reason, "session down");
                self.rx_ctx = CodecContext::default();
                self.tx_ctx = CodecContext::default();
                let text = format!("{reason:?}");
                self.status.send_modify(|s| {
                    s.established_at = None;
                    s.endpoints = None;
                    s.negotiated = None;
                    s.last_error = Some(text);
                });
                self.emit(PeerEvent::Down {
                    peer: self.peer,
                    reason,
                });
            }
        }
    }

    fn established(&mut self, neg: bgp_wire::capability::Negotiated) {
        self.rx_ctx = neg.rx_context();
        self.tx_ctx = neg.tx_context();
        let (local, remote) = match &self.conn {
            Some(c) => (c.local, c.remote),
            None => return,
        };
        let snapshot = neg.clone();
        self.status.send_modify(|s| {
            s.established_at = Some(SystemTime::now());
            s.established_transitions += 1;
            s.endpoints = Some((local, remote));
            s.negotiated = Some(snapshot);
        });
        self.emit(PeerEvent::Established {
            peer: self.peer,
            negotiated: Box::new(neg),
            local,
        });
    }

    fn start_connect(&mut self) {
        if let Some(h) = self.connecting.take() {
            h.abort();
        }
        let (remote, opts) = (self.remote, self.transport.clone());
        debug!(peer = %self.peer, %remote, "connecting");
        self.connecting = Some(tokio::spawn(async move {
            transport::connect(remote, &opts).await
        }));
    }

    fn on_connected(&mut self, res: std::io::Result<TcpStream>) {
        self.connecting = None;
        match res.and_then(Conn::start) {
            Ok(conn) if self.conn.is_none() => {
                self.conn = Some(conn);
                self.conn_outbound = true;
                self.feed(Event::TcpConnectionConfirmed);
            }
            // An incoming connection won the race meanwhile; this one is surplus.
            Ok(_) => {}
            Err(e) => {
                debug!(peer = %self.peer, error = %e, "connect failed");
                self.status
                    .send_modify(|s| s.last_error = Some(format!("connect: {e}")));
                self.feed(Event::TcpConnectionFails);
            }
        }
    }

    fn on_incoming(&mut self, stream: TcpStream) {
        let conn = match Conn::start(stream) {
            Ok(c) => c,
            Err(_) => return,
        };
        match self.fsm.state() {
            State::Connect | State::Active if self.conn.is_none() => {
                if let Some(h) = self.connecting.take() {
                    h.abort();
                }
                self.conn = Some(conn);
                self.conn_outbound = false;
                self.feed(Event::TcpConnectionAcknowledged);
            }
            State::OpenSent | State::OpenConfirm if self.pending.is_none() => {
                self.pending = Some(conn);
            }
            // Idle (stopped) or Established: the new connection is refused.
            _ => drop(conn),
        }
    }

    fn on_frame(&mut self, frame: Frame) {
        match frame {
            Frame::Message(bytes) => match Message::decode(&bytes, &self.rx_ctx) {
                Ok(msg) => self.on_message(msg),
                Err(e) => self.on_decode_error(&e),
            },
            Frame::Bad(e) => self.on_decode_error(&e),
            Frame::Closed(err) => {
                debug!(peer = %self.peer, ?err, "connection closed");
                self.conn = None;
                self.feed(Event::TcpConnectionFails);
            }
        }
    }

    fn on_decode_error(&mut self, e: &DecodeError) {
        warn!(peer = %self.peer, error = %e, "malformed message");
        let n = e.rfc4271_notification().unwrap_or_else(|| {
            Notification::new(NotificationCode::Open(OpenSubcode::Unspecific), Vec::new())
        });
        self.feed(Event::MessageError(n));
    }

    fn on_message(&mut self, msg: Message) {
        self.status.send_modify(|s| {
            s.messages_in += 1;
            match &msg {
                Message::Update(_) => s.updates_in += 1,
                Message::RouteRefresh(_) => s.route_refresh_in += 1,
                _ => {}
            }
        });
        match msg {
            Message::Open(open) => self.feed(Event::BgpOpen(Box::new(open))),
            Message::Keepalive => self.feed(Event::KeepAliveMsg),
            Message::Update(update) => {
                self.feed(Event::UpdateMsg);
                if self.fsm.state() == State::Established {
                    self.emit(PeerEvent::Update {
                        peer: self.peer,
                        update: Box::new(update),
                    });
                }
            }
            Message::Notification(n) => self.on_notification(n),
            Message::RouteRefresh(refresh) => {
                self.feed(Event::RouteRefreshMsg);
                if self.fsm.state() == State::Established {
                    self.emit(PeerEvent::RouteRefresh {
                        peer: self.peer,
                        refresh,
                    });
                }
            }
        }
    }

    fn on_notification(&mut self, n: Notification) {
        let (code, subcode) = n.code.pair();
        warn!(peer = %self.peer, code, subcode, message = n.shutdown_message(), "NOTIFICATION received");
        let version_error = matches!(
            n.code,
            NotificationCode::Open(OpenSubcode::UnsupportedVersionNumber)
        );
        let received = n.clone();
        self.status.send_modify(|s| {
            s.last_notification_received = Some((received, SystemTime::now()));
        });
        self.feed(if version_error {
            Event::NotifMsgVerErr
        } else {
            Event::NotifMsg(n)
        });
    }

    /// The parked connection of a collision: only its OPEN matters.
    fn on_pending_frame(&mut self, frame: Frame) {
        let open = match frame {
            Frame::Message(bytes) => match Message::decode(&bytes, &CodecContext::default()) {
                Ok(Message::Open(open)) => open,
                _ => {
                    self.pending = None;
                    return;
                }
            },
            _ => {
                self.pending = None;
                return;
            }
        };
        let existing_established = self.fsm.state() == State::Established;
        match resolve_collision(
            self.local_id,
            open.bgp_id,
            self.conn_outbound,
            existing_established,
        ) {
            Collision::KeepExisting => {
                if let Some(p) = self.pending.take() {
                    p.send(cease_collision(&self.tx_ctx));
                }
            }
            Collision::KeepNew => self.adopt_pending(open),
        }
    }

    /// Replaces the current connection by the parked one whose OPEN is already here.
    fn adopt_pending(&mut self, open: Open) {
        info!(peer = %self.peer, "collision: keeping the peer's connection");
        self.feed(Event::Stop(StopReason::ConnectionCollision));
        self.conn = self.pending.take();
        self.conn_outbound = false;
        // Back to Connect without dialling, then as if the new connection just came in.
        let from_idle = self.fsm.handle(Event::ManualStart);
        for a in from_idle.into_iter().filter(|a| *a != Action::Connect) {
            self.apply(a);
        }
        self.feed(Event::TcpConnectionAcknowledged);
        self.feed(Event::BgpOpen(Box::new(open)));
    }

    fn on_timers(&mut self) {
        for t in self.timers.take_expired(tokio::time::Instant::now()) {
            let ev = match t {
                crate::fsm::Timer::ConnectRetry => Event::ConnectRetryTimerExpires,
                crate::fsm::Timer::Hold => Event::HoldTimerExpires,
                crate::fsm::Timer::Keepalive => Event::KeepaliveTimerExpires,
                crate::fsm::Timer::IdleHold => Event::IdleHoldTimerExpires,
            };
            self.feed(ev);
        }
    }

    fn send_notification(&mut self, n: Notification) {
        let (code, subcode) = n.code.pair();
        warn!(peer = %self.peer, code, subcode, "NOTIFICATION sent");
        let sent = n.clone();
        self.status
            .send_modify(|s| s.last_notification_sent = Some((sent, SystemTime::now())));
        self.send_message(&Message::Notification(n));
    }

    fn send_message(&mut self, msg: &Message) {
        if let Some(c) = &self.conn {
            c.send(msg.to_bytes(&self.tx_ctx));
            let refresh = matches!(msg, Message::RouteRefresh(_));
            self.status.send_modify(|s| {
                s.messages_out += 1;
                s.route_refresh_out += u64::from(refresh);
            });
        }
    }

    fn send_updates(&mut self, msgs: Vec<Vec<u8>>) {
        if self.fsm.state() != State::Established {
            return;
        }
        let Some(c) = &self.conn else { return };
        let n = msgs.len() as u64;
        let refresh = msgs.iter().filter(|m| is_route_refresh(m)).count() as u64;
        for m in msgs {
            c.send(m);
        }
        self.status.send_modify(|s| {
            s.messages_out += n;
            s.updates_out += n - refresh;
            s.route_refresh_out += refresh;
        });
    }

    fn request_refresh(&mut self, family: AfiSafi) {
        let supported = self.fsm.negotiated().is_some_and(|n| n.route_refresh);
        if self.fsm.state() == State::Established && supported {
            self.send_message(&Message::RouteRefresh(RouteRefresh::request(family)));
        }
    }

    fn emit(&self, event: PeerEvent) {
        let _ = self.events.send(event);
    }
}

/// Whether an encoded message is a ROUTE-REFRESH (type octet after marker and length).
fn is_route_refresh(msg: &[u8]) -> bool {
    msg.get(18) == Some(&bgp_wire::message::msg_type::ROUTE_REFRESH)
}

fn cease_collision(ctx: &CodecContext) -> Vec<u8> {
    let n = Notification::new(
        NotificationCode::Cease(CeaseSubcode::ConnectionCollisionResolution),
        Vec::new(),
    );
    Message::Notification(n).to_bytes(ctx)
}

async fn next_frame(conn: &mut Option<Conn>) -> Frame {
    match conn {
        Some(c) => c.frames.recv().await.unwrap_or(Frame::Closed(None)),
        None => std::future::pending().await,
    }
}

async fn join_connect(
    h: &mut Option<JoinHandle<std::io::Result<TcpStream>>>,
) -> std::io::Result<TcpStream> {
    match h {
        Some(handle) => match handle.await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        },
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
