//! MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760): NLRI of any family, with the next hop
//! forms of RFC 2545 (IPv6 global + link-local) and RFC 8950 (IPv6 next hop for IPv4).
//!
//! Errors here are never softer than AFI/SAFI disable (RFC 7606 §7.11, §5.3): once these
//! attributes cannot be parsed, the NLRI they carry cannot be located for withdrawal.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::afi::{Afi, AfiSafi, Safi};
use crate::context::CodecContext;
use crate::error::{DecodeError, ErrorKind};
use crate::message::notification::UpdateSubcode;
use crate::nlri::prefix::decode_unicast_list;
use crate::nlri::{FlowSpecNlri, MpNlri, PathPrefix};
use crate::reader::Reader;

use super::code;

/// The Network Address of Next Hop field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MpNextHop {
    /// Length 0: FlowSpec (RFC 8955 §4) and other families without a next hop.
    Empty,
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    /// 32 octets: global then link-local (RFC 2545 §3).
    Ipv6LinkLocal {
        global: Ipv6Addr,
        link_local: Ipv6Addr,
    },
    /// Any other length (e.g. VPN forms with a route distinguisher), kept as received.
    Other(Vec<u8>),
}

impl MpNextHop {
    pub fn from_bytes(b: &[u8]) -> Self {
        if let Ok(a) = <[u8; 4]>::try_from(b) {
            return MpNextHop::Ipv4(Ipv4Addr::from(a));
        }
        if let Ok(a) = <[u8; 16]>::try_from(b) {
            return MpNextHop::Ipv6(Ipv6Addr::from(a));
        }
        if let Ok(a) = <[u8; 32]>::try_from(b) {
            let (g, l) = a.split_at(16);
            if let (Ok(g), Ok(l)) = (<[u8; 16]>::try_from(g), <[u8; 16]>::try_from(l)) {
                return MpNextHop::Ipv6LinkLocal {
                    global: Ipv6Addr::from(g),
                    link_local: Ipv6Addr::from(l),
                };
            }
        }
        if b.is_empty() {
            return MpNextHop::Empty;
        }
        MpNextHop::Other(b.to_vec())
    }

    /// Octets of the address field (at most 255).
    pub fn wire_len(&self) -> usize {
        match self {
            MpNextHop::Empty => 0,
            MpNextHop::Ipv4(_) => 4,
            MpNextHop::Ipv6(_) => 16,
            MpNextHop::Ipv6LinkLocal { .. } => 32,
            MpNextHop::Other(v) => v.len().min(255),
        }
    }

    /// Appends the length octet and the address.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.wire_len() as u8);
        match self {
            MpNextHop::Empty => {}
            MpNextHop::Ipv4(a) => out.extend_from_slice(&a.octets()),
            MpNextHop::Ipv6(a) => out.extend_from_slice(&a.octets()),
            MpNextHop::Ipv6LinkLocal { global, link_local } => {
                out.extend_from_slice(&global.octets());
                out.extend_from_slice(&link_local.octets());
            }
            MpNextHop::Other(v) => out.extend_from_slice(v.get(..255).unwrap_or(v)),
        }
    }

    /// Whether this next hop form is one the family allows (unknown families: any).
    fn fits(&self, family: AfiSafi) -> bool {
        let v6 = matches!(self, MpNextHop::Ipv6(_) | MpNextHop::Ipv6LinkLocal { .. });
        match (family.afi, family.safi) {
            (Afi::Ipv4, Safi::Unicast | Safi::Multicast) => {
                v6 || matches!(self, MpNextHop::Ipv4(_))
            }
            (Afi::Ipv6, Safi::Unicast | Safi::Multicast) => v6,
            _ => true,
        }
    }
}

/// MP_REACH_NLRI (type 14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MpReach {
    pub family: AfiSafi,
    pub next_hop: MpNextHop,
    /// The former SNPA count; sent as 0 and ignored on receipt, kept for round trips.
    pub reserved: u8,
    pub nlri: MpNlri,
}

/// MP_UNREACH_NLRI (type 15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MpUnreach {
    pub family: AfiSafi,
    pub withdrawn: MpNlri,
}

impl MpReach {
    /// Decodes the value; `wire` is the whole attribute, the NOTIFICATION data if the
    /// family cannot even be read.
    pub fn decode(value: &[u8], wire: &[u8], ctx: &CodecContext) -> Result<MpReach, DecodeError> {
        Self::decode_checked(value, wire, ctx).map(|(m, _)| m)
    }

