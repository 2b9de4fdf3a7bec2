//! OPEN (RFC 4271 §4.2) with its optional parameters (RFC 5492) in either the classic or the
//! RFC 9072 extended-length form.
//!
//! The grouping of capabilities into optional parameters is kept as received (BIRD sends one
//! Capabilities parameter holding everything, GoBGP one parameter per capability) so that
//! re-encoding a decoded OPEN reproduces the peer's bytes.
//!
//! Errors (RFC 4271 §6.2 unless noted), all a session reset:
//! - body shorter than 10 octets → Message Header Error / Bad Message Length (§6.1)
//! - version ≠ 4 → Unsupported Version Number, data = 2-octet 4
//! - My AS or 4-octet AS capability 0 → Bad Peer AS (RFC 7607)
//! - hold time 1 or 2 → Unacceptable Hold Time
//! - BGP Identifier 0 → Bad BGP Identifier (RFC 6286)
//! - unknown optional parameter type → Unsupported Optional Parameter
//! - parameter lengths inconsistent with the message, malformed capability →
//!   OPEN Message Error / Unspecific ("recognized but malformed")
//!
//! Checks against configuration (expected peer AS, local BGP Identifier collision, required
//! capabilities) belong to the session layer.

use std::net::Ipv4Addr;

use crate::capability::{AS_TRANS, Capability};
use crate::error::{DecodeError, ErrorKind};
use crate::message::HEADER_LEN;
use crate::message::notification::OpenSubcode;
use crate::reader::Reader;

/// The only BGP version there is.
pub const BGP_VERSION: u8 = 4;
/// Version, My AS, Hold Time, BGP Identifier and Opt Parm Len.
pub const MIN_BODY_LEN: usize = 10;
/// Classic optional parameter lengths are one octet.
const MAX_CLASSIC_PARAMS_LEN: usize = 255;

/// Optional parameter type codes.
pub mod param_type {
    /// RFC 5492.
    pub const CAPABILITIES: u8 = 2;
    /// RFC 9072: in the position of the first parameter type, announces the extended form.
    pub const EXTENDED_LENGTH: u8 = 255;
}

/// One optional parameter. Capabilities (type 2) is the only one in use: type 1
/// (Authentication) is deprecated and any other type is refused while decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionalParameter {
    Capabilities(Vec<Capability>),
}

impl OptionalParameter {
    pub fn param_type(&self) -> u8 {
        match self {
            OptionalParameter::Capabilities(_) => param_type::CAPABILITIES,
        }
    }

    fn encode_value(&self) -> Vec<u8> {
        let mut value = Vec::new();
        match self {
            OptionalParameter::Capabilities(caps) => Capability::encode_list(caps, &mut value),
        }
        value
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    /// 2-octet AS, [`AS_TRANS`] when the real AS needs 4 octets (see [`Open::asn`]).
    pub my_as: u16,
    /// Seconds; 0 (no keepalives) or at least 3.
    pub hold_time: u16,
    pub bgp_id: Ipv4Addr,
    pub params: Vec<OptionalParameter>,
    /// Use the RFC 9072 extended form even if the parameters fit the classic one. Encoding
    /// picks the extended form by itself when they do not fit, so decoding sets this only
    /// when the peer used it without need, to reproduce its bytes. See
    /// [`Open::uses_extended_params`].
    pub extended_params: bool,
}

impl Open {
    /// An OPEN with all `caps` in one Capabilities parameter. `my_as` is `asn` or AS_TRANS if
    /// it needs 4 octets, and a 4-octet AS capability carrying `asn` is added if missing.
    pub fn new(asn: u32, hold_time: u16, bgp_id: Ipv4Addr, mut caps: Vec<Capability>) -> Open {
        if !caps.iter().any(|c| matches!(c, Capability::FourOctetAs(_))) {
            caps.push(Capability::FourOctetAs(asn));
        }
        Open {
            my_as: u16::try_from(asn).unwrap_or(AS_TRANS),
            hold_time,
            bgp_id,
            params: vec![OptionalParameter::Capabilities(caps)],
            extended_params: false,
        }
    }

