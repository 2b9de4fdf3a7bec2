//! Names the text grammar accepts and prints: IP protocols, TCP flags, fragment bits.

use super::component::{ComponentType, fragment};

/// IP protocol / next header names; the first name of a number is the one printed.
const PROTOCOLS: &[(&str, u64)] = &[
    ("icmp", 1),
    ("igmp", 2),
    ("tcp", 6),
    ("udp", 17),
    ("gre", 47),
    ("esp", 50),
    ("ah", 51),
    ("icmpv6", 58),
    ("ipv6-icmp", 58),
    ("ospf", 89),
    ("pim", 103),
    ("sctp", 132),
];

/// TCP flag bits of the 1-octet form (RFC 8955 §4.2.2.9 matches TCP header octet 13).
const TCP_FLAGS: &[(&str, u64)] = &[
    ("fin", 0x01),
    ("syn", 0x02),
    ("rst", 0x04),
    ("psh", 0x08),
    ("push", 0x08),
    ("ack", 0x10),
    ("urg", 0x20),
    ("urgent", 0x20),
    ("ece", 0x40),
    ("cwr", 0x80),
];

const FRAGMENT: &[(&str, u64)] = &[
    ("dont-fragment", fragment::DONT_FRAGMENT),
    ("df", fragment::DONT_FRAGMENT),
    ("is-fragment", fragment::IS_FRAGMENT),
    ("isf", fragment::IS_FRAGMENT),
    ("first-fragment", fragment::FIRST_FRAGMENT),
    ("ff", fragment::FIRST_FRAGMENT),
    ("last-fragment", fragment::LAST_FRAGMENT),
    ("lf", fragment::LAST_FRAGMENT),
];

/// The name table of a component type (empty for types without names).
pub(crate) fn table(ty: ComponentType) -> &'static [(&'static str, u64)] {
    match ty {
        ComponentType::IpProtocol => PROTOCOLS,
        ComponentType::TcpFlags => TCP_FLAGS,
        ComponentType::Fragment => FRAGMENT,
        _ => &[],
    }
}

pub(crate) fn lookup(ty: ComponentType, name: &str) -> Option<u64> {
    let name = name.to_ascii_lowercase();
    table(ty).iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// The printed name of a whole value (protocols) or of one bit (flags).
pub(crate) fn name_of(ty: ComponentType, value: u64) -> Option<&'static str> {
    table(ty).iter().find(|(_, v)| *v == value).map(|(n, _)| *n)
}

/// `syn|ack` when every set bit has a name, `None` otherwise.
pub(crate) fn bits_to_names(ty: ComponentType, value: u64) -> Option<String> {
    if value == 0 || value > 0xff {
        return None;
    }
    let mut names = Vec::new();
    for bit in (0..8).map(|i| 1u64 << i).filter(|b| value & b != 0) {
        names.push(name_of(ty, bit)?);
    }
    Some(names.join("|"))
}

/// Largest value the text parser accepts for a component.
pub(crate) fn max_value(ty: ComponentType) -> u64 {
    match ty {
        ComponentType::IpProtocol
        | ComponentType::IcmpType
        | ComponentType::IcmpCode
        | ComponentType::Fragment => 0xff,
        ComponentType::Dscp => 0x3f,
        ComponentType::FlowLabel => 0xf_ffff,
        ComponentType::Port
        | ComponentType::DestinationPort
        | ComponentType::SourcePort
        | ComponentType::PacketLength
        | ComponentType::TcpFlags => 0xffff,
        ComponentType::DestinationPrefix | ComponentType::SourcePrefix => 0,
    }
}
