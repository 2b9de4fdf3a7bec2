//! Table keys: a unicast prefix of a family, or a FlowSpec rule of a family.
//!
//! The RIB engine (Loc-RIB, Adj-RIB-Out, packing) is generic over [`RibKey`] so that the
//! same code serves both kinds of NLRI. FlowSpec rules are reached only through the
//! [`FlowRule`] trait: the wire type is still being written elsewhere, and the tests use a
//! small rule type of their own.

use std::fmt::Debug;
use std::hash::Hash;

use bgp_wire::AfiSafi;
use bgp_wire::CodecContext;
use bgp_wire::attribute::{MpNextHop, PathAttributes};
use bgp_wire::nlri::flowspec::{Component, ComponentType, FlowPrefix};
use bgp_wire::nlri::{FlowSpecNlri, PathPrefix};
use bgp_wire::pack::{self, PackError, PackItem};
use ipnet::{IpNet, Ipv6Net};

/// Where packed messages go: one call per complete UPDATE.
pub type Emit<'a> = &'a mut dyn FnMut(&[u8]);

/// A key of the Loc-RIB / Adj-RIB-Out, and how its NLRI is packed.
pub trait RibKey: Clone + Eq + Hash + Debug {
    /// What goes on the wire for this key (with an Add-Path id where used).
    type Item: Clone + Debug;

    fn family(&self) -> AfiSafi;
    /// The unicast prefix (policy prefix conditions); `None` for FlowSpec.
    fn prefix(&self) -> Option<IpNet> {
        None
    }
    fn item(&self, path_id: Option<u32>) -> Self::Item;
    fn pack_announce(
        attrs: &PathAttributes,
        family: AfiSafi,
        next_hop: &MpNextHop,
        items: &[Self::Item],
        ctx: &CodecContext,
        emit: Emit<'_>,
    ) -> Result<(), PackError>;
    fn pack_withdraw(
        family: AfiSafi,
        items: &[Self::Item],
        ctx: &CodecContext,
        emit: Emit<'_>,
    ) -> Result<(), PackError>;
}

/// A unicast destination: family + prefix (host bits cleared). Path ids are not part of
/// it: every path for a prefix competes in one decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteKey {
    pub family: AfiSafi,
    pub prefix: IpNet,
}

impl RouteKey {
    pub fn new(family: AfiSafi, prefix: IpNet) -> Self {
        RouteKey {
            family,
            prefix: prefix.trunc(),
        }
    }
}

impl RibKey for RouteKey {
    type Item = PathPrefix;

    fn family(&self) -> AfiSafi {
        self.family
    }

    fn prefix(&self) -> Option<IpNet> {
        Some(self.prefix)
    }

    fn item(&self, path_id: Option<u32>) -> PathPrefix {
        PathPrefix {
            path_id,
            prefix: self.prefix,
        }
    }

    fn pack_announce(
        attrs: &PathAttributes,
        family: AfiSafi,
        next_hop: &MpNextHop,
        items: &[PathPrefix],
        ctx: &CodecContext,
        emit: Emit<'_>,
    ) -> Result<(), PackError> {
        pack::pack_announce_with(attrs, family, next_hop, items, ctx, emit)
    }

    fn pack_withdraw(
        family: AfiSafi,
        items: &[PathPrefix],
        ctx: &CodecContext,
        emit: Emit<'_>,
    ) -> Result<(), PackError> {
        pack::pack_withdraw_with(family, items, ctx, emit)
    }
}

/// What the RIB needs from a FlowSpec rule type: a hashable key that knows its
/// destination prefix and how to write itself as NLRI ([`PackItem`]).
pub trait FlowRule: Clone + Eq + Hash + Debug + PackItem {
    /// The destination prefix component (type 1), used by RFC 8955 §6 validation.
    fn destination(&self) -> Option<IpNet>;
    /// The rule as decoded from an UPDATE (`None`: this rule type cannot represent it).
    fn from_wire(nlri: &FlowSpecNlri) -> Option<Self>;
}

/// A FlowSpec rule of a family.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlowKey<R> {
    pub family: AfiSafi,
    pub rule: R,
}

impl<R: FlowRule> RibKey for FlowKey<R> {
    type Item = R;

    fn family(&self) -> AfiSafi {
        self.family
    }

    /// FlowSpec has no Add-Path: the id is ignored.
    fn item(&self, _path_id: Option<u32>) -> R {
        self.rule.clone()
    }

    /// `next_hop` is empty unless the rule redirects to an IP.
    fn pack_announce(
        attrs: &PathAttributes,
        family: AfiSafi,
        next_hop: &MpNextHop,
        items: &[R],
        ctx: &CodecContext,
        emit: Emit<'_>,
    ) -> Result<(), PackError> {
        pack::pack_reach_with(attrs, family, next_hop, items, ctx, emit)
    }

    fn pack_withdraw(
        family: AfiSafi,
        items: &[R],
        ctx: &CodecContext,
        emit: Emit<'_>,
    ) -> Result<(), PackError> {
        pack::pack_unreach_with(family, items, ctx, emit)
    }
}

/// The production rule type: the wire codec's [`FlowSpecNlri`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WireFlowRule(pub FlowSpecNlri);

impl FlowRule for WireFlowRule {
    /// The destination prefix component; an IPv6 pattern with a non-zero offset matches
    /// no prefix, so it has none (and fails RFC 8955 §6 validation).
    fn destination(&self) -> Option<IpNet> {
        match self.0.get(ComponentType::DestinationPrefix)? {
            Component::DestinationPrefix(FlowPrefix::V4(net)) => Some(IpNet::V4(*net)),
            Component::DestinationPrefix(FlowPrefix::V6(p)) if p.offset() == 0 => {
                Ipv6Net::new(p.addr(), p.length()).ok().map(IpNet::V6)
            }
            _ => None,
        }
    }

    fn from_wire(nlri: &FlowSpecNlri) -> Option<Self> {
        Some(WireFlowRule(nlri.clone()))
    }
}

impl PackItem for WireFlowRule {
    fn packed_len(&self, add_path: bool) -> usize {
        self.0.packed_len(add_path)
    }

    fn pack(&self, add_path: bool, out: &mut Vec<u8>) {
        self.0.pack(add_path, out);
    }
}

#[cfg(test)]
mod wire_rule_tests {
    use bgp_wire::Afi;
    use bgp_wire::nlri::flowspec::text::parse_rule;

    use super::*;

    fn rule(afi: Afi, text: &str) -> WireFlowRule {
        WireFlowRule(parse_rule(afi, text).unwrap())
    }

    #[test]
    fn destination_is_read_from_the_codec_rule() {
        let v4 = rule(Afi::Ipv4, "destination 203.0.113.10/32 protocol =udp");
        assert_eq!(v4.destination(), Some("203.0.113.10/32".parse().unwrap()));
        let v6 = rule(Afi::Ipv6, "destination 2001:db8:1::/64 next-header =tcp");
        assert_eq!(v6.destination(), Some("2001:db8:1::/64".parse().unwrap()));
        let offset = rule(Afi::Ipv6, "destination 2001:db8::/8-64");
        assert_eq!(offset.destination(), None);
        assert_eq!(rule(Afi::Ipv4, "protocol =udp").destination(), None);
    }
}
