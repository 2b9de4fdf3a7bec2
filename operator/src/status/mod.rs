//! Status (pure): per object, the kstatus conditions `Accepted`, `Programmed` and `Ready`,
//! `observedGeneration`, and `announcedTo` from what the speaker reports; for a
//! `BgpNeighbor`, its session (see [`session`]).
//!
//! `announcedTo[].since` is the first pass that saw the object advertised to that neighbor
//! (kept from the previous status, reset when the neighbor drops out), so it is stable.

pub mod session;

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde::Serialize;

use crate::crd::common::{
    Announcement, StatusCondition, condition_status as cs, condition_type as ct,
};
use crate::model::ObjectKey;
use crate::plan::{Outcome, Planned};
use session::{Session, SessionStatus, not_ready, session_status};

/// The kind whose status carries a session.
const NEIGHBOR: &str = "BgpNeighbor";

/// What the speaker reported in the last reconcile pass.
#[derive(Clone, Debug, Default)]
pub struct SpeakerView {
    /// Whether the pass reached the speaker.
    pub connected: bool,
    /// Ids the speaker holds (neighbors: the id in their description).
    pub held: BTreeSet<String>,
    /// Id → neighbor addresses the object is advertised to.
    pub advertised: BTreeMap<String, Vec<String>>,
    /// Id → why the speaker refused the object.
    pub refused: BTreeMap<String, String>,
    /// Neighbor id → its session, as `ListNeighbors` reports it.
    pub sessions: BTreeMap<String, Session>,
}

/// The status of one object, in the CRDs' status shape (the common part).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectStatus {
    /// Which object (not part of the CR status; for the writer).
    #[serde(skip)]
    pub key: Option<ObjectKey>,
    /// The generation this status describes.
    pub observed_generation: i64,
    /// Accepted, Programmed, Ready.
    pub conditions: Vec<StatusCondition>,
    /// The neighbors it is announced to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub announced_to: Vec<Announcement>,
    /// How many.
    pub announced_count: u32,
    /// When it will be withdrawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Time>,
    /// A `RoutePolicy`'s attachments ("global-import", "export:NEIGHBOR", ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attached_to: Vec<String>,
    /// A `BgpNeighbor`'s session (flattened into the status, as in the CRD).
    #[serde(flatten)]
    pub session: Option<SessionStatus>,
}

pub(crate) fn time(t: SystemTime) -> Time {
    Time(k8s_openapi::jiff::Timestamp::try_from(t).unwrap_or_default())
}

fn condition(
    type_: &str,
    ok: Option<bool>,
    reason: &str,
    message: &str,
    generation: i64,
    now: SystemTime,
) -> StatusCondition {
    let status = match ok {
        Some(true) => cs::TRUE,
        Some(false) => cs::FALSE,
        None => cs::UNKNOWN,
    };
    StatusCondition {
        type_: type_.to_owned(),
        status: status.to_owned(),
        reason: reason.to_owned(),
        message: message.to_owned(),
        last_transition_time: time(now),
        observed_generation: Some(generation),
    }
}

