//! Loopback address and port allocation.
//!
//! Every daemon instance gets its own `127.a.b.c` so that fixed ports never clash between tests
//! running in parallel threads or in several test binaries at once. `a.b` come from the process id,
//! `c` from a per-process counter; `127.0.x.x` (and so 127.0.0.1) is never handed out, because other
//! tools and hand-run labs use it. IPv6 transport only has `::1`: there, uniqueness is in the port.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener};
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh `127.a.b.c` for this process: `a` in 1..=254, `c` in 1..=254 (wraps after 254 calls).
pub fn next_loopback_v4() -> Ipv4Addr {
    let pid = std::process::id();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    loopback_for(pid, n)
}

fn loopback_for(pid: u32, n: u32) -> Ipv4Addr {
    // 254 * 256 distinct (a, b) pairs: pids below 65024 never share a prefix.
    let a = 1 + ((pid >> 8) % 254) as u8;
    let b = (pid & 0xff) as u8;
    let c = 1 + (n % 254) as u8;
    Ipv4Addr::new(127, a, b, c)
}

/// The IPv6 loopback, the only IPv6 transport address there is.
pub const LOOPBACK_V6: Ipv6Addr = Ipv6Addr::LOCALHOST;

/// A TCP port that is free on `ip` right now (bind port 0, read it, release it).
///
/// Racy by nature, but each daemon has its own address, so only ::1 users can collide.
pub fn free_port(ip: IpAddr) -> crate::Result<u16> {
    let listener = TcpListener::bind((ip, 0))
        .map_err(|e| crate::Error::io(format!("bind {ip}:0 to find a free port"), e))?;
    let port = listener
        .local_addr()
        .map_err(|e| crate::Error::io("local_addr of probe listener", e))?
        .port();
    Ok(port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_127_0_and_never_zero_or_broadcast_host() {
        for pid in [0, 1, 255, 256, 65_023, 65_024, 4_194_303] {
            for n in [0, 1, 253, 254, 1000] {
                let ip = loopback_for(pid, n);
                let o = ip.octets();
                assert_eq!(o[0], 127);
                assert!(o[1] >= 1 && o[1] <= 254, "{ip}");
                assert!(o[3] >= 1 && o[3] <= 254, "{ip}");
            }
        }
    }

    #[test]
    fn successive_addresses_differ_and_are_bindable() {
        let a = next_loopback_v4();
        let b = next_loopback_v4();
        assert_ne!(a, b);
        assert!(free_port(IpAddr::V4(a)).unwrap() > 0);
        assert!(free_port(IpAddr::V6(LOOPBACK_V6)).unwrap() > 0);
    }
}
