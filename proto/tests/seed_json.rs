//! Pure unit tests: the grpcurl JSON bodies of the deployment scenarios are
//! valid requests under the proto3 JSON mapping.
//!
//! Each body is parsed two independent ways:
//! * like grpcurl does: the method is looked up by name in the descriptor set
//!   (what gRPC reflection serves), and the JSON is parsed into a dynamic
//!   message of its input type (prost-reflect, unknown fields denied);
//! * into the generated Rust type with serde_json (pbjson impls).
//!
//! Both must succeed and agree byte for byte on the protobuf encoding.

use bgpd_api::FILE_DESCRIPTOR_SET;
use bgpd_api::seed::{
    ADD_FLOWSPEC_RATE_LIMIT, ADD_PATH_BLACKHOLE, ADD_PATH_TE, DELETE_PATH, SET_EXPORT_CHAIN,
    SET_NEIGHBOR_PEER_GROUP, SET_POLICY,
};
use bgpd_api::v1::{
    AddFlowSpecRequest, AddPathRequest, DeletePathRequest, SetGlobalExportChainRequest,
    SetNeighborPeerGroupRequest, SetPolicyRequest,
};
use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, MethodDescriptor};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn pool() -> DescriptorPool {
    DescriptorPool::decode(FILE_DESCRIPTOR_SET).expect("descriptor set decodes")
}

/// Resolves "rustbgpd.v1.Service/Method" the way grpcurl does.
fn method(pool: &DescriptorPool, full: &str) -> MethodDescriptor {
    let (service, name) = full.split_once('/').expect("Service/Method");
    let service = pool
        .get_service_by_name(service)
        .unwrap_or_else(|| panic!("no service {service}"));
    service
        .methods()
        .find(|m| m.name() == name)
        .unwrap_or_else(|| panic!("no method {name} in {}", service.full_name()))
}

/// Parses `body` as the input of `method` through the descriptors only.
fn parse_dynamic(pool: &DescriptorPool, method_name: &str, body: &str) -> Vec<u8> {
    let input = method(pool, method_name).input();
    let mut de = serde_json::Deserializer::from_str(body);
    let msg = DynamicMessage::deserialize(input, &mut de)
        .unwrap_or_else(|e| panic!("{method_name}: dynamic parse failed: {e}\n{body}"));
    de.end().expect("trailing characters");
    msg.encode_to_vec()
}

/// Parses `body` both ways, checks that they agree, returns the typed value.
fn parse_both<T>(method_name: &str, body: &str) -> T
where
    T: DeserializeOwned + Serialize + Message + Default + PartialEq + std::fmt::Debug,
{
    let pool = pool();
    let dynamic_bytes = parse_dynamic(&pool, method_name, body);
    let typed: T = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("{method_name}: typed parse failed: {e}\n{body}"));
    assert_eq!(
        T::decode(dynamic_bytes.as_slice()).expect("dynamic encoding decodes"),
        typed,
        "{method_name}: the two parsers disagree"
    );
    // And the typed value survives a JSON round trip.
    let again: T = serde_json::from_str(&serde_json::to_string(&typed).unwrap()).unwrap();
    assert_eq!(again, typed);
    typed
}

#[test]
fn add_flowspec_rate_limit_body_is_valid() {
    let req: AddFlowSpecRequest = parse_both(
        "rustbgpd.v1.InjectionService/AddFlowSpec",
        ADD_FLOWSPEC_RATE_LIMIT,
    );
    assert_eq!(req.family, "ipv4_flowspec");
    assert!(req.id.is_empty());
    let rule = req.rule.expect("rule");
    assert_eq!(rule.destination_prefix, "203.0.113.10/32");
    assert_eq!(rule.protocols, [17]);
    assert_eq!(rule.destination_ports, [53]);
    assert!(rule.source_prefix.is_empty() && rule.ports.is_empty());
    let actions = req.actions.expect("actions");
    // The integer 1250000 is exact in an IEEE single.
    assert_eq!(actions.traffic_rate_bytes, Some(1_250_000.0));
    assert_eq!(actions.traffic_rate_packets, None);
    assert!(!actions.discard);
    assert_eq!(actions.mark_dscp, None);
}

#[test]
fn add_path_blackhole_body_is_valid() {
    let req: AddPathRequest =
        parse_both("rustbgpd.v1.InjectionService/AddPath", ADD_PATH_BLACKHOLE);
    assert_eq!(req.prefix, "203.0.113.10/32");
    assert_eq!(req.next_hop, "192.0.2.1");
    assert_eq!(req.communities, ["65535:666"]);
    assert_eq!(req.local_pref, None);
    assert_eq!(req.med, None);
    assert!(req.id.is_empty() && req.neighbors.is_empty());
}

