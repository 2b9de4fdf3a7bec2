//! Walking the path attribute list of an UPDATE with RFC 7606 error handling.
//!
//! Each problem becomes a [`DecodeError`] whose action depends on the attribute
//! (§7 of RFC 7606, §6 of RFC 6793). The walk only stops early for a session reset or
//! when the attribute framing itself is broken (§4: the rest is treat-as-withdraw and the
//! NLRI are located from the Total Path Attribute Length).

use std::net::Ipv4Addr;

use super::{
    Aggregator, AsPath, Community, ExtendedCommunity, Ipv6ExtendedCommunity, LargeCommunity,
    MpReach, MpUnreach, Origin, PathAttributes, RawAttribute, code, flags,
};
use crate::context::CodecContext;
use crate::error::{DecodeError, ErrorKind};
use crate::message::notification::UpdateSubcode;
use crate::reader::Reader;

/// One attribute as framed on the wire.
struct Attr<'a> {
    flags: u8,
    code: u8,
    value: &'a [u8],
    /// The whole attribute (flags to value): NOTIFICATION data.
    wire: &'a [u8],
}

/// Which attribute type codes were present (even if malformed or discarded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen([u64; 4]);

impl Seen {
    pub fn contains(&self, code: u8) -> bool {
        let (word, bit) = (usize::from(code / 64), code % 64);
        self.0.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }

    fn insert(&mut self, code: u8) {
        let (word, bit) = (usize::from(code / 64), code % 64);
        if let Some(w) = self.0.get_mut(word) {
            *w |= 1 << bit;
        }
    }
}

/// Everything found in the path attribute field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecodedAttributes {
    pub attrs: PathAttributes,
    pub mp_reach: Option<MpReach>,
    pub mp_unreach: Option<MpUnreach>,
    /// In the order found; may hold session-reset / AFI-SAFI-disable errors too.
    pub errors: Vec<DecodeError>,
    pub seen: Seen,
}

/// Decodes the path attribute field (exactly the Total Path Attribute Length octets).
pub fn decode_attributes(bytes: &[u8], ctx: &CodecContext) -> DecodedAttributes {
    let mut st = DecodedAttributes::default();
    let mut r = Reader::new(bytes);
    while !r.is_empty() {
        let Some(a) = next_attr(&mut r, bytes) else {
            let reason = "attribute overruns the path attribute field";
            st.errors
                .push(ErrorKind::MalformedAttributeList { reason }.treat_as_withdraw());
            break;
        };
        if st.seen.contains(a.code) {
            st.errors.push(duplicate(a.code));
            if is_mp(a.code) {
                break;
            }
            continue;
        }
        st.seen.insert(a.code);
        if let Err(e) = decode_one(&a, ctx, &mut st) {
            let reset = matches!(e.action, crate::ErrorAction::SessionReset(_));
            st.errors.push(e);
            if reset {
                break;
            }
        }
    }
    st.attrs.unknown.sort_by_key(|a| a.type_code);
    st
}

/// Reads one attribute header and value; `None` if it does not fit (RFC 7606 §4).
fn next_attr<'a>(r: &mut Reader<'a>, all: &'a [u8]) -> Option<Attr<'a>> {
    let start = r.position();
    let flags = r.u8().ok()?;
    let code = r.u8().ok()?;
    let len = if flags & flags::EXTENDED_LENGTH != 0 {
        usize::from(r.u16().ok()?)
    } else {
        usize::from(r.u8().ok()?)
    };
    let value = r.take(len).ok()?;
    let wire = all.get(start..r.position()).unwrap_or(value);
    Some(Attr {
        flags,
        code,
        value,
        wire,
    })
}

fn is_mp(code: u8) -> bool {
    code == code::MP_REACH_NLRI || code == code::MP_UNREACH_NLRI
}

/// RFC 7606 §3 (g): a repeated MP attribute resets the session (Malformed Attribute
/// List); any other repeat is discarded, the first occurrence wins.
fn duplicate(type_code: u8) -> DecodeError {
    let kind = ErrorKind::DuplicateAttribute { type_code };
    if is_mp(type_code) {
        kind.reset_update(UpdateSubcode::MalformedAttributeList, Vec::new())
    } else {
        kind.discard()
    }
}

