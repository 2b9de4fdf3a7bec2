//! Standard communities (RFC 1997, COMMUNITIES attribute) with the IANA well-known values,
//! and the text-parsing error shared by all community kinds.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// Why a community could not be parsed from text (gRPC API and CRD input).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommunityParseError {
    #[error("empty community")]
    Empty,
    #[error("{input:?}: expected {expected}")]
    Format {
        input: String,
        expected: &'static str,
    },
    #[error("{input:?}: {field} must be a number between 0 and {max}")]
    Number {
        input: String,
        field: &'static str,
        max: u64,
    },
    #[error("{input:?}: invalid IP address")]
    Address { input: String },
}

/// Parses one decimal field bounded by `max`.
pub(crate) fn parse_num(
    input: &str,
    text: &str,
    field: &'static str,
    max: u64,
) -> Result<u64, CommunityParseError> {
    text.parse::<u64>()
        .ok()
        .filter(|v| *v <= max)
        .ok_or_else(|| CommunityParseError::Number {
            input: input.to_string(),
            field,
            max,
        })
}

/// A standard community: 16-bit AS (or 0xFFFF for well-known) and 16-bit value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Community(pub u32);

impl Community {
    pub const GRACEFUL_SHUTDOWN: Community = Community(0xFFFF_0000);
    pub const ACCEPT_OWN: Community = Community(0xFFFF_0001);
    pub const LLGR_STALE: Community = Community(0xFFFF_0006);
    pub const NO_LLGR: Community = Community(0xFFFF_0007);
    pub const BLACKHOLE: Community = Community(0xFFFF_029A);
    pub const NO_EXPORT: Community = Community(0xFFFF_FF01);
    pub const NO_ADVERTISE: Community = Community(0xFFFF_FF02);
    pub const NO_EXPORT_SUBCONFED: Community = Community(0xFFFF_FF03);
    pub const NOPEER: Community = Community(0xFFFF_FF04);

    const NAMES: [(Community, &'static str); 9] = [
        (Community::GRACEFUL_SHUTDOWN, "GRACEFUL_SHUTDOWN"),
        (Community::ACCEPT_OWN, "ACCEPT_OWN"),
        (Community::LLGR_STALE, "LLGR_STALE"),
        (Community::NO_LLGR, "NO_LLGR"),
        (Community::BLACKHOLE, "BLACKHOLE"),
        (Community::NO_EXPORT, "NO_EXPORT"),
        (Community::NO_ADVERTISE, "NO_ADVERTISE"),
        (Community::NO_EXPORT_SUBCONFED, "NO_EXPORT_SUBCONFED"),
        (Community::NOPEER, "NOPEER"),
    ];

    pub fn new(asn: u16, value: u16) -> Self {
        Community((u32::from(asn) << 16) | u32::from(value))
    }

    pub fn asn(self) -> u16 {
        (self.0 >> 16) as u16
    }

    pub fn value(self) -> u16 {
        self.0 as u16
    }

    /// The IANA name of a well-known community.
    pub fn well_known_name(self) -> Option<&'static str> {
        Self::NAMES
            .iter()
            .find(|(c, _)| *c == self)
            .map(|(_, n)| *n)
    }
}

/// Well-known communities print as their IANA name, others as `asn:value`.
impl fmt::Display for Community {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.well_known_name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{}:{}", self.asn(), self.value()),
        }
    }
}

/// Accepts `asn:value` (each 0..=65535) or a well-known name in any case, with `_` or
/// `-` (`NO_EXPORT`, `no-export`, `blackhole`).
impl FromStr for Community {
    type Err = CommunityParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(CommunityParseError::Empty);
        }
        if let Some((a, v)) = s.split_once(':') {
            let asn = parse_num(s, a, "AS", u16::MAX.into())?;
            let val = parse_num(s, v, "value", u16::MAX.into())?;
            return Ok(Community::new(asn as u16, val as u16));
        }
        let norm = s.replace('-', "_").to_ascii_uppercase();
        Self::NAMES
            .iter()
            .find(|(_, n)| *n == norm)
            .map(|(c, _)| *c)
            .ok_or_else(|| CommunityParseError::Format {
                input: s.to_string(),
                expected: "ASN:VALUE or a well-known community name",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms() {
        assert_eq!("65535:666".parse(), Ok(Community::BLACKHOLE));
        assert_eq!(Community::BLACKHOLE.to_string(), "BLACKHOLE");
        assert_eq!("no-export".parse(), Ok(Community::NO_EXPORT));
        assert_eq!(
            "NO_EXPORT_SUBCONFED".parse(),
            Ok(Community::NO_EXPORT_SUBCONFED)
        );
        assert_eq!("no_advertise".parse(), Ok(Community::NO_ADVERTISE));
        let c: Community = "65000:100".parse().unwrap();
        assert_eq!((c.asn(), c.value()), (65000, 100));
        assert_eq!(c.to_string(), "65000:100");
        assert_eq!(Community::NO_EXPORT.0, 0xFFFF_FF01);
        for (c, _) in Community::NAMES {
            assert_eq!(c.to_string().parse(), Ok(c));
        }
    }

    #[test]
    fn text_errors_are_clear() {
        assert_eq!("".parse::<Community>(), Err(CommunityParseError::Empty));
        let e = "65536:1".parse::<Community>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"65536:1\": AS must be a number between 0 and 65535"
        );
        assert!(matches!(
            "no-such".parse::<Community>(),
            Err(CommunityParseError::Format { .. })
        ));
        assert!("1:2:3".parse::<Community>().is_err());
    }
}
