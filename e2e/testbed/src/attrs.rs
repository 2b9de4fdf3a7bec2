//! Attribute values shared by the per-daemon parsers: ORIGIN, and FlowSpec actions decoded from
//! the 8 raw bytes of an extended community (RFC 8955 section 7, RFC 7674 for redirect variants).

use std::net::Ipv4Addr;

/// BGP ORIGIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Igp,
    Egp,
    Incomplete,
}

impl Origin {
    /// Accepts the spellings the four daemons print: "IGP", "igp", "i", "EGP", "e", "Incomplete", "?".
    pub fn parse(s: &str) -> Option<Origin> {
        match s.trim().to_ascii_lowercase().as_str() {
            "igp" | "i" => Some(Origin::Igp),
            "egp" | "e" => Some(Origin::Egp),
            "incomplete" | "?" => Some(Origin::Incomplete),
            _ => None,
        }
    }

    /// The ORIGIN attribute code (0, 1, 2).
    pub fn from_code(code: u64) -> Option<Origin> {
        match code {
            0 => Some(Origin::Igp),
            1 => Some(Origin::Egp),
            2 => Some(Origin::Incomplete),
            _ => None,
        }
    }

    pub fn gobgp_word(self) -> &'static str {
        match self {
            Origin::Igp => "igp",
            Origin::Egp => "egp",
            Origin::Incomplete => "incomplete",
        }
    }
}

/// BGP FSM state as the daemons report it (ExaBGP's "up" counts as Established).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionState {
    Idle,
    Connect,
    Active,
    OpenSent,
    OpenConfirm,
    Established,
    /// Anything else the daemon printed (e.g. BIRD "Down", ExaBGP "connected").
    Other(String),
}

impl SessionState {
    /// Parses the names used by BIRD, FRR and ExaBGP.
    pub fn parse(s: &str) -> SessionState {
        match s.trim().to_ascii_lowercase().as_str() {
            "idle" => SessionState::Idle,
            "connect" => SessionState::Connect,
            "active" => SessionState::Active,
            "opensent" => SessionState::OpenSent,
            "openconfirm" => SessionState::OpenConfirm,
            "established" | "up" => SessionState::Established,
            _ => SessionState::Other(s.trim().to_string()),
        }
    }

    /// GoBGP's gRPC enum (`session_state` in `gobgp -j neighbor`).
    pub fn from_gobgp_code(code: u64) -> SessionState {
        match code {
            1 => SessionState::Idle,
            2 => SessionState::Connect,
            3 => SessionState::Active,
            4 => SessionState::OpenSent,
            5 => SessionState::OpenConfirm,
            6 => SessionState::Established,
            n => SessionState::Other(format!("gobgp state {n}")),
        }
    }
}

/// A FlowSpec action carried as an extended community.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FlowAction {
    /// 0x8006: rate in bytes/s as IEEE float; 0 means discard.
    TrafficRate { asn: u16, rate: f32 },
    /// 0x8007
    TrafficAction { sample: bool, terminal: bool },
    /// 0x8008: redirect to route target AS2:value.
    RedirectAs2 { asn: u16, value: u32 },
    /// 0x8108: redirect to route target IPv4:value.
    RedirectIpv4 { addr: Ipv4Addr, value: u16 },
    /// 0x8208: redirect to route target AS4:value.
    RedirectAs4 { asn: u32, value: u16 },
    /// 0x8009: set DSCP.
    TrafficMarking { dscp: u8 },
}

