//! AGGREGATOR (RFC 4271 §5.1.7) and AS4_AGGREGATOR (RFC 6793): the AS and router that
//! formed an aggregate route.

use std::net::Ipv4Addr;

use super::as_path::AS_TRANS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Aggregator {
    pub asn: u32,
    pub address: Ipv4Addr,
}

impl Aggregator {
    /// Decodes 6 octets (2-octet AS) or 8 octets (4-octet AS); `None` for any other length.
    pub fn decode(value: &[u8], four_octet: bool) -> Option<Aggregator> {
        match (four_octet, value) {
            (false, [a0, a1, ip @ ..]) if ip.len() == 4 => Some(Aggregator {
                asn: u32::from(u16::from_be_bytes([*a0, *a1])),
                address: addr(ip)?,
            }),
            (true, [a0, a1, a2, a3, ip @ ..]) if ip.len() == 4 => Some(Aggregator {
                asn: u32::from_be_bytes([*a0, *a1, *a2, *a3]),
                address: addr(ip)?,
            }),
            _ => None,
        }
    }

    /// Appends the value; on a 2-octet session an AS above 65535 becomes AS_TRANS.
    pub fn encode(&self, four_octet: bool, out: &mut Vec<u8>) {
        if four_octet {
            out.extend_from_slice(&self.asn.to_be_bytes());
        } else {
            let asn = u16::try_from(self.asn).unwrap_or(AS_TRANS as u16);
            out.extend_from_slice(&asn.to_be_bytes());
        }
        out.extend_from_slice(&self.address.octets());
    }
}

fn addr(b: &[u8]) -> Option<Ipv4Addr> {
    let o: [u8; 4] = b.try_into().ok()?;
    Some(Ipv4Addr::from(o))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_and_four_octet_forms() {
        let a = Aggregator {
            asn: 4_200_000_000,
            address: Ipv4Addr::new(192, 0, 2, 1),
        };
        let mut four = Vec::new();
        a.encode(true, &mut four);
        assert_eq!(four, [0xfa, 0x56, 0xea, 0x00, 192, 0, 2, 1]);
        assert_eq!(Aggregator::decode(&four, true), Some(a));
        let mut two = Vec::new();
        a.encode(false, &mut two);
        assert_eq!(two, [0x5b, 0xa0, 192, 0, 2, 1]);
        assert_eq!(
            Aggregator::decode(&two, false).map(|x| x.asn),
            Some(AS_TRANS)
        );
        assert_eq!(Aggregator::decode(&two, true), None);
        assert_eq!(Aggregator::decode(&four, false), None);
    }
}
