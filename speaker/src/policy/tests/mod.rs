//! Policy engine tests: a table per match condition and per action, chain order, explain,
//! the engine's checks, and a property test that a permit-all policy changes nothing.

mod actions;
mod chains;
mod matching;
mod prop;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use bgp_wire::AfiSafi;
use bgp_wire::attribute::{AsPath, MpNextHop, Origin, PathAttributes};

use super::*;
use crate::rib::path::{InjectedMeta, PeerMeta};
use crate::rib::{Path, Source};

pub const LOCAL: u32 = 65000;

pub fn attrs(path: &[u32]) -> PathAttributes {
    PathAttributes {
        origin: Some(Origin::Igp),
        as_path: Some(AsPath::from_sequence(path.to_vec())),
        ..Default::default()
    }
}

pub fn learned(from: &str, a: PathAttributes, nh: &str) -> Path {
    let address: IpAddr = from.parse().unwrap();
    Path {
        source: Source::Peer(Arc::new(PeerMeta {
            address,
            asn: 65001,
            router_id: Ipv4Addr::new(1, 1, 1, 1),
            ibgp: false,
            local_asn: LOCAL,
        })),
        path_id: None,
        attrs: Arc::new(a),
        next_hop: match nh.parse::<IpAddr>().unwrap() {
            IpAddr::V4(x) => MpNextHop::Ipv4(x),
            IpAddr::V6(x) => MpNextHop::Ipv6(x),
        },
    }
}

pub fn injected(a: PathAttributes) -> Path {
    Path {
        source: Source::Injected(Arc::new(InjectedMeta {
            id: "inj".into(),
            neighbors: vec![],
            explicit_next_hop: false,
        })),
        path_id: Some(0),
        attrs: Arc::new(a),
        next_hop: MpNextHop::Empty,
    }
}

pub fn subject<'a>(path: &'a Path, prefix: &str, neighbor: &str) -> Subject<'a> {
    let prefix: ipnet::IpNet = prefix.parse().unwrap();
    Subject {
        family: match prefix {
            ipnet::IpNet::V4(_) => AfiSafi::IPV4_UNICAST,
            ipnet::IpNet::V6(_) => AfiSafi::IPV6_UNICAST,
        },
        prefix: Some(prefix),
        neighbor: neighbor.parse().unwrap(),
        path,
        local_asn: LOCAL,
    }
}

pub fn stmt(conditions: Conditions, actions: Actions, action: Action) -> Statement {
    Statement {
        name: String::new(),
        conditions,
        actions,
        action,
    }
}

pub fn policy(name: &str, statements: Vec<Statement>, default_action: Action) -> Policy {
    Policy {
        name: name.into(),
        statements,
        default_action,
    }
}

pub fn set_match(name: &str, option: MatchOption) -> Option<SetMatch> {
    Some(SetMatch {
        set: name.into(),
        option,
    })
}

pub fn comm(s: &str) -> AnyCommunity {
    s.parse().unwrap()
}

/// An engine with one export policy of one statement (`cond` → permit, else deny) on
/// the global export chain, and the sets every table uses.
pub fn engine_with(cond: Conditions, actions: Actions) -> Engine {
    let mut e = sample_sets();
    let p = policy("p", vec![stmt(cond, actions, Action::Permit)], Action::Deny);
    e.set_policy(p).unwrap();
    e.set_global_chain(Direction::Export, vec!["p".into()])
        .unwrap();
    e
}

pub fn sample_sets() -> Engine {
    let mut e = Engine::new();
    let r = |p: &str, ge, le| PrefixRange::new(p.parse().unwrap(), ge, le).unwrap();
    e.set_defined_set(
        "nets",
        DefinedSet::Prefix(vec![r("10.0.0.0/8", Some(16), Some(24))]),
    )
    .unwrap();
    e.set_defined_set(
        "transit-b",
        DefinedSet::Neighbor(vec![
            "192.0.2.2/32".parse().unwrap(),
            "198.51.100.0/24".parse().unwrap(),
        ]),
    )
    .unwrap();
    e.set_defined_set(
        "std",
        DefinedSet::Community(vec!["65000:1".parse().unwrap(), "65000:2".parse().unwrap()]),
    )
    .unwrap();
    e.set_defined_set(
        "ext",
        DefinedSet::ExtCommunity(vec!["rt:65000:100".parse().unwrap()]),
    )
    .unwrap();
    e.set_defined_set(
        "large",
        DefinedSet::LargeCommunity(vec![
            "65000:1:1".parse().unwrap(),
            "65000:1:2".parse().unwrap(),
        ]),
    )
    .unwrap();
    e.set_defined_set(
        "via-65002",
        DefinedSet::AsPath(AsPathSet::new(vec!["_65002_".into(), "^65009$".into()]).unwrap()),
    )
    .unwrap();
    e
}
