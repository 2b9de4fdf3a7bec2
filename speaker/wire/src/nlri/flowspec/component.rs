//! The 13 component types (RFC 8955 §4.2.2, RFC 8956 §3) and their wire codec.

use std::fmt;

use crate::afi::Afi;
use crate::reader::Reader;

use super::error::RuleError;
use super::op::{self, BitmaskMatch, NumericMatch};
use super::prefix::FlowPrefix;

/// Component type codes, in the order they must appear in a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentType {
    DestinationPrefix = 1,
    SourcePrefix = 2,
    /// IP protocol (IPv4) / upper-layer next header (IPv6).
    IpProtocol = 3,
    Port = 4,
    DestinationPort = 5,
    SourcePort = 6,
    IcmpType = 7,
    IcmpCode = 8,
    TcpFlags = 9,
    PacketLength = 10,
    Dscp = 11,
    Fragment = 12,
    /// IPv6 only (RFC 8956 §3.7).
    FlowLabel = 13,
}

impl ComponentType {
    pub const ALL: [ComponentType; 13] = [
        ComponentType::DestinationPrefix,
        ComponentType::SourcePrefix,
        ComponentType::IpProtocol,
        ComponentType::Port,
        ComponentType::DestinationPort,
        ComponentType::SourcePort,
        ComponentType::IcmpType,
        ComponentType::IcmpCode,
        ComponentType::TcpFlags,
        ComponentType::PacketLength,
        ComponentType::Dscp,
        ComponentType::Fragment,
        ComponentType::FlowLabel,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The keyword used by the text grammar and in messages.
    pub fn name(self) -> &'static str {
        match self {
            ComponentType::DestinationPrefix => "destination",
            ComponentType::SourcePrefix => "source",
            ComponentType::IpProtocol => "protocol",
            ComponentType::Port => "port",
            ComponentType::DestinationPort => "destination-port",
            ComponentType::SourcePort => "source-port",
            ComponentType::IcmpType => "icmp-type",
            ComponentType::IcmpCode => "icmp-code",
            ComponentType::TcpFlags => "tcp-flags",
            ComponentType::PacketLength => "packet-length",
            ComponentType::Dscp => "dscp",
            ComponentType::Fragment => "fragment",
            ComponentType::FlowLabel => "flow-label",
        }
    }

    /// Whether the type exists in the family (flow label is IPv6 only).
    pub fn valid_for(self, afi: Afi) -> bool {
        match afi {
            Afi::Ipv4 => self != ComponentType::FlowLabel,
            Afi::Ipv6 => true,
            Afi::Other(_) => false,
        }
    }

    pub fn is_prefix(self) -> bool {
        matches!(
            self,
            ComponentType::DestinationPrefix | ComponentType::SourcePrefix
        )
    }

    pub fn is_bitmask(self) -> bool {
        matches!(self, ComponentType::TcpFlags | ComponentType::Fragment)
    }
}

impl fmt::Display for ComponentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One match criterion of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Component {
    DestinationPrefix(FlowPrefix),
    SourcePrefix(FlowPrefix),
    IpProtocol(Vec<NumericMatch>),
    Port(Vec<NumericMatch>),
    DestinationPort(Vec<NumericMatch>),
    SourcePort(Vec<NumericMatch>),
    IcmpType(Vec<NumericMatch>),
    IcmpCode(Vec<NumericMatch>),
    TcpFlags(Vec<BitmaskMatch>),
    PacketLength(Vec<NumericMatch>),
    Dscp(Vec<NumericMatch>),
    Fragment(Vec<BitmaskMatch>),
    FlowLabel(Vec<NumericMatch>),
}

/// Fragment bitmask bits (RFC 8955 §4.2.2.12).
pub mod fragment {
    pub const DONT_FRAGMENT: u64 = 0x01;
    pub const IS_FRAGMENT: u64 = 0x02;
    pub const FIRST_FRAGMENT: u64 = 0x04;
    pub const LAST_FRAGMENT: u64 = 0x08;
}

