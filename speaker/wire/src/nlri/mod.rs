//! Network Layer Reachability Information: what an UPDATE announces or withdraws.
//!
//! - [`prefix`]: unicast IPv4/IPv6 prefixes, optionally with an RFC 7911 path identifier.
//! - [`flowspec`]: RFC 8955 / RFC 8956 flow specification rules and their actions.

pub mod flowspec;
pub mod prefix;

pub use flowspec::FlowSpecNlri;
pub use prefix::PathPrefix;

/// The NLRI carried in one MP_REACH_NLRI or MP_UNREACH_NLRI attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MpNlri {
    Unicast(Vec<PathPrefix>),
    FlowSpec(Vec<FlowSpecNlri>),
    /// A family we do not decode; the bytes are kept so they can be passed on.
    Unknown(Vec<u8>),
}

impl MpNlri {
    pub fn is_empty(&self) -> bool {
        match self {
            MpNlri::Unicast(v) => v.is_empty(),
            MpNlri::FlowSpec(v) => v.is_empty(),
            MpNlri::Unknown(v) => v.is_empty(),
        }
    }
}
