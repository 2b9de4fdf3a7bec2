//! Parser tests on text captured from BIRD 2.0.12.

use super::*;

const ROUTES: &str = "BIRD 2.0.12 ready.
Table master4:
198.51.100.0/25      unreachable [gobgp 22:14:53.213 from 127.201.0.2] * (100) [AS65004i]
\tType: BGP univ
\tBGP.origin: IGP
\tBGP.as_path: 65002 65004
\tBGP.next_hop: 127.201.0.2
\tBGP.local_pref: 100
                     unreachable [other 22:14:54.000 from 127.201.0.9] (100) [AS65009i]
\tType: BGP univ
\tBGP.as_path: 65009
203.0.113.0/24       unreachable [gobgp 22:14:58.821 from 127.201.0.2] * (100) [AS65011e]
\tType: BGP univ
\tBGP.origin: EGP
\tBGP.as_path: 65002 65010 65011
\tBGP.next_hop: 192.0.2.2
\tBGP.med: 30
\tBGP.local_pref: 100
\tBGP.community: (65002,10) (65003,7)
\tBGP.large_community: (65002, 1, 2)
";

const FLOWS: &str = "BIRD 2.0.12 ready.
Table flowtab4:
flow4 { dst 192.0.2.0/24; src 198.51.100.0/24; proto 6; dport 80; sport >= 1024; tcp flags !0x0/0x2; length 100..1500; dscp 10; fragment !!is_fragment; }  [gobgp 22:14:58.862 from 127.201.0.2] * (100) [AS65002?]
\tType: BGP univ
\tBGP.origin: Incomplete
\tBGP.as_path: 65002
\tBGP.local_pref: 100
\tBGP.ext_community: (generic, 0x80060000, 0x447a0000) (generic, 0x8008fde8, 0x64)
flow6 { dst 2001:db8:1::/64; next header 17; label 12345; }  [gobgp 22:14:58.877 from 127.201.0.2] * (100) [AS65002?]
\tBGP.ext_community: (generic, 0x80060000, 0x0) (rt, 65000, 100)
";

#[test]
fn unicast_routes_with_alternatives() {
    let r = parse_routes(ROUTES).unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].net, "198.51.100.0/25");
    assert_eq!(r[0].protocol, "gobgp");
    assert_eq!(r[0].from, Some("127.201.0.2".parse().unwrap()));
    assert!(r[0].primary);
    assert_eq!(r[0].kind.as_deref(), Some("unreachable"));
    assert_eq!(r[1].net, "198.51.100.0/25");
    assert_eq!(r[1].protocol, "other");
    assert!(!r[1].primary);
    let b = &r[2];
    assert_eq!(b.origin, Some(Origin::Egp));
    assert_eq!(b.as_path, vec![65002, 65010, 65011]);
    assert_eq!(b.next_hop, Some("192.0.2.2".parse().unwrap()));
    assert_eq!(
        (b.med, b.local_pref, b.preference),
        (Some(30), Some(100), Some(100))
    );
    assert_eq!(b.communities, vec![(65002, 10), (65003, 7)]);
    assert_eq!(b.large_communities, vec![(65002, 1, 2)]);
    assert_eq!(b.attr("Type"), Some("BGP univ"));
}

#[test]
fn flow_routes_components_and_actions() {
    let r = parse_routes(FLOWS).unwrap();
    assert_eq!(r.len(), 2);
    let f = &r[0];
    assert!(f.net.starts_with("flow4 {") && f.kind.is_none());
    assert_eq!(f.flow_component("dst"), Some("192.0.2.0/24"));
    assert_eq!(f.flow_component("sport"), Some(">= 1024"));
    assert_eq!(f.flow_component("tcp flags"), Some("!0x0/0x2"));
    assert_eq!(f.flow_component("fragment"), Some("!!is_fragment"));
    assert_eq!(f.flow.len(), 9);
    assert_eq!(
        f.flow_actions(),
        vec![
            FlowAction::TrafficRate {
                asn: 0,
                rate: 1000.0
            },
            FlowAction::RedirectAs2 {
                asn: 65000,
                value: 100
            }
        ]
    );
    let g = &r[1];
    assert_eq!(g.flow_component("next header"), Some("17"));
    assert_eq!(g.flow_component("label"), Some("12345"));
    assert_eq!(
        g.ext_communities,
        vec!["(generic, 0x80060000, 0x0)", "(rt, 65000, 100)"]
    );
    assert_eq!(
        g.flow_actions(),
        vec![FlowAction::TrafficRate { asn: 0, rate: 0.0 }]
    );
}

#[test]
fn protocol_states() {
    let est = "BIRD 2.0.12 ready.\nName       Proto      Table      State  Since         Info\npeer1      BGP        ---        up     22:14:51.898  Established   \n";
    assert_eq!(
        parse_protocol_state(est, "peer1").unwrap(),
        SessionState::Established
    );
    let conn =
        "Name Proto Table State Since Info\npeer1 BGP --- start 2026-01-02 10:00:00 Connect\n";
    assert_eq!(
        parse_protocol_state(conn, "peer1").unwrap(),
        SessionState::Connect
    );
    let down = "peer1      BGP        ---        down   22:14:51.898\n";
    assert_eq!(
        parse_protocol_state(down, "peer1").unwrap(),
        SessionState::Other("down".into())
    );
    assert!(parse_protocol_state("syntax error", "peer1").is_err());
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(parse_routes("\tBGP.med: 1\n").is_err());
    assert!(parse_routes("203.0.113.0/24 unreachable no bracket\n").is_err());
    assert!(
        parse_routes("203.0.113.0/24 unreachable [p 1:2 from 1.2.3.4] *\n\tBGP.med: x\n").is_err()
    );
}