    /// [`decode`](Self::decode), also returning a non-fatal (RFC 7606) error found in the
    /// NLRI, e.g. a malformed FlowSpec rule whose length framing is intact.
    pub fn decode_checked(
        value: &[u8],
        wire: &[u8],
        ctx: &CodecContext,
    ) -> Result<(MpReach, Option<DecodeError>), DecodeError> {
        let mut r = Reader::new(value);
        let family = read_family(&mut r, code::MP_REACH_NLRI, wire)?;
        let short = |_| length_error(code::MP_REACH_NLRI, value.len()).disable(family);
        let nh_len = r.u8().map_err(short)?;
        let nh = r.take(usize::from(nh_len)).map_err(short)?;
        let reserved = r.u8().map_err(short)?;
        let next_hop = MpNextHop::from_bytes(nh);
        if !next_hop.fits(family) {
            let reason = "next hop length does not fit the address family";
            return Err(ErrorKind::InvalidNextHop { reason }.disable(family));
        }
        let (nlri, soft) = decode_nlri(family, r.take_rest(), ctx)?;
        let reach = MpReach {
            family,
            next_hop,
            reserved,
            nlri,
        };
        Ok((reach, soft))
    }

    /// Appends the value (not the attribute header).
    pub fn encode_value(&self, ctx: &CodecContext, out: &mut Vec<u8>) {
        put_family(self.family, out);
        self.next_hop.encode(out);
        out.push(self.reserved);
        encode_nlri(&self.nlri, ctx.add_path(self.family), out);
    }
}

impl MpUnreach {
    pub fn decode(value: &[u8], wire: &[u8], ctx: &CodecContext) -> Result<MpUnreach, DecodeError> {
        Self::decode_checked(value, wire, ctx).map(|(m, _)| m)
    }

    /// See [`MpReach::decode_checked`].
    pub fn decode_checked(
        value: &[u8],
        wire: &[u8],
        ctx: &CodecContext,
    ) -> Result<(MpUnreach, Option<DecodeError>), DecodeError> {
        let mut r = Reader::new(value);
        let family = read_family(&mut r, code::MP_UNREACH_NLRI, wire)?;
        let (withdrawn, soft) = decode_nlri(family, r.take_rest(), ctx)?;
        Ok((MpUnreach { family, withdrawn }, soft))
    }

    pub fn encode_value(&self, ctx: &CodecContext, out: &mut Vec<u8>) {
        put_family(self.family, out);
        encode_nlri(&self.withdrawn, ctx.add_path(self.family), out);
    }
}

fn length_error(type_code: u8, length: usize) -> ErrorKind {
    ErrorKind::AttributeLength { type_code, length }
}

/// Without AFI/SAFI no family can be disabled: the session is reset.
fn read_family(r: &mut Reader<'_>, type_code: u8, wire: &[u8]) -> Result<AfiSafi, DecodeError> {
    let len = r.remaining();
    let (Ok(afi), Ok(safi)) = (r.u16(), r.u8()) else {
        return Err(length_error(type_code, len)
            .reset_update(UpdateSubcode::AttributeLengthError, wire.to_vec()));
    };
    Ok(AfiSafi::new(Afi::from_u16(afi), Safi::from_u8(safi)))
}

pub fn put_family(family: AfiSafi, out: &mut Vec<u8>) {
    out.extend_from_slice(&family.afi.to_u16().to_be_bytes());
    out.push(family.safi.to_u8());
}

/// Whether the family's NLRI are plain (Add-Path capable) unicast prefixes.
pub fn is_unicast_family(family: AfiSafi) -> bool {
    matches!(family.afi, Afi::Ipv4 | Afi::Ipv6)
        && matches!(family.safi, Safi::Unicast | Safi::Multicast)
}

/// The NLRI value an empty MP attribute of `family` decodes to (End-of-RIB).
pub fn empty_nlri(family: AfiSafi) -> MpNlri {
    if is_unicast_family(family) {
        MpNlri::Unicast(Vec::new())
    } else if is_flowspec_family(family) {
        MpNlri::FlowSpec(Vec::new())
    } else {
        MpNlri::Unknown(Vec::new())
    }
}

fn is_flowspec_family(family: AfiSafi) -> bool {
    matches!(family.afi, Afi::Ipv4 | Afi::Ipv6) && family.safi == Safi::FlowSpec
}

