//! Prefix components (types 1 and 2). IPv4 uses the RFC 4271 prefix encoding
//! (RFC 8955 §4.2.2.1); IPv6 adds an offset and sends only the pattern bits between
//! offset and length, left-aligned and zero-padded (RFC 8956 §3.1).
//!
//! Bits outside the matched range are not significant, so they are cleared on decode and
//! in constructors: two encodings of the same match compare equal.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::Ipv4Net;

use crate::afi::Afi;
use crate::nlri::prefix::{build_prefix, prefix_octets};
use crate::reader::Reader;

use super::component::ComponentType;
use super::error::RuleError;

/// An IPv6 prefix match: address bits `offset..length` must equal those of `addr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ipv6Pattern {
    addr: Ipv6Addr,
    offset: u8,
    length: u8,
}

impl Ipv6Pattern {
    /// Validates `offset < length <= 128` (or both zero) and clears the other bits.
    pub fn new(addr: Ipv6Addr, offset: u8, length: u8) -> Option<Self> {
        let ok = (offset == 0 && length == 0) || (offset < length && length <= 128);
        ok.then(|| Ipv6Pattern {
            addr: Ipv6Addr::from(u128::from(addr) & bit_range(offset, length)),
            offset,
            length,
        })
    }

    pub fn addr(&self) -> Ipv6Addr {
        self.addr
    }
    pub fn offset(&self) -> u8 {
        self.offset
    }
    pub fn length(&self) -> u8 {
        self.length
    }

    /// Octets of pattern on the wire.
    fn pattern_octets(&self) -> usize {
        prefix_octets(self.length.saturating_sub(self.offset))
    }
}

/// A prefix component value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlowPrefix {
    V4(Ipv4Net),
    V6(Ipv6Pattern),
}

impl FlowPrefix {
    /// Clears host bits (constructors call this so equality is semantic).
    pub(crate) fn normalized(self) -> Self {
        match self {
            FlowPrefix::V4(n) => FlowPrefix::V4(n.trunc()),
            v6 => v6,
        }
    }

    pub fn afi(&self) -> Afi {
        match self {
            FlowPrefix::V4(_) => Afi::Ipv4,
            FlowPrefix::V6(_) => Afi::Ipv6,
        }
    }

    /// Offset (0 for IPv4), length and the address as a left-aligned 128-bit number, the
    /// view the RFC 8955 §5.1 / RFC 8956 §4 ordering compares.
    pub(crate) fn order_key(&self) -> (u8, u8, u128) {
        match self {
            FlowPrefix::V4(n) => (0, n.prefix_len(), u128::from(u32::from(n.addr())) << 96),
            FlowPrefix::V6(p) => (p.offset, p.length, u128::from(p.addr)),
        }
    }

    pub(crate) fn wire_len(&self) -> usize {
        match self {
            FlowPrefix::V4(n) => 1 + prefix_octets(n.prefix_len()),
            FlowPrefix::V6(p) => 2 + p.pattern_octets(),
        }
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        match self {
            FlowPrefix::V4(n) => {
                out.push(n.prefix_len());
                let o = n.addr().octets();
                out.extend_from_slice(o.get(..prefix_octets(n.prefix_len())).unwrap_or(&o));
            }
            FlowPrefix::V6(p) => {
                out.extend_from_slice(&[p.length, p.offset]);
                // Shift the pattern up to bit 0; checked because offset may be 128.
                let pat = u128::from(p.addr)
                    .checked_shl(u32::from(p.offset))
                    .unwrap_or(0);
                let be = pat.to_be_bytes();
                out.extend_from_slice(be.get(..p.pattern_octets()).unwrap_or(&be));
            }
        }
    }

    pub(crate) fn decode(
        r: &mut Reader<'_>,
        afi: Afi,
        component: ComponentType,
    ) -> Result<Self, RuleError> {
        let trunc = |t: crate::reader::Truncated| RuleError::Truncated {
            component,
            what: "prefix",
            need: t.need,
            have: t.have,
        };
        let length = r.u8().map_err(trunc)?;
        if afi == Afi::Ipv6 {
            return decode_v6(r, length, component).map(FlowPrefix::V6);
        }
        if length > 32 {
            return Err(RuleError::PrefixLength {
                component,
                length,
                max: 32,
            });
        }
        let bytes = r.take(prefix_octets(length)).map_err(trunc)?;
        match build_prefix(Afi::Ipv4, bytes, length) {
            ipnet::IpNet::V4(n) => Ok(FlowPrefix::V4(n.trunc())),
            ipnet::IpNet::V6(_) => Ok(FlowPrefix::V4(Ipv4Net::from(Ipv4Addr::UNSPECIFIED))),
        }
    }
}

