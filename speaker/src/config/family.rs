//! Address families (AFI/SAFI pairs) a neighbor can negotiate, as named in the config and
//! the gRPC API.

use std::fmt;
use std::str::FromStr;

/// One AFI/SAFI pair the speaker supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// `ipv4_unicast`: AFI 1, SAFI 1.
    Ipv4Unicast,
    /// `ipv6_unicast`: AFI 2, SAFI 1.
    Ipv6Unicast,
    /// `ipv4_flowspec`: AFI 1, SAFI 133 (RFC 8955).
    Ipv4FlowSpec,
    /// `ipv6_flowspec`: AFI 2, SAFI 133 (RFC 8956).
    Ipv6FlowSpec,
}

/// The names accepted by [`Family::from_str`], for error messages.
pub const FAMILY_NAMES: &str = "ipv4_unicast, ipv6_unicast, ipv4_flowspec, ipv6_flowspec";

impl Family {
    /// Every family, in the order of [`FAMILY_NAMES`].
    pub const ALL: [Family; 4] = [
        Family::Ipv4Unicast,
        Family::Ipv6Unicast,
        Family::Ipv4FlowSpec,
        Family::Ipv6FlowSpec,
    ];

    /// The config/API name, e.g. `"ipv4_flowspec"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Family::Ipv4Unicast => "ipv4_unicast",
            Family::Ipv6Unicast => "ipv6_unicast",
            Family::Ipv4FlowSpec => "ipv4_flowspec",
            Family::Ipv6FlowSpec => "ipv6_flowspec",
        }
    }

    /// The IANA Address Family Identifier (1 = IPv4, 2 = IPv6).
    pub const fn afi(self) -> u16 {
        match self {
            Family::Ipv4Unicast | Family::Ipv4FlowSpec => 1,
            Family::Ipv6Unicast | Family::Ipv6FlowSpec => 2,
        }
    }

    /// The IANA Subsequent AFI (1 = unicast, 133 = FlowSpec).
    pub const fn safi(self) -> u8 {
        match self {
            Family::Ipv4Unicast | Family::Ipv6Unicast => 1,
            Family::Ipv4FlowSpec | Family::Ipv6FlowSpec => 133,
        }
    }

    /// Whether this is a FlowSpec family.
    pub const fn is_flowspec(self) -> bool {
        self.safi() == 133
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A family name that is not one of [`FAMILY_NAMES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown family {0:?} (expected one of {FAMILY_NAMES})")]
pub struct UnknownFamily(pub String);

impl FromStr for Family {
    type Err = UnknownFamily;

    /// Exact, case-sensitive match on the config name (the API uses the same spelling).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Family::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFamily(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for family in Family::ALL {
            assert_eq!(family.as_str().parse::<Family>(), Ok(family));
            assert_eq!(family.to_string(), family.as_str());
        }
    }

    #[test]
    fn names_constant_matches_all() {
        let joined: Vec<&str> = Family::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(joined.join(", "), FAMILY_NAMES);
    }

    #[test]
    fn unknown_name_lists_expected() {
        let err = "ipv4_flow".parse::<Family>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown family \"ipv4_flow\" (expected one of ipv4_unicast, ipv6_unicast, \
             ipv4_flowspec, ipv6_flowspec)"
        );
        assert!("IPV4_UNICAST".parse::<Family>().is_err());
    }

    #[test]
    fn afi_safi_codes() {
        assert_eq!(
            (Family::Ipv6FlowSpec.afi(), Family::Ipv6FlowSpec.safi()),
            (2, 133)
        );
        assert_eq!(
            (Family::Ipv4Unicast.afi(), Family::Ipv4Unicast.safi()),
            (1, 1)
        );
        assert!(Family::Ipv4FlowSpec.is_flowspec() && !Family::Ipv6Unicast.is_flowspec());
    }
}
