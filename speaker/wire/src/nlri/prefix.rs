//! Unicast prefixes on the wire: a length in bits followed by the fewest octets that hold it
//! (RFC 4271 §4.3), optionally preceded by a 4-octet path identifier (RFC 7911).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::afi::Afi;
use crate::error::ErrorKind;
use crate::reader::Reader;

/// One unicast NLRI entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathPrefix {
    /// RFC 7911 path identifier; `None` when Add-Path is not in use for the family.
    pub path_id: Option<u32>,
    pub prefix: IpNet,
}

impl PathPrefix {
    pub fn new(prefix: IpNet) -> Self {
        PathPrefix {
            path_id: None,
            prefix,
        }
    }

    /// Octets this entry takes on the wire.
    pub fn wire_len(&self) -> usize {
        let id = if self.path_id.is_some() { 4 } else { 0 };
        id + 1 + prefix_octets(self.prefix.prefix_len())
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        if let Some(id) = self.path_id {
            out.extend_from_slice(&id.to_be_bytes());
        }
        encode_prefix(&self.prefix, out);
    }
}

/// Octets needed for a prefix of `bits` bits.
pub fn prefix_octets(bits: u8) -> usize {
    (bits as usize).div_ceil(8)
}

/// Writes the length octet and the significant address octets. Host bits are written as
/// they are so that a decoded prefix re-encodes to the same bytes.
pub fn encode_prefix(prefix: &IpNet, out: &mut Vec<u8>) {
    let len = prefix.prefix_len();
    out.push(len);
    let n = prefix_octets(len);
    match prefix.addr() {
        IpAddr::V4(a) => out.extend_from_slice(&a.octets()[..n]),
        IpAddr::V6(a) => out.extend_from_slice(&a.octets()[..n]),
    }
}

/// Reads one prefix of the given family. Errors are [`ErrorKind`]s because the action
/// depends on where the prefix sits (NLRI field, MP_REACH, FlowSpec component).
pub fn decode_prefix(r: &mut Reader<'_>, afi: Afi) -> Result<IpNet, ErrorKind> {
    let len = r.u8().map_err(|source| ErrorKind::Truncated {
        what: "prefix length",
        source,
    })?;
    let max = afi.max_prefix_len().ok_or(ErrorKind::InvalidNetworkField {
        reason: "unknown address family",
    })?;
    if len > max {
        return Err(ErrorKind::PrefixTooLong { length: len, max });
    }
    let bytes = r
        .take(prefix_octets(len))
        .map_err(|source| ErrorKind::Truncated {
            what: "prefix",
            source,
        })?;
    Ok(build_prefix(afi, bytes, len))
}

/// Builds an address from up to 4 or 16 leading octets (the rest are zero).
pub fn build_prefix(afi: Afi, bytes: &[u8], len: u8) -> IpNet {
    match afi {
        Afi::Ipv6 => {
            let mut o = [0u8; 16];
            o[..bytes.len()].copy_from_slice(bytes);
            IpNet::V6(Ipv6Net::new_assert(Ipv6Addr::from(o), len))
        }
        _ => {
            let mut o = [0u8; 4];
            o[..bytes.len()].copy_from_slice(bytes);
            IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::from(o), len))
        }
    }
}

/// Decodes a whole unicast NLRI field (withdrawn routes, NLRI, or the NLRI part of
/// MP_(UN)REACH_NLRI).
pub fn decode_unicast_list(
    bytes: &[u8],
    afi: Afi,
    add_path: bool,
) -> Result<Vec<PathPrefix>, ErrorKind> {
    let mut r = Reader::new(bytes);
    // Each entry takes at least one octet: bound the allocation by what is really there.
    let mut out = Vec::with_capacity(bytes.len().min(1024));
    while !r.is_empty() {
        let path_id = if add_path {
            Some(r.u32().map_err(|source| ErrorKind::Truncated {
                what: "path identifier",
                source,
            })?)
        } else {
            None
        };
        let prefix = decode_prefix(&mut r, afi)?;
        out.push(PathPrefix { path_id, prefix });
    }
    Ok(out)
}

pub fn encode_unicast_list(prefixes: &[PathPrefix], out: &mut Vec<u8>) {
    for p in prefixes {
        p.encode(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    #[test]
    fn ipv4_prefix_bytes_both_ways() {
        let wire = [24, 203, 0, 113, 0];
        let got = decode_unicast_list(&wire, Afi::Ipv4, false).unwrap();
        assert_eq!(
            got,
            vec![
                PathPrefix::new(net("203.0.113.0/24")),
                PathPrefix::new(net("0.0.0.0/0"))
            ]
        );
        let mut out = Vec::new();
        encode_unicast_list(&got, &mut out);
        assert_eq!(out, wire);
    }

    #[test]
    fn add_path_ids_are_read() {
        let wire = [0, 0, 0, 7, 48, 0x20, 0x01, 0x0d, 0xb8, 0x02, 0x00];
        let got = decode_unicast_list(&wire, Afi::Ipv6, true).unwrap();
        assert_eq!(got[0].path_id, Some(7));
        assert_eq!(got[0].prefix, net("2001:db8:200::/48"));
        let mut out = Vec::new();
        encode_unicast_list(&got, &mut out);
        assert_eq!(out, wire);
    }

    #[test]
    fn too_long_and_truncated_prefixes_are_errors() {
        assert!(matches!(
            decode_unicast_list(&[33, 1, 2, 3, 4, 5], Afi::Ipv4, false),
            Err(ErrorKind::PrefixTooLong {
                length: 33,
                max: 32
            })
        ));
        assert!(matches!(
            decode_unicast_list(&[24, 1, 2], Afi::Ipv4, false),
            Err(ErrorKind::Truncated { .. })
        ));
    }
}
