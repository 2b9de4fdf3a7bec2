//! The shipped example configs (`examples/*/config.toml` at the repo root).

use std::path::{Path, PathBuf};

use crate::config::*;

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .join("config.toml")
}

#[test]
fn ddos_mitigation_example_loads() {
    let config = load(&example("ddos-mitigation")).unwrap();
    assert_eq!(config.global.asn, 65500);
    assert_eq!(config.global.telemetry.log_format, LogFormat::Json);
    assert!(config.global.telemetry.grpc_tcp.is_some());
    assert_eq!(config.neighbors.len(), 2);
    for n in &config.neighbors {
        assert_eq!(
            n.families,
            [
                Family::Ipv4Unicast,
                Family::Ipv4FlowSpec,
                Family::Ipv6FlowSpec
            ]
        );
        assert_eq!((n.remote_asn, n.hold_time), (65001, 30));
    }
}

#[test]
fn hosting_provider_example_loads() {
    let config = load(&example("hosting-provider")).unwrap();
    assert_eq!(config.global.listen_port, Some(1179));
    assert!(config.global.state_file.is_some());
    assert!(
        config
            .neighbors
            .iter()
            .all(|n| n.remote_asn == config.global.asn)
    );
}

#[test]
fn reference_example_loads_with_its_password_file() {
    let config = load(&example("reference")).unwrap();
    assert_eq!(config.neighbors.len(), 2);
    let first = &config.neighbors[0];
    assert_eq!(
        first.password.as_ref().map(Password::expose),
        Some("example-md5-key")
    );
    assert_eq!(first.ebgp_multihop, Some(255));
    assert_eq!(config.neighbors[1].ebgp_multihop, Some(2));
}

#[test]
fn route_collector_example_is_refused_section_by_section_but_not_for_policy() {
    let errors = load(&example("route-collector")).unwrap_err();
    let unsupported: Vec<&str> = errors
        .iter()
        .filter_map(|e| match e.kind() {
            Some(ErrorKind::Unsupported(section)) => Some(*section),
            _ => None,
        })
        .collect();
    assert_eq!(
        unsupported,
        [
            "[global.telemetry.looking_glass]",
            "[rpki]",
            "[mrt]",
            "[bmp]",
        ]
    );
    assert_eq!(errors.len(), unsupported.len());
    assert!(
        errors
            .to_string()
            .contains("config.toml:24:1: rpki: `[rpki]` is not supported yet")
    );
}
