//! Leadership among replicas: every replica programs its own speaker, but only the holder of
//! a `coordination.k8s.io` Lease writes status and Events (kube-lease-manager). The result is
//! a `watch` of "am I the leader"; it is `false` until the Lease is acquired and whenever the
//! manager fails (then it is retried with a backoff).

use std::time::Duration;

use kube::Client;
use kube_lease_manager::LeaseManagerBuilder;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Where the Lease is and who we are.
#[derive(Clone, Debug)]
pub struct LeaseConfig {
    /// The Lease's name.
    pub name: String,
    /// The Lease's namespace.
    pub namespace: String,
    /// This replica's identity (the Pod name).
    pub identity: String,
}

/// Starts leader election; the receiver says whether this replica holds the Lease. The task
/// ends, having released the Lease (so another replica takes over at once), when `shutdown`
/// turns true.
pub fn elect(
    client: Client,
    cfg: LeaseConfig,
    mut shutdown: watch::Receiver<bool>,
) -> (watch::Receiver<bool>, JoinHandle<()>) {
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(async move {
        let mut backoff = Duration::from_secs(1);
        while !*shutdown.borrow() {
            let built = LeaseManagerBuilder::new(client.clone(), &cfg.name)
                .with_namespace(&cfg.namespace)
                .with_identity(&cfg.identity)
                .build()
                .await;
            match built {
                Ok(manager) => {
                    backoff = Duration::from_secs(1);
                    follow(manager, &tx, &mut shutdown).await;
                }
                Err(e) => {
                    tracing::warn!(lease = %cfg.name, error = %e, "leader election unavailable")
                }
            }
            tx.send_replace(false);
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = shutdown.changed() => {}
            }
            backoff = (backoff * 2).min(Duration::from_secs(30));
        }
    });
    (rx, task)
}

/// Mirrors the manager's state into `tx` until the manager stops or shutdown.
async fn follow(
    manager: kube_lease_manager::LeaseManager,
    tx: &watch::Sender<bool>,
    shutdown: &mut watch::Receiver<bool>,
) {
    let (mut state, task) = manager.watch().await;
    loop {
        let leader = *state.borrow_and_update();
        if tx.send_replace(leader) != leader {
            tracing::info!(leader, "Lease holder changed");
        }
        tokio::select! {
            r = state.changed() => if r.is_err() { break },
            _ = shutdown.changed() => break,
        }
    }
    // Dropping the receiver makes the manager release the Lease and end.
    drop(state);
    match task.await {
        Ok(Err(e)) => tracing::warn!(error = %e, "Lease manager stopped"),
        Err(e) => tracing::warn!(error = %e, "Lease manager task failed"),
        Ok(Ok(_)) => {}
    }
}
