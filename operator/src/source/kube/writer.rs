//! Status and Events to the API server.
//!
//! [`KubeStatus`] is the reconcile loop's [`StatusSink`]: it only hands the latest statuses
//! to a `watch` channel, so a slow API server never delays reconciling (and a backlog
//! collapses to the newest batch). [`Writer`] drains that channel in its own task:
//!
//! - it writes only while this replica holds the Lease (every replica programs its own
//!   speaker; the status shows the Lease holder's speaker);
//! - it writes an object only when its status differs from the one the object carries (or
//!   the one it wrote last, while the watch has not caught up): 10 000 unchanged objects
//!   cost no request;
//! - writes are server-side apply patches of `/status`, field manager [`FIELD_MANAGER`],
//!   forced, several in flight at once;
//! - 404 (the object was deleted meanwhile) is dropped quietly; 409 and other errors are
//!   logged and retried on the next batch or after [`RETRY`], never blocking other objects;
//! - Events ([`super::events`]) follow a successful write that changed something;
//! - until a reconcile pass has reached the speaker once, a "speaker unavailable" status is
//!   held back, so a starting operator does not flip every object to Unknown.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::ObjectReference;
use kube::api::{Patch, PatchParams};
use kube::runtime::events::{Recorder, Reporter};
use kube::{Client, ResourceExt};
use serde_json::Value;
use tokio::sync::watch;

use super::FIELD_MANAGER;
use super::events::transitions;
use super::kinds::Kind;
use super::status::{apply_body, keep_live_times, owned, status_value};
use super::watch::Stores;
use crate::apply::StatusSink;
use crate::crd::common::condition_type as ct;
use crate::ids::KUBE_PREFIX;
use crate::plan::Plan as ReconcilePlan;
use crate::status::ObjectStatus;

/// How soon failed writes are retried when no new batch comes.
pub const RETRY: Duration = Duration::from_secs(5);
/// Status writes in flight at once.
pub const CONCURRENCY: usize = 16;

/// One object's computed status.
#[derive(Clone, Debug)]
pub struct Item {
    /// Its kind.
    pub kind: Kind,
    /// Its namespace (empty for `BgpNeighbor`).
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Its uid.
    pub uid: String,
    /// The status the reconcile pass computed.
    pub status: ObjectStatus,
}

/// The statuses of one reconcile pass.
pub type Batch = Arc<Vec<Item>>;

/// The reconcile loop's status sink for the Kubernetes source.
pub struct KubeStatus {
    tx: watch::Sender<Batch>,
}

impl KubeStatus {
    /// A sink and the receiver its [`Writer`] drains.
    pub fn channel() -> (KubeStatus, watch::Receiver<Batch>) {
        let (tx, rx) = watch::channel(Batch::default());
        (KubeStatus { tx }, rx)
    }
}

impl StatusSink for KubeStatus {
    fn publish(&mut self, plan: &ReconcilePlan, statuses: &[ObjectStatus]) {
        let items: Vec<Item> = plan
            .objects
            .iter()
            .zip(statuses)
            .filter_map(|(p, s)| {
                Some(Item {
                    kind: Kind::from_name(&p.key.kind)?,
                    namespace: p.key.namespace.clone(),
                    name: p.key.name.clone(),
                    uid: p.id.strip_prefix(KUBE_PREFIX)?.to_owned(),
                    status: s.clone(),
                })
            })
            .collect();
        self.tx.send_replace(Arc::new(items));
    }
}

/// What one pass of the writer did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Status patches that succeeded.
    pub written: usize,
    /// Objects whose status was already right.
    pub unchanged: usize,
    /// Objects no longer there (not in the store, or 404).
    pub gone: usize,
    /// 409 answers (retried later).
    pub conflicts: usize,
    /// Other failures (retried later).
    pub failed: usize,
    /// Held back: not the leader, or speaker never reached yet.
    pub held: usize,
}

