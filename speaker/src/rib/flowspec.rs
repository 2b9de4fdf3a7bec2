//! FlowSpec validation (RFC 8955 §6, with the RFC 9117 relaxation for iBGP).
//!
//! A rule received from a peer is feasible when:
//!
//! 1. it has a destination prefix;
//! 2. the best-match unicast route for that prefix (longest prefix covering it) has its
//!    best path from the same neighbor — or, RFC 9117, the rule came over iBGP with an
//!    AS_PATH that is empty or only holds confederation segments;
//! 3. no unicast route more specific than the destination prefix has its best path from
//!    another neighbor than the best-match route;
//! 4. eBGP only: the left-most AS of the rule's AS_PATH is the peer's AS.
//!
//! Injected rules are operator intent and are never validated.

use std::collections::BTreeSet;
use std::net::IpAddr;

use bgp_wire::{AfiSafi, Safi};
use ipnet::IpNet;

use super::key::{FlowRule, RouteKey};
use super::loc::Loc;
use super::path::Path;

/// Every unicast prefix that has a best path, ordered for range (more-specific) queries.
pub type PrefixIndex = BTreeSet<IpNet>;

/// Whether the rule `rule` of `family`, received as `path`, may be used.
pub fn feasible<R: FlowRule>(
    rule: &R,
    family: AfiSafi,
    path: &Path,
    unicast: &Loc<RouteKey>,
    index: &PrefixIndex,
) -> bool {
    let Some(peer) = path.peer() else {
        return true;
    };
    let Some(dst) = rule.destination() else {
        return false;
    };
    if !peer.ibgp && path.neighbor_as() != Some(peer.asn) {
        return false;
    }
    let ufam = AfiSafi::new(family.afi, Safi::Unicast);
    let Some((bm_prefix, bm_source)) = best_match(dst, ufam, unicast) else {
        return false;
    };
    let relaxed = peer.ibgp && path.as_path_len() == 0;
    if !relaxed && bm_source != Some(peer.address) {
        return false;
    }
    more_specifics(dst, index)
        .filter(|p| *p != bm_prefix)
        .all(|p| best_source(RouteKey::new(ufam, p), unicast) == bm_source)
}

/// Whether a rule with destination `dst` may depend on a route change of `changed`.
pub fn overlaps(dst: IpNet, changed: IpNet) -> bool {
    dst.contains(&changed) || changed.contains(&dst)
}

/// The longest unicast prefix covering `dst` that has a best path, with that path's peer
/// (`None` for an injected path).
fn best_match(
    dst: IpNet,
    family: AfiSafi,
    unicast: &Loc<RouteKey>,
) -> Option<(IpNet, Option<IpAddr>)> {
    (0..=dst.prefix_len()).rev().find_map(|len| {
        let prefix = IpNet::new(dst.addr(), len).ok()?.trunc();
        let best = unicast.get(&RouteKey::new(family, prefix))?.best.as_ref()?;
        Some((prefix, best.peer_address()))
    })
}

fn best_source(key: RouteKey, unicast: &Loc<RouteKey>) -> Option<IpAddr> {
    unicast
        .get(&key)
        .and_then(|e| e.best.as_ref())
        .and_then(Path::peer_address)
}

/// Prefixes in the index contained in `dst` (itself included).
fn more_specifics(dst: IpNet, index: &PrefixIndex) -> impl Iterator<Item = IpNet> + '_ {
    let dst = dst.trunc();
    let hi = IpNet::new(dst.broadcast(), dst.max_prefix_len()).unwrap_or(dst);
    index
        .range(dst..=hi)
        .copied()
        .filter(move |p| dst.contains(p))
}
