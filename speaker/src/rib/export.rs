//! Export rules: which path each peer gets for a key, and with which attributes.
//!
//! - Only negotiated families (checked by the caller); injected paths only to the neighbors
//!   in their scope (out of scope, the peer sees the best learned path instead).
//! - Never back to the peer a path came from; never iBGP-learned to an iBGP peer.
//! - Add-Path send sessions get every in-scope injected path of the key with its path id,
//!   else the best learned one with id 0; other sessions get the single best.
//! - eBGP: prepend our AS, next-hop-self unless an injected path names its next hop, no
//!   LOCAL_PREF, no received MED (an injected MED is kept), no ORIGINATOR_ID/CLUSTER_LIST.
//! - iBGP: LOCAL_PREF kept or set to 100, next hop unchanged (injected: explicit or self).
//! - Export policy ([`crate::policy`]) runs first on the path as the Loc-RIB holds it
//!   (deny: the neighbor does not get it); the rules above then apply to what it produced,
//!   except that a MED set by policy is kept on eBGP and a policy next hop wins.
//! - Learned paths pass through [`PathAttributes::to_forwarded`]; 2-octet-AS sessions get
//!   [`PathAttributes::for_two_octet_peer`]. FlowSpec keeps its next hop (empty unless
//!   redirect-to-IP).

use super::hash::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;

use bgp_wire::AfiSafi;
use bgp_wire::attribute::{MpNextHop, Origin, PathAttributes};
use ipnet::IpNet;

use super::adj_out::Sent;
use super::decision;
use super::loc::LocEntry;
use super::path::{DEFAULT_LOCAL_PREF, Path, Source};
use super::peer::PeerInfo;
use crate::policy::{Direction, Engine, NextHopAction, Outcome, Subject};

/// The receiving side of an export pass, with a memo of transformed attribute sets so that
/// paths sharing an `Arc` share the exported `Arc` too (and pack together).
pub struct Exporter<'a> {
    pub addr: IpAddr,
    pub info: &'a PeerInfo,
    ibgp: bool,
    /// (source `Arc` address, learned?) → (source kept alive, exported set).
    memo: HashMap<(usize, bool), (Arc<PathAttributes>, Arc<PathAttributes>)>,
    /// `None` when no export policy is attached anywhere (nothing to evaluate).
    policy: Option<&'a Engine>,
    /// Attribute sets changed by policy, shared by value (equal sets pack together).
    interned: HashSet<Arc<PathAttributes>>,
}

impl<'a> Exporter<'a> {
    pub fn new(addr: IpAddr, info: &'a PeerInfo, engine: &'a Engine) -> Self {
        Exporter {
            addr,
            info,
            ibgp: info.ibgp(),
            memo: HashMap::default(),
            policy: (!engine.is_empty(Direction::Export)).then_some(engine),
            interned: HashSet::default(),
        }
    }

    /// Fills `out` (cleared first) with what the peer should have for a key.
    pub fn desired(
        &mut self,
        entry: Option<&LocEntry>,
        family: AfiSafi,
        prefix: Option<IpNet>,
        flow: bool,
        out: &mut Vec<Sent>,
    ) {
        let k = KeyCtx {
            family,
            prefix,
            flow,
        };
        out.clear();
        let Some(entry) = entry else { return };
        let add_path = !flow && self.info.negotiated.add_path_tx.contains(&family);
        let addr = self.addr;
        let in_scope = |p: &&Path| p.injected().is_some_and(|m| m.in_scope(addr));
        if add_path {
            for p in entry.candidates.iter().filter(in_scope) {
                self.push(p, k, Some(p.path_id.unwrap_or(0)), out);
            }
        } else if let Some(p) = decision::best(entry.candidates.iter().filter(in_scope)) {
            self.push(p, k, None, out);
        }
        if out.is_empty()
            && let Some(p) = best_learned(entry)
        {
            self.push(p, k, add_path.then_some(0), out);
        }
    }

