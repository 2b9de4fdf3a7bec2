//! RIB views for listing and watching routes, and the speaker's identity.

use std::net::{IpAddr, Ipv4Addr};
use std::time::SystemTime;

use bgp_wire::attribute::PathAttributes;
use bgp_wire::nlri::flowspec::FlowSpecNlri;
use ipnet::IpNet;
use tokio::sync::broadcast;

use crate::config::Family;

/// Which table to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RibTable {
    /// Loc-RIB: best routes.
    Best,
    /// Adj-RIB-In of one neighbor, including routes import policy rejected.
    Received(IpAddr),
    /// Adj-RIB-Out of one neighbor, attributes as sent.
    Advertised(IpAddr),
}

/// Filter and page of a route listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteQuery {
    pub family: Option<Family>,
    /// Unicast only: routes for this prefix…
    pub prefix: Option<IpNet>,
    /// …and, if set, for more specific prefixes within it.
    pub include_more_specifics: bool,
    /// At least 1; the API layer applies the default and the cap.
    pub page_size: usize,
    pub page_token: String,
}

/// What a route is for.
#[derive(Debug, Clone, PartialEq)]
pub enum RouteNlri {
    Unicast(IpNet),
    /// The family is `Ipv4FlowSpec` or `Ipv6FlowSpec`, from the rule's AFI.
    FlowSpec {
        family: Family,
        rule: FlowSpecNlri,
    },
}

impl RouteNlri {
    pub fn family(&self) -> Family {
        match self {
            RouteNlri::Unicast(IpNet::V4(_)) => Family::Ipv4Unicast,
            RouteNlri::Unicast(IpNet::V6(_)) => Family::Ipv6Unicast,
            RouteNlri::FlowSpec { family, .. } => *family,
        }
    }
}

/// Where a route comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteSource {
    /// Added through the API, with the injected object's id.
    Injected { id: String },
    Neighbor {
        address: IpAddr,
        router_id: Ipv4Addr,
    },
}

/// RPKI origin validation state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpkiState {
    Valid,
    Invalid,
    NotFound,
}

/// One path with its attributes, as the RIB holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteView {
    pub nlri: RouteNlri,
    pub path_id: u32,
    /// NEXT_HOP or the MP_REACH next hop; `None` for FlowSpec without one.
    pub next_hop: Option<IpAddr>,
    pub attrs: PathAttributes,
    pub source: RouteSource,
    pub best: bool,
    /// When the route was received or injected in its current form.
    pub since: SystemTime,
    pub rpki: Option<RpkiState>,
    /// Received routes only: rejected by import policy or FlowSpec validation.
    pub filtered: bool,
}

/// Kind of a best-path change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteEventKind {
    Add,
    Update,
    /// Carries the last best route.
    Withdraw,
}

/// One change of the best routes, as broadcast by the core.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteEvent {
    pub kind: RouteEventKind,
    pub route: RouteView,
}

/// A subscription to best-path changes.
#[derive(Debug)]
pub struct RouteWatch {
    /// Every best route at subscription time, if requested.
    pub initial: Option<Vec<RouteView>>,
    /// Changes after the snapshot. A lagging receiver means the client was too slow.
    /// Shared (`Arc`): the channel preallocates every slot, so a slot must stay small.
    pub events: broadcast::Receiver<std::sync::Arc<RouteEvent>>,
}

/// Facts about the running speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerInfo {
    pub version: String,
    pub asn: u32,
    pub router_id: Ipv4Addr,
    /// Random, chosen at every start of the process.
    pub instance_id: String,
    pub started_at: SystemTime,
    /// `None` when the speaker does not accept sessions.
    pub listen_port: Option<u16>,
}
