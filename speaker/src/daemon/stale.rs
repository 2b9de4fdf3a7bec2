//! Deadlines of the peers' enhanced route refreshes (RFC 7313 §4): a BoRR starts one per
//! (neighbor, family), the EoRR or the session's end clears it. One that passes means the
//! EoRR is not coming, and the routes still stale are purged as the EoRR would have.
//!
//! Pure bookkeeping: the caller passes the time in, and the core sleeps until [`next`].
//!
//! [`next`]: StaleDeadlines::next

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use bgp_wire::AfiSafi;
use tokio::time::Instant;

/// When each running refresh of a peer gives up waiting for its EoRR.
#[derive(Debug, Default)]
pub struct StaleDeadlines {
    due: HashMap<(IpAddr, AfiSafi), Instant>,
}

impl StaleDeadlines {
    /// A BoRR: starts the deadline, or restarts it when a refresh was already running
    /// (the routes were just marked stale again, so they get the whole time again).
    pub fn begin(&mut self, peer: IpAddr, family: AfiSafi, now: Instant, timeout: Duration) {
        self.due.insert((peer, family), now + timeout);
    }

    /// An EoRR: the refresh ended in time.
    pub fn end(&mut self, peer: IpAddr, family: AfiSafi) {
        self.due.remove(&(peer, family));
    }

    /// The session ended (or restarted): its routes are gone, so are its deadlines.
    pub fn forget_peer(&mut self, peer: IpAddr) {
        self.due.retain(|(p, _), _| *p != peer);
    }

    /// The earliest deadline, if any refresh is running.
    pub fn next(&self) -> Option<Instant> {
        self.due.values().min().copied()
    }

    /// Removes and returns the refreshes whose deadline is at or before `now`, in order.
    pub fn take_expired(&mut self, now: Instant) -> Vec<(IpAddr, AfiSafi)> {
        let mut gone: Vec<_> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(k, _)| *k)
            .collect();
        gone.sort();
        for k in &gone {
            self.due.remove(k);
        }
        gone
    }

    /// How many refreshes are waiting for their EoRR.
    pub fn len(&self) -> usize {
        self.due.len()
    }

    pub fn is_empty(&self) -> bool {
        self.due.is_empty()
    }
}

/// Waits until `at`, or forever when there is nothing to wait for (a `select!` branch
/// that never fires).
pub async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests;
