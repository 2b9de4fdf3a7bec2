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
