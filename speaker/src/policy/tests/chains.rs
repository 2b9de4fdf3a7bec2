//! Chain order (neighbor then global, first terminal decision wins), later statements
//! seeing earlier changes, explain traces, and the engine's reference checks.

use super::*;

fn lp(v: u32, action: Action) -> Statement {
    stmt(
        Conditions::default(),
        Actions {
            local_pref: Some(v),
            ..Default::default()
        },
        action,
    )
}

#[test]
fn neighbor_chain_runs_before_global_and_first_terminal_wins() {
    let mut e = Engine::new();
    e.set_policy(policy("nbr", vec![lp(10, Action::Permit)], Action::Next))
        .unwrap();
    e.set_policy(policy("glob", vec![lp(20, Action::Permit)], Action::Next))
        .unwrap();
    e.set_global_chain(Direction::Import, vec!["glob".into()])
        .unwrap();
    e.set_neighbor_chains(
        "192.0.2.9".parse().unwrap(),
        NeighborChains {
            import: vec!["nbr".into()],
            export: vec![],
        },
    )
    .unwrap();
    let path = learned("192.0.2.9", attrs(&[1]), "192.0.2.9");
    let out = e.evaluate(
        Direction::Import,
        &subject(&path, "10.0.0.0/8", "192.0.2.9"),
    );
    assert_eq!(out.attrs.local_pref, Some(10));
    // Another neighbor only gets the global chain.
    let other = learned("192.0.2.8", attrs(&[1]), "192.0.2.8");
    let out = e.evaluate(
        Direction::Import,
        &subject(&other, "10.0.0.0/8", "192.0.2.8"),
    );
    assert_eq!(out.attrs.local_pref, Some(20));
    // Export is untouched by import chains.
    let out = e.evaluate(
        Direction::Export,
        &subject(&path, "10.0.0.0/8", "192.0.2.9"),
    );
    assert!(!out.changed && out.accept);
}

#[test]
fn next_accumulates_and_later_statements_see_changes() {
    let mut e = sample_sets();
    let tag = stmt(
        Conditions::default(),
        Actions {
            add_communities: vec![comm("65000:1")],
            ..Default::default()
        },
        Action::Next,
    );
    let deny_tagged = stmt(
        Conditions {
            community_set: set_match("std", MatchOption::Any),
            ..Default::default()
        },
        Actions::default(),
        Action::Deny,
    );
    e.set_policy(policy("p", vec![tag, deny_tagged], Action::Permit))
        .unwrap();
    e.set_global_chain(Direction::Export, vec!["p".into()])
        .unwrap();
    let path = learned("192.0.2.9", attrs(&[1]), "192.0.2.9");
    let t = e.explain(
        Direction::Export,
        &subject(&path, "10.0.0.0/8", "192.0.2.1"),
    );
    assert!(!t.outcome.accept);
    let d = t.decided_by.unwrap();
    assert_eq!(
        (d.policy.as_str(), d.statement, d.action),
        ("p", Some(1), Some(Action::Deny))
    );
    assert_eq!(t.steps.len(), 2);
    assert!(t.before.communities.is_empty());
    assert_eq!(t.outcome.attrs.communities.len(), 1);
}

#[test]
fn default_next_falls_through_to_the_next_policy_and_end_permits() {
    let mut e = Engine::new();
    let never = stmt(
        Conditions {
            origin_asns: vec![1],
            ..Default::default()
        },
        Actions::default(),
        Action::Deny,
    );
    e.set_policy(policy("a", vec![never.clone()], Action::Next))
        .unwrap();
    e.set_policy(policy("b", vec![lp(30, Action::Next)], Action::Next))
        .unwrap();
    e.set_global_chain(Direction::Export, vec!["a".into(), "b".into()])
        .unwrap();
    let path = learned("192.0.2.9", attrs(&[2]), "192.0.2.9");
    let t = e.explain(
        Direction::Export,
        &subject(&path, "10.0.0.0/8", "192.0.2.1"),
    );
    assert!(t.outcome.accept);
    assert!(t.decided_by.is_none());
    assert_eq!(t.outcome.attrs.local_pref, Some(30));
    assert_eq!(
        t.steps
            .iter()
            .map(|s| (s.policy.as_str(), s.matched))
            .collect::<Vec<_>>(),
        [("a", false), ("b", true)]
    );
}

#[test]
fn default_deny_is_explained() {
    let mut e = Engine::new();
    e.set_policy(policy("d", vec![], Action::Deny)).unwrap();
    e.set_global_chain(Direction::Export, vec!["d".into()])
        .unwrap();
    let path = injected(attrs(&[]));
    let t = e.explain(
        Direction::Export,
        &subject(&path, "10.0.0.0/8", "192.0.2.1"),
    );
    assert!(!t.outcome.accept);
    assert_eq!(t.decided_by.unwrap().statement, None);
}

#[test]
fn unknown_references_are_refused_with_the_field() {
    let mut e = sample_sets();
    let bad = stmt(
        Conditions {
            neighbor_set: set_match("nope", MatchOption::Any),
            ..Default::default()
        },
        Actions::default(),
        Action::Permit,
    );
    let err = e
        .set_policy(policy("p", vec![lp(1, Action::Next), bad], Action::Next))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "statements[1].match_neighbor_set: neighbor set \"nope\" does not exist"
    );
    let err = e
        .set_global_chain(Direction::Export, vec!["missing".into()])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "chain[0]: policy \"missing\" does not exist"
    );
    assert!(e.policies().is_empty());
}

#[test]
fn in_use_policies_and_sets_cannot_be_deleted() {
    let mut e = engine_with(
        Conditions {
            prefix_set: set_match("nets", MatchOption::Any),
            ..Default::default()
        },
        Actions::default(),
    );
    assert!(matches!(e.delete_policy("p"), Err(PolicyError::InUse(_))));
    assert!(matches!(
        e.delete_defined_set(SetKind::Prefix, "nets"),
        Err(PolicyError::InUse(_))
    ));
    e.set_global_chain(Direction::Export, vec![]).unwrap();
    e.delete_policy("p").unwrap();
    e.delete_defined_set(SetKind::Prefix, "nets").unwrap();
    assert!(matches!(
        e.delete_policy("p"),
        Err(PolicyError::NotFound(_))
    ));
}

#[test]
fn prefix_ranges_and_regexes_are_checked() {
    let r =
        |p: &str, ge, le| PrefixRange::new(p.parse().unwrap(), ge, le).map_err(|e| e.to_string());
    assert_eq!(
        r("10.0.0.0/8", Some(24), Some(16)).unwrap_err(),
        "le: le 16 is smaller than ge 24"
    );
    assert_eq!(
        r("10.0.0.0/8", None, Some(33)).unwrap_err(),
        "le: 33 is longer than 32"
    );
    assert!(r("10.0.0.0/8", Some(4), None).is_err());
    assert!(r("10.0.0.1/8", None, None).is_err());
    let ok = r("0.0.0.0/0", None, Some(32)).unwrap();
    assert_eq!((ok.ge, ok.le), (0, 32));
    let err = AsPathSet::new(vec!["^65001$".into(), "(".into()]).unwrap_err();
    assert!(
        err.to_string().starts_with("members[1]: bad regex"),
        "{err}"
    );
}
