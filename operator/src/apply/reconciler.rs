//! The reconcile loop.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::watch;

use super::client::{ApplyError, Held, Refused, Sessions, SpeakerClient, Target};
use crate::diff;
use crate::ids::neighbor_id;
use crate::metrics::{Metrics, kind};
use crate::model::Inputs;
use crate::plan::{Outcome, Plan, plan};
use crate::status::session::session_of;
use crate::status::{ObjectStatus, SpeakerView, compute};

/// Where status goes: the directory source writes files, the Kubernetes source will patch
/// the objects' status subresource.
pub trait StatusSink: Send {
    /// Called after every reconcile pass with the plan and every object's status.
    fn publish(&mut self, plan: &Plan, statuses: &[ObjectStatus]);
}

/// Settings of the loop.
#[derive(Clone, Debug)]
pub struct LoopConfig {
    /// The speaker.
    pub target: Target,
    /// Bearer token for TCP.
    pub token: Option<String>,
    /// The id prefix of the source (`dir:`, `k8s:`): only those ids are garbage-collected.
    pub prefix: String,
    /// Full re-list and diff at least this often (drift repair).
    pub resync: Duration,
    /// How often the speaker's instance id is checked (restart detection).
    pub probe: Duration,
}

struct State {
    client: Option<SpeakerClient>,
    instance: Option<String>,
    backoff: Duration,
    replay: bool,
    dirty: bool,
    last_pass: Option<Instant>,
    next_expiry: Option<SystemTime>,
    statuses: BTreeMap<String, ObjectStatus>,
}

/// Runs until `shutdown` turns true. Inputs arrive on `inputs`; every change is reconciled.
/// The first pass waits for the source's first send (its first complete read), so the
/// source must send once even when it found nothing.
pub async fn run(
    cfg: LoopConfig,
    mut inputs: watch::Receiver<Arc<Inputs>>,
    mut sink: impl StatusSink,
    metrics: Metrics,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut st = State {
        client: None,
        instance: None,
        backoff: Duration::from_millis(100),
        replay: true,
        dirty: true,
        last_pass: None,
        next_expiry: None,
        statuses: BTreeMap::new(),
    };
    // Nothing is known until the source has sent its first complete view: a pass on the
    // initial empty one would delete everything the speaker holds for us.
    tokio::select! {
        r = inputs.changed() => if r.is_err() { return; },
        _ = shutdown.changed() => return,
    }
    while !*shutdown.borrow() {
        step(&cfg, &inputs, &mut sink, &metrics, &mut st).await;
        let wait = wait_time(&cfg, &st);
        tokio::select! {
            r = inputs.changed() => {
                if r.is_err() { return; }
                st.dirty = true;
            }
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => {}
        }
    }
}

fn wait_time(cfg: &LoopConfig, st: &State) -> Duration {
    let mut wait = if st.client.is_none() {
        st.backoff
    } else {
        cfg.probe
    };
    if let Some(at) = st.next_expiry {
        wait = wait.min(at.duration_since(SystemTime::now()).unwrap_or_default());
    }
    wait
}

async fn step(
    cfg: &LoopConfig,
    inputs: &watch::Receiver<Arc<Inputs>>,
    sink: &mut impl StatusSink,
    metrics: &Metrics,
    st: &mut State,
) {
    if st.client.is_none() {
        match SpeakerClient::connect(&cfg.target, cfg.token.as_deref()).await {
            Ok(c) => {
                st.client = Some(c);
                st.backoff = Duration::from_millis(100);
                st.replay = true;
            }
            Err(e) => {
                tracing::warn!(error = %e, "speaker unreachable; retrying in {:?}", st.backoff);
                st.backoff = (st.backoff * 2).min(Duration::from_secs(5));
                if st.dirty {
                    let current = inputs.borrow().clone();
                    publish(
                        &plan(&current, SystemTime::now()),
                        &SpeakerView::default(),
                        sink,
                        st,
                    );
                }
                return;
            }
        }
    }
    if let Err(e) = pass(cfg, inputs, sink, metrics, st).await {
        tracing::warn!(error = %e, "reconcile failed; reconnecting");
        st.client = None;
        st.replay = true;
    }
}

