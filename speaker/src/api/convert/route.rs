//! RIB routes and events: [`RouteView`] → `Route`, list requests → [`RouteQuery`], and the
//! rendering of attributes in canonical numeric form.

use std::net::IpAddr;
use std::time::SystemTime;

use bgp_wire::attribute::{AsPath, ExtendedCommunity, SegmentType};
use bgpd_api::v1 as pb;

use super::{ALL_FAMILIES, ip, optional_family, optional_prefix, page_size, unix_seconds};
use crate::api::error::FieldError;
use crate::command::{
    InjectionStatus, RibTable, RouteEventKind, RouteNlri, RouteQuery, RouteSource, RouteView,
    RpkiState,
};

/// The route query common to the three list requests.
pub fn to_route_query(
    family: &str,
    prefix: &str,
    include_more_specifics: bool,
    size: u32,
    token: &str,
) -> Result<RouteQuery, FieldError> {
    let family = optional_family("family", family, &ALL_FAMILIES)?;
    let prefix = optional_prefix("prefix", prefix)?;
    if let (Some(f), Some(_)) = (family, prefix)
        && f.is_flowspec()
    {
        return Err(FieldError::new(
            "prefix",
            format!("not applicable to {f} (unicast families only)"),
        ));
    }
    Ok(RouteQuery {
        family,
        prefix,
        include_more_specifics,
        page_size: page_size(size),
        page_token: token.to_string(),
    })
}

/// `neighbor` of ListReceivedRoutes / ListAdvertisedRoutes: required.
pub fn neighbor_table(
    text: &str,
    make: impl FnOnce(IpAddr) -> RibTable,
) -> Result<RibTable, FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new("neighbor", "required"));
    }
    ip("neighbor", text).map(make)
}

/// A route as the API shows it.
pub fn to_route(view: &RouteView, now: SystemTime) -> pb::Route {
    let a = &view.attrs;
    let mut route = pb::Route {
        family: view.nlri.family().as_str().to_string(),
        next_hop: view.next_hop.map(|n| n.to_string()).unwrap_or_default(),
        as_path: a.as_path.as_ref().map(as_path_segments).unwrap_or_default(),
        origin: a.origin.map(|o| o.to_string()).unwrap_or_default(),
        med: a.med,
        local_pref: a.local_pref,
        communities: a
            .communities
            .iter()
            .map(|c| format!("{}:{}", c.asn(), c.value()))
            .collect(),
        large_communities: a.large_communities.iter().map(|c| c.to_string()).collect(),
        extended_communities: a.extended_communities.iter().map(extended_text).collect(),
        best: view.best,
        path_id: view.path_id,
        age_seconds: now
            .duration_since(view.since)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        originator_id: a.originator_id.map(|o| o.to_string()).unwrap_or_default(),
        cluster_list: a.cluster_list.iter().map(|c| c.to_string()).collect(),
        rpki_state: view.rpki.map(rpki_text).unwrap_or_default().to_string(),
        filtered: view.filtered,
        ..pb::Route::default()
    };
    set_source(&mut route, &view.source);
    set_nlri(&mut route, view);
    route
}

fn set_nlri(route: &mut pb::Route, view: &RouteView) {
    match &view.nlri {
        RouteNlri::Unicast(p) => route.prefix = p.to_string(),
        RouteNlri::FlowSpec { rule, .. } => {
            route.flowspec_rule = Some(super::flowspec::to_rule_proto(rule));
            route.flowspec_actions = Some(super::flowspec::to_actions_proto(
                &view.attrs,
                view.next_hop,
            ));
        }
    }
}

fn set_source(route: &mut pb::Route, source: &RouteSource) {
    match source {
        RouteSource::Injected { id } => {
            route.source = "injected".into();
            route.injected_id = id.clone();
        }
        RouteSource::Neighbor { address, router_id } => {
            route.source = address.to_string();
            route.source_router_id = router_id.to_string();
        }
    }
}

fn as_path_segments(path: &AsPath) -> Vec<pb::AsPathSegment> {
    path.segments
        .iter()
        .map(|s| pb::AsPathSegment {
            r#type: segment_type(s.kind).into(),
            asns: s.asns.clone(),
        })
        .collect()
}

fn segment_type(kind: SegmentType) -> &'static str {
    match kind {
        SegmentType::Sequence => "sequence",
        SegmentType::Set => "set",
        SegmentType::ConfedSequence => "confed_sequence",
        SegmentType::ConfedSet => "confed_set",
    }
}

fn rpki_text(s: RpkiState) -> &'static str {
    match s {
        RpkiState::Valid => "valid",
        RpkiState::Invalid => "invalid",
        RpkiState::NotFound => "not_found",
    }
}

/// FlowSpec actions in their API names, other kinds in the codec's text form, unknown
/// ones as `0x` + 16 hex digits.
pub fn extended_text(ec: &ExtendedCommunity) -> String {
    if let Some(text) = super::flowspec::action_text(ec) {
        return text;
    }
    let text = ec.to_string();
    match text.strip_prefix("raw:") {
        Some(hex) => format!("0x{hex}"),
        None => text,
    }
}

/// The proto event type.
pub fn event_type(kind: RouteEventKind) -> pb::RouteEventType {
    match kind {
        RouteEventKind::Add => pb::RouteEventType::Add,
        RouteEventKind::Update => pb::RouteEventType::Update,
        RouteEventKind::Withdraw => pb::RouteEventType::Withdraw,
    }
}

/// Injection status as the API shows it.
pub fn injection_status(s: &InjectionStatus) -> pb::InjectionStatus {
    pb::InjectionStatus {
        created_at_unix_seconds: unix_seconds(s.created_at),
        updated_at_unix_seconds: unix_seconds(s.updated_at),
        advertised_to: s.advertised_to.iter().map(|a| a.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests;
