//! PolicyService conversion: proto policies, statements and defined sets into the engine's
//! model (every bad value named by its field path), and back for listings and explain.

mod render;
mod sets;
mod statement;
#[cfg(test)]
mod tests;

use bgpd_api::v1::SetPolicyRequest;

pub use render::{to_policy_proto, to_set_proto, to_trace_proto};
pub use sets::{set_kind, to_defined_set};
pub use statement::to_statement;

use crate::api::error::FieldError;
use crate::policy::{Action, Policy, PolicyError};

/// A whole policy; its default action is "next" when empty.
pub fn to_policy(req: &SetPolicyRequest) -> Result<Policy, FieldError> {
    let name = required_name("name", &req.name)?;
    let default_action = action("default_action", &req.default_action, Action::Next)?;
    let statements = req
        .statements
        .iter()
        .enumerate()
        .map(|(i, s)| to_statement(s).map_err(|e| e.within(&format!("statements[{i}]"))))
        .collect::<Result<_, _>>()?;
    Ok(Policy {
        name,
        statements,
        default_action,
    })
}

/// A required name (a trimmed, non-empty string).
pub fn required_name(field: &str, text: &str) -> Result<String, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    Ok(t.to_string())
}

/// "permit", "deny" or "next"; empty is `default`.
pub fn action(field: &str, text: &str, default: Action) -> Result<Action, FieldError> {
    if text.is_empty() {
        return Ok(default);
    }
    Action::from_name(text)
        .ok_or_else(|| FieldError::new(field, format!("{text:?} is not one of permit, deny, next")))
}

/// An engine error about a value as a field error.
pub fn field_error(e: PolicyError) -> FieldError {
    match e {
        PolicyError::Invalid { field, reason } => FieldError::new(field, reason),
        other => FieldError::new("", other.to_string()),
    }
}
