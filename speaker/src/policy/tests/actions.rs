//! One table per action: the attributes before and after.

use std::net::IpAddr;

use super::*;

/// Runs one permit statement with `acts` on a route with `a`; returns the outcome.
fn run(acts: Actions, a: PathAttributes) -> Outcome {
    let e = engine_with(Conditions::default(), acts);
    let path = learned("192.0.2.9", a, "192.0.2.9");
    e.evaluate(
        Direction::Export,
        &subject(&path, "10.0.0.0/24", "192.0.2.1"),
    )
}

fn seq(v: &[u32]) -> Option<AsPath> {
    Some(AsPath::from_sequence(v.to_vec()))
}

#[test]
fn permit_deny_next_decisions() {
    for (action, default, want) in [
        (Action::Permit, Action::Deny, true),
        (Action::Deny, Action::Permit, false),
        (Action::Next, Action::Deny, false),
        (Action::Next, Action::Permit, true),
        (Action::Next, Action::Next, true),
    ] {
        let mut e = Engine::new();
        e.set_policy(policy(
            "p",
            vec![stmt(Conditions::default(), Actions::default(), action)],
            default,
        ))
        .unwrap();
        e.set_global_chain(Direction::Import, vec!["p".into()])
            .unwrap();
        let path = learned("192.0.2.9", attrs(&[1]), "192.0.2.9");
        let got = e.evaluate(
            Direction::Import,
            &subject(&path, "10.0.0.0/8", "192.0.2.9"),
        );
        assert_eq!(got.accept, want, "{action:?} then default {default:?}");
    }
}

#[test]
fn local_pref() {
    let out = run(
        Actions {
            local_pref: Some(250),
            ..Default::default()
        },
        attrs(&[1]),
    );
    assert_eq!(out.attrs.local_pref, Some(250));
    assert!(out.changed);
}

#[test]
fn med_absolute_and_relative() {
    let base = |med| PathAttributes { med, ..attrs(&[1]) };
    for (act, before, after) in [
        (MedAction::Set(50), Some(10), 50),
        (MedAction::Set(50), None, 50),
        (MedAction::Add(5), Some(10), 15),
        (MedAction::Add(5), None, 5),
        (MedAction::Add(10), Some(u32::MAX - 3), u32::MAX),
        (MedAction::Sub(5), Some(10), 5),
        (MedAction::Sub(50), Some(10), 0),
    ] {
        let out = run(
            Actions {
                med: Some(act),
                ..Default::default()
            },
            base(before),
        );
        assert_eq!(out.attrs.med, Some(after), "{act:?} on {before:?}");
        assert!(out.med_set);
    }
}

#[test]
fn communities_add_remove_replace_all_kinds() {
    let mut a = attrs(&[1]);
    a.communities = vec!["65000:1".parse().unwrap(), "65000:2".parse().unwrap()];
    a.extended_communities = vec!["rt:65000:100".parse().unwrap()];
    a.large_communities = vec!["65000:1:1".parse().unwrap()];
    let cases: Vec<(Actions, [&[&str]; 3])> = vec![
        (
            Actions {
                add_communities: vec![
                    comm("65000:3"),
                    comm("rt:65000:200"),
                    comm("65000:1:2"),
                    comm("65000:1"),
                ],
                ..Default::default()
            },
            [
                &["65000:1", "65000:2", "65000:3"],
                &["rt:65000:100", "rt:65000:200"],
                &["65000:1:1", "65000:1:2"],
            ],
        ),
        (
            Actions {
                remove_communities: vec![comm("65000:1"), comm("rt:65000:100"), comm("65000:1:1")],
                ..Default::default()
            },
            [&["65000:2"], &[], &[]],
        ),
        (
            Actions {
                replace_communities: Some(ReplaceCommunities {
                    kinds: vec![CommunityKind::Standard],
                    communities: vec![comm("65100:9")],
                }),
                ..Default::default()
            },
            [&["65100:9"], &["rt:65000:100"], &["65000:1:1"]],
        ),
        (
            Actions {
                replace_communities: Some(ReplaceCommunities {
                    kinds: vec![],
                    communities: vec![comm("65100:7:7")],
                }),
                ..Default::default()
            },
            [&[], &[], &["65100:7:7"]],
        ),
        (
            // Replace, then remove, then add: in that order.
            Actions {
                replace_communities: Some(ReplaceCommunities {
                    kinds: vec![CommunityKind::Large],
                    communities: vec![comm("1:2:3"), comm("4:5:6")],
                }),
                remove_communities: vec![comm("1:2:3")],
                add_communities: vec![comm("7:8:9")],
                ..Default::default()
            },
            [
                &["65000:1", "65000:2"],
                &["rt:65000:100"],
                &["4:5:6", "7:8:9"],
            ],
        ),
    ];
    for (i, (acts, [std, ext, large])) in cases.into_iter().enumerate() {
        let out = run(acts, a.clone());
        let strs = |v: Vec<String>| v;
        assert_eq!(
            strs(
                out.attrs
                    .communities
                    .iter()
                    .map(|c| c.to_string())
                    .collect()
            ),
            std.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "case {i} standard"
        );
        let want_ext: Vec<bgp_wire::attribute::ExtendedCommunity> =
            ext.iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(
            out.attrs.extended_communities, want_ext,
            "case {i} extended"
        );
        let want_large: Vec<bgp_wire::attribute::LargeCommunity> =
            large.iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(out.attrs.large_communities, want_large, "case {i} large");
    }
}

#[test]
fn as_path_prepend_asn_local_and_last_as() {
    for (asn, count, before, after) in [
        (
            PrependAs::Asn(65100),
            2,
            vec![65001],
            vec![65100, 65100, 65001],
        ),
        (
            PrependAs::Local,
            1,
            vec![65001, 65002],
            vec![LOCAL, 65001, 65002],
        ),
        (
            PrependAs::LastAs,
            3,
            vec![65001, 65002],
            vec![65001, 65001, 65001, 65001, 65002],
        ),
        (PrependAs::Asn(65100), 1, vec![], vec![65100]),
        // Nothing to repeat on an empty path.
        (PrependAs::LastAs, 2, vec![], vec![]),
    ] {
        let out = run(
            Actions {
                prepend: Some(Prepend { asn, count }),
                ..Default::default()
            },
            attrs(&before),
        );
        assert_eq!(
            out.attrs.as_path,
            seq(&after),
            "{asn:?} x{count} on {before:?}"
        );
    }
}

#[test]
fn next_hop_address_and_self() {
    for nh in [
        NextHopAction::Addr("192.0.2.77".parse::<IpAddr>().unwrap()),
        NextHopAction::SelfAddr,
    ] {
        let out = run(
            Actions {
                next_hop: Some(nh),
                ..Default::default()
            },
            attrs(&[1]),
        );
        assert_eq!(out.next_hop, Some(nh));
        assert!(out.changed);
    }
}

#[test]
fn actions_leave_the_shared_attributes_alone() {
    let path = learned("192.0.2.9", attrs(&[1]), "192.0.2.9");
    let e = engine_with(
        Conditions::default(),
        Actions {
            local_pref: Some(7),
            ..Default::default()
        },
    );
    let out = e.evaluate(
        Direction::Export,
        &subject(&path, "10.0.0.0/8", "192.0.2.1"),
    );
    assert_eq!(out.attrs.local_pref, Some(7));
    assert_eq!(path.attrs.local_pref, None);
}
