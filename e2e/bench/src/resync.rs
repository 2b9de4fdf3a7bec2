//! The receiver's floor: the injecting speaker already holds the whole workload; its session
//! to the receiver is disabled and enabled again, and the time runs from the moment the
//! receiver sees the session Established until it has accepted everything (the initial table
//! sync). The speaker has no API work left, only encoding and sending, so this is about as fast
//! as the receiver can take the table in: no injection can reach the receiver sooner.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::BoxError;
use crate::process;
use crate::receiver::{Receiver, SAFI_FLOWSPEC, SAFI_UNICAST};

const TIMEOUT: Duration = Duration::from_secs(120);

/// What one resync took.
pub struct Resync {
    /// From Established (as the receiver reports it) until it accepted all routes and rules.
    pub until_received: Duration,
    /// CPU seconds of the injecting speaker and of the receiver over that time.
    pub cpu_injector: Option<f64>,
    pub cpu_receiver: Option<f64>,
    /// UPDATE messages the receiver got on the new session (gobgpd's counters span sessions).
    pub updates: Option<u64>,
}

/// Bounces the session with `disable` and `enable` (the speaker's own API calls) and times
/// the table sync of `want` = (routes, rules).
pub async fn measure<D, E>(
    rx: &mut Receiver,
    neighbor: IpAddr,
    injector_pid: u32,
    want: (u64, u64),
    disable: D,
    enable: E,
) -> Result<Resync, BoxError>
where
    D: Future<Output = Result<(), BoxError>>,
    E: Future<Output = Result<(), BoxError>>,
{
    disable.await?;
    wait_until(
        rx,
        neighbor,
        "the session down and the routes gone",
        |n, up| !up && n == 0,
    )
    .await?;
    let updates0 = rx.updates(neighbor).await.ok();
    enable.await?;
    // Session state comes from ListPeer, which is cheap while the table is empty.
    let started = Instant::now();
    loop {
        if rx.accepted(neighbor, SAFI_UNICAST).await?.1 {
            break;
        }
        if started.elapsed() > TIMEOUT {
            return Err("the session did not come back after enabling it".into());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let t0 = Instant::now();
    let rx_pid = rx.go.pids().first().copied().unwrap_or(0);
    let cpu0 = (process::cpu_secs(injector_pid), process::cpu_secs(rx_pid));
    let routes = rx
        .wait_count(neighbor, SAFI_UNICAST, want.0, t0, TIMEOUT)
        .await?;
    let rules = rx
        .wait_count(neighbor, SAFI_FLOWSPEC, want.1, t0, TIMEOUT)
        .await?;
    let used = |before: Option<f64>, pid| Some(process::cpu_secs(pid)? - before?);
    let updates1 = rx.updates(neighbor).await.ok();
    Ok(Resync {
        updates: updates1.zip(updates0).map(|(a, b)| a.saturating_sub(b)),
        until_received: routes.max(rules),
        cpu_injector: used(cpu0.0, injector_pid),
        cpu_receiver: used(cpu0.1, rx_pid),
    })
}

async fn wait_until(
    rx: &mut Receiver,
    neighbor: IpAddr,
    what: &str,
    ok: impl Fn(u64, bool) -> bool,
) -> Result<(), BoxError> {
    let start = Instant::now();
    loop {
        let (n, up) = rx.accepted(neighbor, SAFI_UNICAST).await?;
        if ok(n, up) {
            return Ok(());
        }
        if start.elapsed() > TIMEOUT {
            return Err(format!("waited {TIMEOUT:?} for {what}: {n} routes, up {up}").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
