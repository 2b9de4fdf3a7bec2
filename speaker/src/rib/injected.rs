//! Paths and FlowSpec rules injected over the API, keyed by the client's id.
//!
//! Upsert semantics: injecting an id again replaces its object (a change of prefix
//! withdraws the old one); an identical object is a no-op. Two ids may not hold the same
//! key (prefix + path id, or family + rule) for overlapping neighbor sets.

use super::hash::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;

use bgp_wire::AfiSafi;
use bgp_wire::attribute::{MpNextHop, PathAttributes};
use ipnet::IpNet;

use super::RibError;
use super::key::{FlowKey, RibKey, RouteKey};
use super::loc::Loc;
use super::path::{InjectedMeta, Path, Source};

/// A unicast path to announce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedPath {
    pub prefix: IpNet,
    /// Local Add-Path id (several paths per prefix to Add-Path peers); `None` = 0.
    pub path_id: Option<u32>,
    /// `None`: next-hop-self on every session.
    pub next_hop: Option<IpAddr>,
    /// Share one `Arc` between many paths so that they pack together.
    pub attrs: Arc<PathAttributes>,
    /// Neighbors to announce to; empty = all that negotiated the family.
    pub neighbors: Vec<IpAddr>,
}

impl InjectedPath {
    pub fn key(&self) -> RouteKey {
        let family = match self.prefix {
            IpNet::V4(_) => AfiSafi::IPV4_UNICAST,
            IpNet::V6(_) => AfiSafi::IPV6_UNICAST,
        };
        RouteKey::new(family, self.prefix)
    }
}

/// A FlowSpec rule to announce; its actions are extended communities in `attrs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedFlowSpec<R> {
    pub family: AfiSafi,
    pub rule: R,
    /// Redirect-to-IP target, sent as the MP_REACH next hop; `None` = empty next hop.
    pub next_hop: Option<IpAddr>,
    pub attrs: Arc<PathAttributes>,
    pub neighbors: Vec<IpAddr>,
}

impl<R: Clone> InjectedFlowSpec<R> {
    pub fn key(&self) -> FlowKey<R> {
        FlowKey {
            family: self.family,
            rule: self.rule.clone(),
        }
    }
}

/// What an injected object looks like to the rest of the RIB.
pub trait Injectable: Clone + PartialEq {
    type Key: RibKey;
    fn key(&self) -> Self::Key;
    fn path_id(&self) -> Option<u32>;
    fn neighbors(&self) -> &[IpAddr];
    fn to_path(&self, id: &str) -> Path;
}

impl Injectable for InjectedPath {
    type Key = RouteKey;
    fn key(&self) -> RouteKey {
        InjectedPath::key(self)
    }
    fn path_id(&self) -> Option<u32> {
        Some(self.path_id.unwrap_or(0))
    }
    fn neighbors(&self) -> &[IpAddr] {
        &self.neighbors
    }
    fn to_path(&self, id: &str) -> Path {
        make_path(
            id,
            self.next_hop,
            &self.attrs,
            &self.neighbors,
            self.path_id(),
        )
    }
}

impl<R: super::key::FlowRule> Injectable for InjectedFlowSpec<R> {
    type Key = FlowKey<R>;
    fn key(&self) -> FlowKey<R> {
        InjectedFlowSpec::key(self)
    }
    fn path_id(&self) -> Option<u32> {
        None
    }
    fn neighbors(&self) -> &[IpAddr] {
        &self.neighbors
    }
    fn to_path(&self, id: &str) -> Path {
        make_path(id, self.next_hop, &self.attrs, &self.neighbors, None)
    }
}

fn make_path(
    id: &str,
    next_hop: Option<IpAddr>,
    attrs: &Arc<PathAttributes>,
    neighbors: &[IpAddr],
    path_id: Option<u32>,
) -> Path {
    let meta = InjectedMeta {
        id: id.to_string(),
        neighbors: neighbors.to_vec(),
        explicit_next_hop: next_hop.is_some(),
    };
    Path {
        source: Source::Injected(Arc::new(meta)),
        path_id,
        attrs: attrs.clone(),
        next_hop: match next_hop {
            None => MpNextHop::Empty,
            Some(IpAddr::V4(a)) => MpNextHop::Ipv4(a),
            Some(IpAddr::V6(a)) => MpNextHop::Ipv6(a),
        },
    }
}

