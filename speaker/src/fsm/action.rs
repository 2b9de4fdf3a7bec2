//! FSM outputs: what the peer task must do, in order.

use std::time::Duration;

use bgp_wire::capability::Negotiated;
use bgp_wire::message::{Notification, Open};

use super::event::StopReason;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    ConnectRetry,
    Hold,
    Keepalive,
    IdleHold,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Start a TCP connection to the peer.
    Connect,
    CloseConnection,
    SendOpen(Open),
    SendKeepalive,
    SendNotification(Notification),
    /// (Re)start a timer; starting a running timer restarts it.
    StartTimer(Timer, Duration),
    StopTimer(Timer),
    /// The session reached Established with these parameters: start the initial table sync.
    SessionEstablished(Box<Negotiated>),
    /// The session left Established: flush the Adj-RIB-In, stop advertising.
    SessionDown(DownReason),
}

/// Why an Established session went down; logged and exposed as the neighbor's last error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownReason {
    Stopped(StopReason),
    HoldTimerExpired,
    ConnectionLost,
    NotificationReceived(Notification),
    NotificationSent(Notification),
}
