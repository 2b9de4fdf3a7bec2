//! `[[neighbors]]`: per-neighbor rules, defaults, and uniqueness of addresses.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::net::IpAddr;
use std::time::Duration;

use toml::Spanned;

use super::values::{self, optional, or_default};
use super::{Ctx, password};
use crate::config::raw::RawNeighbor;
use crate::config::{
    DEFAULT_BGP_PORT, DEFAULT_CONNECT_RETRY, DEFAULT_STALE_ROUTE_TIMEOUT, ErrorKind, Family,
    Neighbor,
};

/// TTL used for `ebgp_multihop = true`: any path length.
const MULTIHOP_DEFAULT_TTL: u8 = 255;
/// Largest `stale_route_timeout`, in seconds: FRR's bound for its `stalepath-time`.
const MAX_STALE_ROUTE_TIMEOUT: i64 = 4095;

/// Validates every neighbor; `None` if any of them is bad or addresses repeat.
pub(super) fn validate_all(
    ctx: &mut Ctx<'_>,
    raws: &[Spanned<RawNeighbor>],
    default_hold: u16,
) -> Option<Vec<Neighbor>> {
    let mut neighbors = Vec::with_capacity(raws.len());
    let mut all_good = unique_addresses(ctx, raws);
    for (i, raw) in raws.iter().enumerate() {
        match validate(ctx, i, raw.get_ref(), default_hold) {
            Some(n) => neighbors.push(n),
            None => all_good = false,
        }
    }
    all_good.then_some(neighbors)
}

/// Reports each address already used by an earlier neighbor (IPv4-mapped IPv6 counts as
/// the IPv4 address). Unparsable addresses are left to [`validate`].
fn unique_addresses(ctx: &mut Ctx<'_>, raws: &[Spanned<RawNeighbor>]) -> bool {
    let mut first_lines: HashMap<IpAddr, usize> = HashMap::new();
    let mut unique = true;
    for (i, raw) in raws.iter().enumerate() {
        let field = &raw.get_ref().address;
        let Ok(address) = field.get_ref().trim().parse::<IpAddr>() else {
            continue;
        };
        match first_lines.entry(address.to_canonical()) {
            Entry::Vacant(slot) => {
                slot.insert(ctx.line(field.span()));
            }
            Entry::Occupied(first) => {
                let first_line = *first.get();
                let kind = ErrorKind::DuplicateNeighbor {
                    address,
                    first_line,
                };
                ctx.report(field.span(), &format!("neighbors[{i}].address"), kind);
                unique = false;
            }
        }
    }
    unique
}

fn validate(ctx: &mut Ctx<'_>, i: usize, raw: &RawNeighbor, default_hold: u16) -> Option<Neighbor> {
    let key = |field: &str| format!("neighbors[{i}].{field}");
    let address = peer_address(ctx, &raw.address, &key("address"));
    let remote_asn = values::asn(ctx, &raw.remote_asn, &key("remote_asn"));
    let families = families(ctx, raw.families.as_ref(), address, &key("families"));
    let hold_time = or_default(ctx, raw.hold_time.as_ref(), default_hold, |c, v| {
        values::hold_time(c, v, &key("hold_time"))
    });
    let keepalive = keepalive(ctx, raw.keepalive.as_ref(), hold_time, &key("keepalive"));
    let connect_retry = or_default(
        ctx,
        raw.connect_retry.as_ref(),
        DEFAULT_CONNECT_RETRY,
        |c, v| values::ranged(c, v, &key("connect_retry"), 1, 65535).map(Duration::from_secs),
    );
    let port = or_default(ctx, raw.port.as_ref(), DEFAULT_BGP_PORT, |c, v| {
        values::ranged(c, v, &key("port"), 1, 65535)
    });
    let local_address = local_address(ctx, raw.local_address.as_ref(), address, &key);
    let ebgp_multihop = multihop(ctx, raw, &key);
    let password = password::resolve(ctx, raw, &key);
    let max_prefixes = optional(ctx, raw.max_prefixes.as_ref(), |c, v| {
        values::ranged(c, v, &key("max_prefixes"), 1, u32::MAX.into())
    });
    let stale_route_timeout = or_default(
        ctx,
        raw.stale_route_timeout.as_ref(),
        DEFAULT_STALE_ROUTE_TIMEOUT,
        |c, v| {
            values::ranged(
                c,
                v,
                &key("stale_route_timeout"),
                1,
                MAX_STALE_ROUTE_TIMEOUT,
            )
            .map(Duration::from_secs)
        },
    );
    Some(Neighbor {
        address: address?,
        remote_asn: remote_asn?,
        description: raw.description.clone().filter(|d| !d.is_empty()),
        families: families?,
        hold_time: hold_time?,
        keepalive: keepalive?,
        connect_retry: connect_retry?,
        port: port?,
        local_address: local_address?,
        passive: raw.passive,
        ebgp_multihop: ebgp_multihop?,
        password: password?,
        max_prefixes: max_prefixes?,
        enabled: raw.enabled,
        flowspec_validation: raw.flowspec_validation,
        stale_route_timeout: stale_route_timeout?,
    })
}

