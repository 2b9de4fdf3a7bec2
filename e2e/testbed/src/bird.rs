//! BIRD 2.0 (`bird` + `birdc`): config with flow4/flow6 tables, start in the foreground, session
//! state, and parsers for `birdc show route ... all` (BIRD 2.0 has no JSON output).
//!
//! Quirks handled here: eBGP on loopback needs `multihop`; `strict bind on` or BIRD listens on the
//! wildcard; IPv6 routes over an IPv4 session (and the reverse) need `next hop address`; MED is
//! only sent over eBGP when set in the export filter, so originated attributes are set there.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::process::Command;
use std::time::Duration;

use crate::attrs::{FlowAction, Origin, SessionState};
use crate::process::{Daemon, Workdir, run_cli};
use crate::spec::{Family, NeighborSpec, PeerSpec, UnicastRoute};
use crate::wait::{Probe, accept, established, poll_daemon};
use crate::{Error, Result};

pub const BIRD: &str = "bird";
pub const BIRDC: &str = "birdc";

/// The FlowSpec tables of the generated config.
pub const FLOW4_TABLE: &str = "flowtab4";
pub const FLOW6_TABLE: &str = "flowtab6";

/// A FlowSpec rule for BIRD to originate from a static protocol.
#[derive(Clone, Debug, PartialEq)]
pub struct BirdFlow {
    /// Body in BIRD syntax, e.g. `dst 203.0.113.0/24; proto = 17; dport = 53;`.
    pub rule: String,
    pub v6: bool,
    pub actions: Vec<FlowAction>,
}

/// A running BIRD; stopped on Drop.
#[derive(Debug)]
pub struct Bird {
    spec: PeerSpec,
    neighbors: Vec<NeighborSpec>,
    routes: Vec<UnicastRoute>,
    flows: Vec<BirdFlow>,
    daemon: Daemon,
    dir: Workdir,
}

impl Bird {
    /// Writes the config (originating `routes`), checks it with `bird -p`, starts BIRD and waits
    /// until `birdc` answers.
    pub fn start(
        spec: PeerSpec,
        neighbors: &[NeighborSpec],
        routes: &[UnicastRoute],
    ) -> Result<Bird> {
        let dir = Workdir::new("bird")?;
        let log = dir.file("bird.log");
        let text = config(&spec, neighbors, routes, &[], &log.display().to_string());
        let conf = dir.write("bird.conf", &text)?;
        check_config(&conf.display().to_string())?;
        let mut cmd = Command::new(crate::resolve(BIRD));
        cmd.arg("-f")
            .arg("-c")
            .arg(&conf)
            .arg("-s")
            .arg(dir.file("bird.ctl"))
            .arg("-P")
            .arg(dir.file("bird.pid"));
        let daemon = Daemon::spawn("bird", cmd, &dir.file("bird.stdout"), dir.path())?
            .with_pid_file(dir.file("bird.pid"))
            .with_log(log)
            .with_cleanup(dir.file("bird.ctl"));
        let mut me = Bird {
            spec,
            neighbors: neighbors.to_vec(),
            routes: routes.to_vec(),
            flows: Vec::new(),
            daemon,
            dir,
        };
        poll_daemon(
            &mut me,
            "birdc to answer",
            Duration::from_secs(10),
            |me| match me.birdc(&["show", "status"]) {
                Ok(out) if out.contains("Daemon is up") => Probe::Ready(()),
                Ok(out) => Probe::Pending(out),
                Err(e) => Probe::Pending(e.to_string()),
            },
        )?;
        Ok(me)
    }

    /// `birdc -s CTL <args>`, returning stdout.
    pub fn birdc(&self, args: &[&str]) -> Result<String> {
        let mut all = vec![
            "-s".to_string(),
            self.dir.file("bird.ctl").display().to_string(),
        ];
        all.extend(args.iter().map(|s| s.to_string()));
        run_cli(BIRDC, &all)
    }

    /// The `protocol bgp` name the config gives the session with `addr`.
    pub fn protocol_name(&self, addr: IpAddr) -> Option<String> {
        let i = self.neighbors.iter().position(|n| n.addr == addr)?;
        Some(protocol_name(i))
    }

