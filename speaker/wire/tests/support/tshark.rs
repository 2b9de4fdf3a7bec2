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
    dissect_allowing(name, messages, &[])
}

/// Like [`dissect`], but expert infos whose text contains one of `allowed` (with the detail
/// lines indented below them) are not counted: for the few places where the dissector itself
/// disagrees with the RFCs and the caller documents why. Each allowed text must occur in at
/// least one expert info, so a stale allowance is noticed.
pub fn dissect_allowing(name: &str, messages: &[Vec<u8>], allowed: &[&str]) -> String {
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
    let judged = without_allowed_experts(&text, allowed);
    for bad in ["Malformed", "[Expert Info (Error", "[Expert Info (Warning"] {
        assert!(!judged.contains(bad), "tshark flags {name}: {bad}\n{text}");
    }
    for a in allowed {
        assert!(
            text.lines()
                .any(|l| l.contains("[Expert Info") && l.contains(a)),
            "allowed expert info {a:?} never occurs for {name}; drop the allowance\n{text}"
        );
    }
    let _ = std::fs::remove_file(&path);
    text
}

fn scratch_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("bgp-wire-{}-{name}.pcap", std::process::id()))
}

/// The text without the expert-info blocks (header line and deeper-indented details) that
/// mention one of `allowed`.
fn without_allowed_experts(text: &str, allowed: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut skip_deeper_than: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(level) = skip_deeper_than {
            if indent > level {
                continue;
            }
            skip_deeper_than = None;
        }
        if line.contains("[Expert Info") && allowed.iter().any(|a| line.contains(a)) {
            skip_deeper_than = Some(indent);
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
