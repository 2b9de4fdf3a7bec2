//! Path attributes (RFC 4271 §5 and extensions): typed values, their wire codec and the
//! RFC 7606 revised error handling applied while decoding them.
//!
//! - [`PathAttributes`]: the attribute set of a route (everything but MP_REACH/MP_UNREACH,
//!   which carry NLRI and live on [`crate::message::Update`]). `Eq + Hash` so the RIB can
//!   intern and compare attribute sets; wrap it in an `Arc` to share it cheaply.
//! - [`as_path`], [`aggregator`], [`origin`]: the RFC 4271 / RFC 6793 attributes.
//! - [`community`], [`large`], [`standard`]: the three kinds of communities with text forms.
//! - [`mp`]: MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760).
//! - [`raw`]: attributes we do not recognize, carried through untouched.
//! - [`decode`] / [`encode`]: the attribute list walker and writer.

pub mod aggregator;
pub mod as_path;
pub mod community;
pub mod decode;
pub mod encode;
pub mod errors;
pub mod large;
pub mod mp;
pub mod origin;
pub mod raw;
pub mod standard;

use std::net::Ipv4Addr;

pub use aggregator::Aggregator;
pub use as_path::{AS_TRANS, AsPath, AsSegment, SegmentType};
pub use community::{ExtendedCommunity, ExtendedCommunityKind, GlobalAdmin, Ipv6ExtendedCommunity};
pub use large::LargeCommunity;
pub use mp::{MpNextHop, MpReach, MpUnreach};
pub use origin::Origin;
pub use raw::RawAttribute;
pub use standard::{Community, CommunityParseError};

/// Attribute flag bits (RFC 4271 §4.3).
pub mod flags {
    pub const OPTIONAL: u8 = 0x80;
    pub const TRANSITIVE: u8 = 0x40;
    pub const PARTIAL: u8 = 0x20;
    pub const EXTENDED_LENGTH: u8 = 0x10;
    /// Well-known attributes: mandatory or discretionary, always transitive.
    pub const WELL_KNOWN: u8 = TRANSITIVE;
    pub const OPTIONAL_TRANSITIVE: u8 = OPTIONAL | TRANSITIVE;
    pub const OPTIONAL_NON_TRANSITIVE: u8 = OPTIONAL;
}

/// Attribute type codes (IANA "BGP Path Attributes").
pub mod code {
    pub const ORIGIN: u8 = 1;
    pub const AS_PATH: u8 = 2;
    pub const NEXT_HOP: u8 = 3;
    pub const MULTI_EXIT_DISC: u8 = 4;
    pub const LOCAL_PREF: u8 = 5;
    pub const ATOMIC_AGGREGATE: u8 = 6;
    pub const AGGREGATOR: u8 = 7;
    pub const COMMUNITIES: u8 = 8;
    pub const ORIGINATOR_ID: u8 = 9;
    pub const CLUSTER_LIST: u8 = 10;
    pub const MP_REACH_NLRI: u8 = 14;
    pub const MP_UNREACH_NLRI: u8 = 15;
    pub const EXTENDED_COMMUNITIES: u8 = 16;
    pub const AS4_PATH: u8 = 17;
    pub const AS4_AGGREGATOR: u8 = 18;
    pub const IPV6_EXTENDED_COMMUNITIES: u8 = 25;
    pub const LARGE_COMMUNITY: u8 = 32;
}

/// The path attributes of a route. Absent attributes are `None` / empty: the community
/// lists may be empty because an empty COMMUNITIES (etc.) attribute is malformed anyway
/// (RFC 7606 §7.8), so "empty" and "absent" never need to be told apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PathAttributes {
    pub origin: Option<Origin>,
    /// `Some(empty)` is a valid, empty AS_PATH (a route originated inside the AS).
    pub as_path: Option<AsPath>,
    pub next_hop: Option<Ipv4Addr>,
    pub med: Option<u32>,
    pub local_pref: Option<u32>,
    pub atomic_aggregate: bool,
    pub aggregator: Option<Aggregator>,
    pub communities: Vec<Community>,
    pub originator_id: Option<Ipv4Addr>,
    pub cluster_list: Vec<Ipv4Addr>,
    pub extended_communities: Vec<ExtendedCommunity>,
    /// RFC 6793: only meaningful on a 2-octet-AS session (ignored and never sent otherwise).
    pub as4_path: Option<AsPath>,
    pub as4_aggregator: Option<Aggregator>,
    pub ipv6_extended_communities: Vec<Ipv6ExtendedCommunity>,
    pub large_communities: Vec<LargeCommunity>,
    /// Unrecognized optional attributes, sorted by type code.
    pub unknown: Vec<RawAttribute>,
}

impl PathAttributes {
    /// The set as it must be passed on to another peer (RFC 4271 §5): unrecognized
    /// optional transitive attributes get the Partial bit, unrecognized optional
    /// non-transitive ones are dropped. Policy (MED, LOCAL_PREF, ...) is the caller's job.
    pub fn to_forwarded(&self) -> PathAttributes {
        let mut out = self.clone();
        out.unknown = self
            .unknown
            .iter()
            .filter_map(RawAttribute::as_forwarded)
            .collect();
        out
    }

    /// RFC 6793 §4.2.3, for attributes received on a 2-octet-AS session: folds AS4_PATH
    /// and AS4_AGGREGATOR into AS_PATH / AGGREGATOR and clears them.
    pub fn reconcile_as4(&mut self) {
        let as4_path = self.as4_path.take();
        let as4_aggr = self.as4_aggregator.take();
        // If AGGREGATOR holds a real 2-octet AS, the route was aggregated by an old
        // speaker after the AS4 attributes were attached: both are stale and ignored.
        if let Some(aggr) = self.aggregator
            && aggr.asn != AS_TRANS
            && as4_aggr.is_some()
        {
            return;
        }
        if let Some(a4) = as4_aggr {
            self.aggregator = Some(a4);
        }
        if let (Some(path), Some(p4)) = (self.as_path.as_ref(), as4_path.as_ref()) {
            self.as_path = Some(path.merge_as4(p4));
        }
    }

    /// The inverse of [`reconcile_as4`](Self::reconcile_as4), for sending on a 2-octet-AS
    /// session: sets AS4_PATH / AS4_AGGREGATOR when some AS number does not fit in 2
    /// octets (the encoder then writes AS_TRANS in AS_PATH / AGGREGATOR).
    pub fn for_two_octet_peer(&self) -> PathAttributes {
        let mut out = self.clone();
        out.as4_path = self
            .as_path
            .as_ref()
            .filter(|p| p.needs_as4())
            .map(AsPath::without_confed);
        out.as4_aggregator = self.aggregator.filter(|a| a.asn > u32::from(u16::MAX));
        out
    }
}
