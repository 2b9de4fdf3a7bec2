//! Defined sets: kind names and members in their text forms.

use std::str::FromStr;

use bgp_wire::attribute::{Community, ExtendedCommunity, LargeCommunity};
use bgpd_api::v1::DefinedSet as PbSet;

use super::statement::net_or_ip;
use super::{field_error, required_name};
use crate::api::convert::list;
use crate::api::error::FieldError;
use crate::policy::{AsPathSet, DefinedSet, PrefixRange, SetKind};

/// A set kind name; `optional` allows empty (`None`).
pub fn set_kind(field: &str, text: &str, optional: bool) -> Result<Option<SetKind>, FieldError> {
    if text.is_empty() && optional {
        return Ok(None);
    }
    SetKind::from_name(text).map(Some).ok_or_else(|| {
        let names: Vec<&str> = SetKind::ALL.iter().map(|k| k.name()).collect();
        FieldError::new(
            field,
            format!("{text:?} is not one of {}", names.join(", ")),
        )
    })
}

pub fn to_defined_set(req: &PbSet) -> Result<(String, DefinedSet), FieldError> {
    let kind = set_kind("kind", &req.kind, false)?.unwrap_or(SetKind::Prefix);
    let name = required_name("name", &req.name)?;
    let m = &req.members;
    let f = "members";
    let set = match kind {
        SetKind::Prefix => DefinedSet::Prefix(list(f, m, prefix_member)?),
        SetKind::Neighbor => DefinedSet::Neighbor(list(f, m, net_or_ip)?),
        SetKind::Community => DefinedSet::Community(list(f, m, |s| {
            Community::from_str(s).map_err(|e| e.to_string())
        })?),
        SetKind::ExtCommunity => DefinedSet::ExtCommunity(list(f, m, |s| {
            ExtendedCommunity::from_str(s).map_err(|e| e.to_string())
        })?),
        SetKind::LargeCommunity => DefinedSet::LargeCommunity(list(f, m, |s| {
            LargeCommunity::from_str(s).map_err(|e| e.to_string())
        })?),
        SetKind::AsPath => DefinedSet::AsPath(AsPathSet::new(m.clone()).map_err(field_error)?),
    };
    Ok((name, set))
}

/// `10.0.0.0/8` (exact) or `10.0.0.0/8 16..24` (lengths 16 to 24).
pub fn prefix_member(s: &str) -> Result<PrefixRange, String> {
    let mut parts = s.split_whitespace();
    let (Some(p), range, None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("{s:?}: expected PREFIX or PREFIX GE..LE"));
    };
    let net: ipnet::IpNet = p
        .parse()
        .map_err(|_| format!("{p:?} is not an IP prefix"))?;
    let (ge, le) = match range {
        None => (None, None),
        Some(r) => {
            let (a, b) = r
                .split_once("..")
                .ok_or_else(|| format!("{r:?}: expected GE..LE"))?;
            let n = |x: &str| {
                x.parse::<u32>()
                    .map_err(|_| format!("{x:?} is not a prefix length"))
            };
            (Some(n(a)?), Some(n(b)?))
        }
    };
    PrefixRange::new(net, ge, le).map_err(|e| e.to_string())
}
