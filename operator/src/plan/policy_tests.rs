//! Layer: pure unit. Table tests of the RoutePolicy planner: spec (YAML) → the speaker's
//! policy as proto3 JSON, and the chains of neighbors and the global chains.

use std::time::{Duration, UNIX_EPOCH};

use serde_json::json;

use crate::model::{Inputs, Object, ObjectKey};
use crate::plan::{Outcome, plan};

fn obj<S: serde::de::DeserializeOwned>(kind: &str, name: &str, spec: &str) -> Object<S> {
    Object {
        key: ObjectKey {
            kind: kind.into(),
            namespace: String::new(),
            name: name.into(),
        },
        id: format!("dir:{name}"),
        labels: Default::default(),
        generation: 2,
        created: UNIX_EPOCH + Duration::from_secs(1),
        spec: serde_yaml::from_str(spec).expect("spec parses"),
    }
}

fn policy_json(spec: &str) -> serde_json::Value {
    let (p, sets) = super::policy(&obj("RoutePolicy", "p", spec));
    json!({
        "policy": serde_json::to_value(&p).expect("json"),
        "sets": sets.iter().map(|s| json!([s.kind, s.name, s.members])).collect::<Vec<_>>(),
    })
}

#[test]
fn statements_map_onto_the_speaker_model() {
    let cases = [
        (
            "{statements: [{match: {prefixes: [{prefix: 10.0.0.0/8}]}, action: deny}]}",
            json!({"defaultAction": "next", "statements": [{"action": "deny",
                "matchPrefixes": [{"prefix": "10.0.0.0/8", "ge": 8, "le": 8}]}]}),
        ),
        (
            "{statements: [{match: {prefixes: [{prefix: '2001:db8::/32', ge: 48}]}}]}",
            json!({"defaultAction": "next", "statements": [{"action": "permit",
                "matchPrefixes": [{"prefix": "2001:db8::/32", "ge": 48, "le": 128}]}]}),
        ),
        (
            "{defaultAction: deny, statements: [{set: {asPathPrepend: {count: 3}, \
              med: {subtract: 5}, communities: {add: ['65000:1'], replace: []}, \
              nextHop: self, localPref: 50}, action: next}]}",
            json!({"defaultAction": "deny", "statements": [{"action": "next",
                "setAsPathPrepend": {"count": 3}, "adjustMed": "-5",
                "addCommunities": ["65000:1"], "replaceCommunities": {},
                "setNextHop": "self", "setLocalPref": 50}]}),
        ),
        (
            "{statements: [{match: {family: ipv4_unicast, routeSource: learned, \
              neighbors: [192.0.2.1], asPath: {maxLength: 3, originAsns: [64500]}}}]}",
            json!({"defaultAction": "next", "statements": [{"action": "permit",
                "matchFamily": "ipv4_unicast", "matchRouteSource": "learned",
                "matchNeighbors": ["192.0.2.1"],
                "matchAsPathLength": {"max": 3}, "matchOriginAsns": [64500]}]}),
        ),
    ];
    for (spec, want) in cases {
        let got = policy_json(spec)["policy"].clone();
        let mut want = want;
        want["name"] = json!("dir:p");
        assert_eq!(got, want, "{spec}");
    }
}

#[test]
fn community_and_as_path_regex_matches_become_owned_sets() {
    let got = policy_json(
        "{statements: [{match: {communities: {matchType: none, values: ['65000:666']}, \
          asPath: {regex: ['_65002_']}}, action: deny}]}",
    );
    assert_eq!(
        got["sets"],
        json!([
            ["community", "dir:p/0/community", ["65000:666"]],
            ["as_path", "dir:p/0/as_path", ["_65002_"]]
        ])
    );
    let s = &got["policy"]["statements"][0];
    assert_eq!(s["matchCommunitySet"], "dir:p/0/community");
    assert_eq!(s["matchAsPathSet"], "dir:p/0/as_path");
    assert_eq!(s["matchOptions"], json!({"communitySet": "none"}));
}

fn inputs() -> Inputs {
    Inputs {
        neighbors: vec![
            obj(
                "BgpNeighbor",
                "ams",
                "{address: 192.0.2.1, remoteAsn: 65001, exportPolicies: [prepend], \
                  importPolicies: [hygiene]}",
            ),
            obj(
                "BgpNeighbor",
                "fra",
                "{address: 192.0.2.2, remoteAsn: 65002, exportPolicies: [prepend, missing]}",
            ),
            obj(
                "BgpNeighbor",
                "lab",
                "{address: 192.0.2.3, remoteAsn: 65003}",
            ),
        ],
        policies: vec![
            obj(
                "RoutePolicy",
                "prepend",
                "{statements: [{set: {asPathPrepend: {count: 2}}}]}",
            ),
            obj(
                "RoutePolicy",
                "hygiene",
                "{globalImport: true, globalExport: true, order: 5, defaultAction: permit}",
            ),
            obj(
                "RoutePolicy",
                "first",
                "{globalImport: true, order: -1, defaultAction: next}",
            ),
        ],
        ..Inputs::default()
    }
}

#[test]
fn chains_resolve_names_and_a_missing_name_keeps_the_neighbor_chains() {
    let p = plan(&inputs(), UNIX_EPOCH);
    let chains: Vec<_> = p
        .desired
        .neighbor_chains
        .iter()
        .map(|c| {
            (
                c.address.as_str(),
                c.import_policies.clone(),
                c.export_policies.clone(),
            )
        })
        .collect();
    assert_eq!(
        chains,
        [
            (
                "192.0.2.1",
                vec!["dir:hygiene".to_owned()],
                vec!["dir:prepend".to_owned()]
            ),
            ("192.0.2.3", vec![], vec![]),
        ]
    );
    assert!(p.desired.keep_chains.contains("192.0.2.2"));
    // The neighbor is still programmed, with the problem on it.
    assert_eq!(p.desired.neighbors.len(), 3);
    let fra = p.objects.iter().find(|o| o.key.name == "fra").expect("fra");
    assert_eq!(fra.outcome, Outcome::Desired);
    let (reason, message) = fra.problem.clone().expect("a problem");
    assert_eq!(reason, "PolicyNotFound");
    assert!(message.contains("\"missing\""), "{message}");
    assert_eq!(p.desired.global_import, ["dir:first", "dir:hygiene"]);
    assert_eq!(p.desired.global_export, ["dir:hygiene"]);
}

#[test]
fn policies_record_where_they_are_attached() {
    let p = plan(&inputs(), UNIX_EPOCH);
    let labels = |name: &str| -> Vec<String> {
        let o = p
            .objects
            .iter()
            .find(|o| o.key.name == name)
            .expect("object");
        o.selected.iter().map(|(l, _)| l.clone()).collect()
    };
    assert_eq!(labels("prepend"), ["export:ams"]);
    assert_eq!(
        labels("hygiene"),
        ["import:ams", "global-import", "global-export"]
    );
    assert_eq!(labels("first"), ["global-import"]);
    let names: Vec<_> = p.desired.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["dir:first", "dir:hygiene", "dir:prepend"]);
}
