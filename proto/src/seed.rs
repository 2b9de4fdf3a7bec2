//! The grpcurl request bodies of the deployment-scenarios document, verbatim: the API's
//! contract with its users. The proto3-JSON tests (`proto/tests/seed_json.rs`) and the
//! speaker's contract tests send exactly these.

/// DDoS mitigation: rate-limit DNS to a victim (`InjectionService/AddFlowSpec`).
pub const ADD_FLOWSPEC_RATE_LIMIT: &str = r#"{
"family": "ipv4_flowspec",
"rule": {
"destination_prefix": "203.0.113.10/32",
"protocols": [17],
"destination_ports": [53]
},
"actions": {
"traffic_rate_bytes": 1250000
}
}"#;

/// RTBH: blackhole a victim prefix (`InjectionService/AddPath`).
pub const ADD_PATH_BLACKHOLE: &str = r#"{
"prefix": "203.0.113.10/32",
"next_hop": "192.0.2.1",
"communities": ["65535:666"]
}"#;

/// Withdraw the blackhole (`InjectionService/DeletePath`).
pub const DELETE_PATH: &str = r#"{
"prefix": "203.0.113.10/32"
}"#;

/// IXP route server: put a member in a peer group (`PeerGroupService/SetNeighborPeerGroup`).
pub const SET_NEIGHBOR_PEER_GROUP: &str = r#"{
"address": "198.51.100.10",
"peer_group": "rs-members"
}"#;

/// SDN traffic engineering: a TE route (`InjectionService/AddPath`).
pub const ADD_PATH_TE: &str = r#"{
"prefix": "10.100.0.0/24",
"next_hop": "10.255.0.1",
"communities": ["65100:1000", "65100:2000"],
"local_pref": 200
}"#;

/// SDN traffic engineering: prepend towards a transit (`PolicyService/SetPolicy`).
pub const SET_POLICY: &str = r#"{
"name": "deprioritize-transit-b",
"default_action": "permit",
"statements": [{
"action": "permit",
"match_neighbor_set": "transit-b",
"set_as_path_prepend": {"asn": 65100, "count": 2}
}]
}"#;

/// SDN traffic engineering: the global export chain (`PolicyService/SetGlobalExportChain`).
pub const SET_EXPORT_CHAIN: &str = r#"{
"chain": ["deprioritize-transit-b"]
}"#;
