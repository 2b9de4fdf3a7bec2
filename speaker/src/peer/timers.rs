//! The FSM's timers as deadlines: the session task sleeps until the earliest one.
//!
//! RFC 4271 §10: ConnectRetry and Keepalive are jittered (base × a uniform factor in
//! 0.75..=1.0) so that many sessions started together do not fire in lock-step. Hold and
//! IdleHold are not: the hold time is negotiated and must not shrink.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::fsm::Timer;

#[derive(Debug)]
pub struct Timers {
    deadlines: HashMap<Timer, Instant>,
    rng: SplitMix64,
}

impl Default for Timers {
    /// Seeded from the clock: sessions started in the same instant still differ because
    /// each reads the clock at a different nanosecond (and only spread matters here).
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Timers::with_seed(nanos)
    }
}

impl Timers {
    pub fn with_seed(seed: u64) -> Self {
        Timers {
            deadlines: HashMap::new(),
            rng: SplitMix64(seed),
        }
    }

    pub fn start(&mut self, timer: Timer, after: Duration) {
        let after = self.delay(timer, after);
        self.deadlines.insert(timer, Instant::now() + after);
    }

    /// How long `timer` really runs when asked for `after`.
    fn delay(&mut self, timer: Timer, after: Duration) -> Duration {
        match timer {
            Timer::ConnectRetry | Timer::Keepalive => jitter(after, self.rng.unit()),
            Timer::Hold | Timer::IdleHold => after,
        }
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

/// RFC 4271 §10: `base` scaled by `0.75 + 0.25 × unit`, for `unit` in `0.0..1.0`
/// (clamped), i.e. between 75 % and 100 % of the base value.
pub fn jitter(base: Duration, unit: f64) -> Duration {
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        1.0
    };
    base.mul_f64(0.75 + 0.25 * unit)
}

/// A tiny seedable generator (SplitMix64): uniform enough for spreading timers, no crate.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0.0..1.0` (53 random bits).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_between_three_quarters_and_the_base() {
        let base = Duration::from_secs(120);
        assert_eq!(jitter(base, 0.0), Duration::from_secs(90));
        assert_eq!(jitter(base, 1.0), base);
        assert_eq!(jitter(base, 0.5), Duration::from_secs(105));
        assert_eq!(jitter(base, -3.0), Duration::from_secs(90), "clamped");
        assert_eq!(jitter(base, f64::NAN), base);
        assert_eq!(jitter(Duration::ZERO, 0.3), Duration::ZERO);
    }

    #[test]
    fn the_generator_is_seedable_and_spreads_over_the_whole_range() {
        let draw = |seed| {
            let mut r = SplitMix64(seed);
            (0..1000).map(|_| r.unit()).collect::<Vec<f64>>()
        };
        assert_eq!(draw(7), draw(7), "same seed, same sequence");
        assert_ne!(draw(7), draw(8));
        let v = draw(42);
        assert!(v.iter().all(|u| (0.0..1.0).contains(u)));
        // Every tenth of the range is hit (1000 draws; a miss would be ~1e-45 likely).
        for bucket in 0..10 {
            let lo = bucket as f64 / 10.0;
            assert!(
                v.iter().any(|u| *u >= lo && *u < lo + 0.1),
                "bucket {bucket}"
            );
        }
    }

    #[test]
    fn connect_retry_and_keepalive_are_jittered_hold_and_idle_hold_are_not() {
        let mut t = Timers::with_seed(1);
        let base = Duration::from_secs(100);
        let mut seen = Vec::new();
        for _ in 0..50 {
            assert_eq!(t.delay(Timer::Hold, base), base);
            assert_eq!(t.delay(Timer::IdleHold, base), base);
            for timer in [Timer::ConnectRetry, Timer::Keepalive] {
                let d = t.delay(timer, base);
                assert!(d >= base.mul_f64(0.75) && d <= base, "{d:?}");
                seen.push(d);
            }
        }
        seen.sort();
        seen.dedup();
        assert!(seen.len() > 90, "values differ: {seen:?}");
        let mut again = Timers::with_seed(1);
        let mut first = Timers::with_seed(1);
        assert_eq!(
            again.delay(Timer::ConnectRetry, base),
            first.delay(Timer::ConnectRetry, base),
            "seedable"
        );
    }

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
