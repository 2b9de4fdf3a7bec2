//! Layer: pure unit. Session state, establishedSince, counter refresh, Ready reasons.

use super::*;
use bgpd_api::v1::FamilyCounters as WireCounters;

fn wire(state: Wire, since: u64, received: u64, error: &str) -> NeighborState {
    NeighborState {
        session_state: state as i32,
        established_since_unix_seconds: since,
        last_error: error.into(),
        remote_router_id: "10.0.0.1".into(),
        families: vec![
            WireCounters {
                family: "ipv4_unicast".into(),
                received,
                accepted: received,
                advertised: 2,
            },
            WireCounters {
                family: "l2vpn_evpn".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    }
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn states_map_and_unknown_families_are_dropped() {
    let table = [
        (Wire::Unspecified, None),
        (Wire::Idle, Some(SessionState::Idle)),
        (Wire::Connect, Some(SessionState::Connect)),
        (Wire::Active, Some(SessionState::Active)),
        (Wire::OpenSent, Some(SessionState::OpenSent)),
        (Wire::OpenConfirm, Some(SessionState::OpenConfirm)),
        (Wire::Established, Some(SessionState::Established)),
    ];
    for (w, want) in table {
        let s = session_of(&wire(w, 0, 0, ""));
        assert_eq!(s.state, want, "{w:?}");
        assert_eq!(s.families.len(), 1, "l2vpn_evpn is not a CRD family");
    }
    let s = session_of(&wire(Wire::Established, 1_700_000_000, 7, ""));
    assert_eq!(s.established_since, Some(at(1_700_000_000)));
    assert_eq!(s.families[0].received, 7);
    assert_eq!(
        session_of(&wire(Wire::Idle, 0, 0, "")).established_since,
        None
    );
}

#[test]
fn established_since_only_while_established_and_stable() {
    let up = session_of(&wire(Wire::Established, 1_700_000_000, 3, ""));
    let a = session_status(&up, None, at(1_700_000_100));
    let b = session_status(&up, Some(&a), at(1_700_000_101));
    assert_eq!(
        a.established_since, b.established_since,
        "no jitter per pass"
    );
    assert_eq!(
        a.established_since,
        Some(crate::status::time(at(1_700_000_000)))
    );
    let down = session_of(&wire(Wire::Active, 1_700_000_000, 0, "connect: refused"));
    let c = session_status(&down, Some(&b), at(1_700_000_200));
    assert_eq!(c.established_since, None);
    assert_eq!(c.last_error.as_deref(), Some("connect: refused"));
    assert_eq!(c.session_state, Some(SessionState::Active));
}

#[test]
fn counters_refresh_on_state_change_while_young_or_when_stale() {
    let t0 = 1_700_000_000;
    let s = |n| session_of(&wire(Wire::Established, t0, n, ""));
    // (pass time, received now, received shown)
    let table = [
        (t0 + 1, 1, 1),    // first status
        (t0 + 10, 5, 5),   // young session: every pass
        (t0 + 40, 9, 9),   // old enough, but the counters are 30 s old: refreshed
        (t0 + 50, 12, 9),  // refreshed 10 s ago: kept
        (t0 + 69, 13, 9),  // 29 s ago: kept
        (t0 + 70, 14, 14), // 30 s: refreshed
    ];
    let mut prev: Option<SessionStatus> = None;
    for (now, received, shown) in table {
        let st = session_status(&s(received), prev.as_ref(), at(now));
        assert_eq!(st.families[0].received, shown, "at +{}", now - t0);
        prev = Some(st);
    }
    // A state change refreshes at once.
    let down = session_of(&wire(Wire::Idle, t0, 0, "hold timer expired"));
    let st = session_status(&down, prev.as_ref(), at(t0 + 75));
    assert_eq!(st.families[0].received, 0);
}

#[test]
fn not_ready_names_state_and_error() {
    let table = [
        (None, "", Some("the speaker reported no session state")),
        (Some(Wire::Established), "", None),
        (
            Some(Wire::Active),
            "connect: connection refused",
            Some("session Active: connect: connection refused"),
        ),
        (Some(Wire::Idle), "", Some("session Idle")),
        (Some(Wire::Unspecified), "", Some("session unknown")),
    ];
    for (w, error, want) in table {
        let st = w.map(|w| session_status(&session_of(&wire(w, 1, 0, error)), None, at(2)));
        assert_eq!(not_ready(st.as_ref()).as_deref(), want, "{w:?}");
    }
}