async fn pass(
    cfg: &LoopConfig,
    inputs: &watch::Receiver<Arc<Inputs>>,
    sink: &mut impl StatusSink,
    metrics: &Metrics,
    st: &mut State,
) -> Result<(), ApplyError> {
    let Some(client) = st.client.as_mut() else {
        return Ok(());
    };
    let instance = client.instance_id().await?;
    if st.instance.as_ref().is_some_and(|old| *old != instance) {
        tracing::info!(%instance, "speaker restarted; replaying the desired state");
        metrics.replays.inc();
        st.replay = true;
    }
    st.instance = Some(instance);
    let now = SystemTime::now();
    let expired = st.next_expiry.is_some_and(|at| at <= now);
    let resync = st.last_pass.is_none_or(|t| t.elapsed() >= cfg.resync);
    // A session that went up or down is reported at the next probe, not the next resync.
    let quiet = !(st.dirty || st.replay || expired || resync);
    if quiet && !client.sessions_changed().await? {
        return Ok(());
    }
    let started = Instant::now();
    let current = inputs.borrow().clone();
    let plan = plan(&current, now);
    let planned = started.elapsed();
    let actual = client.list().await?;
    let listed = started.elapsed();
    let ops = if st.replay {
        diff::replay(&plan.desired, &actual, &cfg.prefix)
    } else {
        diff::diff(&plan.desired, &actual, &cfg.prefix)
    };
    // At 10k objects each of these is ~15 MB: the peak is lower when they are gone before
    // the status is computed.
    drop(actual);
    let op_count = ops.count();
    if op_count > 0 {
        tracing::info!(ops = op_count, replay = st.replay, "applying");
    }
    let refused = client.apply(&ops).await?;
    drop(ops);
    let applied = started.elapsed();
    let held = client.held().await?;
    let view = view_of(held, refused, client.sessions(), &cfg.prefix);
    record_metrics(metrics, &plan, &view, started);
    publish(&plan, &view, sink, st);
    // Where a slow pass spends its time (milliseconds since the pass began).
    tracing::debug!(
        objects = plan.objects.len(),
        ops = op_count,
        planned_ms = planned.as_millis(),
        listed_ms = listed.as_millis(),
        applied_ms = applied.as_millis(),
        done_ms = started.elapsed().as_millis(),
        "reconcile pass"
    );
    st.next_expiry = plan.next_expiry;
    st.dirty = false;
    st.replay = false;
    st.last_pass = Some(Instant::now());
    Ok(())
}

fn view_of(after: Held, mut refused: Refused, sessions: &Sessions, prefix: &str) -> SpeakerView {
    let mut held = after.ids;
    held.extend(
        after
            .neighbors
            .iter()
            .filter_map(|n| neighbor_id(&n.description, prefix))
            .map(str::to_owned),
    );
    // Refused neighbors are keyed by address by the client; re-key them by id.
    let by_addr: BTreeMap<&str, &str> = after
        .neighbors
        .iter()
        .filter_map(|n| Some((n.address.as_str(), neighbor_id(&n.description, prefix)?)))
        .collect();
    refused = refused
        .into_iter()
        .map(|(k, v)| (by_addr.get(k.as_str()).map_or(k, |id| (*id).to_owned()), v))
        .collect();
    let sessions = sessions
        .iter()
        .filter_map(|(addr, s)| Some(((*by_addr.get(addr.as_str())?).to_owned(), session_of(s))))
        .collect();
    SpeakerView {
        connected: true,
        held,
        advertised: after.advertised,
        refused,
        sessions,
    }
}

/// The kinds the gauges always report.
const KINDS: [&str; 4] = [
    "BgpNeighbor",
    "FlowSpecRule",
    "InjectedRoute",
    "RoutePolicy",
];

fn record_metrics(metrics: &Metrics, plan: &Plan, view: &SpeakerView, started: Instant) {
    metrics.duration.observe(started.elapsed().as_secs_f64());
    metrics.passes.inc();
    // Every kind starts at 0, so the gauges drop to 0 when the last object of a kind goes.
    let zero = || -> BTreeMap<&str, i64> { KINDS.iter().map(|k| (*k, 0)).collect() };
    let mut desired = zero();
    let mut programmed = zero();
    for o in &plan.objects {
        let k = o.key.kind.as_str();
        metrics.reconciles.get_or_create(&kind(k)).inc();
        if matches!(o.outcome, Outcome::Rejected(_)) || view.refused.contains_key(&o.id) {
            metrics.errors.get_or_create(&kind(k)).inc();
        }
        *desired.entry(k).or_default() += i64::from(o.outcome == Outcome::Desired);
        *programmed.entry(k).or_default() += i64::from(view.held.contains(&o.id));
    }
    for (k, n) in desired {
        metrics.desired.get_or_create(&kind(k)).set(n);
    }
    for (k, n) in programmed {
        metrics.programmed.get_or_create(&kind(k)).set(n);
    }
}

fn publish(plan: &Plan, view: &SpeakerView, sink: &mut impl StatusSink, st: &mut State) {
    let now = SystemTime::now();
    let statuses: Vec<ObjectStatus> = plan
        .objects
        .iter()
        .map(|p| compute(p, view, st.statuses.get(&p.id), now))
        .collect();
    sink.publish(plan, &statuses);
    // Moved, not cloned: the previous statuses are only needed for transition times.
    st.statuses = plan
        .objects
        .iter()
        .map(|p| p.id.clone())
        .zip(statuses)
        .collect();
}
