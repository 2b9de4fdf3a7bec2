//! One table per match condition: (route, expected) with everything else fixed.

use super::*;

/// Runs `cond` against each case: (path, prefix, neighbor, expected permit).
fn table(cond: Conditions, cases: &[(Path, &str, &str, bool)]) {
    let e = engine_with(cond.clone(), Actions::default());
    for (i, (path, prefix, nbr, want)) in cases.iter().enumerate() {
        let got = e
            .evaluate(Direction::Export, &subject(path, prefix, nbr))
            .accept;
        assert_eq!(got, *want, "case {i} of {cond:?}: {prefix} to {nbr}");
    }
}

fn p(path: &[u32]) -> Path {
    learned("192.0.2.9", attrs(path), "192.0.2.9")
}

fn with(f: impl FnOnce(&mut PathAttributes)) -> Path {
    let mut a = attrs(&[65001]);
    f(&mut a);
    learned("192.0.2.9", a, "192.0.2.9")
}

const N: &str = "192.0.2.1";

#[test]
fn prefix_set_ge_le() {
    let c = Conditions {
        prefix_set: set_match("nets", MatchOption::Any),
        ..Default::default()
    };
    table(
        c,
        &[
            (p(&[1]), "10.1.0.0/16", N, true),
            (p(&[1]), "10.1.2.0/24", N, true),
            (p(&[1]), "10.0.0.0/8", N, false),
            (p(&[1]), "10.1.2.0/25", N, false),
            (p(&[1]), "11.1.0.0/16", N, false),
            (p(&[1]), "2001:db8::/32", N, false),
        ],
    );
    let inv = Conditions {
        prefix_set: set_match("nets", MatchOption::None),
        ..Default::default()
    };
    table(
        inv,
        &[
            (p(&[1]), "10.1.0.0/16", N, false),
            (p(&[1]), "11.0.0.0/16", N, true),
        ],
    );
}

#[test]
fn inline_prefixes_exact_and_le() {
    let r = |s: &str, ge, le| PrefixRange::new(s.parse().unwrap(), ge, le).unwrap();
    let c = Conditions {
        prefixes: vec![r("203.0.113.0/24", None, None), r("::/0", None, Some(128))],
        ..Default::default()
    };
    table(
        c,
        &[
            (p(&[1]), "203.0.113.0/24", N, true),
            (p(&[1]), "203.0.113.0/25", N, false),
            (p(&[1]), "2001:db8::/48", N, true),
            (p(&[1]), "198.51.100.0/24", N, false),
        ],
    );
}

#[test]
fn neighbor_set_and_inline_neighbors() {
    let c = Conditions {
        neighbor_set: set_match("transit-b", MatchOption::Any),
        ..Default::default()
    };
    table(
        c,
        &[
            (p(&[1]), "10.0.0.0/24", "192.0.2.2", true),
            (p(&[1]), "10.0.0.0/24", "198.51.100.77", true),
            (p(&[1]), "10.0.0.0/24", "192.0.2.3", false),
        ],
    );
    let c = Conditions {
        neighbors: vec!["192.0.2.3/32".parse().unwrap()],
        ..Default::default()
    };
    table(
        c,
        &[
            (p(&[1]), "10.0.0.0/24", "192.0.2.3", true),
            (p(&[1]), "10.0.0.0/24", "192.0.2.2", false),
        ],
    );
}

#[test]
fn family() {
    let c = Conditions {
        family: Some(AfiSafi::IPV6_UNICAST),
        ..Default::default()
    };
    table(
        c,
        &[
            (p(&[1]), "2001:db8::/32", N, true),
            (p(&[1]), "10.0.0.0/8", N, false),
        ],
    );
}

#[test]
fn standard_community_set_any_all_none() {
    let one = with(|a| a.communities = vec!["65000:1".parse().unwrap()]);
    let both =
        with(|a| a.communities = vec!["65000:1".parse().unwrap(), "65000:2".parse().unwrap()]);
    let none = p(&[1]);
    for (opt, want) in [
        (MatchOption::Any, [true, true, false]),
        (MatchOption::All, [false, true, false]),
        (MatchOption::None, [false, false, true]),
    ] {
        let c = Conditions {
            community_set: set_match("std", opt),
            ..Default::default()
        };
        table(
            c,
            &[
                (one.clone(), "10.0.0.0/8", N, want[0]),
                (both.clone(), "10.0.0.0/8", N, want[1]),
                (none.clone(), "10.0.0.0/8", N, want[2]),
            ],
        );
    }
}

#[test]
fn extended_community_set() {
    let rt = with(|a| a.extended_communities = vec!["rt:65000:100".parse().unwrap()]);
    for (opt, want) in [
        (MatchOption::Any, [true, false]),
        (MatchOption::None, [false, true]),
    ] {
        let c = Conditions {
            ext_community_set: set_match("ext", opt),
            ..Default::default()
        };
        table(
            c,
            &[
                (rt.clone(), "10.0.0.0/8", N, want[0]),
                (p(&[1]), "10.0.0.0/8", N, want[1]),
            ],
        );
    }
}

#[test]
fn large_community_set() {
    let one = with(|a| a.large_communities = vec!["65000:1:1".parse().unwrap()]);
    let both = with(|a| {
        a.large_communities = vec!["65000:1:1".parse().unwrap(), "65000:1:2".parse().unwrap()]
    });
    for (opt, want) in [
        (MatchOption::Any, [true, true]),
        (MatchOption::All, [false, true]),
        (MatchOption::None, [false, false]),
    ] {
        let c = Conditions {
            large_community_set: set_match("large", opt),
            ..Default::default()
        };
        table(
            c,
            &[
                (one.clone(), "10.0.0.0/8", N, want[0]),
                (both.clone(), "10.0.0.0/8", N, want[1]),
            ],
        );
    }
}

