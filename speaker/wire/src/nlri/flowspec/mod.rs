//! FlowSpec NLRI: RFC 8955 (IPv4) and RFC 8956 (IPv6) flow specification rules.
//!
//! - this file: [`FlowSpecNlri`] (one rule), the NLRI field codec and the length prefix.
//! - [`component`]: the 13 component types; [`op`]: numeric and bitmask operators;
//!   [`prefix`]: prefix components with the IPv6 offset.
//! - [`order`]: RFC 8955 §5.1 rule precedence; [`action`]: actions as extended communities;
//!   [`text`]: the text grammar shared by the API, CRDs and CLI.
//!
//! A rule's components are kept sorted by type and validated on construction, so anything
//! that exists as a [`FlowSpecNlri`] encodes to a well-formed NLRI.

pub mod action;
pub mod component;
pub mod error;
mod names;
pub mod op;
pub mod order;
pub mod prefix;
pub mod text;

#[cfg(test)]
mod tests;

pub use action::FlowSpecAction;
pub use component::{Component, ComponentType};
pub use error::{FlowSpecError, FramingError, RuleError};
pub use op::{BitmaskMatch, NumericCmp, NumericMatch, ValueLen};
pub use prefix::{FlowPrefix, Ipv6Pattern};
pub use text::TextError;

use crate::afi::Afi;
use crate::reader::Reader;

/// Largest rule body: the 2-octet length form has 12 bits (RFC 8955 §4.1).
pub const MAX_RULE_LEN: usize = 0x0fff;
/// Bodies shorter than this use the 1-octet length form.
const SHORT_LEN_LIMIT: usize = 0xf0;

/// One flow specification rule of an IPv4 or IPv6 FlowSpec family.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlowSpecNlri {
    afi: Afi,
    components: Vec<Component>,
}

/// What [`FlowSpecNlri::decode_list_salvage`] could recover.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Salvage {
    /// Rules that decoded cleanly.
    pub rules: Vec<FlowSpecNlri>,
    /// Errors of the rules that did not; a framing error, if any, is last.
    pub errors: Vec<FlowSpecError>,
}

impl FlowSpecNlri {
    /// Builds a rule: sorts the components into type order, clears insignificant bits, and
    /// checks family, duplicates, value widths and the 4095-octet limit.
    pub fn new(afi: Afi, mut components: Vec<Component>) -> Result<Self, FlowSpecError> {
        check_afi(afi)?;
        components.sort_by_key(Component::component_type);
        let components: Vec<Component> =
            components.into_iter().map(Component::normalized).collect();
        let invalid = FlowSpecError::Invalid;
        if components.is_empty() {
            return Err(invalid(RuleError::Empty));
        }
        for pair in components.windows(2) {
            if let [a, b] = pair
                && a.component_type() == b.component_type()
            {
                return Err(invalid(RuleError::Duplicate {
                    component: a.component_type(),
                }));
            }
        }
        for c in &components {
            c.check(afi).map_err(invalid)?;
        }
        let rule = FlowSpecNlri { afi, components };
        let length = rule.body_len();
        if length > MAX_RULE_LEN {
            return Err(invalid(RuleError::TooLong { length }));
        }
        Ok(rule)
    }

    pub fn afi(&self) -> Afi {
        self.afi
    }

    /// The components, in ascending type order.
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// The component of the given type, if present.
    pub fn get(&self, ty: ComponentType) -> Option<&Component> {
        self.components.iter().find(|c| c.component_type() == ty)
    }

