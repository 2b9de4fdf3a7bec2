//! OPEN capabilities (RFC 5492): typed decoding and encoding of the capabilities rustbgpd
//! understands, unknown ones kept verbatim so an OPEN re-encodes byte for byte, and the pure
//! [`negotiate`] step that turns two OPENs into session parameters.
//!
//! Error policy: RFC 4271 §6.2 says an optional parameter that is recognized but malformed
//! is an OPEN Message Error with subcode 0 (Unspecific). None of the capability RFCs used
//! here (4760, 2918, 7313, 6793, 7911, 4724, 8538, 9494, 8654, 8950) prescribes another
//! action, so every malformed value of a capability we understand resets the session that
//! way, with empty data. Unknown capabilities are never an error (RFC 5492 §3). FQDN is only
//! a draft and purely informational, so a malformed one is kept as [`Capability::Unknown`].
//!
//! Reserved bits and octets are ignored on receipt and sent as zero, as the RFCs say; they
//! are the only thing a decode/encode round trip does not preserve.

mod families;
mod negotiate;

pub use families::{
    AddPathFamily, AddPathMode, ExtendedNextHop, GrFamily, GracefulRestart, LlgrFamily,
};
pub use negotiate::{Negotiated, negotiate};

use crate::afi::{Afi, AfiSafi, Safi};
use crate::error::{DecodeError, ErrorKind};
use crate::message::notification::OpenSubcode;
use crate::reader::{Reader, Truncated};

/// IANA capability codes of the capabilities typed here.
pub mod code {
    pub const MULTIPROTOCOL: u8 = 1;
    pub const ROUTE_REFRESH: u8 = 2;
    pub const EXTENDED_NEXT_HOP: u8 = 5;
    pub const EXTENDED_MESSAGE: u8 = 6;
    pub const GRACEFUL_RESTART: u8 = 64;
    pub const FOUR_OCTET_AS: u8 = 65;
    pub const ADD_PATH: u8 = 69;
    pub const ENHANCED_ROUTE_REFRESH: u8 = 70;
    pub const LONG_LIVED_GRACEFUL_RESTART: u8 = 71;
    pub const FQDN: u8 = 73;
}

/// RFC 6793: the 2-octet "My AS" of a speaker whose AS does not fit in 2 octets.
pub const AS_TRANS: u16 = 23456;

/// The capability length field is one octet.
pub const MAX_VALUE_LEN: usize = 255;

/// One capability of an OPEN's Capabilities optional parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capability {
    /// Code 1, RFC 4760.
    Multiprotocol(AfiSafi),
    /// Code 2, RFC 2918.
    RouteRefresh,
    /// Code 5, RFC 8950: IPv6 next hops for the listed families.
    ExtendedNextHop(Vec<ExtendedNextHop>),
    /// Code 6, RFC 8654.
    ExtendedMessage,
    /// Code 64, RFC 4724 / RFC 8538.
    GracefulRestart(GracefulRestart),
    /// Code 65, RFC 6793.
    FourOctetAs(u32),
    /// Code 69, RFC 7911.
    AddPath(Vec<AddPathFamily>),
    /// Code 70, RFC 7313.
    EnhancedRouteRefresh,
    /// Code 71, RFC 9494.
    LongLivedGracefulRestart(Vec<LlgrFamily>),
    /// Code 73, draft-walton-bgp-hostname-capability.
    Fqdn { hostname: String, domain: String },
    /// Anything else (and a malformed FQDN), kept as sent so it can be shown and re-encoded
    /// exactly. Built by hand with a typed code, it decodes back as the typed variant.
    Unknown { code: u8, value: Vec<u8> },
}

/// Why a field could not be read; becomes the `reason` of [`ErrorKind::MalformedCapability`].
type Field<T> = Result<T, &'static str>;

fn truncated(_: Truncated) -> &'static str {
    "value truncated"
}

/// RFC 4271 §6.2: recognized but malformed optional parameter → OPEN error, subcode 0.
pub(crate) fn malformed(code: u8, reason: &'static str) -> DecodeError {
    ErrorKind::MalformedCapability { code, reason }.reset_open(OpenSubcode::Unspecific, Vec::new())
}

