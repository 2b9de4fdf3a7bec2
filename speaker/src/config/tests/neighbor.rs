//! `[[neighbors]]`: defaults, every key, and each rule with its line.

use std::time::Duration;

use super::{GLOBAL, error, errors, ok, with_neighbor};
use crate::config::*;

fn neighbor(body: &str) -> Neighbor {
    let mut config = ok(&with_neighbor(body));
    assert_eq!(config.neighbors.len(), 1);
    config.neighbors.remove(0)
}

#[test]
fn ipv4_neighbor_defaults() {
    let n = neighbor("address = \"10.0.0.1\"\nremote_asn = 65001\n");
    let expected = Neighbor {
        address: "10.0.0.1".parse().unwrap(),
        remote_asn: 65001,
        description: None,
        families: vec![Family::Ipv4Unicast],
        hold_time: 90,
        keepalive: None,
        connect_retry: Duration::from_secs(5),
        port: 179,
        local_address: None,
        passive: false,
        ebgp_multihop: None,
        password: None,
        max_prefixes: None,
        enabled: true,
        flowspec_validation: true,
        stale_route_timeout: Duration::from_secs(360),
    };
    assert_eq!(n, expected);
}

#[test]
fn ipv6_neighbor_defaults_to_ipv6_unicast() {
    let n = neighbor("address = \"2001:db8::2\"\nremote_asn = 65001\n");
    assert_eq!(n.families, [Family::Ipv6Unicast]);
}

#[test]
fn every_neighbor_key_is_read() {
    let n = neighbor(
        "address = \"10.0.0.1\"\nremote_asn = 4200000000\ndescription = \"edge-1\"\n\
         families = [\"ipv4_flowspec\", \"ipv6_flowspec\", \"ipv4_unicast\", \"ipv6_unicast\"]\n\
         hold_time = 30\nkeepalive = 10\nconnect_retry = 1\nport = 1179\n\
         local_address = \"10.0.0.2\"\npassive = true\nttl = 3\npassword = \"s3cret\"\n\
         max_prefixes = 1000\nenabled = false\nflowspec_validation = false\n\
         stale_route_timeout = 30\n",
    );
    assert_eq!(n.remote_asn, 4_200_000_000);
    assert_eq!(n.description.as_deref(), Some("edge-1"));
    assert_eq!(
        n.families,
        [
            Family::Ipv4FlowSpec,
            Family::Ipv6FlowSpec,
            Family::Ipv4Unicast,
            Family::Ipv6Unicast
        ]
    );
    assert_eq!((n.hold_time, n.keepalive), (30, Some(10)));
    assert_eq!(n.connect_retry, Duration::from_secs(1));
    assert_eq!(n.port, 1179);
    assert_eq!(n.local_address, Some("10.0.0.2".parse().unwrap()));
    assert!(n.passive && !n.enabled && !n.flowspec_validation);
    assert_eq!(n.ebgp_multihop, Some(3));
    assert_eq!(n.password.as_ref().map(Password::expose), Some("s3cret"));
    assert_eq!(n.max_prefixes, Some(1000));
    assert_eq!(n.stale_route_timeout, Duration::from_secs(30));
}

#[test]
fn neighbor_inherits_global_hold_time() {
    let text =
        format!("{GLOBAL}hold_time = 45\n[[neighbors]]\naddress = \"10.0.0.1\"\nremote_asn = 1\n");
    assert_eq!(ok(&text).neighbors[0].hold_time, 45);
}

#[test]
fn ebgp_multihop_flag() {
    let on = neighbor("address = \"10.0.0.1\"\nremote_asn = 1\nebgp_multihop = true\n");
    assert_eq!(on.ebgp_multihop, Some(255));
    let off = neighbor("address = \"10.0.0.1\"\nremote_asn = 1\nebgp_multihop = false\n");
    assert_eq!(off.ebgp_multihop, None);
}

#[test]
fn keepalive_follows_negotiated_hold_time() {
    let unset = neighbor("address = \"10.0.0.1\"\nremote_asn = 1\n");
    assert_eq!(unset.keepalive_for(90), 30);
    assert_eq!(unset.keepalive_for(0), 0);
    let explicit = neighbor("address = \"10.0.0.1\"\nremote_asn = 1\nkeepalive = 20\n");
    assert_eq!(explicit.keepalive_for(90), 20);
    // The peer negotiated a hold time below our keepalive: fall back to a third of it.
    assert_eq!(explicit.keepalive_for(9), 3);
}

