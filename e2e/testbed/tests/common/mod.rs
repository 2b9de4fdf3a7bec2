//! Shared bits of the harness's own integration tests.

use std::time::{Duration, Instant};

/// Generous bound for a session to come up (observed: 0.5-3 s when the peer dials GoBGP).
pub const SESSION: Duration = Duration::from_secs(20);
/// Bound for a route to propagate once the session is up.
pub const ROUTE: Duration = Duration::from_secs(10);

/// All binaries present, else the loud SKIPPED line (from `testbed::require`) and false.
pub fn have(binaries: &[&str]) -> bool {
    binaries.iter().all(|b| testbed::require(b))
}

/// Fails if any of `pids` is still running shortly after the daemons were dropped.
pub fn assert_all_gone(pids: &[u32]) {
    assert!(!pids.is_empty());
    let deadline = Instant::now() + Duration::from_secs(2);
    while pids.iter().any(|p| testbed::process::is_alive(*p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let alive: Vec<u32> = pids
        .iter()
        .copied()
        .filter(|p| testbed::process::is_alive(*p))
        .collect();
    assert!(alive.is_empty(), "still running after drop: {alive:?}");
}