/// A key and path id: what two ids may not share.
type Slot<K> = (K, Option<u32>);

/// An id and its neighbor scope.
type Holder<'a> = (&'a str, &'a [IpAddr]);

/// What an upsert changes in the Loc-RIB: the old candidate (with its key) to remove, the
/// new one to add.
pub type Upserted<K> = (Option<(K, Path)>, Path);

/// A stored object and the path it put in the Loc-RIB.
#[derive(Debug, Clone)]
pub struct Stored<T> {
    pub spec: T,
    pub path: Path,
}

/// The injected objects of one kind.
#[derive(Debug)]
pub struct Store<T> {
    pub by_id: HashMap<String, Stored<T>>,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store {
            by_id: HashMap::default(),
        }
    }
}

impl<T: Injectable> Store<T> {
    /// Rejects a batch if two ids would hold the same key for a shared neighbor (ids in
    /// the batch are about to be replaced, so their stored objects do not count).
    pub fn check(&self, items: &[(String, T)], loc: &Loc<T::Key>) -> Result<(), RibError> {
        let batch: HashSet<&str> = items.iter().map(|(id, _)| id.as_str()).collect();
        let mut seen: HashMap<Slot<T::Key>, Vec<Holder<'_>>> = HashMap::default();
        for (id, spec) in items {
            let slot = (spec.key(), spec.path_id());
            let clash = seen
                .get(&slot)
                .into_iter()
                .flatten()
                .find(|(other, n)| *other != id.as_str() && overlap(n, spec.neighbors()));
            if let Some((other, _)) = clash {
                return Err(conflict(id, other, &slot.0));
            }
            if let Some(other) = holder(&slot, spec.neighbors(), loc, &batch) {
                return Err(conflict(id, &other, &slot.0));
            }
            seen.entry(slot).or_default().push((id, spec.neighbors()));
        }
        Ok(())
    }

    /// Stores `spec` under `id`: the Loc-RIB candidate to remove (with its key) and the one
    /// to add; `None` for an identical re-injection.
    pub fn upsert(&mut self, id: String, spec: T) -> Option<Upserted<T::Key>> {
        if let Some(old) = self.by_id.get(&id)
            && old.spec == spec
        {
            return None;
        }
        let path = spec.to_path(&id);
        let old = self.by_id.insert(
            id,
            Stored {
                spec,
                path: path.clone(),
            },
        );
        Some((old.map(|o| (o.spec.key(), o.path)), path))
    }

    pub fn remove(&mut self, id: &str) -> Option<Stored<T>> {
        self.by_id.remove(id)
    }

    /// `(id, spec)` for every object, ordered by id.
    pub fn list(&self) -> Vec<(String, T)> {
        let mut v: Vec<_> = self
            .by_id
            .iter()
            .map(|(id, s)| (id.clone(), s.spec.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

/// An id outside the batch holding `slot` for a neighbor in `neighbors`.
fn holder<K: RibKey>(
    slot: &Slot<K>,
    neighbors: &[IpAddr],
    loc: &Loc<K>,
    batch: &HashSet<&str>,
) -> Option<String> {
    loc.get(&slot.0)?
        .candidates
        .iter()
        .filter(|p| p.path_id == slot.1)
        .filter_map(Path::injected)
        .find(|m| !batch.contains(m.id.as_str()) && m.overlaps(neighbors))
        .map(|m| m.id.clone())
}

fn overlap(a: &[IpAddr], b: &[IpAddr]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|n| b.contains(n))
}

fn conflict<K: std::fmt::Debug>(id: &str, other: &str, key: &K) -> RibError {
    RibError::Conflict {
        id: id.to_string(),
        other: other.to_string(),
        key: format!("{key:?}"),
    }
}
