//! Match conditions: does a statement apply to the route in its current state.

use bgp_wire::attribute::PathAttributes;
use ipnet::IpNet;

use super::model::{Conditions, MatchOption, RouteSource, SetMatch};
use super::sets::{AnyCommunity, DefinedSet, DefinedSets, SetKind};
use super::subject::{Subject, Work};

/// Whether every condition holds. Conditions are checked cheapest first.
pub fn holds(c: &Conditions, s: &Subject<'_>, w: &Work, sets: &DefinedSets) -> bool {
    let a = &*w.attrs;
    c.family.is_none_or(|f| f == s.family)
        && c.source.is_none_or(|src| src == source_of(s))
        && (c.neighbors.is_empty() || c.neighbors.iter().any(|n| n.contains(&s.neighbor)))
        && (c.prefixes.is_empty()
            || s.prefix
                .is_some_and(|p| c.prefixes.iter().any(|r| r.matches(&p))))
        && (c.origin_asns.is_empty() || origin_in(a, &c.origin_asns))
        && c.as_path_len.is_none_or(|r| {
            let n = a.as_path.as_ref().map_or(0, |p| p.path_len()) as u32;
            r.min.is_none_or(|m| n >= m) && r.max.is_none_or(|m| n <= m)
        })
        && (c.next_hops.is_empty()
            || w.next_hop
                .is_some_and(|nh| c.next_hops.iter().any(|n| n.contains(&nh))))
        && (c.communities.is_empty() || c.communities.iter().any(|x| carries(a, x)))
        && c.neighbor_set
            .as_ref()
            .is_none_or(|m| neighbor_set(m, s, sets))
        && c.prefix_set.as_ref().is_none_or(|m| prefix_set(m, s, sets))
        && community_sets(c, a, sets)
        && c.as_path_set
            .as_ref()
            .is_none_or(|m| as_path_set(m, w, sets))
}

fn source_of(s: &Subject<'_>) -> RouteSource {
    if s.path.is_injected() {
        RouteSource::Injected
    } else {
        RouteSource::Learned
    }
}

fn origin_in(a: &PathAttributes, asns: &[u32]) -> bool {
    a.as_path
        .as_ref()
        .and_then(|p| p.origin_asn())
        .is_some_and(|o| asns.contains(&o))
}

/// Whether the route carries this community.
pub fn carries(a: &PathAttributes, c: &AnyCommunity) -> bool {
    match c {
        AnyCommunity::Standard(x) => a.communities.contains(x),
        AnyCommunity::Extended(x) => a.extended_communities.contains(x),
        AnyCommunity::Large(x) => a.large_communities.contains(x),
    }
}

fn neighbor_set(m: &SetMatch, s: &Subject<'_>, sets: &DefinedSets) -> bool {
    let Some(DefinedSet::Neighbor(nets)) = sets.get(SetKind::Neighbor, &m.set) else {
        return false;
    };
    let any = nets.iter().any(|n: &IpNet| n.contains(&s.neighbor));
    any != (m.option == MatchOption::None)
}

fn prefix_set(m: &SetMatch, s: &Subject<'_>, sets: &DefinedSets) -> bool {
    let Some(DefinedSet::Prefix(ranges)) = sets.get(SetKind::Prefix, &m.set) else {
        return false;
    };
    let any = s
        .prefix
        .is_some_and(|p| ranges.iter().any(|r| r.matches(&p)));
    any != (m.option == MatchOption::None)
}

fn community_sets(c: &Conditions, a: &PathAttributes, sets: &DefinedSets) -> bool {
    let std = c
        .community_set
        .as_ref()
        .is_none_or(|m| match sets.get(SetKind::Community, &m.set) {
            Some(DefinedSet::Community(v)) => {
                m.option.eval(v.iter().map(|x| a.communities.contains(x)))
            }
            _ => false,
        });
    let ext = c.ext_community_set.as_ref().is_none_or(|m| {
        match sets.get(SetKind::ExtCommunity, &m.set) {
            Some(DefinedSet::ExtCommunity(v)) => m
                .option
                .eval(v.iter().map(|x| a.extended_communities.contains(x))),
            _ => false,
        }
    });
    let large = c.large_community_set.as_ref().is_none_or(|m| {
        match sets.get(SetKind::LargeCommunity, &m.set) {
            Some(DefinedSet::LargeCommunity(v)) => m
                .option
                .eval(v.iter().map(|x| a.large_communities.contains(x))),
            _ => false,
        }
    });
    std && ext && large
}

fn as_path_set(m: &SetMatch, w: &Work, sets: &DefinedSets) -> bool {
    let Some(DefinedSet::AsPath(set)) = sets.get(SetKind::AsPath, &m.set) else {
        return false;
    };
    let text = w.as_path_text();
    m.option
        .eval(set.regexes().iter().map(|r| r.is_match(text)))
}
