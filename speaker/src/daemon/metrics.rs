//! Refreshes the per-neighbor metric families from the sessions' status and the RIB's
//! counters. Done on a timer rather than on every message: scraping every few seconds is
//! what Prometheus does anyway, and the hot paths stay free of metric updates.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::SystemTime;

use super::families::from_afi_safi;
use crate::peer::PeerManager;
use crate::rib::Rib;
use crate::telemetry::Metrics;
use crate::telemetry::metrics::{MessageLabels, PrefixLabels};

/// Message counts already exported, so counters advance by the difference.
#[derive(Default)]
pub struct Exported {
    seen: HashMap<(IpAddr, &'static str, &'static str), u64>,
}

impl Exported {
    pub fn refresh(&mut self, metrics: &Metrics, peers: &PeerManager, rib: &Rib) {
        for h in peers.handles() {
            let s = h.status();
            let who = h.address.to_string();
            let uptime = s
                .established_at
                .filter(|_| s.state == crate::fsm::State::Established)
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .map_or(0, |d| d.as_secs() as i64);
            metrics
                .session_uptime_seconds
                .get_or_create(&Metrics::neighbor(&who))
                .set(uptime);
            let counts = [
                ("in", "update", s.updates_in),
                ("in", "other", s.messages_in.saturating_sub(s.updates_in)),
                ("out", "update", s.updates_out),
                ("out", "other", s.messages_out.saturating_sub(s.updates_out)),
            ];
            for (direction, kind, now) in counts {
                let last = self.seen.entry((h.address, direction, kind)).or_insert(0);
                let labels = MessageLabels {
                    neighbor: who.clone(),
                    direction,
                    r#type: kind,
                };
                metrics
                    .messages_total
                    .get_or_create(&labels)
                    .inc_by(now.saturating_sub(*last));
                *last = now;
            }
            for (fam, c) in rib.counters(h.address).unwrap_or_default() {
                let Some(family) = from_afi_safi(fam) else {
                    continue;
                };
                for (kind, v) in [
                    ("received", c.received),
                    ("accepted", c.accepted),
                    ("advertised", c.advertised),
                ] {
                    let labels = PrefixLabels {
                        neighbor: who.clone(),
                        family: family.as_str().to_string(),
                        kind,
                    };
                    metrics.prefixes.get_or_create(&labels).set(v as i64);
                }
            }
        }
    }
}