/// The status of one planned object. `previous` keeps `lastTransitionTime` of conditions
/// whose status did not change.
pub fn compute(
    p: &Planned,
    view: &SpeakerView,
    previous: Option<&ObjectStatus>,
    now: SystemTime,
) -> ObjectStatus {
    let g = p.generation;
    let accepted = match (&p.outcome, view.refused.get(&p.id)) {
        (Outcome::Rejected(r), _) => condition(ct::ACCEPTED, Some(false), "Invalid", r, g, now),
        (_, Some(r)) => condition(ct::ACCEPTED, Some(false), "SpeakerRejected", r, g, now),
        (_, None) if p.problem.is_some() => {
            let (reason, message) = p.problem.clone().unwrap_or_default();
            condition(ct::ACCEPTED, Some(false), &reason, &message, g, now)
        }
        _ => condition(ct::ACCEPTED, Some(true), "Valid", "", g, now),
    };
    let held = view.held.contains(&p.id);
    let programmed = match &p.outcome {
        Outcome::Expired => condition(
            ct::PROGRAMMED,
            Some(false),
            "Expired",
            "withdrawn at its expiry",
            g,
            now,
        ),
        Outcome::Rejected(_) if held => condition(
            ct::PROGRAMMED,
            Some(true),
            "PreviousVersionKept",
            "the speaker keeps the last accepted version",
            g,
            now,
        ),
        Outcome::Rejected(_) => condition(ct::PROGRAMMED, Some(false), "NotAccepted", "", g, now),
        Outcome::Desired if !view.connected => condition(
            ct::PROGRAMMED,
            None,
            "SpeakerUnavailable",
            "the speaker could not be reached",
            g,
            now,
        ),
        Outcome::Desired if held => condition(
            ct::PROGRAMMED,
            Some(true),
            "Programmed",
            "held by the speaker",
            g,
            now,
        ),
        Outcome::Desired => condition(
            ct::PROGRAMMED,
            Some(false),
            "Pending",
            "not held by the speaker yet",
            g,
            now,
        ),
    };
    let session = session_part(p, view, previous, now);
    let ready_ok = accepted.status == cs::TRUE && programmed.status == cs::TRUE;
    let down = (p.key.kind == NEIGHBOR && ready_ok)
        .then(|| not_ready(session.as_ref()))
        .flatten();
    let ready = if let Some(why) = down {
        condition(
            ct::READY,
            Some(false),
            "SessionNotEstablished",
            &why,
            g,
            now,
        )
    } else if ready_ok {
        condition(ct::READY, Some(true), "Ready", "", g, now)
    } else {
        let failing = if accepted.status != cs::TRUE {
            &accepted
        } else {
            &programmed
        };
        condition(
            ct::READY,
            Some(false),
            &failing.reason,
            &failing.message,
            g,
            now,
        )
    };
    let mut conditions = vec![accepted, programmed, ready];
    keep_transition_times(&mut conditions, previous);
    let announced_to = announced(p, view, previous, now);
    ObjectStatus {
        key: Some(p.key.clone()),
        observed_generation: g,
        announced_count: u32::try_from(announced_to.len()).unwrap_or(u32::MAX),
        conditions,
        announced_to,
        expires_at: p.expires_at.map(time),
        attached_to: attached_to(p),
        session,
    }
}

/// A neighbor's session status; `None` for the other kinds and when the speaker did not
/// report one (not connected, or not configured there).
fn session_part(
    p: &Planned,
    view: &SpeakerView,
    previous: Option<&ObjectStatus>,
    now: SystemTime,
) -> Option<SessionStatus> {
    if p.key.kind != NEIGHBOR {
        return None;
    }
    let s = view.sessions.get(&p.id)?;
    Some(session_status(
        s,
        previous.and_then(|o| o.session.as_ref()),
        now,
    ))
}

/// A policy's attachments, which the planner passes as `selected` labels.
fn attached_to(p: &Planned) -> Vec<String> {
    if p.key.kind != crate::plan::policy::KIND {
        return Vec::new();
    }
    let mut v: Vec<String> = p.selected.iter().map(|(label, _)| label.clone()).collect();
    v.sort();
    v.dedup();
    v
}

fn keep_transition_times(conditions: &mut [StatusCondition], previous: Option<&ObjectStatus>) {
    let Some(prev) = previous else { return };
    for c in conditions {
        if let Some(old) = prev
            .conditions
            .iter()
            .find(|o| o.type_ == c.type_ && o.status == c.status)
        {
            c.last_transition_time = old.last_transition_time.clone();
        }
    }
}

/// `announcedTo`: the selected neighbors the speaker advertises to; without a selector, every
/// address the speaker reports (named by address).
fn announced(
    p: &Planned,
    view: &SpeakerView,
    previous: Option<&ObjectStatus>,
    now: SystemTime,
) -> Vec<Announcement> {
    let Some(addrs) = view.advertised.get(&p.id) else {
        return Vec::new();
    };
    // Since the first pass it was seen advertised there.
    let since = |neighbor: &str| {
        previous
            .and_then(|o| o.announced_to.iter().find(|a| a.neighbor == neighbor))
            .and_then(|a| a.since.clone())
            .unwrap_or_else(|| time(now))
    };
    let name_of = |a: &String| {
        p.selected
            .iter()
            .find(|(_, addr)| addr == a)
            .map(|(n, _)| n.clone())
    };
    let mut out: Vec<Announcement> = addrs
        .iter()
        .filter_map(|a| match name_of(a) {
            Some(name) => Some(Announcement {
                since: Some(since(&name)),
                neighbor: name,
                address: Some(a.clone()),
            }),
            None if p.selected.is_empty() => Some(Announcement {
                neighbor: a.clone(),
                address: Some(a.clone()),
                since: Some(since(a)),
            }),
            None => None,
        })
        .collect();
    out.sort_by(|a, b| a.neighbor.cmp(&b.neighbor));
    out
}

#[cfg(test)]
mod tests;
