//! Decode errors, each paired with the action RFC 4271 §6 / RFC 7606 prescribe.
//!
//! A decoder decides the action where it detects the problem, because only it knows the
//! context (an ORIGIN error is treat-as-withdraw, the same length error in MP_REACH_NLRI
//! is a session reset). The session layer then just does what [`ErrorAction`] says.

use thiserror::Error;

use crate::afi::AfiSafi;
use crate::message::notification::{
    HeaderSubcode, Notification, NotificationCode, OpenSubcode, UpdateSubcode,
};
use crate::nlri::flowspec::FlowSpecError;
use crate::reader::Truncated;

/// What the receiver must do about a malformed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorAction {
    /// RFC 4271 §6: send this NOTIFICATION and close the session.
    SessionReset(Notification),
    /// RFC 7606 §2 / RFC 4760 §7: stop using this family on the session (or reset if the
    /// speaker does not implement that).
    AfiSafiDisable(AfiSafi),
    /// RFC 7606 §2: handle every NLRI of the UPDATE as withdrawn.
    TreatAsWithdraw,
    /// RFC 7606 §2: drop the attribute and process the rest of the UPDATE.
    AttributeDiscard,
}

/// A decode failure: what was wrong ([`ErrorKind`]) and what to do ([`ErrorAction`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind}")]
pub struct DecodeError {
    pub kind: ErrorKind,
    pub action: ErrorAction,
}

/// What was wrong. Grouped by the part of the codec that detects it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ErrorKind {
    // --- shared ---------------------------------------------------------------------
    #[error("{what}: {source}")]
    Truncated {
        what: &'static str,
        #[source]
        source: Truncated,
    },
    #[error("{what}: {extra} trailing octets")]
    TrailingBytes { what: &'static str, extra: usize },

    // --- message header and framing (message/mod.rs) ---------------------------------
    #[error("message header marker is not all ones")]
    BadMarker,
    #[error("bad message length {length}")]
    BadMessageLength { length: u16 },
    #[error("unknown message type {msg_type}")]
    BadMessageType { msg_type: u8 },
    #[error("NOTIFICATION body of {length} octets is shorter than 2")]
    BadNotificationLength { length: usize },
    // --- end message header ----------------------------------------------------------

    // --- OPEN and capabilities (message/open.rs, capability.rs) ----------------------
    #[error("unsupported BGP version {version}")]
    UnsupportedVersion { version: u8 },
    #[error("unacceptable hold time {hold_time}")]
    UnacceptableHoldTime { hold_time: u16 },
    #[error("unsupported optional parameter type {param_type}")]
    UnsupportedOptionalParameter { param_type: u8 },
    #[error("malformed capability {code}: {reason}")]
    MalformedCapability { code: u8, reason: &'static str },
    #[error("ROUTE-REFRESH body of {length} octets is not 4")]
    BadRouteRefreshLength { length: usize },
    #[error("BGP identifier is zero")]
    BadBgpIdentifier,
    #[error("peer AS is zero (RFC 7607)")]
    ZeroPeerAs,
    #[error("malformed optional parameters: {reason}")]
    MalformedOptionalParameters { reason: &'static str },
    // --- end OPEN and capabilities ---------------------------------------------------

    // --- UPDATE and path attributes (message/update.rs, attribute/) ------------------
    #[error("malformed attribute list: {reason}")]
    MalformedAttributeList { reason: &'static str },
    #[error("attribute {type_code}: flags {flags:#04x} do not fit its type")]
    AttributeFlags { type_code: u8, flags: u8 },
    #[error("attribute {type_code}: bad length {length}")]
    AttributeLength { type_code: u8, length: usize },
    #[error("attribute {type_code} appears more than once")]
    DuplicateAttribute { type_code: u8 },
    #[error("missing well-known attribute {type_code}")]
    MissingWellKnown { type_code: u8 },
    #[error("unrecognized well-known attribute {type_code}")]
    UnrecognizedWellKnown { type_code: u8 },
    #[error("invalid ORIGIN value {value}")]
    InvalidOrigin { value: u8 },
    #[error("malformed AS_PATH: {reason}")]
    MalformedAsPath { reason: &'static str },
    #[error("invalid NEXT_HOP: {reason}")]
    InvalidNextHop { reason: &'static str },
    #[error("optional attribute {type_code} malformed: {reason}")]
    OptionalAttribute { type_code: u8, reason: &'static str },
    // --- end UPDATE and path attributes ----------------------------------------------

    // --- NLRI (nlri/) ----------------------------------------------------------------
    #[error("invalid network field: {reason}")]
    InvalidNetworkField { reason: &'static str },
    #[error("prefix length {length} exceeds {max}")]
    PrefixTooLong { length: u8, max: u8 },
    #[error("flowspec: {0}")]
    FlowSpec(#[from] FlowSpecError),
    // --- end NLRI --------------------------------------------------------------------
}

impl ErrorKind {
    /// A session reset with the given NOTIFICATION code and data.
    pub fn reset(self, code: NotificationCode, data: Vec<u8>) -> DecodeError {
        DecodeError {
            kind: self,
            action: ErrorAction::SessionReset(Notification::new(code, data)),
        }
    }

    /// Message Header Error / Bad Message Length, data = the offending length field.
    pub fn reset_bad_length(self, length: u16) -> DecodeError {
        let code = NotificationCode::MessageHeader(HeaderSubcode::BadMessageLength);
        self.reset(code, length.to_be_bytes().to_vec())
    }

    /// OPEN Message Error with the given subcode and data.
    pub fn reset_open(self, subcode: OpenSubcode, data: Vec<u8>) -> DecodeError {
        self.reset(NotificationCode::Open(subcode), data)
    }

    /// UPDATE Message Error with the given subcode and data.
    pub fn reset_update(self, subcode: UpdateSubcode, data: Vec<u8>) -> DecodeError {
        self.reset(NotificationCode::Update(subcode), data)
    }

    pub fn treat_as_withdraw(self) -> DecodeError {
        DecodeError {
            kind: self,
            action: ErrorAction::TreatAsWithdraw,
        }
    }

    pub fn discard(self) -> DecodeError {
        DecodeError {
            kind: self,
            action: ErrorAction::AttributeDiscard,
        }
    }

    pub fn disable(self, family: AfiSafi) -> DecodeError {
        DecodeError {
            kind: self,
            action: ErrorAction::AfiSafiDisable(family),
        }
    }
}

impl ErrorAction {
    /// RFC 7606 §3 (j): when several errors occur, the strongest action wins.
    pub fn severity(&self) -> u8 {
        match self {
            ErrorAction::AttributeDiscard => 0,
            ErrorAction::TreatAsWithdraw => 1,
            ErrorAction::AfiSafiDisable(_) => 2,
            ErrorAction::SessionReset(_) => 3,
        }
    }
}
