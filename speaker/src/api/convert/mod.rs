//! Proto ⇄ domain conversion with validation, one file per area. Every function that reads
//! client input returns a [`FieldError`] naming the field (relative to the message it was
//! given; callers prefix it with [`FieldError::within`]).
//!
//! This file holds the scalar parsers shared by the areas: addresses, prefixes, families,
//! communities, ids and paging.

pub mod flowspec;
pub mod neighbor;
pub mod path;
pub mod policy;
pub mod route;

use std::net::IpAddr;
use std::str::FromStr;

use bgp_wire::attribute::{Community, ExtendedCommunity, LargeCommunity};
use ipnet::IpNet;

use super::error::FieldError;
use crate::config::Family;

/// Longest client-chosen id (a Kubernetes name or uid fits).
pub const MAX_ID_LEN: usize = 253;
/// Page size when the client asks for 0.
pub const DEFAULT_PAGE_SIZE: usize = 1000;
/// Largest page size served, whatever the client asks.
pub const MAX_PAGE_SIZE: usize = 10_000;

/// An IP address, e.g. `"192.0.2.1"`.
pub fn ip(field: &str, text: &str) -> Result<IpAddr, FieldError> {
    text.trim()
        .parse()
        .map_err(|_| FieldError::new(field, format!("{text:?} is not an IP address")))
}

/// An optional IP address: empty means `None`.
pub fn optional_ip(field: &str, text: &str) -> Result<Option<IpAddr>, FieldError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        ip(field, text).map(Some)
    }
}

/// A prefix with host bits zero, e.g. `"203.0.113.0/24"`.
pub fn prefix(field: &str, text: &str) -> Result<IpNet, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let net: IpNet = text
        .parse()
        .map_err(|_| FieldError::new(field, format!("{text:?} is not an IP prefix")))?;
    if net.trunc() != net {
        let reason = format!("{text:?} has host bits set (expected {})", net.trunc());
        return Err(FieldError::new(field, reason));
    }
    Ok(net)
}

/// An optional prefix: empty means `None`.
pub fn optional_prefix(field: &str, text: &str) -> Result<Option<IpNet>, FieldError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        prefix(field, text).map(Some)
    }
}

/// A family name restricted to `allowed`; empty is `None`.
pub fn optional_family(
    field: &str,
    text: &str,
    allowed: &[Family],
) -> Result<Option<Family>, FieldError> {
    if text.is_empty() {
        return Ok(None);
    }
    match Family::from_str(text) {
        Ok(f) if allowed.contains(&f) => Ok(Some(f)),
        _ => {
            let names: Vec<&str> = allowed.iter().map(|f| f.as_str()).collect();
            let reason = format!("{text:?} is not one of {}", names.join(", "));
            Err(FieldError::new(field, reason))
        }
    }
}

/// A required family name restricted to `allowed`.
pub fn family(field: &str, text: &str, allowed: &[Family]) -> Result<Family, FieldError> {
    optional_family(field, text, allowed)?.ok_or_else(|| FieldError::new(field, "required"))
}

/// The unicast families.
pub const UNICAST: [Family; 2] = [Family::Ipv4Unicast, Family::Ipv6Unicast];
/// The FlowSpec families.
pub const FLOWSPEC: [Family; 2] = [Family::Ipv4FlowSpec, Family::Ipv6FlowSpec];
/// Every family.
pub const ALL_FAMILIES: [Family; 4] = Family::ALL;

/// Parses every element of a list field, naming the first bad one as `field[i]`.
pub fn list<T>(
    field: &str,
    items: &[String],
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, FieldError> {
    items
        .iter()
        .enumerate()
        .map(|(i, s)| parse(s).map_err(|reason| FieldError::new(field, reason).at(i)))
        .collect()
}

/// Standard communities: `"65535:666"` or a well-known name.
pub fn communities(field: &str, items: &[String]) -> Result<Vec<Community>, FieldError> {
    list(field, items, |s| {
        Community::from_str(s).map_err(|e| e.to_string())
    })
}

/// Large communities: `"65000:1:2"`.
pub fn large_communities(field: &str, items: &[String]) -> Result<Vec<LargeCommunity>, FieldError> {
    list(field, items, |s| {
        LargeCommunity::from_str(s).map_err(|e| e.to_string())
    })
}

/// Extended communities: `"rt:65000:100"`, `"soo:192.0.2.1:7"`, or `"0x"` + 16 hex digits.
pub fn extended_communities(
    field: &str,
    items: &[String],
) -> Result<Vec<ExtendedCommunity>, FieldError> {
    list(field, items, |s| {
        let t = s.trim();
        // The API's raw form is "0x…"; the codec's text form spells it "raw:…".
        let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            Some(hex) => format!("raw:{hex}").parse::<ExtendedCommunity>(),
            None => t.parse::<ExtendedCommunity>(),
        };
        parsed.map_err(|_| format!("{s:?} is not an extended community (expected rt:ADMIN:VALUE, soo:ADMIN:VALUE or 0x followed by 16 hex digits)"))
    })
}

/// Neighbor addresses of an object's scope.
pub fn neighbors(field: &str, items: &[String]) -> Result<Vec<IpAddr>, FieldError> {
    list(field, items, |s| {
        s.trim()
            .parse::<IpAddr>()
            .map_err(|_| format!("{s:?} is not an IP address"))
    })
}

/// A client-chosen id: at most [`MAX_ID_LEN`] characters, no control characters.
pub fn client_id(field: &str, id: &str) -> Result<(), FieldError> {
    let len = id.chars().count();
    if len > MAX_ID_LEN {
        let reason = format!("{len} characters, at most {MAX_ID_LEN} allowed");
        return Err(FieldError::new(field, reason));
    }
    if id.chars().any(char::is_control) {
        return Err(FieldError::new(field, "contains control characters"));
    }
    Ok(())
}

/// The page size to ask the core for: the default for 0, capped.
pub fn page_size(requested: u32) -> usize {
    match requested as usize {
        0 => DEFAULT_PAGE_SIZE,
        n => n.min(MAX_PAGE_SIZE),
    }
}

/// Seconds since the Unix epoch; 0 for times before it.
pub fn unix_seconds(t: std::time::SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
