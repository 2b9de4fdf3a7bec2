//! Runs Wireshark's command-line dissector over messages we encoded. tshark is an independent
//! BGP implementation: if it flags a message as malformed, our encoder is wrong.

use std::path::PathBuf;
use std::process::Command;

use super::pcap::pcap_of;

/// `None` (after a loud message) when tshark is not installed; the test then cannot judge.
pub fn tshark_available() -> bool {
    let ok = Command::new("tshark").arg("--version").output().is_ok();
    if !ok {
        eprintln!("\n*** SKIPPED: tshark is not installed; run scripts/install-test-deps.sh ***\n");
    }
    ok
}

/// Dissects the messages with `tshark -V` and returns the text, after asserting that tshark
/// reported no malformed packet and no expert warning or error.
pub fn dissect(name: &str, messages: &[Vec<u8>]) -> String {
    let path = scratch_path(name);
    std::fs::write(&path, pcap_of(messages)).expect("write pcap");
    let out = Command::new("tshark")
        .args(["-n", "-V", "-r"])
        .arg(&path)
        .args([
            "-d",
            "tcp.port==179,bgp",
            "-o",
            "tcp.desegment_tcp_streams:TRUE",
        ])
        .output()
        .expect("run tshark");
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    for bad in ["Malformed", "[Expert Info (Error", "[Expert Info (Warning"] {
        assert!(!text.contains(bad), "tshark flags {name}: {bad}\n{text}");
    }
    let _ = std::fs::remove_file(&path);
    text
}

fn scratch_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("bgp-wire-{}-{name}.pcap", std::process::id()))
}
