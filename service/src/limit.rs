//! Request rate limit per API key, and per client address for anonymous
//! callers, on the GCRA limiter of the `governor` crate.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Checks between two sweeps of idle limiter entries, which keeps the
/// per-address state of anonymous callers bounded.
const SWEEP_EVERY: u64 = 4096;

pub struct RateLimit {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    checks: AtomicU64,
}

impl RateLimit {
    /// Allows `per_minute` requests a minute per caller, with bursts of up
    /// to `burst`. Returns `None` (no limit) when `per_minute` is 0.
    pub fn new(per_minute: u32, burst: u32) -> Option<Self> {
        let rate = NonZeroU32::new(per_minute)?;
        let burst = NonZeroU32::new(burst).unwrap_or(rate);
        let quota = Quota::per_minute(rate).allow_burst(burst);
        Some(Self { limiter: RateLimiter::keyed(quota), clock: DefaultClock::default(), checks: AtomicU64::new(0) })
    }

    /// Counts one request of `caller`; `Err` contains how long to wait before
    /// the next one is allowed.
    pub fn check(&self, caller: &str) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&caller.to_string())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_rejects() {
        let limit = RateLimit::new(60, 3).unwrap();
        for _ in 0..3 {
            assert!(limit.check("key-a").is_ok());
        }
        let wait = limit.check("key-a").unwrap_err();
        assert!(wait > Duration::ZERO, "{wait:?}");
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        assert!(limit.check("key-b").is_ok(), "another caller has its own budget");
    }

    #[test]
    fn zero_rate_is_no_limit() {
        assert!(RateLimit::new(0, 10).is_none());
    }
}
