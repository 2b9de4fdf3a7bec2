//! Route refresh (RFC 2918) from our side: re-sending one family of a peer's Adj-RIB-Out
//! as it stands, wrapped in BoRR/EoRR when Enhanced Route Refresh was negotiated (RFC 7313).
//! Nothing is recomputed: the Adj-RIB-Out already is what the peer should hold.
//!
//! The peer's side of an enhanced refresh (RFC 7313 §4): its BoRR marks what it sent us of
//! that family stale, what it sends again is fresh, and its EoRR removes what stayed stale.

use super::hash::HashMap;
use std::net::IpAddr;

use bgp_wire::message::route_refresh::{RefreshSubtype, RouteRefresh};
use bgp_wire::{AfiSafi, CodecContext, Message};

use super::adj_in::InCtx;
use super::adj_out::OutSet;
use super::batch::Batch;
use super::key::{FlowRule, RibKey};
use super::peer::PeerTable;
use super::{Output, Rib, RibError, Touched};

impl<R: FlowRule> Rib<R> {
    /// Every route of `family` that `addr` has from us, again. An empty output when the
    /// peer is not up or did not negotiate the family (RFC 2918 §4: such a request is
    /// ignored).
    pub fn resend(&self, addr: IpAddr, family: AfiSafi) -> Output<R> {
        let mut out = Output::default();
        let Some(peer) = self.peers.get(&addr) else {
            return out;
        };
        if !peer.info.has_family(family) {
            return out;
        }
        let enhanced = peer.info.negotiated.enhanced_route_refresh;
        let mut msgs = Vec::new();
        if enhanced {
            msgs.push(marker(family, RefreshSubtype::Begin, &peer.ctx));
        }
        let errors = &mut out.errors;
        announce_all(&peer.unicast.adj_out, family, &peer.ctx, &mut msgs, errors);
        announce_all(&peer.flow.adj_out, family, &peer.ctx, &mut msgs, errors);
        if enhanced {
            msgs.push(marker(family, RefreshSubtype::End, &peer.ctx));
        }
        out.messages.insert(addr, msgs);
        out
    }

    /// The peer's BoRR for `family`: everything it sent us of that family becomes stale.
    pub fn begin_refresh_from(&mut self, addr: IpAddr, family: AfiSafi) {
        if let Some(peer) = self.peers.get_mut(&addr) {
            mark_stale(&mut peer.unicast, family);
            mark_stale(&mut peer.flow, family);
        }
    }

    /// The peer's EoRR for `family`: what it did not send again since its BoRR is removed.
    pub fn end_refresh_from(&mut self, addr: IpAddr, family: AfiSafi) -> Output<R> {
        let mut t = Touched::<R>::default();
        let Some(peer) = self.peers.get_mut(&addr) else {
            return Output::default();
        };
        let mut cx = InCtx {
            table: &mut peer.unicast,
            loc: &mut self.tables.unicast,
            counters: &mut peer.counters,
            touched: &mut t.unicast,
        };
        purge_stale(&mut cx, family);
        let mut cx = InCtx {
            table: &mut peer.flow,
            loc: &mut self.tables.flow,
            counters: &mut peer.counters,
            touched: &mut t.flow,
        };
        purge_stale(&mut cx, family);
        self.settle(t)
    }

    /// How many routes of `family` from `addr` are stale (marked by its BoRR, not sent
    /// again since).
    pub fn stale_count(&self, addr: IpAddr, family: AfiSafi) -> usize {
        self.peers.get(&addr).map_or(0, |p| {
            count_stale(&p.unicast, family) + count_stale(&p.flow, family)
        })
    }

    /// Whether `addr` is up and negotiated `family`.
    pub fn peer_has_family(&self, addr: IpAddr, family: AfiSafi) -> bool {
        self.peers
            .get(&addr)
            .is_some_and(|p| p.info.has_family(family))
    }
}

fn mark_stale<K: RibKey>(table: &mut PeerTable<K>, family: AfiSafi) {
    let keys: Vec<_> = table
        .adj_in
        .keys()
        .filter(|(k, _)| k.family() == family)
        .cloned()
        .collect();
    table.stale.extend(keys);
}

fn count_stale<K: RibKey>(table: &PeerTable<K>, family: AfiSafi) -> usize {
    table
        .stale
        .iter()
        .filter(|(k, _)| k.family() == family)
        .count()
}

fn purge_stale<K: RibKey>(cx: &mut InCtx<'_, K>, family: AfiSafi) {
    let gone: Vec<_> = cx
        .table
        .stale
        .iter()
        .filter(|(k, _)| k.family() == family)
        .cloned()
        .collect();
    for (key, path_id) in gone {
        cx.unlearn(&key, path_id);
    }
}

fn announce_all<K: RibKey>(
    adj_out: &HashMap<K, OutSet>,
    family: AfiSafi,
    ctx: &CodecContext,
    msgs: &mut Vec<Vec<u8>>,
    errors: &mut Vec<RibError>,
) {
    let mut batch = Batch::default();
    for (key, set) in adj_out.iter().filter(|(k, _)| k.family() == family) {
        for s in set.as_slice() {
            batch.announce(family, &s.attrs, &s.next_hop, key.item(s.path_id));
        }
    }
    if !batch.is_empty() {
        batch.pack::<K>(ctx, msgs, errors);
    }
}

fn marker(family: AfiSafi, subtype: RefreshSubtype, ctx: &CodecContext) -> Vec<u8> {
    Message::RouteRefresh(RouteRefresh { family, subtype }).to_bytes(ctx)
}
