//! Large communities (RFC 8092): three 32-bit fields, text form `global:local1:local2`.

use std::fmt;
use std::str::FromStr;

use super::standard::{CommunityParseError, parse_num};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LargeCommunity {
    pub global_admin: u32,
    pub local_data1: u32,
    pub local_data2: u32,
}

impl LargeCommunity {
    pub const WIRE_LEN: usize = 12;

    pub fn new(global_admin: u32, local_data1: u32, local_data2: u32) -> Self {
        LargeCommunity {
            global_admin,
            local_data1,
            local_data2,
        }
    }

    pub fn from_bytes(b: [u8; 12]) -> Self {
        let word = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        LargeCommunity::new(word(0), word(4), word(8))
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.global_admin.to_be_bytes());
        out.extend_from_slice(&self.local_data1.to_be_bytes());
        out.extend_from_slice(&self.local_data2.to_be_bytes());
    }
}

impl fmt::Display for LargeCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.global_admin, self.local_data1, self.local_data2
        )
    }
}

impl FromStr for LargeCommunity {
    type Err = CommunityParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(CommunityParseError::Empty);
        }
        let mut parts = s.split(':');
        let (Some(a), Some(b), Some(c), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CommunityParseError::Format {
                input: s.to_string(),
                expected: "GLOBAL:LOCAL1:LOCAL2",
            });
        };
        let max = u32::MAX.into();
        Ok(LargeCommunity::new(
            parse_num(s, a, "global administrator", max)? as u32,
            parse_num(s, b, "local data 1", max)? as u32,
            parse_num(s, c, "local data 2", max)? as u32,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_text() {
        let lc: LargeCommunity = "65000:1:2".parse().unwrap();
        let mut out = Vec::new();
        lc.encode(&mut out);
        assert_eq!(out, [0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 0, 0, 0, 2]);
        let arr: [u8; 12] = out.try_into().unwrap();
        assert_eq!(LargeCommunity::from_bytes(arr), lc);
        assert_eq!(lc.to_string(), "65000:1:2");
        assert!("65000:1".parse::<LargeCommunity>().is_err());
        assert!("65000:1:2:3".parse::<LargeCommunity>().is_err());
        assert!("4294967296:1:2".parse::<LargeCommunity>().is_err());
    }
}
