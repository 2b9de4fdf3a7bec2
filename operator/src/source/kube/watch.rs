//! The reflectors and the publisher of [`Inputs`].
//!
//! One kube-runtime reflector per kind keeps a store of the objects. The publisher waits until
//! every store holds its initial list (publishing earlier would make the differ withdraw what
//! it has not seen yet), then sends one `Inputs` per burst of changes: after a change it waits
//! [`DEBOUNCE`] and converts the stores as they are then, so 10 000 objects created together
//! become one reconcile pass. Secrets are re-read when a `BgpNeighbor` changes and at every
//! resync.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;
use kube::Client;
use kube::core::DynamicObject;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use tokio::sync::{Notify, watch};

use super::convert::{self, Snapshot};
use super::kinds::Kind;
use super::secrets;
use crate::model::Inputs;

/// How long a burst of changes is collected before the stores are converted.
pub const DEBOUNCE: Duration = Duration::from_millis(75);

/// Read handles on the reflectors' stores, one per kind.
#[derive(Clone)]
pub struct Stores {
    neighbors: Store<DynamicObject>,
    flowspecs: Store<DynamicObject>,
    routes: Store<DynamicObject>,
    policies: Store<DynamicObject>,
}

/// The write ends of the stores (the reflectors own them; tests fill them by hand).
pub struct Writers {
    /// `BgpNeighbor`s.
    pub neighbors: reflector::store::Writer<DynamicObject>,
    /// `FlowSpecRule`s.
    pub flowspecs: reflector::store::Writer<DynamicObject>,
    /// `InjectedRoute`s.
    pub routes: reflector::store::Writer<DynamicObject>,
    /// `RoutePolicy`s.
    pub policies: reflector::store::Writer<DynamicObject>,
}

/// Empty stores and their writers.
pub fn stores() -> (Stores, Writers) {
    let w = Writers {
        neighbors: reflector::store::Writer::new(Kind::BgpNeighbor.resource()),
        flowspecs: reflector::store::Writer::new(Kind::FlowSpecRule.resource()),
        routes: reflector::store::Writer::new(Kind::InjectedRoute.resource()),
        policies: reflector::store::Writer::new(Kind::RoutePolicy.resource()),
    };
    let s = Stores {
        neighbors: w.neighbors.as_reader(),
        flowspecs: w.flowspecs.as_reader(),
        routes: w.routes.as_reader(),
        policies: w.policies.as_reader(),
    };
    (s, w)
}

impl Stores {
    fn of(&self, kind: Kind) -> &Store<DynamicObject> {
        match kind {
            Kind::BgpNeighbor => &self.neighbors,
            Kind::FlowSpecRule => &self.flowspecs,
            Kind::InjectedRoute => &self.routes,
            Kind::RoutePolicy => &self.policies,
        }
    }

    /// The stored object `kind` `namespace`/`name`.
    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Option<Arc<DynamicObject>> {
        let mut r = ObjectRef::new_with(name, kind.resource());
        if kind.namespaced() {
            r = r.within(namespace);
        }
        self.of(kind).get(&r)
    }

    /// Every stored object.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            neighbors: self.neighbors.state(),
            flowspecs: self.flowspecs.state(),
            routes: self.routes.state(),
            policies: self.policies.state(),
        }
    }

    /// Resolves once every store holds its initial list.
    async fn ready(&self) {
        for k in Kind::ALL {
            // Err only when the reflector is gone, i.e. at shutdown.
            let _ = self.of(k).wait_until_ready().await;
        }
    }
}

/// The running watch: stores plus what wakes the publisher.
pub struct Source {
    /// The stores (also read by the status writer).
    pub stores: Stores,
    changed: Arc<Notify>,
    neighbors_changed: Arc<AtomicBool>,
}

/// Starts the reflectors (namespaced kinds in `namespace` only, when given); they run until
/// `shutdown`.
pub fn start(client: &Client, namespace: Option<&str>, shutdown: watch::Receiver<bool>) -> Source {
    let (stores, writers) = stores();
    let changed = Arc::new(Notify::new());
    let neighbors_changed = Arc::new(AtomicBool::new(true));
    let Writers {
        neighbors,
        flowspecs,
        routes,
        policies,
    } = writers;
    for (kind, writer) in [
        (Kind::BgpNeighbor, neighbors),
        (Kind::FlowSpecRule, flowspecs),
        (Kind::InjectedRoute, routes),
        (Kind::RoutePolicy, policies),
    ] {
        let api = kind.watch_api(client.clone(), namespace);
        let flag = (kind == Kind::BgpNeighbor).then(|| neighbors_changed.clone());
        tokio::spawn(reflect(
            kind,
            api,
            writer,
            changed.clone(),
            flag,
            shutdown.clone(),
        ));
    }
    Source {
        stores,
        changed,
        neighbors_changed,
    }
}

async fn reflect(
    kind: Kind,
    api: kube::Api<DynamicObject>,
    writer: reflector::store::Writer<DynamicObject>,
    changed: Arc<Notify>,
    neighbors: Option<Arc<AtomicBool>>,
    mut shutdown: watch::Receiver<bool>,
) {
    let stream = watcher(api, watcher::Config::default())
        .default_backoff()
        .reflect(writer);
    let mut stream = std::pin::pin!(stream);
    loop {
        tokio::select! {
            ev = stream.next() => match ev {
                Some(Ok(_)) => {
                    if let Some(f) = &neighbors {
                        f.store(true, Ordering::Release);
                    }
                    changed.notify_one();
                }
                Some(Err(e)) => tracing::warn!(kind = kind.name(), error = %e, "watch failed; retrying"),
                None => return,
            },
            _ = shutdown.changed() => return,
        }
    }
}

impl Source {
    /// Publishes `Inputs` on `tx` after the initial lists and after every burst of changes,
    /// re-reading Secrets at least every `resync`, until `shutdown`.
    pub async fn publish(
        self,
        client: Client,
        resync: Duration,
        tx: watch::Sender<Arc<Inputs>>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        tokio::select! {
            _ = self.stores.ready() => {}
            _ = shutdown.changed() => return,
        }
        tracing::info!("initial lists complete");
        let mut secret_values = Default::default();
        let mut refresh = true;
        let mut first = true;
        while !*shutdown.borrow() {
            let snap = self.stores.snapshot();
            if refresh || self.neighbors_changed.swap(false, Ordering::AcqRel) {
                secret_values =
                    secrets::fetch(&client, &secrets::referenced(&snap.neighbors)).await;
            }
            let inputs = convert::inputs(&snap, std::mem::take(&mut secret_values));
            secret_values = inputs.secrets.clone();
            // The first send always notifies: the reconcile loop waits for it (see `first`).
            tx.send_if_modified(|cur| {
                let changed = first || **cur != inputs;
                *cur = Arc::new(inputs);
                changed
            });
            first = false;
            tokio::select! {
                _ = self.changed.notified() => {
                    tokio::time::sleep(DEBOUNCE).await;
                    refresh = false;
                }
                _ = tokio::time::sleep(resync) => refresh = true,
                _ = shutdown.changed() => return,
            }
        }
    }
}

/// Waits for the first `Inputs` the publisher sends (the initial lists are complete then);
/// false if the publisher ended first. The reconcile loop must not start before: with an
/// empty input it would withdraw every `k8s:` id.
pub async fn first(rx: &mut watch::Receiver<Arc<Inputs>>) -> bool {
    rx.changed().await.is_ok()
}
