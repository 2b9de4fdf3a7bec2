//! GoBGP 3.10 (`gobgpd` + `gobgp` CLI): config, start, session state, RIB and adj-in as typed routes,
//! route and FlowSpec injection through the CLI.
//!
//! Quirks handled here: the gRPC API listens on its own fresh loopback address (`--api-hosts`), pprof
//! is disabled (two instances would clash on :6060), and GoBGP 3.10 dials only after ~5 s, so give the
//! *peer* side the dialling role and mark it `passive` here for fast tests.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::attrs::SessionState;
use crate::process::{Daemon, Workdir, run_cli};
use crate::spec::{Family, NeighborSpec, PeerSpec, UnicastRoute};
use crate::wait::{Probe, accept, established, poll_daemon};
use crate::{Error, Result, addr};

/// Binary names, for [`crate::require`].
mod parse;

pub use parse::{GoExtCommunity, GoFlowComponent, GoRoute, parse_rib};
use parse::{neighbor_state_in, parse_json};

pub const GOBGPD: &str = "gobgpd";
pub const GOBGP: &str = "gobgp";

/// A running gobgpd; stopped on Drop.
#[derive(Debug)]
pub struct GoBgp {
    spec: PeerSpec,
    api: (IpAddr, u16),
    // Declared before `dir`: the daemon must die before its temp dir goes.
    daemon: Daemon,
    dir: Workdir,
}

impl GoBgp {
    /// Writes the config, checks it with `gobgpd -d`, starts gobgpd and waits until its API answers.
    pub fn start(spec: PeerSpec, neighbors: &[NeighborSpec]) -> Result<GoBgp> {
        let dir = Workdir::new("gobgp")?;
        let cfg = dir.write("gobgpd.toml", &config(&spec, neighbors))?;
        let cfg_s = cfg.display().to_string();
        run_cli(GOBGPD, &["-d".into(), "-f".into(), cfg_s.clone()]).map_err(|e| Error::Config {
            daemon: "gobgpd".into(),
            output: e.to_string(),
        })?;
        let api_ip = IpAddr::V4(addr::next_loopback_v4());
        let api = (api_ip, addr::free_port(api_ip)?);
        let mut cmd = Command::new(crate::resolve(GOBGPD));
        cmd.args(["-f", &cfg_s, "-p", "--pprof-disable", "--api-hosts"])
            .arg(format!("{}:{}", api.0, api.1));
        let daemon = Daemon::spawn("gobgpd", cmd, &dir.file("gobgpd.log"), dir.path())?;
        let mut me = GoBgp {
            spec,
            api,
            daemon,
            dir,
        };
        me.wait_api(Duration::from_secs(10))?;
        Ok(me)
    }

    fn wait_api(&mut self, timeout: Duration) -> Result<()> {
        poll_daemon(self, "gobgpd API to answer", timeout, |me| {
            match me.raw_cli(&["global"]) {
                Ok(_) => Probe::Ready(()),
                Err(e) => Probe::Pending(e.to_string()),
            }
        })
    }

    /// The gRPC API address given to `--api-hosts` (and to `gobgp -u/-p`).
    pub fn api_addr(&self) -> (IpAddr, u16) {
        self.api
    }

    /// Escape hatch: `gobgp -u API -p PORT <args>`, returning stdout.
    pub fn raw_cli(&self, args: &[&str]) -> Result<String> {
        let mut all = vec![
            "-u".to_string(),
            self.api.0.to_string(),
            "-p".to_string(),
            self.api.1.to_string(),
        ];
        all.extend(args.iter().map(|s| s.to_string()));
        run_cli(GOBGP, &all)
    }

    fn json(&self, args: &[&str]) -> Result<Value> {
        let mut all = vec!["-j"];
        all.extend_from_slice(args);
        let out = self.raw_cli(&all)?;
        let v = parse_json(&format!("gobgp {}", args.join(" ")), &out)?;
        // The CLI reports API failures as `{"error": "..."}`, sometimes with exit status 0.
        if let Some(msg) = v.get("error").and_then(Value::as_str) {
            return Err(Error::Command {
                command: format!("gobgp -j {}", args.join(" ")),
                status: "error reply".into(),
                output: msg.to_string(),
            });
        }
        Ok(v)
    }

    /// FSM state of one neighbor, from `gobgp -j neighbor`.
    pub fn neighbor_state(&self, neighbor: IpAddr) -> Result<SessionState> {
        let v = self.json(&["neighbor"])?;
        neighbor_state_in(&v, neighbor)
    }

    /// Polls until the session with `neighbor` is Established.
    pub fn wait_established(&mut self, neighbor: IpAddr, timeout: Duration) -> Result<()> {
        established(self, "gobgpd", neighbor, timeout, |me| {
            me.neighbor_state(neighbor)
        })
    }

    /// The global (Loc-)RIB of one family, from `gobgp -j global rib -a FAMILY`.
    pub fn rib(&self, family: Family) -> Result<Vec<GoRoute>> {
        let v = self.json(&["global", "rib", "-a", family_word(family)])?;
        parse_rib(&v)
    }

    /// Polls `rib(family)` until `ready` accepts it; returns the routes.
    pub fn wait_rib(
        &mut self,
        family: Family,
        timeout: Duration,
        ready: impl Fn(&[GoRoute]) -> bool,
    ) -> Result<Vec<GoRoute>> {
        let what = format!("gobgp {} RIB to match", family_word(family));
        poll_daemon(self, &what, timeout, |me| {
            accept(me.rib(family), |r| ready(r))
        })
    }