type NlriOutcome = (MpNlri, Option<DecodeError>);

fn decode_nlri(
    family: AfiSafi,
    bytes: &[u8],
    ctx: &CodecContext,
) -> Result<NlriOutcome, DecodeError> {
    if is_unicast_family(family) {
        return decode_unicast_list(bytes, family.afi, ctx.add_path(family))
            .map(|v| (MpNlri::Unicast(v), None))
            .map_err(|k| k.disable(family));
    }
    if is_flowspec_family(family) {
        // An empty list (End-of-RIB) needs no FlowSpec decoder.
        if bytes.is_empty() {
            return Ok((MpNlri::FlowSpec(Vec::new()), None));
        }
        return decode_flowspec(family, bytes);
    }
    Ok((MpNlri::Unknown(bytes.to_vec()), None))
}

/// RFC 8955 §4 / RFC 7606 §5.3: when one rule is malformed but every rule's length prefix
/// is intact, the other rules are still located exactly, so the UPDATE is handled as
/// treat-as-withdraw for them (the malformed rule cannot be in any RIB). Broken framing
/// leaves nothing trustworthy: the family is disabled.
fn decode_flowspec(family: AfiSafi, bytes: &[u8]) -> Result<NlriOutcome, DecodeError> {
    match FlowSpecNlri::decode_list(family.afi, bytes) {
        Ok(rules) => Ok((MpNlri::FlowSpec(rules), None)),
        Err(e) if e.framing_intact() => {
            let salvaged = FlowSpecNlri::decode_list_salvage(family.afi, bytes);
            let soft = ErrorKind::FlowSpec(e).treat_as_withdraw();
            Ok((MpNlri::FlowSpec(salvaged.rules), Some(soft)))
        }
        Err(e) => Err(ErrorKind::FlowSpec(e).disable(family)),
    }
}

/// Appends a unicast entry, with a path identifier exactly when Add-Path is negotiated
/// (0 if the prefix has none), whatever `path_id` holds.
pub fn encode_path_prefix(p: &PathPrefix, add_path: bool, out: &mut Vec<u8>) {
    if add_path {
        out.extend_from_slice(&p.path_id.unwrap_or(0).to_be_bytes());
    }
    crate::nlri::prefix::encode_prefix(&p.prefix, out);
}

/// Octets [`encode_path_prefix`] writes.
pub fn path_prefix_len(p: &PathPrefix, add_path: bool) -> usize {
    let id = if add_path { 4 } else { 0 };
    id + 1 + crate::nlri::prefix::prefix_octets(p.prefix.prefix_len())
}

