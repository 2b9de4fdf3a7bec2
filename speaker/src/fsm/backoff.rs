//! Exponential back-off for ConnectRetry and the idle hold time (RFC 4271 §8.1.1
//! DampPeerOscillations): a flapping peer is retried less and less often, up to a cap.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Backoff {
    pub fn new(initial: Duration, max: Duration) -> Self {
        Backoff { initial, max }
    }

    /// Delay after `failures` consecutive failures: initial × 2^failures, capped.
    pub fn delay(&self, failures: u32) -> Duration {
        let factor = 1u32 << failures.min(16);
        self.initial.saturating_mul(factor).min(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_then_caps() {
        let b = Backoff::new(Duration::from_secs(1), Duration::from_secs(10));
        let got: Vec<u64> = (0..6).map(|n| b.delay(n).as_secs()).collect();
        assert_eq!(got, vec![1, 2, 4, 8, 10, 10]);
        assert_eq!(b.delay(u32::MAX), Duration::from_secs(10));
    }
}
