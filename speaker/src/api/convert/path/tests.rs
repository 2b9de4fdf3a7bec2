//! Pure unit tests: AddPathRequest → InjectPath, selectors and list queries.

use bgp_wire::attribute::{AsPath, Community, Origin};
use bgpd_api::v1::AsPathPrepend;

use super::*;

const CTX: PathContext = PathContext { local_asn: 65500 };

fn req(json: &str) -> AddPathRequest {
    serde_json::from_str(json).unwrap()
}

#[test]
fn seed_blackhole_body() {
    let p = to_inject_path(
        &req(r#"{"prefix": "203.0.113.10/32", "next_hop": "192.0.2.1", "communities": ["65535:666"]}"#),
        CTX,
    )
    .unwrap();
    assert_eq!(p.id, "203.0.113.10/32#0");
    assert_eq!(p.prefix.to_string(), "203.0.113.10/32");
    assert_eq!(p.next_hop, Some("192.0.2.1".parse().unwrap()));
    assert_eq!(p.attrs.communities, vec![Community::new(65535, 666)]);
    assert_eq!(p.attrs.origin, Some(Origin::Igp));
    assert_eq!(p.attrs.as_path, Some(AsPath::default()));
    assert_eq!(p.spec.id, p.id);
    assert_eq!(p.spec.communities, vec!["65535:666".to_string()]);
}

#[test]
fn seed_traffic_engineering_body() {
    let p = to_inject_path(
        &req(r#"{"prefix": "10.100.0.0/24", "next_hop": "10.255.0.1", "communities": ["65100:1000", "65100:2000"], "local_pref": 200}"#),
        CTX,
    )
    .unwrap();
    assert_eq!(p.attrs.local_pref, Some(200));
    assert_eq!(p.attrs.communities.len(), 2);
}

#[test]
fn optional_fields_and_prepend() {
    let mut r = req(
        r#"{"id": "k8s-uid", "prefix": "2001:db8:1000::/36", "origin": "incomplete", "as_path": [65001, 65002], "med": 5, "path_id": 7, "neighbors": ["10.0.0.1"]}"#,
    );
    r.as_path_prepend = Some(AsPathPrepend { asn: 0, count: 2 });
    let p = to_inject_path(&r, CTX).unwrap();
    assert_eq!(p.id, "k8s-uid");
    assert_eq!(p.next_hop, None, "empty next hop is next-hop self");
    assert_eq!(p.attrs.origin, Some(Origin::Incomplete));
    assert_eq!(p.attrs.med, Some(5));
    assert_eq!(p.path_id, 7);
    assert_eq!(
        p.attrs.as_path,
        Some(AsPath::from_sequence(vec![65500, 65500, 65001, 65002]))
    );
    assert_eq!(p.neighbors, vec!["10.0.0.1".parse::<IpAddr>().unwrap()]);
}

#[test]
fn ipv4_next_hop_for_ipv6_prefix_is_allowed() {
    let p = to_inject_path(
        &req(r#"{"prefix": "2001:db8::/32", "next_hop": "192.0.2.1"}"#),
        CTX,
    );
    assert!(p.is_ok());
}

#[test]
fn validation_messages() {
    let cases = [
        (r#"{}"#, "prefix: required"),
        (
            r#"{"prefix": "203.0.113.300/32"}"#,
            r#"prefix: "203.0.113.300/32" is not an IP prefix"#,
        ),
        (
            r#"{"prefix": "203.0.113.10/24"}"#,
            r#"prefix: "203.0.113.10/24" has host bits set (expected 203.0.113.0/24)"#,
        ),
        (
            r#"{"prefix": "203.0.113.0/24", "next_hop": "2001:db8::1"}"#,
            "next_hop: IPv6 next hop for an IPv4 prefix",
        ),
        (
            r#"{"prefix": "203.0.113.0/24", "next_hop": "nope"}"#,
            r#"next_hop: "nope" is not an IP address"#,
        ),
        (
            r#"{"prefix": "203.0.113.0/24", "next_hop": "0.0.0.0"}"#,
            "next_hop: 0.0.0.0 is not a usable next hop",
        ),
        (
            r#"{"prefix": "203.0.113.0/24", "communities": ["65535:666", "BLACK"]}"#,
            r#"communities[1]: "BLACK": expected ASN:VALUE or a well-known community name"#,
        ),
        (
            r#"{"prefix": "203.0.113.0/24", "origin": "bgp"}"#,
            r#"origin: "bgp" is not one of igp, egp, incomplete"#,
        ),
        (
            r#"{"prefix": "203.0.113.0/24", "as_path": [1, 0]}"#,
            "as_path[1]: AS 0 is reserved (RFC 7607)",
        ),
        (
            r#"{"prefix": "203.0.113.0/24", "as_path_prepend": {"asn": 1, "count": 17}}"#,
            "as_path_prepend.count: 17 is out of range (expected 1..=16)",
        ),
        (
            r#"{"prefix": "203.0.113.0/24", "neighbors": ["10.0.0.300"]}"#,
            r#"neighbors[0]: "10.0.0.300" is not an IP address"#,
        ),
    ];
    for (json, want) in cases {
        let err = to_inject_path(&req(json), CTX).unwrap_err();
        assert_eq!(err.to_string(), want, "{json}");
    }
}

#[test]
fn delete_selectors() {
    let sel = |json: &str| to_path_selector(&serde_json::from_str(json).unwrap());
    assert_eq!(sel(r#"{"id": "a"}"#).unwrap(), PathSelector::Id("a".into()));
    assert_eq!(
        sel(r#"{"prefix": "203.0.113.10/32"}"#).unwrap(),
        PathSelector::Prefix {
            prefix: "203.0.113.10/32".parse().unwrap(),
            path_id: None
        }
    );
    assert_eq!(
        sel(r#"{"prefix": "203.0.113.10/32", "path_id": 3}"#).unwrap(),
        PathSelector::Prefix {
            prefix: "203.0.113.10/32".parse().unwrap(),
            path_id: Some(3)
        }
    );
    assert_eq!(
        sel("{}").unwrap_err().to_string(),
        "prefix: required when id is empty"
    );
}

#[test]
fn list_query() {
    let q = to_list_query(&ListPathsRequest {
        family: "ipv6_unicast".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(q.family, Some(crate::config::Family::Ipv6Unicast));
    assert_eq!(q.page_size, 1000);
    let err = to_list_query(&ListPathsRequest {
        family: "ipv4_flowspec".into(),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"family: "ipv4_flowspec" is not one of ipv4_unicast, ipv6_unicast"#
    );
}
