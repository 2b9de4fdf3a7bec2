//! Why a policy change was refused. `Invalid` names the offending field (the API turns it
//! into INVALID_ARGUMENT with that field path).

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    /// A bad value or a reference to something that does not exist.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    /// Deleting something still referred to.
    #[error("{0}")]
    InUse(String),
    #[error("{0}")]
    NotFound(String),
}

impl PolicyError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        PolicyError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Prefixes the field path of an `Invalid` error with its parent (`statements[2]`).
    pub fn within(self, parent: &str) -> Self {
        match self {
            PolicyError::Invalid { field, reason } => PolicyError::Invalid {
                field: if field.is_empty() {
                    parent.to_string()
                } else {
                    format!("{parent}.{field}")
                },
                reason,
            },
            other => other,
        }
    }
}
