//! RIB tests: helpers shared by the test files (peers, attribute sets, a test FlowSpec
//! rule type, decoding what was sent and replaying it as the peer would).

mod bulk;
mod decision;
mod export;
mod flowspec;
mod inject;
mod policy;
mod prop;
mod received;
mod refresh;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use bgp_wire::attribute::{AsPath, MpNextHop, Origin, PathAttributes};
use bgp_wire::capability::Negotiated;
use bgp_wire::message::Update;
use bgp_wire::nlri::{MpNlri, PathPrefix};
use bgp_wire::pack::PackItem;
use bgp_wire::{AfiSafi, CodecContext, Message};
use ipnet::{IpNet, Ipv4Net};

use super::*;

pub const LOCAL_ASN: u32 = 65000;

/// A FlowSpec rule for tests: destination prefix (type 1) and IP protocol (type 3),
/// encoded as real RFC 8955 NLRI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TestRule {
    pub dst: Option<Ipv4Net>,
    pub proto: u8,
}

impl TestRule {
    pub fn to(dst: &str, proto: u8) -> Self {
        TestRule {
            dst: Some(dst.parse().unwrap()),
            proto,
        }
    }

    fn body(&self) -> Vec<u8> {
        let mut b = Vec::new();
        if let Some(d) = self.dst {
            b.push(1);
            b.push(d.prefix_len());
            let n = usize::from(d.prefix_len()).div_ceil(8);
            b.extend_from_slice(&d.network().octets()[..n]);
        }
        // Protocol: end-of-list, 1-octet value, "equals".
        b.extend_from_slice(&[3, 0x81, self.proto]);
        b
    }
}

impl PackItem for TestRule {
    fn packed_len(&self, _add_path: bool) -> usize {
        1 + self.body().len()
    }

    fn pack(&self, _add_path: bool, out: &mut Vec<u8>) {
        let b = self.body();
        out.push(b.len() as u8);
        out.extend_from_slice(&b);
    }
}

impl FlowRule for TestRule {
    fn destination(&self) -> Option<IpNet> {
        self.dst.map(IpNet::V4)
    }

    fn from_wire(_: &bgp_wire::nlri::FlowSpecNlri) -> Option<Self> {
        None
    }
}

pub type TRib = Rib<TestRule>;

pub fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

pub fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

pub fn negotiated(families: &[AfiSafi], asn: u32) -> Negotiated {
    Negotiated {
        families: families.to_vec(),
        four_octet_as: true,
        route_refresh: true,
        enhanced_route_refresh: false,
        extended_message: false,
        add_path_rx: Vec::new(),
        add_path_tx: Vec::new(),
        extended_next_hop_tx: Vec::new(),
        extended_next_hop_rx: Vec::new(),
        peer_graceful_restart: None,
        peer_long_lived_gr: None,
        hold_time: 90,
        peer_asn: asn,
        peer_bgp_id: Ipv4Addr::new(10, 0, 0, 1),
    }
}

/// A peer of AS `asn` (iBGP when it is [`LOCAL_ASN`]) with our address `local`.
pub fn info(asn: u32, local: &str, families: &[AfiSafi]) -> PeerInfo {
    PeerInfo {
        asn,
        router_id: Ipv4Addr::new(10, 0, 0, (asn % 250) as u8),
        local_asn: LOCAL_ASN,
        local_id: Ipv4Addr::new(10, 255, 0, 1),
        local_address: ip(local),
        local_ipv4: None,
        local_ipv6: None,
        negotiated: negotiated(families, asn),
        max_prefixes: None,
        flowspec_validation: true,
    }
}

pub const V4: &[AfiSafi] = &[AfiSafi::IPV4_UNICAST];
pub const ALL: &[AfiSafi] = &[
    AfiSafi::IPV4_UNICAST,
    AfiSafi::IPV6_UNICAST,
    AfiSafi::IPV4_FLOWSPEC,
];

pub fn attrs(f: impl FnOnce(&mut PathAttributes)) -> Arc<PathAttributes> {
    let mut a = PathAttributes {
        origin: Some(Origin::Igp),
        as_path: Some(AsPath::default()),
        ..PathAttributes::default()
    };
    f(&mut a);
    Arc::new(a)
}

/// An injected path to `prefix` for all neighbors.
pub fn inj(prefix: &str, a: &Arc<PathAttributes>) -> InjectedPath {
    InjectedPath {
        prefix: net(prefix),
        path_id: None,
        next_hop: None,
        attrs: a.clone(),
        neighbors: Vec::new(),
    }
}

/// Decodes every message (panics on anything but an UPDATE).
pub fn decode(msgs: &[Vec<u8>], ctx: &CodecContext) -> Vec<Update> {
    msgs.iter()
        .map(|m| match Message::decode(m, ctx).unwrap() {
            Message::Update(u) => u,
            other => panic!("not an UPDATE: {other:?}"),
        })
        .collect()
}

pub fn msgs<R>(out: &Output<R>, peer: &str) -> Vec<Vec<u8>> {
    out.messages.get(&ip(peer)).cloned().unwrap_or_default()
}

/// What a peer believes after applying UPDATEs in order: unicast routes only.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct View {
    pub routes: BTreeMap<(AfiSafi, PathPrefix), (PathAttributes, MpNextHop)>,
    pub eor: Vec<AfiSafi>,
}

impl View {
    pub fn apply(&mut self, updates: &[Update]) {
        for u in updates {
            if let Some(f) = u.end_of_rib_family() {
                self.eor.push(f);
                continue;
            }
            assert!(u.errors.is_empty(), "{:?}", u.errors);
            for (f, p) in u.withdrawn_unicast() {
                self.routes.remove(&(f, *p));
            }
            let mut a = (*u.attributes).clone();
            let classic = a.next_hop.take().map(MpNextHop::Ipv4);
            for p in &u.nlri {
                let nh = classic.clone().unwrap();
                self.routes
                    .insert((AfiSafi::IPV4_UNICAST, *p), (a.clone(), nh));
            }
            if let Some(m) = &u.mp_reach
                && let MpNlri::Unicast(list) = &m.nlri
            {
                for p in list {
                    self.routes
                        .insert((m.family, *p), (a.clone(), m.next_hop.clone()));
                }
            }
        }
    }

    pub fn prefixes(&self) -> Vec<String> {
        self.routes
            .keys()
            .map(|(_, p)| p.prefix.to_string())
            .collect()
    }

    pub fn get(&self, prefix: &str) -> &(PathAttributes, MpNextHop) {
        self.routes
            .iter()
            .find(|((_, p), _)| p.prefix == net(prefix))
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("{prefix} not in view"))
    }
}

/// A RIB with peers up; returns it and each peer's decoder context.
pub fn rib_with(peers: &[(&str, PeerInfo)]) -> TRib {
    let mut rib = TRib::new();
    for (addr, i) in peers {
        rib.peer_up(ip(addr), i.clone()).unwrap();
    }
    rib
}

pub fn ctx_of(i: &PeerInfo) -> CodecContext {
    i.negotiated.tx_context()
}

/// Decodes what `out` sent to `peer` and applies it to `view`.
pub fn apply<R>(view: &mut View, out: &Output<R>, peer: &str, i: &PeerInfo) {
    view.apply(&decode(&msgs(out, peer), &ctx_of(i)));
}
