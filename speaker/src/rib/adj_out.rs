//! Adj-RIB-Out: what was last sent to a peer per key, so changes become exact deltas.

use super::hash::HashMap;
use std::sync::Arc;

use bgp_wire::attribute::{MpNextHop, PathAttributes};

use super::batch::Batch;
use super::counters::{Counter, Counters};
use super::key::RibKey;

/// One path as sent: wire path id (Add-Path sessions only), attributes, next hop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub path_id: Option<u32>,
    pub attrs: Arc<PathAttributes>,
    pub next_hop: MpNextHop,
}

impl Sent {
    fn same(&self, other: &Sent) -> bool {
        self.path_id == other.path_id
            && self.next_hop == other.next_hop
            && (Arc::ptr_eq(&self.attrs, &other.attrs) || self.attrs == other.attrs)
    }
}

/// The paths sent for one key: one, or several on Add-Path sessions (no allocation for
/// the common single case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutSet {
    One(Sent),
    Many(Vec<Sent>),
}

impl OutSet {
    pub fn as_slice(&self) -> &[Sent] {
        match self {
            OutSet::One(s) => std::slice::from_ref(s),
            OutSet::Many(v) => v,
        }
    }

    /// Takes the contents of `desired` (left empty); `None` if it is empty.
    fn take(desired: &mut Vec<Sent>) -> Option<OutSet> {
        match desired.len() {
            0 => None,
            1 => desired.pop().map(OutSet::One),
            _ => Some(OutSet::Many(std::mem::take(desired))),
        }
    }
}

/// Makes the peer's view of `key` equal to `desired`: queues withdrawals of what is gone
/// and announcements of what is new or changed, nothing for what is unchanged.
pub fn reconcile<K: RibKey>(
    adj_out: &mut HashMap<K, OutSet>,
    key: &K,
    desired: &mut Vec<Sent>,
    batch: &mut Batch<K::Item>,
    counters: &mut Counters,
) {
    let family = key.family();
    let old = adj_out.get(key).map_or(&[][..], OutSet::as_slice);
    for o in old {
        if !desired.iter().any(|d| d.path_id == o.path_id) {
            batch.withdraw(family, key.item(o.path_id));
            counters.dec(family, Counter::Advertised);
        }
    }
    for d in desired.iter() {
        match old.iter().find(|o| o.path_id == d.path_id) {
            Some(o) if o.same(d) => {}
            found => {
                if found.is_none() {
                    counters.inc(family, Counter::Advertised);
                }
                batch.announce(family, &d.attrs, &d.next_hop, key.item(d.path_id));
            }
        }
    }
    match OutSet::take(desired) {
        Some(set) => {
            adj_out.insert(key.clone(), set);
        }
        None => {
            adj_out.remove(key);
        }
    }
}
