//! Errors the TOML parser reports (syntax, types, unknown and missing keys), unsupported
//! sections, and reading the file itself.

use std::path::Path;

use super::{GLOBAL, error, with_neighbor};
use crate::config::*;

#[test]
fn toml_syntax_error_has_line_and_column() {
    assert_eq!(
        error("[global]\nasn = 65000\nrouter_id = \"192.0.2.1\n"),
        "t.toml:3:23: invalid basic string, expected `\"`"
    );
}

#[test]
fn type_error_has_line_and_column() {
    assert_eq!(
        error("[global]\nasn = \"65000\"\nrouter_id = \"192.0.2.1\"\n"),
        "t.toml:2:7: invalid type: string \"65000\", expected i64"
    );
}

#[test]
fn unknown_keys_are_errors_everywhere() {
    let cases = [
        (
            format!("{GLOBAL}routerid = \"x\"\n"),
            "t.toml:4:1: unknown field `routerid`",
        ),
        (
            format!("{GLOBAL}[global.telemetry]\nlogformat = 1\n"),
            "t.toml:5:1: unknown field `logformat`",
        ),
        (
            format!("{GLOBAL}[global.telemetry.grpc_tcp]\nport = 1\n"),
            "t.toml:5:1: unknown field `port`",
        ),
        (
            with_neighbor("address = \"10.0.0.1\"\nremote_asn = 1\nmultihop = 2\n"),
            "t.toml:7:1: unknown field `multihop`",
        ),
        (
            format!("{GLOBAL}[extra]\n"),
            "t.toml:4:2: unknown field `extra`",
        ),
    ];
    for (text, prefix) in cases {
        let message = error(&text);
        assert!(
            message.starts_with(prefix),
            "{message:?} should start with {prefix:?}"
        );
    }
}

#[test]
fn missing_required_keys() {
    assert!(error("[global]\nasn = 1\n").contains("missing field `router_id`"));
    assert!(error("").contains("missing field `global`"));
    let no_asn = with_neighbor("address = \"10.0.0.1\"\n");
    assert_eq!(error(&no_asn), "t.toml:4:1: missing field `remote_asn`");
}

#[test]
fn unsupported_sections_are_refused_with_their_line() {
    // Column 1 is the header's `[`; for a dotted header it is the implicit table's key.
    let cases = [
        ("[rpki]\n", "5:1: rpki: `[rpki]` is not supported yet"),
        (
            "[bmp]\nsys_name = \"x\"\n",
            "5:1: bmp: `[bmp]` is not supported yet",
        ),
        ("[mrt]\n", "5:1: mrt: `[mrt]` is not supported yet"),
        (
            "[[peer_groups]]\nname = \"rs\"\n",
            "5:1: peer_groups: `[[peer_groups]]` is not supported yet",
        ),
        (
            "[global.telemetry.looking_glass]\naddr = \"0.0.0.0:8080\"\n",
            "5:1: global.telemetry.looking_glass: `[global.telemetry.looking_glass]` is not \
             supported yet",
        ),
    ];
    for (section, message) in cases {
        let text = format!("{GLOBAL}\n{section}");
        assert_eq!(error(&text), format!("t.toml:{message}"));
    }
}

#[test]
fn unsupported_sections_are_reported_with_other_errors() {
    let text = "[global]\nasn = 0\nrouter_id = \"192.0.2.1\"\n[rpki]\n";
    let errors = parse(text, "t.toml").unwrap_err();
    assert_eq!(errors.len(), 2);
    assert!(matches!(
        errors.iter().nth(1).and_then(ConfigError::kind),
        Some(ErrorKind::Unsupported("[rpki]"))
    ));
}

#[test]
fn unreadable_config_file() {
    let errors = load(Path::new("/nonexistent/rustbgpd.toml")).unwrap_err();
    let message = errors.to_string();
    assert!(
        message.starts_with("/nonexistent/rustbgpd.toml: cannot read config file: "),
        "{message}"
    );
    assert!(errors.iter().next().unwrap().location().is_none());
}
