//! Layer: pure unit. Table tests of the planner, golden style: a spec in YAML → the request
//! as the speaker's proto3 JSON, or the error text.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::*;
use crate::model::{Inputs, Object, ObjectKey, Rejected, Unreadable};

fn t(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn obj<S: serde::de::DeserializeOwned>(
    kind: &str,
    name: &str,
    labels: &[(&str, &str)],
    spec: &str,
) -> Object<S> {
    Object {
        key: ObjectKey {
            kind: kind.into(),
            namespace: if kind == "BgpNeighbor" {
                String::new()
            } else {
                "ns".into()
            },
            name: name.into(),
        },
        id: format!("dir:{name}"),
        labels: labels
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect(),
        generation: 3,
        created: t(1_000),
        spec: serde_yaml::from_str(spec).unwrap(),
    }
}

fn neighbors() -> Vec<Object<crate::crd::BgpNeighborSpec>> {
    vec![
        obj(
            "BgpNeighbor",
            "ams",
            &[("role", "edge")],
            "{address: '2001:DB8::1', remoteAsn: 65001, families: [ipv6_flowspec, ipv4_flowspec]}",
        ),
        obj(
            "BgpNeighbor",
            "fra",
            &[("role", "edge")],
            "{address: 192.0.2.1, remoteAsn: 65002, families: [ipv4_flowspec, ipv4_unicast]}",
        ),
        obj(
            "BgpNeighbor",
            "lab",
            &[("role", "lab")],
            "{address: 192.0.2.9, remoteAsn: 65009}",
        ),
    ]
}

fn flowspec_plan(spec: &str) -> Plan {
    let inputs = Inputs {
        neighbors: neighbors(),
        flowspecs: vec![obj("FlowSpecRule", "r", &[], spec)],
        ..Default::default()
    };
    plan(&inputs, t(2_000))
}

fn flowspec_json(spec: &str) -> Value {
    let p = flowspec_plan(spec);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    serde_json::to_value(&p.desired.flowspecs[0]).unwrap()
}

fn flowspec_error(spec: &str) -> String {
    let p = flowspec_plan(spec);
    assert!(p.desired.flowspecs.is_empty());
    assert!(
        p.desired.keep.contains("dir:r"),
        "a rejected object is kept as it is"
    );
    p.errors[0].reason.clone()
}

#[test]
fn flowspec_mappings() {
    let cases: &[(&str, Value)] = &[
        (
            "{match: {destinationPrefix: 203.0.113.10/32, protocols: [udp], sourcePorts: [53], packetLengths: ['>=512']}, actions: {rateLimitBytesPerSecond: 1250000, sample: true}}",
            json!({"id": "dir:r", "family": "ipv4_flowspec", "rule": {"destinationPrefix": "203.0.113.10/32", "protocols": [17], "sourcePorts": [53], "packetLengthMatch": ">=512"}, "actions": {"trafficRateBytes": 1250000.0, "sample": true}}),
        ),
        (
            "{family: ipv6, match: {destinationPrefix: '2001:db8:100::/48', protocols: ['=udp'], destinationPorts: [53, '1024-2048', '>=8000&<=8080'], flowLabel: ['>=1&<=1000'], dscp: [0]}, actions: {redirect: {routeTarget: '64496:100'}, markDscp: 8}}",
            json!({"id": "dir:r", "family": "ipv6_flowspec", "rule": {"destinationPrefix": "2001:db8:100::/48", "protocolMatch": "=udp", "destinationPorts": [53], "destinationPortMatch": "1024-2048 >=8000&<=8080", "flowLabelMatch": ">=1&<=1000", "dscp": [0]}, "actions": {"redirectRt": "64496:100", "markDscp": 8}}),
        ),
        (
            "{family: ipv4, match: {destinationPrefix: 203.0.113.0/24, protocols: [6], destinationPorts: [80, 443], tcpFlags: '=syn&!ack', fragment: is-fragment, icmpTypes: [8], icmpCodes: ['<=3'], ports: [22]}, actions: {discard: true, terminal: true, redirect: {ip: 192.0.2.7}}, description: hi}",
            json!({"id": "dir:r", "family": "ipv4_flowspec", "rule": {"destinationPrefix": "203.0.113.0/24", "protocols": [6], "destinationPorts": [80, 443], "tcpFlags": "=syn&!ack", "fragment": "is-fragment", "icmpTypes": [8], "icmpCodeMatch": "<=3", "ports": [22]}, "actions": {"discard": true, "terminal": true, "redirectIp": "192.0.2.7"}, "description": "hi"}),
        ),
        (
            "{match: {sourcePrefix: 198.51.100.0/24}, actions: {rateLimitPacketsPerSecond: 100}}",
            json!({"id": "dir:r", "family": "ipv4_flowspec", "rule": {"sourcePrefix": "198.51.100.0/24"}, "actions": {"trafficRatePackets": 100.0}}),
        ),
    ];
    for (spec, want) in cases {
        assert_eq!(&flowspec_json(spec), want, "{spec}");
    }
}

#[test]
fn flowspec_selector_resolves_to_addresses_of_neighbors_with_the_family() {
    let v4 = flowspec_json(
        "{match: {destinationPrefix: 203.0.113.10/32}, neighborSelector: {matchLabels: {role: edge}}}",
    );
    assert_eq!(
        v4["neighbors"],
        json!(["2001:db8::1", "192.0.2.1"]),
        "both edge neighbors have ipv4_flowspec, by name"
    );
    let p = flowspec_plan(
        "{match: {destinationPrefix: 203.0.113.10/32}, neighborSelector: {matchLabels: {role: edge}}}",
    );
    assert_eq!(
        p.objects[3].selected,
        vec![
            ("ams".into(), "2001:db8::1".into()),
            ("fra".into(), "192.0.2.1".into())
        ]
    );
    let v6 = flowspec_json(
        "{match: {destinationPrefix: '2001:db8::/32'}, neighborSelector: {matchExpressions: [{key: role, operator: In, values: [edge]}]}}",
    );
    assert_eq!(v6["neighbors"], json!(["2001:db8::1"]), "canonical address");
    let all = flowspec_json("{match: {destinationPrefix: 203.0.113.10/32}}");
    assert!(
        all.get("neighbors").is_none(),
        "no selector: every neighbor with the family"
    );
}

#[test]
fn flowspec_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "{match: {destinationPrefix: 203.0.113.10/24}}",
            "match.destinationPrefix: host bits must be zero: did you mean 203.0.113.0/24?",
        ),
        (
            "{match: {destinationPrefix: nope}}",
            "match.destinationPrefix: \"nope\" is not a prefix",
        ),
        (
            "{family: ipv6, match: {destinationPrefix: 203.0.113.0/24}}",
            "match.destinationPrefix 203.0.113.0/24 is not an ipv6_flowspec prefix",
        ),
        (
            "{match: {destinationPorts: [53]}}",
            "family is required when match has no prefix to infer it from",
        ),
        (
            "{family: ipv4, match: {}}",
            "match needs at least one component",
        ),
        (
            "{family: ipv4, match: {dscp: [64]}}",
            "match.dscp: 64 is above the maximum 63",
        ),
        (
            "{family: ipv4, match: {flowLabel: [1]}}",
            "match.flowLabel is for IPv6 rules only",
        ),
        (
            "{match: {destinationPrefix: 203.0.113.0/24}, neighborSelector: {matchLabels: {role: lab}}}",
            "neighborSelector matches no BgpNeighbor with family ipv4_flowspec",
        ),
        (
            "{match: {destinationPrefix: 203.0.113.0/24}, neighborSelector: {matchExpressions: [{key: a, operator: Near}]}}",
            "neighborSelector: unknown operator \"Near\" (In, NotIn, Exists, DoesNotExist)",
        ),
    ];
    for (spec, want) in cases {
        assert_eq!(flowspec_error(spec), *want, "{spec}");
    }
}

