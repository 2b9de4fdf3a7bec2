//! Extended communities (RFC 4360, RFC 5668) and IPv6 address-specific extended
//! communities (RFC 5701), kept as raw octets so unknown types round-trip untouched, with
//! typed views and text forms for the route-target / route-origin kinds:
//! `rt:65000:100`, `rt:192.0.2.1:100`, `rt:4200000000:100` (`65000L` forces the 4-octet-AS
//! form), `ro:...`, IPv6 `rt:[2001:db8::1]:100`, anything else `raw:<hex>`.
//! Standard and large communities live in [`super::standard`] and [`super::large`].

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use super::standard::{CommunityParseError, parse_num};

/// Type octet bit: set for non-transitive communities (RFC 4360 §2).
const NON_TRANSITIVE: u8 = 0x40;
const TYPE_AS2: u8 = 0x00;
const TYPE_IPV4: u8 = 0x01;
const TYPE_AS4: u8 = 0x02;
const SUB_ROUTE_TARGET: u8 = 0x02;
const SUB_ROUTE_ORIGIN: u8 = 0x03;

/// An extended community, kept as its 8 octets so unknown types round-trip untouched.
/// Typed views are methods; FlowSpec actions are read from it in `nlri::flowspec::action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExtendedCommunity(pub [u8; 8]);

/// The two kinds with a text form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtendedCommunityKind {
    RouteTarget,
    RouteOrigin,
}

impl ExtendedCommunityKind {
    fn subtype(self) -> u8 {
        match self {
            ExtendedCommunityKind::RouteTarget => SUB_ROUTE_TARGET,
            ExtendedCommunityKind::RouteOrigin => SUB_ROUTE_ORIGIN,
        }
    }

    fn from_subtype(v: u8) -> Option<Self> {
        match v {
            SUB_ROUTE_TARGET => Some(ExtendedCommunityKind::RouteTarget),
            SUB_ROUTE_ORIGIN => Some(ExtendedCommunityKind::RouteOrigin),
            _ => None,
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            ExtendedCommunityKind::RouteTarget => "rt",
            ExtendedCommunityKind::RouteOrigin => "ro",
        }
    }

    fn parse(input: &str, text: &str) -> Result<Self, CommunityParseError> {
        match text.to_ascii_lowercase().as_str() {
            "rt" => Ok(ExtendedCommunityKind::RouteTarget),
            "ro" | "soo" => Ok(ExtendedCommunityKind::RouteOrigin),
            _ => Err(CommunityParseError::Format {
                input: input.to_string(),
                expected: "rt:ADMIN:VALUE, ro:ADMIN:VALUE or raw:HEX",
            }),
        }
    }
}

/// Global / local administrator of the three transitive two-part forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GlobalAdmin {
    /// Type 0x00: 2-octet AS, 4-octet local value.
    As2 { asn: u16, local: u32 },
    /// Type 0x01: IPv4 address, 2-octet local value.
    Ipv4 { addr: Ipv4Addr, local: u16 },
    /// Type 0x02 (RFC 5668): 4-octet AS, 2-octet local value.
    As4 { asn: u32, local: u16 },
}

impl ExtendedCommunity {
    /// The high-order type octet (including the IANA-authority and transitive bits).
    pub fn type_high(&self) -> u8 {
        self.0[0]
    }

    /// The sub-type octet (for the types that have one).
    pub fn subtype(&self) -> u8 {
        self.0[1]
    }

    /// RFC 4360 §2: bit 0x40 of the type octet clear means transitive across ASes.
    pub fn is_transitive(&self) -> bool {
        self.type_high() & NON_TRANSITIVE == 0
    }

    pub fn new(kind: ExtendedCommunityKind, admin: GlobalAdmin) -> Self {
        let mut b = [0u8; 8];
        b[1] = kind.subtype();
        match admin {
            GlobalAdmin::As2 { asn, local } => {
                b[0] = TYPE_AS2;
                b[2..4].copy_from_slice(&asn.to_be_bytes());
                b[4..8].copy_from_slice(&local.to_be_bytes());
            }
            GlobalAdmin::Ipv4 { addr, local } => {
                b[0] = TYPE_IPV4;
                b[2..6].copy_from_slice(&addr.octets());
                b[6..8].copy_from_slice(&local.to_be_bytes());
            }
            GlobalAdmin::As4 { asn, local } => {
                b[0] = TYPE_AS4;
                b[2..6].copy_from_slice(&asn.to_be_bytes());
                b[6..8].copy_from_slice(&local.to_be_bytes());
            }
        }
        ExtendedCommunity(b)
    }

    pub fn route_target(admin: GlobalAdmin) -> Self {
        Self::new(ExtendedCommunityKind::RouteTarget, admin)
    }

    pub fn route_origin(admin: GlobalAdmin) -> Self {
        Self::new(ExtendedCommunityKind::RouteOrigin, admin)
    }

