//! Pure unit tests: FlowSpec rules and actions, both directions, and every validation
//! message.

use bgp_wire::nlri::flowspec::action::Rate;
use bgp_wire::nlri::flowspec::{ComponentType, FlowSpecAction};

use super::*;

fn req(json: &str) -> pb::AddFlowSpecRequest {
    serde_json::from_str(json).unwrap()
}

fn rule_text(json: &str) -> String {
    to_inject_flowspec(&req(json)).unwrap().rule.to_string()
}

fn err(json: &str) -> String {
    to_inject_flowspec(&req(json)).unwrap_err().to_string()
}

#[test]
fn seed_rate_limit_body() {
    let r = to_inject_flowspec(&req(r#"{"family": "ipv4_flowspec", "rule": {"destination_prefix": "203.0.113.10/32", "protocols": [17], "destination_ports": [53]}, "actions": {"traffic_rate_bytes": 1250000}}"#)).unwrap();
    assert_eq!(r.family, Family::Ipv4FlowSpec);
    assert_eq!(
        r.rule.to_string(),
        "destination 203.0.113.10/32 protocol =udp destination-port =53"
    );
    assert_eq!(r.id, format!("ipv4_flowspec:{}", r.rule));
    let rate = FlowSpecAction::TrafficRateBytes {
        asn: 0,
        rate: Rate::from_f32(1_250_000.0),
    };
    assert_eq!(r.attrs.extended_communities, vec![rate.to_ext().unwrap()]);
    assert_eq!(r.spec.id, r.id);
}

#[test]
fn lists_and_expressions_are_ored() {
    let cases = [
        (
            r#"{"destination_port_match": ">=1024&<=2048 =8080"}"#,
            "destination-port >=1024&<=2048 =8080",
        ),
        (
            r#"{"destination_port_match": ">=1024&<=2048", "destination_ports": [53, 123]}"#,
            "destination-port >=1024&<=2048 =53 =123",
        ),
        (r#"{"protocols": [6, 17]}"#, "protocol =tcp =udp"),
        (r#"{"protocol_match": "!=6"}"#, "protocol !=tcp"),
        (
            r#"{"ports": [80], "source_ports": [1234], "icmp_types": [8], "icmp_codes": [0]}"#,
            "port =80 source-port =1234 icmp-type =8 icmp-code =0",
        ),
        (
            r#"{"packet_length_match": ">=1400", "dscp": [46]}"#,
            "packet-length >=1400 dscp =46",
        ),
        (r#"{"tcp_flags": "=syn&!ack"}"#, "tcp-flags =syn&!ack"),
        (r#"{"tcp_flags": "rst fin"}"#, "tcp-flags rst fin"),
        (r#"{"tcp_flags": "=syn+ack"}"#, "tcp-flags =syn|ack"),
        (
            r#"{"fragment": "first-fragment last-fragment"}"#,
            "fragment first-fragment last-fragment",
        ),
        (
            r#"{"source_prefix": "198.51.100.0/24"}"#,
            "source 198.51.100.0/24",
        ),
    ];
    for (rule, want) in cases {
        let json = format!(r#"{{"family": "ipv4_flowspec", "rule": {rule}}}"#);
        assert_eq!(rule_text(&json), want, "{rule}");
    }
}

#[test]
fn ipv6_components() {
    let t = rule_text(
        r#"{"family": "ipv6_flowspec", "rule": {"destination_prefix": "2001:db8:1:2::/64", "destination_prefix_offset": 32, "flow_label": [5]}}"#,
    );
    assert_eq!(t, "destination 0:0:1:2::/32-64 flow-label =5");
}

#[test]
fn rule_validation_messages() {
    let cases = [
        (r#"{"rule": {"protocols": [17]}}"#, "family: required"),
        (
            r#"{"family": "ipv4_flow", "rule": {"protocols": [17]}}"#,
            r#"family: "ipv4_flow" is not one of ipv4_flowspec, ipv6_flowspec"#,
        ),
        (r#"{"family": "ipv4_flowspec"}"#, "rule: required"),
        (
            r#"{"family": "ipv4_flowspec", "rule": {}}"#,
            "rule: at least one component is required",
        ),
        (
            r#"{"family": "ipv4_flowspec", "rule": {"destination_prefix": "203.0.113.300/32"}}"#,
            r#"rule.destination_prefix: "203.0.113.300/32" is not an IP prefix"#,
        ),
        (
            r#"{"family": "ipv4_flowspec", "rule": {"destination_prefix": "2001:db8::/32"}}"#,
            "rule.destination_prefix: IPv6 prefix in an ipv4_flowspec rule",
        ),
        (
            r#"{"family": "ipv6_flowspec", "rule": {"source_prefix": "10.0.0.0/8"}}"#,
            "rule.source_prefix: IPv4 prefix in an ipv6_flowspec rule",
        ),
        (
            r#"{"family": "ipv4_flowspec", "rule": {"destination_prefix": "10.0.0.0/8", "destination_prefix_offset": 4}}"#,
            "rule.destination_prefix_offset: only valid for ipv6_flowspec",
        ),
        (
            r#"{"family": "ipv6_flowspec", "rule": {"destination_prefix": "2001:db8::/32", "destination_prefix_offset": 32}}"#,
            "rule.destination_prefix_offset: 32 is not below the prefix length 32",
        ),
        (
            r#"{"family": "ipv4_flowspec", "rule": {"source_prefix_offset": 3}}"#,
            "rule.source_prefix_offset: needs source_prefix",
        ),
        (
            r#"{"family": "ipv4_flowspec", "rule": {"destination_ports": [53, 70000]}}"#,
            "rule.destination_ports[1]: 70000 is out of range (0..=65535)",
        ),
        (
            r#"{"family": "ipv4_flowspec", "rule": {"protocols": [256]}}"#,
            "rule.protocols[0]: 256 is out of range (0..=255)",
        ),
        (
            r#"{"family": "ipv4_flowspec", "rule": {"dscp": [64]}}"#,
            "rule.dscp[0]: 64 is out of range (0..=63)",
        ),
        (
            r#"{"family": "ipv4_flowspec", "rule": {"flow_label": [1]}}"#,
            "rule.flow_label: only valid for ipv6_flowspec",
        ),
        (
            r#"{"family": "ipv4_flowspec", "rule": {"tcp_flags": "syn|ack"}}"#,
            r#"rule.tcp_flags: "syn|ack": join flags with '+'"#,
        ),
    ];
    for (json, want) in cases {
        assert_eq!(err(json), want, "{json}");
    }
    let m = err(r#"{"family": "ipv4_flowspec", "rule": {"destination_port_match": ">=1024&<=x"}}"#);
    assert!(
        m.starts_with(r#"rule.destination_port_match: ">=1024&<=x": at column"#),
        "{m}"
    );
    let m = err(r#"{"family": "ipv4_flowspec", "rule": {"tcp_flags": "=syn+bogus"}}"#);
    assert!(
        m.starts_with(r#"rule.tcp_flags: "=syn+bogus": at column"#),
        "{m}"
    );
    assert!(!m.contains('|'), "{m}");
    let m = err(r#"{"family": "ipv4_flowspec", "rule": {"port_match": ">70000"}}"#);
    assert!(m.starts_with("rule.port_match: "), "{m}");
}

fn actions(family: &str, actions: &str) -> Result<InjectFlowSpec, FieldError> {
    let json =
        format!(r#"{{"family": "{family}", "rule": {{"protocols": [17]}}, "actions": {actions}}}"#);
    to_inject_flowspec(&req(&json))
}

#[test]
fn every_action_encodes() {
    let r = actions(
        "ipv4_flowspec",
        r#"{"discard": true, "traffic_rate_packets": 100, "sample": true, "terminal": true, "redirect_rt": "65000:100", "mark_dscp": 46}"#,
    )
    .unwrap();
    let got: Vec<FlowSpecAction> = r
        .attrs
        .extended_communities
        .iter()
        .filter_map(FlowSpecAction::from_ext)
        .collect();
    assert_eq!(
        got,
        vec![
            FlowSpecAction::DISCARD,
            FlowSpecAction::TrafficRatePackets {
                asn: 0,
                rate: Rate::from_f32(100.0)
            },
            FlowSpecAction::TrafficAction {
                sample: true,
                terminal: true
            },
            FlowSpecAction::RedirectAs2 {
                asn: 65000,
                value: 100
            },
            FlowSpecAction::TrafficMarking { dscp: 46 },
        ]
    );
    let r = actions("ipv6_flowspec", r#"{"redirect_ip": "2001:db8::1"}"#).unwrap();
    assert_eq!(r.redirect_next_hop, Some("2001:db8::1".parse().unwrap()));
    assert_eq!(
        FlowSpecAction::from_ext(&r.attrs.extended_communities[0]),
        Some(FlowSpecAction::RedirectToIp { copy: false })
    );
    for (rt, want) in [
        (
            "192.0.2.9:100",
            FlowSpecAction::RedirectIpv4 {
                addr: "192.0.2.9".parse().unwrap(),
                value: 100,
            },
        ),
        (
            "4200000000:100",
            FlowSpecAction::RedirectAs4 {
                asn: 4_200_000_000,
                value: 100,
            },
        ),
    ] {
        let r = actions("ipv4_flowspec", &format!(r#"{{"redirect_rt": "{rt}"}}"#)).unwrap();
        assert_eq!(
            FlowSpecAction::from_ext(&r.attrs.extended_communities[0]),
            Some(want)
        );
    }
    let r = actions("ipv4_flowspec", r#"{"traffic_rate_bytes": 0}"#).unwrap();
    assert_eq!(
        FlowSpecAction::from_ext(&r.attrs.extended_communities[0]),
        Some(FlowSpecAction::DISCARD)
    );
}

#[test]
fn extra_communities_follow_the_actions() {
    let json = r#"{"family": "ipv4_flowspec", "rule": {"protocols": [17]}, "actions": {"discard": true},
        "communities": ["65535:666"], "large_communities": ["65000:1:2"], "extended_communities": ["rt:65000:1"]}"#;
    let r = to_inject_flowspec(&req(json)).unwrap();
    assert_eq!(r.attrs.extended_communities.len(), 2);
    assert_eq!(r.attrs.extended_communities[1].to_string(), "rt:65000:1");
    assert_eq!(r.attrs.communities.len(), 1);
    assert_eq!(r.attrs.large_communities.len(), 1);
}

#[test]
fn action_validation_messages() {
    let cases = [
        (
            r#"{"traffic_rate_bytes": 1000, "discard": true}"#,
            "actions: traffic_rate_bytes and discard are mutually exclusive",
        ),
        (
            r#"{"traffic_rate_bytes": -1}"#,
            "actions.traffic_rate_bytes: -1 is not a rate (expected a finite number >= 0)",
        ),
        (
            r#"{"traffic_rate_packets": -5}"#,
            "actions.traffic_rate_packets: -5 is not a rate (expected a finite number >= 0)",
        ),
        (
            r#"{"mark_dscp": 64}"#,
            "actions.mark_dscp: 64 is out of range (0..=63)",
        ),
        (
            r#"{"redirect_rt": "65000"}"#,
            r#"actions.redirect_rt: "65000" is not a route target (expected ASN:N, IPv4:N or 4-octet-ASN:N)"#,
        ),
        (
            r#"{"redirect_ip": "2001:db8::1"}"#,
            "actions.redirect_ip: IPv6 address for an ipv4_flowspec rule",
        ),
        (
            r#"{"redirect_ip": "x"}"#,
            r#"actions.redirect_ip: "x" is not an IP address"#,
        ),
        (
            r#"{"redirect_ip": "192.0.2.1", "redirect_rt": "65000:1"}"#,
            "actions: redirect_rt and redirect_ip are mutually exclusive",
        ),
    ];
    for (a, want) in cases {
        assert_eq!(
            actions("ipv4_flowspec", a).unwrap_err().to_string(),
            want,
            "{a}"
        );
    }
}

#[test]
fn selectors_and_queries() {
    let sel = to_flowspec_selector(
        &serde_json::from_str(r#"{"family": "ipv4_flowspec", "rule": {"protocols": [17]}}"#)
            .unwrap(),
    )
    .unwrap();
    let FlowSpecSelector::Rule { family, rule } = sel else {
        panic!()
    };
    assert_eq!(
        (family, rule.to_string().as_str()),
        (Family::Ipv4FlowSpec, "protocol =udp")
    );
    assert_eq!(
        to_flowspec_selector(&serde_json::from_str(r#"{"id": "x"}"#).unwrap()).unwrap(),
        FlowSpecSelector::Id("x".into())
    );
    let e = to_flowspec_selector(&serde_json::from_str(r#"{"family": "ipv4_flowspec"}"#).unwrap())
        .unwrap_err();
    assert_eq!(e.to_string(), "rule: required");
    let q = to_list_query(&pb::ListFlowSpecsRequest {
        family: "ipv6_flowspec".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(q.family, Some(Family::Ipv6FlowSpec));
}

#[test]
fn rules_and_actions_render_back() {
    let json = r#"{"family": "ipv4_flowspec", "rule": {"destination_prefix": "203.0.113.10/32", "protocols": [17],
        "destination_port_match": ">=1024&<=2048", "tcp_flags": "=syn+ack", "fragment": "is-fragment"},
        "actions": {"traffic_rate_bytes": 1250000, "sample": true, "redirect_ip": "192.0.2.1", "mark_dscp": 10}}"#;
    let r = to_inject_flowspec(&req(json)).unwrap();
    let back = to_rule_proto(&r.rule);
    assert_eq!(back.destination_prefix, "203.0.113.10/32");
    assert_eq!(back.protocols, vec![17]);
    assert_eq!(back.destination_port_match, ">=1024&<=2048");
    assert_eq!(back.tcp_flags, "=syn+ack");
    assert_eq!(back.fragment, "is-fragment");
    // What was rendered parses back to the same rule.
    assert_eq!(to_rule(Family::Ipv4FlowSpec, &back).unwrap(), r.rule);
    let a = to_actions_proto(&r.attrs, r.redirect_next_hop);
    assert_eq!(a.traffic_rate_bytes, Some(1_250_000.0));
    assert!(a.sample && !a.terminal && !a.discard);
    assert_eq!(
        (a.redirect_ip.as_str(), a.mark_dscp),
        ("192.0.2.1", Some(10))
    );
    let texts: Vec<String> = r
        .attrs
        .extended_communities
        .iter()
        .filter_map(action_text)
        .collect();
    assert_eq!(
        texts,
        vec![
            "traffic-rate-bytes:0:1250000",
            "traffic-action:1:0",
            "redirect-to-ip:0",
            "traffic-marking:10"
        ]
    );
    let types: Vec<ComponentType> = r
        .rule
        .components()
        .iter()
        .map(|c| c.component_type())
        .collect();
    assert_eq!(types.len(), 5);
}
