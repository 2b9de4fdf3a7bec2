//! Collecting one call's changes for one peer, grouped by attribute set, then packing each
//! group into as few UPDATEs as the session allows.

use super::hash::HashMap;
use std::sync::Arc;

use bgp_wire::attribute::{MpNextHop, PathAttributes};
use bgp_wire::{AfiSafi, CodecContext};

use super::RibError;
use super::key::RibKey;

/// Announcements sharing family, attributes and next hop: packed together.
#[derive(Debug)]
struct Group<I> {
    family: AfiSafi,
    attrs: Arc<PathAttributes>,
    next_hop: MpNextHop,
    items: Vec<I>,
}

type ValueKey = (AfiSafi, Arc<PathAttributes>, MpNextHop);

/// Pending withdrawals and announcement groups of one peer.
#[derive(Debug)]
pub struct Batch<I> {
    withdraw: Vec<(AfiSafi, Vec<I>)>,
    groups: Vec<Group<I>>,
    /// Fast path: the same `Arc` seen before (no hashing of the attributes).
    by_ptr: HashMap<(AfiSafi, usize, MpNextHop), usize>,
    /// Equal attribute sets in different `Arc`s still share a group.
    by_value: HashMap<ValueKey, usize>,
    /// Keeps every `Arc` in `by_ptr` alive so that its address cannot be reused.
    pinned: Vec<Arc<PathAttributes>>,
}

impl<I> Default for Batch<I> {
    fn default() -> Self {
        Batch {
            withdraw: Vec::new(),
            groups: Vec::new(),
            by_ptr: HashMap::default(),
            by_value: HashMap::default(),
            pinned: Vec::new(),
        }
    }
}

impl<I: Clone> Batch<I> {
    pub fn is_empty(&self) -> bool {
        self.withdraw.is_empty() && self.groups.is_empty()
    }

    pub fn withdraw(&mut self, family: AfiSafi, item: I) {
        match self.withdraw.iter_mut().find(|(f, _)| *f == family) {
            Some((_, items)) => items.push(item),
            None => self.withdraw.push((family, vec![item])),
        }
    }

    pub fn announce(
        &mut self,
        family: AfiSafi,
        attrs: &Arc<PathAttributes>,
        next_hop: &MpNextHop,
        item: I,
    ) {
        let ptr_key = (family, Arc::as_ptr(attrs) as usize, next_hop.clone());
        let idx = match self.by_ptr.get(&ptr_key) {
            Some(&i) => i,
            None => {
                let i = self.group_by_value(family, attrs, next_hop);
                self.by_ptr.insert(ptr_key, i);
                self.pinned.push(attrs.clone());
                i
            }
        };
        if let Some(g) = self.groups.get_mut(idx) {
            g.items.push(item);
        }
    }

    fn group_by_value(
        &mut self,
        family: AfiSafi,
        attrs: &Arc<PathAttributes>,
        next_hop: &MpNextHop,
    ) -> usize {
        let key = (family, attrs.clone(), next_hop.clone());
        if let Some(&i) = self.by_value.get(&key) {
            return i;
        }
        let i = self.groups.len();
        self.groups.push(Group {
            family,
            attrs: attrs.clone(),
            next_hop: next_hop.clone(),
            items: Vec::new(),
        });
        self.by_value.insert(key, i);
        i
    }

    /// Packs withdrawals first, then each group, appending the messages to `out`.
    /// A group that cannot be packed is reported and skipped.
    pub fn pack<K: RibKey<Item = I>>(
        self,
        ctx: &CodecContext,
        out: &mut Vec<Vec<u8>>,
        errors: &mut Vec<RibError>,
    ) {
        let mut emit = |m: &[u8]| out.push(m.to_vec());
        for (family, items) in &self.withdraw {
            if let Err(e) = K::pack_withdraw(*family, items, ctx, &mut emit) {
                errors.push(RibError::Pack(e));
            }
        }
        for g in &self.groups {
            if let Err(e) =
                K::pack_announce(&g.attrs, g.family, &g.next_hop, &g.items, ctx, &mut emit)
            {
                errors.push(RibError::Pack(e));
            }
        }
    }
}
