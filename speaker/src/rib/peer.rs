//! What the RIB knows about an established session.

use super::hash::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use bgp_wire::attribute::MpNextHop;
use bgp_wire::capability::Negotiated;
use bgp_wire::{Afi, AfiSafi, CodecContext};

use super::adj_out::OutSet;
use super::counters::Counters;
use super::key::{FlowKey, RouteKey};
use super::path::{Path, PeerMeta};

/// Session facts the RIB needs, given by the daemon at [`super::Rib::peer_up`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerInfo {
    /// The peer's AS and BGP identifier (from its OPEN).
    pub asn: u32,
    pub router_id: Ipv4Addr,
    /// Our AS and identifier on this session.
    pub local_asn: u32,
    pub local_id: Ipv4Addr,
    /// Our address on the session: the next-hop-self of its address family.
    pub local_address: IpAddr,
    /// Next-hop-self for IPv4 routes when the session runs over IPv6.
    pub local_ipv4: Option<Ipv4Addr>,
    /// Next-hop-self for IPv6 routes (else the session's IPv6 address, else the IPv4
    /// address mapped into IPv6).
    pub local_ipv6: Option<Ipv6Addr>,
    pub negotiated: Negotiated,
    /// Stop the session when more are accepted in one family.
    pub max_prefixes: Option<u32>,
    /// Apply RFC 8955 §6 validation to FlowSpec rules from this peer.
    pub flowspec_validation: bool,
}

impl PeerInfo {
    pub fn ibgp(&self) -> bool {
        self.asn == self.local_asn
    }

    pub fn has_family(&self, family: AfiSafi) -> bool {
        self.negotiated.families.contains(&family)
    }

    /// Our own address as a next hop for routes of `afi`, if we have one.
    pub fn next_hop_self(&self, afi: Afi) -> Option<MpNextHop> {
        match afi {
            Afi::Ipv4 => self
                .local_ipv4
                .or(match self.local_address {
                    IpAddr::V4(a) => Some(a),
                    IpAddr::V6(_) => None,
                })
                .map(MpNextHop::Ipv4),
            Afi::Ipv6 => Some(MpNextHop::Ipv6(self.local_ipv6.unwrap_or(
                match self.local_address {
                    IpAddr::V6(a) => a,
                    IpAddr::V4(a) => a.to_ipv6_mapped(),
                },
            ))),
            Afi::Other(_) => None,
        }
    }
}

/// A path received from the peer, valid or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InEntry {
    /// As received (import policy re-runs over it when policy changes).
    pub path: Path,
    /// Usable by the decision process (present in the Loc-RIB).
    pub accepted: bool,
    /// The path as import policy changed it (`None`: unchanged).
    pub post: Option<Path>,
}

impl InEntry {
    /// The path the Loc-RIB holds for this entry.
    pub fn used(&self) -> &Path {
        self.post.as_ref().unwrap_or(&self.path)
    }
}

/// One family kind's Adj-RIB-In and Adj-RIB-Out of a peer.
#[derive(Debug)]
pub struct PeerTable<K> {
    /// Keyed by key and received Add-Path id.
    pub adj_in: HashMap<(K, Option<u32>), InEntry>,
    /// What the peer currently has from us.
    pub adj_out: HashMap<K, OutSet>,
    /// Paths marked stale by the peer's BoRR (RFC 7313): removed at its EoRR unless
    /// received again in between.
    pub stale: HashSet<(K, Option<u32>)>,
}

impl<K> Default for PeerTable<K> {
    fn default() -> Self {
        PeerTable {
            adj_in: HashMap::default(),
            adj_out: HashMap::default(),
            stale: HashSet::default(),
        }
    }
}

/// An established session.
#[derive(Debug)]
pub struct Peer<R> {
    pub info: PeerInfo,
    pub meta: Arc<PeerMeta>,
    /// Encoding context for what we send.
    pub ctx: CodecContext,
    pub unicast: PeerTable<RouteKey>,
    pub flow: PeerTable<FlowKey<R>>,
    pub counters: Counters,
}

impl<R> Peer<R> {
    pub fn new(address: IpAddr, info: PeerInfo) -> Self {
        let meta = Arc::new(PeerMeta {
            address,
            asn: info.asn,
            router_id: info.router_id,
            ibgp: info.ibgp(),
            local_asn: info.local_asn,
        });
        Peer {
            ctx: info.negotiated.tx_context(),
            info,
            meta,
            unicast: PeerTable::default(),
            flow: PeerTable::default(),
            counters: Counters::default(),
        }
    }
}
