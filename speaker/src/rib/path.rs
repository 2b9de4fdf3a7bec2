//! A path: one candidate route for a key, learned from a peer or injected over the API.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use bgp_wire::attribute::{MpNextHop, PathAttributes};

/// RFC 4271 §5.1.5: the LOCAL_PREF assumed when a path carries none.
pub const DEFAULT_LOCAL_PREF: u32 = 100;

/// The peer a path was learned from (shared by all its paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerMeta {
    pub address: IpAddr,
    pub asn: u32,
    pub router_id: Ipv4Addr,
    pub ibgp: bool,
    /// Our AS on the session (loop detection).
    pub local_asn: u32,
}

/// An injected object's identity and scope (shared by the paths it produced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedMeta {
    /// The client's id.
    pub id: String,
    /// Neighbors it is sent to; empty = all.
    pub neighbors: Vec<IpAddr>,
    /// The client named a next hop (kept on every session instead of next-hop-self).
    pub explicit_next_hop: bool,
}

impl InjectedMeta {
    pub fn in_scope(&self, peer: IpAddr) -> bool {
        self.neighbors.is_empty() || self.neighbors.contains(&peer)
    }

    /// Whether two scopes share a neighbor.
    pub fn overlaps(&self, neighbors: &[IpAddr]) -> bool {
        self.neighbors.is_empty()
            || neighbors.is_empty()
            || neighbors.iter().any(|n| self.neighbors.contains(n))
    }
}

/// Where a path comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Peer(Arc<PeerMeta>),
    Injected(Arc<InjectedMeta>),
}

/// One candidate path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub source: Source,
    /// Received Add-Path id, or the injected path's local id.
    pub path_id: Option<u32>,
    pub attrs: Arc<PathAttributes>,
    /// For learned paths the received next hop; for injected ones the explicit next hop
    /// (`Empty` = next-hop-self). FlowSpec: empty unless redirect-to-IP.
    pub next_hop: MpNextHop,
}

impl Path {
    pub fn peer(&self) -> Option<&PeerMeta> {
        match &self.source {
            Source::Peer(p) => Some(p),
            Source::Injected(_) => None,
        }
    }

    pub fn injected(&self) -> Option<&InjectedMeta> {
        match &self.source {
            Source::Injected(m) => Some(m),
            Source::Peer(_) => None,
        }
    }

    pub fn is_injected(&self) -> bool {
        self.injected().is_some()
    }

    pub fn peer_address(&self) -> Option<IpAddr> {
        self.peer().map(|p| p.address)
    }

    /// Same source and path id: the later one replaces the earlier one.
    pub fn same_slot(&self, other: &Path) -> bool {
        self.path_id == other.path_id && self.same_source(other)
    }

    pub fn same_source(&self, other: &Path) -> bool {
        match (&self.source, &other.source) {
            (Source::Peer(a), Source::Peer(b)) => a.address == b.address,
            (Source::Injected(a), Source::Injected(b)) => a.id == b.id,
            _ => false,
        }
    }

    /// Same slot and same content: nothing to tell anyone.
    pub fn same_route(&self, other: &Path) -> bool {
        self.same_slot(other)
            && self.next_hop == other.next_hop
            && (Arc::ptr_eq(&self.attrs, &other.attrs) || self.attrs == other.attrs)
    }

    pub fn local_pref(&self) -> u32 {
        self.attrs.local_pref.unwrap_or(DEFAULT_LOCAL_PREF)
    }

    /// RFC 4271 §9.1.2.2 (a): AS_SET counts 1, confederation segments 0.
    pub fn as_path_len(&self) -> usize {
        self.attrs.as_path.as_ref().map_or(0, |p| p.path_len())
    }

    /// The AS a path was received from, for MED comparison (`None`: originated in our AS).
    pub fn neighbor_as(&self) -> Option<u32> {
        self.attrs.as_path.as_ref().and_then(|p| p.first_asn())
    }

    pub fn is_ibgp(&self) -> bool {
        self.peer().is_some_and(|p| p.ibgp)
    }

    /// RFC 4456 §9: ORIGINATOR_ID stands in for the router id when present.
    pub fn router_id(&self) -> Option<Ipv4Addr> {
        self.attrs
            .originator_id
            .or_else(|| self.peer().map(|p| p.router_id))
    }
}
