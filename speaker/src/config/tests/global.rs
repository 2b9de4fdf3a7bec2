//! `[global]` and `[global.telemetry]`: defaults, accepted values, and each rule.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use super::{GLOBAL, error, errors, ok};
use crate::config::*;

#[test]
fn minimal_config_gets_all_defaults() {
    let config = ok(GLOBAL);
    let expected = Config {
        global: Global {
            asn: 65000,
            router_id: Ipv4Addr::new(192, 0, 2, 1),
            listen_port: Some(179),
            listen_address: None,
            hold_time: 90,
            state_file: None,
            telemetry: Telemetry {
                prometheus_addr: None,
                log_format: LogFormat::Text,
                grpc_uds: Some(PathBuf::from("/run/rustbgpd/grpc.sock")),
                grpc_tcp: None,
                health_addr: None,
            },
        },
        neighbors: vec![],
        policy: PolicyConfig::default(),
    };
    assert_eq!(config, expected);
}

#[test]
fn every_global_key_is_read() {
    let config = ok(&format!(
        "{GLOBAL}listen_port = 1179\nlisten_address = \"::1\"\nhold_time = 30\n\
         state_file = \"/var/lib/rustbgpd/state.json\"\n\
         [global.telemetry]\nprometheus_addr = \"127.0.0.1:9179\"\nlog_format = \"json\"\n\
         grpc_uds_path = \"/tmp/g.sock\"\nhealth_addr = \"0.0.0.0:50052\"\n\
         [global.telemetry.grpc_tcp]\nenabled = true\naddress = \"[::1]:50051\"\n\
         token_file = \"/etc/token\"\n"
    ));
    let g = config.global;
    assert_eq!(g.listen_port, Some(1179));
    assert_eq!(g.listen_address, Some("::1".parse().unwrap()));
    assert_eq!(g.hold_time, 30);
    assert_eq!(
        g.state_file,
        Some(PathBuf::from("/var/lib/rustbgpd/state.json"))
    );
    let t = g.telemetry;
    assert_eq!(t.prometheus_addr, Some("127.0.0.1:9179".parse().unwrap()));
    assert_eq!(t.log_format, LogFormat::Json);
    assert_eq!(t.grpc_uds, Some(PathBuf::from("/tmp/g.sock")));
    assert_eq!(t.health_addr, Some("0.0.0.0:50052".parse().unwrap()));
    let tcp = t.grpc_tcp.unwrap();
    assert_eq!(tcp.address, "[::1]:50051".parse::<SocketAddr>().unwrap());
    assert_eq!(tcp.token_file, Some(PathBuf::from("/etc/token")));
}

#[test]
fn listen_port_zero_means_no_listener() {
    let config = ok(&format!("{GLOBAL}listen_port = 0\n"));
    assert_eq!(config.global.listen_port, None);
}

#[test]
fn grpc_uds_can_be_disabled() {
    let config = ok(&format!("{GLOBAL}[global.telemetry]\ngrpc_uds = false\n"));
    assert_eq!(config.global.telemetry.grpc_uds, None);
}

#[test]
fn grpc_tcp_enabled_defaults_to_loopback() {
    let config = ok(&format!(
        "{GLOBAL}[global.telemetry.grpc_tcp]\nenabled = true\n"
    ));
    let tcp = config.global.telemetry.grpc_tcp.unwrap();
    assert_eq!(tcp.address, DEFAULT_GRPC_TCP_ADDRESS);
    assert_eq!(tcp.token_file, None);
}

#[test]
fn grpc_tcp_disabled_is_none_but_still_checked() {
    let text = format!("{GLOBAL}[global.telemetry.grpc_tcp]\naddress = \"127.0.0.1:50051\"\n");
    assert_eq!(ok(&text).global.telemetry.grpc_tcp, None);
    let text = format!("{GLOBAL}[global.telemetry.grpc_tcp]\naddress = \"localhost\"\n");
    assert_eq!(
        error(&text),
        "t.toml:5:11: global.telemetry.grpc_tcp.address: invalid socket address (expected \
         IP:port, [IPv6]:port) \"localhost\""
    );
}

