//! Validation errors that name the offending field, and the mapping of core errors to
//! gRPC status codes.

use std::fmt;

use tonic::{Code, Status};

use crate::command::CommandError;

/// A bad input value: `field` is the path of the field in the request (e.g.
/// `rule.destination_prefix`, `paths[3].communities[1]`), `reason` what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Prefixes the field path with its parent, e.g. `rule` + `protocols` gives
    /// `rule.protocols`, `paths[3]` + `prefix` gives `paths[3].prefix`.
    pub fn within(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_string()
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }

    /// The same error for the `index`-th element of a list field.
    pub fn at(mut self, index: usize) -> Self {
        self.field = format!("{}[{index}]", self.field);
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl From<FieldError> for Status {
    fn from(e: FieldError) -> Status {
        Status::invalid_argument(e.to_string())
    }
}

/// The gRPC code for each kind of core failure.
pub fn code_of(e: &CommandError) -> Code {
    match e {
        CommandError::NotFound(_) => Code::NotFound,
        CommandError::InvalidArgument(_) => Code::InvalidArgument,
        CommandError::AlreadyExists(_) => Code::AlreadyExists,
        CommandError::FailedPrecondition(_) => Code::FailedPrecondition,
        CommandError::ResourceExhausted(_) => Code::ResourceExhausted,
        CommandError::Unavailable(_) => Code::Unavailable,
        CommandError::Internal(_) => Code::Internal,
    }
}

impl From<CommandError> for Status {
    fn from(e: CommandError) -> Status {
        Status::new(code_of(&e), e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_compose() {
        let e = FieldError::new("communities", "bad")
            .at(1)
            .within("paths[3]");
        assert_eq!(e.to_string(), "paths[3].communities[1]: bad");
        let e = FieldError::new("", "bad").within("rule");
        assert_eq!(e.to_string(), "rule: bad");
    }

    #[test]
    fn command_errors_map_to_codes() {
        let cases = [
            (CommandError::NotFound("x".into()), Code::NotFound),
            (
                CommandError::InvalidArgument("x".into()),
                Code::InvalidArgument,
            ),
            (CommandError::AlreadyExists("x".into()), Code::AlreadyExists),
            (
                CommandError::FailedPrecondition("x".into()),
                Code::FailedPrecondition,
            ),
            (
                CommandError::ResourceExhausted("x".into()),
                Code::ResourceExhausted,
            ),
            (CommandError::Unavailable("x".into()), Code::Unavailable),
            (CommandError::Internal("x".into()), Code::Internal),
        ];
        for (err, code) in cases {
            assert_eq!(Status::from(err).code(), code);
        }
    }

    #[test]
    fn field_error_is_invalid_argument() {
        let s = Status::from(FieldError::new("prefix", "required"));
        assert_eq!(s.code(), Code::InvalidArgument);
        assert_eq!(s.message(), "prefix: required");
    }
}
