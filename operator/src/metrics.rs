//! Operator metrics (`rustbgpd_operator_*`, prometheus-client) and the optional endpoint that
//! serves them in the text format.

use std::net::SocketAddr;
use std::sync::Arc;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Label set: the object kind.
pub type KindLabels = Vec<(String, String)>;

/// The label set for a kind.
pub fn kind(kind: &str) -> KindLabels {
    vec![("kind".to_owned(), kind.to_owned())]
}

/// The operator's metrics; cheap to clone (shared handles).
#[derive(Clone, Debug)]
pub struct Metrics {
    /// Objects reconciled, per kind.
    pub reconciles: Family<KindLabels, Counter>,
    /// Objects that could not be planned or were refused by the speaker, per kind.
    pub errors: Family<KindLabels, Counter>,
    /// Seconds per reconcile pass (plan + list + diff + apply).
    pub duration: Histogram,
    /// Objects desired, per kind.
    pub desired: Family<KindLabels, Gauge>,
    /// Objects the speaker holds, per kind.
    pub programmed: Family<KindLabels, Gauge>,
    /// Times the whole desired state was replayed after a speaker restart or reconnect.
    pub replays: Counter,
    /// Reconcile passes that reached the speaker (`/readyz` is ready after the first).
    pub passes: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            reconciles: Family::default(),
            errors: Family::default(),
            duration: Histogram::new(exponential_buckets(0.001, 2.0, 14)),
            desired: Family::default(),
            programmed: Family::default(),
            replays: Counter::default(),
            passes: Counter::default(),
        }
    }
}

impl Metrics {
    /// Registers every metric under the `rustbgpd_operator` prefix.
    pub fn register(&self, registry: &mut Registry) {
        let r = registry.sub_registry_with_prefix("rustbgpd_operator");
        r.register(
            "reconciles",
            "Objects reconciled, per kind",
            self.reconciles.clone(),
        );
        r.register(
            "errors",
            "Objects not planned or refused by the speaker, per kind",
            self.errors.clone(),
        );
        r.register(
            "reconcile_duration_seconds",
            "Duration of a reconcile pass",
            self.duration.clone(),
        );
        r.register(
            "objects_desired",
            "Objects desired, per kind",
            self.desired.clone(),
        );
        r.register(
            "objects_programmed",
            "Objects held by the speaker, per kind",
            self.programmed.clone(),
        );
        r.register(
            "speaker_replays",
            "Replays of the whole desired state to the speaker",
            self.replays.clone(),
        );
        r.register(
            "speaker_passes",
            "Reconcile passes that reached the speaker",
            self.passes.clone(),
        );
    }

    /// Whether a reconcile pass has reached the speaker since the start.
    pub fn reached_speaker(&self) -> bool {
        self.passes.get() > 0
    }
}

/// Serves `GET /metrics`, and the probes `GET /healthz` (200 while the process runs) and
/// `GET /readyz` (200 once a reconcile pass reached the speaker, 503 before), on `addr`
/// until the task is dropped.
pub async fn serve(
    addr: SocketAddr,
    registry: Arc<Registry>,
    metrics: Metrics,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        let registry = registry.clone();
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let svc =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let resp = respond(req.uri().path(), &registry, &metrics);
                    async move { Ok::<_, std::convert::Infallible>(resp) }
                });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, svc)
                .await;
        });
    }
}

type Body = http_body_util::Full<hyper::body::Bytes>;

fn respond(path: &str, registry: &Registry, metrics: &Metrics) -> hyper::Response<Body> {
    let (code, text) = match path {
        "/healthz" => (200, "ok\n".to_owned()),
        "/readyz" if metrics.reached_speaker() => (200, "ok\n".to_owned()),
        "/readyz" => (503, "the speaker has not been reached yet\n".to_owned()),
        _ => {
            let mut body = String::new();
            // Encoding into a String cannot fail short of a formatter bug.
            let _ = encode(&mut body, registry);
            (200, body)
        }
    };
    let mut resp = hyper::Response::new(Body::new(text.into()));
    *resp.status_mut() = hyper::StatusCode::from_u16(code).unwrap_or_default();
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_follow_the_first_pass() {
        let m = Metrics::default();
        let mut r = Registry::default();
        m.register(&mut r);
        assert_eq!(respond("/healthz", &r, &m).status(), 200);
        assert_eq!(respond("/readyz", &r, &m).status(), 503);
        m.passes.inc();
        assert_eq!(respond("/readyz", &r, &m).status(), 200);
        assert_eq!(respond("/metrics", &r, &m).status(), 200);
    }
}
