//! Settling a batch of changes: decide the touched keys, re-validate FlowSpec rules that
//! depend on changed unicast routes, then compute and pack each peer's Adj-RIB-Out delta.

use super::hash::HashSet;
use std::net::IpAddr;

use bgp_wire::message::Update;
use bgp_wire::{AfiSafi, Message, Safi};
use ipnet::IpNet;

use super::adj_in::InCtx;
use super::adj_out;
use super::batch::Batch;
use super::export::Exporter;
use super::flowspec;
use super::key::{FlowKey, FlowRule, RibKey, RouteKey};
use super::loc::{Change, Loc};
use super::peer::{Peer, PeerTable};
use super::{BestChange, ChangeKind, Nlri, Output, Rib, Touched};

/// Above this many changed unicast prefixes, every received FlowSpec rule is re-checked
/// (cheaper than testing each rule against each prefix).
const REVALIDATE_ALL: usize = 64;

impl<R: FlowRule> Rib<R> {
    /// Decides, re-validates, exports: the outputs of one input.
    pub(super) fn settle(&mut self, mut t: Touched<R>) -> Output<R> {
        let mut out = Output::default();
        let changed = self.decide_unicast(&t.unicast, &mut out.events);
        self.revalidate(&changed, &mut t);
        decide(&mut self.tables.flow, &t.flow, &mut out.events, |k| {
            (k.family, Nlri::FlowSpec(k.rule.clone()))
        });
        for (addr, peer) in self.peers.iter_mut() {
            let msgs = export_peer(*addr, peer, &self.tables, &self.policy, &t, &mut out.errors);
            if !msgs.is_empty() {
                out.messages.entry(*addr).or_default().extend(msgs);
            }
        }
        out
    }

    /// Decides the touched unicast keys; returns the prefixes whose best path changed.
    fn decide_unicast(
        &mut self,
        keys: &HashSet<RouteKey>,
        events: &mut Vec<BestChange<R>>,
    ) -> Vec<IpNet> {
        let start = events.len();
        decide(&mut self.tables.unicast, keys, events, |k| {
            (k.family, Nlri::Unicast(k.prefix))
        });
        let mut changed = Vec::new();
        for e in &events[start..] {
            if let Nlri::Unicast(p) = &e.nlri {
                if e.family.safi == Safi::Unicast {
                    match e.kind {
                        ChangeKind::Withdrawn => self.tables.index.remove(p),
                        _ => self.tables.index.insert(*p),
                    };
                }
                changed.push(*p);
            }
        }
        changed
    }

    /// Re-checks received FlowSpec rules: those just received (`t.validate`) and those
    /// whose destination overlaps a changed unicast prefix.
    fn revalidate(&mut self, changed: &[IpNet], t: &mut Touched<R>) {
        let pending: HashSet<(IpAddr, FlowKey<R>)> =
            std::mem::take(&mut t.validate).into_iter().collect();
        if pending.is_empty() && changed.is_empty() {
            return;
        }
        let all = changed.len() > REVALIDATE_ALL;
        for (addr, peer) in self.peers.iter_mut() {
            if !peer.info.flowspec_validation || peer.flow.adj_in.is_empty() {
                continue;
            }
            let mut verdicts = Vec::new();
            for ((key, path_id), entry) in &peer.flow.adj_in {
                let affected = all
                    || pending.contains(&(*addr, key.clone()))
                    || key
                        .rule
                        .destination()
                        .is_some_and(|d| changed.iter().any(|c| flowspec::overlaps(d, *c)));
                if affected {
                    let ok = rule_ok(key, &entry.path, &self.tables);
                    verdicts.push((key.clone(), *path_id, ok));
                }
            }
            let mut cx = InCtx {
                table: &mut peer.flow,
                loc: &mut self.tables.flow,
                counters: &mut peer.counters,
                touched: &mut t.flow,
            };
            for (key, path_id, ok) in verdicts {
                cx.set_accepted(&key, path_id, ok);
            }
        }
    }

