//! The health-only listener (`[global.telemetry] health_addr`): `grpc.health.v1` and
//! nothing else, without auth, so that Kubernetes' native `grpc:` probes (which cannot send
//! a bearer token) can reach the pod IP while the API itself stays on the Unix socket or
//! behind its token.
//!
//! The status is backed by the core: a watcher asks the core for its info every
//! [`HealthSettings::interval`]; an answer within [`HealthSettings::timeout`] means
//! SERVING, anything else NOT_SERVING (a wedged or stopped core fails the probe).

use std::time::Duration;

use bgpd_api::v1::control_service_server::ControlServiceServer;
use bgpd_api::v1::injection_service_server::InjectionServiceServer;
use bgpd_api::v1::neighbor_service_server::NeighborServiceServer;
use bgpd_api::v1::rib_service_server::RibServiceServer;
use tokio::net::TcpListener;
use tonic::server::NamedService;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use super::ServeError;
use super::control::ControlApi;
use super::injection::InjectionApi;
use super::neighbor::NeighborApi;
use super::rib::RibApi;
use crate::command::SpeakerHandle;

/// How often and how patiently the core is asked whether it is alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthSettings {
    pub interval: Duration,
    pub timeout: Duration,
}

impl Default for HealthSettings {
    /// Well inside the default probe period (10 s), so a probe sees a fresh status.
    fn default() -> Self {
        HealthSettings {
            interval: Duration::from_secs(2),
            timeout: Duration::from_secs(2),
        }
    }
}

/// The service names a probe may ask about besides "" (the whole server).
const SERVICES: [&str; 4] = [
    <InjectionServiceServer<InjectionApi> as NamedService>::NAME,
    <NeighborServiceServer<NeighborApi> as NamedService>::NAME,
    <RibServiceServer<RibApi> as NamedService>::NAME,
    <ControlServiceServer<ControlApi> as NamedService>::NAME,
];

/// Serves `grpc.health.v1` only on `listener` until `shutdown` completes, with the status
/// following the core behind `core`.
pub async fn serve_health(
    listener: TcpListener,
    core: SpeakerHandle,
    settings: HealthSettings,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let (reporter, service) = tonic_health::server::health_reporter();
    let watcher = tokio::spawn(watch_core(reporter, core, settings));
    let result = Server::builder()
        .add_service(service)
        .serve_with_incoming_shutdown(
            TcpIncoming::from(listener).with_nodelay(Some(true)),
            shutdown,
        )
        .await;
    watcher.abort();
    Ok(result?)
}

/// Sets every name's status from a periodic round trip to the core.
async fn watch_core(reporter: HealthReporter, core: SpeakerHandle, settings: HealthSettings) {
    let mut last = None;
    loop {
        let alive = tokio::time::timeout(settings.timeout, core.get_info()).await;
        let status = match alive {
            Ok(Ok(_)) => ServingStatus::Serving,
            _ => ServingStatus::NotServing,
        };
        if last != Some(status) {
            for name in std::iter::once("").chain(SERVICES) {
                reporter.set_service_status(name, status).await;
            }
            last = Some(status);
        }
        tokio::time::sleep(settings.interval).await;
    }
}