/// What the object carries (as far as we know) and the computed status it came from.
struct Written {
    status: Value,
    resource_version: Option<String>,
    from: ObjectStatus,
}

struct Job {
    item: Item,
    prev: Value,
    new: Value,
    resource_version: Option<String>,
}

/// What one object needs.
enum Plan {
    /// Not in the store (deleted), or re-created under another uid.
    Gone,
    /// Nothing to write; what we learnt about the object, to skip it faster next time.
    Unchanged(Option<Written>),
    /// A status patch.
    Write(Job),
}

enum Outcome {
    Written,
    Gone,
    Conflict,
    Failed,
}

/// Writes status and Events for the objects of each batch.
pub struct Writer {
    client: Client,
    stores: Stores,
    recorder: Recorder,
    leader: watch::Receiver<bool>,
    reached_speaker: Arc<dyn Fn() -> bool + Send + Sync>,
    concurrency: usize,
    written: HashMap<String, Written>,
}

impl Writer {
    /// A writer that acts while `leader` is true; `identity` names this replica in Events.
    pub fn new(
        client: Client,
        stores: Stores,
        leader: watch::Receiver<bool>,
        identity: &str,
    ) -> Self {
        let reporter = Reporter {
            controller: FIELD_MANAGER.to_owned(),
            instance: Some(identity.to_owned()),
        };
        Writer {
            recorder: Recorder::new(client.clone(), reporter),
            client,
            stores,
            leader,
            reached_speaker: Arc::new(|| true),
            concurrency: CONCURRENCY,
            written: HashMap::new(),
        }
    }

    /// Whether a reconcile pass has reached the speaker yet (default: assume so).
    pub fn with_reached_speaker(mut self, f: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        self.reached_speaker = Arc::new(f);
        self
    }

    /// Writes in flight at once (default [`CONCURRENCY`]).
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Drains `batches` until `shutdown`: a pass per new batch, per Lease acquisition, and
    /// [`RETRY`] after a pass that left failures.
    pub async fn run(
        mut self,
        mut batches: watch::Receiver<Batch>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut retry = false;
        let mut leader_open = true;
        loop {
            tokio::select! {
                r = batches.changed() => if r.is_err() { return },
                r = self.leader.changed(), if leader_open => leader_open = r.is_ok(),
                _ = tokio::time::sleep(RETRY), if retry => {}
                _ = shutdown.changed() => return,
            }
            let batch = batches.borrow_and_update().clone();
            // A first pass over 10 000 objects takes a while: do not hold up shutdown.
            tokio::select! {
                r = self.pass(&batch) => retry = r.conflicts + r.failed > 0,
                _ = shutdown.changed() => return,
            }
        }
    }

