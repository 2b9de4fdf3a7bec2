//! Property: a permit-all policy (and an empty engine) changes nothing.

use proptest::prelude::*;

use super::*;

fn arb_attrs() -> impl Strategy<Value = PathAttributes> {
    (
        proptest::collection::vec(1u32..70000, 0..6),
        proptest::option::of(any::<u32>()),
        proptest::option::of(any::<u32>()),
        proptest::collection::vec(any::<u32>(), 0..4),
        proptest::collection::vec((any::<u32>(), any::<u32>(), any::<u32>()), 0..3),
    )
        .prop_map(|(path, med, lp, comms, large)| PathAttributes {
            origin: Some(Origin::Igp),
            as_path: Some(AsPath::from_sequence(path)),
            med,
            local_pref: lp,
            communities: comms
                .into_iter()
                .map(bgp_wire::attribute::Community)
                .collect(),
            large_communities: large
                .into_iter()
                .map(|(a, b, c)| bgp_wire::attribute::LargeCommunity::new(a, b, c))
                .collect(),
            ..Default::default()
        })
}

proptest! {
    #[test]
    fn permit_all_changes_nothing(a in arb_attrs(), len in 8u8..=32, inj in any::<bool>(), dir_import in any::<bool>()) {
        let mut e = sample_sets();
        e.set_policy(policy("all", vec![stmt(Conditions::default(), Actions::default(), Action::Permit)], Action::Permit)).unwrap();
        let dir = if dir_import { Direction::Import } else { Direction::Export };
        e.set_global_chain(dir, vec!["all".into()]).unwrap();
        let path = if inj { injected(a) } else { learned("192.0.2.9", a, "192.0.2.9") };
        let net = ipnet::Ipv4Net::new(std::net::Ipv4Addr::new(10, 0, 0, 0), len).unwrap().trunc();
        let s = subject(&path, &net.to_string(), "192.0.2.1");
        for out in [e.evaluate(dir, &s), Engine::new().evaluate(dir, &s)] {
            prop_assert!(out.accept);
            prop_assert!(!out.changed);
            prop_assert!(Arc::ptr_eq(&out.attrs, &path.attrs));
            prop_assert_eq!(out.next_hop, None);
        }
    }
}
