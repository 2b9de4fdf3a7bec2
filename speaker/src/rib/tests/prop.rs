//! Property: after any sequence of inject/remove operations, what each peer decoded from
//! everything it was sent equals its Adj-RIB-Out equals the expected export of the
//! injected paths in its scope.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

const A: &str = "192.0.2.1"; // eBGP
const B: &str = "10.0.0.2"; // iBGP

#[derive(Debug, Clone)]
enum Op {
    Inject {
        id: u8,
        prefix: u8,
        attrs: u8,
        scope: u8,
        next_hop: bool,
    },
    Remove {
        id: u8,
    },
    Bulk(Vec<(u8, u8)>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..8u8, 0..6u8, 0..3u8, 0..3u8, any::<bool>()).prop_map(
            |(id, prefix, attrs, scope, next_hop)| Op::Inject { id, prefix, attrs, scope, next_hop }
        ),
        2 => (0..8u8).prop_map(|id| Op::Remove { id }),
        1 => proptest::collection::vec((0..8u8, 0..6u8), 0..5).prop_map(Op::Bulk),
    ]
}

fn prefix(i: u8) -> String {
    if i < 4 {
        format!("203.0.113.{}/32", i)
    } else {
        format!("2001:db8:{i}::/48")
    }
}

fn spec(
    prefix_i: u8,
    attrs_i: u8,
    scope: u8,
    next_hop: bool,
    sets: &[Arc<PathAttributes>],
) -> InjectedPath {
    let mut p = inj(&prefix(prefix_i), &sets[usize::from(attrs_i)]);
    p.neighbors = match scope {
        0 => Vec::new(),
        1 => vec![ip(A)],
        _ => vec![ip(B)],
    };
    if next_hop {
        p.next_hop = Some(if prefix_i < 4 {
            ip("192.0.2.77")
        } else {
            ip("2001:db8::77")
        });
    }
    p
}

/// The route `peer` should have for an injected path (the model of the export rules).
fn expected(
    p: &InjectedPath,
    ebgp: bool,
    local: &str,
) -> (Vec<bgp_wire::attribute::Community>, MpNextHop) {
    let nh = match (p.next_hop, p.prefix) {
        (Some(IpAddr::V4(a)), _) => MpNextHop::Ipv4(a),
        (Some(IpAddr::V6(a)), _) => MpNextHop::Ipv6(a),
        (None, IpNet::V4(_)) => MpNextHop::Ipv4(local.parse().unwrap()),
        (None, IpNet::V6(_)) => MpNextHop::Ipv6(
            local
                .parse::<std::net::Ipv4Addr>()
                .unwrap()
                .to_ipv6_mapped(),
        ),
    };
    let _ = ebgp;
    (p.attrs.communities.clone(), nh)
}

fn check(rib: &TRib, model: &BTreeMap<String, InjectedPath>, views: &[(&str, &View, bool, &str)]) {
    assert_eq!(
        rib.list_paths(),
        model
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    );
    for (peer, view, ebgp, local) in views {
        let mut want = BTreeMap::new();
        for p in model
            .values()
            .filter(|p| p.neighbors.is_empty() || p.neighbors.contains(&ip(peer)))
        {
            want.insert(p.prefix.to_string(), expected(p, *ebgp, local));
        }
        let got: BTreeMap<_, _> = view
            .routes
            .iter()
            .map(|((_, pp), (a, nh))| (pp.prefix.to_string(), (a.communities.clone(), nh.clone())))
            .collect();
        assert_eq!(got, want, "peer {peer}: decoded view vs expected export");
        for (_, (a, _)) in view.routes.iter() {
            let path_len = a.as_path.as_ref().map_or(0, |p| p.path_len());
            assert_eq!(path_len, usize::from(*ebgp));
            assert_eq!(a.local_pref.is_some(), !*ebgp);
        }
        let adv: BTreeMap<_, _> = rib
            .advertised_routes(ip(peer))
            .unwrap()
            .into_iter()
            .map(|a| {
                (
                    a.key.prefix.to_string(),
                    (a.sent.attrs.communities.clone(), a.sent.next_hop),
                )
            })
            .collect();
        assert_eq!(adv, got, "peer {peer}: Adj-RIB-Out vs decoded view");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn peer_view_equals_adj_rib_out_equals_expected(ops in proptest::collection::vec(op(), 1..30)) {
        let ia = info(65001, "192.0.2.254", ALL);
        let ib = info(LOCAL_ASN, "10.0.0.254", ALL);
        let mut rib = rib_with(&[(A, ia.clone()), (B, ib.clone())]);
        let sets: Vec<_> = (0..3u16)
            .map(|i| attrs(|a| a.communities = vec![bgp_wire::attribute::Community::new(65000, i)]))
            .collect();
        let mut model: BTreeMap<String, InjectedPath> = BTreeMap::new();
        let (mut va, mut vb) = (View::default(), View::default());
        for op in ops {
            let out = match op {
                Op::Inject { id, prefix, attrs, scope, next_hop } => {
                    let p = spec(prefix, attrs, scope, next_hop, &sets);
                    match rib.inject_path(format!("id{id}"), p.clone()) {
                        Ok(out) => { model.insert(format!("id{id}"), p); out }
                        Err(RibError::Conflict { .. }) => continue,
                        Err(e) => panic!("{e}"),
                    }
                }
                Op::Remove { id } => {
                    model.remove(&format!("id{id}"));
                    rib.remove_paths(&[format!("id{id}").as_str()]).1
                }
                Op::Bulk(items) => {
                    let batch: Vec<_> = items
                        .iter()
                        .map(|(id, pfx)| (format!("id{id}"), spec(*pfx, *id % 3, 0, false, &sets)))
                        .collect();
                    match rib.inject_paths(batch.clone()) {
                        Ok(out) => { model.extend(batch); out }
                        Err(RibError::Conflict { .. }) => continue,
                        Err(e) => panic!("{e}"),
                    }
                }
            };
            apply(&mut va, &out, A, &ia);
            apply(&mut vb, &out, B, &ib);
            check(&rib, &model, &[(A, &va, true, "192.0.2.254"), (B, &vb, false, "10.0.0.254")]);
        }
    }
}
