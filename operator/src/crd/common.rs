//! Pieces shared by the kinds: neighbor selectors, status conditions, announcement records.
//!
//! Status follows the Kubernetes API conventions that kstatus reads (the library behind Flux's
//! health checks and `kubectl wait --for=condition=Ready`): `status.observedGeneration` plus
//! `metav1.Condition`s, among them `Ready`. A status whose `observedGeneration` is behind
//! `metadata.generation` means "not reconciled yet".

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector, Time};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Chooses `BgpNeighbor`s by their labels. Absent: every neighbor that has the object's
/// address family; an empty selector (`{}`) also selects all of them.
pub type NeighborSelector = LabelSelector;

/// A status condition, the standard `metav1.Condition` shape.
pub type StatusCondition = Condition;

/// The condition types the operator sets.
pub mod condition_type {
    /// The object is fully in effect: accepted and programmed (kstatus reads this one).
    pub const READY: &str = "Ready";
    /// The spec is valid and consistent with the rest of the cluster state (e.g. the family
    /// of the rule matches at least one selected neighbor).
    pub const ACCEPTED: &str = "Accepted";
    /// The speaker holds the object and announces it to the selected neighbors (or, for a
    /// `BgpNeighbor`, has it configured).
    pub const PROGRAMMED: &str = "Programmed";
    /// Reconciliation cannot make progress until the spec changes (kstatus: `Failed`).
    pub const STALLED: &str = "Stalled";
}

/// Condition `status` values.
pub mod condition_status {
    /// The condition holds.
    pub const TRUE: &str = "True";
    /// The condition does not hold.
    pub const FALSE: &str = "False";
    /// Not known yet.
    pub const UNKNOWN: &str = "Unknown";
}

/// One neighbor an object is announced to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Announcement {
    /// The neighbor: the `BgpNeighbor`'s name.
    #[schemars(length(max = 253))]
    pub neighbor: String,
    /// The neighbor's address, as in its spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 45))]
    pub address: Option<String>,
    /// Since when the object has been announced to it (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Time>,
}

/// Whether a condition of this type is present with status `True`.
pub fn condition_is_true(conditions: &[StatusCondition], type_: &str) -> bool {
    conditions
        .iter()
        .any(|c| c.type_ == type_ && c.status == condition_status::TRUE)
}

/// The `x-kubernetes-list-*` markers for a list of conditions keyed by `type`, so that
/// server-side apply merges single conditions instead of replacing the list.
pub(crate) fn conditions_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut schema = generator.subschema_for::<Vec<StatusCondition>>();
    let obj = schema.ensure_object();
    obj.insert("x-kubernetes-list-type".into(), "map".into());
    obj.insert(
        "x-kubernetes-list-map-keys".into(),
        serde_json::json!(["type"]),
    );
    obj.insert("maxItems".into(), 16.into());
    schema
}

/// The `x-kubernetes-list-*` markers for a list of announcements keyed by `neighbor`.
pub(crate) fn announcements_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut schema = generator.subschema_for::<Vec<Announcement>>();
    let obj = schema.ensure_object();
    obj.insert("x-kubernetes-list-type".into(), "map".into());
    obj.insert(
        "x-kubernetes-list-map-keys".into(),
        serde_json::json!(["neighbor"]),
    );
    schema
}

/// The `x-kubernetes-list-type: set` marker for a list of unique scalars (at most 32: the
/// apiserver's CEL cost estimate needs a bound).
pub(crate) fn set_schema<T: JsonSchema>(
    generator: &mut schemars::SchemaGenerator,
) -> schemars::Schema {
    let mut schema = generator.subschema_for::<Vec<T>>();
    let obj = schema.ensure_object();
    obj.insert("x-kubernetes-list-type".into(), "set".into());
    obj.insert("maxItems".into(), 32.into());
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    fn condition(type_: &str, status: &str) -> StatusCondition {
        StatusCondition {
            type_: type_.into(),
            status: status.into(),
            reason: "Test".into(),
            message: String::new(),
            last_transition_time: Time(Default::default()),
            observed_generation: Some(1),
        }
    }

    #[test]
    fn ready_is_read_from_conditions() {
        let conditions = vec![
            condition(condition_type::ACCEPTED, condition_status::TRUE),
            condition(condition_type::READY, condition_status::FALSE),
        ];
        assert!(condition_is_true(&conditions, condition_type::ACCEPTED));
        assert!(!condition_is_true(&conditions, condition_type::READY));
        assert!(!condition_is_true(&conditions, condition_type::PROGRAMMED));
    }
}
