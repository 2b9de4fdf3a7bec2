//! Layer: pure unit + property tests of the differ.

use std::collections::BTreeSet;

use bgpd_api::v1::{AddFlowSpecRequest, AddNeighborRequest, AddPathRequest, FlowSpecRule};
use proptest::prelude::*;

use super::*;

const P: &str = "dir:";

fn path(id: &str, med: u32) -> AddPathRequest {
    AddPathRequest {
        id: id.into(),
        prefix: "203.0.113.0/24".into(),
        med: Some(med),
        ..Default::default()
    }
}

fn flow(id: &str, port: u32) -> AddFlowSpecRequest {
    AddFlowSpecRequest {
        id: id.into(),
        family: "ipv4_flowspec".into(),
        rule: Some(FlowSpecRule {
            destination_ports: vec![port],
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn neighbor(addr: &str, desc: &str, asn: u32) -> AddNeighborRequest {
    AddNeighborRequest {
        address: addr.into(),
        remote_asn: asn,
        description: desc.into(),
        ..Default::default()
    }
}

fn desired(paths: Vec<AddPathRequest>, flowspecs: Vec<AddFlowSpecRequest>) -> DesiredState {
    DesiredState {
        paths,
        flowspecs,
        allow_delete: true,
        ..Default::default()
    }
}

#[test]
fn unchanged_objects_produce_nothing() {
    let d = desired(vec![path("dir:a", 1)], vec![flow("dir:b", 53)]);
    let actual = Actual {
        paths: d.paths.clone(),
        flowspecs: d.flowspecs.clone(),
        neighbors: vec![],
        ..Actual::default()
    };
    assert!(diff(&d, &actual, P).is_empty());
}

#[test]
fn changed_objects_are_upserted_and_stale_owned_ones_deleted() {
    let d = desired(vec![path("dir:a", 2)], vec![]);
    let actual = Actual {
        paths: vec![
            path("dir:a", 1),
            path("dir:gone", 1),
            path("manual", 1),
            path("k8s:x", 1),
        ],
        flowspecs: vec![flow("dir:old", 80)],
        neighbors: vec![],
        ..Actual::default()
    };
    let ops = diff(&d, &actual, P);
    assert_eq!(ops.upsert_paths, vec![path("dir:a", 2)]);
    assert_eq!(
        ops.delete_paths,
        vec!["dir:gone".to_owned()],
        "only our prefix"
    );
    assert_eq!(ops.delete_flowspecs, vec!["dir:old".to_owned()]);
}

#[test]
fn kept_ids_and_blocked_gc_delete_nothing() {
    let mut d = desired(vec![], vec![]);
    d.keep = BTreeSet::from(["dir:bad".to_owned()]);
    let actual = Actual {
        paths: vec![path("dir:bad", 1), path("dir:gone", 1)],
        ..Default::default()
    };
    assert_eq!(
        diff(&d, &actual, P).delete_paths,
        vec!["dir:gone".to_owned()]
    );
    d.allow_delete = false;
    assert!(diff(&d, &actual, P).is_empty());
}

#[test]
fn neighbors_compare_only_what_we_set_and_gc_by_description() {
    let want = neighbor("192.0.2.1", "dir:n1 edge", 64500);
    let mut listed = want.clone();
    listed.hold_time = Some(90);
    listed.port = Some(179);
    listed.families = vec!["ipv4_unicast".into()];
    let d = DesiredState {
        neighbors: vec![want],
        allow_delete: true,
        ..Default::default()
    };
    let actual = Actual {
        neighbors: vec![
            listed,
            neighbor("192.0.2.2", "dir:n2", 1),
            neighbor("192.0.2.3", "static one", 1),
        ],
        ..Default::default()
    };
    let ops = diff(&d, &actual, P);
    assert!(ops.upsert_neighbors.is_empty(), "{ops:?}");
    assert_eq!(ops.delete_neighbors, vec!["192.0.2.2".to_owned()]);
}

#[test]
fn replay_upserts_everything() {
    let d = desired(vec![path("dir:a", 1)], vec![flow("dir:b", 1)]);
    let actual = Actual {
        paths: d.paths.clone(),
        flowspecs: d.flowspecs.clone(),
        neighbors: vec![],
        ..Actual::default()
    };
    let ops = replay(&d, &actual, P);
    assert_eq!(ops.upsert_paths.len(), 1);
    assert_eq!(ops.upsert_flowspecs.len(), 1);
}

#[test]
fn replay_leaves_unchanged_neighbors_alone() {
    // Re-adding a neighbor resets its session on the speaker: a replay after an operator
    // restart must not do it for neighbors the speaker already has as desired.
    let mut d = desired(vec![], vec![]);
    let n = AddNeighborRequest {
        address: "192.0.2.1".into(),
        remote_asn: 64500,
        description: "dir:n".into(),
        ..Default::default()
    };
    d.neighbors = vec![n.clone()];
    let actual = Actual {
        neighbors: vec![n.clone()],
        ..Actual::default()
    };
    assert!(replay(&d, &actual, P).upsert_neighbors.is_empty());
    let ops = replay(&d, &Actual::default(), P);
    assert_eq!(ops.upsert_neighbors, vec![n]);
}

fn id_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u8..6).prop_map(|i| format!("dir:{i}")),
        (0u8..3).prop_map(|i| format!("manual-{i}")),
    ]
}

fn paths_strategy(owned_only: bool) -> impl Strategy<Value = Vec<AddPathRequest>> {
    prop::collection::btree_map(id_strategy(), 0u32..3, 0..6).prop_map(move |m| {
        m.into_iter()
            .filter(|(id, _)| !owned_only || id.starts_with(P))
            .map(|(id, med)| path(&id, med))
            .collect()
    })
}

fn flows_strategy(owned_only: bool) -> impl Strategy<Value = Vec<AddFlowSpecRequest>> {
    prop::collection::btree_map(id_strategy(), 0u32..3, 0..6).prop_map(move |m| {
        m.into_iter()
            .filter(|(id, _)| !owned_only || id.starts_with(P))
            .map(|(id, port)| flow(&id, port))
            .collect()
    })
}

fn sorted(mut a: Actual) -> Actual {
    a.paths.sort_by(|x, y| x.id.cmp(&y.id));
    a.flowspecs.sort_by(|x, y| x.id.cmp(&y.id));
    a.neighbors.sort_by(|x, y| x.address.cmp(&y.address));
    a
}

proptest! {
    /// Applying diff(desired, actual) to actual yields desired, plus the objects we do not own
    /// (which are left alone).
    #[test]
    fn applying_the_diff_yields_desired(
        dp in paths_strategy(true), df in flows_strategy(true),
        ap in paths_strategy(false), af in flows_strategy(false),
    ) {
        let d = desired(dp, df);
        let actual = Actual { paths: ap, flowspecs: af, neighbors: vec![], ..Actual::default() };
        let after = apply_to(&actual, &diff(&d, &actual, P));
        let mut expected = Actual { paths: d.paths.clone(), flowspecs: d.flowspecs.clone(), neighbors: vec![], ..Actual::default() };
        expected.paths.extend(actual.paths.iter().filter(|p| !p.id.starts_with(P)).cloned());
        expected.flowspecs.extend(actual.flowspecs.iter().filter(|f| !f.id.starts_with(P)).cloned());
        prop_assert_eq!(sorted(after), sorted(expected));
    }

    /// diff(x, x) is empty.
    #[test]
    fn diff_of_equal_states_is_empty(dp in paths_strategy(false), df in flows_strategy(false)) {
        let d = desired(dp, df);
        let actual = Actual { paths: d.paths.clone(), flowspecs: d.flowspecs.clone(), neighbors: vec![], ..Actual::default() };
        prop_assert!(diff(&d, &actual, P).is_empty());
    }

    /// A second diff after applying the first is empty (the ops converge in one round).
    #[test]
    fn diff_converges_in_one_round(
        dp in paths_strategy(true), ap in paths_strategy(false), af in flows_strategy(false),
    ) {
        let d = desired(dp, vec![]);
        let actual = Actual { paths: ap, flowspecs: af, neighbors: vec![], ..Actual::default() };
        let after = apply_to(&actual, &diff(&d, &actual, P));
        prop_assert!(diff(&d, &after, P).is_empty());
    }
}
