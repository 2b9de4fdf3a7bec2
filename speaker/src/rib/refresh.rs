//! Route refresh (RFC 2918) from our side: re-sending one family of a peer's Adj-RIB-Out
//! as it stands, wrapped in BoRR/EoRR when Enhanced Route Refresh was negotiated (RFC 7313).
//! Nothing is recomputed: the Adj-RIB-Out already is what the peer should hold.

use std::collections::HashMap;
use std::net::IpAddr;

use bgp_wire::message::route_refresh::{RefreshSubtype, RouteRefresh};
use bgp_wire::{AfiSafi, CodecContext, Message};

use super::adj_out::OutSet;
use super::batch::Batch;
use super::key::{FlowRule, RibKey};
use super::{Output, Rib, RibError};

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

    /// Whether `addr` is up and negotiated `family`.
    pub fn peer_has_family(&self, addr: IpAddr, family: AfiSafi) -> bool {
        self.peers
            .get(&addr)
            .is_some_and(|p| p.info.has_family(family))
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
