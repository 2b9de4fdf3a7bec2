//! UPDATE (RFC 4271 §4.3) with RFC 7606 revised error handling, RFC 4760 multiprotocol
//! attributes, RFC 7911 Add-Path and RFC 4724 End-of-RIB markers.
//!
//! `decode_body` fails only for errors that end the session or a family (session reset,
//! AFI/SAFI disable); softer problems are kept in [`Update::errors`] next to the decoded
//! NLRI, so that the RIB can withdraw them ([`Update::treat_as_withdraw`]).

use std::sync::Arc;

use crate::afi::{Afi, AfiSafi};
use crate::attribute::decode::{DecodedAttributes, decode_attributes};
use crate::attribute::encode::write_attr;
use crate::attribute::mp::{empty_nlri, encode_path_prefix};
use crate::attribute::{MpReach, MpUnreach, PathAttributes, code, flags};
use crate::context::CodecContext;
use crate::error::{DecodeError, ErrorAction, ErrorKind};
use crate::message::notification::UpdateSubcode;
use crate::nlri::prefix::decode_unicast_list;
use crate::nlri::{FlowSpecNlri, MpNlri, PathPrefix};
use crate::reader::Reader;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    /// IPv4 unicast routes withdrawn in the classic field.
    pub withdrawn: Vec<PathPrefix>,
    /// Shared so the RIB can keep the decoded set without copying it.
    pub attributes: Arc<PathAttributes>,
    pub mp_reach: Option<MpReach>,
    pub mp_unreach: Option<MpUnreach>,
    /// IPv4 unicast routes announced in the classic NLRI field.
    pub nlri: Vec<PathPrefix>,
    /// Non-fatal problems found while decoding (treat-as-withdraw, attribute-discard).
    /// Always empty on updates built locally; ignored by the encoder.
    pub errors: Vec<DecodeError>,
}

impl Update {
    pub fn decode_body(body: &[u8], ctx: &CodecContext) -> Result<Update, DecodeError> {
        let mut r = Reader::new(body);
        let Ok(withdrawn_len) = r.u16() else {
            let len = (body.len() + super::HEADER_LEN) as u16;
            return Err(ErrorKind::BadMessageLength { length: len }.reset_bad_length(len));
        };
        let withdrawn_bytes = r.take(usize::from(withdrawn_len)).map_err(|_| overrun())?;
        let attr_len = r.u16().map_err(|_| overrun())?;
        let attr_bytes = r.take(usize::from(attr_len)).map_err(|_| overrun())?;
        let nlri_bytes = r.take_rest();

        // RFC 7606 §5.3: a broken NLRI or withdrawn field cannot be withdrawn from.
        let add_path = ctx.add_path(AfiSafi::IPV4_UNICAST);
        let withdrawn = unicast_field(withdrawn_bytes, add_path)?;
        let nlri = unicast_field(nlri_bytes, add_path)?;

        let DecodedAttributes {
            attrs,
            mp_reach,
            mp_unreach,
            mut errors,
            seen,
        } = decode_attributes(attr_bytes, ctx);
        let reachable = !nlri.is_empty() || mp_reach.as_ref().is_some_and(|m| !m.nlri.is_empty());
        if reachable {
            errors.extend(missing_well_known(&seen, !nlri.is_empty()));
        }
        if let Some(fatal) = strongest_fatal(&errors) {
            return Err(fatal);
        }
        Ok(Update {
            withdrawn,
            attributes: Arc::new(attrs),
            mp_reach,
            mp_unreach,
            nlri,
            errors,
        })
    }

    /// Writes the body. MP_REACH_NLRI and MP_UNREACH_NLRI come first (RFC 7606 §5.1, so a
    /// receiver finds the NLRI even if a later attribute is malformed), then the rest in
    /// ascending type order.
    pub fn encode_body(&self, ctx: &CodecContext, out: &mut Vec<u8>) {
        let add_path = ctx.add_path(AfiSafi::IPV4_UNICAST);
        with_len16(out, |o| {
            self.withdrawn
                .iter()
                .for_each(|p| encode_path_prefix(p, add_path, o))
        });
        with_len16(out, |o| {
            if let Some(m) = &self.mp_reach {
                write_attr(o, flags::OPTIONAL, code::MP_REACH_NLRI, |v| {
                    m.encode_value(ctx, v)
                });
            }
            if let Some(m) = &self.mp_unreach {
                write_attr(o, flags::OPTIONAL, code::MP_UNREACH_NLRI, |v| {
                    m.encode_value(ctx, v)
                });
            }
            self.attributes.encode(ctx, o);
        });
        self.nlri
            .iter()
            .for_each(|p| encode_path_prefix(p, add_path, out));
    }

    /// The End-of-RIB marker of RFC 4724 §2 for `family`.
    pub fn end_of_rib(family: AfiSafi) -> Update {
        if family == AfiSafi::IPV4_UNICAST {
            return Update::default();
        }
        Update {
            mp_unreach: Some(MpUnreach {
                family,
                withdrawn: empty_nlri(family),
            }),
            ..Update::default()
        }
    }

