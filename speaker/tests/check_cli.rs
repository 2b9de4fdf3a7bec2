//! Runs the built `rustbgpd` binary: `--check` on good and bad files, exit codes, output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rustbgpd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rustbgpd"))
        .args(args)
        .output()
        .expect("run rustbgpd")
}

fn example(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .join("config.toml");
    path.to_string_lossy().into_owned()
}

/// Writes `contents` to a per-test file in the temp dir.
fn scratch(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("check-cli-{}-{name}.toml", std::process::id()));
    std::fs::write(&path, contents).expect("write scratch config");
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_accepts_a_good_config() {
    let path = example("ddos-mitigation");
    let out = rustbgpd(&["--check", &path]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{path}: OK (2 neighbors)\n"));
    assert!(out.stderr.is_empty());
}

#[test]
fn check_prints_every_error_and_exits_1() {
    let path = scratch(
        "bad",
        "[global]\nasn = 23456\nrouter_id = \"192.0.2.1\"\n\n[[neighbors]]\n\
         address = \"10.0.0.1\"\nremote_asn = 65001\nfamilies = [\"ipv4_flow\"]\nhold_time = 2\n",
    );
    let out = rustbgpd(&["--check", path.to_str().expect("utf-8 temp path")]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    let p = path.display();
    assert_eq!(
        lines,
        [
            format!(
                "{p}:2:7: global.asn: AS 23456 (AS_TRANS, RFC 6793) cannot be configured as a real AS"
            ),
            format!(
                "{p}:8:13: neighbors[0].families: unknown family \"ipv4_flow\" (expected one of \
                 ipv4_unicast, ipv6_unicast, ipv4_flowspec, ipv6_flowspec)"
            ),
            format!(
                "{p}:9:13: neighbors[0].hold_time: hold time 2 is invalid (expected 0 or \
                 3..=65535, RFC 4271 §4.2)"
            ),
        ]
    );
}

#[test]
fn check_reports_syntax_errors_with_line() {
    let path = scratch(
        "syntax",
        "[global]\nasn = 65000\nrouter_id = \"192.0.2.1\"\nbogus = 1\n",
    );
    let out = rustbgpd(&["--check", path.to_str().expect("utf-8 temp path")]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!("{}:4:1: unknown field `bogus`", path.display())),
        "{stderr}"
    );
}

#[test]
fn check_refuses_unsupported_sections() {
    let out = rustbgpd(&["--check", &example("route-collector")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(":24:1: rpki: `[rpki]` is not supported yet"),
        "{stderr}"
    );
    // [rpki], [mrt], [bmp], looking_glass: [policy] is supported.
    assert_eq!(stderr.lines().count(), 4, "{stderr}");
    assert!(!stderr.contains("policy"), "{stderr}");
}

#[test]
fn check_reports_policy_errors_with_their_line() {
    let path = scratch(
        "policy",
        "[global]\nasn = 65534\nrouter_id = \"192.0.2.1\"\n[policy]\n[[policy.export]]\n\
         action = \"deny\"\nprefix = \"0.0.0.0/0\"\nge = 24\nle = 8\n",
    );
    let out = rustbgpd(&["--check", path.to_str().expect("utf-8 temp path")]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "{}:9:6: policy.export[0].le: le 8 is smaller than ge 24\n",
            path.display()
        )
    );
}

#[test]
fn check_reports_a_missing_file() {
    let out = rustbgpd(&["--check", "/nonexistent/rustbgpd.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("/nonexistent/rustbgpd.toml: cannot read config file"));
}

#[test]
fn plain_run_starts_the_daemon_and_sigterm_stops_it_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("grpc.sock");
    let cfg = dir.path().join("rustbgpd.toml");
    std::fs::write(
        &cfg,
        format!(
            "[global]\nasn = 65000\nrouter_id = \"192.0.2.1\"\nlisten_port = 0\n\
             [global.telemetry]\ngrpc_uds_path = \"{}\"\n",
            sock.display()
        ),
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rustbgpd"))
        .arg(&cfg)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The gRPC socket appears once the daemon is up.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !sock.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(sock.exists(), "daemon did not bind its gRPC socket");
    // SAFETY: plain kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("rustbgpd: AS65000 router-id 192.0.2.1, not listening, 0 neighbors"),
        "{err}"
    );
    assert!(err.contains("rustbgpd stopped"), "{err}");
}

#[test]
fn help_describes_check_and_a_missing_config_is_a_usage_error() {
    let help = rustbgpd(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("--check"));
    let usage = rustbgpd(&[]);
    assert_eq!(usage.status.code(), Some(2));
}
