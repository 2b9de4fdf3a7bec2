//! The status patch of one object (pure): the computed [`ObjectStatus`] in the kind's status
//! shape, the server-side apply body, and whether it differs from what the object carries.
//!
//! Only the fields the operator owns are compared, and a condition whose status did not
//! change keeps the `lastTransitionTime` the object already has: a restarted operator (or a
//! new Lease holder) then rewrites nothing that is still true. The same holds for
//! `announcedTo[].since` of a neighbor the object is still announced to.

use serde_json::{Map, Value, json};

use super::kinds::Kind;
use super::summary;
use crate::crd::{BgpNeighborStatus, FlowSpecRuleStatus, InjectedRouteStatus, RoutePolicyStatus};
use crate::status::ObjectStatus;

/// The status fields the operator writes, per kind.
fn owned_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::BgpNeighbor => &[
            "observedGeneration",
            "conditions",
            "sessionState",
            "establishedSince",
            "remoteRouterId",
            "families",
            "lastError",
        ],
        Kind::FlowSpecRule => &[
            "observedGeneration",
            "conditions",
            "family",
            "action",
            "announcedTo",
            "announcedCount",
            "expiresAt",
        ],
        Kind::InjectedRoute => &[
            "observedGeneration",
            "conditions",
            "announcedTo",
            "announcedCount",
            "expiresAt",
        ],
        Kind::RoutePolicy => &[
            "observedGeneration",
            "conditions",
            "attachedTo",
            "statementCount",
        ],
    }
}

/// The kind's status for `s`, as JSON. `generation` replaces an unknown (0) generation, the
/// case of objects the planner rejected; `spec` (the stored object's) gives a FlowSpecRule's
/// `family` and `action`.
pub fn status_value(kind: Kind, s: &ObjectStatus, generation: i64, spec: &Value) -> Value {
    let mut s = s.clone();
    if s.observed_generation == 0 {
        s.observed_generation = generation;
        for c in &mut s.conditions {
            c.observed_generation = Some(generation);
        }
    }
    let g = Some(s.observed_generation);
    let count = Some(s.announced_count);
    let v = match kind {
        Kind::BgpNeighbor => {
            let session = s.session.unwrap_or_default();
            serde_json::to_value(BgpNeighborStatus {
                observed_generation: g,
                conditions: s.conditions,
                session_state: session.session_state,
                established_since: session.established_since,
                remote_router_id: session.remote_router_id,
                families: session.families,
                last_error: session.last_error,
            })
        }
        Kind::FlowSpecRule => serde_json::to_value(FlowSpecRuleStatus {
            observed_generation: g,
            conditions: s.conditions,
            announced_to: s.announced_to,
            family: summary::family(spec),
            action: summary::action(spec),
            announced_count: count,
            expires_at: s.expires_at,
        }),
        Kind::InjectedRoute => serde_json::to_value(InjectedRouteStatus {
            observed_generation: g,
            conditions: s.conditions,
            announced_to: s.announced_to,
            announced_count: count,
            expires_at: s.expires_at,
        }),
        Kind::RoutePolicy => serde_json::to_value(RoutePolicyStatus {
            observed_generation: g,
            conditions: s.conditions,
            attached_to: s.attached_to,
            statement_count: summary::statement_count(spec),
            last_update: None,
        }),
    };
    // The status types serialize to plain JSON objects; no map key can fail.
    v.unwrap_or_default()
}

/// Copies `lastTransitionTime` from `live`'s conditions into `new`'s where type and status
/// are the same, and `since` from `live`'s `announcedTo` where the neighbor is the same.
pub fn keep_live_times(new: &mut Value, live: &Value) {
    keep_live_since(new, live);
    let Some(old) = live.get("conditions").and_then(Value::as_array) else {
        return;
    };
    let Some(conds) = new.get_mut("conditions").and_then(Value::as_array_mut) else {
        return;
    };
    for c in conds {
        let same = old
            .iter()
            .find(|o| o.get("type") == c.get("type") && o.get("status") == c.get("status"));
        if let (Some(o), Some(obj)) = (same, c.as_object_mut())
            && let Some(t) = o.get("lastTransitionTime")
        {
            obj.insert("lastTransitionTime".into(), t.clone());
        }
    }
}

fn keep_live_since(new: &mut Value, live: &Value) {
    let Some(old) = live.get("announcedTo").and_then(Value::as_array) else {
        return;
    };
    let Some(list) = new.get_mut("announcedTo").and_then(Value::as_array_mut) else {
        return;
    };
    for a in list {
        let same = old.iter().find(|o| o.get("neighbor") == a.get("neighbor"));
        if let (Some(o), Some(obj)) = (same, a.as_object_mut())
            && let Some(t) = o.get("since")
        {
            obj.insert("since".into(), t.clone());
        }
    }
}

/// `live`'s status reduced to the fields the operator owns.
pub fn owned(kind: Kind, live: &Value) -> Value {
    let mut out = Map::new();
    for f in owned_fields(kind) {
        if let Some(v) = live.get(*f) {
            out.insert((*f).to_owned(), v.clone());
        }
    }
    Value::Object(out)
}

/// The server-side apply body: apiVersion, kind and the status.
pub fn apply_body(kind: Kind, status: &Value) -> Value {
    json!({
        "apiVersion": kind.api_version(),
        "kind": kind.name(),
        "status": status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::common::StatusCondition;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    fn status(ready: &str, generation: i64) -> ObjectStatus {
        let t = k8s_openapi::jiff::Timestamp::from_second(1_800_000_000).unwrap_or_default();
        ObjectStatus {
            attached_to: Vec::new(),
            key: None,
            observed_generation: generation,
            conditions: vec![StatusCondition {
                type_: "Ready".into(),
                status: ready.into(),
                reason: "Ready".into(),
                message: String::new(),
                last_transition_time: Time(t),
                observed_generation: Some(generation),
            }],
            announced_to: Vec::new(),
            announced_count: 0,
            expires_at: None,
            session: None,
        }
    }

    #[test]
    fn neighbor_status_has_no_route_fields() {
        let v = status_value(Kind::BgpNeighbor, &status("True", 2), 9, &Value::Null);
        assert_eq!(v["observedGeneration"], 2);
        assert!(v.get("announcedCount").is_none());
        let v = status_value(Kind::FlowSpecRule, &status("True", 0), 9, &Value::Null);
        assert_eq!(
            v["observedGeneration"], 9,
            "rejected objects take the live generation"
        );
        assert_eq!(v["conditions"][0]["observedGeneration"], 9);
        assert_eq!(v["announcedCount"], 0);
    }

    #[test]
    fn unchanged_conditions_keep_the_live_time() {
        let live = json!({
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2020-01-01T00:00:00Z"}],
            "observedGeneration": 2, "announcedCount": 0, "foreign": 1,
        });
        let mut same = status_value(Kind::FlowSpecRule, &status("True", 2), 2, &Value::Null);
        keep_live_times(&mut same, &live);
        assert_eq!(
            same["conditions"][0]["lastTransitionTime"],
            "2020-01-01T00:00:00Z"
        );
        let mut flipped = status_value(Kind::FlowSpecRule, &status("False", 2), 2, &Value::Null);
        keep_live_times(&mut flipped, &live);
        assert_ne!(
            flipped["conditions"][0]["lastTransitionTime"],
            "2020-01-01T00:00:00Z"
        );
        assert!(owned(Kind::FlowSpecRule, &live).get("foreign").is_none());
    }
}