#[test]
fn expiry_leaves_expired_objects_out_and_reports_the_next_one() {
    // created at t=1000, planned at t=2000.
    let p = flowspec_plan("{match: {destinationPrefix: 203.0.113.0/24}, ttl: 10m}");
    assert_eq!(p.desired.flowspecs.len(), 0, "1000 + 600 < 2000");
    assert_eq!(p.objects[3].outcome, Outcome::Expired);
    assert!(
        p.desired.keep.is_empty(),
        "expired objects are withdrawn, not kept"
    );
    let p = flowspec_plan("{match: {destinationPrefix: 203.0.113.0/24}, ttl: 1h}");
    assert_eq!(p.desired.flowspecs.len(), 1);
    assert_eq!(p.next_expiry, Some(t(1_000 + 3_600)));
    let p = flowspec_plan(
        "{match: {destinationPrefix: 203.0.113.0/24}, expiresAt: '1970-01-01T00:50:00Z'}",
    );
    assert_eq!(p.next_expiry, Some(t(3_000)));
    let p = flowspec_plan(
        "{match: {destinationPrefix: 203.0.113.0/24}, expiresAt: '1970-01-01T00:20:00Z'}",
    );
    assert_eq!(p.objects[3].outcome, Outcome::Expired);
}

#[test]
fn route_mapping_and_errors() {
    let spec = "{prefix: 198.51.100.0/24, nextHop: 192.0.2.1, communities: ['64496:100'], largeCommunities: ['64496:1:42'], extendedCommunities: ['rt:64496:100'], localPref: 200, med: 10, asPath: [64511], asPathPrepend: {asn: 0, count: 2}, origin: igp, neighborSelector: {matchLabels: {role: edge}}, description: acme}";
    let inputs = Inputs {
        neighbors: neighbors(),
        routes: vec![obj("InjectedRoute", "r", &[], spec)],
        ..Default::default()
    };
    let p = plan(&inputs, t(2_000));
    assert_eq!(
        serde_json::to_value(&p.desired.paths[0]).unwrap(),
        json!({"id": "dir:r", "prefix": "198.51.100.0/24", "nextHop": "192.0.2.1", "communities": ["64496:100"], "largeCommunities": ["64496:1:42"], "extendedCommunities": ["rt:64496:100"], "localPref": 200, "med": 10, "origin": "igp", "asPath": [64511], "asPathPrepend": {"count": 2}, "neighbors": ["192.0.2.1"], "description": "acme"})
    );
    let bad = Inputs {
        routes: vec![obj("InjectedRoute", "r", &[], "{prefix: 198.51.100.1/24}")],
        ..Default::default()
    };
    let p = plan(&bad, t(0));
    assert_eq!(
        p.errors[0].reason,
        "prefix: host bits must be zero: did you mean 198.51.100.0/24?"
    );
    assert_eq!(
        (
            p.errors[0].kind.as_str(),
            p.errors[0].namespace.as_str(),
            p.errors[0].name.as_str()
        ),
        ("InjectedRoute", "ns", "r")
    );
}

