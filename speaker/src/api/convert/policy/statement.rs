//! One statement: match conditions and set actions.

use std::str::FromStr;

use bgpd_api::v1::{MatchOptions, PolicyStatement, PrefixMatch, ReplaceCommunities as PbReplace};
use ipnet::IpNet;

use super::{action, field_error};
use crate::api::convert::{ALL_FAMILIES, list, optional_family};
use crate::api::error::FieldError;
use crate::daemon::families::to_afi_safi;
use crate::policy::{
    Action, Actions, AnyCommunity, CommunityKind, Conditions, LenRange, MatchOption, MedAction,
    NextHopAction, PrefixRange, Prepend, PrependAs, ReplaceCommunities, RouteSource, SetMatch,
    Statement, model::MAX_PREPEND,
};

pub fn to_statement(s: &PolicyStatement) -> Result<Statement, FieldError> {
    Ok(Statement {
        name: s.name.trim().to_string(),
        conditions: conditions(s)?,
        actions: actions(s)?,
        action: action("action", &s.action, Action::Permit)?,
    })
}

fn conditions(s: &PolicyStatement) -> Result<Conditions, FieldError> {
    let o = s.match_options.clone().unwrap_or_default();
    let fam = optional_family("match_family", &s.match_family, &ALL_FAMILIES)?;
    Ok(Conditions {
        prefix_set: set_ref(&s.match_prefix_set, "prefix_set", &o.prefix_set)?,
        prefixes: s
            .match_prefixes
            .iter()
            .enumerate()
            .map(|(i, p)| prefix_match(p).map_err(|e| e.within(&format!("match_prefixes[{i}]"))))
            .collect::<Result<_, _>>()?,
        neighbor_set: set_ref(&s.match_neighbor_set, "neighbor_set", &o.neighbor_set)?,
        neighbors: list("match_neighbors", &s.match_neighbors, net_or_ip)?,
        family: fam.map(to_afi_safi),
        community_set: set_ref(&s.match_community_set, "community_set", &o.community_set)?,
        ext_community_set: set_ref(
            &s.match_ext_community_set,
            "ext_community_set",
            &o.ext_community_set,
        )?,
        large_community_set: set_ref(
            &s.match_large_community_set,
            "large_community_set",
            &o.large_community_set,
        )?,
        communities: any_communities("match_communities", &s.match_communities)?,
        as_path_set: set_ref(&s.match_as_path_set, "as_path_set", &o.as_path_set)?,
        as_path_len: s.match_as_path_length.map(|l| LenRange {
            min: l.min,
            max: l.max,
        }),
        origin_asns: s.match_origin_asns.clone(),
        next_hops: list("match_next_hops", &s.match_next_hops, net_or_ip)?,
        source: match s.match_route_source.as_str() {
            "" => None,
            "injected" => Some(RouteSource::Injected),
            "learned" => Some(RouteSource::Learned),
            other => {
                return Err(FieldError::new(
                    "match_route_source",
                    format!("{other:?} is not one of injected, learned"),
                ));
            }
        },
    })
    .and_then(|c| check_len(&c).map(|_| c))
    .and_then(|c| check_options(&o).map(|_| c))
}

fn check_len(c: &Conditions) -> Result<(), FieldError> {
    match c.as_path_len {
        Some(LenRange {
            min: Some(a),
            max: Some(b),
        }) if a > b => Err(FieldError::new(
            "match_as_path_length.max",
            format!("max {b} is smaller than min {a}"),
        )),
        _ => Ok(()),
    }
}

/// "all" only makes sense where a route has several values to compare.
fn check_options(o: &MatchOptions) -> Result<(), FieldError> {
    for (field, v) in [
        ("neighbor_set", &o.neighbor_set),
        ("prefix_set", &o.prefix_set),
    ] {
        if v == "all" {
            return Err(FieldError::new(
                format!("match_options.{field}"),
                "\"all\" does not apply (a route has one neighbor and one prefix): use any or none",
            ));
        }
    }
    Ok(())
}

/// A set reference with its option; `None` when the name is empty.
fn set_ref(name: &str, option_field: &str, option: &str) -> Result<Option<SetMatch>, FieldError> {
    let option = MatchOption::from_name(option).ok_or_else(|| {
        FieldError::new(
            format!("match_options.{option_field}"),
            format!("{option:?} is not one of any, all, none"),
        )
    })?;
    let name = name.trim();
    Ok((!name.is_empty()).then(|| SetMatch {
        set: name.to_string(),
        option,
    }))
}