/// A unicast address one can open a session to.
fn peer_address(ctx: &mut Ctx<'_>, v: &Spanned<String>, key: &str) -> Option<IpAddr> {
    let address = values::ip(ctx, v, key)?;
    let reason = if address.is_unspecified() {
        "a neighbor needs a specific address"
    } else if address.is_multicast() || address == IpAddr::from([255, 255, 255, 255]) {
        "BGP runs over unicast TCP"
    } else {
        return Some(address);
    };
    ctx.report(
        v.span(),
        key,
        ErrorKind::UnusableAddress {
            value: address,
            reason,
        },
    );
    None
}

/// Explicit families, or the unicast family of the neighbor's own address.
fn families(
    ctx: &mut Ctx<'_>,
    v: Option<&Spanned<Vec<Spanned<String>>>>,
    address: Option<IpAddr>,
    key: &str,
) -> Option<Vec<Family>> {
    let Some(list) = v else {
        return address.map(|a| vec![default_family(a)]);
    };
    if list.get_ref().is_empty() {
        ctx.report(list.span(), key, ErrorKind::NoFamilies);
        return None;
    }
    let mut families = Vec::new();
    let mut all_good = true;
    for name in list.get_ref() {
        match name.get_ref().parse::<Family>() {
            Ok(f) if families.contains(&f) => {
                ctx.report(name.span(), key, ErrorKind::DuplicateFamily(f));
                all_good = false;
            }
            Ok(f) => families.push(f),
            Err(e) => {
                ctx.report(name.span(), key, e.into());
                all_good = false;
            }
        }
    }
    all_good.then_some(families)
}

fn default_family(address: IpAddr) -> Family {
    match address {
        IpAddr::V4(_) => Family::Ipv4Unicast,
        IpAddr::V6(_) => Family::Ipv6Unicast,
    }
}

/// 1..hold_time when hold_time > 0; meaningless (so rejected) when hold_time is 0.
/// `None` = invalid; `Some(None)` = unset (derived from the negotiated hold time later).
fn keepalive(
    ctx: &mut Ctx<'_>,
    v: Option<&Spanned<i64>>,
    hold_time: Option<u16>,
    key: &str,
) -> Option<Option<u16>> {
    let Some(v) = v else {
        return Some(None);
    };
    let keepalive: u16 = values::ranged(ctx, v, key, 1, 65535)?;
    // A bad hold time was already reported; don't pile on.
    let hold_time = hold_time?;
    let problem = if hold_time == 0 {
        ErrorKind::KeepaliveWithoutHold
    } else if keepalive >= hold_time {
        ErrorKind::KeepaliveTooLarge {
            keepalive,
            hold_time,
        }
    } else {
        return Some(Some(keepalive));
    };
    ctx.report(v.span(), key, problem);
    None
}

/// Must be the same IP version as the neighbor address, or the socket can't bind it.
fn local_address(
    ctx: &mut Ctx<'_>,
    v: Option<&Spanned<String>>,
    address: Option<IpAddr>,
    key: &dyn Fn(&str) -> String,
) -> Option<Option<IpAddr>> {
    let Some(v) = v else {
        return Some(None);
    };
    let local = values::ip(ctx, v, &key("local_address"))?;
    match address {
        Some(address) if address.is_ipv4() != local.is_ipv4() => {
            let kind = ErrorKind::AddressFamilyMismatch { address, local };
            ctx.report(v.span(), &key("local_address"), kind);
            None
        }
        _ => Some(Some(local)),
    }
}

/// `ebgp_multihop = true` (TTL 255) or `ttl = N` (1..=255), never both.
fn multihop(
    ctx: &mut Ctx<'_>,
    raw: &RawNeighbor,
    key: &dyn Fn(&str) -> String,
) -> Option<Option<u8>> {
    match (&raw.ebgp_multihop, &raw.ttl) {
        (Some(_), Some(ttl)) => {
            let kind = ErrorKind::MutuallyExclusive("ebgp_multihop", "ttl");
            ctx.report(ttl.span(), &key("ttl"), kind);
            None
        }
        (Some(on), None) => Some(on.get_ref().then_some(MULTIHOP_DEFAULT_TTL)),
        (None, Some(ttl)) => values::ranged(ctx, ttl, &key("ttl"), 1, 255).map(Some),
        (None, None) => Some(None),
    }
}
