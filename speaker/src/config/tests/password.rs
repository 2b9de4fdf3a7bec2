//! TCP MD5 passwords: inline, from a file (read at load time), and their rules.

use super::{ScratchDir, error, ok, with_neighbor};
use crate::config::*;

const BASE: &str = "address = \"10.0.0.1\"\nremote_asn = 1\n";

fn config_with(body: &str) -> String {
    with_neighbor(&format!("{BASE}{body}"))
}

#[test]
fn password_file_is_read_and_trailing_newline_stripped() {
    let dir = ScratchDir::new("pw-read");
    let key = dir.write("peer.md5", "s3cret \r\n\n");
    let config = ok(&config_with(&format!(
        "password_file = \"{}\"\n",
        key.display()
    )));
    let password = config.neighbors[0].password.clone().unwrap();
    // Only line endings are stripped; other whitespace may be part of the key.
    assert_eq!(password.expose(), "s3cret ");
}

#[test]
fn relative_password_file_is_relative_to_the_config_file() {
    let dir = ScratchDir::new("pw-relative");
    dir.write("peer.md5", "k3y\n");
    let path = dir.write(
        "config.toml",
        &config_with("password_file = \"peer.md5\"\n"),
    );
    let config = load(&path).unwrap();
    assert_eq!(
        config.neighbors[0].password.as_ref().map(Password::expose),
        Some("k3y")
    );
}

#[test]
fn missing_password_file_is_named() {
    let missing = "/nonexistent/rustbgpd/peer.md5";
    let text = config_with(&format!("password_file = \"{missing}\"\n"));
    let message = error(&text);
    assert!(
        message.starts_with(&format!(
            "t.toml:7:17: neighbors[0].password_file: cannot read {missing}: "
        )),
        "{message}"
    );
    let errors = parse(&text, "t.toml").unwrap_err();
    let kind = errors.iter().next().and_then(ConfigError::kind);
    assert!(
        matches!(kind, Some(ErrorKind::PasswordFile { path, .. }) if path.ends_with("peer.md5"))
    );
}

#[test]
fn empty_password_file_names_the_file() {
    let dir = ScratchDir::new("pw-empty");
    let key = dir.write("empty.md5", "\n");
    let text = config_with(&format!("password_file = \"{}\"\n", key.display()));
    assert_eq!(
        error(&text),
        format!(
            "t.toml:7:17: neighbors[0].password_file: TCP MD5 password read from {} is 0 bytes \
             (expected 1..=80)",
            key.display()
        )
    );
}

#[test]
fn password_and_password_file_are_mutually_exclusive() {
    let text = config_with("password = \"a\"\npassword_file = \"/etc/key\"\n");
    assert_eq!(
        error(&text),
        "t.toml:8:17: neighbors[0].password_file: `password` and `password_file` are mutually \
         exclusive"
    );
}

#[test]
fn inline_password_length() {
    let long = "x".repeat(81);
    assert_eq!(
        error(&config_with(&format!("password = \"{long}\"\n"))),
        "t.toml:7:12: neighbors[0].password: TCP MD5 password is 81 bytes (expected 1..=80)"
    );
    assert_eq!(
        error(&config_with("password = \"\"\n")),
        "t.toml:7:12: neighbors[0].password: TCP MD5 password is 0 bytes (expected 1..=80)"
    );
    let max = "x".repeat(80);
    assert!(
        ok(&config_with(&format!("password = \"{max}\"\n"))).neighbors[0]
            .password
            .is_some()
    );
}

#[test]
fn password_is_redacted_in_debug_output() {
    let config = ok(&config_with("password = \"hunter2\"\n"));
    let debug = format!("{config:?}");
    assert!(!debug.contains("hunter2") && debug.contains("Password(<redacted>)"));
}
