//! Import policy between Adj-RIB-In and the Loc-RIB (unicast routes): the verdict for one
//! received path, and re-running it over every stored path when policy changes (soft
//! reconfiguration inbound: Adj-RIB-In is kept as received, so no ROUTE-REFRESH is needed).

use std::net::IpAddr;

use bgp_wire::AfiSafi;
use bgp_wire::attribute::MpNextHop;
use ipnet::IpNet;

use super::adj_in::InCtx;
use super::key::FlowRule;
use super::path::Path;
use super::peer::PeerInfo;
use super::received::as_loop;
use super::{Output, Rib, Touched};
use crate::policy::{Direction, Engine, NextHopAction, PolicyError, Subject};

/// Whether a received path is used, and how import policy changed it (`None`: unchanged).
/// `engine` is `None` when no import policy is attached anywhere (the fast path).
pub fn verdict(
    engine: Option<&Engine>,
    info: &PeerInfo,
    family: AfiSafi,
    prefix: IpNet,
    path: &Path,
) -> (bool, Option<Path>) {
    if as_loop(path) {
        return (false, None);
    }
    let (Some(engine), Some(neighbor)) = (engine, path.peer_address()) else {
        return (true, None);
    };
    let s = Subject {
        family,
        prefix: Some(prefix),
        neighbor,
        path,
        local_asn: info.local_asn,
    };
    let o = engine.evaluate(Direction::Import, &s);
    if !o.accept {
        return (false, None);
    }
    if !o.changed {
        return (true, None);
    }
    let next_hop = match o.next_hop {
        None => path.next_hop.clone(),
        Some(NextHopAction::Addr(a)) => mp_next_hop(a),
        Some(NextHopAction::SelfAddr) => info
            .next_hop_self(family.afi)
            .unwrap_or_else(|| path.next_hop.clone()),
    };
    let post = Path {
        attrs: o.attrs,
        next_hop,
        ..path.clone()
    };
    (true, Some(post))
}

pub fn mp_next_hop(a: IpAddr) -> MpNextHop {
    match a {
        IpAddr::V4(x) => MpNextHop::Ipv4(x),
        IpAddr::V6(x) => MpNextHop::Ipv6(x),
    }
}

impl<R: FlowRule> Rib<R> {
    /// The policies, sets and chains in force.
    pub fn policy(&self) -> &Engine {
        &self.policy
    }

    /// Changes policy with `f` (which checks its input and changes nothing on error), then
    /// re-runs import policy over every Adj-RIB-In and export policy over every key: the
    /// output holds only the resulting differences, sessions are not reset.
    pub fn change_policy<T>(
        &mut self,
        f: impl FnOnce(&mut Engine) -> Result<T, PolicyError>,
    ) -> Result<(T, Output<R>), PolicyError> {
        let v = f(&mut self.policy)?;
        Ok((v, self.reapply_policy()))
    }

    fn reapply_policy(&mut self) -> Output<R> {
        let mut t = Touched::<R>::default();
        let engine = (!self.policy.is_empty(Direction::Import)).then_some(&self.policy);
        for peer in self.peers.values_mut() {
            let verdicts: Vec<_> = peer
                .unicast
                .adj_in
                .iter()
                .map(|((k, id), e)| {
                    let v = verdict(engine, &peer.info, k.family, k.prefix, &e.path);
                    (*k, *id, v)
                })
                .collect();
            let mut cx = InCtx {
                table: &mut peer.unicast,
                loc: &mut self.tables.unicast,
                counters: &mut peer.counters,
                touched: &mut t.unicast,
            };
            for (k, id, v) in verdicts {
                cx.reimport(&k, id, v);
            }
        }
        t.unicast
            .extend(self.tables.unicast.iter().map(|(k, _)| *k));
        t.flow
            .extend(self.tables.flow.iter().map(|(k, _)| k.clone()));
        for peer in self.peers.values() {
            t.unicast.extend(peer.unicast.adj_out.keys().copied());
            t.flow.extend(peer.flow.adj_out.keys().cloned());
        }
        self.settle(t)
    }
}
