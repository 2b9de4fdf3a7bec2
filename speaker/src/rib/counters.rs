//! Per-neighbor, per-family route counters, kept up to date incrementally.

use std::collections::BTreeMap;

use bgp_wire::AfiSafi;

/// Counts for one family of one neighbor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FamilyCounters {
    /// Paths in the Adj-RIB-In (valid or not).
    pub received: u64,
    /// Received paths usable by the decision process (FlowSpec: validated; unicast: no
    /// AS loop).
    pub accepted: u64,
    /// Paths in the Adj-RIB-Out (what the neighbor currently has from us).
    pub advertised: u64,
}

/// All families of one neighbor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    families: BTreeMap<AfiSafi, FamilyCounters>,
}

/// Which counter to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    Received,
    Accepted,
    Advertised,
}

impl Counters {
    pub fn get(&self, family: AfiSafi) -> FamilyCounters {
        self.families.get(&family).copied().unwrap_or_default()
    }

    pub fn all(&self) -> &BTreeMap<AfiSafi, FamilyCounters> {
        &self.families
    }

    pub fn inc(&mut self, family: AfiSafi, which: Counter) {
        *self.slot(family, which) += 1;
    }

    pub fn dec(&mut self, family: AfiSafi, which: Counter) {
        let c = self.slot(family, which);
        *c = c.saturating_sub(1);
    }

    fn slot(&mut self, family: AfiSafi, which: Counter) -> &mut u64 {
        let f = self.families.entry(family).or_default();
        match which {
            Counter::Received => &mut f.received,
            Counter::Accepted => &mut f.accepted,
            Counter::Advertised => &mut f.advertised,
        }
    }
}