#[test]
fn neighbor_mapping_and_errors() {
    let mut inputs = Inputs {
        neighbors: neighbors(),
        ..Default::default()
    };
    inputs.neighbors.push(obj("BgpNeighbor", "sec", &[], "{address: 192.0.2.20, remoteAsn: 1, ebgpMultihop: true, holdTime: 30, localAddress: 192.0.2.254, passwordSecretRef: {name: s, namespace: n, key: password}, description: edge}"));
    let p = plan(&inputs, t(0));
    assert_eq!(p.errors.len(), 1);
    assert_eq!(
        p.errors[0].reason,
        "passwordSecretRef: no key \"password\" in Secret n/s"
    );
    assert_eq!(p.desired.neighbors.len(), 3);
    assert_eq!(
        serde_json::to_value(&p.desired.neighbors[0]).unwrap(),
        json!({"address": "192.0.2.1", "remoteAsn": 65002, "description": "dir:fra", "families": ["ipv4_flowspec", "ipv4_unicast"]})
    );
    assert_eq!(
        p.desired.neighbors[1].families,
        vec!["ipv4_unicast".to_owned()],
        "default: unicast of the address"
    );
    inputs
        .secrets
        .insert(("n".into(), "s".into(), "password".into()), "pw".into());
    let p = plan(&inputs, t(0));
    let sec = p
        .desired
        .neighbors
        .iter()
        .find(|n| n.address == "192.0.2.20")
        .unwrap();
    assert_eq!(
        serde_json::to_value(sec).unwrap(),
        json!({"address": "192.0.2.20", "remoteAsn": 1, "description": "dir:sec edge", "families": ["ipv4_unicast"], "holdTime": 30, "localAddress": "192.0.2.254", "ebgpMultihop": 255, "password": "pw"})
    );
    inputs.neighbors.push(obj(
        "BgpNeighbor",
        "dup",
        &[],
        "{address: 192.0.2.1, remoteAsn: 1}",
    ));
    let p = plan(&inputs, t(0));
    assert_eq!(
        p.errors
            .iter()
            .filter(|e| e.reason == "another BgpNeighbor has the address 192.0.2.1")
            .count(),
        2
    );
}

#[test]
fn rejected_and_unreadable_documents_are_reported_and_guard_deletion() {
    let inputs = Inputs {
        rejected: vec![Rejected {
            key: ObjectKey {
                kind: "FlowSpecRule".into(),
                namespace: "ns".into(),
                name: "bad".into(),
            },
            id: "dir:bad".into(),
            reason: "spec.match: match needs at least one component".into(),
        }],
        unreadable: vec![Unreadable {
            origin: "x.yaml#1".into(),
            reason: "not YAML".into(),
        }],
        ..Default::default()
    };
    let p = plan(&inputs, t(0));
    assert!(!p.desired.allow_delete);
    assert!(p.desired.keep.contains("dir:bad"));
    assert_eq!(p.errors.len(), 2);
    assert_eq!(
        p.errors[0].name, "x.yaml#1",
        "errors sorted: unreadable (no kind) first"
    );
    assert!(plan(&Inputs::default(), t(0)).desired.allow_delete);
}
