//! FlowSpec decode and validation errors.
//!
//! Two layers: [`FlowSpecError`] says *where* (which rule, which octet of the NLRI field)
//! and whether the rule framing survived; [`RuleError`] says *what* was wrong inside it.

use thiserror::Error;

use crate::afi::Afi;

use super::component::ComponentType;

/// A FlowSpec NLRI field or rule could not be decoded or built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FlowSpecError {
    /// Only AFI 1 (IPv4, RFC 8955) and AFI 2 (IPv6, RFC 8956) carry FlowSpec.
    #[error("no FlowSpec encoding for {0:?}")]
    UnsupportedAfi(Afi),
    /// The length prefix of rule `index` (at octet `offset` of the field) is unusable, so
    /// the rules after it cannot be found either.
    #[error("rule {index} at octet {offset}: {reason}")]
    Framing {
        index: usize,
        offset: usize,
        reason: FramingError,
    },
    /// Rule `index` was framed correctly but its content is malformed; `offset` is the
    /// octet (from the start of the NLRI field) where the problem was found.
    #[error("rule {index} at octet {offset}: {reason}")]
    Malformed {
        index: usize,
        offset: usize,
        reason: RuleError,
    },
    /// A rule built in code (constructor or text) breaks the encoding rules.
    #[error("{0}")]
    Invalid(RuleError),
}

impl FlowSpecError {
    /// True when the error sits inside one rule whose length prefix was fine: the other
    /// rules of the field are still delimited, so RFC 7606 treat-as-withdraw is possible
    /// instead of disabling the AFI/SAFI.
    pub fn framing_intact(&self) -> bool {
        matches!(self, FlowSpecError::Malformed { .. })
    }
}

/// The NLRI length prefix (RFC 8955 §4.1) is unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum FramingError {
    #[error("length prefix cut short")]
    TruncatedLength,
    #[error("length {length} exceeds the {have} octets left")]
    LengthExceedsData { length: usize, have: usize },
}

/// What is wrong inside one rule.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleError {
    #[error("rule has no components")]
    Empty,
    #[error("rule of {length} octets exceeds the 4095-octet maximum")]
    TooLong { length: usize },
    #[error("unknown component type {0}")]
    UnknownComponent(u8),
    /// RFC 8955 §4.2: types must strictly increase (this also catches duplicates).
    #[error("component type {found} follows type {previous}: types must strictly increase")]
    OutOfOrder { previous: u8, found: u8 },
    #[error("{component} appears more than once")]
    Duplicate { component: ComponentType },
    #[error("{component} is not valid for {afi:?}")]
    NotInFamily { component: ComponentType, afi: Afi },
    #[error("{component}: {what} cut short (needed {need} octets, {have} left)")]
    Truncated {
        component: ComponentType,
        what: &'static str,
        need: usize,
        have: usize,
    },
    #[error("{component}: operator list ends without the end-of-list bit")]
    MissingEndOfList { component: ComponentType },
    #[error("{component}: operator list is empty")]
    EmptyOperatorList { component: ComponentType },
    #[error("{component}: prefix length {length} exceeds {max}")]
    PrefixLength {
        component: ComponentType,
        length: u8,
        max: u8,
    },
    /// RFC 8956 §3.1: offset < length < 129, unless both are zero.
    #[error("{component}: offset {offset} is not below length {length}")]
    PrefixOffset {
        component: ComponentType,
        offset: u8,
        length: u8,
    },
    #[error("{component}: prefix family does not match the rule's {afi:?}")]
    PrefixFamily { component: ComponentType, afi: Afi },
    #[error("{component}: value {value:#x} does not fit in {octets} octets")]
    ValueTooWide {
        component: ComponentType,
        value: u64,
        octets: usize,
    },
    /// RFC 8956 §3.6: IPv6 has no DF bit.
    #[error("fragment: dont-fragment bit is not valid for IPv6")]
    DontFragmentInIpv6,
}
