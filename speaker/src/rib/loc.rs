//! The Loc-RIB: every usable candidate path per key, and the best one.
//!
//! Candidates are inserted and removed first; [`Loc::recompute`] is then run once per
//! touched key, so a batch touching a key many times decides it once.

use super::hash::HashMap;

use super::decision;
use super::key::RibKey;
use super::path::Path;

/// The candidates of one key and the current best.
#[derive(Debug, Default)]
pub struct LocEntry {
    /// In arrival order (see [`decision`] on why order matters).
    pub candidates: Vec<Path>,
    pub best: Option<Path>,
}

/// A best-path change of one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub old: Option<Path>,
    pub new: Option<Path>,
}

#[derive(Debug)]
pub struct Loc<K> {
    map: HashMap<K, LocEntry>,
}

impl<K> Default for Loc<K> {
    fn default() -> Self {
        Loc {
            map: HashMap::default(),
        }
    }
}

impl<K: RibKey> Loc<K> {
    pub fn get(&self, key: &K) -> Option<&LocEntry> {
        self.map.get(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &LocEntry)> {
        self.map.iter()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Adds `path`, replacing the candidate in the same slot (same source and path id).
    pub fn insert(&mut self, key: K, path: Path) {
        let entry = self.map.entry(key).or_default();
        match entry.candidates.iter_mut().find(|c| c.same_slot(&path)) {
            Some(slot) => *slot = path,
            None => {
                // Most keys have a single candidate (every injected route does): without
                // this, the first push allocates room for 4 paths.
                if entry.candidates.capacity() == 0 {
                    entry.candidates.reserve_exact(1);
                }
                entry.candidates.push(path);
            }
        }
    }

    /// Removes the candidate in `path`'s slot; whether there was one.
    pub fn remove(&mut self, key: &K, path: &Path) -> bool {
        let Some(entry) = self.map.get_mut(key) else {
            return false;
        };
        let before = entry.candidates.len();
        entry.candidates.retain(|c| !c.same_slot(path));
        before != entry.candidates.len()
    }

    /// Re-runs the decision for `key`; the change if the best path is not the same route.
    /// Drops the entry once it has no candidates.
    pub fn recompute(&mut self, key: &K) -> Option<Change> {
        let entry = self.map.get_mut(key)?;
        let new = decision::best(&entry.candidates).cloned();
        let unchanged = match (&entry.best, &new) {
            (None, None) => true,
            (Some(a), Some(b)) => a.same_route(b),
            _ => false,
        };
        let old = std::mem::replace(&mut entry.best, new.clone());
        if entry.candidates.is_empty() {
            self.map.remove(key);
        }
        (!unchanged).then_some(Change { old, new })
    }
}
