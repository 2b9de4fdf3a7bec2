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
mod tests {}
