//! Poll-until with a timeout, in short sleeps (no async: callable from any test thread).

use std::fmt::Debug;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::attrs::SessionState;
use crate::error::WaitError;
use crate::process::Daemon;

/// Default polling step: short enough that sessions are seen within ~0.1 s of coming up.
pub const STEP: Duration = Duration::from_millis(100);

/// What a probe reports each time it looks.
pub enum Probe<T> {
    /// The condition holds; stop polling.
    Ready(T),
    /// Not yet; the string is what was observed (kept for the timeout error).
    Pending(String),
    /// Give up now (e.g. the daemon died); returned as is.
    Fatal(crate::Error),
}

/// Calls `probe` every `STEP` until it is ready, fails fatally, or `timeout` passes.
pub fn poll_until<T>(
    what: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> Probe<T>,
) -> crate::Result<T> {
    let start = Instant::now();
    loop {
        let last = match probe() {
            Probe::Ready(v) => return Ok(v),
            Probe::Fatal(e) => return Err(e),
            Probe::Pending(seen) => seen,
        };
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(WaitError {
                what: what.to_string(),
                waited,
                last,
            }
            .into());
        }
        std::thread::sleep(STEP.min(timeout - waited));
    }
}

/// A wrapper around one running daemon, so that its waits give up as soon as the daemon dies.
pub(crate) trait Watched {
    fn daemon(&mut self) -> &mut Daemon;
}

/// [`poll_until`], but [`Probe::Fatal`] once `w`'s daemon has exited; `look` sees the wrapper.
pub(crate) fn poll_daemon<W: Watched, T>(
    w: &mut W,
    what: &str,
    timeout: Duration,
    mut look: impl FnMut(&W) -> Probe<T>,
) -> crate::Result<T> {
    poll_until(what, timeout, || {
        if let Err(e) = w.daemon().check_running() {
            return Probe::Fatal(e);
        }
        look(w)
    })
}

/// Ready once `ready` accepts what a CLI read returned; else pending with it pretty-printed.
pub(crate) fn accept<V: Debug>(read: crate::Result<V>, ready: impl FnOnce(&V) -> bool) -> Probe<V> {
    match read {
        Ok(v) if ready(&v) => Probe::Ready(v),
        Ok(v) => Probe::Pending(format!("{v:#?}")),
        Err(e) => Probe::Pending(e.to_string()),
    }
}

/// Polls `state` (the daemon's view of its session with `addr`) until it is Established.
pub(crate) fn established<W: Watched>(
    w: &mut W,
    daemon: &str,
    addr: IpAddr,
    timeout: Duration,
    state: impl Fn(&W) -> crate::Result<SessionState>,
) -> crate::Result<()> {
    let what = format!("{daemon} session with {addr} to be Established");
    poll_daemon(w, &what, timeout, |w| match state(w) {
        Ok(SessionState::Established) => Probe::Ready(()),
        Ok(s) => Probe::Pending(format!("{s:?}")),
        Err(e) => Probe::Pending(e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_after_a_few_tries() {
        let mut n = 0;
        let v = poll_until("n to reach 3", Duration::from_secs(2), || {
            n += 1;
            if n >= 3 {
                Probe::Ready(n)
            } else {
                Probe::Pending(format!("n={n}"))
            }
        })
        .unwrap();
        assert_eq!(v, 3);
    }

    #[test]
    fn timeout_keeps_last_observation() {
        let err = poll_until::<()>("never", Duration::from_millis(250), || {
            Probe::Pending("still idle".into())
        })
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("never") && text.contains("still idle"),
            "{text}"
        );
    }
}