fn encode_nlri(nlri: &MpNlri, add_path: bool, out: &mut Vec<u8>) {
    match nlri {
        MpNlri::Unicast(v) => v.iter().for_each(|p| encode_path_prefix(p, add_path, out)),
        MpNlri::FlowSpec(v) => v.iter().for_each(|f| f.encode(out)),
        MpNlri::Unknown(b) => out.extend_from_slice(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorAction;

    fn ctx() -> CodecContext {
        CodecContext::default()
    }

    fn v6(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    #[test]
    fn ipv6_reach_with_link_local_next_hop_both_ways() {
        let mut value = vec![0, 2, 1, 32];
        value.extend_from_slice(&v6("2001:db8::1").octets());
        value.extend_from_slice(&v6("fe80::1").octets());
        value.push(0);
        value.extend_from_slice(&[32, 0x20, 0x01, 0x0d, 0xb8]);
        let m = MpReach::decode(&value, &[], &ctx()).unwrap();
        assert_eq!(m.family, AfiSafi::IPV6_UNICAST);
        assert_eq!(
            m.next_hop,
            MpNextHop::Ipv6LinkLocal {
                global: v6("2001:db8::1"),
                link_local: v6("fe80::1")
            }
        );
        let MpNlri::Unicast(p) = &m.nlri else {
            panic!()
        };
        assert_eq!(p[0].prefix.to_string(), "2001:db8::/32");
        let mut out = Vec::new();
        m.encode_value(&ctx(), &mut out);
        assert_eq!(out, value);
    }

    #[test]
    fn ipv4_reach_next_hops_and_reserved_octet() {
        let value = [0, 1, 1, 4, 192, 0, 2, 1, 7, 24, 198, 51, 100];
        let m = MpReach::decode(&value, &[], &ctx()).unwrap();
        assert_eq!(m.next_hop, MpNextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!(m.reserved, 7);
        let mut out = Vec::new();
        m.encode_value(&ctx(), &mut out);
        assert_eq!(out, value);
        // RFC 8950: IPv4 NLRI with an IPv6 next hop.
        let mut v = vec![0, 1, 1, 16];
        v.extend_from_slice(&v6("2001:db8::1").octets());
        v.push(0);
        assert!(MpReach::decode(&v, &[], &ctx()).is_ok());
    }

    #[test]
    fn flowspec_reach_has_empty_next_hop_and_hands_nlri_over() {
        // Empty NLRI list: no FlowSpec decoder needed.
        let m = MpReach::decode(&[0, 1, 133, 0, 0], &[], &ctx()).unwrap();
        assert_eq!(m.next_hop, MpNextHop::Empty);
        assert_eq!(m.nlri, MpNlri::FlowSpec(vec![]));
        // Non-empty: the bytes go to FlowSpecNlri::decode_list; this one has a broken
        // length framing, so any FlowSpec error disables the family.
        let err = MpReach::decode(&[0, 1, 133, 0, 0, 9, 1], &[], &ctx()).unwrap_err();
        assert!(matches!(err.kind, ErrorKind::FlowSpec(_)));
        assert_eq!(
            err.action,
            ErrorAction::AfiSafiDisable(AfiSafi::IPV4_FLOWSPEC)
        );
    }

    #[test]
    fn other_next_hops_and_families_are_kept_raw() {
        let value = [0, 1, 128, 3, 1, 2, 3, 0, 9, 9];
        let m = MpReach::decode(&value, &[], &ctx()).unwrap();
        assert_eq!(m.next_hop, MpNextHop::Other(vec![1, 2, 3]));
        assert_eq!(m.nlri, MpNlri::Unknown(vec![9, 9]));
        let mut out = Vec::new();
        m.encode_value(&ctx(), &mut out);
        assert_eq!(out, value);
    }

    #[test]
    fn errors_disable_the_family_or_reset() {
        // IPv6 unicast with a 4-octet next hop.
        let e = MpReach::decode(&[0, 2, 1, 4, 1, 2, 3, 4, 0], &[], &ctx()).unwrap_err();
        assert_eq!(e.action, ErrorAction::AfiSafiDisable(AfiSafi::IPV6_UNICAST));
        assert!(matches!(e.kind, ErrorKind::InvalidNextHop { .. }));
        // Next hop overruns the attribute.
        let e = MpReach::decode(&[0, 2, 1, 16, 1], &[], &ctx()).unwrap_err();
        assert_eq!(e.action, ErrorAction::AfiSafiDisable(AfiSafi::IPV6_UNICAST));
        // Bad prefix inside.
        let e = MpUnreach::decode(&[0, 1, 1, 33, 1, 2, 3, 4, 5], &[], &ctx()).unwrap_err();
        assert_eq!(e.action, ErrorAction::AfiSafiDisable(AfiSafi::IPV4_UNICAST));
        // Family unreadable: session reset, Attribute Length Error with the attribute.
        let wire = [0x80, 15, 2, 0, 1];
        let e = MpUnreach::decode(&wire[3..], &wire, &ctx()).unwrap_err();
        let ErrorAction::SessionReset(n) = e.action else {
            panic!()
        };
        assert_eq!(n.code.pair(), (3, 5));
        assert_eq!(n.data, wire);
    }

    #[test]
    fn add_path_ids_follow_the_context() {
        let value = [0, 2, 1, 0, 0, 0, 5, 16, 0x20, 0x01];
        let ctx = CodecContext {
            add_path: vec![AfiSafi::IPV6_UNICAST],
            ..CodecContext::default()
        };
        let m = MpUnreach::decode(&value[..3], &[], &ctx).unwrap();
        assert!(m.withdrawn.is_empty());
        let mut v = vec![0, 2, 1];
        v.extend_from_slice(&value[3..]);
        let m = MpUnreach::decode(&v, &[], &ctx).unwrap();
        let MpNlri::Unicast(p) = &m.withdrawn else {
            panic!()
        };
        assert_eq!(p[0].path_id, Some(5));
        let mut out = Vec::new();
        m.encode_value(&ctx, &mut out);
        assert_eq!(out, v);
    }
}
