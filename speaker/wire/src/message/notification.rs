//! NOTIFICATION (RFC 4271 §4.5) with every registered error code and subcode typed, the data
//! kept verbatim, and the RFC 9003 shutdown communication.

use crate::error::{DecodeError, ErrorKind};

/// Subcodes of code 1, Message Header Error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderSubcode {
    ConnectionNotSynchronized,
    BadMessageLength,
    BadMessageType,
    Other(u8),
}

/// Subcodes of code 2, OPEN Message Error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenSubcode {
    Unspecific,
    UnsupportedVersionNumber,
    BadPeerAs,
    BadBgpIdentifier,
    UnsupportedOptionalParameter,
    UnacceptableHoldTime,
    /// RFC 5492.
    UnsupportedCapability,
    /// RFC 9234.
    RoleMismatch,
    Other(u8),
}

/// Subcodes of code 3, UPDATE Message Error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateSubcode {
    Unspecific,
    MalformedAttributeList,
    UnrecognizedWellKnownAttribute,
    MissingWellKnownAttribute,
    AttributeFlagsError,
    AttributeLengthError,
    InvalidOriginAttribute,
    InvalidNextHopAttribute,
    OptionalAttributeError,
    InvalidNetworkField,
    MalformedAsPath,
    Other(u8),
}

/// Subcodes of code 5, Finite State Machine Error (RFC 6608).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsmSubcode {
    Unspecified,
    UnexpectedMessageInOpenSent,
    UnexpectedMessageInOpenConfirm,
    UnexpectedMessageInEstablished,
    Other(u8),
}

/// Subcodes of code 6, Cease (RFC 4486, RFC 8538).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CeaseSubcode {
    Unspecific,
    MaximumPrefixesReached,
    AdministrativeShutdown,
    PeerDeconfigured,
    AdministrativeReset,
    ConnectionRejected,
    OtherConfigurationChange,
    ConnectionCollisionResolution,
    OutOfResources,
    HardReset,
    BfdDown,
    Other(u8),
}

/// Subcodes of code 7, ROUTE-REFRESH Message Error (RFC 7313).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteRefreshSubcode {
    Reserved,
    InvalidMessageLength,
    Other(u8),
}

/// Error code with its subcode. Unknown pairs are kept as numbers so nothing is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationCode {
    MessageHeader(HeaderSubcode),
    Open(OpenSubcode),
    Update(UpdateSubcode),
    HoldTimerExpired(u8),
    Fsm(FsmSubcode),
    Cease(CeaseSubcode),
    RouteRefresh(RouteRefreshSubcode),
    Unknown { code: u8, subcode: u8 },
}

macro_rules! subcode_table {
    ($ty:ident { $($n:literal => $v:ident),* $(,)? }) => {
        impl $ty {
            pub fn from_u8(v: u8) -> Self {
                match v { $($n => $ty::$v,)* o => $ty::Other(o) }
            }
            pub fn to_u8(self) -> u8 {
                match self { $($ty::$v => $n,)* $ty::Other(o) => o }
            }
        }
    };
}

subcode_table!(HeaderSubcode { 1 => ConnectionNotSynchronized, 2 => BadMessageLength, 3 => BadMessageType });
subcode_table!(OpenSubcode {
    0 => Unspecific, 1 => UnsupportedVersionNumber, 2 => BadPeerAs, 3 => BadBgpIdentifier,
    4 => UnsupportedOptionalParameter, 6 => UnacceptableHoldTime, 7 => UnsupportedCapability,
    11 => RoleMismatch,
});
subcode_table!(UpdateSubcode {
    0 => Unspecific, 1 => MalformedAttributeList, 2 => UnrecognizedWellKnownAttribute,
    3 => MissingWellKnownAttribute, 4 => AttributeFlagsError, 5 => AttributeLengthError,
    6 => InvalidOriginAttribute, 8 => InvalidNextHopAttribute, 9 => OptionalAttributeError,
    10 => InvalidNetworkField, 11 => MalformedAsPath,
});
subcode_table!(FsmSubcode {
    0 => Unspecified, 1 => UnexpectedMessageInOpenSent, 2 => UnexpectedMessageInOpenConfirm,
    3 => UnexpectedMessageInEstablished,
});
subcode_table!(CeaseSubcode {
    0 => Unspecific, 1 => MaximumPrefixesReached, 2 => AdministrativeShutdown, 3 => PeerDeconfigured,
    4 => AdministrativeReset, 5 => ConnectionRejected, 6 => OtherConfigurationChange,
    7 => ConnectionCollisionResolution, 8 => OutOfResources, 9 => HardReset, 10 => BfdDown,
});
subcode_table!(RouteRefreshSubcode { 0 => Reserved, 1 => InvalidMessageLength });