/// The Optional and Transitive bits each recognized attribute must carry.
fn expected_flags(type_code: u8) -> Option<u8> {
    Some(match type_code {
        code::ORIGIN
        | code::AS_PATH
        | code::NEXT_HOP
        | code::LOCAL_PREF
        | code::ATOMIC_AGGREGATE => flags::WELL_KNOWN,
        code::MULTI_EXIT_DISC
        | code::ORIGINATOR_ID
        | code::CLUSTER_LIST
        | code::MP_REACH_NLRI
        | code::MP_UNREACH_NLRI => flags::OPTIONAL_NON_TRANSITIVE,
        code::AGGREGATOR
        | code::COMMUNITIES
        | code::EXTENDED_COMMUNITIES
        | code::AS4_PATH
        | code::AS4_AGGREGATOR
        | code::IPV6_EXTENDED_COMMUNITIES
        | code::LARGE_COMMUNITY => flags::OPTIONAL_TRANSITIVE,
        _ => return None,
    })
}

/// The RFC 7606 §7 / RFC 6793 §6 action for a malformed (non-MP) attribute.
fn malformed(type_code: u8, kind: ErrorKind) -> DecodeError {
    match type_code {
        code::ATOMIC_AGGREGATE | code::AGGREGATOR | code::AS4_PATH | code::AS4_AGGREGATOR => {
            kind.discard()
        }
        _ => kind.treat_as_withdraw(),
    }
}

fn decode_one(
    a: &Attr<'_>,
    ctx: &CodecContext,
    st: &mut DecodedAttributes,
) -> Result<(), DecodeError> {
    let Some(expected) = expected_flags(a.code) else {
        return unknown(a, st);
    };
    // RFC 6793 §3: AS4_* from a 4-octet speaker are discarded and ignored.
    if ctx.four_octet_as && (a.code == code::AS4_PATH || a.code == code::AS4_AGGREGATOR) {
        return Ok(());
    }
    if a.flags & flags::OPTIONAL_TRANSITIVE != expected {
        // RFC 7606 §3 (c): wrong Optional/Transitive bits make the attribute malformed.
        let kind = ErrorKind::AttributeFlags {
            type_code: a.code,
            flags: a.flags,
        };
        return Err(match a.code {
            code::MP_REACH_NLRI | code::MP_UNREACH_NLRI => mp_malformed(a, kind),
            c => malformed(c, kind),
        });
    }
    match a.code {
        code::MP_REACH_NLRI => {
            let (reach, soft) = MpReach::decode_checked(a.value, a.wire, ctx)?;
            st.mp_reach = Some(reach);
            st.errors.extend(soft);
        }
        code::MP_UNREACH_NLRI => {
            let (unreach, soft) = MpUnreach::decode_checked(a.value, a.wire, ctx)?;
            st.mp_unreach = Some(unreach);
            st.errors.extend(soft);
        }
        c => decode_typed(a, ctx, &mut st.attrs).map_err(|k| malformed(c, k))?,
    }
    Ok(())
}

/// A malformed MP attribute whose family can still be read disables that family.
fn mp_malformed(a: &Attr<'_>, kind: ErrorKind) -> DecodeError {
    match a.value {
        [a0, a1, safi, ..] => kind.disable(crate::AfiSafi::new(
            crate::Afi::from_u16(u16::from_be_bytes([*a0, *a1])),
            crate::Safi::from_u8(*safi),
        )),
        _ => kind.reset_update(UpdateSubcode::AttributeFlagsError, a.wire.to_vec()),
    }
}

