//! The receiving gobgpd: started with `testbed`, passive towards the injecting speaker, and
//! asked how many routes of a family it has *accepted* from that neighbor (its per-neighbor
//! Adj-RIB-In counter: far cheaper to poll than dumping 100k routes).
//!
//! With GoBGP's API compiled in (cfg `gobgp_api`) the counter is read over gRPC (`ListPeer`);
//! otherwise through `gobgp -j neighbor ADDR`.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use testbed::gobgp::GoBgp;
use testbed::{Family, PeerSpec};

use crate::BoxError;

pub const SAFI_UNICAST: u32 = 1;

/// Poll interval in ms: `INJECT_BENCH_POLL_MS`, default 20. Each poll makes gobgpd count
/// its Adj-RIB-In, so polling is not free for the receiver.
pub fn poll_ms() -> u64 {
    std::env::var("INJECT_BENCH_POLL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&ms| ms > 0)
        .unwrap_or(20)
}
pub const SAFI_FLOWSPEC: u32 = 133;

pub struct Receiver {
    pub spec: PeerSpec,
    // Declared first: dropped (stopped) before anything else of ours.
    pub go: GoBgp,
    #[cfg(gobgp_api)]
    api: crate::gobgp_api::Client,
}

impl Receiver {
    /// Starts a receiver that waits for `injector` to dial it.
    pub async fn start(injector: &PeerSpec) -> Result<Receiver, BoxError> {
        let spec = PeerSpec::loopback_v4(65002)?;
        let neighbor = injector
            .as_neighbor()
            .passive()
            .families(&[Family::Ipv4Unicast, Family::Ipv4FlowSpec]);
        let s = spec.clone();
        let go = tokio::task::spawn_blocking(move || GoBgp::start(s, &[neighbor])).await??;
        #[cfg(gobgp_api)]
        let api = crate::gobgp_api::connect(go.api_addr()).await?;
        Ok(Receiver {
            spec,
            go,
            #[cfg(gobgp_api)]
            api,
        })
    }

    /// Routes of (AFI 1, `safi`) accepted from `neighbor`, and whether the session is up.
    pub async fn accepted(&mut self, neighbor: IpAddr, safi: u32) -> Result<(u64, bool), BoxError> {
        #[cfg(gobgp_api)]
        {
            crate::gobgp_api::accepted(&mut self.api, neighbor, safi).await
        }
        #[cfg(not(gobgp_api))]
        {
            let out = tokio::task::block_in_place(|| {
                self.go.raw_cli(&["-j", "neighbor", &neighbor.to_string()])
            })?;
            accepted_in_cli_json(&out, safi)
        }
    }

    /// Routes of (AFI 1, `safi`) accepted from `neighbor`: the cheapest query gobgpd has.
    pub async fn count(&mut self, neighbor: IpAddr, safi: u32) -> Result<u64, BoxError> {
        #[cfg(gobgp_api)]
        {
            crate::gobgp_api::adj_in_accepted(&mut self.api, neighbor, safi).await
        }
        #[cfg(not(gobgp_api))]
        {
            Ok(self.accepted(neighbor, safi).await?.0)
        }
    }

    /// UPDATE messages received from `neighbor` so far (the sender's packing shows in it).
    pub async fn updates(&mut self, neighbor: IpAddr) -> Result<u64, BoxError> {
        #[cfg(gobgp_api)]
        {
            crate::gobgp_api::updates_received(&mut self.api, neighbor).await
        }
        #[cfg(not(gobgp_api))]
        {
            let out = tokio::task::block_in_place(|| {
                self.go.raw_cli(&["-j", "neighbor", &neighbor.to_string()])
            })?;
            let v: serde_json::Value = serde_json::from_str(&out)?;
            let peer = if v.is_array() { &v[0] } else { &v };
            Ok(peer["state"]["messages"]["received"]["update"]
                .as_u64()
                .unwrap_or(0))
        }
    }

    pub async fn wait_established(
        &mut self,
        neighbor: IpAddr,
        timeout: Duration,
    ) -> Result<(), BoxError> {
        let start = Instant::now();
        loop {
            if let Ok((_, true)) = self.accepted(neighbor, SAFI_UNICAST).await {
                return Ok(());
            }
            if start.elapsed() > timeout {
                return Err(format!(
                    "session {neighbor} -> receiver {} not Established after {timeout:?}; receiver log:\n{}",
                    self.spec.local_addr,
                    self.go.log_tail(20)
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls every `every` until `want` routes of `safi` from `neighbor` are accepted;
    /// returns the elapsed time since `t0`.
    pub async fn wait_count(
        &mut self,
        neighbor: IpAddr,
        safi: u32,
        want: u64,
        t0: Instant,
        timeout: Duration,
    ) -> Result<Duration, BoxError> {
        let every = Duration::from_millis(poll_ms());
        let mut last = 0;
        let mut poll = 0u64;
        loop {
            poll += 1;
            let n = self.count(neighbor, safi).await?;
            if n >= want {
                return Ok(t0.elapsed());
            }
            // The session state comes from the costlier `ListPeer`: about twice a second.
            if poll.is_multiple_of((500 / poll_ms()).max(1))
                && !self.accepted(neighbor, safi).await?.1
            {
                return Err(format!("session {neighbor} went down at {n}/{want}").into());
            }
            if t0.elapsed() > timeout {
                return Err(format!(
                    "receiver holds {n}/{want} (was {last} a poll ago) after {timeout:?}"
                )
                .into());
            }
            last = n;
            tokio::time::sleep(every).await;
        }
    }
}

/// Parses `gobgp -j neighbor ADDR` (one peer object) for the accepted counter of AFI 1 / `safi`.
#[cfg(not(gobgp_api))]
fn accepted_in_cli_json(out: &str, safi: u32) -> Result<(u64, bool), BoxError> {
    let v: serde_json::Value = serde_json::from_str(out)?;
    let peer = if v.is_array() { &v[0] } else { &v };
    let up = peer["state"]["session_state"].as_u64() == Some(6);
    let n = peer["afi_safis"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| {
            a["state"]["family"]["afi"].as_u64() == Some(1)
                && a["state"]["family"]["safi"].as_u64() == Some(u64::from(safi))
        })
        .and_then(|a| a["state"]["accepted"].as_u64())
        .unwrap_or(0);
    Ok((n, up))
}
