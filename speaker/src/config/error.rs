//! Config errors: every one says where (file, line, column) and, for semantic errors,
//! which key and what is wrong, so `--check` output can be acted on directly.

use std::fmt;
use std::io;
use std::net::IpAddr;
use std::path::PathBuf;

use super::{Family, Location, UnknownFamily};

/// One problem in a config file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file itself could not be read.
    #[error("{origin}: cannot read config file: {source}")]
    Read {
        origin: String,
        #[source]
        source: io::Error,
    },
    /// TOML syntax, a wrong type, an unknown key or a missing key, as reported by the parser.
    #[error("{at}: {message}")]
    Syntax { at: Location, message: String },
    /// A well-formed value that breaks a rule; `key` is a path like `neighbors[1].families`.
    #[error("{at}: {key}: {kind}")]
    Invalid {
        at: Location,
        key: String,
        kind: ErrorKind,
    },
}

impl ConfigError {
    /// Where the error is, if it is inside the file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            ConfigError::Read { .. } => None,
            ConfigError::Syntax { at, .. } | ConfigError::Invalid { at, .. } => Some(at),
        }
    }

    /// The semantic rule broken, for [`ConfigError::Invalid`].
    pub fn kind(&self) -> Option<&ErrorKind> {
        match self {
            ConfigError::Invalid { kind, .. } => Some(kind),
            _ => None,
        }
    }
}

/// What rule a value breaks.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// A section of the full rustbgpd config that this build does not implement yet.
    #[error("`{0}` is not supported yet")]
    Unsupported(&'static str),
    #[error("AS number {0} is out of range (expected 1..=4294967294)")]
    AsnOutOfRange(i64),
    #[error("AS 23456 (AS_TRANS, RFC 6793) cannot be configured as a real AS")]
    AsTrans,
    #[error("invalid {expected} {value:?}")]
    InvalidAddress {
        value: String,
        expected: AddressKind,
    },
    #[error("{value} cannot be used here: {reason}")]
    UnusableAddress { value: IpAddr, reason: &'static str },
    #[error("{value} is out of range (expected {min}..={max})")]
    OutOfRange { value: i64, min: i64, max: i64 },
    #[error("hold time {0} is invalid (expected 0 or 3..=65535, RFC 4271 §4.2)")]
    HoldTime(i64),
    #[error("keepalive {keepalive} must be less than hold_time {hold_time}")]
    KeepaliveTooLarge { keepalive: u16, hold_time: u16 },
    #[error("keepalive is set but hold_time is 0 (no keepalives are sent)")]
    KeepaliveWithoutHold,
    #[error(transparent)]
    UnknownFamily(#[from] UnknownFamily),
    #[error("family {0} is listed twice")]
    DuplicateFamily(Family),
    #[error("at least one family is required")]
    NoFamilies,
    #[error("duplicate neighbor address {address} (first defined on line {first_line})")]
    DuplicateNeighbor { address: IpAddr, first_line: usize },
    #[error("`{0}` and `{1}` are mutually exclusive")]
    MutuallyExclusive(&'static str, &'static str),
    #[error(
        "local_address {local} is {} but neighbor address {address} is {}",
        family_name(local),
        family_name(address)
    )]
    AddressFamilyMismatch { address: IpAddr, local: IpAddr },
    #[error("unknown log_format {0:?} (expected \"json\" or \"text\")")]
    UnknownLogFormat(String),
    #[error("must not be empty")]
    Empty,
    #[error("cannot read {}: {source}", path.display())]
    PasswordFile {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("TCP MD5 password{} is {len} bytes (expected 1..=80)", from_file(file))]
    PasswordLength { len: usize, file: Option<PathBuf> },
    /// Two settings that contradict each other; the message says which.
    #[error("{0}")]
    Conflict(&'static str),
    #[error("unknown action {0:?} (expected \"permit\" or \"deny\")")]
    UnknownAction(String),
    /// A policy value the policy engine refused; the message says why.
    #[error("{0}")]
    Policy(String),
}

fn family_name(ip: &IpAddr) -> &'static str {
    if ip.is_ipv4() { "IPv4" } else { "IPv6" }
}

fn from_file(file: &Option<PathBuf>) -> String {
    file.as_ref()
        .map(|p| format!(" read from {}", p.display()))
        .unwrap_or_default()
}

/// What kind of address a string failed to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressKind {
    Ip,
    Ipv4,
    Socket,
}

impl fmt::Display for AddressKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressKind::Ip => "IP address",
            AddressKind::Ipv4 => "IPv4 address",
            AddressKind::Socket => "socket address (expected IP:port, [IPv6]:port)",
        })
    }
}

/// Every error found in one config file, in file order for semantic errors.
#[derive(Debug)]
pub struct ConfigErrors(Vec<ConfigError>);

impl ConfigErrors {
    pub(super) fn new(errors: Vec<ConfigError>) -> Self {
        Self(errors)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<ConfigError> {
        self.0
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(error: ConfigError) -> Self {
        Self(vec![error])
    }
}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// One error per line.
impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}
