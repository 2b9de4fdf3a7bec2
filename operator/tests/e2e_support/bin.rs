//! Where the `rustbgpd` binary is. It belongs to another package (`speaker`), so
//! `CARGO_BIN_EXE_rustbgpd` does not exist here: the binary is taken from this target dir
//! (`cargo test --workspace` builds it), or built with cargo when it is missing or older than
//! the speaker library this test was linked with. `RUSTBGPD_BIN` overrides both.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::SystemTime;

/// The path of a fresh `rustbgpd` binary (built at most once per test process).
pub fn rustbgpd() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(find_or_build).clone()
}

fn find_or_build() -> PathBuf {
    if let Some(p) = std::env::var_os("RUSTBGPD_BIN") {
        return p.into();
    }
    // This test runs as <target>/<profile>/deps/<name>-<hash>.
    let exe = std::env::current_exe().expect("current_exe");
    let deps = exe.parent().expect("deps dir");
    let profile_dir = deps.parent().expect("profile dir");
    let bin = profile_dir.join("rustbgpd");
    if modified(&bin).is_some_and(|b| newest_speaker_lib(deps).is_none_or(|l| b >= l)) {
        return bin;
    }
    build(profile_dir);
    assert!(bin.is_file(), "cargo built no {}", bin.display());
    bin
}

fn modified(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).ok()?.modified().ok()
}

/// When the newest build of the speaker library was written.
fn newest_speaker_lib(deps: &Path) -> Option<SystemTime> {
    std::fs::read_dir(deps)
        .ok()?
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libspeaker-") && name.ends_with(".rlib")
        })
        .filter_map(|e| modified(&e.path()))
        .max()
}

fn build(profile_dir: &Path) {
    let target = profile_dir.parent().expect("target dir");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["build", "-p", "speaker", "--bin", "rustbgpd"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CARGO_TARGET_DIR", target);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        cmd.arg("--release");
    }
    eprintln!("e2e: building rustbgpd: {cmd:?}");
    let status = cmd.status().expect("run cargo");
    assert!(status.success(), "cargo build of rustbgpd failed");
}
