//! The `operator` binary: parse the command line, start the source, the reconcile loop and
//! the metrics endpoint, stop on SIGTERM / Ctrl-C without withdrawing anything.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use operator::apply::{self, LoopConfig};
use operator::cli::Cli;
use operator::ids::DIR_PREFIX;
use operator::metrics::{self, Metrics};
use operator::model::Inputs;
use operator::source::dir::{self, DirStatus};
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
        tokio::spawn(metrics::serve(addr, Arc::new(registry)));
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let (tx, rx) = watch::channel(Arc::new(Inputs::default()));
    let origins = Arc::new(Mutex::new(Default::default()));
    let watcher = tokio::spawn(dir::watch(
        cli.from_dir.clone(),
        tx,
        origins.clone(),
        stop_rx.clone(),
    ));
    let cfg = LoopConfig {
        target: cli.speaker,
        token,
        prefix: DIR_PREFIX.to_owned(),
        resync: Duration::from_secs(cli.resync_seconds.max(1)),
        probe: Duration::from_secs(1),
    };
    let reconciler = tokio::spawn(apply::run(cfg, rx, DirStatus::new(origins), m, stop_rx));
    wait_for_signal().await;
    tracing::info!("stopping; the speaker keeps what it announces");
    let _ = stop_tx.send(true);
    let _ = tokio::join!(watcher, reconciler);
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
