//! The speaker's RIB: Adj-RIB-In per neighbor, Loc-RIB with the decision process,
//! Adj-RIB-Out per neighbor, paths and FlowSpec rules injected over the API.
//!
//! Pure and synchronous, owned by one task (no locks): every input is a method call that
//! returns an [`Output`] — the UPDATE bytes to send to each peer, best-path change events
//! for watchers, and sessions to stop (max-prefix). Nothing here does I/O.
//!
//! - [`decision`]: RFC 4271 §9.1.2 best-path selection (injected paths win).
//! - [`export`]: eBGP / iBGP export rules; [`adj_out`]: exact per-peer deltas;
//!   [`batch`]: grouping by attribute set and packing.
//! - [`import`]: import policy between Adj-RIB-In and the Loc-RIB, and re-running policy
//!   over everything when it changes (export policy runs in [`export`]).
//! - [`injected`]: the API's paths and rules, by client id.
//! - [`flowspec`]: RFC 8955 §6 validation of received rules.
//! - `refresh`: re-sending a family's Adj-RIB-Out on ROUTE-REFRESH (BoRR/EoRR).
//! - [`key`]: table keys; FlowSpec rules are behind the [`FlowRule`] trait.
//!
//! Hot-path notes: tables are `HashMap`s keyed by compact keys; attribute sets are shared
//! `Arc`s from decoding to packing; a bulk injection is one decision pass and one packing
//! pass per peer, with identical attribute sets packed together.

pub mod adj_in;
pub mod adj_out;
pub mod batch;
pub mod counters;
pub mod decision;
pub mod explain;
pub mod export;
pub mod flowspec;
pub mod hash;
pub mod import;
pub mod injected;
pub mod key;
pub mod loc;
pub mod path;
pub mod peer;
mod query;
mod received;
mod refresh;
mod sync;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use hash::HashSet;
use std::net::IpAddr;

use bgp_wire::AfiSafi;
use bgp_wire::pack::PackError;
use ipnet::IpNet;

pub use counters::FamilyCounters;
pub use explain::Explained;
pub use injected::{InjectedFlowSpec, InjectedPath};
pub use key::{FlowKey, FlowRule, RibKey, RouteKey, WireFlowRule};
pub use path::{Path, PeerMeta, Source};
pub use peer::PeerInfo;
pub use query::{Advertised, Received};
pub use received::FlowUpdate;

use crate::fsm::StopReason;
use flowspec::PrefixIndex;
use injected::{Injectable, Store};
use loc::Loc;
use peer::Peer;

/// Why an input was refused (or, in [`Output::errors`], what could not be sent).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RibError {
    #[error("{0} is not an established peer")]
    UnknownPeer(IpAddr),
    #[error("peer {0} is already up")]
    PeerAlreadyUp(IpAddr),
    #[error("{id}: {key} is already injected by {other} for an overlapping set of neighbors")]
    Conflict {
        id: String,
        other: String,
        key: String,
    },
    #[error("could not pack an UPDATE: {0}")]
    Pack(#[from] PackError),
}

/// What a best-path change is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nlri<R> {
    Unicast(IpNet),
    FlowSpec(R),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Updated,
    Withdrawn,
}

/// A Loc-RIB best-path change, for watchers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BestChange<R> {
    pub family: AfiSafi,
    pub nlri: Nlri<R>,
    pub kind: ChangeKind,
    /// The new best path (`None` when withdrawn).
    pub best: Option<Path>,
}

/// What one input produced.
#[derive(Debug)]
pub struct Output<R> {
    /// Complete UPDATE messages to send, per peer, in order.
    pub messages: BTreeMap<IpAddr, Vec<Vec<u8>>>,
    pub events: Vec<BestChange<R>>,
    /// Sessions to stop (max-prefix exceeded).
    pub stop: Vec<(IpAddr, StopReason)>,
    /// Non-fatal problems (an attribute set too large to pack: those routes not sent).
    pub errors: Vec<RibError>,
}

