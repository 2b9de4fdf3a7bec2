//! `operator-bench`: 10k FlowSpecRule manifests in a folder → the operator (`--from-dir`,
//! release binary) → rustbgpd (release binary) → a receiving gobgpd. Prints, per phase, the
//! time until the operator reports every rule held by the speaker ("programmed") and until
//! gobgpd has accepted them all, then the operator's and the speaker's peak RSS (VmHWM),
//! against the targets (≤ 2 s, ≤ 100 MB).
//!
//! Phases, on one speaker and one receiver: (1) cold start: the files exist, the operator
//! starts; (2) delete: the files are removed, until gobgpd holds none; (3) write: the files
//! are written while the operator runs; (4) the operator is killed (`kill -9`) and started
//! again while the speaker holds everything: until its first pass, and gobgpd must never
//! hold fewer.
//!
//! Usage: `operator-bench [--rules N] [--files N]` (`scripts/bench-operator.sh` builds
//! everything first). Every process started here is stopped on exit (Drop guards).

mod manifests;
mod metrics;
mod run;

use std::time::Duration;

use bench::BoxError;

/// The targets of the operator issue.
const TARGET_WALL: Duration = Duration::from_secs(2);
const TARGET_RSS_MIB: f64 = 100.0;

pub struct Args {
    pub rules: usize,
    pub files: usize,
}

fn parse_args() -> Result<Args, BoxError> {
    let mut a = Args {
        rules: 10_000,
        files: 10,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--rules" => a.rules = value()?.parse()?,
            "--files" => a.files = value()?.parse()?,
            "-h" | "--help" => {
                println!("operator-bench [--rules N] [--files N]");
                std::process::exit(0);
            }
            o => return Err(format!("unknown argument {o}").into()),
        }
    }
    if a.rules == 0 || a.rules > bench::workload::MAX_FLOWS {
        return Err(format!("--rules: 1..={}", bench::workload::MAX_FLOWS).into());
    }
    Ok(a)
}

fn secs(d: Option<Duration>) -> String {
    d.map_or("-".into(), |d| format!("{:.3} s", d.as_secs_f64()))
}

fn mib(k: Option<u64>) -> String {
    k.map_or("-".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn verdict(ok: bool) -> &'static str {
    if ok { "OK" } else { "MISSED" }
}

fn print_report(args: &Args, r: &run::Report) {
    println!();
    println!(
        "operator-bench: {} FlowSpecRule manifests in {} files",
        args.rules, args.files
    );
    println!(
        "{:<34} | {:>10} | {:>10} | {:>12} | {:>9}",
        "phase", "programmed", "at gobgpd", "target ≤ 2 s", "min held"
    );
    println!("{}", "-".repeat(88));
    for p in &r.phases {
        let judged = p.at_gobgpd.map(|d| verdict(d <= TARGET_WALL));
        println!(
            "{:<34} | {:>10} | {:>10} | {:>12} | {:>9}",
            p.name,
            secs(p.programmed),
            secs(p.at_gobgpd),
            judged.unwrap_or("-"),
            p.min_at_gobgpd.map_or("-".into(), |m| m.to_string()),
        );
        if let Some(e) = &p.error {
            println!("  ERROR: {e}");
        }
    }
    let rss_ok = r
        .operator_hwm_kib
        .map(|k| (k as f64 / 1024.0) <= TARGET_RSS_MIB);
    println!(
        "\noperator peak RSS (VmHWM): {} (target ≤ {TARGET_RSS_MIB} MiB: {}), CPU {}",
        mib(r.operator_hwm_kib),
        rss_ok.map_or("-", verdict),
        r.operator_cpu.map_or("-".into(), |c| format!("{c:.2} s")),
    );
    println!(
        "speaker peak RSS (VmHWM): {}, CPU {}",
        mib(r.speaker_hwm_kib),
        r.speaker_cpu.map_or("-".into(), |c| format!("{c:.2} s")),
    );
    println!(
        "\nprogrammed: until the operator's gauge objects_programmed{{kind=FlowSpecRule}} says \
         all (the speaker listed them back after the operator's pass). at gobgpd: until the \
         receiving gobgpd has accepted all of them from the speaker (delete: none left). \
         Times start when the operator is spawned (cold start, restart) or before the first \
         file operation. min held: the fewest rules gobgpd held at any poll (restart: anything \
         below all would be a withdrawal). CPU: the first operator process, until it was \
         killed. Polled every {} ms.",
        run::POLL.as_millis()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let args = parse_args()?;
    if !testbed::require("gobgpd") || !testbed::require("gobgp") {
        return Err("gobgpd is needed as the receiver: run scripts/bench-operator.sh".into());
    }
    let work = async {
        let report = run::run(&args).await?;
        print_report(&args, &report);
        Ok::<(), BoxError>(())
    };
    // On SIGINT/SIGTERM the benchmark future is dropped, and with it every process guard.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = work => r,
        _ = tokio::signal::ctrl_c() => Err("interrupted; started processes stopped".into()),
        _ = term.recv() => Err("terminated; started processes stopped".into()),
    }
}
