//! Unit tests for the config module: each rule with its message and line, by domain.

mod examples;
mod global;
mod neighbor;
mod password;
mod policy;
mod syntax;

use std::path::PathBuf;

use super::{Config, parse};

/// A valid `[global]` section used as the base of most test configs (3 lines).
const GLOBAL: &str = "[global]\nasn = 65000\nrouter_id = \"192.0.2.1\"\n";

/// Parses text that must be valid.
fn ok(text: &str) -> Config {
    parse(text, "t.toml").unwrap_or_else(|e| panic!("expected a valid config, got:\n{e}"))
}

/// Every error message for text that must be invalid.
fn errors(text: &str) -> Vec<String> {
    match parse(text, "t.toml") {
        Ok(config) => panic!("expected errors, got {config:#?}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

/// The single error message for text that must have exactly one problem.
fn error(text: &str) -> String {
    let mut all = errors(text);
    assert_eq!(all.len(), 1, "expected exactly one error, got {all:#?}");
    all.remove(0)
}

/// `GLOBAL` plus one neighbor made of `body` (the neighbor header is line 4, `body` starts
/// on line 5).
fn with_neighbor(body: &str) -> String {
    format!("{GLOBAL}[[neighbors]]\n{body}")
}

/// A scratch directory removed on drop (no tempfile crate needed for a few files).
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("speaker-config-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
