//! Pure unit tests: neighbor requests and rendering.

use std::net::SocketAddr;
use std::time::Duration;

use bgp_wire::message::notification::{CeaseSubcode, Notification};

use super::*;
use crate::command::FamilyCounters;

const D: NeighborDefaults = NeighborDefaults {
    local_asn: 65500,
    hold_time: 90,
};

fn req(json: &str) -> pb::AddNeighborRequest {
    serde_json::from_str(json).unwrap()
}

#[test]
fn minimal_neighbor_gets_defaults() {
    let c = to_neighbor_config(&req(r#"{"address": "10.0.0.1", "remote_asn": 65001}"#), D).unwrap();
    let n = &c.neighbor;
    assert_eq!(n.families, vec![Family::Ipv4Unicast]);
    assert_eq!((n.hold_time, n.port), (90, 179));
    assert!(n.flowspec_validation, "eBGP default");
    let ibgp = to_neighbor_config(
        &req(r#"{"address": "2001:db8::1", "remote_asn": 65500}"#),
        D,
    )
    .unwrap();
    assert_eq!(ibgp.neighbor.families, vec![Family::Ipv6Unicast]);
    assert!(!ibgp.neighbor.flowspec_validation);
}

#[test]
fn full_neighbor_round_trips_without_password() {
    let r = req(
        r#"{"address": "198.51.100.10", "remote_asn": 64510, "description": "new-member",
        "families": ["ipv4_unicast", "ipv4_flowspec"], "hold_time": 30, "port": 1179,
        "local_address": "198.51.100.1", "passive": true, "ebgp_multihop": 3, "password": "pw",
        "max_prefixes": 10000, "flowspec_validation": false, "peer_group": "rs-members"}"#,
    );
    let c = to_neighbor_config(&r, D).unwrap();
    assert!(c.neighbor.password.is_some());
    let back = to_config_proto(&c);
    assert_eq!(
        back,
        pb::AddNeighborRequest {
            password: String::new(),
            ..r
        }
    );
}

#[test]
fn neighbor_validation_messages() {
    let cases = [
        (r#"{"remote_asn": 1}"#, "address: required"),
        (
            r#"{"address": "10.0.0.x", "remote_asn": 1}"#,
            r#"address: "10.0.0.x" is not an IP address"#,
        ),
        (
            r#"{"address": "0.0.0.0", "remote_asn": 1}"#,
            "address: 0.0.0.0 is not a neighbor address",
        ),
        (
            r#"{"address": "10.0.0.1"}"#,
            "remote_asn: 0 is not a usable AS number",
        ),
        (
            r#"{"address": "10.0.0.1", "remote_asn": 1, "families": ["ipv4_unicast", "ipv4_flow"]}"#,
            r#"families[1]: "ipv4_flow" is not one of ipv4_unicast, ipv6_unicast, ipv4_flowspec, ipv6_flowspec"#,
        ),
        (
            r#"{"address": "10.0.0.1", "remote_asn": 1, "families": ["ipv4_unicast", "ipv4_unicast"]}"#,
            "families[1]: ipv4_unicast is listed twice",
        ),
        (
            r#"{"address": "10.0.0.1", "remote_asn": 1, "hold_time": 2}"#,
            "hold_time: 2 is out of range (expected 0 or 3..=65535)",
        ),
        (
            r#"{"address": "10.0.0.1", "remote_asn": 1, "port": 0}"#,
            "port: 0 is out of range (expected 1..=65535)",
        ),
        (
            r#"{"address": "10.0.0.1", "remote_asn": 1, "ebgp_multihop": 256}"#,
            "ebgp_multihop: 256 is out of range (expected 1..=255)",
        ),
        (
            r#"{"address": "10.0.0.1", "remote_asn": 1, "ebgp_multihop": 2, "ttl_security": true}"#,
            "ttl_security: cannot be combined with ebgp_multihop",
        ),
        (
            r#"{"address": "10.0.0.1", "remote_asn": 1, "local_address": "2001:db8::1"}"#,
            "local_address: not the same address family as address",
        ),
    ];
    for (json, want) in cases {
        let err = to_neighbor_config(&req(json), D).unwrap_err();
        assert_eq!(err.to_string(), want, "{json}");
    }
    let long = "x".repeat(256);
    assert_eq!(
        shutdown_message(&long).unwrap_err().to_string(),
        "shutdown_message: 256 octets, at most 255 allowed (RFC 9003)"
    );
    assert_eq!(shutdown_message("").unwrap(), None);
}

#[test]
fn soft_reset_parameters() {
    let r = |json: &str| soft_reset(&serde_json::from_str(json).unwrap());
    assert_eq!(r("{}").unwrap(), (None, SoftResetDirection::Both, None));
    assert_eq!(
        r(r#"{"address": "10.0.0.1", "direction": "in", "family": "ipv4_flowspec"}"#).unwrap(),
        (
            Some("10.0.0.1".parse().unwrap()),
            SoftResetDirection::In,
            Some(Family::Ipv4FlowSpec)
        )
    );
    assert_eq!(
        r(r#"{"direction": "sideways"}"#).unwrap_err().to_string(),
        r#"direction: "sideways" is not one of in, out, both"#
    );
}

#[test]
fn state_renders_uptime_counters_and_notifications() {
    let config =
        to_neighbor_config(&req(r#"{"address": "10.0.0.1", "remote_asn": 65001}"#), D).unwrap();
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
    let info = NeighborInfo {
        config,
        state: State::Established,
        admin_enabled: true,
        admin_shutdown_message: None,
        established_since: Some(t0),
        last_established: Some(t0),
        established_transitions: 2,
        remote_router_id: Some("10.0.0.1".parse().unwrap()),
        local: Some("10.0.0.2:40000".parse::<SocketAddr>().unwrap()),
        remote: Some("10.0.0.1:179".parse::<SocketAddr>().unwrap()),
        negotiated: Some(NegotiatedCaps {
            families: vec![Family::Ipv4Unicast],
            hold_time: 90,
            keepalive_time: 30,
            ..Default::default()
        }),
        families: vec![FamilyCounters {
            family: Family::Ipv4Unicast,
            received: 3,
            accepted: 2,
            advertised: 1,
        }],
        messages_received: MessageCounters {
            open: 1,
            keepalive: 4,
            ..Default::default()
        },
        messages_sent: MessageCounters::default(),
        last_notification_sent: Some(NotificationRecord {
            notification: Notification::cease_with_message(
                CeaseSubcode::AdministrativeShutdown,
                "maint",
            ),
            at: t0,
        }),
        last_notification_received: None,
        last_error: Some("hold timer expired".into()),
    };
    let n = to_neighbor_proto(&info, t0 + Duration::from_secs(60));
    let s = n.state.unwrap();
    assert_eq!(s.session_state, pb::SessionState::Established as i32);
    assert_eq!(s.uptime_seconds, 60);
    assert_eq!(s.established_since_unix_seconds, 1000);
    assert_eq!(
        (s.local_address.as_str(), s.local_port, s.remote_port),
        ("10.0.0.2", 40000, 179)
    );
    assert_eq!(s.messages_received.unwrap().total, 5);
    assert_eq!(s.families[0].accepted, 2);
    assert_eq!(s.capabilities.unwrap().keepalive_time, 30);
    let sent = s.last_notification_sent.unwrap();
    assert_eq!((sent.code, sent.subcode), (6, 2));
    assert_eq!(sent.description, "Cease / AdministrativeShutdown");
    assert_eq!(sent.text, "maint");
    assert_eq!(s.last_error, "hold timer expired");
    assert!(!s.password_set);
}