fn decode_v6(
    r: &mut Reader<'_>,
    length: u8,
    component: ComponentType,
) -> Result<Ipv6Pattern, RuleError> {
    let trunc = |t: crate::reader::Truncated| RuleError::Truncated {
        component,
        what: "prefix pattern",
        need: t.need,
        have: t.have,
    };
    let offset = r.u8().map_err(trunc)?;
    if length > 128 {
        return Err(RuleError::PrefixLength {
            component,
            length,
            max: 128,
        });
    }
    if !(offset == 0 && length == 0) && offset >= length {
        return Err(RuleError::PrefixOffset {
            component,
            offset,
            length,
        });
    }
    let bytes = r.take(prefix_octets(length - offset)).map_err(trunc)?;
    let mut full = [0u8; 16];
    for (dst, src) in full.iter_mut().zip(bytes) {
        *dst = *src;
    }
    // Move the pattern down to its place in the address; padding bits fall off the mask.
    let addr = u128::from_be_bytes(full)
        .checked_shr(u32::from(offset))
        .unwrap_or(0);
    Ipv6Pattern::new(Ipv6Addr::from(addr), offset, length).ok_or(RuleError::PrefixOffset {
        component,
        offset,
        length,
    })
}

/// Mask of address bits `from..to` (bit 0 = most significant).
fn bit_range(from: u8, to: u8) -> u128 {
    let upto = |n: u8| u128::MAX.checked_shr(u32::from(n)).unwrap_or(0);
    upto(from) & !upto(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(afi: Afi, wire: &[u8]) -> FlowPrefix {
        let p =
            FlowPrefix::decode(&mut Reader::new(wire), afi, ComponentType::SourcePrefix).unwrap();
        let mut out = Vec::new();
        p.encode(&mut out);
        assert_eq!(out, wire);
        assert_eq!(p.wire_len(), wire.len());
        p
    }

    #[test]
    fn ipv6_pattern_is_shifted_by_the_offset_in_bits() {
        // ::1234:5678:9a00:0/64-104 (RFC 8956 §3.8.1)
        let p = roundtrip(Afi::Ipv6, &[0x68, 0x40, 0x12, 0x34, 0x56, 0x78, 0x9a]);
        let want: Ipv6Addr = "::1234:5678:9a00:0".parse().unwrap();
        assert_eq!(p, FlowPrefix::V6(Ipv6Pattern::new(want, 64, 104).unwrap()));
        // Offset 65: one bit further, the pattern starts one bit earlier in the octets.
        let p = roundtrip(Afi::Ipv6, &[0x68, 0x41, 0x24, 0x68, 0xac, 0xf1, 0x34]);
        assert_eq!(p, FlowPrefix::V6(Ipv6Pattern::new(want, 65, 104).unwrap()));
        // ::1:1234:5678:9800:0/60-104, a non-octet offset seen in the wild.
        let a: Ipv6Addr = "::1:1234:5678:9800:0".parse().unwrap();
        let p = roundtrip(Afi::Ipv6, &[0x68, 0x3c, 0x11, 0x23, 0x45, 0x67, 0x89, 0x80]);
        assert_eq!(p, FlowPrefix::V6(Ipv6Pattern::new(a, 60, 104).unwrap()));
        roundtrip(Afi::Ipv6, &[0, 0]);
        roundtrip(Afi::Ipv6, &[128, 127, 0x80]);
    }

    #[test]
    fn padding_and_host_bits_are_ignored() {
        let mut r = Reader::new(&[0x0c, 0x00, 0x20, 0x0f]);
        let p = FlowPrefix::decode(&mut r, Afi::Ipv6, ComponentType::DestinationPrefix).unwrap();
        let mut out = Vec::new();
        p.encode(&mut out);
        assert_eq!(out, [0x0c, 0x00, 0x20, 0x00]);
        let mut r = Reader::new(&[0x17, 10, 0, 1]);
        let p = FlowPrefix::decode(&mut r, Afi::Ipv4, ComponentType::DestinationPrefix).unwrap();
        assert_eq!(p, FlowPrefix::V4("10.0.0.0/23".parse().unwrap()));
    }

    #[test]
    fn bad_lengths_and_offsets_are_errors() {
        let c = ComponentType::SourcePrefix;
        let dec = |afi, w: &[u8]| FlowPrefix::decode(&mut Reader::new(w), afi, c);
        assert_eq!(
            dec(Afi::Ipv4, &[33, 1, 2, 3, 4, 5]),
            Err(RuleError::PrefixLength {
                component: c,
                length: 33,
                max: 32
            })
        );
        assert_eq!(
            dec(Afi::Ipv6, &[129, 0]),
            Err(RuleError::PrefixLength {
                component: c,
                length: 129,
                max: 128
            })
        );
        assert_eq!(
            dec(Afi::Ipv6, &[64, 64]),
            Err(RuleError::PrefixOffset {
                component: c,
                offset: 64,
                length: 64
            })
        );
        assert_eq!(
            dec(Afi::Ipv6, &[0, 1]),
            Err(RuleError::PrefixOffset {
                component: c,
                offset: 1,
                length: 0
            })
        );
        assert!(matches!(
            dec(Afi::Ipv4, &[24, 10, 0]),
            Err(RuleError::Truncated {
                what: "prefix",
                need: 3,
                have: 2,
                ..
            })
        ));
        assert!(matches!(
            dec(Afi::Ipv6, &[24]),
            Err(RuleError::Truncated {
                need: 1,
                have: 0,
                ..
            })
        ));
        assert!(matches!(
            dec(Afi::Ipv6, &[24, 0, 1]),
            Err(RuleError::Truncated {
                need: 3,
                have: 1,
                ..
            })
        ));
    }
}
