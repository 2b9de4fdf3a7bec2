//! Layer: pure unit. Conditions for each outcome.

use std::time::UNIX_EPOCH;

use super::*;

fn planned(outcome: Outcome, selected: &[(&str, &str)]) -> Planned {
    Planned {
        key: ObjectKey {
            kind: "FlowSpecRule".into(),
            namespace: "ns".into(),
            name: "r".into(),
        },
        id: "dir:r".into(),
        generation: 4,
        outcome,
        expires_at: None,
        selected: selected
            .iter()
            .map(|(n, a)| ((*n).into(), (*a).into()))
            .collect(),
        problem: None,
    }
}

fn statuses(s: &ObjectStatus) -> Vec<(String, String, String)> {
    s.conditions
        .iter()
        .map(|c| (c.type_.clone(), c.status.clone(), c.reason.clone()))
        .collect()
}

fn triple(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.into(), b.into(), c.into())
}

#[test]
fn programmed_and_announced() {
    let view = SpeakerView {
        connected: true,
        held: ["dir:r".to_owned()].into(),
        advertised: [(
            "dir:r".to_owned(),
            vec!["192.0.2.1".to_owned(), "192.0.2.9".to_owned()],
        )]
        .into(),
        ..Default::default()
    };
    let s = compute(
        &planned(Outcome::Desired, &[("fra", "192.0.2.1")]),
        &view,
        None,
        UNIX_EPOCH,
    );
    assert_eq!(
        statuses(&s),
        vec![
            triple("Accepted", "True", "Valid"),
            triple("Programmed", "True", "Programmed"),
            triple("Ready", "True", "Ready")
        ]
    );
    assert_eq!(s.observed_generation, 4);
    assert_eq!(s.announced_to.len(), 1, "only selected neighbors are named");
    assert_eq!(s.announced_to[0].neighbor, "fra");
    let all = compute(&planned(Outcome::Desired, &[]), &view, None, UNIX_EPOCH);
    assert_eq!(
        all.announced_count, 2,
        "no selector: every address the speaker reports"
    );
}

#[test]
fn not_ready_reasons() {
    let view = SpeakerView {
        connected: true,
        ..Default::default()
    };
    let s = compute(
        &planned(Outcome::Rejected("bad port".into()), &[]),
        &view,
        None,
        UNIX_EPOCH,
    );
    assert_eq!(statuses(&s)[0], triple("Accepted", "False", "Invalid"));
    assert_eq!(s.conditions[2].message, "bad port");
    let s = compute(&planned(Outcome::Expired, &[]), &view, None, UNIX_EPOCH);
    assert_eq!(statuses(&s)[2], triple("Ready", "False", "Expired"));
    let s = compute(
        &planned(Outcome::Desired, &[]),
        &SpeakerView::default(),
        None,
        UNIX_EPOCH,
    );
    assert_eq!(
        statuses(&s)[1],
        triple("Programmed", "Unknown", "SpeakerUnavailable")
    );
    let refused = SpeakerView {
        connected: true,
        refused: [("dir:r".to_owned(), "rule: no".to_owned())].into(),
        ..Default::default()
    };
    let s = compute(&planned(Outcome::Desired, &[]), &refused, None, UNIX_EPOCH);
    assert_eq!(
        statuses(&s)[0],
        triple("Accepted", "False", "SpeakerRejected")
    );
}

#[test]
fn transition_time_is_kept_while_status_holds() {
    let view = SpeakerView {
        connected: true,
        held: ["dir:r".to_owned()].into(),
        ..Default::default()
    };
    let first = compute(&planned(Outcome::Desired, &[]), &view, None, UNIX_EPOCH);
    let later = compute(
        &planned(Outcome::Desired, &[]),
        &view,
        Some(&first),
        UNIX_EPOCH + std::time::Duration::from_secs(60),
    );
    assert_eq!(first.conditions, later.conditions);
}

