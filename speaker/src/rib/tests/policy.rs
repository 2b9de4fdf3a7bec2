//! Policy in the RIB: export policy shapes each peer's Adj-RIB-Out, import policy the
//! Loc-RIB; a policy change re-runs both and sends only the difference.

use super::export::announce;
use super::*;
use crate::policy::{
    Action, Actions, Conditions, Direction, MatchOption, NeighborChains, Policy, PrefixRange,
    Prepend, PrependAs, SetMatch, Statement,
};

const A: &str = "192.0.2.1"; // eBGP 65001
const B: &str = "198.51.100.1"; // eBGP 65002

fn peers() -> Vec<(&'static str, PeerInfo)> {
    vec![
        (A, info(65001, "192.0.2.254", V4)),
        (B, info(65002, "198.51.100.254", V4)),
    ]
}

fn one(action: Action, conditions: Conditions, actions: Actions, default: Action) -> Policy {
    Policy {
        name: "p".into(),
        statements: vec![Statement {
            name: String::new(),
            conditions,
            actions,
            action,
        }],
        default_action: default,
    }
}

fn set_export(rib: &mut TRib, p: Policy) -> Output<TestRule> {
    rib.change_policy(|e| {
        e.set_policy(p)?;
        e.set_global_chain(Direction::Export, vec!["p".into()])
    })
    .unwrap()
    .1
}

#[test]
fn deny_export_withdraws_and_permit_restores_without_touching_others() {
    let peers = peers();
    let mut rib = rib_with(&peers);
    let a = attrs(|_| {});
    rib.inject_path("x", inj("203.0.113.0/24", &a)).unwrap();
    rib.inject_path("y", inj("203.0.113.128/25", &a)).unwrap();

    // Deny the /24 towards A only.
    let conds = Conditions {
        prefixes: vec![PrefixRange::new(net("203.0.113.0/24"), None, None).unwrap()],
        neighbors: vec![net("192.0.2.1/32")],
        ..Default::default()
    };
    let out = set_export(
        &mut rib,
        one(
            Action::Deny,
            conds.clone(),
            Actions::default(),
            Action::Next,
        ),
    );
    let ups = decode(&msgs(&out, A), &ctx_of(&peers[0].1));
    assert_eq!(ups.len(), 1);
    let w: Vec<_> = ups[0].withdrawn_unicast().map(|(_, p)| p.prefix).collect();
    assert_eq!(w, [net("203.0.113.0/24")]);
    assert!(ups[0].nlri.is_empty());
    assert!(msgs(&out, B).is_empty(), "B unchanged, nothing sent");
    assert_eq!(rib.advertised_routes(ip(A)).unwrap().len(), 1);

    // The same policy again: no difference, nothing sent.
    let out = set_export(
        &mut rib,
        one(Action::Deny, conds, Actions::default(), Action::Next),
    );
    assert!(out.messages.is_empty());

    // Back to permit-all: the /24 comes back to A only.
    let out = rib
        .change_policy(|e| e.set_global_chain(Direction::Export, vec![]))
        .unwrap()
        .1;
    let mut v = View::default();
    apply(&mut v, &out, A, &peers[0].1);
    assert_eq!(v.prefixes(), ["203.0.113.0/24"]);
    assert!(msgs(&out, B).is_empty());
}

#[test]
fn prepend_and_communities_on_one_neighbor_and_med_kept_on_ebgp() {
    let peers = peers();
    let mut rib = rib_with(&peers);
    rib.change_policy(|e| {
        e.set_defined_set(
            "transit-b",
            crate::policy::DefinedSet::Neighbor(vec![net("198.51.100.1/32")]),
        )
    })
    .unwrap();
    let acts = Actions {
        prepend: Some(Prepend {
            asn: PrependAs::Local,
            count: 2,
        }),
        add_communities: vec!["65000:42".parse().unwrap()],
        med: Some(crate::policy::MedAction::Set(77)),
        ..Default::default()
    };
    let conds = Conditions {
        neighbor_set: Some(SetMatch {
            set: "transit-b".into(),
            option: MatchOption::Any,
        }),
        ..Default::default()
    };
    set_export(&mut rib, one(Action::Permit, conds, acts, Action::Permit));
    // A learned route from A goes to B prepended (policy 2x + our own AS), tagged, MED kept.
    let out = rib
        .update_received(
            ip(A),
            &announce(
                "10.1.0.0/16",
                A,
                attrs(|a| {
                    a.as_path = Some(AsPath::from_sequence(vec![65001]));
                    a.med = Some(5);
                }),
            ),
        )
        .unwrap();
    let mut v = View::default();
    apply(&mut v, &out, B, &peers[1].1);
    let (a, _) = v.get("10.1.0.0/16");
    assert_eq!(
        a.as_path,
        Some(AsPath::from_sequence(vec![
            LOCAL_ASN, LOCAL_ASN, LOCAL_ASN, 65001
        ]))
    );
    assert_eq!(a.communities, vec!["65000:42".parse().unwrap()]);
    assert_eq!(a.med, Some(77));
}