impl Capability {
    pub fn code(&self) -> u8 {
        match self {
            Capability::Multiprotocol(_) => code::MULTIPROTOCOL,
            Capability::RouteRefresh => code::ROUTE_REFRESH,
            Capability::ExtendedNextHop(_) => code::EXTENDED_NEXT_HOP,
            Capability::ExtendedMessage => code::EXTENDED_MESSAGE,
            Capability::GracefulRestart(_) => code::GRACEFUL_RESTART,
            Capability::FourOctetAs(_) => code::FOUR_OCTET_AS,
            Capability::AddPath(_) => code::ADD_PATH,
            Capability::EnhancedRouteRefresh => code::ENHANCED_ROUTE_REFRESH,
            Capability::LongLivedGracefulRestart(_) => code::LONG_LIVED_GRACEFUL_RESTART,
            Capability::Fqdn { .. } => code::FQDN,
            Capability::Unknown { code, .. } => *code,
        }
    }

    /// Decodes a whole Capabilities optional parameter value: a sequence of
    /// (code, length, value) triples.
    pub fn decode_list(buf: &[u8]) -> Result<Vec<Capability>, DecodeError> {
        let mut r = Reader::new(buf);
        // Each capability takes at least 2 octets, so this bounds the allocation.
        let mut caps = Vec::with_capacity(buf.len() / 2);
        while !r.is_empty() {
            let code = r
                .u8()
                .map_err(|_| malformed(0, "capability header truncated"))?;
            let len = r
                .u8()
                .map_err(|_| malformed(code, "capability header truncated"))?;
            let value = r
                .take(len as usize)
                .map_err(|_| malformed(code, "value runs past the optional parameter"))?;
            caps.push(Capability::decode(code, value)?);
        }
        Ok(caps)
    }

    /// Decodes one capability value given its code.
    pub fn decode(code: u8, value: &[u8]) -> Result<Capability, DecodeError> {
        let cap = match code {
            code::MULTIPROTOCOL => fixed(value, read_multiprotocol).map(Capability::Multiprotocol),
            code::ROUTE_REFRESH => empty(value, Capability::RouteRefresh),
            code::EXTENDED_NEXT_HOP => {
                entries(value, 6, ExtendedNextHop::read).map(Capability::ExtendedNextHop)
            }
            code::EXTENDED_MESSAGE => empty(value, Capability::ExtendedMessage),
            code::GRACEFUL_RESTART => {
                GracefulRestart::decode(value).map(Capability::GracefulRestart)
            }
            code::FOUR_OCTET_AS => {
                fixed(value, |r| r.u32().map_err(truncated)).map(Capability::FourOctetAs)
            }
            code::ADD_PATH => entries(value, 4, AddPathFamily::read).map(Capability::AddPath),
            code::ENHANCED_ROUTE_REFRESH => empty(value, Capability::EnhancedRouteRefresh),
            code::LONG_LIVED_GRACEFUL_RESTART => {
                entries(value, 7, LlgrFamily::read).map(Capability::LongLivedGracefulRestart)
            }
            code::FQDN => Ok(decode_fqdn(value).unwrap_or_else(|| Capability::Unknown {
                code,
                value: value.to_vec(),
            })),
            _ => Ok(Capability::Unknown {
                code,
                value: value.to_vec(),
            }),
        };
        cap.map_err(|reason| malformed(code, reason))
    }

    /// Appends code, length and value. Values are limited to 255 octets by the length field:
    /// lists longer than that are cut at the last whole entry that fits, strings and unknown
    /// values are truncated.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.code());
        let len_at = out.len();
        out.push(0);
        self.encode_value(out);
        // Every value writer stays within MAX_VALUE_LEN, so this never saturates.
        let len = u8::try_from(out.len() - len_at - 1).unwrap_or(u8::MAX);
        if let Some(slot) = out.get_mut(len_at) {
            *slot = len;
        }
    }

    /// Appends every capability in turn (the value of one Capabilities parameter).
    pub fn encode_list(caps: &[Capability], out: &mut Vec<u8>) {
        for cap in caps {
            cap.encode(out);
        }
    }

    fn encode_value(&self, out: &mut Vec<u8>) {
        match self {
            Capability::Multiprotocol(f) => {
                out.extend_from_slice(&f.afi.to_u16().to_be_bytes());
                out.push(0);
                out.push(f.safi.to_u8());
            }
            Capability::RouteRefresh
            | Capability::ExtendedMessage
            | Capability::EnhancedRouteRefresh => {}
            Capability::ExtendedNextHop(list) => {
                put_entries(out, list, 0, 6, ExtendedNextHop::write)
            }
            Capability::GracefulRestart(gr) => gr.encode(out),
            Capability::FourOctetAs(asn) => out.extend_from_slice(&asn.to_be_bytes()),
            Capability::AddPath(list) => put_entries(out, list, 0, 4, AddPathFamily::write),
            Capability::LongLivedGracefulRestart(list) => {
                put_entries(out, list, 0, 7, LlgrFamily::write)
            }
            Capability::Fqdn { hostname, domain } => encode_fqdn(hostname, domain, out),
            Capability::Unknown { value, .. } => {
                out.extend(value.iter().take(MAX_VALUE_LEN));
            }
        }
    }
}

