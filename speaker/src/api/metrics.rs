//! gRPC request metrics: a tower layer counting requests by method and status code and
//! timing them by method.
//!
//! - `rustbgpd_grpc_requests_total{method,code}`: `method` is `Service/Method` (e.g.
//!   `rustbgpd.v1.InjectionService/AddPath`), `code` the gRPC code name (`Ok`,
//!   `InvalidArgument`, ...).
//! - `rustbgpd_grpc_request_duration_seconds{method}`: time to the response headers.
//!
//! The code is read from the response headers, which is where tonic puts every error
//! of a unary call ("trailers-only"); a response without one counts as `Ok`. Paths of
//! unknown services count as `method="unknown"` to keep label cardinality bounded.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tonic::Code;
use tonic::codegen::http;
use tower::{Layer, Service};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabels {
    pub method: String,
}

type Durations = Family<MethodLabels, Histogram, fn() -> Histogram>;

/// The gRPC metric families; cheap to clone (shared inside).
#[derive(Clone, Debug)]
pub struct GrpcMetrics {
    pub requests: Family<RequestLabels, Counter>,
    pub duration: Durations,
}

fn new_histogram() -> Histogram {
    // 100 µs .. ~3 s.
    Histogram::new(exponential_buckets(0.0001, 2.0, 15))
}

impl Default for GrpcMetrics {
    fn default() -> Self {
        GrpcMetrics {
            requests: Family::default(),
            duration: Family::new_with_constructor(new_histogram),
        }
    }
}

impl GrpcMetrics {
    /// Registers the families. `registry` is the speaker's, prefixed `rustbgpd` (see
    /// `telemetry::Metrics::new`), so the names come out as `rustbgpd_grpc_…`.
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "grpc_requests",
            "gRPC requests by method and status code",
            self.requests.clone(),
        );
        registry.register(
            "grpc_request_duration_seconds",
            "gRPC request latency by method",
            self.duration.clone(),
        );
    }

    fn record(&self, method: String, code: Code, secs: f64) {
        self.duration
            .get_or_create(&MethodLabels {
                method: method.clone(),
            })
            .observe(secs);
        let code = format!("{code:?}");
        self.requests
            .get_or_create(&RequestLabels { method, code })
            .inc();
    }
}

/// `Service/Method` for our services, reflection and health; `unknown` otherwise.
fn method_label(path: &str) -> String {
    let p = path.trim_start_matches('/');
    let known = ["rustbgpd.v1.", "grpc.health.v1.", "grpc.reflection."];
    if known.iter().any(|k| p.starts_with(k)) {
        p.to_string()
    } else {
        "unknown".into()
    }
}

fn code_of<B>(res: &http::Response<B>) -> Code {
    res.headers()
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        .map_or(Code::Ok, Code::from_i32)
}

/// Tower layer recording [`GrpcMetrics`].
#[derive(Debug, Clone)]
pub struct MetricsLayer {
    metrics: GrpcMetrics,
}

impl MetricsLayer {
    pub fn new(metrics: GrpcMetrics) -> Self {
        MetricsLayer { metrics }
    }
}

impl<S> Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MetricsService {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

/// The service produced by [`MetricsLayer`].
#[derive(Debug, Clone)]
pub struct MetricsService<S> {
    inner: S,
    metrics: GrpcMetrics,
}

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, B, RB> Service<http::Request<B>> for MetricsService<S>
where
    S: Service<http::Request<B>, Response = http::Response<RB>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<S::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let method = method_label(req.uri().path());
        let metrics = self.metrics.clone();
        let start = Instant::now();
        let fut = self.inner.call(req);
        Box::pin(async move {
            let res = fut.await;
            let code = res.as_ref().map_or(Code::Unavailable, code_of);
            metrics.record(method, code, start.elapsed().as_secs_f64());
            res
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_labels_are_bounded() {
        assert_eq!(
            method_label("/rustbgpd.v1.InjectionService/AddPath"),
            "rustbgpd.v1.InjectionService/AddPath"
        );
        assert_eq!(method_label("/evil.Service/X"), "unknown");
    }

    #[test]
    fn records_and_renders_with_the_rustbgpd_prefix() {
        let m = GrpcMetrics::default();
        let mut r = Registry::with_prefix("rustbgpd");
        m.register(&mut r);
        m.record("rustbgpd.v1.ControlService/GetInfo".into(), Code::Ok, 0.01);
        m.record(
            "rustbgpd.v1.ControlService/GetInfo".into(),
            Code::InvalidArgument,
            0.01,
        );
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &r).unwrap();
        assert!(
            text.contains(
                "rustbgpd_grpc_requests_total{method=\"rustbgpd.v1.ControlService/GetInfo\",code=\"InvalidArgument\"} 1"
            ),
            "{text}"
        );
        assert!(
            text.contains("rustbgpd_grpc_request_duration_seconds_count{method=\"rustbgpd.v1.ControlService/GetInfo\"} 2"),
            "{text}"
        );
    }

    #[test]
    fn status_header_gives_the_code() {
        let res = http::Response::builder()
            .header("grpc-status", "3")
            .body(())
            .unwrap();
        assert_eq!(code_of(&res), Code::InvalidArgument);
        assert_eq!(code_of(&http::Response::new(())), Code::Ok);
    }
}
