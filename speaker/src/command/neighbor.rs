//! Neighbor configuration changes and the live state the core reports.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::SystemTime;

use bgp_wire::message::notification::Notification;

use crate::config::{Family, Neighbor};
use crate::fsm::State;

/// A neighbor's configuration as the API manages it: the config-file model plus the
/// settings the file does not carry yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighborConfig {
    pub neighbor: Neighbor,
    /// Peer group whose settings it inherits; `None`: none.
    pub peer_group: Option<String>,
    /// GTSM (RFC 5082): send with TTL 255 and require 255 on receipt.
    pub ttl_security: bool,
}

/// Which way a soft reset goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoftResetDirection {
    /// ROUTE-REFRESH to the neighbor.
    In,
    /// Re-advertise to the neighbor.
    Out,
    Both,
}

/// One neighbor's config and live state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighborInfo {
    pub config: NeighborConfig,
    pub state: State,
    /// False while disabled by the API or the config.
    pub admin_enabled: bool,
    pub admin_shutdown_message: Option<String>,
    /// When the current session became Established; `None` when not established.
    pub established_since: Option<SystemTime>,
    /// When the session last became Established, even if it is down now.
    pub last_established: Option<SystemTime>,
    pub established_transitions: u32,
    pub remote_router_id: Option<Ipv4Addr>,
    /// Local end of the TCP connection, if there is one.
    pub local: Option<SocketAddr>,
    /// Remote end of the TCP connection, if there is one.
    pub remote: Option<SocketAddr>,
    /// Capabilities of the current (or last) session.
    pub negotiated: Option<NegotiatedCaps>,
    pub families: Vec<FamilyCounters>,
    pub messages_received: MessageCounters,
    pub messages_sent: MessageCounters,
    pub last_notification_sent: Option<NotificationRecord>,
    pub last_notification_received: Option<NotificationRecord>,
    /// What last brought the session down or kept it from coming up.
    pub last_error: Option<String>,
}

/// What the two OPENs agreed on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NegotiatedCaps {
    pub families: Vec<Family>,
    pub four_octet_as: bool,
    pub route_refresh: bool,
    pub enhanced_route_refresh: bool,
    /// ADD-PATH per family: (family, we send, they send).
    pub add_path: Vec<(Family, bool, bool)>,
    pub hold_time: u16,
    pub keepalive_time: u16,
    pub extended_message: bool,
    pub graceful_restart: bool,
    /// Names of every capability the neighbor announced, e.g. "route-refresh".
    pub remote_capabilities: Vec<String>,
}

/// Route counters of one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyCounters {
    pub family: Family,
    pub received: u64,
    pub accepted: u64,
    pub advertised: u64,
}

/// BGP messages by type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageCounters {
    pub open: u64,
    pub update: u64,
    pub notification: u64,
    pub keepalive: u64,
    pub route_refresh: u64,
}

impl MessageCounters {
    pub fn total(&self) -> u64 {
        self.open + self.update + self.notification + self.keepalive + self.route_refresh
    }
}

/// A NOTIFICATION sent or received, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    pub notification: Notification,
    pub at: SystemTime,
}

/// Convenience for cores: the neighbor's address.
impl NeighborInfo {
    pub fn address(&self) -> IpAddr {
        self.config.neighbor.address
    }
}