    /// Writes what changed in `items`; returns what happened.
    pub async fn pass(&mut self, items: &[Item]) -> Report {
        let mut report = Report::default();
        if !*self.leader.borrow() {
            // Another replica writes; forget ours so that a later Lease starts from the live state.
            self.written.clear();
            report.held = items.len();
            return report;
        }
        let reached = (self.reached_speaker)();
        let mut jobs = Vec::new();
        for item in items {
            if !reached && speaker_unavailable(&item.status) {
                report.held += 1;
                continue;
            }
            match self.job(item) {
                Plan::Write(job) => jobs.push(job),
                Plan::Unchanged(seen) => {
                    report.unchanged += 1;
                    if let Some(w) = seen {
                        self.written.insert(item.uid.clone(), w);
                    }
                }
                Plan::Gone => report.gone += 1,
            }
        }
        let this = &*self;
        let results: Vec<(Job, Outcome)> = futures::stream::iter(jobs)
            .map(|job| async move {
                let outcome = this.write(&job).await;
                (job, outcome)
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        for (job, outcome) in results {
            self.record(job, outcome, &mut report);
        }
        let live: std::collections::HashSet<&str> = items.iter().map(|i| i.uid.as_str()).collect();
        self.written.retain(|uid, _| live.contains(uid.as_str()));
        report
    }

    /// What to do for one object.
    fn job(&self, item: &Item) -> Plan {
        let Some(live) = self.stores.get(item.kind, &item.namespace, &item.name) else {
            return Plan::Gone;
        };
        if live.uid().as_deref() != Some(item.uid.as_str()) {
            return Plan::Gone;
        }
        let resource_version = live.resource_version();
        let known = self.written.get(&item.uid);
        // Fast path: same computed status, and the object has not changed since.
        if known.is_some_and(|w| w.resource_version == resource_version && w.from == item.status) {
            return Plan::Unchanged(None);
        }
        let prev = match known {
            // The store has not seen our last write yet: compare with what we wrote.
            Some(w) if w.resource_version == resource_version => w.status.clone(),
            _ => owned(item.kind, live.data.get("status").unwrap_or(&Value::Null)),
        };
        let generation = live.metadata.generation.unwrap_or(1);
        let spec = live.data.get("spec").unwrap_or(&Value::Null);
        let mut new = status_value(item.kind, &item.status, generation, spec);
        keep_live_times(&mut new, &prev);
        if new == prev {
            return Plan::Unchanged(Some(Written {
                status: prev,
                resource_version,
                from: item.status.clone(),
            }));
        }
        Plan::Write(Job {
            item: item.clone(),
            prev,
            new,
            resource_version,
        })
    }

    async fn write(&self, job: &Job) -> Outcome {
        let it = &job.item;
        let api = it.kind.object_api(self.client.clone(), &it.namespace);
        let params = PatchParams::apply(FIELD_MANAGER).force();
        let body = apply_body(it.kind, &job.new);
        match api
            .patch_status(&it.name, &params, &Patch::Apply(&body))
            .await
        {
            Ok(_) => {
                self.events(job).await;
                Outcome::Written
            }
            Err(kube::Error::Api(s)) if s.code == 404 => {
                tracing::debug!(object = %object(it), "deleted before its status was written");
                Outcome::Gone
            }
            Err(kube::Error::Api(s)) if s.code == 409 => {
                tracing::info!(object = %object(it), "status write conflict; retrying later");
                Outcome::Conflict
            }
            Err(e) => {
                tracing::warn!(object = %object(it), error = %e, "cannot write status");
                Outcome::Failed
            }
        }
    }

    async fn events(&self, job: &Job) {
        let it = &job.item;
        let reference = ObjectReference {
            api_version: Some(it.kind.api_version()),
            kind: Some(it.kind.name().to_owned()),
            name: Some(it.name.clone()),
            namespace: it.kind.namespaced().then(|| it.namespace.clone()),
            uid: Some(it.uid.clone()),
            ..Default::default()
        };
        for t in transitions(it.kind, &job.prev, &job.new) {
            if let Err(e) = self.recorder.publish(&t.event(), &reference).await {
                tracing::warn!(object = %object(it), reason = t.reason, error = %e, "cannot post Event");
            }
        }
    }

    fn record(&mut self, job: Job, outcome: Outcome, report: &mut Report) {
        match outcome {
            Outcome::Written => {
                report.written += 1;
                self.written.insert(
                    job.item.uid,
                    Written {
                        status: job.new,
                        resource_version: job.resource_version,
                        from: job.item.status,
                    },
                );
            }
            Outcome::Gone => {
                report.gone += 1;
                self.written.remove(&job.item.uid);
            }
            Outcome::Conflict => report.conflicts += 1,
            Outcome::Failed => report.failed += 1,
        }
    }
}

fn object(it: &Item) -> String {
    if it.namespace.is_empty() {
        format!("{}/{}", it.kind.name(), it.name)
    } else {
        format!("{}/{}/{}", it.kind.name(), it.namespace, it.name)
    }
}

fn speaker_unavailable(s: &ObjectStatus) -> bool {
    s.conditions
        .iter()
        .any(|c| c.type_ == ct::PROGRAMMED && c.reason == "SpeakerUnavailable")
}
