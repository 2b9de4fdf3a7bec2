//! Address family identifiers (IANA AFI / SAFI registries).

use std::fmt;

/// Address Family Identifier. Unknown values are kept so they can be echoed back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Afi {
    Ipv4,
    Ipv6,
    Other(u16),
}

impl Afi {
    pub fn from_u16(v: u16) -> Self {
        match v {
            1 => Afi::Ipv4,
            2 => Afi::Ipv6,
            o => Afi::Other(o),
        }
    }

    pub fn to_u16(self) -> u16 {
        match self {
            Afi::Ipv4 => 1,
            Afi::Ipv6 => 2,
            Afi::Other(o) => o,
        }
    }

    /// Maximum prefix length in bits, `None` for families we do not know.
    pub fn max_prefix_len(self) -> Option<u8> {
        match self {
            Afi::Ipv4 => Some(32),
            Afi::Ipv6 => Some(128),
            Afi::Other(_) => None,
        }
    }
}

/// Subsequent Address Family Identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Safi {
    Unicast,
    Multicast,
    /// RFC 8955 dissemination of flow specification rules.
    FlowSpec,
    /// RFC 8955 VPN flow specification rules.
    FlowSpecVpn,
    Other(u8),
}

impl Safi {
    pub fn from_u8(v: u8) -> Self {
        match v {
            1 => Safi::Unicast,
            2 => Safi::Multicast,
            133 => Safi::FlowSpec,
            134 => Safi::FlowSpecVpn,
            o => Safi::Other(o),
        }
    }

    pub fn to_u8(self) -> u8 {
        match self {
            Safi::Unicast => 1,
            Safi::Multicast => 2,
            Safi::FlowSpec => 133,
            Safi::FlowSpecVpn => 134,
            Safi::Other(o) => o,
        }
    }
}

/// An (AFI, SAFI) pair: the unit in which capabilities, End-of-RIB and Add-Path are negotiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AfiSafi {
    pub afi: Afi,
    pub safi: Safi,
}

impl AfiSafi {
    pub const IPV4_UNICAST: AfiSafi = AfiSafi::new(Afi::Ipv4, Safi::Unicast);
    pub const IPV6_UNICAST: AfiSafi = AfiSafi::new(Afi::Ipv6, Safi::Unicast);
    pub const IPV4_FLOWSPEC: AfiSafi = AfiSafi::new(Afi::Ipv4, Safi::FlowSpec);
    pub const IPV6_FLOWSPEC: AfiSafi = AfiSafi::new(Afi::Ipv6, Safi::FlowSpec);

    pub const fn new(afi: Afi, safi: Safi) -> Self {
        AfiSafi { afi, safi }
    }
}

impl fmt::Display for AfiSafi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let afi = match self.afi {
            Afi::Ipv4 => "ipv4".to_string(),
            Afi::Ipv6 => "ipv6".to_string(),
            Afi::Other(o) => format!("afi{o}"),
        };
        let safi = match self.safi {
            Safi::Unicast => "unicast".to_string(),
            Safi::Multicast => "multicast".to_string(),
            Safi::FlowSpec => "flowspec".to_string(),
            Safi::FlowSpecVpn => "flowspec_vpn".to_string(),
            Safi::Other(o) => format!("safi{o}"),
        };
        write!(f, "{afi}_{safi}")
    }
}
