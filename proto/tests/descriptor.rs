//! Pure unit tests: the file descriptor set offered for gRPC reflection
//! holds the services and methods of the API, with their docs.

use bgpd_api::{FILE_DESCRIPTOR_SET, SERVICE_NAMES};
use prost_reflect::DescriptorPool;

fn pool() -> DescriptorPool {
    DescriptorPool::decode(FILE_DESCRIPTOR_SET).expect("descriptor set decodes")
}

/// (method, client streaming, server streaming)
type Method = (&'static str, bool, bool);

/// Every service with its methods, in declaration order.
const EXPECTED: &[(&str, &[Method])] = &[
    ("rustbgpd.v1.ControlService", &[("GetInfo", false, false)]),
    (
        "rustbgpd.v1.InjectionService",
        &[
            ("AddPath", false, false),
            ("DeletePath", false, false),
            ("ListPaths", false, false),
            ("AddPaths", false, false),
            ("AddPathStream", true, false),
            ("DeletePaths", false, false),
            ("AddFlowSpec", false, false),
            ("DeleteFlowSpec", false, false),
            ("ListFlowSpecs", false, false),
            ("AddFlowSpecs", false, false),
            ("AddFlowSpecStream", true, false),
            ("DeleteFlowSpecs", false, false),
        ],
    ),
    (
        "rustbgpd.v1.NeighborService",
        &[
            ("ListNeighbors", false, false),
            ("GetNeighbor", false, false),
            ("AddNeighbor", false, false),
            ("DeleteNeighbor", false, false),
            ("EnableNeighbor", false, false),
            ("DisableNeighbor", false, false),
            ("SoftReset", false, false),
        ],
    ),
    (
        "rustbgpd.v1.PeerGroupService",
        &[
            ("SetPeerGroup", false, false),
            ("DeletePeerGroup", false, false),
            ("ListPeerGroups", false, false),
            ("SetNeighborPeerGroup", false, false),
        ],
    ),
    (
        "rustbgpd.v1.PolicyService",
        &[
            ("SetPolicy", false, false),
            ("DeletePolicy", false, false),
            ("ListPolicies", false, false),
            ("SetNeighborSet", false, false),
            ("DeleteNeighborSet", false, false),
            ("ListNeighborSets", false, false),
            ("SetGlobalImportChain", false, false),
            ("SetGlobalExportChain", false, false),
            ("GetGlobalChains", false, false),
            ("SetNeighborPolicies", false, false),
            ("ListNeighborPolicies", false, false),
            ("SetDefinedSet", false, false),
            ("DeleteDefinedSet", false, false),
            ("ListDefinedSets", false, false),
            ("Explain", false, false),
        ],
    ),
    (
        "rustbgpd.v1.RibService",
        &[
            ("ListBestRoutes", false, false),
            ("ListReceivedRoutes", false, false),
            ("ListAdvertisedRoutes", false, false),
            ("WatchRoutes", false, true),
        ],
    ),
];

#[test]
fn descriptor_set_has_exactly_the_expected_services_and_methods() {
    let pool = pool();
    let mut services: Vec<String> = pool.services().map(|s| s.full_name().to_owned()).collect();
    services.sort();
    let expected: Vec<&str> = EXPECTED.iter().map(|(s, _)| *s).collect();
    assert_eq!(services, expected);
    assert_eq!(SERVICE_NAMES, expected.as_slice());

    for (service, methods) in EXPECTED {
        let desc = pool.get_service_by_name(service).unwrap();
        let actual: Vec<(String, bool, bool)> = desc
            .methods()
            .map(|m| {
                (
                    m.name().to_owned(),
                    m.is_client_streaming(),
                    m.is_server_streaming(),
                )
            })
            .collect();
        let wanted: Vec<(String, bool, bool)> = methods
            .iter()
            .map(|(n, c, s)| ((*n).to_owned(), *c, *s))
            .collect();
        assert_eq!(actual, wanted, "methods of {service}");
    }
}

#[test]
fn generated_service_names_match_the_descriptors() {
    use bgpd_api::v1::{
        control_service_server::SERVICE_NAME as CONTROL,
        injection_service_server::SERVICE_NAME as INJECTION,
        neighbor_service_server::SERVICE_NAME as NEIGHBOR,
        peer_group_service_server::SERVICE_NAME as PEER_GROUP,
        policy_service_server::SERVICE_NAME as POLICY, rib_service_server::SERVICE_NAME as RIB,
    };
    assert_eq!(
        [CONTROL, INJECTION, NEIGHBOR, PEER_GROUP, POLICY, RIB],
        SERVICE_NAMES
    );
}

#[test]
fn every_message_field_and_method_is_documented() {
    // The comments are the API docs; reflection clients see them through the
    // source info kept in the descriptor set.
    let pool = pool();
    let mut missing = Vec::new();
    for file in pool.files() {
        let proto = file.file_descriptor_proto();
        let info = proto.source_code_info.as_ref().expect("source info kept");
        let documented: std::collections::HashSet<Vec<i32>> = info
            .location
            .iter()
            .filter(|l| {
                l.leading_comments
                    .as_deref()
                    .is_some_and(|c| !c.trim().is_empty())
            })
            .map(|l| l.path.clone())
            .collect();
        // FileDescriptorProto: message_type = 4, enum_type = 5, service = 6;
        // DescriptorProto.field = 2; EnumDescriptorProto.value = 2;
        // ServiceDescriptorProto.method = 2.
        for (i, m) in proto.message_type.iter().enumerate() {
            let path = vec![4, i as i32];
            if !documented.contains(&path) {
                missing.push(format!("message {}", m.name()));
            }
            for (j, f) in m.field.iter().enumerate() {
                if !documented.contains(&vec![4, i as i32, 2, j as i32]) {
                    missing.push(format!("field {}.{}", m.name(), f.name()));
                }
            }
        }
        for (i, e) in proto.enum_type.iter().enumerate() {
            if !documented.contains(&vec![5, i as i32]) {
                missing.push(format!("enum {}", e.name()));
            }
            for (j, v) in e.value.iter().enumerate() {
                if !documented.contains(&vec![5, i as i32, 2, j as i32]) {
                    missing.push(format!("enum value {}", v.name()));
                }
            }
        }
        for (i, s) in proto.service.iter().enumerate() {
            if !documented.contains(&vec![6, i as i32]) {
                missing.push(format!("service {}", s.name()));
            }
            for (j, m) in s.method.iter().enumerate() {
                if !documented.contains(&vec![6, i as i32, 2, j as i32]) {
                    missing.push(format!("method {}.{}", s.name(), m.name()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:#?}");
}

#[test]
fn no_any_and_no_foreign_imports() {
    let pool = pool();
    for file in pool.files() {
        assert!(
            file.package_name() == "rustbgpd.v1",
            "unexpected file {} in the descriptor set",
            file.name()
        );
    }
    assert!(pool.get_message_by_name("google.protobuf.Any").is_none());
}

#[test]
fn reflection_service_accepts_the_descriptor_set() {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("v1 reflection service builds");
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .build_v1alpha()
        .expect("v1alpha reflection service builds");
}