#[test]
fn inline_communities_any_kind() {
    let c = Conditions {
        communities: vec![comm("65535:666"), comm("65000:9:9"), comm("rt:65000:7")],
        ..Default::default()
    };
    table(
        c,
        &[
            (
                with(|a| a.communities = vec!["65535:666".parse().unwrap()]),
                "10.0.0.0/8",
                N,
                true,
            ),
            (
                with(|a| a.large_communities = vec!["65000:9:9".parse().unwrap()]),
                "10.0.0.0/8",
                N,
                true,
            ),
            (
                with(|a| a.extended_communities = vec!["rt:65000:7".parse().unwrap()]),
                "10.0.0.0/8",
                N,
                true,
            ),
            (
                with(|a| a.communities = vec!["65000:1".parse().unwrap()]),
                "10.0.0.0/8",
                N,
                false,
            ),
        ],
    );
}

#[test]
fn as_path_regex_set() {
    for (opt, want) in [
        (MatchOption::Any, [true, true, false, false]),
        (MatchOption::None, [false, false, true, true]),
        (MatchOption::All, [false, false, false, false]),
    ] {
        let c = Conditions {
            as_path_set: set_match("via-65002", opt),
            ..Default::default()
        };
        table(
            c,
            &[
                (p(&[65001, 65002, 65003]), "10.0.0.0/8", N, want[0]),
                (p(&[65009]), "10.0.0.0/8", N, want[1]),
                // 165002 must not match _65002_.
                (p(&[165002]), "10.0.0.0/8", N, want[2]),
                (p(&[]), "10.0.0.0/8", N, want[3]),
            ],
        );
    }
}

#[test]
fn as_path_regex_sees_sets() {
    let mut e = sample_sets();
    e.set_defined_set(
        "in-set",
        DefinedSet::AsPath(AsPathSet::new(vec!["_65005_$".into()]).unwrap()),
    )
    .unwrap();
    let c = Conditions {
        as_path_set: set_match("in-set", MatchOption::Any),
        ..Default::default()
    };
    e.set_policy(policy(
        "p",
        vec![stmt(c, Actions::default(), Action::Permit)],
        Action::Deny,
    ))
    .unwrap();
    e.set_global_chain(Direction::Export, vec!["p".into()])
        .unwrap();
    let mut a = attrs(&[65001]);
    a.as_path
        .as_mut()
        .unwrap()
        .segments
        .push(bgp_wire::attribute::AsSegment::new(
            bgp_wire::attribute::SegmentType::Set,
            vec![65004, 65005],
        ));
    let path = learned("192.0.2.9", a, "192.0.2.9");
    assert!(
        e.evaluate(Direction::Export, &subject(&path, "10.0.0.0/8", N))
            .accept
    );
}

#[test]
fn as_path_length_bounds() {
    let c = Conditions {
        as_path_len: Some(LenRange {
            min: Some(2),
            max: Some(3),
        }),
        ..Default::default()
    };
    table(
        c,
        &[
            (p(&[1]), "10.0.0.0/8", N, false),
            (p(&[1, 2]), "10.0.0.0/8", N, true),
            (p(&[1, 2, 3]), "10.0.0.0/8", N, true),
            (p(&[1, 2, 3, 4]), "10.0.0.0/8", N, false),
        ],
    );
}

#[test]
fn origin_asn() {
    let c = Conditions {
        origin_asns: vec![65003, 65004],
        ..Default::default()
    };
    table(
        c,
        &[
            (p(&[65001, 65003]), "10.0.0.0/8", N, true),
            (p(&[65003, 65001]), "10.0.0.0/8", N, false),
            (p(&[]), "10.0.0.0/8", N, false),
        ],
    );
}

#[test]
fn next_hop() {
    let c = Conditions {
        next_hops: vec![
            "192.0.2.0/28".parse().unwrap(),
            "2001:db8::1/128".parse().unwrap(),
        ],
        ..Default::default()
    };
    let at = |nh: &str| learned("192.0.2.9", attrs(&[1]), nh);
    table(
        c,
        &[
            (at("192.0.2.9"), "10.0.0.0/8", N, true),
            (at("192.0.2.17"), "10.0.0.0/8", N, false),
            (at("2001:db8::1"), "2001:db8:1::/48", N, true),
            (injected(attrs(&[])), "10.0.0.0/8", N, false),
        ],
    );
}

#[test]
fn route_source() {
    for (src, want) in [
        (RouteSource::Injected, [true, false]),
        (RouteSource::Learned, [false, true]),
    ] {
        let c = Conditions {
            source: Some(src),
            ..Default::default()
        };
        table(
            c,
            &[
                (injected(attrs(&[])), "10.0.0.0/8", N, want[0]),
                (p(&[1]), "10.0.0.0/8", N, want[1]),
            ],
        );
    }
}

#[test]
fn all_conditions_must_hold() {
    let c = Conditions {
        family: Some(AfiSafi::IPV4_UNICAST),
        neighbor_set: set_match("transit-b", MatchOption::Any),
        origin_asns: vec![65003],
        ..Default::default()
    };
    table(
        c,
        &[
            (p(&[65003]), "10.0.0.0/8", "192.0.2.2", true),
            (p(&[65004]), "10.0.0.0/8", "192.0.2.2", false),
            (p(&[65003]), "10.0.0.0/8", "192.0.2.5", false),
        ],
    );
}
