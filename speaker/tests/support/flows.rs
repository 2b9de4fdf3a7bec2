//! The FlowSpec rules every real-peer test injects: together they use all 13 component types
//! (equality lists and `*_match` expressions) and every action of `FlowSpecActions`, in both
//! families. Each test checks what its peer shows for them.

use bgpd_api::v1::{AddFlowSpecRequest, DeleteFlowSpecRequest};

use super::json;

/// v4: components 1-6 and 9-12; rate (bytes), redirect AS2, marking.
pub const V4_ALL: &str = r#"{"id": "v4-all", "family": "ipv4_flowspec", "rule": {
    "destination_prefix": "192.0.2.0/24", "source_prefix": "198.51.100.0/24",
    "protocol_match": "=6", "ports": [80, 8080], "destination_port_match": ">=1024&<=2048",
    "source_ports": [443], "tcp_flags": "=syn&!ack", "packet_length_match": ">=100&<=1500",
    "dscp": [10], "fragment": "is-fragment"},
  "actions": {"traffic_rate_bytes": 1000, "redirect_rt": "65000:100", "mark_dscp": 46}}"#;

/// v4: ICMP type and code (7, 8); discard, sample + terminal.
pub const V4_ICMP: &str = r#"{"id": "v4-icmp", "family": "ipv4_flowspec", "rule": {
    "destination_prefix": "203.0.113.0/24", "protocols": [1], "icmp_types": [8],
    "icmp_code_match": "=0"},
  "actions": {"discard": true, "sample": true, "terminal": true}}"#;

/// v4: rate in packets, redirect IPv4-address form.
pub const V4_PPS: &str = r#"{"id": "v4-pps", "family": "ipv4_flowspec", "rule": {
    "destination_prefix": "192.0.2.128/25", "protocols": [17], "destination_ports": [53]},
  "actions": {"traffic_rate_packets": 500, "redirect_rt": "192.0.2.9:100"}}"#;

/// v4: redirect to IP (next hop 192.0.2.254).
pub const V4_NH: &str = r#"{"id": "v4-nh", "family": "ipv4_flowspec", "rule": {
    "destination_prefix": "198.51.100.128/25", "protocols": [6]},
  "actions": {"redirect_ip": "192.0.2.254"}}"#;

/// v6: components 1-6 and 9-13; rate (bytes), redirect AS4, marking.
pub const V6_ALL: &str = r#"{"id": "v6-all", "family": "ipv6_flowspec", "rule": {
    "destination_prefix": "2001:db8:1::/64", "source_prefix": "2001:db8:2::/64",
    "protocols": [6], "port_match": ">=8000&<=8080", "destination_ports": [443],
    "source_port_match": ">1023", "tcp_flags": "syn", "packet_length_match": ">=64&<=1280",
    "dscp_match": "=10", "fragment": "is-fragment", "flow_label": [12345]},
  "actions": {"traffic_rate_bytes": 2000, "redirect_rt": "4200000000:100", "mark_dscp": 10}}"#;

/// v6: ICMPv6 type and code (7, 8), flow label as an expression; rate in packets, sample.
pub const V6_ICMP: &str = r#"{"id": "v6-icmp", "family": "ipv6_flowspec", "rule": {
    "destination_prefix": "2001:db8:3::/64", "protocol_match": "=58",
    "icmp_type_match": "=128 =129", "icmp_codes": [0], "flow_label_match": ">=100&<=200"},
  "actions": {"traffic_rate_packets": 100, "sample": true}}"#;

/// v6: redirect to IP (next hop 2001:db8::99), terminal.
pub const V6_NH: &str = r#"{"id": "v6-nh", "family": "ipv6_flowspec", "rule": {
    "destination_prefix": "2001:db8:5::/64", "protocols": [17]},
  "actions": {"redirect_ip": "2001:db8::99", "terminal": true}}"#;

pub const ALL: [&str; 7] = [V4_ALL, V4_ICMP, V4_PPS, V4_NH, V6_ALL, V6_ICMP, V6_NH];