    /// Decodes the NLRI part of an MP_(UN)REACH_NLRI for a FlowSpec family. Fails on the
    /// first bad rule; see [`FlowSpecError::framing_intact`] for the RFC 7606 choice.
    pub fn decode_list(afi: Afi, bytes: &[u8]) -> Result<Vec<FlowSpecNlri>, FlowSpecError> {
        let s = Self::decode_each(afi, bytes, true);
        match s.errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(s.rules),
        }
    }

    /// Like [`decode_list`](Self::decode_list) but skips malformed rules whose framing is
    /// intact, so that treat-as-withdraw can still name the rules that did decode.
    pub fn decode_list_salvage(afi: Afi, bytes: &[u8]) -> Salvage {
        Self::decode_each(afi, bytes, false)
    }

    fn decode_each(afi: Afi, bytes: &[u8], stop_early: bool) -> Salvage {
        let mut out = Salvage::default();
        if let Err(e) = check_afi(afi) {
            out.errors.push(e);
            return out;
        }
        let mut r = Reader::new(bytes);
        let mut index = 0;
        while !r.is_empty() {
            let offset = r.position();
            let body = match read_framed(&mut r) {
                Ok(b) => b,
                Err(reason) => {
                    out.errors.push(FlowSpecError::Framing {
                        index,
                        offset,
                        reason,
                    });
                    return out;
                }
            };
            let body_start = r.position() - body.len();
            match decode_rule(afi, body) {
                Ok(rule) => out.rules.push(rule),
                Err((at, reason)) => {
                    let offset = body_start + at;
                    out.errors.push(FlowSpecError::Malformed {
                        index,
                        offset,
                        reason,
                    });
                    if stop_early {
                        return out;
                    }
                }
            }
            index += 1;
        }
        out
    }

    /// Octets this rule takes on the wire, length prefix included.
    pub fn wire_len(&self) -> usize {
        let body = self.body_len();
        body + if body < SHORT_LEN_LIMIT { 1 } else { 2 }
    }

    /// Appends this rule's NLRI (length prefix included). The shortest length form is used.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let body = self.body_len();
        if body < SHORT_LEN_LIMIT {
            out.push(body as u8);
        } else {
            // `new` guarantees body <= 0x0fff, so the nibble stays 0xf.
            out.extend_from_slice(&(0xf000 | (body as u16 & 0x0fff)).to_be_bytes());
        }
        for c in &self.components {
            c.encode(out);
        }
    }

    /// Encodes a list of rules, e.g. for MP_REACH_NLRI.
    pub fn encode_list(rules: &[FlowSpecNlri], out: &mut Vec<u8>) {
        for r in rules {
            r.encode(out);
        }
    }

    fn body_len(&self) -> usize {
        self.components.iter().map(Component::wire_len).sum()
    }
}

fn check_afi(afi: Afi) -> Result<(), FlowSpecError> {
    match afi {
        Afi::Ipv4 | Afi::Ipv6 => Ok(()),
        other => Err(FlowSpecError::UnsupportedAfi(other)),
    }
}

/// Reads the 1- or 2-octet length (RFC 8955 §4.1) and returns that many octets.
fn read_framed<'a>(r: &mut Reader<'a>) -> Result<&'a [u8], FramingError> {
    let first = r.u8().map_err(|_| FramingError::TruncatedLength)?;
    let length = if usize::from(first) >= SHORT_LEN_LIMIT {
        let second = r.u8().map_err(|_| FramingError::TruncatedLength)?;
        (usize::from(first & 0x0f) << 8) | usize::from(second)
    } else {
        usize::from(first)
    };
    let have = r.remaining();
    r.take(length)
        .map_err(|_| FramingError::LengthExceedsData { length, have })
}

/// Decodes one rule body; errors carry the octet offset within the body.
fn decode_rule(afi: Afi, body: &[u8]) -> Result<FlowSpecNlri, (usize, RuleError)> {
    if body.is_empty() {
        return Err((0, RuleError::Empty));
    }
    let mut r = Reader::new(body);
    let mut components = Vec::new();
    let mut previous = 0u8;
    while !r.is_empty() {
        let at = r.position();
        let code = r.u8().map_err(|_| (at, RuleError::Empty))?;
        let ty = ComponentType::from_code(code).ok_or((at, RuleError::UnknownComponent(code)))?;
        if code <= previous {
            return Err((
                at,
                RuleError::OutOfOrder {
                    previous,
                    found: code,
                },
            ));
        }
        previous = code;
        let c = Component::decode(ty, &mut r, afi).map_err(|e| (at, e))?;
        components.push(c);
    }
    Ok(FlowSpecNlri { afi, components })
}
