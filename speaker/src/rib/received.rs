//! Received UPDATEs: into the peer's Adj-RIB-In, then settled like any other change.

use std::net::IpAddr;
use std::sync::Arc;

use bgp_wire::AfiSafi;
use bgp_wire::attribute::{MpNextHop, PathAttributes};
use bgp_wire::message::Update;
use bgp_wire::nlri::{MpNlri, PathPrefix};

use super::adj_in::InCtx;
use super::key::{FlowKey, FlowRule, RouteKey};
use super::path::{Path, Source};
use super::peer::Peer;
use super::{Output, Rib, RibError, Touched};
use crate::fsm::StopReason;

/// RFC 4271 §9.1.2: a path whose AS_PATH holds our own AS looped back; kept in the
/// Adj-RIB-In but not used.
pub fn as_loop(path: &Path) -> bool {
    let Some(peer) = path.peer() else {
        return false;
    };
    path.attrs
        .as_path
        .as_ref()
        .is_some_and(|p| p.contains(peer.local_asn))
}

/// FlowSpec rules received in one UPDATE (or built by hand in tests).
#[derive(Debug, Clone)]
pub struct FlowUpdate<R> {
    pub family: AfiSafi,
    pub announced: Vec<R>,
    pub withdrawn: Vec<R>,
    pub attrs: Arc<PathAttributes>,
    pub next_hop: MpNextHop,
}

impl<R: FlowRule> Rib<R> {
    /// A decoded UPDATE from `addr`. RFC 7606 treat-as-withdraw turns every announced NLRI
    /// into a withdrawal; families not negotiated are ignored.
    pub fn update_received(
        &mut self,
        addr: IpAddr,
        update: &Update,
    ) -> Result<Output<R>, RibError> {
        let mut t = Touched::default();
        let peer = self
            .peers
            .get_mut(&addr)
            .ok_or(RibError::UnknownPeer(addr))?;
        let withdraw = update.treat_as_withdraw();
        let mut cx = InCtx {
            table: &mut peer.unicast,
            loc: &mut self.tables.unicast,
            counters: &mut peer.counters,
            touched: &mut t.unicast,
        };
        let families = &peer.info.negotiated.families;
        for (family, p) in update.withdrawn_unicast() {
            if families.contains(&family) {
                cx.unlearn(&RouteKey::new(family, p.prefix), p.path_id);
            }
        }
        let classic_nh = update
            .attributes
            .next_hop
            .map_or(MpNextHop::Empty, MpNextHop::Ipv4);
        let engine =
            (!self.policy.is_empty(crate::policy::Direction::Import)).then_some(&self.policy);
        let mut rx = Rx {
            cx,
            peer_meta: &peer.meta,
            info: &peer.info,
            engine,
            attrs: &update.attributes,
            withdraw,
        };
        if families.contains(&AfiSafi::IPV4_UNICAST) {
            rx.prefixes(AfiSafi::IPV4_UNICAST, &update.nlri, &classic_nh);
        }
        if let Some(mp) = &update.mp_reach
            && let MpNlri::Unicast(list) = &mp.nlri
            && families.contains(&mp.family)
        {
            rx.prefixes(mp.family, list, &mp.next_hop);
        }
        if let Some(flows) = flow_update(update, withdraw) {
            receive_flows(peer, &mut self.tables.flow, &mut t, flows);
        }
        let mut out = self.settle(t);
        self.check_max_prefixes(addr, &mut out);
        Ok(out)
    }

    /// FlowSpec rules from `addr` given directly (what [`Rib::update_received`] does with
    /// the FlowSpec part of an UPDATE).
    pub fn flowspec_received(
        &mut self,
        addr: IpAddr,
        flows: FlowUpdate<R>,
    ) -> Result<Output<R>, RibError> {
        let mut t = Touched::default();
        let peer = self
            .peers
            .get_mut(&addr)
            .ok_or(RibError::UnknownPeer(addr))?;
        receive_flows(peer, &mut self.tables.flow, &mut t, flows);
        let mut out = self.settle(t);
        self.check_max_prefixes(addr, &mut out);
        Ok(out)
    }