    /// Every capability of every Capabilities parameter, in order.
    pub fn capabilities(&self) -> impl Iterator<Item = &Capability> {
        self.params.iter().flat_map(|p| match p {
            OptionalParameter::Capabilities(caps) => caps.iter(),
        })
    }

    /// The sender's AS: from the 4-octet AS capability if present (RFC 6793), else My AS.
    pub fn asn(&self) -> u32 {
        self.four_octet_as().unwrap_or(u32::from(self.my_as))
    }

    fn four_octet_as(&self) -> Option<u32> {
        self.capabilities().find_map(|c| match c {
            Capability::FourOctetAs(asn) => Some(*asn),
            _ => None,
        })
    }

    /// Whether encoding uses the RFC 9072 extended form.
    pub fn uses_extended_params(&self) -> bool {
        let values: Vec<Vec<u8>> = self.params.iter().map(|p| p.encode_value()).collect();
        self.extended_params || classic_len(values.iter().map(Vec::len)) > MAX_CLASSIC_PARAMS_LEN
    }

    pub fn decode_body(body: &[u8]) -> Result<Open, DecodeError> {
        let mut r = Reader::new(body);
        let [version, as0, as1, h0, h1, id0, id1, id2, id3, opt_len] = r
            .array::<MIN_BODY_LEN>()
            .map_err(|_| too_short(body.len()))?;
        check_version(version)?;
        let hold_time = check_hold_time(u16::from_be_bytes([h0, h1]))?;
        let bgp_id = check_bgp_id(Ipv4Addr::new(id0, id1, id2, id3))?;
        let (params, extended_params) = decode_params(opt_len, r.rest())?;
        let open = Open {
            my_as: u16::from_be_bytes([as0, as1]),
            hold_time,
            bgp_id,
            params,
            extended_params,
        };
        check_peer_as(&open)?;
        Ok(open)
    }

