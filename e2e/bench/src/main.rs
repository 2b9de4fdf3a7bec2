//! `inject-bench`: how fast does a speaker get 100k IPv4 routes and 10k FlowSpec rules,
//! injected over its gRPC API, into a receiving gobgpd? Runs our `rustbgpd` (release binary,
//! separate process) and then gobgpd as the injecting speaker against the same kind of
//! receiver, and prints the time from the first API request until the receiver has accepted
//! everything, the injector's peak RSS (VmHWM), and the ratio gobgpd / ours.
//!
//! Usage: `inject-bench [--routes N] [--flows N] [--only ours|gobgpd] [--policy]`
//! (`--policy`: both speakers first get the same 10-statement export policy, see
//! `bench::policy`; the routes then go through it on their way to the receiver).
//! (`scripts/bench-inject.sh` installs the peers and builds everything first).
//! Every process started here is stopped on exit, also on errors (Drop guards).

use std::time::{Duration, Instant};

#[cfg(gobgp_api)]
use bench::gobgp_api;
use bench::receiver::{self, Receiver, SAFI_FLOWSPEC, SAFI_UNICAST};
use bench::{BoxError, ours, policy, process, resync, workload};
use testbed::PeerSpec;

const ESTABLISH_TIMEOUT: Duration = Duration::from_secs(30);
const PHASE_TIMEOUT: Duration = Duration::from_secs(600);

struct Args {
    routes: usize,
    flows: usize,
    ours: bool,
    gobgpd: bool,
    policy: bool,
}

fn parse_args() -> Result<Args, BoxError> {
    let mut a = Args {
        routes: 100_000,
        flows: 10_000,
        ours: true,
        gobgpd: true,
        policy: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--routes" => a.routes = value()?.parse()?,
            "--flows" => a.flows = value()?.parse()?,
            "--only" => match value()?.as_str() {
                "ours" => a.gobgpd = false,
                "gobgpd" => a.ours = false,
                o => return Err(format!("--only ours|gobgpd, not {o}").into()),
            },
            "--policy" => a.policy = true,
            "-h" | "--help" => {
                println!("inject-bench [--routes N] [--flows N] [--only ours|gobgpd] [--policy]");
                std::process::exit(0);
            }
            o => return Err(format!("unknown argument {o}").into()),
        }
    }
    if a.routes > workload::MAX_ROUTES || a.flows > workload::MAX_FLOWS {
        return Err(format!(
            "at most {} routes and {} rules",
            workload::MAX_ROUTES,
            workload::MAX_FLOWS
        )
        .into());
    }
    Ok(a)
}

/// One measured phase: until the receiver holds all, when the API calls returned, peak RSS.
#[derive(Default, Clone)]
struct Phase {
    until_received: Option<Duration>,
    api_returned: Option<Duration>,
    rss_kib: Option<u64>,
    /// CPU seconds used during the phase by the injecting speaker and by the receiver.
    cpu_injector: Option<f64>,
    cpu_receiver: Option<f64>,
    /// UPDATE messages the receiver got in the phase.
    updates: Option<u64>,
    error: Option<String>,
}

#[derive(Default)]
struct Side {
    routes: Phase,
    flows: Phase,
    /// The table sync after the session is bounced (see `bench::resync`).
    resync: Phase,
}

