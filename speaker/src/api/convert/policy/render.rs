//! Engine model → proto: policies for ListPolicies, sets for ListDefinedSets, traces for
//! Explain.

use std::net::IpAddr;

use bgp_wire::attribute::PathAttributes;
use bgpd_api::v1::{
    AsPathLength, AsPathPrepend, DefinedSet as PbSet, MatchOptions, PolicyAttributes,
    PolicyStatement, PolicyStep, PolicyTrace, PrefixMatch, ReplaceCommunities as PbReplace,
    SetPolicyRequest,
};

use crate::daemon::families::from_afi_safi;
use crate::policy::{
    CommunityKind, DefinedSet, MatchOption, MedAction, NextHopAction, Policy, PrependAs,
    RouteSource, SetMatch, Statement, Step, Trace,
};

pub fn to_policy_proto(p: &Policy) -> SetPolicyRequest {
    SetPolicyRequest {
        name: p.name.clone(),
        default_action: p.default_action.name().into(),
        statements: p.statements.iter().map(statement).collect(),
    }
}

fn strs<T: ToString>(v: &[T]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

fn set_name(m: &Option<SetMatch>) -> String {
    m.as_ref().map(|m| m.set.clone()).unwrap_or_default()
}

fn opt(m: &Option<SetMatch>) -> String {
    match m {
        Some(m) if m.option != MatchOption::Any => m.option.name().into(),
        _ => String::new(),
    }
}

fn statement(s: &Statement) -> PolicyStatement {
    let c = &s.conditions;
    let a = &s.actions;
    let options = MatchOptions {
        neighbor_set: opt(&c.neighbor_set),
        prefix_set: opt(&c.prefix_set),
        community_set: opt(&c.community_set),
        ext_community_set: opt(&c.ext_community_set),
        large_community_set: opt(&c.large_community_set),
        as_path_set: opt(&c.as_path_set),
    };
    let (set_med, adjust_med) = match a.med {
        Some(MedAction::Set(v)) => (Some(v), None),
        Some(MedAction::Add(v)) => (None, Some(i64::from(v))),
        Some(MedAction::Sub(v)) => (None, Some(-i64::from(v))),
        None => (None, None),
    };
    PolicyStatement {
        name: s.name.clone(),
        action: s.action.name().into(),
        match_neighbor_set: set_name(&c.neighbor_set),
        match_prefixes: c
            .prefixes
            .iter()
            .map(|r| PrefixMatch {
                prefix: r.prefix.to_string(),
                ge: Some(u32::from(r.ge)),
                le: Some(u32::from(r.le)),
            })
            .collect(),
        match_communities: strs(&c.communities),
        match_family: c
            .family
            .and_then(from_afi_safi)
            .map(|f| f.as_str().to_string())
            .unwrap_or_default(),
        match_prefix_set: set_name(&c.prefix_set),
        match_community_set: set_name(&c.community_set),
        match_ext_community_set: set_name(&c.ext_community_set),
        match_large_community_set: set_name(&c.large_community_set),
        match_as_path_set: set_name(&c.as_path_set),
        match_options: (options != MatchOptions::default()).then_some(options),
        match_as_path_length: c.as_path_len.map(|l| AsPathLength {
            min: l.min,
            max: l.max,
        }),
        match_origin_asns: c.origin_asns.clone(),
        match_next_hops: strs(&c.next_hops),
        match_route_source: match c.source {
            Some(RouteSource::Injected) => "injected".into(),
            Some(RouteSource::Learned) => "learned".into(),
            None => String::new(),
        },
        match_neighbors: strs(&c.neighbors),
        set_as_path_prepend: a.prepend.filter(|p| p.asn != PrependAs::LastAs).map(|p| {
            AsPathPrepend {
                asn: match p.asn {
                    PrependAs::Asn(x) => x,
                    PrependAs::Local | PrependAs::LastAs => 0,
                },
                count: u32::from(p.count),
            }
        }),
        set_as_path_prepend_last_as: a
            .prepend
            .filter(|p| p.asn == PrependAs::LastAs)
            .map_or(0, |p| u32::from(p.count)),
        set_local_pref: a.local_pref,
        set_med,
        adjust_med,
        add_communities: strs(&a.add_communities),
        remove_communities: strs(&a.remove_communities),
        replace_communities: a.replace_communities.as_ref().map(|r| PbReplace {
            kinds: r
                .kinds
                .iter()
                .map(|k| match k {
                    CommunityKind::Standard => "standard".into(),
                    CommunityKind::Extended => "extended".into(),
                    CommunityKind::Large => "large".into(),
                })
                .collect(),
            communities: strs(&r.communities),
        }),
        set_next_hop: match a.next_hop {
            Some(NextHopAction::SelfAddr) => "self".into(),
            Some(NextHopAction::Addr(x)) => x.to_string(),
            None => String::new(),
        },
    }
}

pub fn to_set_proto(name: &str, s: &DefinedSet) -> PbSet {
    PbSet {
        kind: s.kind().name().into(),
        name: name.into(),
        members: s.members(),
    }
}

fn step(s: &Step) -> PolicyStep {
    PolicyStep {
        policy: s.policy.clone(),
        statement: s.statement.map(|i| i as u32),
        statement_name: s.statement_name.clone(),
        matched: s.matched,
        action: s.action.map(|a| a.name().to_string()).unwrap_or_default(),
    }
}

fn attributes(a: &PathAttributes, next_hop: String) -> PolicyAttributes {
    PolicyAttributes {
        as_path: a
            .as_path
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        local_pref: a.local_pref,
        med: a.med,
        communities: strs(&a.communities),
        extended_communities: strs(&a.extended_communities),
        large_communities: strs(&a.large_communities),
        next_hop,
    }
}

fn ip_text(a: Option<IpAddr>) -> String {
    a.map(|a| a.to_string()).unwrap_or_default()
}

pub fn to_trace_proto(t: &Trace) -> PolicyTrace {
    let after_nh = match t.outcome.next_hop {
        Some(NextHopAction::SelfAddr) => "self".to_string(),
        _ => ip_text(t.after_next_hop),
    };
    PolicyTrace {
        permitted: t.outcome.accept,
        steps: t.steps.iter().map(step).collect(),
        decided_by: t.decided_by.as_ref().map(step),
        before: Some(attributes(&t.before, ip_text(t.before_next_hop))),
        after: Some(attributes(&t.outcome.attrs, after_nh)),
    }
}