    pub fn encode_body(&self, out: &mut Vec<u8>) {
        out.push(BGP_VERSION);
        out.extend_from_slice(&self.my_as.to_be_bytes());
        out.extend_from_slice(&self.hold_time.to_be_bytes());
        out.extend_from_slice(&self.bgp_id.octets());
        let values: Vec<(u8, Vec<u8>)> = self
            .params
            .iter()
            .map(|p| (p.param_type(), p.encode_value()))
            .collect();
        let classic = classic_len(values.iter().map(|(_, v)| v.len()));
        match u8::try_from(classic) {
            Ok(len) if !self.extended_params => encode_classic(len, &values, out),
            _ => encode_extended(&values, out),
        }
    }
}

/// Octets of the parameters in the classic form (type and 1-octet length each).
fn classic_len(value_lens: impl Iterator<Item = usize>) -> usize {
    value_lens.map(|len| 2 + len).sum()
}

fn encode_classic(total: u8, values: &[(u8, Vec<u8>)], out: &mut Vec<u8>) {
    out.push(total);
    for (ty, value) in values {
        out.push(*ty);
        // Fits: the total did.
        out.push(value.len() as u8);
        out.extend_from_slice(value);
    }
}

/// RFC 9072 §2: Non-Ext OP Len 255, Non-Ext OP Type 255, 2-octet total, 2-octet lengths.
/// Lengths saturate at 65535; an OPEN that large exceeds 4096 octets anyway.
fn encode_extended(values: &[(u8, Vec<u8>)], out: &mut Vec<u8>) {
    let total: usize = values.iter().map(|(_, v)| 3 + v.len()).sum();
    out.extend_from_slice(&[255, param_type::EXTENDED_LENGTH]);
    out.extend_from_slice(&saturating_u16(total).to_be_bytes());
    for (ty, value) in values {
        out.push(*ty);
        out.extend_from_slice(&saturating_u16(value.len()).to_be_bytes());
        out.extend_from_slice(value);
    }
}

fn saturating_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// RFC 4271 §6.1: an OPEN shorter than its minimum is a header length error.
fn too_short(body_len: usize) -> DecodeError {
    let length = saturating_u16(body_len + HEADER_LEN);
    ErrorKind::BadMessageLength { length }.reset_bad_length(length)
}

fn check_version(version: u8) -> Result<(), DecodeError> {
    if version == BGP_VERSION {
        return Ok(());
    }
    // Data: the largest locally supported version, as a 2-octet number.
    let data = u16::from(BGP_VERSION).to_be_bytes().to_vec();
    Err(ErrorKind::UnsupportedVersion { version }
        .reset_open(OpenSubcode::UnsupportedVersionNumber, data))
}

fn check_hold_time(hold_time: u16) -> Result<u16, DecodeError> {
    if matches!(hold_time, 1 | 2) {
        return Err(ErrorKind::UnacceptableHoldTime { hold_time }
            .reset_open(OpenSubcode::UnacceptableHoldTime, Vec::new()));
    }
    Ok(hold_time)
}

/// RFC 6286 §2.2: any non-zero identifier is syntactically fine.
fn check_bgp_id(id: Ipv4Addr) -> Result<Ipv4Addr, DecodeError> {
    if id.is_unspecified() {
        return Err(
            ErrorKind::BadBgpIdentifier.reset_open(OpenSubcode::BadBgpIdentifier, Vec::new())
        );
    }
    Ok(id)
}

/// RFC 7607 §2: AS 0 as the peer AS in an OPEN (My AS or the 4-octet AS capability).
fn check_peer_as(open: &Open) -> Result<(), DecodeError> {
    if open.my_as == 0 || open.four_octet_as() == Some(0) {
        return Err(ErrorKind::ZeroPeerAs.reset_open(OpenSubcode::BadPeerAs, Vec::new()));
    }
    Ok(())
}

fn malformed_params(reason: &'static str) -> DecodeError {
    ErrorKind::MalformedOptionalParameters { reason }
        .reset_open(OpenSubcode::Unspecific, Vec::new())
}

/// Splits the classic and the RFC 9072 form. Returns the parameters and whether the extended
/// form was used although the classic one would have fit.
fn decode_params(opt_len: u8, rest: &[u8]) -> Result<(Vec<OptionalParameter>, bool), DecodeError> {
    // RFC 9072 §2: a non-zero Non-Ext OP Len followed by type 255 marks the extended form,
    // whatever the length octet says.
    if opt_len != 0 && rest.first() == Some(&param_type::EXTENDED_LENGTH) {
        let mut r = Reader::new(rest);
        let [_, l0, l1] = r
            .array::<3>()
            .map_err(|_| malformed_params("extended parameters length truncated"))?;
        let params = exact(r.rest(), u16::from_be_bytes([l0, l1]).into())?;
        let (params, classic) = read_params(params, true)?;
        return Ok((params, classic <= MAX_CLASSIC_PARAMS_LEN));
    }
    let params = exact(rest, opt_len.into())?;
    Ok((read_params(params, false)?.0, false))
}

/// The optional parameters must fill the rest of the message exactly.
fn exact(rest: &[u8], len: usize) -> Result<&[u8], DecodeError> {
    if rest.len() == len {
        Ok(rest)
    } else {
        Err(malformed_params(
            "optional parameters length does not match the message",
        ))
    }
}

/// Reads (type, length, value) parameters; `wide` lengths are 2 octets (RFC 9072). Also
/// returns the length they would take in the classic form.
fn read_params(buf: &[u8], wide: bool) -> Result<(Vec<OptionalParameter>, usize), DecodeError> {
    let mut r = Reader::new(buf);
    // Each parameter takes at least 2 octets, so this bounds the allocation.
    let mut params = Vec::with_capacity(buf.len() / 2);
    let mut classic = 0;
    while !r.is_empty() {
        let (ty, value) =
            read_param(&mut r, wide).map_err(|_| malformed_params("parameter truncated"))?;
        classic += 2 + value.len();
        params.push(decode_param(ty, value)?);
    }
    Ok((params, classic))
}

fn read_param<'a>(
    r: &mut Reader<'a>,
    wide: bool,
) -> Result<(u8, &'a [u8]), crate::reader::Truncated> {
    let ty = r.u8()?;
    let len = if wide { r.u16()? } else { r.u8()?.into() };
    Ok((ty, r.take(len.into())?))
}

