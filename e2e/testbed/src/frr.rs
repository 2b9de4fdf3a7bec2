//! FRR 8.4 `bgpd` alone (`-Z`: no zebra; `-S`: stay root): config, start in the foreground, session
//! state and unicast RIB from JSON, FlowSpec from `show bgp ... flowspec detail` text.
//!
//! Quirks handled here: `no bgp ebgp-requires-policy` (else eBGP exchanges nothing),
//! `no bgp network import-check` (no zebra to resolve `network`), `bgp allow-martian-nexthop`
//! (127.x next hops), `disable-connected-check` (eBGP on loopback). FRR cannot originate FlowSpec.
//! The flowspec *detail* JSON is several documents back to back, so the text form is parsed.

use std::net::IpAddr;
use std::process::Command;
use std::time::Duration;

use crate::attrs::SessionState;
use crate::process::{Daemon, Workdir, run_cli, run_cli_both};
use crate::spec::{Family, NeighborSpec, PeerSpec, UnicastRoute};
use crate::wait::{Probe, established, poll_daemon};
use crate::{Error, Result};

mod config;
mod parse;

pub use config::config;
pub use parse::{
    FrrFlowRule, FrrRoute, parse_flowspec, parse_route_detail, parse_routes, parse_summary_state,
};

/// Debian's path (FRR daemons are not on PATH).
pub const BGPD: &str = "/usr/lib/frr/bgpd";
pub const VTYSH: &str = "vtysh";

/// A running FRR bgpd; stopped on Drop.
#[derive(Debug)]
pub struct Frr {
    spec: PeerSpec,
    daemon: Daemon,
    dir: Workdir,
}

impl Frr {
    /// Writes bgpd.conf (originating `routes` with `network` + route-maps), dry-runs it, starts bgpd
    /// and waits until vtysh answers on the private vty socket.
    pub fn start(
        spec: PeerSpec,
        neighbors: &[NeighborSpec],
        routes: &[UnicastRoute],
    ) -> Result<Frr> {
        let dir = Workdir::new("frr")?;
        let log = dir.file("bgpd.log");
        let conf = dir.write(
            "bgpd.conf",
            &config(&spec, neighbors, routes, &log.display().to_string()),
        )?;
        // `-C` exits 0 even when lines fail: look for its complaints (on stderr) instead.
        let args = ["-C", "-f", &conf.display().to_string(), "-Z", "-S"].map(String::from);
        let check = match run_cli_both(BGPD, &args) {
            Ok((out, err)) => format!("{out}{err}"),
            Err(e) => e.to_string(),
        };
        if ["No such command", "Unknown command", "[EC "]
            .iter()
            .any(|w| check.contains(w))
        {
            return Err(Error::Config {
                daemon: "bgpd".into(),
                output: check,
            });
        }
        let mut cmd = Command::new(crate::resolve(BGPD));
        cmd.arg("-f")
            .arg(&conf)
            .arg("-i")
            .arg(dir.file("bgpd.pid"))
            .arg("--vty_socket")
            .arg(dir.path())
            .arg("-z")
            .arg(dir.file("zserv.api"))
            .args(["-Z", "-S", "-P", "0", "-p"])
            .arg(spec.port.to_string())
            .arg("-l")
            .arg(spec.local_addr.to_string());
        let daemon = Daemon::spawn("bgpd", cmd, &dir.file("bgpd.stdout"), dir.path())?
            .with_pid_file(dir.file("bgpd.pid"))
            .with_log(log)
            .with_cleanup(dir.file("bgpd.vty"));
        let mut me = Frr { spec, daemon, dir };
        poll_daemon(
            &mut me,
            "vtysh to answer",
            Duration::from_secs(10),
            |me| match me.vtysh(&["show bgp summary json"]) {
                Ok(out) if out.trim_start().starts_with('{') => Probe::Ready(()),
                Ok(out) => Probe::Pending(out),
                Err(e) => Probe::Pending(e.to_string()),
            },
        )?;
        Ok(me)
    }

    /// `vtysh --vty_socket DIR -c CMD1 -c CMD2 ...`, returning stdout.
    pub fn vtysh(&self, commands: &[&str]) -> Result<String> {
        let mut args = vec![
            "--vty_socket".to_string(),
            self.dir.path().display().to_string(),
        ];
        for c in commands {
            args.push("-c".into());
            args.push(c.to_string());
        }
        run_cli(VTYSH, &args)
    }

    /// Session state with `addr`, from `show bgp summary json` (first family listing it).
    pub fn session_state(&self, addr: IpAddr) -> Result<SessionState> {
        parse_summary_state(&self.vtysh(&["show bgp summary json"])?, addr)
    }

    /// Polls until the session with `addr` is Established.
    pub fn wait_established(&mut self, addr: IpAddr, timeout: Duration) -> Result<()> {
        established(self, "bgpd", addr, timeout, |me| me.session_state(addr))
    }

    /// Unicast RIB from `show bgp ipv4|ipv6 unicast json` (communities are not in this JSON in
    /// FRR 8.4: use [`Frr::route`] for them).
    pub fn routes(&self, family: Family) -> Result<Vec<FrrRoute>> {
        let afi = afi_word(family);
        parse_routes(&self.vtysh(&[&format!("show bgp {afi} unicast json")])?)
    }

    /// Every path for one prefix with all attributes (communities included), from
    /// `show bgp ipv4|ipv6 unicast PREFIX json`; empty if FRR does not have it.
    pub fn route(&self, prefix: &str) -> Result<Vec<FrrRoute>> {
        let afi = if prefix.contains(':') { "ipv6" } else { "ipv4" };
        parse_route_detail(&self.vtysh(&[&format!("show bgp {afi} unicast {prefix} json")])?)
    }

    /// FlowSpec rules from `show bgp ipv4|ipv6 flowspec detail`.
    pub fn flowspec(&self, family: Family) -> Result<Vec<FrrFlowRule>> {
        let afi = afi_word(family);
        parse_flowspec(&self.vtysh(&[&format!("show bgp {afi} flowspec detail")])?)
    }

    /// Polls `f(self)` until it returns `Ok(Some(v))`.
    pub fn wait_for<T>(
        &mut self,
        what: &str,
        timeout: Duration,
        f: impl Fn(&Frr) -> Result<Option<T>>,
    ) -> Result<T> {
        poll_daemon(self, what, timeout, |me| match f(me) {
            Ok(Some(v)) => Probe::Ready(v),
            Ok(None) => Probe::Pending("condition not met".into()),
            Err(e) => Probe::Pending(e.to_string()),
        })
    }
}

daemon_wrapper!(Frr);

fn afi_word(f: Family) -> &'static str {
    if f.is_v6() { "ipv6" } else { "ipv4" }
}
