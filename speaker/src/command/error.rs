//! Why the core refused or could not run a command.

use thiserror::Error;

/// A command failure; each kind maps to one gRPC status code in the API layer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    /// The object named by the command does not exist (e.g. an unknown neighbor).
    #[error("{0}")]
    NotFound(String),
    /// The command is well-formed but not acceptable to the core.
    #[error("{0}")]
    InvalidArgument(String),
    /// Another object already holds the key (e.g. the same prefix under another id).
    #[error("{0}")]
    AlreadyExists(String),
    /// The command cannot run in the current state (e.g. soft reset of a down session).
    #[error("{0}")]
    FailedPrecondition(String),
    /// A limit was hit (e.g. too many injected objects).
    #[error("{0}")]
    ResourceExhausted(String),
    /// The core is not running or shutting down.
    #[error("speaker core unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure inside the core.
    #[error("internal error: {0}")]
    Internal(String),
}