#[test]
fn neighbor_address_must_be_a_unicast_ip() {
    let bad = |a: &str| {
        error(&with_neighbor(&format!(
            "address = \"{a}\"\nremote_asn = 1\n"
        )))
    };
    assert_eq!(
        bad("10.0.0.256"),
        "t.toml:5:11: neighbors[0].address: invalid IP address \"10.0.0.256\""
    );
    assert_eq!(
        bad("0.0.0.0"),
        "t.toml:5:11: neighbors[0].address: 0.0.0.0 cannot be used here: a neighbor needs a \
         specific address"
    );
    assert_eq!(
        bad("ff02::5"),
        "t.toml:5:11: neighbors[0].address: ff02::5 cannot be used here: BGP runs over unicast TCP"
    );
}

#[test]
fn remote_asn_rules() {
    let bad = |asn: i64| {
        error(&with_neighbor(&format!(
            "address = \"10.0.0.1\"\nremote_asn = {asn}\n"
        )))
    };
    assert_eq!(
        bad(4_294_967_295),
        "t.toml:6:14: neighbors[0].remote_asn: AS number 4294967295 is out of range (expected \
         1..=4294967294)"
    );
    assert!(
        bad(23456).ends_with("AS 23456 (AS_TRANS, RFC 6793) cannot be configured as a real AS")
    );
}

#[test]
fn duplicate_neighbor_addresses() {
    let text = format!(
        "{GLOBAL}[[neighbors]]\naddress = \"10.0.0.1\"\nremote_asn = 1\n\
         [[neighbors]]\naddress = \"10.0.0.2\"\nremote_asn = 1\n\
         [[neighbors]]\naddress = \"::ffff:10.0.0.1\"\nremote_asn = 1\n"
    );
    assert_eq!(
        error(&text),
        "t.toml:11:11: neighbors[2].address: duplicate neighbor address ::ffff:10.0.0.1 (first \
         defined on line 5)"
    );
}

#[test]
fn unknown_family() {
    let text = with_neighbor(
        "address = \"10.0.0.1\"\nremote_asn = 1\nfamilies = [\"ipv4_unicast\", \"ipv4_flow\"]\n",
    );
    assert_eq!(
        error(&text),
        "t.toml:7:29: neighbors[0].families: unknown family \"ipv4_flow\" (expected one of \
         ipv4_unicast, ipv6_unicast, ipv4_flowspec, ipv6_flowspec)"
    );
}

#[test]
fn duplicate_and_empty_families() {
    let dup = with_neighbor(
        "address = \"10.0.0.1\"\nremote_asn = 1\nfamilies = [\"ipv4_unicast\", \"ipv4_unicast\"]\n",
    );
    assert_eq!(
        error(&dup),
        "t.toml:7:29: neighbors[0].families: family ipv4_unicast is listed twice"
    );
    let empty = with_neighbor("address = \"10.0.0.1\"\nremote_asn = 1\nfamilies = []\n");
    assert_eq!(
        error(&empty),
        "t.toml:7:12: neighbors[0].families: at least one family is required"
    );
}

#[test]
fn neighbor_hold_time_one_or_two_is_invalid() {
    for hold in [1, 2] {
        let text = with_neighbor(&format!(
            "address = \"10.0.0.1\"\nremote_asn = 1\nhold_time = {hold}\n"
        ));
        assert_eq!(
            error(&text),
            format!(
                "t.toml:7:13: neighbors[0].hold_time: hold time {hold} is invalid (expected 0 or \
                 3..=65535, RFC 4271 §4.2)"
            )
        );
    }
    let zero = neighbor("address = \"10.0.0.1\"\nremote_asn = 1\nhold_time = 0\n");
    assert_eq!(zero.hold_time, 0);
}

