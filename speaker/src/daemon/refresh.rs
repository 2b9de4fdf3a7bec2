//! Route refresh in the core: answering a peer's ROUTE-REFRESH with the family's
//! Adj-RIB-Out, and SoftReset (out: re-send; in: ask the peer with ROUTE-REFRESH).
//! The peer's own enhanced refresh (BoRR … EoRR) runs against a deadline ([`super::stale`]).

use std::net::IpAddr;

use bgp_wire::AfiSafi;
use bgp_wire::message::RouteRefresh;
use bgp_wire::message::route_refresh::RefreshSubtype;
use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::core::Core;
use super::families::to_afi_safi;
use crate::command::{CommandError, SoftResetDirection};
use crate::config::{DEFAULT_STALE_ROUTE_TIMEOUT, Family};
use crate::fsm::State;
use crate::peer::{PeerCommand, PeerStatus};
use crate::telemetry::Metrics;

impl Core {
    /// A ROUTE-REFRESH from `peer`: a request is answered with the family's Adj-RIB-Out;
    /// the peer's own BoRR/EoRR bracket its re-sent routes (stale ones go at EoRR).
    pub(super) fn on_route_refresh(&mut self, peer: IpAddr, refresh: RouteRefresh) {
        match refresh.subtype {
            RefreshSubtype::Request if self.rib.peer_has_family(peer, refresh.family) => {
                info!(%peer, family = %refresh.family, "route refresh requested; re-sending");
                let out = self.rib.resend(peer, refresh.family);
                self.dispatch(out);
            }
            // RFC 2918 §4: a family that was not negotiated is ignored.
            RefreshSubtype::Request => {
                info!(%peer, family = %refresh.family, "route refresh for a family not negotiated; ignored");
            }
            RefreshSubtype::Begin => {
                debug!(%peer, family = %refresh.family, "peer begins a route refresh");
                self.rib.begin_refresh_from(peer, refresh.family);
                if self.rib.peer_has_family(peer, refresh.family) {
                    let timeout = self.stale_route_timeout(peer);
                    let now = Instant::now();
                    self.stale.begin(peer, refresh.family, now, timeout);
                }
            }
            RefreshSubtype::End => {
                debug!(%peer, family = %refresh.family, "peer ends a route refresh");
                self.stale.end(peer, refresh.family);
                let out = self.rib.end_refresh_from(peer, refresh.family);
                self.dispatch(out);
            }
            // RFC 7313 §5: other subtypes are ignored.
            RefreshSubtype::Other(_) => {}
        }
    }

    /// Refreshes whose EoRR did not come by `now`: RFC 7313 §4 says to purge the routes
    /// still stale anyway, exactly as the EoRR would have.
    pub(super) fn on_stale_deadlines(&mut self, now: Instant) {
        for (peer, family) in self.stale.take_expired(now) {
            let purged = self.rib.stale_count(peer, family);
            let timeout = self.stale_route_timeout(peer);
            warn!(
                %peer, %family, purged, timeout_s = timeout.as_secs(),
                "no End-of-Route-Refresh in time; purging the routes the peer did not send again"
            );
            let labels = Metrics::refresh(peer, family.to_string());
            self.metrics
                .route_refresh_stale_timeouts
                .get_or_create(&labels)
                .inc();
            let out = self.rib.end_refresh_from(peer, family);
            self.dispatch(out);
        }
    }

    /// The neighbor's `stale_route_timeout` (the default for one no longer configured).
    fn stale_route_timeout(&self, peer: IpAddr) -> std::time::Duration {
        self.peers
            .neighbor(&peer)
            .map_or(DEFAULT_STALE_ROUTE_TIMEOUT, |n| n.stale_route_timeout)
    }

