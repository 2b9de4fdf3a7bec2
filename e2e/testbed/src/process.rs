//! Spawning daemons and making sure they are gone afterwards.
//!
//! Each daemon runs in the foreground as our child, in its own process group, with stdout/stderr in a
//! log file of its temp dir. [`Daemon::stop`] (also run on Drop) sends SIGTERM to the group, to every
//! descendant (ExaBGP puts its API helper in another group) and to the pid in the daemon's pid file,
//! waits briefly, then SIGKILLs what is left. If the test thread is panicking, the log tails are
//! printed so a failing test shows why the peer did what it did.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// How long a daemon gets between SIGTERM and SIGKILL (BIRD, FRR and ExaBGP need ~1.5 s).
pub const STOP_GRACE: Duration = Duration::from_secs(3);

/// A temp dir for one daemon: removed on Drop unless `TESTBED_KEEP=1`.
#[derive(Debug)]
pub struct Workdir {
    path: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

impl Workdir {
    pub fn new(daemon: &str) -> Result<Self> {
        let tmp = tempfile::Builder::new()
            .prefix(&format!("testbed-{daemon}-"))
            .tempdir()
            .map_err(|e| Error::io("create temp dir", e))?;
        if std::env::var("TESTBED_KEEP").is_ok_and(|v| v == "1") {
            let path = tmp.keep();
            eprintln!("testbed: keeping {}", path.display());
            return Ok(Workdir { path, _tmp: None });
        }
        Ok(Workdir {
            path: tmp.path().to_path_buf(),
            _tmp: Some(tmp),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A path inside the dir.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Writes `contents` to `name` inside the dir and returns its path.
    pub fn write(&self, name: &str, contents: &str) -> Result<PathBuf> {
        let p = self.file(name);
        fs::write(&p, contents).map_err(|e| Error::io(format!("write {}", p.display()), e))?;
        Ok(p)
    }
}

/// A running daemon; stopped on Drop.
#[derive(Debug)]
pub struct Daemon {
    name: String,
    child: Child,
    marker: String,
    pid_file: Option<PathBuf>,
    logs: Vec<PathBuf>,
    cleanup: Vec<PathBuf>,
    stopped: bool,
}

impl Daemon {
    /// Spawns `cmd` in its own process group with stdout+stderr appended to `stdio_log`.
    /// `marker` (normally the workdir path) must appear in the command line of any pid-file pid
    /// before we signal it, so a stale pid file never makes us kill a stranger.
    pub fn spawn(name: &str, mut cmd: Command, stdio_log: &Path, marker: &Path) -> Result<Self> {
        use std::os::unix::process::CommandExt;
        let open = || {
            fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(stdio_log)
                .map_err(|e| Error::io(format!("open {}", stdio_log.display()), e))
        };
        cmd.stdin(Stdio::null())
            .stdout(open()?)
            .stderr(open()?)
            .process_group(0);
        let child = cmd
            .spawn()
            .map_err(|e| Error::io(format!("spawn {name} ({cmd:?})"), e))?;
        Ok(Daemon {
            name: name.to_string(),
            child,
            marker: marker.display().to_string(),
            pid_file: None,
            logs: vec![stdio_log.to_path_buf()],
            cleanup: Vec::new(),
            stopped: false,
        })
    }

    /// Also signal the pid written here (for daemons that fork) and remove the file on stop.
    pub fn with_pid_file(mut self, p: PathBuf) -> Self {
        self.pid_file = Some(p);
        self
    }

    /// Another log file to show on failure.
    pub fn with_log(mut self, p: PathBuf) -> Self {
        self.logs.push(p);
        self
    }

    /// A file (socket, pid file) to delete after the daemon is gone.
    pub fn with_cleanup(mut self, p: PathBuf) -> Self {
        self.cleanup.push(p);
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Pid of the spawned process.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The spawned pid, its live descendants, and the pid-file pid: everything `stop` will kill.
    pub fn pids(&self) -> Vec<u32> {
        let mut pids = descendants(self.pid());
        pids.insert(0, self.pid());
        if let Some(p) = self.pid_file_pid()
            && !pids.contains(&p)
        {
            pids.push(p);
        }
        pids
    }

    fn pid_file_pid(&self) -> Option<u32> {
        let text = fs::read_to_string(self.pid_file.as_ref()?).ok()?;
        let pid: u32 = text.trim().parse().ok()?;
        let cmdline = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let cmdline = String::from_utf8_lossy(&cmdline);
        cmdline.contains(&self.marker).then_some(pid)
    }

    /// `Err(Exited)` with the log tail if the daemon is no longer running.
    pub fn check_running(&mut self) -> Result<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(Error::Exited {
                daemon: self.name.clone(),
                status: status.to_string(),
                log: self.log_tail(30),
            }),
            Err(e) => Err(Error::io(format!("wait for {}", self.name), e)),
        }
    }

    /// The last `lines` lines of each log file, headed by its path.
    pub fn log_tail(&self, lines: usize) -> String {
        let mut out = String::new();
        for log in &self.logs {
            let text = fs::read_to_string(log).unwrap_or_default();
            let all: Vec<&str> = text.lines().collect();
            let from = all.len().saturating_sub(lines);
            out.push_str(&format!("--- {} ---\n", log.display()));
            for l in &all[from..] {
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    }

    /// SIGTERM everything, wait up to [`STOP_GRACE`], SIGKILL the rest, delete leftovers. Idempotent.
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        // Collect before signalling: children get re-parented once their parent dies.
        let pids = self.pids();
        let pgid = format!("-{}", self.pid());
        signal("TERM", &pgid, &pids);
        let deadline = Instant::now() + STOP_GRACE;
        loop {
            let main_done = !matches!(self.child.try_wait(), Ok(None));
            let others_done = pids[1..].iter().all(|p| !is_alive(*p));
            if (main_done && others_done) || Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        signal("KILL", &pgid, &pids);
        let _ = self.child.kill();
        let _ = self.child.wait();
        // SIGKILL is delivered asynchronously: give the kernel a moment so callers see them gone.
        let deadline = Instant::now() + Duration::from_secs(1);
        while pids[1..].iter().any(|p| is_alive(*p)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        for p in self.pid_file.iter().chain(&self.cleanup) {
            let _ = fs::remove_file(p);
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "testbed: {} (pid {}) log at failure:\n{}",
                self.name,
                self.pid(),
                self.log_tail(40)
            );
        }
        self.stop();
    }
}

/// Sends `sig` to a process group and pids via kill(1): no libc binding needed for two signals.
fn signal(sig: &str, pgid: &str, pids: &[u32]) {
    let live: Vec<String> = pids
        .iter()
        .filter(|p| is_alive(**p))
        .map(u32::to_string)
        .collect();
    let _ = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg("--")
        .arg(pgid)
        .args(live)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// How long a CLI query (gobgp, birdc, vtysh) may take before we give up on it.
pub const CLI_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs a CLI to completion (killed after [`CLI_TIMEOUT`]) and returns its stdout.
/// A non-zero exit becomes [`Error::Command`] with stdout and stderr.
pub fn run_cli(program: &str, args: &[String]) -> Result<String> {
    run_cli_both(program, args).map(|(out, _)| out)
}

/// Like [`run_cli`] but returns (stdout, stderr).
pub fn run_cli_both(program: &str, args: &[String]) -> Result<(String, String)> {
    let shown = format!("{program} {}", args.join(" "));
    let child = Command::new(crate::resolve(program))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io(format!("spawn `{shown}`"), e))?;
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    // wait_with_output drains both pipes; run it on a thread so we can time out.
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(CLI_TIMEOUT) {
        Ok(res) => res.map_err(|e| Error::io(format!("wait for `{shown}`"), e))?,
        Err(_) => {
            signal("KILL", &pid.to_string(), &[]);
            return Err(Error::Command {
                command: shown,
                status: format!("no exit within {CLI_TIMEOUT:?}"),
                output: String::new(),
            });
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(Error::Command {
            command: shown,
            status: out.status.to_string(),
            output: format!("{stdout}{}", String::from_utf8_lossy(&out.stderr)),
        });
    }
    Ok((stdout, String::from_utf8_lossy(&out.stderr).into_owned()))
}

/// True if `pid` exists and is not a zombie.
pub fn is_alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(proc_state_ppid(&stat), Some(('Z' | 'X', _))),
        Err(_) => false,
    }
}

/// (state, ppid) from /proc/PID/stat; the command name may contain spaces and parens, so parse after the last ')'.
fn proc_state_ppid(stat: &str) -> Option<(char, u32)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut it = rest.split_whitespace();
    let state = it.next()?.chars().next()?;
    let ppid = it.next()?.parse().ok()?;
    Some((state, ppid))
}

/// All live descendants of `root`, found by walking /proc parent links.
pub fn descendants(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(dir) = fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            if let Some((state, ppid)) = proc_state_ppid(&stat)
                && state != 'Z'
            {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(p) = todo.pop() {
        for c in children.get(&p).into_iter().flatten() {
            out.push(*c);
            todo.push(*c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_parsing_survives_odd_names() {
        assert_eq!(proc_state_ppid("42 (a) b (c)) S 7 42 42 0"), Some(('S', 7)));
        assert_eq!(proc_state_ppid("garbage"), None);
    }

    #[test]
    fn stop_kills_group_and_descendants() {
        let dir = Workdir::new("proc-test").unwrap();
        let mut cmd = Command::new("sh");
        // A child that ignores SIGTERM: stop must still get rid of it.
        cmd.arg("-c").arg("(trap '' TERM; sleep 30) & sleep 30");
        let mut d = Daemon::spawn("sh", cmd, &dir.file("sh.log"), dir.path()).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let pids = d.pids();
        assert!(pids.len() >= 2, "{pids:?}");
        d.stop();
        for p in pids {
            assert!(!is_alive(p), "pid {p} survived");
        }
    }
}
