//! Pure unit tests: RIB routes and queries.

use std::time::Duration;

use bgp_wire::attribute::{AsPath, Community, Origin, PathAttributes};

use super::*;
use crate::config::Family;

fn view() -> RouteView {
    let attrs = PathAttributes {
        origin: Some(Origin::Igp),
        as_path: Some(AsPath::from_sequence(vec![65001, 65002])),
        local_pref: Some(100),
        med: Some(7),
        communities: vec![Community::BLACKHOLE],
        extended_communities: vec![
            "rt:65000:100".parse().unwrap(),
            "raw:4399030405060708".parse().unwrap(),
        ],
        ..PathAttributes::default()
    };
    RouteView {
        nlri: RouteNlri::Unicast("203.0.113.0/24".parse().unwrap()),
        path_id: 0,
        next_hop: Some("192.0.2.1".parse().unwrap()),
        attrs,
        source: RouteSource::Neighbor {
            address: "10.0.0.1".parse().unwrap(),
            router_id: "10.0.0.1".parse().unwrap(),
        },
        best: true,
        since: SystemTime::UNIX_EPOCH,
        rpki: Some(RpkiState::NotFound),
        filtered: false,
    }
}

#[test]
fn unicast_route_renders_canonical_numeric_forms() {
    let r = to_route(&view(), SystemTime::UNIX_EPOCH + Duration::from_secs(9));
    assert_eq!(r.family, "ipv4_unicast");
    assert_eq!(r.prefix, "203.0.113.0/24");
    assert_eq!(r.next_hop, "192.0.2.1");
    assert_eq!(r.communities, vec!["65535:666"]);
    assert_eq!(
        r.extended_communities,
        vec!["rt:65000:100", "0x4399030405060708"]
    );
    assert_eq!(r.as_path[0].r#type, "sequence");
    assert_eq!(r.as_path[0].asns, vec![65001, 65002]);
    assert_eq!(
        (r.origin.as_str(), r.med, r.local_pref),
        ("igp", Some(7), Some(100))
    );
    assert_eq!(
        (r.source.as_str(), r.source_router_id.as_str()),
        ("10.0.0.1", "10.0.0.1")
    );
    assert_eq!(
        (r.age_seconds, r.rpki_state.as_str(), r.best),
        (9, "not_found", true)
    );
}

#[test]
fn injected_source() {
    let mut v = view();
    v.source = RouteSource::Injected { id: "x".into() };
    let r = to_route(&v, SystemTime::UNIX_EPOCH);
    assert_eq!(
        (r.source.as_str(), r.injected_id.as_str()),
        ("injected", "x")
    );
}

#[test]
fn route_queries() {
    let q = to_route_query("ipv4_unicast", "10.0.0.0/8", true, 0, "t").unwrap();
    assert_eq!(q.family, Some(Family::Ipv4Unicast));
    assert!(q.include_more_specifics);
    assert_eq!((q.page_size, q.page_token.as_str()), (1000, "t"));
    let cases = [
        (
            ("ipv4_flowspec", "10.0.0.0/8"),
            "prefix: not applicable to ipv4_flowspec (unicast families only)",
        ),
        (
            ("ipv4", ""),
            r#"family: "ipv4" is not one of ipv4_unicast, ipv6_unicast, ipv4_flowspec, ipv6_flowspec"#,
        ),
        (
            ("", "10.0.0.1/8"),
            r#"prefix: "10.0.0.1/8" has host bits set (expected 10.0.0.0/8)"#,
        ),
    ];
    for ((family, prefix), want) in cases {
        let err = to_route_query(family, prefix, false, 0, "").unwrap_err();
        assert_eq!(err.to_string(), want);
    }
    assert_eq!(
        neighbor_table("", RibTable::Received)
            .unwrap_err()
            .to_string(),
        "neighbor: required"
    );
    assert_eq!(
        neighbor_table("10.0.0.1", RibTable::Advertised).unwrap(),
        RibTable::Advertised("10.0.0.1".parse().unwrap())
    );
}
