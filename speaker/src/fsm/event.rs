//! FSM inputs, named after the RFC 4271 §8.1 events they stand for.

use bgp_wire::AfiSafi;
use bgp_wire::message::{Notification, Open};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Event 1: the operator (config or API) starts the session.
    ManualStart,
    /// Event 2 and the Cease family: the operator stops the session, or a limit does.
    Stop(StopReason),
    /// Event 3: automatic start (e.g. after a configuration reload).
    AutomaticStart,
    /// Event 9.
    ConnectRetryTimerExpires,
    /// Event 10.
    HoldTimerExpires,
    /// Event 11.
    KeepaliveTimerExpires,
    /// Event 13 (IdleHoldTimer_Expires, RFC 4271 §8.1.3 DampPeerOscillations).
    IdleHoldTimerExpires,
    /// Event 16: the peer's connection to us was accepted.
    TcpConnectionAcknowledged,
    /// Event 17: our outgoing connection succeeded.
    TcpConnectionConfirmed,
    /// Event 18: the TCP connection failed or was closed.
    TcpConnectionFails,
    /// Event 19: a valid OPEN.
    BgpOpen(Box<Open>),
    /// Events 21/22/28: a malformed message; the NOTIFICATION the decoder chose is sent.
    MessageError(Notification),
    /// Event 24: NOTIFICATION with a version error.
    NotifMsgVerErr,
    /// Event 25: any other NOTIFICATION.
    NotifMsg(Notification),
    /// Event 26.
    KeepAliveMsg,
    /// Event 27 (the UPDATE itself goes to the RIB; the FSM only restarts the hold timer).
    UpdateMsg,
    /// RFC 2918 ROUTE-REFRESH received.
    RouteRefreshMsg,
}

/// Why a session is being stopped on purpose; each maps to a Cease subcode (RFC 4486).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// Subcode 2, with an optional RFC 9003 shutdown communication.
    AdminShutdown(Option<String>),
    /// Subcode 4 (e.g. a hard soft-reset requested over the API).
    AdminReset,
    /// Subcode 3: the neighbor was removed from the configuration.
    Deconfigured,
    /// Subcode 1: the peer sent more prefixes than allowed.
    MaxPrefixes { family: AfiSafi, limit: u32 },
    /// Subcode 7: this connection lost the RFC 4271 §6.8 collision resolution.
    ConnectionCollision,
}