    /// The typed view of a transitive route-target / route-origin community.
    pub fn two_part(&self) -> Option<(ExtendedCommunityKind, GlobalAdmin)> {
        let kind = ExtendedCommunityKind::from_subtype(self.subtype())?;
        let [t, _, a, b, c, d, e, f] = self.0;
        let admin = match t {
            TYPE_AS2 => GlobalAdmin::As2 {
                asn: u16::from_be_bytes([a, b]),
                local: u32::from_be_bytes([c, d, e, f]),
            },
            TYPE_IPV4 => GlobalAdmin::Ipv4 {
                addr: Ipv4Addr::new(a, b, c, d),
                local: u16::from_be_bytes([e, f]),
            },
            TYPE_AS4 => GlobalAdmin::As4 {
                asn: u32::from_be_bytes([a, b, c, d]),
                local: u16::from_be_bytes([e, f]),
            },
            _ => return None,
        };
        Some((kind, admin))
    }

    pub fn as_route_target(&self) -> Option<GlobalAdmin> {
        match self.two_part()? {
            (ExtendedCommunityKind::RouteTarget, a) => Some(a),
            _ => None,
        }
    }

    pub fn as_route_origin(&self) -> Option<GlobalAdmin> {
        match self.two_part()? {
            (ExtendedCommunityKind::RouteOrigin, a) => Some(a),
            _ => None,
        }
    }
}

impl fmt::Display for ExtendedCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((kind, admin)) = self.two_part() else {
            return write!(f, "raw:{}", to_hex(&self.0));
        };
        let p = kind.prefix();
        match admin {
            GlobalAdmin::As2 { asn, local } => write!(f, "{p}:{asn}:{local}"),
            GlobalAdmin::Ipv4 { addr, local } => write!(f, "{p}:{addr}:{local}"),
            GlobalAdmin::As4 { asn, local } if asn <= u32::from(u16::MAX) => {
                write!(f, "{p}:{asn}L:{local}")
            }
            GlobalAdmin::As4 { asn, local } => write!(f, "{p}:{asn}:{local}"),
        }
    }
}

impl FromStr for ExtendedCommunity {
    type Err = CommunityParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(CommunityParseError::Empty);
        }
        if let Some(hex) = s.strip_prefix("raw:") {
            return from_hex::<8>(s, hex).map(ExtendedCommunity);
        }
        let mut parts = s.split(':');
        let (Some(k), Some(admin), Some(local), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CommunityParseError::Format {
                input: s.to_string(),
                expected: "rt:ADMIN:VALUE, ro:ADMIN:VALUE or raw:HEX",
            });
        };
        let kind = ExtendedCommunityKind::parse(s, k)?;
        Ok(ExtendedCommunity::new(kind, parse_admin(s, admin, local)?))
    }
}

/// Picks the form from the administrator: dotted quad → IPv4, AS ≤ 65535 → 2-octet AS
/// (unless suffixed `L`), larger AS → 4-octet AS.
fn parse_admin(input: &str, admin: &str, local: &str) -> Result<GlobalAdmin, CommunityParseError> {
    let u16max = u64::from(u16::MAX);
    if admin.contains('.') {
        let addr = admin.parse().map_err(|_| CommunityParseError::Address {
            input: input.to_string(),
        })?;
        let local = parse_num(input, local, "local value", u16max)? as u16;
        return Ok(GlobalAdmin::Ipv4 { addr, local });
    }
    let (digits, force4) = match admin.strip_suffix(['L', 'l']) {
        Some(d) => (d, true),
        None => (admin, false),
    };
    let asn = parse_num(input, digits, "AS", u32::MAX.into())?;
    if asn <= u16max && !force4 {
        let local = parse_num(input, local, "local value", u32::MAX.into())?;
        return Ok(GlobalAdmin::As2 {
            asn: asn as u16,
            local: local as u32,
        });
    }
    let local = parse_num(input, local, "local value", u16max)? as u16;
    Ok(GlobalAdmin::As4 {
        asn: asn as u32,
        local,
    })
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

    pub fn is_transitive(&self) -> bool {
        self.type_high() & NON_TRANSITIVE == 0
    }

    /// A transitive route-target / route-origin (type 0x00) for `addr:local`.
    pub fn new(kind: ExtendedCommunityKind, addr: Ipv6Addr, local: u16) -> Self {
        let mut b = [0u8; 20];
        b[1] = kind.subtype();
        b[2..18].copy_from_slice(&addr.octets());
        b[18..20].copy_from_slice(&local.to_be_bytes());
        Ipv6ExtendedCommunity(b)
    }

    /// The typed view of a transitive route-target / route-origin.
    pub fn two_part(&self) -> Option<(ExtendedCommunityKind, Ipv6Addr, u16)> {
        if self.type_high() != 0 {
            return None;
        }
        let kind = ExtendedCommunityKind::from_subtype(self.subtype())?;
        let mut a = [0u8; 16];
        a.copy_from_slice(&self.0[2..18]);
        let local = u16::from_be_bytes([self.0[18], self.0[19]]);
        Some((kind, Ipv6Addr::from(a), local))
    }
}

