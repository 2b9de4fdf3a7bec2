//! Checks for single values (AS numbers, ranges, addresses, paths) shared by all sections.
//! Each returns `None` after reporting, so callers can keep going and collect more errors.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use toml::Spanned;

use super::Ctx;
use crate::config::ErrorKind;
use crate::config::error::AddressKind;

/// AS_TRANS (RFC 6793): a placeholder for 4-octet ASNs on 2-octet sessions.
const AS_TRANS: i64 = 23456;

/// A value that may be absent: `Some(default)` when absent, `None` when present but bad.
pub(super) fn or_default<S, T>(
    ctx: &mut Ctx<'_>,
    value: Option<&S>,
    default: T,
    check: impl FnOnce(&mut Ctx<'_>, &S) -> Option<T>,
) -> Option<T> {
    match value {
        None => Some(default),
        Some(v) => check(ctx, v),
    }
}

/// An optional value: `Some(None)` when absent, `Some(Some(_))` when good, `None` when bad.
pub(super) fn optional<S, T>(
    ctx: &mut Ctx<'_>,
    value: Option<&S>,
    check: impl FnOnce(&mut Ctx<'_>, &S) -> Option<T>,
) -> Option<Option<T>> {
    match value {
        None => Some(None),
        Some(v) => check(ctx, v).map(Some),
    }
}

/// An AS number usable on the wire: 1..=4294967294 (0 and 2^32-1 are reserved by RFC 7607
/// and RFC 7300), and not AS_TRANS.
pub(super) fn asn(ctx: &mut Ctx<'_>, v: &Spanned<i64>, key: &str) -> Option<u32> {
    let value = *v.get_ref();
    if value == AS_TRANS {
        ctx.report(v.span(), key, ErrorKind::AsTrans);
        return None;
    }
    match u32::try_from(value) {
        Ok(asn @ 1..=4_294_967_294) => Some(asn),
        _ => {
            ctx.report(v.span(), key, ErrorKind::AsnOutOfRange(value));
            None
        }
    }
}

/// A hold time: 0 (no keepalives) or 3..=65535 seconds (RFC 4271 §4.2).
pub(super) fn hold_time(ctx: &mut Ctx<'_>, v: &Spanned<i64>, key: &str) -> Option<u16> {
    let value = *v.get_ref();
    match u16::try_from(value) {
        Ok(hold) if hold != 1 && hold != 2 => Some(hold),
        _ => {
            ctx.report(v.span(), key, ErrorKind::HoldTime(value));
            None
        }
    }
}

/// An integer within `min..=max`, converted to `T` (the range must fit in `T`).
pub(super) fn ranged<T: TryFrom<i64>>(
    ctx: &mut Ctx<'_>,
    v: &Spanned<i64>,
    key: &str,
    min: i64,
    max: i64,
) -> Option<T> {
    let value = *v.get_ref();
    let converted = (min..=max)
        .contains(&value)
        .then(|| T::try_from(value).ok())
        .flatten();
    if converted.is_none() {
        ctx.report(v.span(), key, ErrorKind::OutOfRange { value, min, max });
    }
    converted
}

pub(super) fn ip(ctx: &mut Ctx<'_>, v: &Spanned<String>, key: &str) -> Option<IpAddr> {
    parse_address(ctx, v, key, AddressKind::Ip)
}

pub(super) fn ipv4(ctx: &mut Ctx<'_>, v: &Spanned<String>, key: &str) -> Option<Ipv4Addr> {
    parse_address(ctx, v, key, AddressKind::Ipv4)
}

pub(super) fn socket(ctx: &mut Ctx<'_>, v: &Spanned<String>, key: &str) -> Option<SocketAddr> {
    parse_address(ctx, v, key, AddressKind::Socket)
}

fn parse_address<T: std::str::FromStr>(
    ctx: &mut Ctx<'_>,
    v: &Spanned<String>,
    key: &str,
    expected: AddressKind,
) -> Option<T> {
    let parsed = v.get_ref().trim().parse().ok();
    if parsed.is_none() {
        let value = v.get_ref().clone();
        ctx.report(v.span(), key, ErrorKind::InvalidAddress { value, expected });
    }
    parsed
}

/// A non-empty path, resolved against the config file's directory when relative.
pub(super) fn path(ctx: &mut Ctx<'_>, v: &Spanned<String>, key: &str) -> Option<PathBuf> {
    if v.get_ref().trim().is_empty() {
        ctx.report(v.span(), key, ErrorKind::Empty);
        return None;
    }
    Some(ctx.resolve(v.get_ref()))
}