#[test]
fn add_path_traffic_engineering_body_is_valid() {
    let req: AddPathRequest = parse_both("rustbgpd.v1.InjectionService/AddPath", ADD_PATH_TE);
    assert_eq!(req.prefix, "10.100.0.0/24");
    assert_eq!(req.next_hop, "10.255.0.1");
    assert_eq!(req.communities, ["65100:1000", "65100:2000"]);
    assert_eq!(req.local_pref, Some(200));
}

#[test]
fn delete_path_by_prefix_body_is_valid() {
    let req: DeletePathRequest = parse_both("rustbgpd.v1.InjectionService/DeletePath", DELETE_PATH);
    assert_eq!(req.prefix, "203.0.113.10/32");
    assert!(req.id.is_empty());
    assert_eq!(req.path_id, None);
}

#[test]
fn set_neighbor_peer_group_body_is_valid() {
    let req: SetNeighborPeerGroupRequest = parse_both(
        "rustbgpd.v1.PeerGroupService/SetNeighborPeerGroup",
        SET_NEIGHBOR_PEER_GROUP,
    );
    assert_eq!(req.address, "198.51.100.10");
    assert_eq!(req.peer_group, "rs-members");
}

#[test]
fn set_policy_body_is_valid() {
    let req: SetPolicyRequest = parse_both("rustbgpd.v1.PolicyService/SetPolicy", SET_POLICY);
    assert_eq!(req.name, "deprioritize-transit-b");
    assert_eq!(req.default_action, "permit");
    let [st] = req.statements.as_slice() else {
        panic!("one statement expected");
    };
    assert_eq!(st.action, "permit");
    assert_eq!(st.match_neighbor_set, "transit-b");
    let prepend = st.set_as_path_prepend.expect("prepend");
    assert_eq!((prepend.asn, prepend.count), (65100, 2));
}

#[test]
fn set_global_export_chain_body_is_valid() {
    let req: SetGlobalExportChainRequest = parse_both(
        "rustbgpd.v1.PolicyService/SetGlobalExportChain",
        SET_EXPORT_CHAIN,
    );
    assert_eq!(req.chain, ["deprioritize-transit-b"]);
}

#[test]
fn watch_routes_accepts_an_empty_body() {
    // grpcurl without -d sends an empty message.
    let pool = pool();
    parse_dynamic(&pool, "rustbgpd.v1.RibService/WatchRoutes", "{}");
    let m = method(&pool, "rustbgpd.v1.RibService/WatchRoutes");
    assert!(m.is_server_streaming() && !m.is_client_streaming());
}

#[test]
fn camel_case_names_are_accepted_too() {
    // proto3 JSON parsers accept the lowerCamelCase name of every field.
    let body = r#"{"prefix": "10.0.0.0/8", "nextHop": "192.0.2.1", "localPref": 50,
        "asPathPrepend": {"asn": 65000, "count": 3}, "largeCommunities": ["65000:1:2"]}"#;
    let req: AddPathRequest = parse_both("rustbgpd.v1.InjectionService/AddPath", body);
    assert_eq!(req.next_hop, "192.0.2.1");
    assert_eq!(req.local_pref, Some(50));
    assert_eq!(req.large_communities, ["65000:1:2"]);
}

#[test]
fn a_full_flowspec_request_parses() {
    let body = r#"{
        "id": "8f14e45f-ceea-467f-a0e6-0d9b5e3e1a2b",
        "family": "ipv6_flowspec",
        "rule": {
            "destination_prefix": "2001:db8::/64", "destination_prefix_offset": 8,
            "source_prefix": "2001:db8:1::/48",
            "protocols": [6], "protocol_match": "=6",
            "ports": [80], "port_match": "=443",
            "destination_ports": [53], "destination_port_match": ">=1024&<=2048 =8080",
            "source_ports": [123], "source_port_match": "<1024",
            "icmp_types": [128], "icmp_type_match": "=129",
            "icmp_codes": [0], "icmp_code_match": "!=1",
            "tcp_flags": "=syn&!ack",
            "packet_lengths": [1500], "packet_length_match": ">=1400",
            "dscp": [46], "dscp_match": "=10",
            "fragment": "is-fragment",
            "flow_label": [12345], "flow_label_match": ">0"
        },
        "actions": {
            "traffic_rate_bytes": 0, "traffic_rate_packets": 1000.5, "discard": true,
            "sample": true, "terminal": true, "redirect_rt": "4200000000:100",
            "redirect_ip": "2001:db8::9", "mark_dscp": 0
        },
        "neighbors": ["10.0.0.1", "10.0.0.2"],
        "description": "attack 42",
        "communities": ["65000:1"], "large_communities": ["65000:1:2"],
        "extended_communities": ["rt:65000:100"]
    }"#;
    let req: AddFlowSpecRequest = parse_both("rustbgpd.v1.InjectionService/AddFlowSpec", body);
    let rule = req.rule.unwrap();
    assert_eq!(rule.destination_prefix_offset, 8);
    assert_eq!(rule.destination_port_match, ">=1024&<=2048 =8080");
    assert_eq!(rule.flow_label, [12345]);
    let actions = req.actions.unwrap();
    // Presence is kept for zero values of optional fields.
    assert_eq!(actions.traffic_rate_bytes, Some(0.0));
    assert_eq!(actions.mark_dscp, Some(0));
    assert_eq!(req.neighbors.len(), 2);
}

