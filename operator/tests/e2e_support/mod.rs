//! Harness of the operator's end-to-end tests: the real `rustbgpd` and `operator` binaries as
//! separate processes (stopped on Drop through `testbed`'s process guards, killable with
//! SIGKILL), and the routers' view read through gobgp's own CLI.

pub mod bin;
pub mod router;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use testbed::process::{Daemon, Workdir};

/// Sends SIGKILL to `pid` (kill(1), like `testbed` does: no libc binding for one signal).
pub fn kill_9(pid: u32) {
    let ok = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -9 {pid} failed");
    let deadline = Instant::now() + Duration::from_secs(5);
    while testbed::process::is_alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The speaker: `rustbgpd` with its gRPC API on a Unix socket and no static neighbor (the
/// operator adds them from BgpNeighbor manifests).
pub struct Speaker {
    pub daemon: Daemon,
    pub socket: PathBuf,
    config: PathBuf,
    dir: Workdir,
}

impl Speaker {
    /// Starts a speaker with AS `asn` on `addr`; the socket is in its own temp dir.
    pub fn start(asn: u32, addr: std::net::Ipv4Addr) -> Speaker {
        let dir = Workdir::new("rustbgpd").expect("temp dir");
        let socket = dir.file("grpc.sock");
        let toml = format!(
            "[global]\nasn = {asn}\nrouter_id = \"{addr}\"\nlisten_port = 0\nhold_time = 9\n\
             [global.telemetry]\ngrpc_uds_path = \"{}\"\n",
            socket.display()
        );
        let config = dir.write("rustbgpd.toml", &toml).expect("write config");
        let daemon = spawn_speaker(&config, &dir);
        let me = Speaker {
            daemon,
            socket,
            config,
            dir,
        };
        me.wait_socket();
        me
    }

    /// `kill -9` (the process gets no chance to say goodbye to its peers).
    pub fn kill_9(&mut self) {
        kill_9(self.daemon.pid());
        // Reaps it; nothing is left to signal.
        self.daemon.stop();
    }

    /// The same binary again, on the same config and socket.
    pub fn restart(&mut self) {
        self.daemon = spawn_speaker(&self.config, &self.dir);
        self.wait_socket();
    }

    /// The operator's `--speaker` argument.
    pub fn url(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    fn wait_socket(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::os::unix::net::UnixStream::connect(&self.socket).is_err() {
            assert!(
                Instant::now() < deadline,
                "rustbgpd did not open {}:\n{}",
                self.socket.display(),
                self.daemon.log_tail(30)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn spawn_speaker(config: &Path, dir: &Workdir) -> Daemon {
    let mut cmd = Command::new(bin::rustbgpd());
    cmd.arg(config).env("RUST_LOG", "info");
    Daemon::spawn("rustbgpd", cmd, &dir.file("rustbgpd.log"), dir.path()).expect("spawn rustbgpd")
}

/// The operator binary on a folder of manifests.
pub struct Operator {
    pub daemon: Daemon,
    dir: Workdir,
}

impl Operator {
    /// Starts `operator --from-dir crs --speaker url`.
    pub fn start(crs: &Path, url: &str) -> Operator {
        let dir = Workdir::new("operator").expect("temp dir");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_operator"));
        cmd.arg("--from-dir")
            .arg(crs)
            .arg("--speaker")
            .arg(url)
            .arg("--resync-seconds")
            .arg("5")
            .env("RUST_LOG", "info");
        let daemon = Daemon::spawn("operator", cmd, &dir.file("operator.log"), dir.path())
            .expect("spawn operator");
        Operator { daemon, dir }
    }

    /// The operator's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.file("operator.log")).unwrap_or_default()
    }
}

/// Polls `probe` every 50 ms until it returns `Some`, or panics after `timeout` with `what`
/// and the last observation.
pub fn wait_for<T>(
    what: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> Result<T, String>,
) -> T {
    let start = Instant::now();
    loop {
        match probe() {
            Ok(v) => {
                eprintln!("e2e: {what}: {:?}", start.elapsed());
                return v;
            }
            Err(seen) if start.elapsed() >= timeout => {
                panic!("{what}: not within {timeout:?}; last seen:\n{seen}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}