    /// Asks to stop the session when a family holds more accepted paths than allowed.
    fn check_max_prefixes(&self, addr: IpAddr, out: &mut Output<R>) {
        let Some(peer) = self.peers.get(&addr) else {
            return;
        };
        let Some(limit) = peer.info.max_prefixes else {
            return;
        };
        let over = peer
            .counters
            .all()
            .iter()
            .find(|(_, c)| c.accepted > u64::from(limit));
        if let Some((family, _)) = over {
            let reason = StopReason::MaxPrefixes {
                family: *family,
                limit,
            };
            out.stop.push((addr, reason));
        }
    }
}

/// Receiving the unicast prefixes of one UPDATE.
struct Rx<'a> {
    cx: InCtx<'a, RouteKey>,
    peer_meta: &'a Arc<super::path::PeerMeta>,
    info: &'a super::peer::PeerInfo,
    engine: Option<&'a crate::policy::Engine>,
    attrs: &'a Arc<PathAttributes>,
    withdraw: bool,
}

impl Rx<'_> {
    fn prefixes(&mut self, family: AfiSafi, list: &[PathPrefix], next_hop: &MpNextHop) {
        for p in list {
            let key = RouteKey::new(family, p.prefix);
            if self.withdraw {
                self.cx.unlearn(&key, p.path_id);
                continue;
            }
            let path = Path {
                source: Source::Peer(self.peer_meta.clone()),
                path_id: p.path_id,
                attrs: self.attrs.clone(),
                next_hop: next_hop.clone(),
            };
            let (ok, post) =
                super::import::verdict(self.engine, self.info, family, key.prefix, &path);
            self.cx.learn(key, path, ok, post);
        }
    }
}

/// The FlowSpec part of an UPDATE in the RIB's rule type.
fn flow_update<R: FlowRule>(update: &Update, withdraw: bool) -> Option<FlowUpdate<R>> {
    let reach = update.announced_flowspec();
    let unreach = update.withdrawn_flowspec();
    let family = reach.or(unreach).map(|(f, _)| f)?;
    let convert = |v: Option<(AfiSafi, &[bgp_wire::nlri::FlowSpecNlri])>| -> Vec<R> {
        v.map(|(_, rules)| rules.iter().filter_map(R::from_wire).collect())
            .unwrap_or_default()
    };
    let mut announced = convert(reach);
    let mut withdrawn = convert(unreach);
    if withdraw {
        withdrawn.append(&mut announced);
    }
    let next_hop = update
        .mp_reach
        .as_ref()
        .map_or(MpNextHop::Empty, |m| m.next_hop.clone());
    Some(FlowUpdate {
        family,
        announced,
        withdrawn,
        attrs: update.attributes.clone(),
        next_hop,
    })
}

/// Stores received rules; with validation on they start unaccepted and are decided by
/// the re-validation step once the unicast part of the same input is settled.
fn receive_flows<R: FlowRule>(
    peer: &mut Peer<R>,
    loc: &mut super::loc::Loc<FlowKey<R>>,
    t: &mut Touched<R>,
    flows: FlowUpdate<R>,
) {
    if !peer.info.has_family(flows.family) {
        return;
    }
    let validate = peer.info.flowspec_validation;
    let addr = peer.meta.address;
    let mut cx = InCtx {
        table: &mut peer.flow,
        loc,
        counters: &mut peer.counters,
        touched: &mut t.flow,
    };
    for rule in flows.withdrawn {
        cx.unlearn(
            &FlowKey {
                family: flows.family,
                rule,
            },
            None,
        );
    }
    for rule in flows.announced {
        let key = FlowKey {
            family: flows.family,
            rule,
        };
        let path = Path {
            source: Source::Peer(peer.meta.clone()),
            path_id: None,
            attrs: flows.attrs.clone(),
            next_hop: flows.next_hop.clone(),
        };
        let ok = !validate && !as_loop(&path);
        if validate {
            t.validate.push((addr, key.clone()));
        }
        cx.learn(key, path, ok, None);
    }
}