#[test]
fn unknown_fields_are_rejected_by_both_parsers() {
    // grpcurl rejects a misspelt field; so must our types.
    let body = r#"{"prefix": "203.0.113.10/32", "nexthop": "192.0.2.1"}"#;
    assert!(serde_json::from_str::<AddPathRequest>(body).is_err());
    let pool = pool();
    let input = method(&pool, "rustbgpd.v1.InjectionService/AddPath").input();
    let mut de = serde_json::Deserializer::from_str(body);
    assert!(DynamicMessage::deserialize(input, &mut de).is_err());
}

#[test]
fn wrong_json_types_are_rejected() {
    // local_pref is a number, communities a list of strings.
    assert!(serde_json::from_str::<AddPathRequest>(r#"{"local_pref": "high"}"#).is_err());
    assert!(serde_json::from_str::<AddPathRequest>(r#"{"communities": "65535:666"}"#).is_err());
    assert!(serde_json::from_str::<AddPathRequest>(r#"{"communities": [65535]}"#).is_err());
}

/// Finds the scenarios document in a `shared/seed` folder next to an
/// ancestor of this crate (the layout of the dev machines and of CI).
fn find_seed_document() -> Option<String> {
    const REL: &str = "shared/seed/rustbgpd-deployment-scenarios.txt";
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|dir| dir.join(REL))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::read_to_string(p).ok())
}

/// Every `grpcurl ... -d '<body>' <host> rustbgpd.v1.Service/Method` call in
/// `text`, as (method, body). The document runs some method names into the
/// following word ("DeletePathMonitoring:"), so the method is the longest
/// method name of the service that starts the token.
fn grpcurl_calls(pool: &DescriptorPool, text: &str) -> Vec<(String, String)> {
    let mut calls = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-d '") {
        let after = &rest[start + 4..];
        let end = after.find('\'').expect("closing quote of -d");
        let body = &after[..end];
        let tail = &after[end + 1..];
        let token_start = tail.find("rustbgpd.v1.").expect("method after body");
        let token: String = tail[token_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '/')
            .collect();
        let (service, method_run) = token.split_once('/').expect("Service/Method");
        let service_desc = pool
            .get_service_by_name(service)
            .unwrap_or_else(|| panic!("seed uses unknown service {service}"));
        let name = service_desc
            .methods()
            .map(|m| m.name().to_owned())
            .filter(|n| method_run.starts_with(n.as_str()))
            .max_by_key(String::len)
            .unwrap_or_else(|| panic!("seed uses unknown method {token}"));
        calls.push((format!("{service}/{name}"), body.to_owned()));
        rest = &tail[token_start..];
    }
    calls
}

#[test]
fn every_grpcurl_body_in_the_seed_document_parses() {
    let Some(text) = find_seed_document() else {
        eprintln!("shared/seed document not found; covered by the verbatim copies above");
        return;
    };
    let pool = pool();
    let calls = grpcurl_calls(&pool, &text);
    assert!(
        calls.len() >= 7,
        "expected the 7 grpcurl bodies, got {calls:?}"
    );
    let embedded = [
        ADD_FLOWSPEC_RATE_LIMIT,
        ADD_PATH_BLACKHOLE,
        DELETE_PATH,
        SET_NEIGHBOR_PEER_GROUP,
        ADD_PATH_TE,
        SET_POLICY,
        SET_EXPORT_CHAIN,
    ];
    for (method_name, body) in &calls {
        parse_dynamic(&pool, method_name, body);
        assert!(
            embedded.contains(&body.as_str()),
            "{method_name}: body not among the verbatim copies in this test:\n{body}"
        );
    }
}
