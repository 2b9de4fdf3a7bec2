//! The speaker's TOML configuration: loading, validation, and the typed [`Config`].
//!
//! [`load`] / [`parse`] return either a fully validated [`Config`] (defaults applied) or
//! every problem found, each located as `file:line:column`. Parsing happens in two steps:
//! the TOML parser builds loose `raw` structs (syntax, type and unknown-key errors stop
//! there), then `validate` checks every rule and collects all semantic errors.

mod error;
mod family;
mod location;
mod model;
mod parse;
mod raw;
mod validate;

use std::path::Path;

pub use error::{AddressKind, ConfigError, ConfigErrors, ErrorKind};
pub use family::{FAMILY_NAMES, Family, UnknownFamily};
use location::LineIndex;
pub use location::Location;
pub use model::{
    Config, DEFAULT_BGP_PORT, DEFAULT_CONNECT_RETRY, DEFAULT_GRPC_TCP_ADDRESS,
    DEFAULT_GRPC_UDS_PATH, DEFAULT_HOLD_TIME, DEFAULT_STALE_ROUTE_TIMEOUT, Global, GrpcTcp,
    LogFormat, Neighbor, Password, PolicyConfig, PolicyEntry, Telemetry,
};

/// Reads and validates the config file at `path`.
///
/// Relative paths inside the file (`password_file`, `state_file`, ...) are taken relative
/// to the file's directory; `password_file`s are read now.
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        origin: origin.clone(),
        source,
    })?;
    let base_dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    parse_in(&text, &origin, base_dir)
}

/// Validates config `text`; `origin` names it in errors (usually the file name).
/// Relative paths inside it are taken relative to the current directory.
pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigErrors> {
    parse_in(text, origin, None)
}

fn parse_in(text: &str, origin: &str, base_dir: Option<&Path>) -> Result<Config, ConfigErrors> {
    let lines = LineIndex::new(origin, text);
    let raw = parse::deserialize(text, &lines)?;
    validate::validate(&raw, &lines, base_dir).map_err(ConfigErrors::new)
}

#[cfg(test)]
mod tests;
