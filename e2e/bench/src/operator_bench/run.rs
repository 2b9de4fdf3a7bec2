//! The measured run: receiver, speaker and operator processes, and the three phases.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use bench::BoxError;
use bench::ours::Ours;
use bench::process::{self, Guard};
use bench::receiver::{Receiver, SAFI_FLOWSPEC};
use testbed::PeerSpec;

use crate::{Args, manifests, metrics};

/// How often the gauge and the receiver are polled.
pub const POLL: Duration = Duration::from_millis(20);
const ESTABLISH_TIMEOUT: Duration = Duration::from_secs(30);
const PHASE_TIMEOUT: Duration = Duration::from_secs(120);

/// One phase's times.
#[derive(Default)]
pub struct Phase {
    pub name: &'static str,
    pub programmed: Option<Duration>,
    pub at_gobgpd: Option<Duration>,
    /// The fewest rules gobgpd held at any poll of the phase.
    pub min_at_gobgpd: Option<u64>,
    pub error: Option<String>,
}

/// Everything measured.
#[derive(Default)]
pub struct Report {
    pub phases: Vec<Phase>,
    pub operator_hwm_kib: Option<u64>,
    pub operator_cpu: Option<f64>,
    pub speaker_hwm_kib: Option<u64>,
    pub speaker_cpu: Option<f64>,
}

/// `operator` next to this binary (same target dir and profile), or `$OPERATOR_BIN`.
fn operator_binary() -> Result<PathBuf, BoxError> {
    if let Some(p) = std::env::var_os("OPERATOR_BIN") {
        return Ok(p.into());
    }
    let p = std::env::current_exe()?.with_file_name("operator");
    if p.is_file() {
        return Ok(p);
    }
    Err(format!(
        "{} not found: build it with `cargo build --release --bin operator` (or set OPERATOR_BIN)",
        p.display()
    )
    .into())
}

fn start_operator(
    dir: &Path,
    grpc: &str,
    metrics: SocketAddr,
    log: &str,
) -> Result<Guard, BoxError> {
    let mut cmd = Command::new(operator_binary()?);
    cmd.arg("--from-dir")
        .arg(dir.join("crs"))
        .arg("--speaker")
        .arg(grpc)
        .arg("--metrics-addr")
        .arg(metrics.to_string())
        .env("RUST_LOG", "info,operator=debug")
        .env("NO_COLOR", "1");
    Ok(Guard::spawn("operator", cmd, &dir.join(log))?)
}

/// What a phase waits for.
struct Want {
    name: &'static str,
    count: u64,
}

/// Polls the operator's gauge and the receiver until both show `want.count`.
async fn measure(
    rx: &mut Receiver,
    speaker: IpAddr,
    op: &mut Guard,
    gauge: SocketAddr,
    want: Want,
    t0: Instant,
) -> Phase {
    let mut p = Phase {
        name: want.name,
        ..Phase::default()
    };
    let mut seen = (None, 0);
    while p.programmed.is_none() || p.at_gobgpd.is_none() {
        if p.programmed.is_none() {
            // Refused connections are normal until the operator listens.
            seen.0 = tokio::task::block_in_place(|| metrics::programmed(gauge)).unwrap_or(None);
            if seen.0 == Some(want.count) {
                p.programmed = Some(t0.elapsed());
            }
        }
        if p.at_gobgpd.is_none() {
            match rx.count(speaker, SAFI_FLOWSPEC).await {
                Ok(n) => {
                    p.min_at_gobgpd = Some(p.min_at_gobgpd.map_or(n, |m| m.min(n)));
                    seen.1 = n;
                    if n == want.count {
                        p.at_gobgpd = Some(t0.elapsed());
                    }
                }
                Err(e) => p.error = Some(e.to_string()),
            }
        }
        if let Err(e) = op.check_running() {
            p.error = Some(e);
            return p;
        }
        if t0.elapsed() > PHASE_TIMEOUT {
            p.error = Some(format!(
                "after {PHASE_TIMEOUT:?}: gauge {:?}, gobgpd {} (want {})",
                seen.0, seen.1, want.count
            ));
            return p;
        }
        tokio::time::sleep(POLL).await;
    }
    p
}