    /// Initial table sync of a peer that just came up: everything, then End-of-RIB per
    /// negotiated family.
    pub(super) fn full_sync(&mut self, addr: IpAddr) -> Output<R> {
        let mut out = Output::default();
        let Some(peer) = self.peers.get_mut(&addr) else {
            return out;
        };
        let t = Touched {
            unicast: self.tables.unicast.iter().map(|(k, _)| *k).collect(),
            flow: self.tables.flow.iter().map(|(k, _)| k.clone()).collect(),
            validate: Vec::new(),
        };
        let mut msgs = export_peer(addr, peer, &self.tables, &self.policy, &t, &mut out.errors);
        for family in &peer.info.negotiated.families {
            msgs.push(end_of_rib(*family, &peer.ctx));
        }
        out.messages.insert(addr, msgs);
        out
    }
}

fn rule_ok<R: FlowRule>(
    key: &FlowKey<R>,
    path: &super::path::Path,
    tables: &super::Tables<R>,
) -> bool {
    !super::received::as_loop(path)
        && flowspec::feasible(&key.rule, key.family, path, &tables.unicast, &tables.index)
}

/// Recomputes each key; one event per changed best path.
fn decide<K: RibKey, R>(
    loc: &mut Loc<K>,
    keys: &HashSet<K>,
    events: &mut Vec<BestChange<R>>,
    nlri: impl Fn(&K) -> (AfiSafi, Nlri<R>),
) {
    for key in keys {
        let Some(Change { old, new }) = loc.recompute(key) else {
            continue;
        };
        let kind = match (&old, &new) {
            (None, _) => ChangeKind::Added,
            (_, None) => ChangeKind::Withdrawn,
            _ => ChangeKind::Updated,
        };
        let (family, nlri) = nlri(key);
        events.push(BestChange {
            family,
            nlri,
            kind,
            best: new,
        });
    }
}

/// One peer's messages for the touched keys: unicast first (FlowSpec validation at the
/// receiver needs the unicast routes), then FlowSpec.
fn export_peer<R: FlowRule>(
    addr: IpAddr,
    peer: &mut Peer<R>,
    tables: &super::Tables<R>,
    policy: &crate::policy::Engine,
    t: &Touched<R>,
    errors: &mut Vec<super::RibError>,
) -> Vec<Vec<u8>> {
    let Peer {
        info,
        ctx,
        unicast,
        flow,
        counters,
        ..
    } = peer;
    let mut exporter = Exporter::new(addr, info, policy);
    let mut msgs = Vec::new();
    let mut part = Part {
        exporter: &mut exporter,
        counters,
        ctx,
        out: &mut msgs,
        errors,
    };
    part.run(&tables.unicast, unicast, &t.unicast, false);
    part.run(&tables.flow, flow, &t.flow, true);
    msgs
}

/// The state of one peer's export pass.
struct Part<'a, 'b> {
    exporter: &'a mut Exporter<'b>,
    counters: &'a mut super::counters::Counters,
    ctx: &'a bgp_wire::CodecContext,
    out: &'a mut Vec<Vec<u8>>,
    errors: &'a mut Vec<super::RibError>,
}

impl Part<'_, '_> {
    fn run<K: RibKey>(
        &mut self,
        loc: &Loc<K>,
        table: &mut PeerTable<K>,
        keys: &HashSet<K>,
        flow: bool,
    ) {
        let mut batch = Batch::default();
        let mut desired = Vec::new();
        for key in keys {
            let family = key.family();
            if !self.exporter.info.has_family(family) {
                continue;
            }
            self.exporter
                .desired(loc.get(key), family, key.prefix(), flow, &mut desired);
            adj_out::reconcile(
                &mut table.adj_out,
                key,
                &mut desired,
                &mut batch,
                self.counters,
            );
        }
        if !batch.is_empty() {
            batch.pack::<K>(self.ctx, self.out, self.errors);
        }
    }
}

fn end_of_rib(family: AfiSafi, ctx: &bgp_wire::CodecContext) -> Vec<u8> {
    Message::Update(Update::end_of_rib(family)).to_bytes(ctx)
}
