//! RFC 8955 §6 validation of received rules, and export of injected rules.

use super::*;

const A: &str = "192.0.2.1"; // eBGP 65001
const B: &str = "198.51.100.1"; // eBGP 65002
const C: &str = "10.0.0.2"; // iBGP

fn setup() -> TRib {
    rib_with(&[
        (A, info(65001, "192.0.2.254", ALL)),
        (B, info(65002, "198.51.100.254", ALL)),
        (C, info(LOCAL_ASN, "10.0.0.254", ALL)),
    ])
}

fn path_attrs(path: &[u32]) -> Arc<PathAttributes> {
    attrs(|a| a.as_path = Some(AsPath::from_sequence(path.to_vec())))
}

fn unicast(rib: &mut TRib, from: &str, prefix: &str, path: &[u32]) {
    let u = super::export::announce(prefix, from, path_attrs(path));
    rib.update_received(ip(from), &u).unwrap();
}

fn rule(rib: &mut TRib, from: &str, r: TestRule, path: &[u32]) -> Output<TestRule> {
    let f = FlowUpdate {
        family: AfiSafi::IPV4_FLOWSPEC,
        announced: vec![r],
        withdrawn: Vec::new(),
        attrs: path_attrs(path),
        next_hop: MpNextHop::Empty,
    };
    rib.flowspec_received(ip(from), f).unwrap()
}

fn accepted(rib: &TRib, from: &str) -> (u64, u64) {
    let c = rib.counters(ip(from)).unwrap();
    let c = c.get(&AfiSafi::IPV4_FLOWSPEC).copied().unwrap_or_default();
    (c.received, c.accepted)
}

#[test]
fn rule_validated_by_the_same_neighbor_is_accepted() {
    let mut rib = setup();
    unicast(&mut rib, A, "203.0.113.0/24", &[65001]);
    let out = rule(&mut rib, A, TestRule::to("203.0.113.10/32", 6), &[65001]);
    assert_eq!(accepted(&rib, A), (1, 1));
    assert_eq!(rib.best_flowspecs(AfiSafi::IPV4_FLOWSPEC).len(), 1);
    assert!(!msgs(&out, B).is_empty(), "exported to the other peers");
    assert!(msgs(&out, A).is_empty());
}

#[test]
fn rejections() {
    let cases: Vec<(&str, TestRule, &[u32])> = vec![
        (
            "no destination",
            TestRule {
                dst: None,
                proto: 6,
            },
            &[65001],
        ),
        (
            "no unicast route",
            TestRule::to("198.18.0.0/24", 6),
            &[65001],
        ),
        (
            "best unicast from another neighbor",
            TestRule::to("100.64.0.1/32", 6),
            &[65001],
        ),
        (
            "left-most AS is not the peer's",
            TestRule::to("203.0.113.1/32", 6),
            &[65009],
        ),
        (
            "more-specific from another neighbor",
            TestRule::to("203.0.113.0/24", 6),
            &[65001],
        ),
    ];
    for (why, r, path) in cases {
        let mut rib = setup();
        unicast(&mut rib, A, "203.0.113.0/24", &[65001]);
        unicast(&mut rib, B, "100.64.0.0/16", &[65002]);
        unicast(&mut rib, B, "203.0.113.128/25", &[65002]);
        let out = rule(&mut rib, A, r, path);
        assert_eq!(accepted(&rib, A), (1, 0), "{why}");
        assert!(out.messages.is_empty(), "{why}");
        assert!(
            rib.best_flowspecs(AfiSafi::IPV4_FLOWSPEC).is_empty(),
            "{why}"
        );
        assert!(!rib.received_flowspecs(ip(A)).unwrap()[0].accepted, "{why}");
    }
}

#[test]
fn validation_off_accepts() {
    let mut i = info(65001, "192.0.2.254", ALL);
    i.flowspec_validation = false;
    let mut rib = rib_with(&[(A, i)]);
    rule(&mut rib, A, TestRule::to("198.18.0.0/24", 6), &[65001]);
    assert_eq!(accepted(&rib, A), (1, 1));
}

