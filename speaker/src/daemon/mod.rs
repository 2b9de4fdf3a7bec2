//! The running daemon: wires the configuration into the sessions ([`crate::peer`]), the
//! core task that owns the RIB ([`core`]), the gRPC API and the metrics endpoint, and
//! shuts everything down gracefully (Cease/Administrative Shutdown to every peer).

pub mod core;
pub mod families;
pub mod injected;
pub mod metrics;
pub mod neighbors;
pub mod persist;
mod policy;
pub mod refresh;
pub mod routes;
pub mod runtime;
pub mod stale;
pub mod views;

use std::net::SocketAddr;

use thiserror::Error;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tracing::{error, info};

use crate::api::{
    ApiServer, ApiSettings, GrpcMetrics, HealthSettings, ServeError, Token, bind_tcp, bind_uds,
    serve_health,
};
use crate::command::SpeakerHandle;
use crate::config::Config;
use crate::peer::PeerManager;
use crate::peer::session::LocalIdentity;
use crate::telemetry::Metrics;

/// Commands waiting for the core before API callers are slowed down.
const COMMAND_QUEUE: usize = 1024;

#[derive(Debug, Error)]
pub enum DaemonError {
    #[error("cannot listen for BGP: {0}")]
    BgpListen(std::io::Error),
    #[error("gRPC: {0}")]
    Api(#[from] ServeError),
    #[error("gRPC token: {0}")]
    Token(String),
    #[error("{0}")]
    State(#[from] persist::PersistError),
    #[error("[policy]: {0}")]
    Policy(crate::policy::PolicyError),
    #[error("metrics endpoint {addr}: {source}")]
    Metrics {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A started daemon; [`Running::stop`] shuts it down.
pub struct Running {
    pub bgp: Option<SocketAddr>,
    pub metrics: Option<SocketAddr>,
    pub handle: SpeakerHandle,
    stop_core: oneshot::Sender<()>,
    stop_api: oneshot::Sender<()>,
    core: JoinHandle<PeerManager>,
    api: JoinHandle<()>,
}

/// Starts everything the configuration asks for and returns once all listeners are bound.
pub async fn start(config: Config) -> Result<Running, DaemonError> {
    let g = &config.global;
    let grpc_metrics = GrpcMetrics::default();
    let metrics = Metrics::new(|r| grpc_metrics.register(r));
    let local = LocalIdentity {
        asn: g.asn,
        router_id: g.router_id,
    };
    let listen = g.listen_port.map(|p| (g.listen_address, p));
    let (mut peers, events) = PeerManager::new(local, listen).map_err(DaemonError::BgpListen)?;
    let bgp = peers.listen_addr();
    for n in &config.neighbors {
        peers.add(n.clone());
    }
    let info = core::speaker_info(g.asn, g.router_id, bgp.map(|a| a.port()));
    info!(asn = g.asn, router_id = %g.router_id, instance = %info.instance_id, ?bgp, "rustbgpd starting");
    let (handle, commands) = SpeakerHandle::channel(COMMAND_QUEUE);
    let (stop_core, stop_rx) = oneshot::channel();
    let mut the_core = core::Core::new(peers, info, metrics.clone());
    the_core.state_file = g.state_file.clone();
    the_core
        .rib
        .change_policy(|e| policy::apply_config(&config.policy, e))
        .map_err(DaemonError::Policy)?;
    let core = tokio::spawn(the_core.run(commands, events, stop_rx));

    let metrics_addr = match g.telemetry.prometheus_addr {
        Some(addr) => {
            let (bound, _task) = crate::telemetry::http::serve(addr, metrics.clone())
                .await
                .map_err(|source| DaemonError::Metrics { addr, source })?;
            Some(bound)
        }
        None => None,
    };
    if let Some(path) = &g.state_file {
        restore(path, &handle, &config).await?;
    }
    let (stop_api, api) = start_api(&config, handle.clone(), grpc_metrics).await?;
    Ok(Running {
        bgp,
        metrics: metrics_addr,
        handle,
        stop_core,
        stop_api,
        core,
        api,
    })
}

/// Re-injects what the state file holds, through the same conversion as an API call.
async fn restore(
    path: &std::path::Path,
    handle: &SpeakerHandle,
    config: &Config,
) -> Result<(), DaemonError> {
    let asn = config.global.asn;
    use crate::api::convert::flowspec::to_inject_flowspec;
    use crate::api::convert::path::{PathContext, to_inject_path};
    let Some(snap) = persist::load(path)? else {
        return Ok(());
    };
    let ctx = PathContext { local_asn: asn };
    let paths: Vec<_> = snap
        .paths
        .iter()
        .filter_map(|r| {
            to_inject_path(r, ctx)
                .map_err(|e| error!(error = %e, "state file: path skipped"))
                .ok()
        })
        .collect();
    let flows: Vec<_> = snap
        .flowspecs
        .iter()
        .filter_map(|r| {
            to_inject_flowspec(r)
                .map_err(|e| error!(error = %e, "state file: rule skipped"))
                .ok()
        })
        .collect();
    let neighbors = restorable_neighbors(&snap, config);
    info!(paths = paths.len(), flowspecs = flows.len(), neighbors = neighbors.len(), file = %path.display(), "restoring injected state");
    for n in neighbors {
        let address = n.neighbor.address;
        if let Err(e) = handle.add_neighbor(n).await {
            error!(%address, error = %e, "state file: neighbor refused on restore");
        }
    }
    let failed = |r: Result<Vec<_>, _>| {
        r.map_or(1, |v: Vec<Result<_, _>>| {
            v.iter().filter(|x| x.is_err()).count()
        })
    };
    let bad = failed(handle.inject_paths(paths, false).await)
        + failed(handle.inject_flowspecs(flows, false).await);
    if bad > 0 {
        error!(
            count = bad,
            "state file: some objects were refused on restore"
        );
    }
    Ok(())
}

fn restorable_neighbors(
    snap: &persist::Snapshot,
    config: &Config,
) -> Vec<crate::command::NeighborConfig> {
    let from_file: Vec<_> = config.neighbors.iter().map(|n| n.address).collect();
    let defaults = crate::api::convert::neighbor::NeighborDefaults {
        local_asn: config.global.asn,
        hold_time: config.global.hold_time,
    };
    runtime::to_restore(&snap.neighbors, &from_file, defaults)
}

async fn start_api(
    config: &Config,
    handle: SpeakerHandle,
    grpc_metrics: GrpcMetrics,
) -> Result<(oneshot::Sender<()>, JoinHandle<()>), DaemonError> {
    let t = &config.global.telemetry;
    let uds = match &t.grpc_uds {
        Some(path) => Some(bind_uds(path).await?),
        None => None,
    };
    let tcp = match &t.grpc_tcp {
        Some(cfg) => {
            let token = match &cfg.token_file {
                Some(p) => {
                    Some(Token::from_file(p).map_err(|e| DaemonError::Token(e.to_string()))?)
                }
                None => None,
            };
            Some((bind_tcp(cfg.address).await?, token))
        }
        None => None,
    };
    let health = match t.health_addr {
        Some(addr) => Some(bind_tcp(addr).await?),
        None => None,
    };
    let server = ApiServer::new(
        handle.clone(),
        ApiSettings::from_global(&config.global),
        grpc_metrics,
    );
    let (stop_api, stop_rx) = oneshot::channel::<()>();
    let api = tokio::spawn(async move {
        // One stop signal, seen by the API listeners and the health listener alike.
        let (stop_tx, stop_watch) = tokio::sync::watch::channel(false);
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|v| *v).await;
        };
        let forward = async {
            let _ = stop_rx.await;
            let _ = stop_tx.send(true);
        };
        let api = async {
            if let Err(e) = server.serve(uds, tcp, stopped(stop_watch.clone())).await {
                error!(error = %e, "gRPC server stopped");
            }
        };
        let health = async {
            let Some(l) = health else { return };
            let settings = HealthSettings::default();
            let stop = stopped(stop_watch.clone());
            if let Err(e) = serve_health(l, handle, settings, stop).await {
                error!(error = %e, "gRPC health listener stopped");
            }
        };
        tokio::join!(forward, api, health);
    });
    Ok((stop_api, api))
}

impl Running {
    /// Stops the API, then sends Cease/Administrative Shutdown to every peer.
    pub async fn stop(self, message: Option<String>) {
        let _ = self.stop_api.send(());
        let _ = self.api.await;
        let _ = self.stop_core.send(());
        if let Ok(peers) = self.core.await {
            peers.shutdown(message).await;
        }
        info!("rustbgpd stopped");
    }
}

/// Runs until SIGTERM or SIGINT, then shuts down gracefully.
pub async fn run(config: Config) -> Result<(), DaemonError> {
    let running = start(config).await?;
    wait_for_signal().await;
    info!("signal received, shutting down");
    running
        .stop(Some("rustbgpd shutting down".to_string()))
        .await;
    Ok(())
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
