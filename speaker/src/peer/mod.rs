//! Per-neighbor BGP sessions over TCP.
//!
//! - [`transport`]: connect (local bind, TCP MD5, TTL) and the listening socket.
//! - [`conn`]: one connection as a framing reader task and a batching writer task.
//! - [`timers`]: the FSM's timers as deadlines.
//! - [`session`]: the per-neighbor task driving the pure [`crate::fsm::Fsm`].
//! - [`manager`]: the set of sessions, the listener that hands each incoming connection to
//!   its neighbor's task, and graceful shutdown.
//!
//! Tasks talk through channels only: [`PeerCommand`]s in, [`PeerEvent`]s out (to the
//! daemon core that owns the RIB), and a `watch` of [`PeerStatus`] for the API.

pub mod conn;
pub mod manager;
pub mod session;
pub mod timers;
pub mod transport;

use std::net::{IpAddr, SocketAddr};
use std::time::SystemTime;

use bgp_wire::AfiSafi;
use bgp_wire::capability::Negotiated;
use bgp_wire::message::{Notification, RouteRefresh, Update};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};

use crate::fsm::{DownReason, State, StopReason};

pub use manager::PeerManager;

/// Orders for one session task.
#[derive(Debug)]
pub enum PeerCommand {
    /// Manual start (RFC 4271 event 1); a no-op unless Idle.
    Start,
    /// Stop with the Cease subcode of the reason; the session stays down until `Start`.
    Stop(StopReason),
    /// Pre-encoded messages (UPDATEs packed by the RIB, and the BoRR/EoRR around a
    /// refresh); dropped unless Established.
    Send(Vec<Vec<u8>>),
    /// Ask the peer to resend a family (RFC 2918), when it supports route refresh.
    RouteRefresh(AfiSafi),
    /// An accepted connection from this neighbor (from the listener).
    Incoming(TcpStream),
    /// Send Cease/Administrative Shutdown (with the optional RFC 9003 text), close, end the
    /// task; the sender is told when the NOTIFICATION was queued.
    Shutdown(Option<String>, Option<oneshot::Sender<()>>),
}

/// What sessions report to the daemon core.
#[derive(Debug)]
pub enum PeerEvent {
    StateChanged {
        peer: IpAddr,
        from: State,
        to: State,
    },
    Established {
        peer: IpAddr,
        negotiated: Box<Negotiated>,
        /// Our end of the connection: the next hop we announce as "self".
        local: SocketAddr,
    },
    Down {
        peer: IpAddr,
        reason: DownReason,
    },
    Update {
        peer: IpAddr,
        update: Box<Update>,
    },
    RouteRefresh {
        peer: IpAddr,
        refresh: RouteRefresh,
    },
}

/// A session's state as the API shows it.
#[derive(Debug, Clone)]
pub struct PeerStatus {
    pub state: State,
    pub admin_up: bool,
    pub established_at: Option<SystemTime>,
    /// How many times the session reached Established (GetNeighbor reported a constant 0
    /// before; found by the real-peer restart test).
    pub established_transitions: u32,
    /// Local and remote socket addresses of the established connection.
    pub endpoints: Option<(SocketAddr, SocketAddr)>,
    pub negotiated: Option<Negotiated>,
    pub last_error: Option<String>,
    pub last_notification_sent: Option<(Notification, SystemTime)>,
    pub last_notification_received: Option<(Notification, SystemTime)>,
    pub messages_in: u64,
    pub messages_out: u64,
    pub updates_in: u64,
    pub updates_out: u64,
    /// ROUTE-REFRESH messages (requests and RFC 7313 BoRR/EoRR markers).
    pub route_refresh_in: u64,
    pub route_refresh_out: u64,
}

impl Default for PeerStatus {
    fn default() -> Self {
        PeerStatus {
            state: State::Idle,
            admin_up: false,
            established_at: None,
            established_transitions: 0,
            endpoints: None,
            negotiated: None,
            last_error: None,
            last_notification_sent: None,
            last_notification_received: None,
            messages_in: 0,
            messages_out: 0,
            updates_in: 0,
            updates_out: 0,
            route_refresh_in: 0,
            route_refresh_out: 0,
        }
    }
}

/// The handle the manager and the API keep for one session.
#[derive(Debug, Clone)]
pub struct PeerHandle {
    pub address: IpAddr,
    pub commands: mpsc::UnboundedSender<PeerCommand>,
    pub status: watch::Receiver<PeerStatus>,
}

impl PeerHandle {
    pub fn send(&self, cmd: PeerCommand) {
        // A closed channel means the task already ended; nothing left to tell it.
        let _ = self.commands.send(cmd);
    }

    pub fn status(&self) -> PeerStatus {
        self.status.borrow().clone()
    }
}
