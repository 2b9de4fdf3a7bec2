//! Read-only views for the API: best routes, received and advertised routes, counters.

use std::collections::BTreeMap;
use std::net::IpAddr;

use bgp_wire::AfiSafi;
use ipnet::IpNet;

use super::Rib;
use super::adj_out::Sent;
use super::counters::FamilyCounters;
use super::key::{FlowKey, FlowRule, RouteKey};
use super::path::Path;
use super::peer::PeerTable;

/// A path in a neighbor's Adj-RIB-In, with the attributes import policy gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received<K> {
    pub key: K,
    pub path: Path,
    /// Used by the decision process (FlowSpec: passed validation; unicast: no AS loop).
    pub accepted: bool,
}

/// A path in a neighbor's Adj-RIB-Out: exactly what the neighbor was last sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advertised<K> {
    pub key: K,
    pub sent: Sent,
}

impl<R: FlowRule> Rib<R> {
    /// Best unicast paths of `family`, ordered by prefix; with `within`, only prefixes
    /// inside it (itself included).
    pub fn best_routes(&self, family: AfiSafi, within: Option<IpNet>) -> Vec<(RouteKey, Path)> {
        let mut v: Vec<_> = self
            .tables
            .unicast
            .iter()
            .filter(|(k, _)| k.family == family && within.is_none_or(|w| w.contains(&k.prefix)))
            .filter_map(|(k, e)| e.best.clone().map(|b| (*k, b)))
            .collect();
        v.sort_by_key(|a| a.0);
        v
    }

    /// Best FlowSpec paths of `family` (unordered: rules have no order yet).
    pub fn best_flowspecs(&self, family: AfiSafi) -> Vec<(FlowKey<R>, Path)> {
        self.tables
            .flow
            .iter()
            .filter(|(k, _)| k.family == family)
            .filter_map(|(k, e)| e.best.clone().map(|b| ((*k).clone(), b)))
            .collect()
    }

    /// A neighbor's Adj-RIB-In (unicast), ordered by prefix; `None` if it is not up.
    pub fn received_routes(&self, addr: IpAddr) -> Option<Vec<Received<RouteKey>>> {
        let mut v = received(&self.peers.get(&addr)?.unicast);
        v.sort_by_key(|a| (a.key, a.path.path_id));
        Some(v)
    }

    pub fn received_flowspecs(&self, addr: IpAddr) -> Option<Vec<Received<FlowKey<R>>>> {
        Some(received(&self.peers.get(&addr)?.flow))
    }

    /// A neighbor's Adj-RIB-Out (unicast), ordered by prefix.
    pub fn advertised_routes(&self, addr: IpAddr) -> Option<Vec<Advertised<RouteKey>>> {
        let mut v = advertised(&self.peers.get(&addr)?.unicast);
        v.sort_by_key(|a| (a.key, a.sent.path_id));
        Some(v)
    }

    pub fn advertised_flowspecs(&self, addr: IpAddr) -> Option<Vec<Advertised<FlowKey<R>>>> {
        Some(advertised(&self.peers.get(&addr)?.flow))
    }

    /// Received / accepted / advertised per family of a neighbor.
    pub fn counters(&self, addr: IpAddr) -> Option<BTreeMap<AfiSafi, FamilyCounters>> {
        Some(self.peers.get(&addr)?.counters.all().clone())
    }

    /// Whether the peer's Adj-RIB-Out holds `key` (something was sent for it).
    pub fn advertises(&self, addr: IpAddr, key: &RouteKey) -> bool {
        self.peers
            .get(&addr)
            .is_some_and(|p| p.unicast.adj_out.contains_key(key))
    }

    /// Addresses of the established peers.
    pub fn peers(&self) -> Vec<IpAddr> {
        let mut v: Vec<_> = self.peers.keys().copied().collect();
        v.sort();
        v
    }
}

fn received<K: Clone>(t: &PeerTable<K>) -> Vec<Received<K>> {
    t.adj_in
        .iter()
        .map(|((k, _), e)| Received {
            key: k.clone(),
            path: e.used().clone(),
            accepted: e.accepted,
        })
        .collect()
}

fn advertised<K: Clone>(t: &PeerTable<K>) -> Vec<Advertised<K>> {
    t.adj_out
        .iter()
        .flat_map(|(k, set)| {
            set.as_slice().iter().map(move |s| Advertised {
                key: k.clone(),
                sent: s.clone(),
            })
        })
        .collect()
}