/// Runs the three phases and reads the processes' peak RSS at the end.
pub async fn run(args: &Args) -> Result<Report, BoxError> {
    let work = tempfile::Builder::new()
        .prefix("operator-bench-")
        .tempdir()?;
    let crs = work.path().join("crs");
    std::fs::create_dir(&crs)?;
    let files = manifests::generate(args.rules, args.files);

    let me = PeerSpec::loopback_v4(65001)?;
    let mut rx = Receiver::start(&me).await?;
    let ours = Ours::start(me.clone(), &rx.spec).await?;
    rx.wait_established(me.local_addr, ESTABLISH_TIMEOUT)
        .await
        .map_err(|e| format!("{e}\nrustbgpd log:\n{}", ours.log_tail()))?;
    let gauge = SocketAddr::new(me.local_addr, testbed::addr::free_port(me.local_addr)?);
    let n = args.rules as u64;
    let mut report = Report::default();

    let paths = manifests::write_all(&crs, &files)?;
    eprintln!(
        "operator-bench: {} rules written; starting the operator",
        args.rules
    );
    let t0 = Instant::now();
    let mut op = start_operator(work.path(), &ours.grpc, gauge, "operator-1.log")?;
    let want = Want {
        name: "cold start (files exist)",
        count: n,
    };
    report
        .phases
        .push(measure(&mut rx, me.local_addr, &mut op, gauge, want, t0).await);

    eprintln!("operator-bench: removing the files");
    let t0 = Instant::now();
    manifests::remove_all(&paths)?;
    let want = Want {
        name: "delete all files",
        count: 0,
    };
    report
        .phases
        .push(measure(&mut rx, me.local_addr, &mut op, gauge, want, t0).await);

    eprintln!("operator-bench: writing the files while the operator runs");
    let t0 = Instant::now();
    manifests::write_all(&crs, &files)?;
    let want = Want {
        name: "write files (operator running)",
        count: n,
    };
    report
        .phases
        .push(measure(&mut rx, me.local_addr, &mut op, gauge, want, t0).await);

    // The operator killed and restarted while the speaker holds everything: its first pass
    // must find nothing to do (gobgpd's count never drops).
    let before = (process::vm_hwm_kib(op.pid()), process::cpu_secs(op.pid()));
    eprintln!("operator-bench: kill -9 of the operator, and a new one");
    // SAFETY: kill(2) on our own child's pid, which we have not reaped yet.
    unsafe {
        libc::kill(op.pid() as libc::pid_t, libc::SIGKILL);
    }
    op.stop();
    let t0 = Instant::now();
    let mut op = start_operator(work.path(), &ours.grpc, gauge, "operator-2.log")?;
    let want = Want {
        name: "operator kill -9 + restart",
        count: n,
    };
    report
        .phases
        .push(measure(&mut rx, me.local_addr, &mut op, gauge, want, t0).await);

    report.operator_hwm_kib = before.0.max(process::vm_hwm_kib(op.pid()));
    report.operator_cpu = before.1;
    report.speaker_hwm_kib = process::vm_hwm_kib(ours.proc.pid());
    report.speaker_cpu = process::cpu_secs(ours.proc.pid());
    // Where the operators' time went: their own timings of folder reads and passes.
    for log in ["operator-1.log", "operator-2.log"] {
        let text = std::fs::read_to_string(work.path().join(log)).unwrap_or_default();
        for l in text.lines() {
            if l.contains("read the folder") || l.contains("reconcile pass") || l.contains("ERROR")
            {
                eprintln!("  {log}: {l}");
            }
        }
    }
    op.stop();
    Ok(report)
}