impl FlowAction {
    /// Decodes a raw 64-bit extended community; `None` if it is not a FlowSpec action.
    pub fn from_raw(raw: u64) -> Option<FlowAction> {
        let b = raw.to_be_bytes();
        let u16_at = |i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
        let u32_at = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        match (b[0], b[1]) {
            (0x80, 0x06) => Some(FlowAction::TrafficRate {
                asn: u16_at(2),
                rate: f32::from_bits(u32_at(4)),
            }),
            (0x80, 0x07) => Some(FlowAction::TrafficAction {
                sample: b[7] & 0x02 != 0,
                terminal: b[7] & 0x01 != 0,
            }),
            (0x80, 0x08) => Some(FlowAction::RedirectAs2 {
                asn: u16_at(2),
                value: u32_at(4),
            }),
            (0x81, 0x08) => Some(FlowAction::RedirectIpv4 {
                addr: Ipv4Addr::from(u32_at(2)),
                value: u16_at(6),
            }),
            (0x82, 0x08) => Some(FlowAction::RedirectAs4 {
                asn: u32_at(2),
                value: u16_at(6),
            }),
            (0x80, 0x09) => Some(FlowAction::TrafficMarking { dscp: b[7] & 0x3f }),
            _ => None,
        }
    }

    /// The raw 64-bit extended community (inverse of [`FlowAction::from_raw`]).
    pub fn to_raw(self) -> u64 {
        let (ty, sub, value): (u8, u8, u64) = match self {
            FlowAction::TrafficRate { asn, rate } => (
                0x80,
                0x06,
                (u64::from(asn) << 32) | u64::from(rate.to_bits()),
            ),
            FlowAction::TrafficAction { sample, terminal } => {
                (0x80, 0x07, u64::from(sample) << 1 | u64::from(terminal))
            }
            FlowAction::RedirectAs2 { asn, value } => {
                (0x80, 0x08, (u64::from(asn) << 32) | u64::from(value))
            }
            FlowAction::RedirectIpv4 { addr, value } => (
                0x81,
                0x08,
                (u64::from(u32::from(addr)) << 16) | u64::from(value),
            ),
            FlowAction::RedirectAs4 { asn, value } => {
                (0x82, 0x08, (u64::from(asn) << 16) | u64::from(value))
            }
            FlowAction::TrafficMarking { dscp } => (0x80, 0x09, u64::from(dscp & 0x3f)),
        };
        (u64::from(ty) << 56) | (u64::from(sub) << 48) | value
    }

    /// From BIRD's `(generic, 0xHHHHHHHH, 0xLLLLLLLL)` halves.
    pub fn from_halves(high: u32, low: u32) -> Option<FlowAction> {
        FlowAction::from_raw((u64::from(high) << 32) | u64::from(low))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_values_seen_from_real_peers() {
        // ExaBGP JSON values and BIRD generic halves from test-peers.md.
        assert_eq!(
            FlowAction::from_raw(9225060887863885824),
            Some(FlowAction::TrafficRate {
                asn: 0,
                rate: 1000.0
            })
        );
        assert_eq!(
            FlowAction::from_raw(9225903009542701156),
            Some(FlowAction::RedirectAs2 {
                asn: 65000,
                value: 100
            })
        );
        assert_eq!(
            FlowAction::from_halves(0x8108c000, 0x2090064),
            Some(FlowAction::RedirectIpv4 {
                addr: Ipv4Addr::new(192, 0, 2, 9),
                value: 100
            })
        );
        assert_eq!(
            FlowAction::from_halves(0x80070000, 0x3),
            Some(FlowAction::TrafficAction {
                sample: true,
                terminal: true
            })
        );
        assert_eq!(
            FlowAction::from_halves(0x80090000, 0x2e),
            Some(FlowAction::TrafficMarking { dscp: 46 })
        );
        assert_eq!(FlowAction::from_halves(0x0002fde8, 0x64), None);
        for raw in [
            9225060887863885824u64,
            9225903009542701156,
            0x8108c000_02090064,
            0x80070000_00000003,
            0x80090000_0000002e,
            0x8208_0000_fde8_0064,
        ] {
            assert_eq!(FlowAction::from_raw(raw).unwrap().to_raw(), raw, "{raw:#x}");
        }
    }

    #[test]
    fn origin_spellings() {
        assert_eq!(Origin::parse("IGP"), Some(Origin::Igp));
        assert_eq!(Origin::parse("?"), Some(Origin::Incomplete));
        assert_eq!(Origin::parse("Incomplete"), Some(Origin::Incomplete));
        assert_eq!(Origin::from_code(1), Some(Origin::Egp));
        assert_eq!(Origin::parse("x"), None);
    }
}