    /// BGP state of the session with `addr`, from `birdc show protocols NAME`.
    pub fn session_state(&self, addr: IpAddr) -> Result<SessionState> {
        let name = self
            .protocol_name(addr)
            .ok_or_else(|| Error::parse("bird neighbor (not configured)", addr.to_string()))?;
        let out = self.birdc(&["show", "protocols", &name])?;
        parse_protocol_state(&out, &name)
    }

    /// Polls until the session with `addr` is Established.
    pub fn wait_established(&mut self, addr: IpAddr, timeout: Duration) -> Result<()> {
        established(self, "bird", addr, timeout, |me| me.session_state(addr))
    }

    /// All routes of a table (`master4`, `master6`, `flowtab4`, `flowtab6`), parsed.
    pub fn routes(&self, table: &str) -> Result<Vec<BirdRoute>> {
        parse_routes(&self.birdc(&["show", "route", "table", table, "all"])?)
    }

    /// FlowSpec routes of `flowtab4` (`ip_version` 4) or `flowtab6` (6).
    pub fn flow_routes(&self, ip_version: u8) -> Result<Vec<BirdRoute>> {
        self.routes(if ip_version == 6 {
            FLOW6_TABLE
        } else {
            FLOW4_TABLE
        })
    }

    /// Polls `routes(table)` until `ready` accepts them; returns them.
    pub fn wait_routes(
        &mut self,
        table: &str,
        timeout: Duration,
        ready: impl Fn(&[BirdRoute]) -> bool,
    ) -> Result<Vec<BirdRoute>> {
        let what = format!("bird table {table} to match");
        poll_daemon(self, &what, timeout, |me| {
            accept(me.routes(table), |r| ready(r))
        })
    }

    /// Adds routes and FlowSpec rules to originate: rewrites the config and runs `birdc configure`.
    pub fn originate(&mut self, routes: &[UnicastRoute], flows: &[BirdFlow]) -> Result<()> {
        self.routes.extend_from_slice(routes);
        self.flows.extend_from_slice(flows);
        let log = self.dir.file("bird.log").display().to_string();
        let text = config(&self.spec, &self.neighbors, &self.routes, &self.flows, &log);
        let conf = self.dir.write("bird.conf", &text)?;
        check_config(&conf.display().to_string())?;
        let out = self.birdc(&["configure"])?;
        if out.contains("Reconfigured") || out.contains("Reconfiguration in progress") {
            Ok(())
        } else {
            Err(Error::Config {
                daemon: "bird".into(),
                output: out,
            })
        }
    }
}

daemon_wrapper!(Bird);

fn check_config(conf: &str) -> Result<()> {
    run_cli(BIRD, &["-p".into(), "-c".into(), conf.into()])
        .map(drop)
        .map_err(|e| Error::Config {
            daemon: "bird".into(),
            output: e.to_string(),
        })
}

fn protocol_name(i: usize) -> String {
    format!("peer{}", i + 1)
}

mod config;
mod parse;

pub use config::config;
pub use parse::{BirdRoute, parse_protocol_state, parse_routes};

/// BIRD's channel keyword for a family.
fn channel(f: Family) -> &'static str {
    match f {
        Family::Ipv4Unicast => "ipv4",
        Family::Ipv6Unicast => "ipv6",
        Family::Ipv4FlowSpec => "flow4",
        Family::Ipv6FlowSpec => "flow6",
    }
}

fn origin_const(o: Origin) -> &'static str {
    match o {
        Origin::Igp => "ORIGIN_IGP",
        Origin::Egp => "ORIGIN_EGP",
        Origin::Incomplete => "ORIGIN_INCOMPLETE",
    }
}

/// `bgp_ext_community.add((generic, 0xHI, 0xLO));` for an action.
fn ext_add(a: FlowAction) -> String {
    let raw = a.to_raw();
    let mut s = String::new();
    let _ = write!(
        s,
        "bgp_ext_community.add((generic, {:#x}, {:#x}));",
        raw >> 32,
        raw & 0xffff_ffff
    );
    s
}
