//! Layer: pure unit. Table tests of the policy differ: ownership by name prefix, sets,
//! neighbor chains, and global chains that keep the speaker's own entries first.

use bgpd_api::v1::{DefinedSet, SetNeighborPoliciesRequest, SetPolicyRequest};

use crate::diff::{Actual, diff};
use crate::plan::DesiredState;

const P: &str = "dir:";

fn pol(name: &str, default_action: &str) -> SetPolicyRequest {
    SetPolicyRequest {
        name: name.into(),
        default_action: default_action.into(),
        statements: vec![],
    }
}

fn set(name: &str, members: &[&str]) -> DefinedSet {
    DefinedSet {
        kind: "community".into(),
        name: name.into(),
        members: members.iter().map(|m| (*m).into()).collect(),
    }
}

fn chain(address: &str, import: &[&str], export: &[&str]) -> SetNeighborPoliciesRequest {
    let v = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect();
    SetNeighborPoliciesRequest {
        address: address.into(),
        import_policies: v(import),
        export_policies: v(export),
    }
}

fn names(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn desired() -> DesiredState {
    DesiredState {
        policies: vec![pol("dir:a", "next"), pol("dir:b", "deny")],
        defined_sets: vec![set("dir:a/0/community", &["65000:1", "65000:2"])],
        neighbor_chains: vec![
            chain("192.0.2.1", &[], &["dir:a"]),
            chain("192.0.2.2", &[], &[]),
        ],
        global_import: vec!["dir:b".into()],
        allow_delete: true,
        ..DesiredState::default()
    }
}

#[test]
fn in_sync_produces_nothing() {
    let d = desired();
    let actual = Actual {
        policies: d.policies.clone(),
        // Listed in another order: still the same set.
        defined_sets: vec![set("dir:a/0/community", &["65000:2", "65000:1"])],
        neighbor_chains: vec![chain("192.0.2.1", &[], &["dir:a"])],
        global_import: vec!["static".into(), "dir:b".into()],
        ..Actual::default()
    };
    let ops = diff(&d, &actual, P);
    assert!(ops.is_empty(), "{ops:#?}");
}

#[test]
fn changes_and_owned_leftovers_become_ops() {
    let d = desired();
    let actual = Actual {
        policies: vec![
            pol("dir:a", "permit"),
            pol("dir:gone", "next"),
            pol("static", "next"),
            pol("k8s:other", "next"),
        ],
        defined_sets: vec![
            set("dir:gone/0/community", &["1:1"]),
            set("static-set", &["1:1"]),
        ],
        neighbor_chains: vec![
            chain("192.0.2.1", &[], &["dir:gone"]),
            chain("192.0.2.2", &["dir:gone"], &[]),
        ],
        global_import: vec!["dir:gone".into(), "static".into()],
        global_export: vec!["dir:gone".into()],
        ..Actual::default()
    };
    let ops = diff(&d, &actual, P);
    let upserted: Vec<_> = ops
        .upsert_policies
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(upserted, ["dir:a", "dir:b"]);
    assert_eq!(names(&ops.delete_policies), ["dir:gone"]);
    assert_eq!(ops.upsert_sets.len(), 1);
    assert_eq!(
        ops.delete_sets,
        [("community".to_owned(), "dir:gone/0/community".to_owned())]
    );
    assert_eq!(ops.set_neighbor_chains, d.neighbor_chains);
    assert_eq!(
        ops.set_global_import,
        Some(vec!["static".into(), "dir:b".into()])
    );
    assert_eq!(ops.set_global_export, Some(vec![]));
}

#[test]
fn kept_chains_and_no_deletes_leave_owned_things_in_place() {
    let mut d = desired();
    d.keep_chains.insert("192.0.2.1".into());
    d.allow_delete = false;
    let actual = Actual {
        policies: vec![
            pol("dir:a", "next"),
            pol("dir:b", "deny"),
            pol("dir:old", "next"),
        ],
        defined_sets: d.defined_sets.clone(),
        neighbor_chains: vec![chain("192.0.2.1", &[], &["dir:old"])],
        global_import: vec!["dir:old".into(), "dir:b".into()],
        ..Actual::default()
    };
    let ops = diff(&d, &actual, P);
    assert!(ops.delete_policies.is_empty());
    assert!(
        ops.set_neighbor_chains.is_empty(),
        "{:?}",
        ops.set_neighbor_chains
    );
    // Ours in plan order, the old owned entry kept after them.
    assert_eq!(
        ops.set_global_import,
        Some(vec!["dir:b".into(), "dir:old".into()])
    );
}