impl<R> Default for Output<R> {
    fn default() -> Self {
        Output {
            messages: BTreeMap::new(),
            events: Vec::new(),
            stop: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// The Loc-RIB of both kinds of NLRI.
#[derive(Debug)]
pub(crate) struct Tables<R> {
    unicast: Loc<RouteKey>,
    flow: Loc<FlowKey<R>>,
    /// Unicast prefixes with a best path (FlowSpec validation's more-specific lookups).
    index: PrefixIndex,
}

/// Keys touched by one input.
pub(crate) struct Touched<R> {
    unicast: HashSet<RouteKey>,
    flow: HashSet<FlowKey<R>>,
    /// Received FlowSpec rules awaiting validation.
    validate: Vec<(IpAddr, FlowKey<R>)>,
}

impl<R> Default for Touched<R> {
    fn default() -> Self {
        Touched {
            unicast: HashSet::default(),
            flow: HashSet::default(),
            validate: Vec::new(),
        }
    }
}

/// The RIB. `R` is the FlowSpec rule type ([`WireFlowRule`] in the daemon).
#[derive(Debug)]
pub struct Rib<R: FlowRule = WireFlowRule> {
    peers: hash::HashMap<IpAddr, Peer<R>>,
    tables: Tables<R>,
    paths: Store<InjectedPath>,
    flows: Store<InjectedFlowSpec<R>>,
    /// Route policy (import and export chains).
    policy: crate::policy::Engine,
}

impl<R: FlowRule> Default for Rib<R> {
    fn default() -> Self {
        Rib {
            peers: hash::HashMap::default(),
            tables: Tables {
                unicast: Loc::default(),
                flow: Loc::default(),
                index: PrefixIndex::new(),
            },
            paths: Store::default(),
            flows: Store::default(),
            policy: crate::policy::Engine::default(),
        }
    }
}

impl<R: FlowRule> Rib<R> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A session reached Established: full table sync, then End-of-RIB per family.
    pub fn peer_up(&mut self, addr: IpAddr, info: PeerInfo) -> Result<Output<R>, RibError> {
        if self.peers.contains_key(&addr) {
            return Err(RibError::PeerAlreadyUp(addr));
        }
        self.peers.insert(addr, Peer::<R>::new(addr, info));
        Ok(self.full_sync(addr))
    }

    /// A session went down: its routes are flushed and withdrawn from the others.
    pub fn peer_down(&mut self, addr: IpAddr) -> Result<Output<R>, RibError> {
        let mut peer = self
            .peers
            .remove(&addr)
            .ok_or(RibError::UnknownPeer(addr))?;
        let mut t = Touched::<R>::default();
        adj_in::InCtx {
            table: &mut peer.unicast,
            loc: &mut self.tables.unicast,
            counters: &mut peer.counters,
            touched: &mut t.unicast,
        }
        .flush();
        adj_in::InCtx {
            table: &mut peer.flow,
            loc: &mut self.tables.flow,
            counters: &mut peer.counters,
            touched: &mut t.flow,
        }
        .flush();
        Ok(self.settle(t))
    }

    /// Adds or replaces one injected path.
    pub fn inject_path(
        &mut self,
        id: impl Into<String>,
        path: InjectedPath,
    ) -> Result<Output<R>, RibError> {
        self.inject_paths(vec![(id.into(), path)])
    }

    /// Adds or replaces many paths in one pass (all or nothing on conflicts).
    pub fn inject_paths(
        &mut self,
        items: Vec<(String, InjectedPath)>,
    ) -> Result<Output<R>, RibError> {
        self.paths.check(&items, &self.tables.unicast)?;
        let mut t = Touched::<R>::default();
        for (id, spec) in items {
            upsert(
                &mut self.paths,
                &mut self.tables.unicast,
                &mut t.unicast,
                id,
                spec,
            );
        }
        Ok(self.settle(t))
    }

    /// Withdraws an injected path; `None` if there is no such id.
    pub fn remove_path(&mut self, id: &str) -> Option<Output<R>> {
        let (n, out) = self.remove_paths(&[id]);
        (n > 0).then_some(out)
    }

    /// Withdraws many injected paths; how many existed, and the output.
    pub fn remove_paths(&mut self, ids: &[&str]) -> (usize, Output<R>) {
        let mut t = Touched::<R>::default();
        let n = remove(
            &mut self.paths,
            &mut self.tables.unicast,
            &mut t.unicast,
            ids,
        );
        (n, self.settle(t))
    }

    /// Adds or replaces one injected FlowSpec rule.
    pub fn inject_flowspec(
        &mut self,
        id: impl Into<String>,
        rule: InjectedFlowSpec<R>,
    ) -> Result<Output<R>, RibError> {
        self.inject_flowspecs(vec![(id.into(), rule)])
    }

    /// Adds or replaces many FlowSpec rules in one pass (all or nothing on conflicts).
    pub fn inject_flowspecs(
        &mut self,
        items: Vec<(String, InjectedFlowSpec<R>)>,
    ) -> Result<Output<R>, RibError> {
        self.flows.check(&items, &self.tables.flow)?;
        let mut t = Touched::<R>::default();
        for (id, spec) in items {
            upsert(
                &mut self.flows,
                &mut self.tables.flow,
                &mut t.flow,
                id,
                spec,
            );
        }
        Ok(self.settle(t))
    }

    /// Withdraws an injected FlowSpec rule; `None` if there is no such id.
    pub fn remove_flowspec(&mut self, id: &str) -> Option<Output<R>> {
        let (n, out) = self.remove_flowspecs(&[id]);
        (n > 0).then_some(out)
    }

    /// Withdraws many injected FlowSpec rules.
    pub fn remove_flowspecs(&mut self, ids: &[&str]) -> (usize, Output<R>) {
        let mut t = Touched::<R>::default();
        let n = remove(&mut self.flows, &mut self.tables.flow, &mut t.flow, ids);
        (n, self.settle(t))
    }

    /// Every injected path with its id, ordered by id (for a reconciler to diff).
    pub fn list_paths(&self) -> Vec<(String, InjectedPath)> {
        self.paths.list()
    }

    /// Every injected FlowSpec rule with its id, ordered by id.
    pub fn list_flowspecs(&self) -> Vec<(String, InjectedFlowSpec<R>)> {
        self.flows.list()
    }
}

/// Stores one injected object and updates its Loc-RIB candidates.
fn upsert<T: Injectable>(
    store: &mut Store<T>,
    loc: &mut Loc<T::Key>,
    touched: &mut HashSet<T::Key>,
    id: String,
    spec: T,
) {
    let key = spec.key();
    let Some((old, path)) = store.upsert(id, spec) else {
        return;
    };
    if let Some((old_key, old_path)) = old {
        loc.remove(&old_key, &old_path);
        touched.insert(old_key);
    }
    loc.insert(key.clone(), path);
    touched.insert(key);
}

fn remove<T: Injectable>(
    store: &mut Store<T>,
    loc: &mut Loc<T::Key>,
    touched: &mut HashSet<T::Key>,
    ids: &[&str],
) -> usize {
    let mut n = 0;
    for id in ids {
        if let Some(old) = store.remove(id) {
            let key = old.spec.key();
            loc.remove(&key, &old.path);
            touched.insert(key);
            n += 1;
        }
    }
    n
}