    /// SoftReset: everything is checked first, so a refused request changes nothing.
    pub(super) fn soft_reset(
        &mut self,
        address: Option<IpAddr>,
        direction: SoftResetDirection,
        family: Option<Family>,
    ) -> Result<(), CommandError> {
        let explicit = address.is_some();
        let targets: Vec<(IpAddr, PeerStatus)> = match address {
            Some(a) => {
                let h = self.peers.get(&a).ok_or_else(|| not_found(a))?;
                vec![(a, h.status())]
            }
            None => self
                .peers
                .handles()
                .map(|h| (h.address, h.status()))
                .collect(),
        };
        let mut plan = Vec::new();
        for (addr, status) in &targets {
            match reset_plan(*addr, status, direction, family) {
                Ok(fams) => plan.extend(fams.into_iter().map(|f| (*addr, f))),
                Err(why) if explicit => return Err(CommandError::FailedPrecondition(why)),
                Err(why) => debug!(%addr, why, "soft reset skipped"),
            }
        }
        let (send_in, send_out) = match direction {
            SoftResetDirection::In => (true, false),
            SoftResetDirection::Out => (false, true),
            SoftResetDirection::Both => (true, true),
        };
        for (addr, fam) in plan {
            info!(peer = %addr, family = %fam, ?direction, "soft reset");
            if send_out {
                let out = self.rib.resend(addr, fam);
                self.dispatch(out);
            }
            if send_in && let Some(h) = self.peers.get(&addr) {
                h.send(PeerCommand::RouteRefresh(fam));
            }
        }
        Ok(())
    }
}

/// The families a soft reset of one neighbor covers, or why it cannot be done.
pub fn reset_plan(
    addr: IpAddr,
    status: &PeerStatus,
    direction: SoftResetDirection,
    family: Option<Family>,
) -> Result<Vec<AfiSafi>, String> {
    let neg = match (&status.negotiated, status.state) {
        (Some(n), State::Established) => n,
        _ => return Err(format!("neighbor {addr} is not established")),
    };
    if direction != SoftResetDirection::Out && !neg.route_refresh {
        return Err(format!(
            "neighbor {addr} did not negotiate route refresh (RFC 2918), so it cannot be asked \
             to re-send its routes; only direction \"out\" is possible"
        ));
    }
    match family {
        Some(f) if !neg.families.contains(&to_afi_safi(f)) => Err(format!(
            "family {f} was not negotiated with neighbor {addr}"
        )),
        Some(f) => Ok(vec![to_afi_safi(f)]),
        None => Ok(neg.families.clone()),
    }
}

fn not_found(address: IpAddr) -> CommandError {
    CommandError::NotFound(format!("neighbor {address} is not configured"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bgp_wire::capability::{Capability, negotiate};
    use bgp_wire::message::Open;

    fn established(route_refresh: bool) -> PeerStatus {
        let mut caps = vec![
            Capability::Multiprotocol(AfiSafi::IPV4_UNICAST),
            Capability::Multiprotocol(AfiSafi::IPV4_FLOWSPEC),
        ];
        if route_refresh {
            caps.push(Capability::RouteRefresh);
        }
        let ours = Open::new(65001, 90, "192.0.2.1".parse().unwrap(), caps.clone());
        let theirs = Open::new(65002, 90, "192.0.2.2".parse().unwrap(), caps);
        let neg = negotiate(&ours, &theirs);
        PeerStatus {
            state: State::Established,
            negotiated: Some(neg),
            ..PeerStatus::default()
        }
    }

    const A: &str = "192.0.2.2";

    fn plan(
        s: &PeerStatus,
        d: SoftResetDirection,
        f: Option<Family>,
    ) -> Result<Vec<AfiSafi>, String> {
        reset_plan(A.parse().unwrap(), s, d, f)
    }

    #[test]
    fn every_negotiated_family_or_the_one_asked_for() {
        let s = established(true);
        let all = plan(&s, SoftResetDirection::In, None).unwrap();
        assert_eq!(all, vec![AfiSafi::IPV4_UNICAST, AfiSafi::IPV4_FLOWSPEC]);
        let one = plan(&s, SoftResetDirection::Both, Some(Family::Ipv4FlowSpec));
        assert_eq!(one.unwrap(), vec![AfiSafi::IPV4_FLOWSPEC]);
        let err = plan(&s, SoftResetDirection::Out, Some(Family::Ipv6Unicast)).unwrap_err();
        assert!(err.contains("ipv6_unicast was not negotiated"), "{err}");
    }

    #[test]
    fn in_needs_route_refresh_out_does_not() {
        let s = established(false);
        for d in [SoftResetDirection::In, SoftResetDirection::Both] {
            let err = plan(&s, d, None).unwrap_err();
            assert!(err.contains("did not negotiate route refresh"), "{err}");
        }
        assert!(plan(&s, SoftResetDirection::Out, None).is_ok());
    }

    #[test]
    fn a_session_that_is_not_up_cannot_be_reset() {
        let s = PeerStatus::default();
        let err = plan(&s, SoftResetDirection::Out, None).unwrap_err();
        assert_eq!(err, format!("neighbor {A} is not established"));
    }
}