    /// What `neighbor` sent us (Adj-RIB-In), from `gobgp -j neighbor ADDR adj-in -a FAMILY`.
    pub fn adj_in(&self, neighbor: IpAddr, family: Family) -> Result<Vec<GoRoute>> {
        let n = neighbor.to_string();
        let v = self.json(&["neighbor", &n, "adj-in", "-a", family_word(family)])?;
        parse_rib(&v)
    }

    /// What we send to `neighbor` (Adj-RIB-Out).
    pub fn adj_out(&self, neighbor: IpAddr, family: Family) -> Result<Vec<GoRoute>> {
        let n = neighbor.to_string();
        let v = self.json(&["neighbor", &n, "adj-out", "-a", family_word(family)])?;
        parse_rib(&v)
    }

    /// `gobgp global rib -a ipv4|ipv6 add PREFIX nexthop ... [aspath ...] [med ...] ...`.
    pub fn add_route(&self, route: &UnicastRoute) -> Result<()> {
        let fam = if route.is_v6() { "ipv6" } else { "ipv4" };
        let mut args: Vec<String> = ["global", "rib", "-a", fam, "add"]
            .map(String::from)
            .to_vec();
        args.extend(route_args(route));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.raw_cli(&refs).map(drop)
    }

    /// Withdraws a route added with [`GoBgp::add_route`].
    pub fn del_route(&self, route: &UnicastRoute) -> Result<()> {
        let fam = if route.is_v6() { "ipv6" } else { "ipv4" };
        self.raw_cli(&["global", "rib", "-a", fam, "del", &route.prefix])
            .map(drop)
    }

    /// Adds a FlowSpec rule written in gobgp's grammar, e.g.
    /// `match destination 192.0.2.0/24 protocol tcp destination-port ==80 then rate-limit 1000`
    /// (no shell quoting: the line is split on whitespace).
    pub fn add_flowspec(&self, family: Family, rule: &str) -> Result<()> {
        self.flowspec_cmd(family, "add", rule)
    }

    /// Withdraws a FlowSpec rule (same line as for `add_flowspec`).
    pub fn del_flowspec(&self, family: Family, rule: &str) -> Result<()> {
        self.flowspec_cmd(family, "del", rule)
    }

    fn flowspec_cmd(&self, family: Family, verb: &str, rule: &str) -> Result<()> {
        let mut args = vec!["global", "rib", "-a", family_word(family), verb];
        args.extend(rule.split_whitespace());
        self.raw_cli(&args).map(drop)
    }
}

daemon_wrapper!(GoBgp);

/// gobgp's name for a family (`-a` and `afi-safi-name` without the `-` form).
pub fn family_word(f: Family) -> &'static str {
    match f {
        Family::Ipv4Unicast => "ipv4",
        Family::Ipv6Unicast => "ipv6",
        Family::Ipv4FlowSpec => "ipv4-flowspec",
        Family::Ipv6FlowSpec => "ipv6-flowspec",
    }
}

fn afi_safi_name(f: Family) -> &'static str {
    match f {
        Family::Ipv4Unicast => "ipv4-unicast",
        Family::Ipv6Unicast => "ipv6-unicast",
        Family::Ipv4FlowSpec => "ipv4-flowspec",
        Family::Ipv6FlowSpec => "ipv6-flowspec",
    }
}

fn route_args(r: &UnicastRoute) -> Vec<String> {
    let mut a = vec![r.prefix.clone(), "nexthop".into(), r.next_hop.to_string()];
    if !r.as_path.is_empty() {
        let path: Vec<String> = r.as_path.iter().map(u32::to_string).collect();
        a.extend(["aspath".into(), path.join(",")]);
    }
    if let Some(o) = r.origin {
        a.extend(["origin".into(), o.gobgp_word().into()]);
    }
    if let Some(m) = r.med {
        a.extend(["med".into(), m.to_string()]);
    }
    if let Some(lp) = r.local_pref {
        a.extend(["local-pref".into(), lp.to_string()]);
    }
    if !r.communities.is_empty() {
        let c: Vec<String> = r
            .communities
            .iter()
            .map(|(x, y)| format!("{x}:{y}"))
            .collect();
        a.extend(["community".into(), c.join(",")]);
    }
    if !r.large_communities.is_empty() {
        let c: Vec<String> = r
            .large_communities
            .iter()
            .map(|(x, y, z)| format!("{x}:{y}:{z}"))
            .collect();
        a.extend(["large-community".into(), c.join(",")]);
    }
    a
}

/// gobgpd.toml for `spec` with one `[[neighbors]]` per neighbor; fast timers.
pub fn config(spec: &PeerSpec, neighbors: &[NeighborSpec]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "[global.config]\n  as = {}\n  router-id = \"{}\"\n  port = {}\n  local-address-list = [\"{}\"]\n",
        spec.local_as, spec.router_id, spec.port, spec.local_addr
    );
    for n in neighbors {
        let _ = writeln!(
            s,
            "[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"{}\"\n    peer-as = {}",
            n.addr, n.remote_as
        );
        if let Some(pw) = &n.md5 {
            let _ = writeln!(s, "    auth-password = \"{pw}\"");
        }
        let _ = writeln!(
            s,
            "  [neighbors.transport.config]\n    local-address = \"{}\"\n    remote-port = {}\n    passive-mode = {}",
            spec.local_addr, n.port, n.passive
        );
        // connect-retry is clamped to >= 5 s by GoBGP 3.10 anyway; the rest makes failures recover fast.
        s.push_str(
            "  [neighbors.timers.config]\n    connect-retry = 1\n    hold-time = 9\n    keepalive-interval = 3\n    idle-hold-time-after-reset = 1\n",
        );
        for f in &n.families {
            let _ = writeln!(
                s,
                "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = \"{}\"",
                afi_safi_name(*f)
            );
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests;
