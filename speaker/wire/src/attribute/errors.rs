//! The RFC 4271 §6.3 UPDATE Message Error subcode of each UPDATE-related error kind.
//!
//! RFC 7606 softens most UPDATE errors to treat-as-withdraw or attribute-discard, which
//! send no NOTIFICATION, but §6 still asks that they be logged with the code they would
//! have had; the session layer also needs it when it resets instead of disabling a family.

use crate::error::{DecodeError, ErrorKind};
use crate::message::notification::{Notification, NotificationCode, UpdateSubcode};

impl ErrorKind {
    /// The UPDATE Message Error subcode RFC 4271 assigns to this error, if it is one.
    pub fn update_subcode(&self) -> Option<UpdateSubcode> {
        Some(match self {
            ErrorKind::MalformedAttributeList { .. } | ErrorKind::DuplicateAttribute { .. } => {
                UpdateSubcode::MalformedAttributeList
            }
            ErrorKind::UnrecognizedWellKnown { .. } => {
                UpdateSubcode::UnrecognizedWellKnownAttribute
            }
            ErrorKind::MissingWellKnown { .. } => UpdateSubcode::MissingWellKnownAttribute,
            ErrorKind::AttributeFlags { .. } => UpdateSubcode::AttributeFlagsError,
            ErrorKind::AttributeLength { .. } => UpdateSubcode::AttributeLengthError,
            ErrorKind::InvalidOrigin { .. } => UpdateSubcode::InvalidOriginAttribute,
            ErrorKind::InvalidNextHop { .. } => UpdateSubcode::InvalidNextHopAttribute,
            ErrorKind::OptionalAttribute { .. } | ErrorKind::FlowSpec(_) => {
                UpdateSubcode::OptionalAttributeError
            }
            ErrorKind::MalformedAsPath { .. } => UpdateSubcode::MalformedAsPath,
            ErrorKind::InvalidNetworkField { .. }
            | ErrorKind::PrefixTooLong { .. }
            | ErrorKind::Truncated { .. } => UpdateSubcode::InvalidNetworkField,
            _ => return None,
        })
    }
}

impl DecodeError {
    /// The NOTIFICATION this error would send under plain RFC 4271 (for logging a
    /// treat-as-withdraw / discard, or for resetting instead of disabling a family). For
    /// a session reset it is exactly the one carried in the action.
    pub fn rfc4271_notification(&self) -> Option<Notification> {
        if let crate::ErrorAction::SessionReset(n) = &self.action {
            return Some(n.clone());
        }
        let sub = self.kind.update_subcode()?;
        Some(Notification::new(NotificationCode::Update(sub), Vec::new()))
    }
}
