//! The one error type of the harness: every failure says which daemon, which command and what it printed.

use std::time::Duration;

/// Result of every harness call.
pub type Result<T> = std::result::Result<T, Error>;

/// What went wrong while driving a daemon or reading its output.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{command}` exited with {status}: {output}")]
    Command {
        command: String,
        status: String,
        output: String,
    },
    #[error("{what}: invalid JSON ({source}); output was: {output}")]
    Json {
        what: String,
        #[source]
        source: serde_json::Error,
        output: String,
    },
    #[error("{what}: cannot parse {input:?}")]
    Parse { what: String, input: String },
    #[error("{daemon} rejected its config: {output}")]
    Config { daemon: String, output: String },
    #[error("{daemon} exited early ({status}); log tail:\n{log}")]
    Exited {
        daemon: String,
        status: String,
        log: String,
    },
    #[error(transparent)]
    Timeout(#[from] WaitError),
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn parse(what: impl Into<String>, input: impl Into<String>) -> Self {
        Error::Parse {
            what: what.into(),
            input: input.into(),
        }
    }
}

/// A condition did not hold within its timeout; `last` is what the probe saw the last time it looked.
#[derive(Debug, thiserror::Error)]
#[error("timed out after {waited:?} waiting for {what}; last observed:\n{last}")]
pub struct WaitError {
    pub what: String,
    pub waited: Duration,
    pub last: String,
}