impl NotificationCode {
    pub fn from_pair(code: u8, subcode: u8) -> Self {
        match code {
            1 if subcode != 0 => NotificationCode::MessageHeader(HeaderSubcode::from_u8(subcode)),
            2 => NotificationCode::Open(OpenSubcode::from_u8(subcode)),
            3 => NotificationCode::Update(UpdateSubcode::from_u8(subcode)),
            4 => NotificationCode::HoldTimerExpired(subcode),
            5 => NotificationCode::Fsm(FsmSubcode::from_u8(subcode)),
            6 => NotificationCode::Cease(CeaseSubcode::from_u8(subcode)),
            7 => NotificationCode::RouteRefresh(RouteRefreshSubcode::from_u8(subcode)),
            _ => NotificationCode::Unknown { code, subcode },
        }
    }

    pub fn pair(self) -> (u8, u8) {
        match self {
            NotificationCode::MessageHeader(s) => (1, s.to_u8()),
            NotificationCode::Open(s) => (2, s.to_u8()),
            NotificationCode::Update(s) => (3, s.to_u8()),
            NotificationCode::HoldTimerExpired(s) => (4, s),
            NotificationCode::Fsm(s) => (5, s.to_u8()),
            NotificationCode::Cease(s) => (6, s.to_u8()),
            NotificationCode::RouteRefresh(s) => (7, s.to_u8()),
            NotificationCode::Unknown { code, subcode } => (code, subcode),
        }
    }
}

/// RFC 9003: the shutdown communication is at most 255 octets of UTF-8.
pub const MAX_SHUTDOWN_MESSAGE: usize = 255;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub code: NotificationCode,
    pub data: Vec<u8>,
}

impl Notification {
    pub fn new(code: NotificationCode, data: Vec<u8>) -> Self {
        Notification { code, data }
    }

    /// Cease with an RFC 9003 shutdown communication (truncated on a char boundary to 255 octets).
    pub fn cease_with_message(subcode: CeaseSubcode, message: &str) -> Self {
        let mut end = message.len().min(MAX_SHUTDOWN_MESSAGE);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        let mut data = Vec::with_capacity(end + 1);
        data.push(end as u8);
        data.extend_from_slice(&message.as_bytes()[..end]);
        Notification::new(NotificationCode::Cease(subcode), data)
    }

    /// The RFC 9003 message of an administrative shutdown or reset, when the data holds a
    /// well-formed one.
    pub fn shutdown_message(&self) -> Option<&str> {
        match self.code {
            NotificationCode::Cease(CeaseSubcode::AdministrativeShutdown)
            | NotificationCode::Cease(CeaseSubcode::AdministrativeReset) => {
                let (&len, rest) = self.data.split_first()?;
                let text = rest.get(..len as usize)?;
                std::str::from_utf8(text).ok()
            }
            _ => None,
        }
    }

    pub fn decode_body(body: &[u8]) -> Result<Notification, DecodeError> {
        match body {
            [code, subcode, data @ ..] => Ok(Notification {
                code: NotificationCode::from_pair(*code, *subcode),
                data: data.to_vec(),
            }),
            _ => Err(ErrorKind::BadNotificationLength { length: body.len() }
                .reset_bad_length((body.len() + crate::message::HEADER_LEN) as u16)),
        }
    }

    pub fn encode_body(&self, out: &mut Vec<u8>) {
        let (code, subcode) = self.code.pair();
        out.push(code);
        out.push(subcode);
        out.extend_from_slice(&self.data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_pair_round_trips() {
        for code in 1..=7u8 {
            for sub in 0..=12u8 {
                if code == 1 && sub == 0 {
                    continue;
                }
                assert_eq!(NotificationCode::from_pair(code, sub).pair(), (code, sub));
            }
        }
        assert_eq!(NotificationCode::from_pair(1, 0).pair(), (1, 0));
    }

    #[test]
    fn shutdown_communication_is_read_back() {
        let n =
            Notification::cease_with_message(CeaseSubcode::AdministrativeShutdown, "maintenance");
        let mut body = Vec::new();
        n.encode_body(&mut body);
        assert_eq!(&body[..3], &[6, 2, 11]);
        let back = Notification::decode_body(&body).unwrap();
        assert_eq!(back.shutdown_message(), Some("maintenance"));
    }

    #[test]
    fn short_body_is_a_header_length_error() {
        let err = Notification::decode_body(&[6]).unwrap_err();
        assert!(matches!(err.action, crate::ErrorAction::SessionReset(_)));
    }
}
