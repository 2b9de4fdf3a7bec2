//! The speaker's Prometheus metric families, all prefixed `rustbgpd_`.
//!
//! One [`Metrics`] value is created at start-up and shared (it is cheap to clone: every
//! family is an `Arc` inside). Label sets are small structs so a typo is a compile error.

use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NeighborLabels {
    pub neighbor: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MessageLabels {
    pub neighbor: String,
    /// `in` or `out`.
    pub direction: &'static str,
    /// `open`, `update`, `notification`, `keepalive`, `route_refresh`.
    pub r#type: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PrefixLabels {
    pub neighbor: String,
    pub family: String,
    /// `received`, `accepted` or `advertised`.
    pub kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RefreshLabels {
    pub neighbor: String,
    pub family: String,
}

/// Every metric family of the speaker, plus the registry that renders them.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    /// RFC 4271 state as a number: 1 Idle … 6 Established.
    pub session_state: Family<NeighborLabels, Gauge>,
    /// Seconds the session has been Established (0 when it is not).
    pub session_uptime_seconds: Family<NeighborLabels, Gauge>,
    pub session_established_total: Family<NeighborLabels, Counter>,
    pub messages_total: Family<MessageLabels, Counter>,
    pub prefixes: Family<PrefixLabels, Gauge>,
    /// A peer's enhanced route refreshes (RFC 7313) whose EoRR did not come in time.
    pub route_refresh_stale_timeouts: Family<RefreshLabels, Counter>,
    pub injected_paths: Gauge,
    pub injected_flowspec_rules: Gauge,
}

impl Metrics {
    /// Creates the families and registers them in a fresh registry. `extra` lets other
    /// modules (the gRPC layer) register their own families in the same registry.
    pub fn new(extra: impl FnOnce(&mut Registry)) -> Self {
        let mut r = Registry::with_prefix("rustbgpd");
        let m = Metrics {
            registry: Arc::new(Registry::default()),
            session_state: Family::default(),
            session_uptime_seconds: Family::default(),
            session_established_total: Family::default(),
            messages_total: Family::default(),
            prefixes: Family::default(),
            route_refresh_stale_timeouts: Family::default(),
            injected_paths: Gauge::default(),
            injected_flowspec_rules: Gauge::default(),
        };
        r.register(
            "session_state",
            "BGP session state per neighbor (1 idle, 2 connect, 3 active, 4 opensent, 5 openconfirm, 6 established)",
            m.session_state.clone(),
        );
        r.register(
            "session_uptime_seconds",
            "Seconds since the session reached Established, 0 when down",
            m.session_uptime_seconds.clone(),
        );
        r.register(
            "session_established",
            "Times the session reached Established",
            m.session_established_total.clone(),
        );
        r.register(
            "messages",
            "BGP messages by neighbor, direction and type",
            m.messages_total.clone(),
        );
        r.register(
            "prefixes",
            "Prefixes and FlowSpec rules per neighbor and family: received, accepted, advertised",
            m.prefixes.clone(),
        );
        r.register(
            "route_refresh_stale_timeouts",
            "Enhanced route refreshes (RFC 7313) of a neighbor whose End-of-Route-Refresh did not \
             come within stale_route_timeout; its routes still stale were purged",
            m.route_refresh_stale_timeouts.clone(),
        );
        r.register(
            "injected_paths",
            "Paths injected over gRPC",
            m.injected_paths.clone(),
        );
        r.register(
            "injected_flowspec_rules",
            "FlowSpec rules injected over gRPC",
            m.injected_flowspec_rules.clone(),
        );
        extra(&mut r);
        Metrics {
            registry: Arc::new(r),
            ..m
        }
    }

    /// The text exposition format served on `/metrics`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    pub fn neighbor(addr: impl ToString) -> NeighborLabels {
        NeighborLabels {
            neighbor: addr.to_string(),
        }
    }

    pub fn refresh(addr: impl ToString, family: impl Into<String>) -> RefreshLabels {
        RefreshLabels {
            neighbor: addr.to_string(),
            family: family.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prefixed_families_with_labels() {
        let m = Metrics::new(|_| {});
        m.session_state
            .get_or_create(&Metrics::neighbor("192.0.2.2"))
            .set(6);
        m.injected_paths.set(3);
        let text = m.render();
        assert!(
            text.contains("rustbgpd_session_state{neighbor=\"192.0.2.2\"} 6"),
            "{text}"
        );
        assert!(text.contains("rustbgpd_injected_paths 3"), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