#[test]
fn announced_since_is_stable_and_resets_when_the_neighbor_drops_out() {
    let view = |addrs: &[&str]| SpeakerView {
        connected: true,
        held: ["dir:r".to_owned()].into(),
        advertised: [(
            "dir:r".to_owned(),
            addrs.iter().map(|a| (*a).to_owned()).collect(),
        )]
        .into(),
        ..Default::default()
    };
    let sel = [("fra", "192.0.2.1"), ("ams", "192.0.2.2")];
    let at = |s| UNIX_EPOCH + std::time::Duration::from_secs(s);
    let since = |s: &ObjectStatus, n: &str| {
        s.announced_to
            .iter()
            .find(|a| a.neighbor == n)
            .and_then(|a| a.since.clone())
    };
    let p = planned(Outcome::Desired, &sel);
    let a = compute(&p, &view(&["192.0.2.1"]), None, at(10));
    let b = compute(&p, &view(&["192.0.2.1", "192.0.2.2"]), Some(&a), at(20));
    assert_eq!(since(&b, "fra"), Some(time(at(10))), "kept across passes");
    assert_eq!(since(&b, "ams"), Some(time(at(20))), "first seen now");
    let c = compute(&p, &view(&["192.0.2.2"]), Some(&b), at(30));
    assert_eq!(since(&c, "fra"), None);
    let d = compute(&p, &view(&["192.0.2.1", "192.0.2.2"]), Some(&c), at(40));
    assert_eq!(
        since(&d, "fra"),
        Some(time(at(40))),
        "reset after it dropped out"
    );
    assert_eq!(since(&d, "ams"), Some(time(at(20))));
}

fn neighbor() -> Planned {
    Planned {
        key: ObjectKey {
            kind: "BgpNeighbor".into(),
            namespace: String::new(),
            name: "edge1".into(),
        },
        id: "dir:edge1".into(),
        generation: 1,
        outcome: Outcome::Desired,
        expires_at: None,
        selected: Vec::new(),
        problem: None,
    }
}

#[test]
fn neighbor_ready_follows_the_session() {
    use crate::crd::bgp_neighbor::SessionState as S;
    let view = |state: Option<S>, error: &str| SpeakerView {
        connected: true,
        held: ["dir:edge1".to_owned()].into(),
        sessions: state
            .map(|st| {
                let s = session::Session {
                    state: Some(st),
                    last_error: error.into(),
                    ..Default::default()
                };
                ("dir:edge1".to_owned(), s)
            })
            .into_iter()
            .collect(),
        ..Default::default()
    };
    // (session, last error, Ready, reason, message)
    let table = [
        (Some(S::Established), "", "True", "Ready", ""),
        (
            Some(S::Active),
            "connect: connection refused",
            "False",
            "SessionNotEstablished",
            "session Active: connect: connection refused",
        ),
        (
            Some(S::OpenSent),
            "",
            "False",
            "SessionNotEstablished",
            "session OpenSent",
        ),
        (
            None,
            "",
            "False",
            "SessionNotEstablished",
            "the speaker reported no session state",
        ),
    ];
    for (state, error, ready, reason, message) in table {
        let s = compute(&neighbor(), &view(state, error), None, UNIX_EPOCH);
        assert_eq!(
            statuses(&s),
            vec![
                triple("Accepted", "True", "Valid"),
                triple("Programmed", "True", "Programmed"),
                triple("Ready", ready, reason)
            ],
            "{state:?}"
        );
        assert_eq!(s.conditions[2].message, message);
        assert_eq!(s.session.as_ref().and_then(|x| x.session_state), state);
    }
    // Not programmed: the Programmed reason wins, as for the other kinds.
    let gone = SpeakerView {
        connected: true,
        ..Default::default()
    };
    let s = compute(&neighbor(), &gone, None, UNIX_EPOCH);
    assert_eq!(statuses(&s)[2], triple("Ready", "False", "Pending"));
    // A route kind never carries a session.
    let s = compute(
        &planned(Outcome::Desired, &[]),
        &view(Some(S::Idle), ""),
        None,
        UNIX_EPOCH,
    );
    assert!(s.session.is_none());
}
