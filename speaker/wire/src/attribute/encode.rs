//! Writing a [`PathAttributes`] set: ascending type-code order (RFC 4271 §5, unknown
//! attributes interleaved by code), Extended Length only for values over 255 octets.

use super::{PathAttributes, code, flags};
use crate::context::CodecContext;

/// Type codes of the typed fields, ascending.
const KNOWN_ORDER: [u8; 15] = [
    code::ORIGIN,
    code::AS_PATH,
    code::NEXT_HOP,
    code::MULTI_EXIT_DISC,
    code::LOCAL_PREF,
    code::ATOMIC_AGGREGATE,
    code::AGGREGATOR,
    code::COMMUNITIES,
    code::ORIGINATOR_ID,
    code::CLUSTER_LIST,
    code::EXTENDED_COMMUNITIES,
    code::AS4_PATH,
    code::AS4_AGGREGATOR,
    code::IPV6_EXTENDED_COMMUNITIES,
    code::LARGE_COMMUNITY,
];

/// Appends one attribute whose value `value` writes. The header is written with a 2-octet
/// length first and shrunk afterwards when the value fits in one octet, so the value
/// never has to be sized in advance. Values over 65535 octets cannot be represented; the
/// packer rejects attribute blocks that large before anything is sent.
pub fn write_attr(
    out: &mut Vec<u8>,
    attr_flags: u8,
    type_code: u8,
    value: impl FnOnce(&mut Vec<u8>),
) {
    let hdr = out.len();
    out.extend_from_slice(&[attr_flags | flags::EXTENDED_LENGTH, type_code, 0, 0]);
    value(out);
    let len = out.len() - hdr - 4;
    if len <= usize::from(u8::MAX) {
        out[hdr] = attr_flags & !flags::EXTENDED_LENGTH;
        out[hdr + 2] = len as u8;
        out.remove(hdr + 3);
    } else {
        out[hdr + 2..hdr + 4].copy_from_slice(&(len as u16).to_be_bytes());
    }
}

impl PathAttributes {
    /// Appends every attribute of the set in ascending type-code order. AS4_PATH and
    /// AS4_AGGREGATOR are only written on 2-octet-AS sessions (RFC 6793 §3).
    pub fn encode(&self, ctx: &CodecContext, out: &mut Vec<u8>) {
        let mut from = 0u16;
        for code in KNOWN_ORDER {
            self.encode_unknown(from, u16::from(code), out);
            self.encode_known(code, ctx, out);
            from = u16::from(code) + 1;
        }
        self.encode_unknown(from, 256, out);
    }

    /// Unknown attributes with a type code in `lo..hi`.
    fn encode_unknown(&self, lo: u16, hi: u16, out: &mut Vec<u8>) {
        for a in &self.unknown {
            if (lo..hi).contains(&u16::from(a.type_code)) {
                a.encode(out);
            }
        }
    }

    fn encode_known(&self, type_code: u8, ctx: &CodecContext, out: &mut Vec<u8>) {
        let four = ctx.four_octet_as;
        let wk = flags::WELL_KNOWN;
        let ot = flags::OPTIONAL_TRANSITIVE;
        let on = flags::OPTIONAL_NON_TRANSITIVE;
        match type_code {
            code::ORIGIN => {
                if let Some(o) = self.origin {
                    write_attr(out, wk, type_code, |v| v.push(o.to_u8()));
                }
            }
            code::AS_PATH => {
                if let Some(p) = &self.as_path {
                    write_attr(out, wk, type_code, |v| p.encode(four, v));
                }
            }
            code::NEXT_HOP => {
                if let Some(nh) = self.next_hop {
                    write_attr(out, wk, type_code, |v| v.extend_from_slice(&nh.octets()));
                }
            }
            code::MULTI_EXIT_DISC => write_u32(out, on, type_code, self.med),
            code::LOCAL_PREF => write_u32(out, wk, type_code, self.local_pref),
            code::ATOMIC_AGGREGATE if self.atomic_aggregate => {
                write_attr(out, wk, type_code, |_| {})
            }
            code::AGGREGATOR => {
                if let Some(a) = self.aggregator {
                    write_attr(out, ot, type_code, |v| a.encode(four, v));
                }
            }
            code::COMMUNITIES => write_list(out, ot, type_code, &self.communities, |c, v| {
                v.extend_from_slice(&c.0.to_be_bytes())
            }),
            code::ORIGINATOR_ID => write_u32(out, on, type_code, self.originator_id.map(u32::from)),
            code::CLUSTER_LIST => write_list(out, on, type_code, &self.cluster_list, |c, v| {
                v.extend_from_slice(&c.octets())
            }),
            code::EXTENDED_COMMUNITIES => {
                write_list(out, ot, type_code, &self.extended_communities, |c, v| {
                    v.extend_from_slice(&c.0)
                })
            }
            code::AS4_PATH => {
                if let (false, Some(p)) = (four, &self.as4_path) {
                    write_attr(out, ot, type_code, |v| p.encode(true, v));
                }
            }
            code::AS4_AGGREGATOR => {
                if let (false, Some(a)) = (four, self.as4_aggregator) {
                    write_attr(out, ot, type_code, |v| a.encode(true, v));
                }
            }
            code::IPV6_EXTENDED_COMMUNITIES => write_list(
                out,
                ot,
                type_code,
                &self.ipv6_extended_communities,
                |c, v| v.extend_from_slice(&c.0),
            ),
            code::LARGE_COMMUNITY => {
                write_list(out, ot, type_code, &self.large_communities, |c, v| {
                    c.encode(v)
                })
            }
            _ => {}
        }
    }
}

fn write_u32(out: &mut Vec<u8>, f: u8, type_code: u8, value: Option<u32>) {
    if let Some(x) = value {
        write_attr(out, f, type_code, |v| v.extend_from_slice(&x.to_be_bytes()));
    }
}

/// A list attribute; nothing is written for an empty list (an empty one is malformed).
fn write_list<T>(
    out: &mut Vec<u8>,
    f: u8,
    type_code: u8,
    items: &[T],
    each: impl Fn(&T, &mut Vec<u8>),
) {
    if items.is_empty() {
        return;
    }
    write_attr(out, f, type_code, |v| items.iter().for_each(|i| each(i, v)));
}
