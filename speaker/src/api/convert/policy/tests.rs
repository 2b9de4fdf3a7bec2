//! Conversion tests: a statement using every field survives proto → model → proto, and
//! the text forms of set members.

use bgpd_api::v1::SetPolicyRequest;

use super::sets::prefix_member;
use super::*;
use crate::policy::{MedAction, PrependAs};

const RICH: &str = r#"{
  "name": "rich", "default_action": "deny",
  "statements": [{
    "name": "s0", "action": "next",
    "match_neighbor_set": "nbrs", "match_prefix_set": "nets",
    "match_community_set": "c", "match_ext_community_set": "e",
    "match_large_community_set": "l", "match_as_path_set": "a",
    "match_options": {"neighbor_set": "none", "community_set": "all", "as_path_set": "none"},
    "match_prefixes": [{"prefix": "10.0.0.0/8", "ge": 16, "le": 24}],
    "match_communities": ["65535:666", "rt:65000:1", "65000:1:2"],
    "match_family": "ipv6_unicast",
    "match_as_path_length": {"min": 1, "max": 5},
    "match_origin_asns": [65009], "match_next_hops": ["192.0.2.0/24"],
    "match_route_source": "learned", "match_neighbors": ["192.0.2.1/32"],
    "set_local_pref": 150, "adjust_med": -20,
    "add_communities": ["65100:1"], "remove_communities": ["65100:2"],
    "replace_communities": {"kinds": ["large"], "communities": ["65100:0:1"]},
    "set_as_path_prepend_last_as": 3, "set_next_hop": "self"
  }, {
    "set_as_path_prepend": {"asn": 0, "count": 1}, "set_med": 9, "set_next_hop": "2001:db8::1"
  }]
}"#;

#[test]
fn every_field_round_trips() {
    let req: SetPolicyRequest = serde_json::from_str(RICH).unwrap();
    let p = to_policy(&req).unwrap();
    let s0 = &p.statements[0];
    assert_eq!(s0.actions.med, Some(MedAction::Sub(20)));
    assert_eq!(s0.actions.prepend.map(|x| x.asn), Some(PrependAs::LastAs));
    assert_eq!(
        p.statements[1].actions.prepend.map(|x| x.asn),
        Some(PrependAs::Local)
    );
    let back = to_policy_proto(&p);
    assert_eq!(to_policy(&back).unwrap(), p);
    // The rendered form keeps what the client wrote where the model cannot differ.
    let b0 = &back.statements[0];
    assert_eq!(b0.match_family, "ipv6_unicast");
    assert_eq!(b0.set_as_path_prepend_last_as, 3);
    assert_eq!(b0.adjust_med, Some(-20));
    assert_eq!(back.statements[1].action, "permit");
}

#[test]
fn prefix_members_text() {
    let r = prefix_member("10.0.0.0/8 16..24").unwrap();
    assert_eq!((r.ge, r.le), (16, 24));
    let r = prefix_member("203.0.113.0/24").unwrap();
    assert_eq!((r.ge, r.le), (24, 24));
    assert!(prefix_member("10.0.0.0/8 24..16").is_err());
    assert!(prefix_member("10.0.0.0/8 16-24").is_err());
    assert!(prefix_member("10.0.0.0/8 1..2 x").is_err());
}