fn prefix_match(p: &PrefixMatch) -> Result<PrefixRange, FieldError> {
    let net = crate::api::convert::prefix("prefix", &p.prefix)?;
    PrefixRange::new(net, p.ge, p.le).map_err(field_error)
}

/// An address (as a host prefix) or a prefix.
pub fn net_or_ip(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    if let Ok(a) = s.parse::<std::net::IpAddr>() {
        return Ok(IpNet::from(a));
    }
    s.parse::<IpNet>()
        .map(|n| n.trunc())
        .map_err(|_| format!("{s:?} is not an IP address or prefix"))
}

pub fn any_communities(field: &str, items: &[String]) -> Result<Vec<AnyCommunity>, FieldError> {
    list(field, items, |s| {
        AnyCommunity::from_str(s).map_err(|e| e.to_string())
    })
}

fn actions(s: &PolicyStatement) -> Result<Actions, FieldError> {
    Ok(Actions {
        replace_communities: s.replace_communities.as_ref().map(replace).transpose()?,
        remove_communities: any_communities("remove_communities", &s.remove_communities)?,
        add_communities: any_communities("add_communities", &s.add_communities)?,
        local_pref: s.set_local_pref,
        med: med(s)?,
        prepend: prepend(s)?,
        next_hop: next_hop(&s.set_next_hop)?,
    })
}

fn med(s: &PolicyStatement) -> Result<Option<MedAction>, FieldError> {
    match (s.set_med, s.adjust_med) {
        (Some(_), Some(_)) => Err(FieldError::new(
            "adjust_med",
            "cannot be used together with set_med",
        )),
        (Some(v), None) => Ok(Some(MedAction::Set(v))),
        (None, Some(d)) => {
            let mag = u32::try_from(d.unsigned_abs()).map_err(|_| {
                FieldError::new("adjust_med", format!("{d} is out of range (±4294967295)"))
            })?;
            Ok(Some(if d < 0 {
                MedAction::Sub(mag)
            } else {
                MedAction::Add(mag)
            }))
        }
        (None, None) => Ok(None),
    }
}

fn prepend(s: &PolicyStatement) -> Result<Option<Prepend>, FieldError> {
    let count = |field: &str, n: u32| {
        if n == 0 || n > u32::from(MAX_PREPEND) {
            return Err(FieldError::new(
                field,
                format!("{n} is out of range (expected 1..={MAX_PREPEND})"),
            ));
        }
        Ok(n as u8)
    };
    match (&s.set_as_path_prepend, s.set_as_path_prepend_last_as) {
        (Some(_), n) if n > 0 => Err(FieldError::new(
            "set_as_path_prepend_last_as",
            "cannot be used together with set_as_path_prepend",
        )),
        (Some(p), _) => Ok(Some(Prepend {
            // 0 is our own AS (as for AddPath).
            asn: if p.asn == 0 {
                PrependAs::Local
            } else {
                PrependAs::Asn(p.asn)
            },
            count: count("set_as_path_prepend.count", p.count)?,
        })),
        (None, 0) => Ok(None),
        (None, n) => Ok(Some(Prepend {
            asn: PrependAs::LastAs,
            count: count("set_as_path_prepend_last_as", n)?,
        })),
    }
}

fn next_hop(text: &str) -> Result<Option<NextHopAction>, FieldError> {
    match text.trim() {
        "" => Ok(None),
        "self" => Ok(Some(NextHopAction::SelfAddr)),
        t => t
            .parse()
            .map(|a| Some(NextHopAction::Addr(a)))
            .map_err(|_| {
                FieldError::new(
                    "set_next_hop",
                    format!("{t:?} is not an IP address or \"self\""),
                )
            }),
    }
}

fn replace(r: &PbReplace) -> Result<ReplaceCommunities, FieldError> {
    let kinds = list("replace_communities.kinds", &r.kinds, |k| match k {
        "standard" => Ok(CommunityKind::Standard),
        "extended" => Ok(CommunityKind::Extended),
        "large" => Ok(CommunityKind::Large),
        other => Err(format!("{other:?} is not one of standard, extended, large")),
    })?;
    let communities = any_communities("replace_communities.communities", &r.communities)?;
    if let Some(i) = communities
        .iter()
        .position(|c| !kinds.is_empty() && !kinds.contains(&c.kind()))
    {
        return Err(FieldError::new(
            "replace_communities.communities",
            "is of a kind not listed in kinds",
        )
        .at(i));
    }
    Ok(ReplaceCommunities { kinds, communities })
}