    fn push(&mut self, p: &Path, k: KeyCtx, path_id: Option<u32>, out: &mut Vec<Sent>) {
        if !self.may_send(p) {
            return;
        }
        let verdict = match self.policy {
            None => None,
            Some(engine) => {
                let s = Subject {
                    family: k.family,
                    prefix: k.prefix,
                    neighbor: self.addr,
                    path: p,
                    local_asn: self.info.local_asn,
                };
                let o = engine.evaluate(Direction::Export, &s);
                if !o.accept {
                    return;
                }
                o.changed.then_some(o)
            }
        };
        let nh_policy = verdict.as_ref().and_then(|o| o.next_hop);
        let Some(next_hop) = self.next_hop(p, k.family, k.flow, nh_policy) else {
            return;
        };
        let attrs = match verdict {
            Some(o) => self.policy_attrs(&o, !p.is_injected()),
            None => self.attrs(p),
        };
        out.push(Sent {
            path_id,
            attrs,
            next_hop,
        });
    }

    /// The session's rules applied to what policy produced; a MED set by policy stays.
    fn policy_attrs(&mut self, o: &Outcome, learned: bool) -> Arc<PathAttributes> {
        let mut a = transform(&o.attrs, learned, self.info);
        if o.med_set {
            a.med = o.attrs.med;
        }
        if let Some(x) = self.interned.get(&a) {
            return x.clone();
        }
        let x = Arc::new(a);
        self.interned.insert(x.clone());
        x
    }

    fn may_send(&self, p: &Path) -> bool {
        match p.peer() {
            None => true,
            Some(src) => src.address != self.addr && !(src.ibgp && self.ibgp),
        }
    }

    fn next_hop(
        &self,
        p: &Path,
        family: AfiSafi,
        flow: bool,
        policy: Option<NextHopAction>,
    ) -> Option<MpNextHop> {
        match policy {
            Some(NextHopAction::Addr(a)) => return Some(super::import::mp_next_hop(a)),
            Some(NextHopAction::SelfAddr) if !flow => return self.info.next_hop_self(family.afi),
            _ => {}
        }
        if flow {
            return Some(p.next_hop.clone());
        }
        let keep = match &p.source {
            Source::Injected(m) => m.explicit_next_hop,
            Source::Peer(_) => self.ibgp && p.next_hop != MpNextHop::Empty,
        };
        if keep {
            Some(p.next_hop.clone())
        } else {
            self.info.next_hop_self(family.afi)
        }
    }

    fn attrs(&mut self, p: &Path) -> Arc<PathAttributes> {
        let learned = !p.is_injected();
        let key = (Arc::as_ptr(&p.attrs) as usize, learned);
        if let Some((_, out)) = self.memo.get(&key) {
            return out.clone();
        }
        let out = Arc::new(transform(&p.attrs, learned, self.info));
        self.memo.insert(key, (p.attrs.clone(), out.clone()));
        out
    }
}

/// The key being exported.
#[derive(Debug, Clone, Copy)]
struct KeyCtx {
    family: AfiSafi,
    prefix: Option<IpNet>,
    flow: bool,
}

/// The best learned candidate (the overall best may be an injected path out of scope).
fn best_learned(entry: &LocEntry) -> Option<&Path> {
    match &entry.best {
        Some(b) if !b.is_injected() => Some(b),
        _ => decision::best(entry.candidates.iter().filter(|p| !p.is_injected())),
    }
}

/// The attribute set as sent to `peer` (NEXT_HOP left to the packer).
pub fn transform(src: &PathAttributes, learned: bool, peer: &PeerInfo) -> PathAttributes {
    let mut a = if learned {
        src.to_forwarded()
    } else {
        src.clone()
    };
    a.next_hop = None;
    a.origin = Some(a.origin.unwrap_or(Origin::Igp));
    let mut path = a.as_path.take().unwrap_or_default();
    if peer.ibgp() {
        a.local_pref = Some(a.local_pref.unwrap_or(DEFAULT_LOCAL_PREF));
    } else {
        path.prepend(peer.local_asn);
        a.local_pref = None;
        if learned {
            a.med = None;
        }
        a.originator_id = None;
        a.cluster_list.clear();
    }
    a.as_path = Some(path);
    // Received AS4 attributes were folded into AS_PATH/AGGREGATOR on receipt.
    a.as4_path = None;
    a.as4_aggregator = None;
    if peer.negotiated.four_octet_as {
        a
    } else {
        a.for_two_octet_peer()
    }
}