#[test]
fn ibgp_rule_with_empty_path_is_relaxed() {
    let mut rib = setup();
    unicast(&mut rib, A, "203.0.113.0/24", &[65001]);
    rule(&mut rib, C, TestRule::to("203.0.113.10/32", 17), &[]);
    assert_eq!(accepted(&rib, C), (1, 1), "RFC 9117");
    rule(&mut rib, C, TestRule::to("203.0.113.11/32", 17), &[65001]);
    assert_eq!(
        accepted(&rib, C),
        (2, 1),
        "non-empty path: strict origin check"
    );
}

#[test]
fn rule_is_withdrawn_when_its_unicast_route_goes() {
    let mut rib = setup();
    unicast(&mut rib, A, "203.0.113.0/24", &[65001]);
    rule(&mut rib, A, TestRule::to("203.0.113.10/32", 6), &[65001]);
    assert_eq!(accepted(&rib, A), (1, 1));
    let w = Update {
        withdrawn: vec![PathPrefix::new(net("203.0.113.0/24"))],
        ..Update::default()
    };
    let out = rib.update_received(ip(A), &w).unwrap();
    assert_eq!(accepted(&rib, A), (1, 0));
    assert!(rib.best_flowspecs(AfiSafi::IPV4_FLOWSPEC).is_empty());
    assert_eq!(rib.advertised_flowspecs(ip(B)).unwrap().len(), 0);
    let kinds: Vec<_> = out.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![ChangeKind::Withdrawn, ChangeKind::Withdrawn]);
    // And back when the route returns.
    unicast(&mut rib, A, "203.0.113.0/24", &[65001]);
    assert_eq!(accepted(&rib, A), (1, 1));
}

#[test]
fn injected_rule_export_and_removal() {
    let mut rib = setup();
    let r = InjectedFlowSpec {
        family: AfiSafi::IPV4_FLOWSPEC,
        rule: TestRule::to("203.0.113.10/32", 17),
        next_hop: None,
        attrs: attrs(|_| {}),
        neighbors: vec![ip(A)],
    };
    let out = rib.inject_flowspec("ddos-1", r.clone()).unwrap();
    assert!(msgs(&out, B).is_empty(), "out of scope");
    let sent = msgs(&out, A);
    assert_eq!(sent.len(), 1);
    let mut nlri = Vec::new();
    r.rule.pack(false, &mut nlri);
    // MP_REACH: family 1/133, next hop length 0, reserved, then the rule.
    let mut want = vec![0, 1, 133, 0, 0];
    want.extend_from_slice(&nlri);
    assert!(sent[0].windows(want.len()).any(|w| w == want.as_slice()));
    let adv = rib.advertised_flowspecs(ip(A)).unwrap();
    assert_eq!(
        adv[0].sent.attrs.as_path,
        Some(AsPath::from_sequence(vec![LOCAL_ASN]))
    );
    assert_eq!(
        rib.list_flowspecs(),
        vec![("ddos-1".to_string(), r.clone())]
    );

    let out = rib.remove_flowspec("ddos-1").unwrap();
    let sent = msgs(&out, A);
    // MP_UNREACH: family then the rule.
    let mut want = vec![0, 1, 133];
    want.extend_from_slice(&nlri);
    assert!(sent[0].windows(want.len()).any(|w| w == want.as_slice()));
    assert!(rib.advertised_flowspecs(ip(A)).unwrap().is_empty());
}

#[test]
fn redirect_to_ip_rule_carries_its_next_hop() {
    let mut rib = setup();
    let r = InjectedFlowSpec {
        family: AfiSafi::IPV4_FLOWSPEC,
        rule: TestRule::to("203.0.113.10/32", 17),
        next_hop: Some(ip("192.0.2.200")),
        attrs: attrs(|_| {}),
        neighbors: Vec::new(),
    };
    let out = rib.inject_flowspec("redirect", r).unwrap();
    let want = [0, 1, 133, 4, 192, 0, 2, 200, 0];
    assert!(msgs(&out, B)[0].windows(want.len()).any(|w| w == want));
}