pub fn requests() -> Vec<AddFlowSpecRequest> {
    ALL.iter().map(|b| json(b)).collect()
}

/// Deletes by id, one request per rule.
pub fn deletes() -> Vec<DeleteFlowSpecRequest> {
    requests()
        .into_iter()
        .map(|r| DeleteFlowSpecRequest {
            id: r.id,
            ..Default::default()
        })
        .collect()
}

/// Injects all rules and returns how many.
pub async fn inject_all(speaker: &super::Speaker) -> usize {
    let mut api = speaker.injection().await;
    let reqs = requests();
    for r in &reqs {
        api.add_flow_spec(r.clone()).await.unwrap();
    }
    reqs.len()
}

/// Withdraws all rules by id.
pub async fn delete_all(speaker: &super::Speaker) {
    let mut api = speaker.injection().await;
    for d in deletes() {
        assert_eq!(
            api.delete_flow_spec(d).await.unwrap().into_inner().deleted,
            1
        );
    }
}

/// traffic-rate-packets (0x800c) and redirect-to-IP (0x0800) are not in the testbed's
/// `FlowAction`; this decodes them from the raw 64-bit community.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Extra {
    RatePackets { asn: u16, rate: f32 },
    RedirectToIp { copy: bool },
}

pub fn extra_action(raw: u64) -> Option<Extra> {
    let b = raw.to_be_bytes();
    match (b[0], b[1]) {
        (0x80, 0x0c) => Some(Extra::RatePackets {
            asn: u16::from_be_bytes([b[2], b[3]]),
            rate: f32::from_bits(u32::from_be_bytes([b[4], b[5], b[6], b[7]])),
        }),
        (0x08, 0x00) => Some(Extra::RedirectToIp {
            copy: b[7] & 1 != 0,
        }),
        _ => None,
    }
}

/// A FlowSpec action as a peer showed it: one the testbed decodes, or one decoded here.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Act {
    Flow(testbed::FlowAction),
    Extra(Extra),
}

/// Any FlowSpec action from a raw 64-bit extended community.
pub fn act_from_raw(raw: u64) -> Option<Act> {
    testbed::FlowAction::from_raw(raw)
        .map(Act::Flow)
        .or_else(|| extra_action(raw).map(Act::Extra))
}

/// The actions each rule of [`ALL`] carries, in the order the speaker encodes them.
pub fn expected_actions() -> Vec<Vec<Act>> {
    use Act::{Extra as X, Flow as F};
    use Extra as E;
    use testbed::FlowAction as A;
    vec![
        vec![
            F(A::TrafficRate {
                asn: 0,
                rate: 1000.0,
            }),
            F(A::RedirectAs2 {
                asn: 65000,
                value: 100,
            }),
            F(A::TrafficMarking { dscp: 46 }),
        ],
        vec![
            F(A::TrafficRate { asn: 0, rate: 0.0 }),
            F(A::TrafficAction {
                sample: true,
                terminal: true,
            }),
        ],
        vec![
            X(E::RatePackets {
                asn: 0,
                rate: 500.0,
            }),
            F(A::RedirectIpv4 {
                addr: std::net::Ipv4Addr::new(192, 0, 2, 9),
                value: 100,
            }),
        ],
        vec![X(E::RedirectToIp { copy: false })],
        vec![
            F(A::TrafficRate {
                asn: 0,
                rate: 2000.0,
            }),
            F(A::RedirectAs4 {
                asn: 4_200_000_000,
                value: 100,
            }),
            F(A::TrafficMarking { dscp: 10 }),
        ],
        vec![
            X(E::RatePackets {
                asn: 0,
                rate: 100.0,
            }),
            F(A::TrafficAction {
                sample: true,
                terminal: false,
            }),
        ],
        vec![
            F(A::TrafficAction {
                sample: false,
                terminal: true,
            }),
            X(E::RedirectToIp { copy: false }),
        ],
    ]
}
