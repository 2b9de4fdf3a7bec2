//! ExaBGP 4.2: config with a JSON receiver process, start in the foreground, and a parser for the
//! JSON lines it hands the receiver (one per UPDATE / state change).
//!
//! Quirks handled here: `exabgp_daemon_user=root` (the default user cannot write a root-owned temp
//! dir), `exabgp_api_cli=false` (no named pipes in /run/exabgp). ExaBGP's reconnect back-off grows
//! per failure, so start its peer first (or make it passive). It accepts any next hop.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::process::Command;
use std::time::Duration;

use crate::process::{Daemon, Workdir};
use crate::spec::{Family, NeighborSpec, PeerSpec};
use crate::wait::{Probe, poll_daemon};
use crate::{Error, Result};

mod parse;

pub use parse::{
    ExaAttributes, ExaEvent, ExaNlri, ExaRoute, ExaUpdate, parse_line, parse_lines, rib_of,
};

pub const EXABGP: &str = "exabgp";

/// Copies every line ExaBGP writes to its API process into received.jsonl next to it.
const RECEIVER: &str = r#"#!/usr/bin/env python3
import os, sys
out = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "received.jsonl"), "a")
for line in sys.stdin:
    out.write(line)
    out.flush()
"#;

/// A running ExaBGP; stopped on Drop (with its receiver process).
#[derive(Debug)]
pub struct ExaBgp {
    spec: PeerSpec,
    daemon: Daemon,
    dir: Workdir,
}

impl ExaBgp {
    /// Starts ExaBGP with one `neighbor` block per neighbor; `announce` is pasted into each block
    /// (e.g. `static { route 198.51.100.0/24 next-hop 192.0.2.5; }` or a `flow { route ... }` block).
    pub fn start(spec: PeerSpec, neighbors: &[NeighborSpec], announce: &str) -> Result<ExaBgp> {
        let dir = Workdir::new("exabgp")?;
        let receiver = dir.write("receiver.py", RECEIVER)?;
        dir.write("received.jsonl", "")?;
        let python = crate::resolve("python3");
        let conf = dir.write(
            "exabgp.conf",
            &config(
                &spec,
                neighbors,
                announce,
                &format!("{} {}", python.display(), receiver.display()),
            ),
        )?;
        let mut cmd = Command::new(crate::resolve(EXABGP));
        cmd.arg(&conf)
            .env("exabgp_daemon_user", "root")
            .env("exabgp_api_cli", "false")
            .env("exabgp_daemon_pid", dir.file("exabgp.pid"))
            .env("exabgp_log_destination", dir.file("exabgp.log"));
        let daemon = Daemon::spawn("exabgp", cmd, &dir.file("exabgp.stdout"), dir.path())?
            .with_pid_file(dir.file("exabgp.pid"))
            .with_log(dir.file("exabgp.log"));
        Ok(ExaBgp { spec, daemon, dir })
    }

    /// Everything received so far, in order (a partly written last line is left for next time).
    pub fn received(&self) -> Result<Vec<ExaEvent>> {
        let path = self.dir.file("received.jsonl");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::io(format!("read {}", path.display()), e))?;
        let complete = match text.rfind('\n') {
            Some(i) => &text[..=i],
            None => "",
        };
        parse_lines(complete)
    }

    /// Routes currently announced to us (announces minus later withdraws), per peer and family.
    pub fn rib(&self) -> Result<Vec<ExaRoute>> {
        Ok(rib_of(&self.received()?))
    }

    /// Polls until a neighbor-change event says the session is up (any neighbor).
    pub fn wait_state_up(&mut self, timeout: Duration) -> Result<()> {
        self.wait_received("ExaBGP neighbor state up", timeout, |events| {
            events
                .iter()
                .any(|e| matches!(e, ExaEvent::State { state, .. } if state == "up"))
        })
        .map(drop)
    }

    /// Polls `received()` until `ready` accepts it; returns the events.
    pub fn wait_received(
        &mut self,
        what: &str,
        timeout: Duration,
        ready: impl Fn(&[ExaEvent]) -> bool,
    ) -> Result<Vec<ExaEvent>> {
        poll_daemon(self, what, timeout, |me| match me.received() {
            Ok(ev) if ready(&ev) => Probe::Ready(ev),
            Ok(ev) => Probe::Pending(format!("{} events, last: {:?}", ev.len(), ev.last())),
            Err(e) => Probe::Pending(e.to_string()),
        })
    }
}

daemon_wrapper!(ExaBgp);

fn family_line(f: Family) -> &'static str {
    match f {
        Family::Ipv4Unicast => "ipv4 unicast;",
        Family::Ipv6Unicast => "ipv6 unicast;",
        Family::Ipv4FlowSpec => "ipv4 flow;",
        Family::Ipv6FlowSpec => "ipv6 flow;",
    }
}

/// exabgp.conf: a JSON `receiver` process and one neighbor block per neighbor.
pub fn config(spec: &PeerSpec, neighbors: &[NeighborSpec], announce: &str, run: &str) -> String {
    let mut s = format!("process receiver {{\n    run {run};\n    encoder json;\n}}\n");
    for n in neighbors {
        let _ = writeln!(s, "neighbor {} {{", n.addr);
        let _ = writeln!(
            s,
            "    router-id {};\n    local-address {};\n    local-as {};\n    peer-as {};",
            spec.router_id, spec.local_addr, spec.local_as, n.remote_as
        );
        if n.passive {
            let _ = writeln!(s, "    passive true;\n    listen {};", spec.port);
        } else {
            let _ = writeln!(s, "    connect {};", n.port);
        }
        if let Some(pw) = &n.md5 {
            let _ = writeln!(s, "    md5-password \"{pw}\";");
        }
        s.push_str("    hold-time 9;\n    family {\n");
        for f in &n.families {
            let _ = writeln!(s, "        {}", family_line(*f));
        }
        s.push_str(
            "    }\n    api {\n        processes [ receiver ];\n        neighbor-changes;\n",
        );
        s.push_str("        receive { parsed; update; }\n    }\n");
        for l in announce.lines() {
            let _ = writeln!(s, "    {l}");
        }
        s.push_str("}\n");
    }
    s
}

/// The peer address of an event (for filtering by neighbor).
pub fn peer_of(e: &ExaEvent) -> Option<IpAddr> {
    match e {
        ExaEvent::State { peer, .. } => Some(*peer),
        ExaEvent::Update(u) => Some(u.peer),
        ExaEvent::Other(_) => None,
    }
}
