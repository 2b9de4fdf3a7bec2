//! Observability: structured logs ([`logging`]), the Prometheus registry and the speaker's
//! metric families ([`metrics`]), and the `/metrics` HTTP endpoint ([`http`]).

pub mod http;
pub mod logging;
pub mod metrics;

pub use metrics::Metrics;
