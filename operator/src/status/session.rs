//! BgpNeighbor session status (pure): the speaker's `NeighborState` in the CRD's words, and
//! the `Ready` condition of a neighbor (its session is Established).
//!
//! Counters change with every UPDATE; rewriting them on every pass would cost one status
//! write per neighbor per pass in Kubernetes. They are refreshed when the session state or
//! the set of families changes, during the first [`COUNTER_REFRESH`] after the session came
//! up (the initial table exchange, when users watch them), and otherwise at most once per
//! [`COUNTER_REFRESH`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bgpd_api::v1::{NeighborState, SessionState as Wire};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde::Serialize;

use crate::crd::bgp_neighbor::{AddressFamily, FamilyCounters, SessionState};

/// The shortest interval between two counter refreshes of a steady session.
pub const COUNTER_REFRESH: Duration = Duration::from_secs(30);

/// What the speaker reports about one neighbor's session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Session {
    /// FSM state; `None` when the speaker reported none.
    pub state: Option<SessionState>,
    /// When the session last became established.
    pub established_since: Option<SystemTime>,
    /// The neighbor's BGP identifier; empty before the first OPEN.
    pub remote_router_id: String,
    /// Counters of the families the operator's CRD knows.
    pub families: Vec<FamilyCounters>,
    /// The last error; empty if none.
    pub last_error: String,
}

/// The session part of a BgpNeighbor's status, in the CRD's shape.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionStatus {
    /// The FSM state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_state: Option<SessionState>,
    /// When the session became established (only while it is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub established_since: Option<Time>,
    /// The neighbor's BGP identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_router_id: Option<String>,
    /// Per-family counters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub families: Vec<FamilyCounters>,
    /// The last error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When `families` was last refreshed (not part of the CR status).
    #[serde(skip)]
    pub counters_at: Option<SystemTime>,
}

/// The speaker's neighbor state in the operator's terms.
pub fn session_of(s: &NeighborState) -> Session {
    let state = match Wire::try_from(s.session_state).unwrap_or(Wire::Unspecified) {
        Wire::Unspecified => None,
        Wire::Idle => Some(SessionState::Idle),
        Wire::Connect => Some(SessionState::Connect),
        Wire::Active => Some(SessionState::Active),
        Wire::OpenSent => Some(SessionState::OpenSent),
        Wire::OpenConfirm => Some(SessionState::OpenConfirm),
        Wire::Established => Some(SessionState::Established),
    };
    let families = s
        .families
        .iter()
        .filter_map(|f| {
            let family: AddressFamily =
                serde_json::from_value(serde_json::Value::String(f.family.clone())).ok()?;
            Some(FamilyCounters {
                family,
                received: f.received,
                accepted: f.accepted,
                advertised: f.advertised,
            })
        })
        .collect();
    Session {
        state,
        established_since: (s.established_since_unix_seconds > 0)
            .then(|| UNIX_EPOCH + Duration::from_secs(s.established_since_unix_seconds)),
        remote_router_id: s.remote_router_id.clone(),
        families,
        last_error: s.last_error.clone(),
    }
}

/// The session status from what the speaker reports now and what was written before
/// (whose counters are kept while they are fresh enough, see the module doc).
pub fn session_status(
    s: &Session,
    previous: Option<&SessionStatus>,
    now: SystemTime,
) -> SessionStatus {
    let up = s.state == Some(SessionState::Established);
    let since = s.established_since.filter(|_| up);
    let mut out = SessionStatus {
        session_state: s.state,
        established_since: since.map(super::time),
        remote_router_id: Some(s.remote_router_id.clone()).filter(|r| !r.is_empty()),
        families: s.families.clone(),
        last_error: Some(s.last_error.clone()).filter(|e| !e.is_empty()),
        counters_at: Some(now),
    };
    let young = since.is_some_and(|t| elapsed(t, now) < COUNTER_REFRESH);
    if let Some(prev) = previous
        && prev.session_state == out.session_state
        && !young
        && same_families(&prev.families, &out.families)
        && prev
            .counters_at
            .is_some_and(|t| elapsed(t, now) < COUNTER_REFRESH)
    {
        out.families = prev.families.clone();
        out.counters_at = prev.counters_at;
    }
    out
}

fn elapsed(since: SystemTime, now: SystemTime) -> Duration {
    now.duration_since(since).unwrap_or_default()
}

fn same_families(a: &[FamilyCounters], b: &[FamilyCounters]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.family == y.family)
}

/// Why a neighbor whose config the speaker holds is not Ready, if it is not: its session is
/// not Established. The message names the state and the last error.
pub fn not_ready(s: Option<&SessionStatus>) -> Option<String> {
    let Some(s) = s else {
        return Some("the speaker reported no session state".to_owned());
    };
    if s.session_state == Some(SessionState::Established) {
        return None;
    }
    let state = s
        .session_state
        .map_or_else(|| "unknown".to_owned(), |st| format!("{st:?}"));
    Some(match &s.last_error {
        Some(e) => format!("session {state}: {e}"),
        None => format!("session {state}"),
    })
}

#[cfg(test)]
mod tests;
