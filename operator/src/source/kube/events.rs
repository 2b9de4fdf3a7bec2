//! Events on status transitions (pure): what to tell `kubectl describe` when an object's
//! status changes, never on a pass that changes nothing.
//!
//! - Warning `Rejected`: `Accepted` became False (or its reason changed), with the reason.
//! - Normal `Programmed`: `Programmed` became True.
//! - Normal `Announced`: a rule or route went from no neighbor to at least one (replaces
//!   `Programmed` when both happen at once).
//! - Normal `Withdrawn`: it went from some neighbors to none while the speaker was reachable.
//! - Normal `Expired`: it was withdrawn at its expiry.
//! - BgpNeighbor: Normal `SessionEstablished` when its session became Established, Warning
//!   `SessionDown` when it left Established (with the Ready message: state and last error).

use kube::runtime::events::{Event, EventType};
use serde_json::Value;

use super::kinds::Kind;
use crate::crd::common::condition_type as ct;

/// One Event to publish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// Warning rather than Normal.
    pub warning: bool,
    /// The Event's reason.
    pub reason: &'static str,
    /// The Event's note.
    pub note: String,
}

impl Transition {
    /// The kube-runtime Event.
    pub fn event(&self) -> Event {
        Event {
            type_: if self.warning {
                EventType::Warning
            } else {
                EventType::Normal
            },
            reason: self.reason.to_owned(),
            note: Some(self.note.chars().take(1000).collect()),
            action: "Reconcile".to_owned(),
            secondary: None,
        }
    }
}

fn condition<'a>(status: &'a Value, type_: &str) -> Option<&'a Value> {
    status
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_))
}

fn field<'a>(c: Option<&'a Value>, name: &str) -> &'a str {
    c.and_then(|c| c.get(name))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn count(status: &Value) -> u64 {
    status
        .get("announcedCount")
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

/// The Events for a status going from `prev` to `new` (both in the kind's status shape).
pub fn transitions(kind: Kind, prev: &Value, new: &Value) -> Vec<Transition> {
    let mut out = Vec::new();
    let (pa, na) = (condition(prev, ct::ACCEPTED), condition(new, ct::ACCEPTED));
    let rejected = field(na, "status") == "False";
    let rejection_changed = field(pa, "status") != "False"
        || field(pa, "reason") != field(na, "reason")
        || field(pa, "message") != field(na, "message");
    if rejected && rejection_changed {
        out.push(Transition {
            warning: true,
            reason: "Rejected",
            note: format!("{}: {}", field(na, "reason"), field(na, "message")),
        });
    }
    let (pp, np) = (
        condition(prev, ct::PROGRAMMED),
        condition(new, ct::PROGRAMMED),
    );
    let now_true = field(np, "status") == "True";
    if now_true && field(pp, "status") != "True" {
        out.push(Transition {
            warning: false,
            reason: "Programmed",
            note: field(np, "message").to_owned(),
        });
    }
    if field(np, "reason") == "Expired" && field(pp, "reason") != "Expired" {
        out.push(Transition {
            warning: false,
            reason: "Expired",
            note: "withdrawn at its expiry".to_owned(),
        });
    }
    if kind == Kind::BgpNeighbor {
        session(prev, new, &mut out);
    } else {
        announcements(prev, new, field(np, "status") != "Unknown", &mut out);
        // One Event where one says it all: "Announced" implies "Programmed" (10 000 new
        // rules make 10 000 Events, not 20 000).
        if out.iter().any(|t| t.reason == "Announced") {
            out.retain(|t| t.reason != "Programmed");
        }
    }
    out
}

fn session(prev: &Value, new: &Value, out: &mut Vec<Transition>) {
    let up = |s: &Value| s.get("sessionState").and_then(Value::as_str) == Some("Established");
    match (up(prev), up(new)) {
        (false, true) => out.push(Transition {
            warning: false,
            reason: "SessionEstablished",
            note: "the BGP session is Established".to_owned(),
        }),
        (true, false) => out.push(Transition {
            warning: true,
            reason: "SessionDown",
            note: field(condition(new, ct::READY), "message").to_owned(),
        }),
        _ => {}
    }
}

fn announcements(prev: &Value, new: &Value, known: bool, out: &mut Vec<Transition>) {
    let expired = out.iter().any(|t| t.reason == "Expired");
    match (count(prev), count(new)) {
        (0, n) if n > 0 => {
            let names: Vec<&str> = new
                .get("announcedTo")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.get("neighbor")?.as_str())
                        .collect()
                })
                .unwrap_or_default();
            out.push(Transition {
                warning: false,
                reason: "Announced",
                note: format!("announced to {}", names.join(", ")),
            });
        }
        (p, 0) if p > 0 && known && !expired => out.push(Transition {
            warning: false,
            reason: "Withdrawn",
            note: "announced to no neighbor any more".to_owned(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn st(accepted: (&str, &str), programmed: (&str, &str), count: u64) -> Value {
        json!({
            "conditions": [
                {"type": "Accepted", "status": accepted.0, "reason": accepted.1, "message": "m"},
                {"type": "Programmed", "status": programmed.0, "reason": programmed.1, "message": "held"},
            ],
            "announcedCount": count,
            "announcedTo": [{"neighbor": "edge1"}],
        })
    }

    fn reasons(t: Vec<Transition>) -> Vec<&'static str> {
        t.into_iter().map(|t| t.reason).collect()
    }

    #[test]
    fn events_follow_transitions_only() {
        let ok = st(("True", "Valid"), ("True", "Programmed"), 1);
        let k = Kind::FlowSpecRule;
        assert_eq!(reasons(transitions(k, &json!({}), &ok)), ["Announced"]);
        let unannounced = st(("True", "Valid"), ("True", "Programmed"), 0);
        assert_eq!(
            reasons(transitions(k, &json!({}), &unannounced)),
            ["Programmed"]
        );
        assert!(transitions(k, &ok, &ok).is_empty());
        let bad = st(("False", "Invalid"), ("False", "NotAccepted"), 0);
        let t = transitions(k, &ok, &bad);
        assert!(t[0].warning && t[0].reason == "Rejected" && t[0].note == "Invalid: m");
        assert_eq!(reasons(t), ["Rejected", "Withdrawn"]);
        assert!(transitions(k, &bad, &bad).is_empty());
        let expired = st(("True", "Valid"), ("False", "Expired"), 0);
        assert_eq!(reasons(transitions(k, &ok, &expired)), ["Expired"]);
        let away = st(("True", "Valid"), ("Unknown", "SpeakerUnavailable"), 0);
        assert!(
            transitions(k, &ok, &away).is_empty(),
            "an unreachable speaker is no withdrawal"
        );
        let n = Kind::BgpNeighbor;
        assert_eq!(reasons(transitions(n, &json!({}), &ok)), ["Programmed"]);
    }

    #[test]
    fn neighbor_session_events() {
        let n = Kind::BgpNeighbor;
        let up = json!({"sessionState": "Established"});
        let down = json!({"sessionState": "Active", "conditions": [
            {"type": "Ready", "status": "False", "message": "session Active: connect: refused"}]});
        let t = transitions(n, &down, &up);
        assert_eq!(reasons(t), ["SessionEstablished"]);
        let t = transitions(n, &up, &down);
        assert!(t[0].warning && t[0].note == "session Active: connect: refused");
        assert_eq!(reasons(t), ["SessionDown"]);
        assert!(transitions(n, &up, &up).is_empty());
        assert!(transitions(n, &down, &down).is_empty());
        assert!(
            transitions(Kind::FlowSpecRule, &down, &up).is_empty(),
            "routes have no session"
        );
    }
}
