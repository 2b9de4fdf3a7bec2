//! Builds the gRPC server: all services plus health (`grpc.health.v1`, SERVING) and
//! reflection (v1 and v1alpha), served on a Unix socket (no token) and/or a TCP address
//! (bearer token when configured), each with the metrics layer, until a shutdown future
//! completes.
//!
//! PeerGroupService is not registered: its calls get tonic's UNIMPLEMENTED.

use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use bgpd_api::FILE_DESCRIPTOR_SET;
use bgpd_api::v1::control_service_server::ControlServiceServer;
use bgpd_api::v1::injection_service_server::InjectionServiceServer;
use bgpd_api::v1::neighbor_service_server::NeighborServiceServer;
use bgpd_api::v1::policy_service_server::PolicyServiceServer;
use bgpd_api::v1::rib_service_server::RibServiceServer;
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::watch;
use tokio_stream::wrappers::UnixListenerStream;
use tonic::transport::Server;
use tonic::transport::server::{Router, TcpIncoming};
use tower::layer::util::{Identity, Stack};

use super::auth::{AuthLayer, Token};
use super::control::ControlApi;
use super::convert::neighbor::NeighborDefaults;
use super::convert::path::PathContext;
use super::injection::InjectionApi;
use super::metrics::{GrpcMetrics, MetricsLayer};
use super::neighbor::NeighborApi;
use super::policy::PolicyApi;
use super::rib::RibApi;
use crate::command::SpeakerHandle;

/// Mode of the Unix socket: owner and group may connect.
const SOCKET_MODE: u32 = 0o660;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("gRPC socket {path}: {source}")]
    Socket {
        path: String,
        source: std::io::Error,
    },
    #[error("gRPC TCP listener {address}: {source}")]
    Tcp {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("gRPC server: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// What the services need besides the core handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiSettings {
    /// The local AS (AS_PATH prepending of the local AS, eBGP/iBGP defaults).
    pub local_asn: u32,
    /// The hold time a new neighbor gets when the request leaves it unset.
    pub default_hold_time: u16,
}

impl ApiSettings {
    /// The settings from the speaker's `[global]` config.
    pub fn from_global(g: &crate::config::Global) -> Self {
        ApiSettings {
            local_asn: g.asn,
            default_hold_time: g.hold_time,
        }
    }
}

/// The gRPC API of one speaker: cheap to clone, one per listener.
#[derive(Debug, Clone)]
pub struct ApiServer {
    core: SpeakerHandle,
    settings: ApiSettings,
    metrics: GrpcMetrics,
}

type Layers = Stack<AuthLayer, Stack<MetricsLayer, Identity>>;

impl ApiServer {
    pub fn new(core: SpeakerHandle, settings: ApiSettings, metrics: GrpcMetrics) -> Self {
        ApiServer {
            core,
            settings,
            metrics,
        }
    }

    /// The router with every service, health and reflection; `token` guards all but
    /// health.
    pub async fn router(&self, token: Option<Token>) -> Result<Router<Layers>, ServeError> {
        let (health, health_service) = tonic_health::server::health_reporter();
        health
            .set_serving::<InjectionServiceServer<InjectionApi>>()
            .await;
        health
            .set_serving::<NeighborServiceServer<NeighborApi>>()
            .await;
        health.set_serving::<RibServiceServer<RibApi>>().await;
        health.set_serving::<PolicyServiceServer<PolicyApi>>().await;
        health
            .set_serving::<ControlServiceServer<ControlApi>>()
            .await;
        let reflection = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET);
        let reflection_v1alpha = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .build_v1alpha()?;
        let s = self.settings;
        let ctx = PathContext {
            local_asn: s.local_asn,
        };
        let defaults = NeighborDefaults {
            local_asn: s.local_asn,
            hold_time: s.default_hold_time,
        };
        Ok(Server::builder()
            .layer(MetricsLayer::new(self.metrics.clone()))
            .layer(AuthLayer::new(token))
            .add_service(health_service)
            .add_service(reflection.build_v1()?)
            .add_service(reflection_v1alpha)
            .add_service(InjectionServiceServer::new(InjectionApi::new(
                self.core.clone(),
                ctx,
            )))
            .add_service(NeighborServiceServer::new(NeighborApi::new(
                self.core.clone(),
                defaults,
            )))
            .add_service(RibServiceServer::new(RibApi::new(self.core.clone())))
            .add_service(PolicyServiceServer::new(PolicyApi::new(self.core.clone())))
            .add_service(ControlServiceServer::new(ControlApi::new(
                self.core.clone(),
            ))))
    }

    /// Serves on a bound Unix socket (no token check) until `shutdown` completes.
    pub async fn serve_uds(
        &self,
        listener: UnixListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ServeError> {
        let incoming = UnixListenerStream::new(listener);
        let router = self.router(None).await?;
        Ok(router
            .serve_with_incoming_shutdown(incoming, shutdown)
            .await?)
    }

    /// Serves on a bound TCP listener, with `token` required when given.
    pub async fn serve_tcp(
        &self,
        listener: TcpListener,
        token: Option<Token>,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ServeError> {
        // Without TCP_NODELAY a reply's small trailing frames wait for the client's delayed
        // ACK (~40 ms on Linux): every unary call would cost that much.
        let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
        let router = self.router(token).await?;
        Ok(router
            .serve_with_incoming_shutdown(incoming, shutdown)
            .await?)
    }

    /// Serves on every given listener until `shutdown` completes; the first listener to
    /// fail stops the others.
    pub async fn serve(
        &self,
        uds: Option<UnixListener>,
        tcp: Option<(TcpListener, Option<Token>)>,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ServeError> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let stopped = |mut rx: watch::Receiver<bool>| async move {
            // Either a send or the sender being dropped ends the wait.
            let _ = rx.wait_for(|v| *v).await;
        };
        let uds_task = async {
            match uds {
                Some(l) => self.serve_uds(l, stopped(stop_rx.clone())).await,
                None => Ok(()),
            }
        };
        let tcp_task = async {
            match tcp {
                Some((l, token)) => self.serve_tcp(l, token, stopped(stop_rx.clone())).await,
                None => Ok(()),
            }
        };
        let trigger = async {
            shutdown.await;
            let _ = stop_tx.send(true);
        };
        let both = async {
            let r = tokio::try_join!(uds_task, tcp_task);
            r.map(|_| ())
        };
        tokio::select! {
            r = both => r,
            () = trigger => Ok(()),
        }
    }
}

/// Binds the Unix socket: creates the parent directory, removes a stale socket file,
/// and sets mode 0660.
pub async fn bind_uds(path: &Path) -> Result<UnixListener, ServeError> {
    let err = |source| ServeError::Socket {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(dir).await.map_err(err)?;
    }
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(err(e)),
        _ => {}
    }
    let listener = UnixListener::bind(path).map_err(err)?;
    let mode = std::fs::Permissions::from_mode(SOCKET_MODE);
    tokio::fs::set_permissions(path, mode).await.map_err(err)?;
    Ok(listener)
}

/// Binds the TCP listener.
pub async fn bind_tcp(address: SocketAddr) -> Result<TcpListener, ServeError> {
    TcpListener::bind(address)
        .await
        .map_err(|source| ServeError::Tcp { address, source })
}
