//! TEMPORARY stub until FlowSpec lands on main.
use crate::api::error::FieldError;
use crate::command::{FlowSpecSelector, InjectFlowSpec, InjectedFlowSpecView, ListQuery};
use bgp_wire::attribute::{ExtendedCommunity, PathAttributes};
use bgp_wire::nlri::flowspec::FlowSpecNlri;
use bgpd_api::v1 as pb;
use std::net::IpAddr;
pub fn to_inject_flowspec(_req: &pb::AddFlowSpecRequest) -> Result<InjectFlowSpec, FieldError> {
    Err(FieldError::new("rule", "stub"))
}
pub fn to_flowspec_selector(
    _req: &pb::DeleteFlowSpecRequest,
) -> Result<FlowSpecSelector, FieldError> {
    Err(FieldError::new("rule", "stub"))
}
pub fn to_list_query(_req: &pb::ListFlowSpecsRequest) -> Result<ListQuery, FieldError> {
    Err(FieldError::new("rule", "stub"))
}
pub fn to_injected_flowspec(view: InjectedFlowSpecView) -> pb::InjectedFlowSpec {
    pb::InjectedFlowSpec {
        spec: Some(view.rule.spec),
        status: None,
    }
}
pub fn to_rule_proto(_r: &FlowSpecNlri) -> pb::FlowSpecRule {
    Default::default()
}
pub fn to_actions_proto(_a: &PathAttributes, _n: Option<IpAddr>) -> pb::FlowSpecActions {
    Default::default()
}
pub fn action_text(_e: &ExtendedCommunity) -> Option<String> {
    None
}
