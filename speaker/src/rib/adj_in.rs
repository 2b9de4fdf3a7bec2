//! Adj-RIB-In bookkeeping: storing and removing received paths, keeping the Loc-RIB
//! candidates and the counters in step.

use super::hash::HashSet;

use super::counters::{Counter, Counters};
use super::key::RibKey;
use super::loc::Loc;
use super::path::Path;
use super::peer::{InEntry, PeerTable};

/// The parts of the RIB one received path touches.
pub struct InCtx<'a, K> {
    pub table: &'a mut PeerTable<K>,
    pub loc: &'a mut Loc<K>,
    pub counters: &'a mut Counters,
    pub touched: &'a mut HashSet<K>,
}

impl<K: RibKey> InCtx<'_, K> {
    /// Stores `path` for `key` (replacing the same path id); a Loc-RIB candidate only if
    /// `accepted`, as `post` when import policy changed it.
    pub fn learn(&mut self, key: K, path: Path, accepted: bool, post: Option<Path>) {
        let family = key.family();
        let slot = (key.clone(), path.path_id);
        let used = post.clone().unwrap_or_else(|| path.clone());
        if !self.table.stale.is_empty() {
            self.table.stale.remove(&slot);
        }
        let entry = InEntry {
            path,
            accepted,
            post,
        };
        match self.table.adj_in.insert(slot, entry) {
            None => self.counters.inc(family, Counter::Received),
            Some(old) if old.accepted => {
                self.counters.dec(family, Counter::Accepted);
                if !accepted {
                    self.loc.remove(&key, &old.path);
                }
            }
            Some(_) => {}
        }
        if accepted {
            self.counters.inc(family, Counter::Accepted);
            self.loc.insert(key.clone(), used);
        }
        self.touched.insert(key);
    }

    /// Re-applies import policy to a stored path: `verdict` is the new (accepted, post).
    /// Only a real change touches the Loc-RIB.
    pub fn reimport(&mut self, key: &K, path_id: Option<u32>, verdict: (bool, Option<Path>)) {
        let Some(entry) = self.table.adj_in.get_mut(&(key.clone(), path_id)) else {
            return;
        };
        let (accepted, post) = verdict;
        let same_post = match (&entry.post, &post) {
            (None, None) => true,
            (Some(a), Some(b)) => a.same_route(b),
            _ => false,
        };
        if entry.accepted == accepted && same_post {
            return;
        }
        let family = key.family();
        if entry.accepted {
            self.counters.dec(family, Counter::Accepted);
            self.loc.remove(key, &entry.path);
        }
        entry.accepted = accepted;
        entry.post = post;
        if accepted {
            self.counters.inc(family, Counter::Accepted);
            self.loc.insert(key.clone(), entry.used().clone());
        }
        self.touched.insert(key.clone());
    }

    /// Removes the path with `path_id` for `key`, if there is one.
    pub fn unlearn(&mut self, key: &K, path_id: Option<u32>) {
        if !self.table.stale.is_empty() {
            self.table.stale.remove(&(key.clone(), path_id));
        }
        let Some(old) = self.table.adj_in.remove(&(key.clone(), path_id)) else {
            return;
        };
        let family = key.family();
        self.counters.dec(family, Counter::Received);
        if old.accepted {
            self.counters.dec(family, Counter::Accepted);
            self.loc.remove(key, &old.path);
            self.touched.insert(key.clone());
        }
    }

    /// Flips whether a stored path is a candidate (FlowSpec re-validation).
    pub fn set_accepted(&mut self, key: &K, path_id: Option<u32>, accepted: bool) {
        let Some(entry) = self.table.adj_in.get_mut(&(key.clone(), path_id)) else {
            return;
        };
        if entry.accepted == accepted {
            return;
        }
        entry.accepted = accepted;
        let family = key.family();
        if accepted {
            self.counters.inc(family, Counter::Accepted);
            self.loc.insert(key.clone(), entry.used().clone());
        } else {
            self.counters.dec(family, Counter::Accepted);
            self.loc.remove(key, &entry.path);
        }
        self.touched.insert(key.clone());
    }

    /// Removes everything (session down).
    pub fn flush(&mut self) {
        self.table.stale.clear();
        for ((key, _), old) in self.table.adj_in.drain() {
            if old.accepted {
                self.loc.remove(&key, &old.path);
                self.touched.insert(key);
            }
        }
    }
}