/// A value that must be exactly what `read` consumes.
fn fixed<T>(value: &[u8], read: impl FnOnce(&mut Reader<'_>) -> Field<T>) -> Field<T> {
    let mut r = Reader::new(value);
    let out = read(&mut r)?;
    if r.is_empty() {
        Ok(out)
    } else {
        Err("value longer than the capability defines")
    }
}

/// A capability whose value must be empty.
fn empty(value: &[u8], cap: Capability) -> Field<Capability> {
    if value.is_empty() {
        Ok(cap)
    } else {
        Err("value must be empty")
    }
}

fn read_multiprotocol(r: &mut Reader<'_>) -> Field<AfiSafi> {
    let afi = Afi::from_u16(r.u16().map_err(truncated)?);
    let _reserved = r.u8().map_err(truncated)?;
    let safi = Safi::from_u8(r.u8().map_err(truncated)?);
    Ok(AfiSafi::new(afi, safi))
}

/// A value (or the rest of one) made of fixed-size entries.
pub(crate) fn entries<T>(
    value: &[u8],
    entry_len: usize,
    read: impl Fn(&mut Reader<'_>) -> Field<T>,
) -> Field<Vec<T>> {
    if !value.len().is_multiple_of(entry_len) {
        return Err("length is not a whole number of entries");
    }
    let mut r = Reader::new(value);
    // Bounded by the octets actually present.
    let mut out = Vec::with_capacity(value.len() / entry_len);
    while !r.is_empty() {
        out.push(read(&mut r)?);
    }
    Ok(out)
}

/// Writes as many whole entries as fit in a 255-octet value after `prefix_len` octets.
pub(crate) fn put_entries<T>(
    out: &mut Vec<u8>,
    items: &[T],
    prefix_len: usize,
    entry_len: usize,
    write: impl Fn(&T, &mut Vec<u8>),
) {
    let max = MAX_VALUE_LEN.saturating_sub(prefix_len) / entry_len;
    for item in items.iter().take(max) {
        write(item, out);
    }
}

/// Hostname length, hostname, domain length, domain. `None` if it does not parse exactly or
/// is not UTF-8: the caller then keeps it as unknown.
fn decode_fqdn(value: &[u8]) -> Option<Capability> {
    let mut r = Reader::new(value);
    let hlen = r.u8().ok()?;
    let hostname = std::str::from_utf8(r.take(hlen as usize).ok()?).ok()?;
    let dlen = r.u8().ok()?;
    let domain = std::str::from_utf8(r.take(dlen as usize).ok()?).ok()?;
    r.is_empty().then(|| Capability::Fqdn {
        hostname: hostname.to_owned(),
        domain: domain.to_owned(),
    })
}

fn encode_fqdn(hostname: &str, domain: &str, out: &mut Vec<u8>) {
    // Two length octets plus both names must fit in 255 octets.
    let host = clamp_str(hostname, MAX_VALUE_LEN - 2);
    let dom = clamp_str(domain, MAX_VALUE_LEN - 2 - host.len());
    for part in [host, dom] {
        out.push(part.len() as u8);
        out.extend_from_slice(part.as_bytes());
    }
}

/// The longest prefix of `s` of at most `max` octets that ends on a char boundary.
fn clamp_str(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod strategy;
#[cfg(test)]
mod tests;
