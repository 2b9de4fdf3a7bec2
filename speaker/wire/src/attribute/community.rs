//! Communities: standard (RFC 1997), extended (RFC 4360), IPv6 address-specific extended
//! (RFC 5701) and large (RFC 8092).

/// An extended community, kept as its 8 octets so unknown types round-trip untouched.
/// Typed views are methods; FlowSpec actions are read from it in `nlri::flowspec::action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExtendedCommunity(pub [u8; 8]);

impl ExtendedCommunity {
    /// The high-order type octet (including the IANA-authority and transitive bits).
    pub fn type_high(&self) -> u8 {
        self.0[0]
    }

    /// The sub-type octet (for the types that have one).
    pub fn subtype(&self) -> u8 {
        self.0[1]
    }
}

/// An IPv6 address-specific extended community (RFC 5701), kept as its 20 octets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv6ExtendedCommunity(pub [u8; 20]);

impl Ipv6ExtendedCommunity {
    pub fn type_high(&self) -> u8 {
        self.0[0]
    }

    pub fn subtype(&self) -> u8 {
        self.0[1]
    }
}