/// The three shapes a component value can take.
pub enum Value<'a> {
    Prefix(&'a FlowPrefix),
    Numeric(&'a [NumericMatch]),
    Bitmask(&'a [BitmaskMatch]),
}

impl Component {
    pub fn component_type(&self) -> ComponentType {
        match self {
            Component::DestinationPrefix(_) => ComponentType::DestinationPrefix,
            Component::SourcePrefix(_) => ComponentType::SourcePrefix,
            Component::IpProtocol(_) => ComponentType::IpProtocol,
            Component::Port(_) => ComponentType::Port,
            Component::DestinationPort(_) => ComponentType::DestinationPort,
            Component::SourcePort(_) => ComponentType::SourcePort,
            Component::IcmpType(_) => ComponentType::IcmpType,
            Component::IcmpCode(_) => ComponentType::IcmpCode,
            Component::TcpFlags(_) => ComponentType::TcpFlags,
            Component::PacketLength(_) => ComponentType::PacketLength,
            Component::Dscp(_) => ComponentType::Dscp,
            Component::Fragment(_) => ComponentType::Fragment,
            Component::FlowLabel(_) => ComponentType::FlowLabel,
        }
    }

    pub fn value(&self) -> Value<'_> {
        match self {
            Component::DestinationPrefix(p) | Component::SourcePrefix(p) => Value::Prefix(p),
            Component::TcpFlags(v) | Component::Fragment(v) => Value::Bitmask(v),
            Component::IpProtocol(v)
            | Component::Port(v)
            | Component::DestinationPort(v)
            | Component::SourcePort(v)
            | Component::IcmpType(v)
            | Component::IcmpCode(v)
            | Component::PacketLength(v)
            | Component::Dscp(v)
            | Component::FlowLabel(v) => Value::Numeric(v),
        }
    }

    /// Builds a numeric component of the given type (`None` for prefix/bitmask types).
    pub fn numeric(ty: ComponentType, ops: Vec<NumericMatch>) -> Option<Self> {
        Some(match ty {
            ComponentType::IpProtocol => Component::IpProtocol(ops),
            ComponentType::Port => Component::Port(ops),
            ComponentType::DestinationPort => Component::DestinationPort(ops),
            ComponentType::SourcePort => Component::SourcePort(ops),
            ComponentType::IcmpType => Component::IcmpType(ops),
            ComponentType::IcmpCode => Component::IcmpCode(ops),
            ComponentType::PacketLength => Component::PacketLength(ops),
            ComponentType::Dscp => Component::Dscp(ops),
            ComponentType::FlowLabel => Component::FlowLabel(ops),
            _ => return None,
        })
    }

    /// Builds a bitmask component (`None` unless `ty` is TCP flags or fragment).
    pub fn bitmask(ty: ComponentType, ops: Vec<BitmaskMatch>) -> Option<Self> {
        match ty {
            ComponentType::TcpFlags => Some(Component::TcpFlags(ops)),
            ComponentType::Fragment => Some(Component::Fragment(ops)),
            _ => None,
        }
    }

    /// Builds a prefix component (`None` unless `ty` is a prefix type).
    pub fn prefix(ty: ComponentType, p: FlowPrefix) -> Option<Self> {
        match ty {
            ComponentType::DestinationPrefix => Some(Component::DestinationPrefix(p)),
            ComponentType::SourcePrefix => Some(Component::SourcePrefix(p)),
            _ => None,
        }
    }

    /// Octets on the wire, type octet included.
    pub fn wire_len(&self) -> usize {
        1 + match self.value() {
            Value::Prefix(p) => p.wire_len(),
            Value::Numeric(v) => op::ops_wire_len(v),
            Value::Bitmask(v) => op::ops_wire_len(v),
        }
    }

    /// Writes the type octet and the component body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.component_type().code());
        self.encode_body(out);
    }

    /// The body without the type octet: the "component data" that ordering compares.
    pub(crate) fn encode_body(&self, out: &mut Vec<u8>) {
        match self.value() {
            Value::Prefix(p) => p.encode(out),
            Value::Numeric(v) => op::encode_ops(v, out),
            Value::Bitmask(v) => op::encode_ops(v, out),
        }
    }

    /// Reads the body of a component whose type octet was `ty`.
    pub(crate) fn decode(
        ty: ComponentType,
        r: &mut Reader<'_>,
        afi: Afi,
    ) -> Result<Self, RuleError> {
        if !ty.valid_for(afi) {
            return Err(RuleError::NotInFamily { component: ty, afi });
        }
        let c = if ty.is_prefix() {
            Component::prefix(ty, FlowPrefix::decode(r, afi, ty)?)
        } else if ty.is_bitmask() {
            Component::bitmask(ty, op::decode_ops(r, ty)?)
        } else {
            Component::numeric(ty, op::decode_ops(r, ty)?)
        };
        let c = c.ok_or(RuleError::UnknownComponent(ty.code()))?;
        c.check(afi)?;
        Ok(c)
    }

    /// Family and value checks shared by the decoder and the constructors.
    pub(crate) fn check(&self, afi: Afi) -> Result<(), RuleError> {
        let ty = self.component_type();
        if !ty.valid_for(afi) {
            return Err(RuleError::NotInFamily { component: ty, afi });
        }
        match self.value() {
            Value::Prefix(p) if p.afi() != afi => {
                Err(RuleError::PrefixFamily { component: ty, afi })
            }
            Value::Prefix(_) => Ok(()),
            Value::Numeric(v) => op::check_ops(v, ty),
            Value::Bitmask(v) => {
                op::check_ops(v, ty)?;
                let df = v.iter().any(|m| m.value & fragment::DONT_FRAGMENT != 0);
                if ty == ComponentType::Fragment && afi == Afi::Ipv6 && df {
                    return Err(RuleError::DontFragmentInIpv6);
                }
                Ok(())
            }
        }
    }

    /// Clears insignificant bits so equal matches compare equal.
    pub(crate) fn normalized(self) -> Self {
        match self {
            Component::DestinationPrefix(p) => Component::DestinationPrefix(p.normalized()),
            Component::SourcePrefix(p) => Component::SourcePrefix(p.normalized()),
            Component::IpProtocol(v) => Component::IpProtocol(first_not_and(v)),
            Component::Port(v) => Component::Port(first_not_and(v)),
            Component::DestinationPort(v) => Component::DestinationPort(first_not_and(v)),
            Component::SourcePort(v) => Component::SourcePort(first_not_and(v)),
            Component::IcmpType(v) => Component::IcmpType(first_not_and(v)),
            Component::IcmpCode(v) => Component::IcmpCode(first_not_and(v)),
            Component::TcpFlags(v) => Component::TcpFlags(first_not_and_bm(v)),
            Component::PacketLength(v) => Component::PacketLength(first_not_and(v)),
            Component::Dscp(v) => Component::Dscp(first_not_and(v)),
            Component::Fragment(v) => Component::Fragment(first_not_and_bm(v)),
            Component::FlowLabel(v) => Component::FlowLabel(first_not_and(v)),
        }
    }
}

// The first pair's `a` bit is meaningless (RFC 8955 §4.2.1.1); store it as false.
fn first_not_and(mut v: Vec<NumericMatch>) -> Vec<NumericMatch> {
    if let Some(m) = v.first_mut() {
        m.and = false;
    }
    v
}

fn first_not_and_bm(mut v: Vec<BitmaskMatch>) -> Vec<BitmaskMatch> {
    if let Some(m) = v.first_mut() {
        m.and = false;
    }
    v
}
