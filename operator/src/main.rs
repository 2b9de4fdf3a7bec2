//! The `operator` binary: parse the command line, start the source (`--from-dir` or
//! Kubernetes), the reconcile loop and the metrics endpoint, stop on SIGTERM / Ctrl-C without
//! withdrawing anything.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use operator::apply::{self, LoopConfig};
use operator::cli::Cli;
use operator::ids::{DIR_PREFIX, KUBE_PREFIX};
use operator::metrics::{self, Metrics};
use operator::model::Inputs;
use operator::source::dir::{self, DirStatus};
use operator::source::kube::lease::{self, LeaseConfig};
use operator::source::kube::watch as kube_watch;
use operator::source::kube::writer::{KubeStatus, Writer};
use tokio::sync::watch;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    let token = match cli
        .token_file
        .as_ref()
        .map(std::fs::read_to_string)
        .transpose()
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("operator: --token-file: {e}");
            return ExitCode::FAILURE;
        }
    };
    let m = Metrics::default();
    if let Some(addr) = cli.metrics_addr {
        let mut registry = prometheus_client::registry::Registry::default();
        m.register(&mut registry);
        tokio::spawn(metrics::serve(addr, Arc::new(registry), m.clone()));
    }
    let cfg = LoopConfig {
        target: cli.speaker.clone(),
        token,
        prefix: String::new(),
        resync: Duration::from_secs(cli.resync_seconds.max(1)),
        probe: Duration::from_secs(1),
    };
    match cli.from_dir.clone() {
        Some(dir) => from_dir(dir, cfg, m).await,
        None => kubernetes(&cli, cfg, m).await,
    }
}

async fn from_dir(dir: PathBuf, mut cfg: LoopConfig, m: Metrics) -> ExitCode {
    cfg.prefix = DIR_PREFIX.to_owned();
    let (stop_tx, stop_rx) = watch::channel(false);
    // The reconcile loop waits for the watcher's first complete read (see apply::run).
    let (tx, rx) = watch::channel(Arc::new(Inputs::default()));
    let origins = Arc::new(Mutex::new(Default::default()));
    let watcher = tokio::spawn(dir::watch(dir, tx, origins.clone(), stop_rx.clone()));
    let reconciler = tokio::spawn(apply::run(cfg, rx, DirStatus::new(origins), m, stop_rx));
    wait_for_signal().await;
    tracing::info!("stopping; the speaker keeps what it announces");
    let _ = stop_tx.send(true);
    let _ = tokio::join!(watcher, reconciler);
    ExitCode::SUCCESS
}

async fn kubernetes(cli: &Cli, mut cfg: LoopConfig, m: Metrics) -> ExitCode {
    cfg.prefix = KUBE_PREFIX.to_owned();
    let client = match kube::Client::try_default().await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("operator: no Kubernetes configuration (in-cluster or KUBECONFIG): {e}");
            return ExitCode::FAILURE;
        }
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let source = kube_watch::start(&client, cli.namespace.as_deref(), stop_rx.clone());
    let stores = source.stores.clone();
    let (tx, rx) = watch::channel(Arc::new(Inputs::default()));
    let publisher = tokio::spawn(source.publish(client.clone(), cfg.resync, tx, stop_rx.clone()));
    let identity = cli.identity();
    let lease_cfg = LeaseConfig {
        name: cli.lease_name.clone(),
        namespace: cli.lease_namespace(),
        identity: identity.clone(),
    };
    let (leader, election) = lease::elect(client.clone(), lease_cfg, stop_rx.clone());
    let (sink, batches) = KubeStatus::channel();
    let ready = m.clone();
    let writer = Writer::new(client, stores, leader, &identity)
        .with_reached_speaker(move || ready.reached_speaker());
    let writer = tokio::spawn(writer.run(batches, stop_rx.clone()));
    let signal = wait_for_signal();
    tokio::pin!(signal);
    // The reconcile loop starts only with complete initial lists (see source::kube).
    // Waits on a clone, so the loop below still sees that first send as a change.
    let mut probe = rx.clone();
    let listed = tokio::select! {
        ok = kube_watch::first(&mut probe) => ok,
        _ = &mut signal => false,
    };
    let reconciler = listed.then(|| tokio::spawn(apply::run(cfg, rx, sink, m, stop_rx)));
    if listed {
        signal.await;
    }
    tracing::info!("stopping; the speaker keeps what it announces");
    let _ = stop_tx.send(true);
    let _ = tokio::join!(publisher, writer, election);
    if let Some(r) = reconciler {
        let _ = r.await;
    }
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}