impl fmt::Display for Ipv6ExtendedCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.two_part() {
            Some((kind, addr, local)) => write!(f, "{}:[{addr}]:{local}", kind.prefix()),
            None => write!(f, "raw:{}", to_hex(&self.0)),
        }
    }
}

/// `rt:[2001:db8::1]:100`, `ro:[...]:N` or `raw:<40 hex digits>`.
impl FromStr for Ipv6ExtendedCommunity {
    type Err = CommunityParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(CommunityParseError::Empty);
        }
        if let Some(hex) = s.strip_prefix("raw:") {
            return from_hex::<20>(s, hex).map(Ipv6ExtendedCommunity);
        }
        let format = || CommunityParseError::Format {
            input: s.to_string(),
            expected: "rt:[IPV6]:VALUE, ro:[IPV6]:VALUE or raw:HEX",
        };
        let (k, rest) = s.split_once(":[").ok_or_else(format)?;
        let (addr, local) = rest.split_once("]:").ok_or_else(format)?;
        let kind = ExtendedCommunityKind::parse(s, k)?;
        let addr = addr.parse().map_err(|_| CommunityParseError::Address {
            input: s.to_string(),
        })?;
        let local = parse_num(s, local, "local value", u16::MAX.into())? as u16;
        Ok(Ipv6ExtendedCommunity::new(kind, addr, local))
    }
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn from_hex<const N: usize>(input: &str, hex: &str) -> Result<[u8; N], CommunityParseError> {
    let err = || CommunityParseError::Format {
        input: input.to_string(),
        expected: "raw: followed by the community's octets in hex",
    };
    let bytes = hex.as_bytes();
    if bytes.len() != 2 * N {
        return Err(err());
    }
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let text = std::str::from_utf8(pair).map_err(|_| err())?;
        *o = u8::from_str_radix(text, 16).map_err(|_| err())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(s: &str) -> ExtendedCommunity {
        s.parse().unwrap()
    }

    #[test]
    fn route_target_forms_bytes_and_text() {
        let rt = ext("rt:65000:100");
        assert_eq!(rt.0, [0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 100]);
        assert_eq!(
            rt.as_route_target(),
            Some(GlobalAdmin::As2 {
                asn: 65000,
                local: 100
            })
        );
        let ip = ext("rt:192.0.2.1:100");
        assert_eq!(ip.0, [0x01, 0x02, 192, 0, 2, 1, 0, 100]);
        let as4 = ext("rt:4200000000:7");
        assert_eq!(as4.0, [0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0, 7]);
        let ro = ext("ro:65000L:5");
        assert_eq!(ro.0, [0x02, 0x03, 0, 0, 0xfd, 0xe8, 0, 5]);
        assert_eq!(ro.as_route_target(), None);
        assert!(ro.as_route_origin().is_some());
        for c in [rt, ip, as4, ro] {
            assert!(c.is_transitive());
            assert_eq!(ext(&c.to_string()), c);
        }
        assert_eq!(rt.to_string(), "rt:65000:100");
        assert_eq!(ip.to_string(), "rt:192.0.2.1:100");
    }

    #[test]
    fn unknown_types_round_trip_as_raw() {
        let c = ExtendedCommunity([0x80, 0x06, 0, 0, 0, 0, 0, 0]); // FlowSpec traffic-rate
        assert_eq!(c.to_string(), "raw:8006000000000000");
        assert_eq!(ext("raw:8006000000000000"), c);
        assert!(c.two_part().is_none());
        assert!(!ExtendedCommunity([0x40, 0, 0, 0, 0, 0, 0, 0]).is_transitive());
    }

    #[test]
    fn text_errors() {
        assert!(matches!(
            "xx:1:2".parse::<ExtendedCommunity>(),
            Err(CommunityParseError::Format { .. })
        ));
        assert!(matches!(
            "rt:4200000000:70000".parse::<ExtendedCommunity>(),
            Err(CommunityParseError::Number {
                field: "local value",
                ..
            })
        ));
        assert!(matches!(
            "rt:300.0.0.1:1".parse::<ExtendedCommunity>(),
            Err(CommunityParseError::Address { .. })
        ));
        assert!("raw:12".parse::<ExtendedCommunity>().is_err());
        assert!("rt:1".parse::<ExtendedCommunity>().is_err());
    }

    #[test]
    fn ipv6_extended_bytes_and_text() {
        let c: Ipv6ExtendedCommunity = "rt:[2001:db8::1]:100".parse().unwrap();
        let mut want = [0u8; 20];
        want[1] = 2;
        want[2..18].copy_from_slice(&"2001:db8::1".parse::<Ipv6Addr>().unwrap().octets());
        want[19] = 100;
        assert_eq!(c.0, want);
        assert_eq!(c.to_string(), "rt:[2001:db8::1]:100");
        let raw = Ipv6ExtendedCommunity([0x40; 20]);
        assert!(!raw.is_transitive());
        assert_eq!(raw.to_string().parse::<Ipv6ExtendedCommunity>(), Ok(raw));
        assert!(
            "rt:2001:db8::1:100"
                .parse::<Ipv6ExtendedCommunity>()
                .is_err()
        );
    }
}
