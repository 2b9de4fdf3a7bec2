//! `testbed`: runs **real** BGP implementations from Debian packages — GoBGP 3.10, BIRD 2.0,
//! FRR 8.4 `bgpd` and ExaBGP 4.2 — on loopback, and reads back what *their own CLIs* show.
//!
//! It serves the "real peer over loopback" test layer: a route counts as announced only when the
//! peer's CLI shows it. Nothing here is async; calls block with short sleeps, so use them directly
//! in `#[test]`s or through `spawn_blocking` from tokio tests.
//!
//! ```no_run
//! use std::time::Duration;
//! use testbed::{Family, PeerSpec, UnicastRoute, bird::Bird, gobgp::GoBgp};
//!
//! if !testbed::require("gobgpd") || !testbed::require("bird") {
//!     return;
//! }
//! let go = PeerSpec::loopback_v4(65002).unwrap();
//! let bi = PeerSpec::loopback_v4(65003).unwrap();
//! // Let BIRD dial: GoBGP 3.10 dials only after ~5 s.
//! let mut gobgp = GoBgp::start(go.clone(), &[bi.as_neighbor().passive()]).unwrap();
//! let mut bird = Bird::start(bi.clone(), &[go.as_neighbor()], &[]).unwrap();
//! gobgp.wait_established(bi.local_addr, Duration::from_secs(15)).unwrap();
//! gobgp
//!     .add_route(&UnicastRoute::new("203.0.113.0/24", "192.0.2.2".parse().unwrap()))
//!     .unwrap();
//! let routes = bird.wait_routes("master4", Duration::from_secs(5), |r| !r.is_empty()).unwrap();
//! # let _ = (routes, Family::Ipv4Unicast);
//! ```
//!
//! Every daemon gets its own `127.a.b.c` ([`addr::next_loopback_v4`]) and temp dir, and **every
//! process started is stopped on Drop** (SIGTERM, then SIGKILL, including daemonised pids from pid
//! files and child processes); set `TESTBED_KEEP=1` to keep the temp dirs (configs and logs).
//! When a test panics, each daemon's log tail is printed as it is dropped.

/// The accessors every daemon wrapper (a struct with `spec`, `daemon` and `dir` fields) has
/// alike, and its [`wait::Watched`] impl, so that its waits stop once the daemon died.
macro_rules! daemon_wrapper {
    ($wrapper:ty) => {
        impl $wrapper {
            /// Addresses, AS and port this daemon was started with.
            pub fn spec(&self) -> &$crate::spec::PeerSpec {
                &self.spec
            }

            /// Its temp dir (config, logs, sockets).
            pub fn workdir(&self) -> &std::path::Path {
                self.dir.path()
            }

            /// Pids that Drop will stop: the spawned pid, its descendants (ExaBGP's receiver) and
            /// the pid-file pid (for "nothing left running" checks and signals).
            pub fn pids(&self) -> Vec<u32> {
                self.daemon.pids()
            }

            /// Stops the daemon now (Drop does the same).
            pub fn stop(&mut self) {
                self.daemon.stop();
            }

            /// Last lines of the daemon's logs.
            pub fn log_tail(&self, lines: usize) -> String {
                self.daemon.log_tail(lines)
            }
        }

        impl $crate::wait::Watched for $wrapper {
            fn daemon(&mut self) -> &mut $crate::process::Daemon {
                &mut self.daemon
            }
        }
    };
}

pub mod addr;
pub mod attrs;
pub mod bird;
pub mod error;
pub mod exabgp;
pub mod frr;
pub mod gobgp;
pub mod process;
pub mod spec;
pub mod wait;

pub use attrs::{FlowAction, Origin, SessionState};
pub use error::{Error, Result, WaitError};
pub use spec::{Family, NeighborSpec, PeerSpec, UnicastRoute};

/// True if `binary` (a name on PATH or an absolute path) exists. Otherwise prints a loud SKIPPED
/// line and returns false, so a test can `return` early on machines without the peers.
pub fn require(binary: &str) -> bool {
    if find_binary(binary).is_some() {
        return true;
    }
    eprintln!("*** SKIPPED: {binary} not installed; run scripts/install-test-deps.sh ***");
    false
}

/// Full path of `binary` if found on PATH (or /usr/sbin), else the name unchanged.
pub(crate) fn resolve(binary: &str) -> std::path::PathBuf {
    find_binary(binary).unwrap_or_else(|| binary.into())
}

fn find_binary(binary: &str) -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(binary);
    if p.is_absolute() {
        return p.is_file().then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    // Debian puts bird/exabgp in /usr/sbin, which a non-login PATH may lack.
    let extra = std::env::split_paths("/usr/sbin:/sbin");
    std::env::split_paths(&path)
        .chain(extra)
        .map(|d| d.join(binary))
        .find(|c| c.is_file())
}

#[cfg(test)]
mod tests {
    #[test]
    fn require_finds_sh_and_skips_missing() {
        assert!(super::require("sh"));
        assert!(super::require("/bin/sh"));
        assert!(!super::require("no-such-bgp-daemon-xyz"));
    }
}
