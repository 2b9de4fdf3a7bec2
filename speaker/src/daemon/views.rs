//! RIB contents → the API's plain views ([`RouteView`]).

use std::net::IpAddr;
use std::time::SystemTime;

use bgp_wire::attribute::MpNextHop;
use bgp_wire::nlri::FlowSpecNlri;

use super::families::from_afi_safi;
use crate::command::{RouteNlri, RouteSource, RouteView};
use crate::config::Family;
use crate::rib::path::{Path, Source};

pub fn next_hop_ip(nh: &MpNextHop) -> Option<IpAddr> {
    match nh {
        MpNextHop::Ipv4(a) => Some(IpAddr::V4(*a)),
        MpNextHop::Ipv6(a) => Some(IpAddr::V6(*a)),
        MpNextHop::Ipv6LinkLocal { global, .. } => Some(IpAddr::V6(*global)),
        _ => None,
    }
}

pub fn source(path: &Path) -> RouteSource {
    match &path.source {
        Source::Injected(meta) => RouteSource::Injected {
            id: meta.id.clone(),
        },
        Source::Peer(meta) => RouteSource::Neighbor {
            address: meta.address,
            router_id: meta.router_id,
        },
    }
}

/// A view of `path` for `nlri`. The RIB does not time-stamp paths, so `since` is "now".
pub fn route_view(nlri: RouteNlri, path: &Path, best: bool) -> RouteView {
    // IPv4 routes learned in the classic fields carry their next hop as an attribute.
    let next_hop = next_hop_ip(&path.next_hop).or_else(|| path.attrs.next_hop.map(IpAddr::V4));
    RouteView {
        nlri,
        path_id: path.path_id.unwrap_or(0),
        next_hop,
        attrs: (*path.attrs).clone(),
        source: source(path),
        best,
        since: SystemTime::now(),
        rpki: None,
        filtered: false,
    }
}

pub fn flow_nlri(family: bgp_wire::AfiSafi, rule: &FlowSpecNlri) -> RouteNlri {
    RouteNlri::FlowSpec {
        family: from_afi_safi(family).unwrap_or(Family::Ipv4FlowSpec),
        rule: rule.clone(),
    }
}
