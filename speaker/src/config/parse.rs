//! Text to [`RawConfig`]: runs the TOML parser and turns its error into a located one.

use super::raw::RawConfig;
use super::{ConfigError, LineIndex};

/// Parses `text`; syntax, type, unknown-key and missing-key errors stop here (the parser
/// reports one at a time).
pub(super) fn deserialize(text: &str, lines: &LineIndex<'_>) -> Result<RawConfig, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::Syntax {
        at: lines.locate(e.span().map_or(0, |s| s.start)),
        message: e.message().trim_end().to_owned(),
    })
}