#[test]
fn asn_limits() {
    for asn in [1_i64, 65535, 4_294_967_294] {
        let text = format!("[global]\nasn = {asn}\nrouter_id = \"192.0.2.1\"\n");
        assert_eq!(ok(&text).global.asn as i64, asn);
    }
    for asn in [0_i64, -1, 4_294_967_295, 1 << 40] {
        let text = format!("[global]\nasn = {asn}\nrouter_id = \"192.0.2.1\"\n");
        assert_eq!(
            error(&text),
            format!(
                "t.toml:2:7: global.asn: AS number {asn} is out of range (expected 1..=4294967294)"
            )
        );
    }
}

#[test]
fn as_trans_is_rejected() {
    let text = "[global]\nasn = 23456\nrouter_id = \"192.0.2.1\"\n";
    assert_eq!(
        error(text),
        "t.toml:2:7: global.asn: AS 23456 (AS_TRANS, RFC 6793) cannot be configured as a real AS"
    );
}

#[test]
fn router_id_must_be_nonzero_ipv4() {
    let bad = |id: &str| error(&format!("[global]\nasn = 1\nrouter_id = \"{id}\"\n"));
    assert_eq!(
        bad("10.0.0"),
        "t.toml:3:13: global.router_id: invalid IPv4 address \"10.0.0\""
    );
    assert_eq!(
        bad("2001:db8::1"),
        "t.toml:3:13: global.router_id: invalid IPv4 address \"2001:db8::1\""
    );
    assert_eq!(
        bad("0.0.0.0"),
        "t.toml:3:13: global.router_id: 0.0.0.0 cannot be used here: the BGP Identifier must be \
         non-zero"
    );
}

#[test]
fn global_hold_time_rules() {
    for hold in [0, 3, 65535] {
        assert_eq!(
            ok(&format!("{GLOBAL}hold_time = {hold}\n"))
                .global
                .hold_time,
            hold
        );
    }
    for hold in [1, 2, 65536, -3] {
        assert_eq!(
            error(&format!("{GLOBAL}hold_time = {hold}\n")),
            format!(
                "t.toml:4:13: global.hold_time: hold time {hold} is invalid (expected 0 or \
                 3..=65535, RFC 4271 §4.2)"
            )
        );
    }
}

#[test]
fn listen_values_are_checked() {
    assert_eq!(
        error(&format!("{GLOBAL}listen_port = 65536\n")),
        "t.toml:4:15: global.listen_port: 65536 is out of range (expected 0..=65535)"
    );
    assert_eq!(
        error(&format!("{GLOBAL}listen_address = \"any\"\n")),
        "t.toml:4:18: global.listen_address: invalid IP address \"any\""
    );
    assert_eq!(
        error(&format!("{GLOBAL}state_file = \"\"\n")),
        "t.toml:4:14: global.state_file: must not be empty"
    );
}

#[test]
fn telemetry_values_are_checked() {
    let text = format!(
        "{GLOBAL}[global.telemetry]\nprometheus_addr = \"9179\"\nlog_format = \"yaml\"\n\
         grpc_uds = false\ngrpc_uds_path = \"/x.sock\"\nhealth_addr = \"*:50052\"\n"
    );
    assert_eq!(
        errors(&text),
        [
            "t.toml:5:19: global.telemetry.prometheus_addr: invalid socket address (expected \
             IP:port, [IPv6]:port) \"9179\"",
            "t.toml:6:14: global.telemetry.log_format: unknown log_format \"yaml\" (expected \
             \"json\" or \"text\")",
            "t.toml:8:17: global.telemetry.grpc_uds_path: grpc_uds_path is set but grpc_uds = \
             false",
            "t.toml:9:15: global.telemetry.health_addr: invalid socket address (expected \
             IP:port, [IPv6]:port) \"*:50052\"",
        ]
    );
}