#[test]
fn import_local_pref_is_used_and_reapplied_from_adj_rib_in() {
    let peers = peers();
    let mut rib = rib_with(&peers);
    let route =
        |lp_path: Vec<u32>| attrs(move |a| a.as_path = Some(AsPath::from_sequence(lp_path)));
    rib.update_received(ip(A), &announce("10.9.0.0/16", A, route(vec![65001])))
        .unwrap();
    rib.update_received(
        ip(B),
        &announce("10.9.0.0/16", B, route(vec![65002, 65009])),
    )
    .unwrap();
    let best = |rib: &TRib| {
        rib.best_routes(AfiSafi::IPV4_UNICAST, None)[0]
            .1
            .peer_address()
    };
    assert_eq!(best(&rib), Some(ip(A)), "shorter path wins at first");

    // Prefer B through an import policy on B: the Loc-RIB changes without a new UPDATE.
    let p = Policy {
        name: "pref-b".into(),
        statements: vec![Statement {
            name: "lp".into(),
            conditions: Conditions::default(),
            actions: Actions {
                local_pref: Some(300),
                ..Default::default()
            },
            action: Action::Permit,
        }],
        default_action: Action::Permit,
    };
    let (_, out) = rib
        .change_policy(|e| {
            e.set_policy(p)?;
            e.set_neighbor_chains(
                ip(B),
                NeighborChains {
                    import: vec!["pref-b".into()],
                    export: vec![],
                },
            )
        })
        .unwrap();
    assert_eq!(best(&rib), Some(ip(B)));
    assert_eq!(out.events.len(), 1, "one best-path change");
    let recv = rib.received_routes(ip(B)).unwrap();
    assert_eq!(
        recv[0].path.attrs.local_pref,
        Some(300),
        "received view is post-policy"
    );
    // A was sent B's path now (it is the best and not A's own).
    let mut v = View::default();
    apply(&mut v, &out, A, &peers[0].1);
    assert_eq!(v.prefixes(), ["10.9.0.0/16"]);

    // Import deny: the route leaves the Loc-RIB but stays in Adj-RIB-In (filtered).
    rib.change_policy(|e| {
        e.set_policy(one(
            Action::Deny,
            Conditions::default(),
            Actions::default(),
            Action::Deny,
        ))?;
        e.set_neighbor_chains(
            ip(B),
            NeighborChains {
                import: vec!["p".into()],
                export: vec![],
            },
        )
    })
    .unwrap();
    assert_eq!(best(&rib), Some(ip(A)));
    let recv = rib.received_routes(ip(B)).unwrap();
    assert!(!recv[0].accepted);
    assert_eq!(
        rib.counters(ip(B)).unwrap()[&AfiSafi::IPV4_UNICAST].accepted,
        0
    );
}

#[test]
fn explain_names_the_deciding_statement() {
    let peers = peers();
    let mut rib = rib_with(&peers);
    rib.inject_path("x", inj("203.0.113.0/24", &attrs(|_| {})))
        .unwrap();
    let conds = Conditions {
        prefixes: vec![PrefixRange::new(net("0.0.0.0/0"), None, Some(32)).unwrap()],
        ..Default::default()
    };
    set_export(
        &mut rib,
        one(Action::Deny, conds, Actions::default(), Action::Next),
    );
    let e = rib.explain(
        AfiSafi::IPV4_UNICAST,
        net("203.0.113.0/24"),
        ip(A),
        LOCAL_ASN,
    );
    let t = e.export.unwrap();
    assert!(!t.outcome.accept);
    let d = t.decided_by.unwrap();
    assert_eq!((d.policy.as_str(), d.statement), ("p", Some(0)));
    assert_eq!(e.export_source.as_deref(), Some("injected x"));
    assert!(e.import.is_none());
    let none = rib.explain(
        AfiSafi::IPV4_UNICAST,
        net("198.18.0.0/15"),
        ip(A),
        LOCAL_ASN,
    );
    assert!(none.export.is_none() && none.export_note.is_some());
}
