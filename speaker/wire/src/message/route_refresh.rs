//! ROUTE-REFRESH (RFC 2918) with the RFC 7313 message subtypes (BoRR / EoRR).

use crate::afi::{Afi, AfiSafi, Safi};
use crate::error::{DecodeError, ErrorKind};
use crate::message::notification::{NotificationCode, RouteRefreshSubcode};

/// RFC 7313 §3: the former "Reserved" octet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshSubtype {
    /// A plain RFC 2918 request.
    Request,
    /// Beginning of Route Refresh.
    Begin,
    /// End of Route Refresh.
    End,
    /// 3-254 are ignored by receivers (RFC 7313 §5), 255 is reserved.
    Other(u8),
}

impl RefreshSubtype {
    pub fn from_u8(v: u8) -> Self {
        match v {
            0 => RefreshSubtype::Request,
            1 => RefreshSubtype::Begin,
            2 => RefreshSubtype::End,
            o => RefreshSubtype::Other(o),
        }
    }

    pub fn to_u8(self) -> u8 {
        match self {
            RefreshSubtype::Request => 0,
            RefreshSubtype::Begin => 1,
            RefreshSubtype::End => 2,
            RefreshSubtype::Other(o) => o,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteRefresh {
    pub family: AfiSafi,
    pub subtype: RefreshSubtype,
}

impl RouteRefresh {
    pub fn request(family: AfiSafi) -> Self {
        RouteRefresh {
            family,
            subtype: RefreshSubtype::Request,
        }
    }

    pub fn decode_body(body: &[u8]) -> Result<RouteRefresh, DecodeError> {
        let [a0, a1, sub, safi] = body else {
            // RFC 7313 §5: a wrong length is a ROUTE-REFRESH Message Error carrying the message.
            return Err(
                ErrorKind::BadRouteRefreshLength { length: body.len() }.reset(
                    NotificationCode::RouteRefresh(RouteRefreshSubcode::InvalidMessageLength),
                    body.to_vec(),
                ),
            );
        };
        Ok(RouteRefresh {
            family: AfiSafi::new(
                Afi::from_u16(u16::from_be_bytes([*a0, *a1])),
                Safi::from_u8(*safi),
            ),
            subtype: RefreshSubtype::from_u8(*sub),
        })
    }

    pub fn encode_body(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.family.afi.to_u16().to_be_bytes());
        out.push(self.subtype.to_u8());
        out.push(self.family.safi.to_u8());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enhanced_refresh_markers_round_trip() {
        let wire = [0, 2, 1, 133];
        let rr = RouteRefresh::decode_body(&wire).unwrap();
        assert_eq!(rr.family, AfiSafi::IPV6_FLOWSPEC);
        assert_eq!(rr.subtype, RefreshSubtype::Begin);
        let mut out = Vec::new();
        rr.encode_body(&mut out);
        assert_eq!(out, wire);
    }

    #[test]
    fn wrong_length_is_route_refresh_error() {
        let err = RouteRefresh::decode_body(&[0, 1, 0]).unwrap_err();
        let crate::ErrorAction::SessionReset(n) = err.action else {
            panic!("expected reset")
        };
        assert_eq!(n.code.pair(), (7, 1));
    }
}
