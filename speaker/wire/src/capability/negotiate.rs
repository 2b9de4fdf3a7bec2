//! Pure capability negotiation: what two OPENs (ours and the peer's) agree on.

use std::net::Ipv4Addr;

use super::{AddPathFamily, Capability, ExtendedNextHop, GracefulRestart, LlgrFamily};
use crate::afi::AfiSafi;
use crate::context::CodecContext;
use crate::message::Open;

/// The outcome of negotiating a session, from the local speaker's point of view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// Families both sides advertised (RFC 4760), in local order. A side that sent no
    /// Multiprotocol capability at all supports IPv4 unicast only (RFC 4760).
    pub families: Vec<AfiSafi>,
    /// RFC 6793: both sent the 4-octet AS capability.
    pub four_octet_as: bool,
    /// RFC 2918: both sent Route Refresh.
    pub route_refresh: bool,
    /// RFC 7313: both sent Enhanced Route Refresh.
    pub enhanced_route_refresh: bool,
    /// RFC 8654: both sent Extended Message.
    pub extended_message: bool,
    /// RFC 7911: negotiated families whose NLRI we receive with path identifiers (we can
    /// receive, the peer can send).
    pub add_path_rx: Vec<AfiSafi>,
    /// RFC 7911: negotiated families whose NLRI we send with path identifiers (we can send,
    /// the peer can receive).
    pub add_path_tx: Vec<AfiSafi>,
    /// RFC 8950: next-hop encodings the peer accepts from us (what it advertised).
    pub extended_next_hop_tx: Vec<ExtendedNextHop>,
    /// RFC 8950: next-hop encodings we accept from the peer (what we advertised).
    pub extended_next_hop_rx: Vec<ExtendedNextHop>,
    /// The peer's Graceful Restart capability (the last one if it sent several).
    pub peer_graceful_restart: Option<GracefulRestart>,
    /// The peer's Long-Lived GR families (the last capability if it sent several). RFC 9494
    /// ties LLGR to GR; whether to honour it without GR is the session layer's decision.
    pub peer_long_lived_gr: Option<Vec<LlgrFamily>>,
    /// RFC 4271 §4.2: the smaller of both hold times (0 if either is 0).
    pub hold_time: u16,
    /// The peer's AS (4-octet capability if present, else My AS).
    pub peer_asn: u32,
    pub peer_bgp_id: Ipv4Addr,
}

impl Negotiated {
    /// Context for decoding what the peer sends.
    pub fn rx_context(&self) -> CodecContext {
        CodecContext {
            four_octet_as: self.four_octet_as,
            add_path: self.add_path_rx.clone(),
            extended_message: self.extended_message,
        }
    }

    /// Context for encoding what we send.
    pub fn tx_context(&self) -> CodecContext {
        CodecContext {
            four_octet_as: self.four_octet_as,
            add_path: self.add_path_tx.clone(),
            extended_message: self.extended_message,
        }
    }
}

/// Negotiates `local` (the OPEN we sent) against `remote` (the OPEN we received).
pub fn negotiate(local: &Open, remote: &Open) -> Negotiated {
    let remote_families = families(remote);
    let families: Vec<AfiSafi> = families(local)
        .into_iter()
        .filter(|f| remote_families.contains(f))
        .collect();
    let both = |code: u8| has(local, code) && has(remote, code);
    Negotiated {
        add_path_rx: add_path(local, remote, &families, |l, r| l.receives() && r.sends()),
        add_path_tx: add_path(local, remote, &families, |l, r| l.sends() && r.receives()),
        four_octet_as: both(super::code::FOUR_OCTET_AS),
        route_refresh: both(super::code::ROUTE_REFRESH),
        enhanced_route_refresh: both(super::code::ENHANCED_ROUTE_REFRESH),
        extended_message: both(super::code::EXTENDED_MESSAGE),
        extended_next_hop_tx: extended_next_hop(remote),
        extended_next_hop_rx: extended_next_hop(local),
        peer_graceful_restart: last(remote, |c| match c {
            Capability::GracefulRestart(gr) => Some(gr.clone()),
            _ => None,
        }),
        peer_long_lived_gr: last(remote, |c| match c {
            Capability::LongLivedGracefulRestart(list) => Some(list.clone()),
            _ => None,
        }),
        hold_time: local.hold_time.min(remote.hold_time),
        peer_asn: remote.asn(),
        peer_bgp_id: remote.bgp_id,
        families,
    }
}

fn has(open: &Open, code: u8) -> bool {
    open.capabilities().any(|c| c.code() == code)
}

fn last<T>(open: &Open, pick: impl Fn(&Capability) -> Option<T>) -> Option<T> {
    open.capabilities().filter_map(pick).last()
}

/// Advertised families without duplicates; IPv4 unicast if none was advertised.
fn families(open: &Open) -> Vec<AfiSafi> {
    let mut out: Vec<AfiSafi> = Vec::new();
    for cap in open.capabilities() {
        if let Capability::Multiprotocol(f) = cap
            && !out.contains(f)
        {
            out.push(*f);
        }
    }
    if out.is_empty() {
        out.push(AfiSafi::IPV4_UNICAST);
    }
    out
}

/// Every Add-Path entry of an OPEN. For a family listed more than once the last entry wins.
fn add_path_entries(open: &Open) -> Vec<AddPathFamily> {
    let mut out: Vec<AddPathFamily> = Vec::new();
    for cap in open.capabilities() {
        if let Capability::AddPath(list) = cap {
            for entry in list {
                out.retain(|e| e.family != entry.family);
                out.push(*entry);
            }
        }
    }
    out
}

/// Negotiated families where `wanted(local mode, remote mode)` holds.
fn add_path(
    local: &Open,
    remote: &Open,
    families: &[AfiSafi],
    wanted: impl Fn(super::AddPathMode, super::AddPathMode) -> bool,
) -> Vec<AfiSafi> {
    let (ours, theirs) = (add_path_entries(local), add_path_entries(remote));
    let mode_of =
        |list: &[AddPathFamily], f: AfiSafi| list.iter().find(|e| e.family == f).map(|e| e.mode);
    families
        .iter()
        .copied()
        .filter(|f| match (mode_of(&ours, *f), mode_of(&theirs, *f)) {
            (Some(l), Some(r)) => wanted(l, r),
            _ => false,
        })
        .collect()
}

fn extended_next_hop(open: &Open) -> Vec<ExtendedNextHop> {
    open.capabilities()
        .filter_map(|c| match c {
            Capability::ExtendedNextHop(list) => Some(list.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect()
}