fn unknown(a: &Attr<'_>, st: &mut DecodedAttributes) -> Result<(), DecodeError> {
    if a.flags & flags::OPTIONAL == 0 {
        // Not softened by RFC 7606: RFC 4271 §6.3 reset, data = the attribute.
        return Err(
            ErrorKind::UnrecognizedWellKnown { type_code: a.code }.reset_update(
                UpdateSubcode::UnrecognizedWellKnownAttribute,
                a.wire.to_vec(),
            ),
        );
    }
    st.attrs
        .unknown
        .push(RawAttribute::new(a.flags, a.code, a.value.to_vec()));
    Ok(())
}

fn length(a: &Attr<'_>) -> ErrorKind {
    ErrorKind::AttributeLength {
        type_code: a.code,
        length: a.value.len(),
    }
}

fn decode_typed(a: &Attr<'_>, ctx: &CodecContext, p: &mut PathAttributes) -> Result<(), ErrorKind> {
    let four = ctx.four_octet_as;
    match a.code {
        code::ORIGIN => p.origin = Some(Origin::decode(a.value)?),
        code::AS_PATH => {
            let path = AsPath::decode(a.value, four)
                .map_err(|reason| ErrorKind::MalformedAsPath { reason })?;
            p.as_path = Some(path);
        }
        code::NEXT_HOP => p.next_hop = Some(Ipv4Addr::from(fixed::<4>(a)?)),
        code::MULTI_EXIT_DISC => p.med = Some(u32::from_be_bytes(fixed(a)?)),
        code::LOCAL_PREF => p.local_pref = Some(u32::from_be_bytes(fixed(a)?)),
        code::ATOMIC_AGGREGATE => {
            fixed::<0>(a)?;
            p.atomic_aggregate = true;
        }
        code::AGGREGATOR => {
            p.aggregator = Some(Aggregator::decode(a.value, four).ok_or(length(a))?)
        }
        code::COMMUNITIES => p.communities = list(a, |b| Community(u32::from_be_bytes(b)))?,
        code::ORIGINATOR_ID => p.originator_id = Some(Ipv4Addr::from(fixed::<4>(a)?)),
        code::CLUSTER_LIST => p.cluster_list = list(a, Ipv4Addr::from)?,
        code::EXTENDED_COMMUNITIES => p.extended_communities = list(a, ExtendedCommunity)?,
        code::AS4_PATH => p.as4_path = Some(decode_as4_path(a.value)?),
        code::AS4_AGGREGATOR => {
            p.as4_aggregator = Some(Aggregator::decode(a.value, true).ok_or(length(a))?)
        }
        code::IPV6_EXTENDED_COMMUNITIES => {
            p.ipv6_extended_communities = list(a, Ipv6ExtendedCommunity)?
        }
        code::LARGE_COMMUNITY => p.large_communities = list(a, LargeCommunity::from_bytes)?,
        _ => {}
    }
    Ok(())
}

/// RFC 6793 §6: AS4_PATH is malformed if it does not parse or carries confederation
/// segments (which must never appear in it).
fn decode_as4_path(value: &[u8]) -> Result<AsPath, ErrorKind> {
    let err = |reason| ErrorKind::OptionalAttribute {
        type_code: code::AS4_PATH,
        reason,
    };
    let path = AsPath::decode(value, true).map_err(err)?;
    if path.segments.iter().any(|s| s.kind.is_confed()) {
        return Err(err("confederation segment in AS4_PATH"));
    }
    Ok(path)
}

/// A value of exactly `N` octets.
fn fixed<const N: usize>(a: &Attr<'_>) -> Result<[u8; N], ErrorKind> {
    <[u8; N]>::try_from(a.value).map_err(|_| length(a))
}

/// A non-empty list of `N`-octet items (RFC 7606 §7.8, 7.10, 7.14, 7.15, RFC 8092 §5).
fn list<const N: usize, T>(a: &Attr<'_>, item: impl Fn([u8; N]) -> T) -> Result<Vec<T>, ErrorKind> {
    if a.value.is_empty() || !a.value.len().is_multiple_of(N) {
        return Err(length(a));
    }
    Ok(a.value
        .chunks_exact(N)
        .filter_map(|c| <[u8; N]>::try_from(c).ok())
        .map(item)
        .collect())
}
