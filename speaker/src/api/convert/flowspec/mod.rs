//! FlowSpec rules: `AddFlowSpecRequest` → [`InjectFlowSpec`] (match part in [`rule`],
//! actions in [`actions`]), delete selectors, listing, and rendering rules and actions
//! back for the RIB ([`render`]).

mod actions;
mod render;
mod rule;

use bgp_wire::attribute::PathAttributes;
use bgp_wire::nlri::flowspec::FlowSpecNlri;
use bgpd_api::v1 as pb;

pub use actions::{action_text, to_actions};
pub use render::{to_actions_proto, to_rule_proto};
pub use rule::to_rule;

use super::{
    FLOWSPEC, client_id, communities, extended_communities, family, large_communities, neighbors,
    optional_family, page_size,
};
use crate::api::error::FieldError;
use crate::command::{FlowSpecSelector, InjectFlowSpec, InjectedFlowSpecView, ListQuery};
use crate::config::Family;

/// The id of a rule submitted without one: `"<family>:<rule text>"`, e.g.
/// `"ipv4_flowspec:destination 203.0.113.10/32 protocol =udp destination-port =53"`. The
/// rule text is canonical, so the same match part always gives the same id.
pub fn derived_flowspec_id(family: Family, rule: &FlowSpecNlri) -> String {
    format!("{family}:{rule}")
}

/// Validates an `AddFlowSpecRequest` and builds the domain rule.
pub fn to_inject_flowspec(req: &pb::AddFlowSpecRequest) -> Result<InjectFlowSpec, FieldError> {
    client_id("id", &req.id)?;
    let family = family("family", &req.family, &FLOWSPEC)?;
    let rule = required_rule(family, req.rule.as_ref())?;
    let encoded = match &req.actions {
        Some(a) => to_actions(family, a).map_err(|e| e.within("actions"))?,
        None => actions::Encoded::default(),
    };
    let mut ext = encoded.communities;
    ext.extend(extended_communities(
        "extended_communities",
        &req.extended_communities,
    )?);
    let attrs = PathAttributes {
        communities: communities("communities", &req.communities)?,
        large_communities: large_communities("large_communities", &req.large_communities)?,
        extended_communities: ext,
        ..PathAttributes::default()
    };
    let id = if req.id.is_empty() {
        derived_flowspec_id(family, &rule)
    } else {
        req.id.clone()
    };
    Ok(InjectFlowSpec {
        id: id.clone(),
        family,
        rule,
        attrs,
        redirect_next_hop: encoded.redirect_next_hop,
        neighbors: neighbors("neighbors", &req.neighbors)?,
        description: req.description.clone(),
        spec: pb::AddFlowSpecRequest { id, ..req.clone() },
    })
}

/// The `rule` field, which must be present.
fn required_rule(
    family: Family,
    rule: Option<&pb::FlowSpecRule>,
) -> Result<FlowSpecNlri, FieldError> {
    let rule = rule.ok_or_else(|| FieldError::new("rule", "required"))?;
    to_rule(family, rule).map_err(|e| e.within("rule"))
}

/// `DeleteFlowSpecRequest` → selector: by id, or by family and rule.
pub fn to_flowspec_selector(
    req: &pb::DeleteFlowSpecRequest,
) -> Result<FlowSpecSelector, FieldError> {
    if !req.id.is_empty() {
        return Ok(FlowSpecSelector::Id(req.id.clone()));
    }
    let family = family("family", &req.family, &FLOWSPEC)?;
    let rule = required_rule(family, req.rule.as_ref())?;
    Ok(FlowSpecSelector::Rule { family, rule })
}

/// `ListFlowSpecsRequest` → query.
pub fn to_list_query(req: &pb::ListFlowSpecsRequest) -> Result<ListQuery, FieldError> {
    Ok(ListQuery {
        family: optional_family("family", &req.family, &FLOWSPEC)?,
        prefix: None,
        page_size: page_size(req.page_size),
        page_token: req.page_token.clone(),
    })
}

/// A stored rule, as listed: the submitted spec and its status.
pub fn to_injected_flowspec(view: InjectedFlowSpecView) -> pb::InjectedFlowSpec {
    pb::InjectedFlowSpec {
        spec: Some(view.rule.spec),
        status: Some(super::route::injection_status(&view.status)),
    }
}

#[cfg(test)]
mod tests;
