//! The FSM's timers as deadlines: the session task sleeps until the earliest one.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::fsm::Timer;

#[derive(Debug, Default)]
pub struct Timers {
    deadlines: HashMap<Timer, Instant>,
}

impl Timers {
    pub fn start(&mut self, timer: Timer, after: Duration) {
        self.deadlines.insert(timer, Instant::now() + after);
    }

    pub fn stop(&mut self, timer: Timer) {
        self.deadlines.remove(&timer);
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.values().min().copied()
    }

    /// Removes and returns the timers that are due, earliest first.
    pub fn take_expired(&mut self, now: Instant) -> Vec<Timer> {
        let mut due: Vec<(Instant, Timer)> = self
            .deadlines
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(t, at)| (*at, *t))
            .collect();
        due.sort_by_key(|(at, _)| *at);
        for (_, t) in &due {
            self.deadlines.remove(t);
        }
        due.into_iter().map(|(_, t)| t).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_timers_come_out_in_deadline_order_once() {
        let mut t = Timers::default();
        let now = Instant::now();
        t.start(Timer::Hold, Duration::from_secs(0));
        t.start(Timer::Keepalive, Duration::from_secs(3600));
        t.stop(Timer::Keepalive);
        t.start(Timer::ConnectRetry, Duration::from_secs(0));
        let later = now + Duration::from_millis(10);
        let due = t.take_expired(later);
        assert_eq!(due.len(), 2);
        assert!(t.take_expired(later).is_empty());
        assert_eq!(t.next_deadline(), None);
    }
}