#[test]
fn keepalive_rules() {
    let base = "address = \"10.0.0.1\"\nremote_asn = 1\n";
    assert_eq!(
        error(&with_neighbor(&format!(
            "{base}hold_time = 30\nkeepalive = 30\n"
        ))),
        "t.toml:8:13: neighbors[0].keepalive: keepalive 30 must be less than hold_time 30"
    );
    assert_eq!(
        error(&with_neighbor(&format!(
            "{base}hold_time = 0\nkeepalive = 10\n"
        ))),
        "t.toml:8:13: neighbors[0].keepalive: keepalive is set but hold_time is 0 (no keepalives \
         are sent)"
    );
    assert_eq!(
        error(&with_neighbor(&format!("{base}keepalive = 0\n"))),
        "t.toml:7:13: neighbors[0].keepalive: 0 is out of range (expected 1..=65535)"
    );
}

#[test]
fn ttl_and_ebgp_multihop() {
    let base = "address = \"10.0.0.1\"\nremote_asn = 1\n";
    for ttl in [0, 256] {
        assert_eq!(
            error(&with_neighbor(&format!("{base}ttl = {ttl}\n"))),
            format!("t.toml:7:7: neighbors[0].ttl: {ttl} is out of range (expected 1..=255)")
        );
    }
    assert_eq!(
        error(&with_neighbor(&format!(
            "{base}ebgp_multihop = true\nttl = 2\n"
        ))),
        "t.toml:8:7: neighbors[0].ttl: `ebgp_multihop` and `ttl` are mutually exclusive"
    );
}

#[test]
fn local_address_family_must_match() {
    let text =
        with_neighbor("address = \"10.0.0.1\"\nremote_asn = 1\nlocal_address = \"2001:db8::1\"\n");
    assert_eq!(
        error(&text),
        "t.toml:7:17: neighbors[0].local_address: local_address 2001:db8::1 is IPv6 but neighbor \
         address 10.0.0.1 is IPv4"
    );
}

#[test]
fn port_retry_and_prefix_limits() {
    let base = "address = \"10.0.0.1\"\nremote_asn = 1\n";
    let text = format!("{base}port = 0\nconnect_retry = 0\nmax_prefixes = 0\n");
    assert_eq!(
        errors(&with_neighbor(&text)),
        [
            "t.toml:7:8: neighbors[0].port: 0 is out of range (expected 1..=65535)",
            "t.toml:8:17: neighbors[0].connect_retry: 0 is out of range (expected 1..=65535)",
            "t.toml:9:16: neighbors[0].max_prefixes: 0 is out of range (expected 1..=4294967295)",
        ]
    );
}

#[test]
fn stale_route_timeout_bounds() {
    let base = "address = \"10.0.0.1\"\nremote_asn = 1\n";
    for (v, ok) in [
        (0, false),
        (1, true),
        (4095, true),
        (4096, false),
        (-5, false),
    ] {
        let text = with_neighbor(&format!("{base}stale_route_timeout = {v}\n"));
        if ok {
            let n = neighbor(&format!("{base}stale_route_timeout = {v}\n"));
            assert_eq!(n.stale_route_timeout, Duration::from_secs(v as u64));
        } else {
            assert_eq!(
                error(&text),
                format!(
                    "t.toml:7:23: neighbors[0].stale_route_timeout: {v} is out of range \
                     (expected 1..=4095)"
                )
            );
        }
    }
    let typo = with_neighbor(&format!("{base}stale_route_timeout = \"5m\"\n"));
    assert!(
        error(&typo).starts_with("t.toml:7:23: "),
        "{}",
        error(&typo)
    );
}

#[test]
fn all_semantic_errors_are_collected_in_file_order() {
    let text = "[global]\nasn = 0\nrouter_id = \"x\"\n\
         [[neighbors]]\naddress = \"10.0.0.1\"\nremote_asn = 1\nhold_time = 1\n\
         [[neighbors]]\naddress = \"10.0.0.1\"\nremote_asn = 23456\nfamilies = [\"nope\"]\n";
    let all = errors(text);
    let lines: Vec<&str> = all.iter().map(|e| e.split(": ").next().unwrap()).collect();
    assert_eq!(
        lines,
        [
            "t.toml:2:7",
            "t.toml:3:13",
            "t.toml:7:13",
            "t.toml:9:11",
            "t.toml:10:14",
            "t.toml:11:13"
        ]
    );
}