    /// The family this update is the End-of-RIB marker of, if it is one: an empty UPDATE
    /// (IPv4 unicast) or one holding only an empty MP_UNREACH_NLRI. An update that decoded
    /// with soft errors is never one: it came with attributes that were dropped as
    /// malformed, so it is not empty on the wire (a real marker has nothing to be wrong).
    pub fn end_of_rib_family(&self) -> Option<AfiSafi> {
        let bare = self.withdrawn.is_empty()
            && self.nlri.is_empty()
            && self.mp_reach.is_none()
            && *self.attributes == PathAttributes::default()
            && self.errors.is_empty();
        match (&self.mp_unreach, bare) {
            (None, true) => Some(AfiSafi::IPV4_UNICAST),
            (Some(m), true) if m.withdrawn.is_empty() => Some(m.family),
            _ => None,
        }
    }

    /// RFC 7606: every NLRI of this update must be handled as withdrawn.
    pub fn treat_as_withdraw(&self) -> bool {
        self.errors
            .iter()
            .any(|e| e.action == ErrorAction::TreatAsWithdraw)
    }

    /// Unicast prefixes announced, per family: the classic NLRI field (IPv4 unicast) then
    /// MP_REACH_NLRI. Check [`treat_as_withdraw`](Self::treat_as_withdraw) first.
    pub fn announced_unicast(&self) -> impl Iterator<Item = (AfiSafi, &PathPrefix)> + '_ {
        let mp = self
            .mp_reach
            .iter()
            .flat_map(|m| unicast_of(&m.nlri).iter().map(move |p| (m.family, p)));
        ipv4(&self.nlri).chain(mp)
    }

    /// Unicast prefixes withdrawn, per family: the classic field then MP_UNREACH_NLRI.
    pub fn withdrawn_unicast(&self) -> impl Iterator<Item = (AfiSafi, &PathPrefix)> + '_ {
        let mp = self
            .mp_unreach
            .iter()
            .flat_map(|m| unicast_of(&m.withdrawn).iter().map(move |p| (m.family, p)));
        ipv4(&self.withdrawn).chain(mp)
    }

    /// FlowSpec rules announced, with their family.
    pub fn announced_flowspec(&self) -> Option<(AfiSafi, &[FlowSpecNlri])> {
        let m = self.mp_reach.as_ref()?;
        flowspec_of(&m.nlri).map(|v| (m.family, v))
    }

    /// FlowSpec rules withdrawn, with their family.
    pub fn withdrawn_flowspec(&self) -> Option<(AfiSafi, &[FlowSpecNlri])> {
        let m = self.mp_unreach.as_ref()?;
        flowspec_of(&m.withdrawn).map(|v| (m.family, v))
    }
}

fn ipv4(v: &[PathPrefix]) -> impl Iterator<Item = (AfiSafi, &PathPrefix)> {
    v.iter().map(|p| (AfiSafi::IPV4_UNICAST, p))
}

fn unicast_of(n: &MpNlri) -> &[PathPrefix] {
    match n {
        MpNlri::Unicast(v) => v,
        _ => &[],
    }
}

fn flowspec_of(n: &MpNlri) -> Option<&[FlowSpecNlri]> {
    match n {
        MpNlri::FlowSpec(v) => Some(v),
        _ => None,
    }
}

/// RFC 4271 §6.3: Withdrawn Routes Length or Total Path Attribute Length too large.
fn overrun() -> DecodeError {
    let reason = "length field overruns the message";
    ErrorKind::MalformedAttributeList { reason }
        .reset_update(UpdateSubcode::MalformedAttributeList, Vec::new())
}

fn unicast_field(bytes: &[u8], add_path: bool) -> Result<Vec<PathPrefix>, DecodeError> {
    decode_unicast_list(bytes, Afi::Ipv4, add_path)
        .map_err(|k| k.reset_update(UpdateSubcode::InvalidNetworkField, Vec::new()))
}

/// RFC 7606 §3 (d): ORIGIN and AS_PATH when anything is announced; NEXT_HOP only for the
/// classic NLRI field (RFC 4760 §3 makes it optional for MP_REACH_NLRI-only updates).
fn missing_well_known(
    seen: &crate::attribute::decode::Seen,
    ipv4_nlri: bool,
) -> impl Iterator<Item = DecodeError> + '_ {
    [code::ORIGIN, code::AS_PATH, code::NEXT_HOP]
        .into_iter()
        .filter(move |&c| c != code::NEXT_HOP || ipv4_nlri)
        .filter(move |&c| !seen.contains(c))
        .map(|type_code| ErrorKind::MissingWellKnown { type_code }.treat_as_withdraw())
}

/// RFC 7606 §3 (j): the strongest action wins; only session reset and AFI/SAFI disable
/// make the whole update fail. The first of equally strong errors is reported.
fn strongest_fatal(errors: &[DecodeError]) -> Option<DecodeError> {
    let mut worst: Option<&DecodeError> = None;
    for e in errors {
        if e.action.severity() >= 2
            && worst.is_none_or(|w| e.action.severity() > w.action.severity())
        {
            worst = Some(e);
        }
    }
    worst.cloned()
}

/// Writes a 2-octet length, then what `f` appends, then patches the length.
fn with_len16(out: &mut Vec<u8>, f: impl FnOnce(&mut Vec<u8>)) {
    let at = out.len();
    out.extend_from_slice(&[0, 0]);
    f(out);
    let len = (out.len() - at - 2) as u16;
    out[at..at + 2].copy_from_slice(&len.to_be_bytes());
}

#[cfg(test)]
mod tests;
