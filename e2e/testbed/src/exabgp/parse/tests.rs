//! Parser tests on lines captured from ExaBGP 4.2.21 (testdata/exabgp-received.jsonl).

use super::*;

fn events() -> Vec<ExaEvent> {
    parse_lines(include_str!("../../../testdata/exabgp-received.jsonl")).unwrap()
}

#[test]
fn states_and_updates() {
    let ev = events();
    assert!(matches!(&ev[1], ExaEvent::State { state, .. } if state == "up"));
    let ExaEvent::Update(u) = &ev[5] else {
        panic!("{:?}", ev[5])
    };
    assert_eq!(u.peer, "127.201.0.2".parse::<IpAddr>().unwrap());
    assert_eq!(u.announce[0].prefix, "203.0.113.0/24");
    assert_eq!(u.announce[0].family, "ipv4 unicast");
    assert_eq!(u.announce[0].next_hop, Some("192.0.2.2".parse().unwrap()));
    let a = &u.attributes;
    assert_eq!((a.origin, a.med), (Some(Origin::Egp), Some(30)));
    assert_eq!(a.as_path, vec![65002, 65010, 65011]);
    assert_eq!(a.communities, vec![(65002, 10)]);
    assert_eq!(a.large_communities, vec![(65002, 1, 2)]);
}

#[test]
fn flow_announce_and_actions() {
    let ev = events();
    let ExaEvent::Update(u) = &ev[7] else {
        panic!("{:?}", ev[7])
    };
    let n = &u.announce[0];
    assert_eq!(n.family, "ipv4 flow");
    assert_eq!(n.next_hop, None);
    assert!(n.prefix.starts_with("flow destination-ipv4 192.0.2.0/24"));
    assert_eq!(n.flow_component("destination-port").unwrap(), ["=80"]);
    assert_eq!(n.flow_component("tcp-flags").unwrap(), ["syn"]);
    assert_eq!(
        u.attributes.flow_actions(),
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
    assert_eq!(u.attributes.ext_communities[0].1, "rate-limit:1000");
}

#[test]
fn rib_replays_withdraws() {
    let ev = events();
    // The capture ends with the session going down, which empties the RIB.
    assert!(rib_of(&ev).is_empty());
    let down = ev
        .iter()
        .position(|e| matches!(e, ExaEvent::State { state, .. } if state == "down"))
        .unwrap();
    let rib = rib_of(&ev[..down]);
    let has = |p: &str| rib.iter().any(|r| r.nlri.prefix.contains(p));
    assert!(has("198.51.100.0/24"));
    assert!(has("192.0.2.64/26"));
    // Withdrawn at the end of the capture.
    assert!(!has("203.0.113.0/24"));
    assert!(!has("2001:db8:1::/64"));
}

#[test]
fn bad_lines() {
    assert!(parse_line("{not json").is_err());
    assert!(matches!(
        parse_line(r#"{"type":"notification"}"#).unwrap(),
        ExaEvent::Other(_)
    ));
    assert!(parse_line(r#"{"type":"state","neighbor":{}}"#).is_err());
}

#[test]
fn flow_with_next_hop() {
    // Seen from ExaBGP 4.2.21 for a redirect-to-IP rule (trimmed).
    let line = r#"{"type": "update", "neighbor": {"address": {"local": "127.0.0.5", "peer": "127.0.0.2"}, "message": {"update": {"attribute": {"origin": "igp"}, "announce": {"ipv4 flow": {"192.0.2.254": [{"destination-ipv4": ["198.51.100.128/25"], "next-hop": "192.0.2.254", "string": "flow destination-ipv4 198.51.100.128/25"}]}}}}}}"#;
    let ExaEvent::Update(u) = parse_line(line).unwrap() else {
        panic!("not an update");
    };
    let n = &u.announce[0];
    assert_eq!(n.next_hop, Some("192.0.2.254".parse().unwrap()));
    assert_eq!(n.flow.len(), 1);
    assert_eq!(
        n.flow_component("destination-ipv4").unwrap(),
        ["198.51.100.128/25"]
    );
}

#[test]
fn flow_withdraw_matches_announce_with_next_hop() {
    let announce = r#"{"type": "update", "neighbor": {"address": {"local": "127.0.0.5", "peer": "127.0.0.2"}, "message": {"update": {"announce": {"ipv4 flow": {"192.0.2.254": [{"destination-ipv4": ["198.51.100.128/25"], "next-hop": "192.0.2.254", "string": "flow destination-ipv4 198.51.100.128/25 next-hop 192.0.2.254"}]}}}}}}"#;
    let withdraw = r#"{"type": "update", "neighbor": {"address": {"local": "127.0.0.5", "peer": "127.0.0.2"}, "message": {"update": {"withdraw": {"ipv4 flow": [{"destination-ipv4": ["198.51.100.128/25"], "string": "flow destination-ipv4 198.51.100.128/25"}]}}}}}"#;
    let a = parse_line(announce).unwrap();
    assert_eq!(rib_of(std::slice::from_ref(&a)).len(), 1);
    assert!(rib_of(&[a, parse_line(withdraw).unwrap()]).is_empty());
}
