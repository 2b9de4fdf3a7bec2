//! Pure unit tests of the shared scalar parsers.

use super::*;

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn scalar_errors_name_field_and_reason() {
    let cases: Vec<(FieldError, &str)> = vec![
        (
            ip("next_hop", "192.0.2.x").unwrap_err(),
            r#"next_hop: "192.0.2.x" is not an IP address"#,
        ),
        (prefix("prefix", "").unwrap_err(), "prefix: required"),
        (
            prefix("prefix", "203.0.113.300/32").unwrap_err(),
            r#"prefix: "203.0.113.300/32" is not an IP prefix"#,
        ),
        (
            prefix("prefix", "203.0.113.1/24").unwrap_err(),
            r#"prefix: "203.0.113.1/24" has host bits set (expected 203.0.113.0/24)"#,
        ),
        (
            optional_family("family", "ipv4_flow", &FLOWSPEC).unwrap_err(),
            r#"family: "ipv4_flow" is not one of ipv4_flowspec, ipv6_flowspec"#,
        ),
        (
            family("family", "", &FLOWSPEC).unwrap_err(),
            "family: required",
        ),
        (
            optional_family("family", "ipv4_flowspec", &UNICAST).unwrap_err(),
            r#"family: "ipv4_flowspec" is not one of ipv4_unicast, ipv6_unicast"#,
        ),
        (
            communities("communities", &strings(&["65535:666", "65536:1"])).unwrap_err(),
            r#"communities[1]: "65536:1": AS must be a number between 0 and 65535"#,
        ),
        (
            large_communities("large_communities", &strings(&["1:2"]))
                .unwrap_err()
                .field
                .into(),
            "large_communities[0]",
        ),
        (
            extended_communities("extended_communities", &strings(&["rt:1"])).unwrap_err(),
            r#"extended_communities[0]: "rt:1" is not an extended community (expected rt:ADMIN:VALUE, soo:ADMIN:VALUE or 0x followed by 16 hex digits)"#,
        ),
        (
            neighbors("neighbors", &strings(&["10.0.0.1", "x"])).unwrap_err(),
            r#"neighbors[1]: "x" is not an IP address"#,
        ),
        (
            client_id("id", &"a".repeat(254)).unwrap_err(),
            "id: 254 characters, at most 253 allowed",
        ),
        (
            client_id("id", "a\nb").unwrap_err(),
            "id: contains control characters",
        ),
    ];
    for (err, want) in cases {
        if want.contains(':') {
            assert_eq!(err.to_string(), want);
        } else {
            assert_eq!(err.field, want);
        }
    }
}

impl From<String> for FieldError {
    fn from(field: String) -> Self {
        FieldError::new(field, "")
    }
}

#[test]
fn communities_parse_all_documented_forms() {
    let c = communities("c", &strings(&["65535:666", "no-export", "BLACKHOLE"])).unwrap();
    assert_eq!(c[0], Community::new(65535, 666));
    assert_eq!(c[2], Community::BLACKHOLE);
    let l = large_communities("l", &strings(&["65000:1:2"])).unwrap();
    assert_eq!(l[0], LargeCommunity::new(65000, 1, 2));
    let e = extended_communities(
        "e",
        &strings(&[
            "rt:65000:100",
            "soo:192.0.2.1:7",
            "rt:4200000000:100",
            "0x0002fde800000064",
        ]),
    )
    .unwrap();
    assert_eq!(e[0], e[3], "0x form is the raw octets of rt:65000:100");
    assert_eq!(e[1].to_string(), "ro:192.0.2.1:7");
}

#[test]
fn ids_and_pages() {
    assert!(client_id("id", &"a".repeat(253)).is_ok());
    assert_eq!(page_size(0), DEFAULT_PAGE_SIZE);
    assert_eq!(page_size(5), 5);
    assert_eq!(page_size(1_000_000), MAX_PAGE_SIZE);
    assert_eq!(optional_ip("next_hop", "").unwrap(), None);
    assert_eq!(optional_prefix("prefix", " ").unwrap(), None);
}
