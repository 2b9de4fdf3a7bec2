//! [`RawConfig`] to [`Config`]: applies defaults and checks every rule, collecting all
//! errors (each pointing at the offending value) instead of stopping at the first.

mod global;
mod neighbor;
mod password;
mod policy;
mod values;

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::raw::{RawConfig, Unsupported};
use super::{Config, ConfigError, DEFAULT_HOLD_TIME, ErrorKind, LineIndex};

/// Validation state: where to report, and the errors found so far.
struct Ctx<'a> {
    lines: &'a LineIndex<'a>,
    /// Relative paths in the file are relative to this directory (the config file's).
    base_dir: Option<&'a Path>,
    errors: Vec<ConfigError>,
}

impl Ctx<'_> {
    fn report(&mut self, span: Range<usize>, key: &str, kind: ErrorKind) {
        self.errors.push(ConfigError::Invalid {
            at: self.lines.locate(span.start),
            key: key.to_owned(),
            kind,
        });
    }

    fn line(&self, span: Range<usize>) -> usize {
        self.lines.line(span.start)
    }

    fn resolve(&self, path: &str) -> PathBuf {
        match self.base_dir {
            Some(dir) => dir.join(path),
            None => PathBuf::from(path),
        }
    }
}

/// Validates a parsed file; `base_dir` anchors relative paths (`None` = current directory).
pub(super) fn validate(
    raw: &RawConfig,
    lines: &LineIndex<'_>,
    base_dir: Option<&Path>,
) -> Result<Config, Vec<ConfigError>> {
    let mut ctx = Ctx {
        lines,
        base_dir,
        errors: Vec::new(),
    };
    unsupported_sections(&mut ctx, raw);
    let global = global::validate(&mut ctx, &raw.global);
    let default_hold = global.as_ref().map_or(DEFAULT_HOLD_TIME, |g| g.hold_time);
    let neighbors = neighbor::validate_all(&mut ctx, &raw.neighbors, default_hold);
    let policy = policy::validate(&mut ctx, raw.policy.as_ref().map(|p| p.get_ref()));
    match (global, neighbors) {
        (Some(global), Some(neighbors)) if ctx.errors.is_empty() => Ok(Config {
            global,
            neighbors,
            policy,
        }),
        _ => Err(sorted(ctx.errors)),
    }
}

/// Sections of the full rustbgpd config not built yet: refuse them rather than silently
/// running without RPKI, BMP, etc.
fn unsupported_sections(ctx: &mut Ctx<'_>, raw: &RawConfig) {
    let sections: [(&Unsupported, &str, &'static str); 5] = [
        (&raw.rpki, "rpki", "[rpki]"),
        (&raw.bmp, "bmp", "[bmp]"),
        (&raw.mrt, "mrt", "[mrt]"),
        (&raw.peer_groups, "peer_groups", "[[peer_groups]]"),
        (
            &raw.global.telemetry.looking_glass,
            "global.telemetry.looking_glass",
            "[global.telemetry.looking_glass]",
        ),
    ];
    for (value, key, header) in sections {
        if let Some(value) = value {
            ctx.report(value.span(), key, ErrorKind::Unsupported(header));
        }
    }
}

/// File order, so `--check` output reads top to bottom.
fn sorted(mut errors: Vec<ConfigError>) -> Vec<ConfigError> {
    errors.sort_by_key(|e| e.location().map(|l| (l.line, l.column)));
    errors
}
