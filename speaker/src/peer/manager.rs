//! The set of sessions: one task per neighbor, the listener that routes each accepted
//! connection to its neighbor's task by source address, runtime add/remove, and shutdown.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tracing::{info, warn};

use super::session::{LocalIdentity, Session};
use super::transport;
use super::{PeerCommand, PeerEvent, PeerHandle, PeerStatus};
use crate::config::Neighbor;
use crate::fsm::StopReason;

/// How long shutdown waits for every session to queue its NOTIFICATION and flush.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

type Routes = Arc<Mutex<HashMap<IpAddr, mpsc::UnboundedSender<PeerCommand>>>>;

pub struct PeerManager {
    local: LocalIdentity,
    peers: HashMap<IpAddr, (PeerHandle, Neighbor)>,
    routes: Routes,
    events: mpsc::UnboundedSender<PeerEvent>,
    listener: Option<Arc<TcpListener>>,
    accept_task: Option<JoinHandle<()>>,
}

impl PeerManager {
    /// Binds the listener (unless `listen_port` is `None`) and returns the manager and the
    /// stream of events from every session.
    pub fn new(
        local: LocalIdentity,
        listen: Option<(Option<IpAddr>, u16)>,
    ) -> std::io::Result<(PeerManager, mpsc::UnboundedReceiver<PeerEvent>)> {
        let (events, rx) = mpsc::unbounded_channel();
        let routes: Routes = Arc::default();
        let listener = match listen {
            Some((addr, port)) => Some(Arc::new(transport::listen(addr, port)?)),
            None => None,
        };
        let accept_task = listener
            .clone()
            .map(|l| tokio::spawn(accept_loop(l, routes.clone())));
        let mgr = PeerManager {
            local,
            peers: HashMap::new(),
            routes,
            events,
            listener,
            accept_task,
        };
        Ok((mgr, rx))
    }

    /// The listener's bound address (useful with port 0).
    pub fn listen_addr(&self) -> Option<std::net::SocketAddr> {
        self.listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Starts a session for `neighbor` (replacing one with the same address).
    pub fn add(&mut self, neighbor: Neighbor) -> PeerHandle {
        self.remove(neighbor.address, StopReason::Deconfigured);
        if let (Some(l), Some(pw)) = (&self.listener, &neighbor.password)
            && let Err(e) = transport::set_listener_md5(l, neighbor.address, Some(pw.expose()))
        {
            warn!(peer = %neighbor.address, error = %e, "cannot set TCP MD5 on the listener");
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let (status_tx, status_rx) = watch::channel(PeerStatus::default());
        let session = Session::new(self.local, &neighbor, rx, self.events.clone(), status_tx);
        tokio::spawn(session.run());
        let handle = PeerHandle {
            address: neighbor.address,
            commands: tx.clone(),
            status: status_rx,
        };
        if neighbor.enabled {
            handle.send(PeerCommand::Start);
        }
        self.lock_routes().insert(neighbor.address, tx);
        self.peers
            .insert(neighbor.address, (handle.clone(), neighbor));
        handle
    }

    /// Stops and forgets a session; returns whether it existed.
    pub fn remove(&mut self, address: IpAddr, reason: StopReason) -> bool {
        let Some((handle, neighbor)) = self.peers.remove(&address) else {
            return false;
        };
        self.lock_routes().remove(&address);
        handle.send(PeerCommand::Stop(reason));
        handle.send(PeerCommand::Shutdown(None, None));
        if let (Some(l), Some(_)) = (&self.listener, &neighbor.password) {
            let _ = transport::set_listener_md5(l, address, None);
        }
        true
    }

    pub fn get(&self, address: &IpAddr) -> Option<&PeerHandle> {
        self.peers.get(address).map(|(h, _)| h)
    }

    pub fn neighbor(&self, address: &IpAddr) -> Option<&Neighbor> {
        self.peers.get(address).map(|(_, n)| n)
    }

    pub fn handles(&self) -> impl Iterator<Item = &PeerHandle> {
        self.peers.values().map(|(h, _)| h)
    }

    /// Sends Cease/Administrative Shutdown to every peer and waits (bounded) until each
    /// session has queued it; the writers then flush and close.
    pub async fn shutdown(mut self, message: Option<String>) {
        if let Some(t) = self.accept_task.take() {
            t.abort();
        }
        let mut waits = Vec::new();
        for (handle, _) in self.peers.values() {
            let (tx, rx) = oneshot::channel();
            handle.send(PeerCommand::Shutdown(message.clone(), Some(tx)));
            waits.push(rx);
        }
        let all = futures_join(waits);
        if tokio::time::timeout(SHUTDOWN_GRACE, all).await.is_err() {
            warn!("some sessions did not acknowledge shutdown in time");
        }
        // Let the writer tasks flush the NOTIFICATIONs before the runtime goes away.
        tokio::time::sleep(Duration::from_millis(100)).await;
        info!(peers = self.peers.len(), "all sessions shut down");
    }

    fn lock_routes(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<IpAddr, mpsc::UnboundedSender<PeerCommand>>> {
        // A poisoned lock only means another thread panicked mid-insert; the map is fine.
        self.routes.lock().unwrap_or_else(|e| e.into_inner())
    }
}

async fn futures_join(waits: Vec<oneshot::Receiver<()>>) {
    for w in waits {
        let _ = w.await;
    }
}

async fn accept_loop(listener: Arc<TcpListener>, routes: Routes) {
    loop {
        let (stream, from) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let peer = transport::canonical(from.ip());
        let target = routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&peer)
            .cloned();
        match target {
            Some(tx) => {
                let _ = stream.set_nodelay(true);
                let _ = tx.send(PeerCommand::Incoming(stream));
            }
            None => info!(%from, "connection from an unknown address refused"),
        }
    }
}