fn decode_param(param_type: u8, value: &[u8]) -> Result<OptionalParameter, DecodeError> {
    match param_type {
        param_type::CAPABILITIES => Ok(OptionalParameter::Capabilities(Capability::decode_list(
            value,
        )?)),
        _ => Err(ErrorKind::UnsupportedOptionalParameter { param_type }
            .reset_open(OpenSubcode::UnsupportedOptionalParameter, Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::afi::AfiSafi;
    use crate::capability::{GrFamily, GracefulRestart, LlgrFamily, strategy};
    use crate::context::CodecContext;
    use crate::error::ErrorAction;
    use crate::message::Message;

    const V4U: AfiSafi = AfiSafi::IPV4_UNICAST;
    const V6U: AfiSafi = AfiSafi::IPV6_UNICAST;

    /// `body` decodes to `open` and `open` encodes to `body`.
    fn both_ways(body: &[u8], open: &Open) {
        assert_eq!(Open::decode_body(body).as_ref(), Ok(open));
        let mut out = Vec::new();
        open.encode_body(&mut out);
        assert_eq!(out, body);
    }

    /// Decoding fails with a session reset carrying this NOTIFICATION.
    fn rejects(body: &[u8], pair: (u8, u8), data: &[u8]) -> ErrorKind {
        let err = Open::decode_body(body).unwrap_err();
        let ErrorAction::SessionReset(n) = err.action else {
            panic!("expected reset, got {err:?}")
        };
        assert_eq!(n.code.pair(), pair, "{:?}", err.kind);
        assert_eq!(n.data, data);
        err.kind
    }

    /// My AS 65001, hold 180, 192.0.2.1, then the given Opt Parm Len and parameters.
    fn body(params: &[u8]) -> Vec<u8> {
        let mut b = vec![4, 0xfd, 0xe9, 0, 180, 192, 0, 2, 1];
        b.extend_from_slice(params);
        b
    }

    /// BIRD 2: every capability in a single Capabilities parameter.
    #[rustfmt::skip]
    const BIRD2: &[u8] = &[
        4, 0xfd, 0xe9, 0x00, 0xf0, 192, 0, 2, 1,
        49,                                  // Opt Parm Len
        2, 47,                               // one Capabilities parameter
        1, 4, 0, 1, 0, 1,                    // MP IPv4 unicast
        1, 4, 0, 2, 0, 1,                    // MP IPv6 unicast
        2, 0,                                // Route Refresh
        6, 0,                                // Extended Message
        64, 6, 0x40, 0x78, 0, 1, 1, 0x80,    // GR: N bit, 120 s, IPv4 unicast F
        65, 4, 0, 0, 0xfd, 0xe9,             // 4-octet AS 65001
        69, 4, 0, 1, 1, 3,                   // Add-Path IPv4 unicast both
        70, 0,                               // Enhanced Route Refresh
        71, 7, 0, 1, 1, 0x80, 0, 0x0e, 0x10, // LLGR IPv4 unicast F, 3600 s
    ];

    /// GoBGP 3: one Capabilities parameter per capability.
    #[rustfmt::skip]
    const GOBGP3: &[u8] = &[
        4, 0xfd, 0xea, 0x00, 0x5a, 192, 0, 2, 2,
        50,
        2, 2, 2, 0,                          // Route Refresh
        2, 6, 1, 4, 0, 1, 0, 1,              // MP IPv4 unicast
        2, 6, 1, 4, 0, 2, 0, 1,              // MP IPv6 unicast
        2, 8, 5, 6, 0, 1, 0, 1, 0, 2,        // Extended Next Hop IPv4 unicast via IPv6
        2, 6, 65, 4, 0, 0, 0xfd, 0xea,       // 4-octet AS 65002
        2, 10, 73, 8, 6, b'g', b'o', b'b', b'g', b'p', b'1', 0, // FQDN "gobgp1", no domain
    ];

    #[test]
    fn bird2_open_one_parameter() {
        let caps = vec![
            Capability::Multiprotocol(V4U),
            Capability::Multiprotocol(V6U),
            Capability::RouteRefresh,
            Capability::ExtendedMessage,
            Capability::GracefulRestart(GracefulRestart {
                restart_state: false,
                notification: true,
                restart_time: 120,
                families: vec![GrFamily {
                    family: V4U,
                    forwarding_state: true,
                }],
            }),
            Capability::FourOctetAs(65001),
            Capability::AddPath(vec![crate::capability::AddPathFamily {
                family: V4U,
                mode: crate::capability::AddPathMode::Both,
            }]),
            Capability::EnhancedRouteRefresh,
            Capability::LongLivedGracefulRestart(vec![LlgrFamily {
                family: V4U,
                forwarding_state: true,
                stale_time: 3600,
            }]),
        ];
        let open = Open {
            my_as: 65001,
            hold_time: 240,
            bgp_id: Ipv4Addr::new(192, 0, 2, 1),
            params: vec![OptionalParameter::Capabilities(caps.clone())],
            extended_params: false,
        };
        both_ways(BIRD2, &open);
        // Open::new groups the same way and already has the 4-octet AS capability.
        assert_eq!(
            Open::new(65001, 240, Ipv4Addr::new(192, 0, 2, 1), caps),
            open
        );
        assert_eq!(open.asn(), 65001);
        assert_eq!(open.capabilities().count(), 9);
    }

    #[test]
    fn gobgp3_open_one_parameter_per_capability() {
        let caps = [
            Capability::RouteRefresh,
            Capability::Multiprotocol(V4U),
            Capability::Multiprotocol(V6U),
            Capability::ExtendedNextHop(vec![crate::capability::ExtendedNextHop {
                afi: crate::afi::Afi::Ipv4,
                safi: 1,
                nexthop_afi: crate::afi::Afi::Ipv6,
            }]),
            Capability::FourOctetAs(65002),
            Capability::Fqdn {
                hostname: "gobgp1".into(),
                domain: String::new(),
            },
        ];
        let open = Open {
            my_as: 65002,
            hold_time: 90,
            bgp_id: Ipv4Addr::new(192, 0, 2, 2),
            params: caps
                .iter()
                .map(|c| OptionalParameter::Capabilities(vec![c.clone()]))
                .collect(),
            extended_params: false,
        };
        both_ways(GOBGP3, &open);
        assert!(open.capabilities().eq(caps.iter()));
    }

    #[test]
    fn whole_message_round_trip_with_header() {
        let ctx = CodecContext::default();
        let open = Open::decode_body(BIRD2).unwrap();
        let bytes = Message::Open(open.clone()).to_bytes(&ctx);
        assert_eq!(bytes.len(), HEADER_LEN + BIRD2.len());
        assert_eq!(bytes.get(HEADER_LEN..), Some(BIRD2));
        assert_eq!(Message::decode(&bytes, &ctx), Ok(Message::Open(open)));
    }

    #[test]
    fn no_optional_parameters() {
        let open = Open {
            my_as: 65001,
            hold_time: 180,
            bgp_id: Ipv4Addr::new(192, 0, 2, 1),
            params: vec![],
            extended_params: false,
        };
        both_ways(&body(&[0]), &open);
        assert_eq!(open.asn(), 65001);
        // An empty Capabilities parameter is kept as such.
        let mut empty = open.clone();
        empty.params.push(OptionalParameter::Capabilities(vec![]));
        both_ways(&body(&[2, 2, 0]), &empty);
    }

    #[test]
    fn new_uses_as_trans_for_four_octet_asns() {
        let open = Open::new(4_200_000_001, 90, Ipv4Addr::new(10, 0, 0, 1), vec![]);
        assert_eq!(open.my_as, AS_TRANS);
        assert_eq!(open.asn(), 4_200_000_001);
        assert_eq!(
            open.params,
            vec![OptionalParameter::Capabilities(vec![
                Capability::FourOctetAs(4_200_000_001)
            ])]
        );
        let mut out = Vec::new();
        open.encode_body(&mut out);
        #[rustfmt::skip]
        let expected = [
            4, 0x5b, 0xa0, 0, 90, 10, 0, 0, 1,
            8, 2, 6, 65, 4, 0xfa, 0x56, 0xea, 0x01,
        ];
        assert_eq!(out, expected);
        // A caller-supplied 4-octet AS capability is not duplicated.
        let open = Open::new(
            65001,
            90,
            Ipv4Addr::new(10, 0, 0, 1),
            vec![Capability::FourOctetAs(65001)],
        );
        assert_eq!(open.capabilities().count(), 1);
        assert_eq!(open.my_as, 65001);
    }

    #[test]
    fn rfc9072_extended_form_is_used_only_when_needed() {
        // 50 Multiprotocol capabilities: 300 octets of value, too much for the classic form.
        let caps: Vec<Capability> = (0..50u16)
            .map(|i| {
                Capability::Multiprotocol(AfiSafi::new(
                    crate::afi::Afi::from_u16(100 + i),
                    crate::afi::Safi::Unicast,
                ))
            })
            .collect();
        let open = Open::new(65001, 180, Ipv4Addr::new(192, 0, 2, 1), caps);
        assert!(open.uses_extended_params());
        let mut out = Vec::new();
        open.encode_body(&mut out);
        // Non-Ext OP Len 255, Non-Ext OP Type 255, total 3 + 306, type 2, length 306.
        assert_eq!(
            out.get(9..16),
            Some(&[255, 255, 0x01, 0x35, 2, 0x01, 0x32][..])
        );
        assert_eq!(out.len(), 9 + 4 + 3 + 306);
        let back = Open::decode_body(&out).unwrap();
        assert!(!back.extended_params);
        assert_eq!(back, open);

        // Under 255 octets the classic form is used.
        let small = Open::new(65001, 180, Ipv4Addr::new(192, 0, 2, 1), vec![]);
        assert!(!small.uses_extended_params());
    }

    #[test]
    fn rfc9072_extended_form_short_is_accepted_and_reproduced() {
        #[rustfmt::skip]
        let wire = body(&[
            255, 255, 0, 9,                 // extended form, 9 octets of parameters
            2, 0, 6,                        // Capabilities, 2-octet length 6
            65, 4, 0, 0, 0xfd, 0xe9,
        ]);
        let open = Open {
            my_as: 65001,
            hold_time: 180,
            bgp_id: Ipv4Addr::new(192, 0, 2, 1),
            params: vec![OptionalParameter::Capabilities(vec![
                Capability::FourOctetAs(65001),
            ])],
            extended_params: true,
        };
        both_ways(&wire, &open);
        assert!(open.uses_extended_params());

        // Any non-zero Non-Ext OP Len followed by type 255 means the extended form.
        let mut odd = wire.clone();
        if let Some(b) = odd.get_mut(9) {
            *b = 13;
        }
        assert_eq!(Open::decode_body(&odd), Ok(open));
        // No parameters at all, extended form.
        let empty = Open::decode_body(&body(&[255, 255, 0, 0])).unwrap();
        assert!(empty.params.is_empty() && empty.extended_params);
    }

    #[test]
    fn too_short_is_a_header_length_error() {
        let kind = rejects(&[4, 0xfd, 0xe9, 0, 180, 192, 0, 2, 1], (1, 2), &[0, 28]);
        assert_eq!(kind, ErrorKind::BadMessageLength { length: 28 });
        rejects(&[], (1, 2), &[0, 19]);
    }

    #[test]
    fn unsupported_version_carries_version_4() {
        let mut wire = body(&[0]);
        if let Some(v) = wire.first_mut() {
            *v = 3;
        }
        let kind = rejects(&wire, (2, 1), &[0, 4]);
        assert_eq!(kind, ErrorKind::UnsupportedVersion { version: 3 });
    }

    #[test]
    fn hold_time_one_or_two_is_unacceptable() {
        for hold in [1u8, 2] {
            let wire = [4, 0xfd, 0xe9, 0, hold, 192, 0, 2, 1, 0];
            let kind = rejects(&wire, (2, 6), &[]);
            assert_eq!(
                kind,
                ErrorKind::UnacceptableHoldTime {
                    hold_time: hold.into()
                }
            );
        }
        for hold in [0u8, 3] {
            let wire = [4, 0xfd, 0xe9, 0, hold, 192, 0, 2, 1, 0];
            assert!(Open::decode_body(&wire).is_ok());
        }
    }

    #[test]
    fn zero_bgp_identifier_is_bad() {
        let kind = rejects(&[4, 0xfd, 0xe9, 0, 180, 0, 0, 0, 0, 0], (2, 3), &[]);
        assert_eq!(kind, ErrorKind::BadBgpIdentifier);
    }

    #[test]
    fn zero_peer_as_is_bad_peer_as() {
        rejects(&[4, 0, 0, 0, 180, 192, 0, 2, 1, 0], (2, 2), &[]);
        let kind = rejects(&body(&[8, 2, 6, 65, 4, 0, 0, 0, 0]), (2, 2), &[]);
        assert_eq!(kind, ErrorKind::ZeroPeerAs);
    }

    #[test]
    fn unknown_parameter_type_is_unsupported() {
        // Type 1 (Authentication, deprecated) and an arbitrary type.
        for ty in [1u8, 3, 254] {
            let kind = rejects(&body(&[3, ty, 1, 0]), (2, 4), &[]);
            assert_eq!(
                kind,
                ErrorKind::UnsupportedOptionalParameter { param_type: ty }
            );
        }
    }

    #[test]
    fn length_mismatches_are_open_unspecific() {
        let cases: [&[u8]; 8] = [
            &[3, 2, 0],                 // Opt Parm Len larger than what follows
            &[1, 2, 0],                 // smaller: trailing octets
            &[0, 2, 0],                 // zero but parameters follow
            &[2, 2, 1],                 // parameter value runs past the end
            &[1, 2],                    // parameter header truncated
            &[255, 255, 0],             // extended length truncated
            &[255, 255, 0, 4, 2, 0, 0], // extended length larger than what follows
            &[255, 255, 0, 3, 2, 0, 1], // 2-octet parameter length runs past the end
        ];
        for params in cases {
            let kind = rejects(&body(params), (2, 0), &[]);
            assert!(
                matches!(kind, ErrorKind::MalformedOptionalParameters { .. }),
                "{params:?}: {kind:?}"
            );
        }
    }

    #[test]
    fn malformed_capability_is_open_unspecific() {
        let kind = rejects(&body(&[5, 2, 3, 65, 1, 0]), (2, 0), &[]);
        assert!(matches!(
            kind,
            ErrorKind::MalformedCapability { code: 65, .. }
        ));
        // A capability running past its parameter into the next one.
        let kind = rejects(&body(&[6, 2, 2, 65, 4, 2, 0]), (2, 0), &[]);
        assert!(matches!(
            kind,
            ErrorKind::MalformedCapability { code: 65, .. }
        ));
    }

    proptest! {
        #[test]
        fn open_round_trips(open in strategy::open()) {
            let mut out = Vec::new();
            open.encode_body(&mut out);
            prop_assert_eq!(Open::decode_body(&out), Ok(open));
        }

        #[test]
        fn arbitrary_bodies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = Open::decode_body(&bytes);
        }

        #[test]
        fn plausible_bodies_never_panic(
            params in proptest::collection::vec(any::<u8>(), 0..300),
            extended in any::<bool>(),
        ) {
            // Valid fixed fields so the fuzzing reaches the parameter parser.
            let mut wire = vec![4, 0xfd, 0xe9, 0, 180, 192, 0, 2, 1];
            if extended {
                wire.extend_from_slice(&[255, 255]);
                wire.extend_from_slice(&(params.len() as u16).to_be_bytes());
            } else {
                wire.push(params.len().min(255) as u8);
            }
            wire.extend_from_slice(&params);
            let _ = Open::decode_body(&wire);
        }
    }
}