/// Runs the resync measurement and reports it as a phase.
async fn resync_phase<D, E>(
    rx: &mut Receiver,
    neighbor: std::net::IpAddr,
    pid: u32,
    args: &Args,
    disable: D,
    enable: E,
) -> Phase
where
    D: Future<Output = Result<(), BoxError>>,
    E: Future<Output = Result<(), BoxError>>,
{
    let want = (args.routes as u64, args.flows as u64);
    match resync::measure(rx, neighbor, pid, want, disable, enable).await {
        Ok(r) => Phase {
            until_received: Some(r.until_received),
            cpu_injector: r.cpu_injector,
            cpu_receiver: r.cpu_receiver,
            updates: r.updates,
            rss_kib: process::vm_hwm_kib(pid),
            ..Phase::default()
        },
        Err(e) => Phase {
            error: Some(e.to_string()),
            ..Phase::default()
        },
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Runs `inject` (timed from now) while polling the receiver until it has accepted `want`.
async fn measure<F>(
    receiver: &mut Receiver,
    injector_pid: u32,
    neighbor: std::net::IpAddr,
    safi: u32,
    want: usize,
    inject: F,
) -> Phase
where
    F: Future<Output = Result<(), BoxError>> + Send + 'static,
{
    let rx_pid = receiver.go.pids().first().copied().unwrap_or(0);
    let cpu0 = (process::cpu_secs(injector_pid), process::cpu_secs(rx_pid));
    let updates0 = receiver.updates(neighbor).await.ok();
    let t0 = Instant::now();
    let mut task = tokio::spawn(async move {
        inject.await?;
        Ok::<Duration, BoxError>(t0.elapsed())
    });
    let mut phase = Phase::default();
    let mut wait = Box::pin(receiver.wait_count(neighbor, safi, want as u64, t0, PHASE_TIMEOUT));
    // Stop polling as soon as the injection fails; otherwise wait for both.
    let mut waited = None;
    let injected = tokio::select! {
        r = &mut task => r,
        w = &mut wait => { waited = Some(w); (&mut task).await }
    };
    match injected {
        Ok(Ok(d)) => phase.api_returned = Some(d),
        Ok(Err(e)) => {
            phase.error = Some(e.to_string());
            return phase;
        }
        Err(e) => {
            phase.error = Some(format!("injection task: {e}"));
            return phase;
        }
    }
    let waited = match waited {
        Some(w) => {
            drop(wait);
            w
        }
        None => wait.await,
    };
    match waited {
        Ok(d) => phase.until_received = Some(d),
        Err(e) => phase.error = Some(e.to_string()),
    }
    let used = |before: Option<f64>, pid| Some(process::cpu_secs(pid)? - before?);
    phase.cpu_injector = used(cpu0.0, injector_pid);
    phase.cpu_receiver = used(cpu0.1, rx_pid);
    phase.rss_kib = process::vm_hwm_kib(injector_pid);
    let updates1 = receiver.updates(neighbor).await.ok();
    phase.updates = updates1.zip(updates0).map(|(a, b)| a.saturating_sub(b));
    phase
}

async fn run_ours(args: &Args) -> Result<Side, BoxError> {
    let me = PeerSpec::loopback_v4(65001)?;
    let mut rx = Receiver::start(&me).await?;
    let mut ours = ours::Ours::start(me.clone(), &rx.spec).await?;
    let addr = me.local_addr;
    if let Err(e) = rx.wait_established(addr, ESTABLISH_TIMEOUT).await {
        return Err(format!("{e}\nrustbgpd log:\n{}", ours.log_tail()).into());
    }
    let pid = ours.proc.pid();
    if args.policy {
        policy::install_ours(&ours.grpc).await?;
        eprintln!("ours: 10-statement export policy installed");
    }
    eprintln!("ours: session up, injecting {} routes", args.routes);
    let mut side = Side::default();

    let reqs = ours::route_requests(args.routes);
    let mut client = ours.client.clone();
    side.routes = measure(&mut rx, pid, addr, SAFI_UNICAST, args.routes, async move {
        ours::add_routes(&mut client, reqs).await
    })
    .await;
    sample(&rx, "10.0.0.0/25", "ipv4");

    eprintln!("ours: injecting {} FlowSpec rules", args.flows);
    let reqs = ours::flow_requests(args.flows);
    let mut client = ours.client.clone();
    side.flows = measure(&mut rx, pid, addr, SAFI_FLOWSPEC, args.flows, async move {
        ours::add_flows(&mut client, reqs).await
    })
    .await;
    sample(&rx, "", "ipv4-flowspec");

    // The table sync measures the receiver, not policy: skipped with --policy.
    if !args.policy {
        eprintln!("ours: session bounced; timing the table sync");
        let grpc = ours.grpc.clone();
        let peer = rx.spec.local_addr;
        side.resync = resync_phase(
            &mut rx,
            addr,
            pid,
            args,
            ours::set_enabled(&grpc, peer, false),
            ours::set_enabled(&grpc, peer, true),
        )
        .await;
    }
    if let Err(e) = ours.proc.check_running() {
        return Err(format!("{e}\n{}", ours.log_tail()).into());
    }
    Ok(side)
}

/// Prints the first receiver line for `prefix` (all of the family if empty), to show that
/// both speakers delivered the same attributes.
fn sample(rx: &Receiver, prefix: &str, family: &str) {
    let mut args = vec!["global", "rib", "-a", family];
    if !prefix.is_empty() {
        args.push(prefix);
    }
    // Dumping 10k FlowSpec rules can take the gobgp CLI longer than testbed's 10 s limit.
    match rx.go.raw_cli(&args) {
        Ok(out) => {
            if let Some(line) = out.lines().nth(1) {
                eprintln!("  receiver sample ({family}): {}", line.trim());
            }
        }
        Err(e) => {
            let e = e.to_string();
            let first = e.lines().next().unwrap_or_default();
            eprintln!("  receiver sample ({family}) not shown: {first}");
        }
    }
}

#[cfg(gobgp_api)]
async fn run_gobgpd(args: &Args) -> Result<Side, BoxError> {
    use testbed::Family;
    use testbed::gobgp::GoBgp;

    let inj = PeerSpec::loopback_v4(65003)?;
    let mut rx = Receiver::start(&inj).await?;
    let neighbor = rx
        .spec
        .as_neighbor()
        .families(&[Family::Ipv4Unicast, Family::Ipv4FlowSpec]);
    let s = inj.clone();
    let injector = tokio::task::spawn_blocking(move || GoBgp::start(s, &[neighbor])).await??;
    let pid = *injector.pids().first().ok_or("gobgpd has no pid")?;
    let addr = inj.local_addr;
    // gobgpd dials only after ~5-8 s (connect-retry is clamped to 5 s in 3.10).
    rx.wait_established(addr, ESTABLISH_TIMEOUT).await?;
    let mut client = gobgp_api::connect(injector.api_addr()).await?;
    if args.policy {
        policy::install_gobgpd(&mut client, inj.local_as).await?;
        eprintln!("gobgpd: 10-statement export policy installed");
    }
    eprintln!("gobgpd: session up, injecting {} routes", args.routes);
    let mut side = Side::default();

    let msgs = gobgp_api::route_messages(args.routes);
    let mut c = client.clone();
    side.routes = measure(&mut rx, pid, addr, SAFI_UNICAST, args.routes, async move {
        gobgp_api::add_path_stream(&mut c, msgs).await
    })
    .await;
    sample(&rx, "10.0.0.0/25", "ipv4");

    eprintln!("gobgpd: injecting {} FlowSpec rules", args.flows);
    let msgs = gobgp_api::flow_messages(args.flows);
    let mut c = client.clone();
    side.flows = measure(&mut rx, pid, addr, SAFI_FLOWSPEC, args.flows, async move {
        gobgp_api::add_path_stream(&mut c, msgs).await
    })
    .await;
    sample(&rx, "", "ipv4-flowspec");

    // With --policy, gobgpd 3.10 re-sent only ~3% of the table after the bounce (seen once):
    // the table sync measures the receiver, not policy, so it is skipped there.
    if !args.policy {
        eprintln!("gobgpd: session bounced; timing the table sync");
        let peer = rx.spec.local_addr;
        let (mut c1, mut c2) = (client.clone(), client.clone());
        side.resync = resync_phase(
            &mut rx,
            addr,
            pid,
            args,
            async move { gobgp_api::set_enabled(&mut c1, peer, false).await },
            async move { gobgp_api::set_enabled(&mut c2, peer, true).await },
        )
        .await;
    }
    drop(injector);
    Ok(side)
}

#[cfg(not(gobgp_api))]
async fn run_gobgpd(_args: &Args) -> Result<Side, BoxError> {
    Err(
        "this build has no GoBGP API client: GoBGP's .proto files were not found at build time. \
         Install them with `apt-get install golang-github-osrg-gobgp-dev` and rebuild \
         (scripts/bench-inject.sh does both)."
            .into(),
    )
}

fn secs(d: Option<Duration>) -> String {
    d.map_or("-".into(), |d| format!("{:.3} s", d.as_secs_f64()))
}

fn mib(k: Option<u64>) -> String {
    k.map_or("-".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn ratio(go: &Phase, us: &Phase) -> String {
    match (go.until_received, us.until_received) {
        (Some(g), Some(u)) if !u.is_zero() => format!("{:.2}x", g.as_secs_f64() / u.as_secs_f64()),
        _ => "-".into(),
    }
}

fn cpu(c: Option<f64>) -> String {
    c.map_or("-".into(), |c| format!("{c:.2} s"))
}

fn print_table(args: &Args, ours: &Side, go: &Side) {
    let line = |w: &str, who: &str, p: &Phase, r: &str| {
        println!(
            "{w:<22} {who:<7} | {:>10} {:>10} | {:>9} {:>9} | {:>8} | {:>10} | {r:>8}",
            secs(p.until_received),
            secs(p.api_returned),
            cpu(p.cpu_injector),
            cpu(p.cpu_receiver),
            p.updates.map_or("-".into(), |n| n.to_string()),
            mib(p.rss_kib),
        );
    };
    println!();
    println!(
        "{:<22} {:<7} | {:>10} {:>10} | {:>9} {:>9} | {:>8} | {:>10} | {:>8}",
        "workload",
        "speaker",
        "recv'd",
        "API done",
        "CPU spkr",
        "CPU recv",
        "UPDATEs",
        "VmHWM",
        "go/ours"
    );
    println!("{}", "-".repeat(111));
    let through = if args.policy { " +policy" } else { "" };
    let rows = [
        (
            format!("{} IPv4 routes{through}", args.routes),
            &ours.routes,
            &go.routes,
        ),
        (
            format!("{} FlowSpec rules", args.flows),
            &ours.flows,
            &go.flows,
        ),
        ("table sync (both)".to_owned(), &ours.resync, &go.resync),
    ];
    for (name, u, g) in rows {
        line(&name, "ours", u, "");
        line("", "gobgpd", g, &ratio(g, u));
    }
    for (who, side) in [("ours", ours), ("gobgpd", go)] {
        for p in [&side.routes, &side.flows, &side.resync] {
            if let Some(e) = &p.error {
                println!("{who}: ERROR {e}");
            }
        }
    }
    println!(
        "\nrecv'd: from the first API request until the receiving gobgpd has accepted all (polled \
         every {} ms). API done: when the last injection call returned. CPU spkr / CPU recv: CPU \
         time used in the phase by the injecting speaker / by the receiver. UPDATEs: UPDATE messages \
         the receiver got in the phase (the sender's packing). VmHWM: the injecting \
         speaker's peak RSS so far (the FlowSpec row includes the routes). go/ours: ratio of recv'd. \
         Table sync: the speaker holds both workloads; its session is disabled and enabled, and \
         recv'd runs from Established (as the receiver reports it) until the receiver holds all \
         of it: the receiver's own floor, which no injection can beat.",
        receiver::poll_ms()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let args = parse_args()?;
    if !testbed::require("gobgpd") || !testbed::require("gobgp") {
        return Err("gobgpd is needed as the receiver: run scripts/bench-inject.sh".into());
    }
    let work = async {
        let load_before = loadavg();
        let mut ours = Side::default();
        let mut go = Side::default();
        if args.ours {
            match run_ours(&args).await {
                Ok(s) => ours = s,
                Err(e) => ours.routes.error = Some(e.to_string()),
            }
        }
        if args.gobgpd {
            match run_gobgpd(&args).await {
                Ok(s) => go = s,
                Err(e) => go.routes.error = Some(e.to_string()),
            }
        }
        print_table(&args, &ours, &go);
        println!(
            "load average (1/5/15 min): before {load_before}, after {}",
            loadavg()
        );
    };
    // On SIGINT/SIGTERM the benchmark future is dropped, and with it every process guard.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        () = work => Ok(()),
        _ = tokio::signal::ctrl_c() => Err("interrupted; started processes stopped".into()),
        _ = term.recv() => Err("terminated; started processes stopped".into()),
    }
}
