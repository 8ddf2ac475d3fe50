//! Failing fast while a store is down.
//!
//! A worker that asks a dead store waits out the whole store timeout, and
//! every connection it owns waits with it. If every request for the
//! session page asked again, a dead store would cost every request that
//! long. So after a failure the store is not asked for a while (the
//! backoff): the session page answers `503` at once. When the backoff is
//! over, the first request to come claims the right to ask; the others
//! keep answering at once until that one has its answer. If it fails, the
//! backoff starts again; if it succeeds, everyone asks again.
//!
//! This is a circuit breaker in the smallest form that does the job: one
//! atomic number, no lock, and nothing at all on the memory store's path.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Whether a store failed a moment ago.
#[derive(Debug)]
pub(super) struct Outage {
    /// The start of the clock `retry_at` counts on.
    epoch: Instant,
    /// Zero while the store answers. Otherwise, in nanoseconds after
    /// `epoch` (never zero), the moment before which it is not asked.
    retry_at: AtomicU64,
    /// How long the store is left alone after a failure.
    backoff: Duration,
}

impl Outage {
    pub(super) fn new(backoff: Duration) -> Self {
        Outage { epoch: Instant::now(), retry_at: AtomicU64::new(0), backoff }
    }

    pub(super) fn backoff(&self) -> Duration {
        self.backoff
    }

    /// Whether this request may ask the store: yes while it answers; no
    /// during a backoff; and once a backoff is over, yes for the one request
    /// that claims the retry (which moves the mark on by another backoff
    /// for everyone else).
    pub(super) fn may_ask(&self) -> bool {
        let retry_at = self.retry_at.load(Ordering::Acquire);
        if retry_at == 0 {
            return true;
        }
        let now = self.ticks();
        now >= retry_at
            && self
                .retry_at
                .compare_exchange(retry_at, now + self.backoff_ticks(), Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    /// The store answered. Says so on stderr if it had been failing.
    pub(super) fn answered(&self, place: &str) {
        // A load first: while all is well, this is the only cost, and it
        // writes nothing that other cores would have to fetch again.
        if self.retry_at.load(Ordering::Acquire) != 0 && self.retry_at.swap(0, Ordering::AcqRel) != 0 {
            eprintln!("pagecount: the sessions in {place} can be reached again");
        }
    }

    /// The store failed: leave it alone for a backoff. Says so on stderr at
    /// the start of an outage (not on every failed retry).
    pub(super) fn failed(&self, place: &str, why: &str) {
        let before = self.retry_at.swap(self.ticks() + self.backoff_ticks(), Ordering::AcqRel);
        if before == 0 {
            eprintln!(
                "pagecount: the sessions in {place} cannot be reached ({why}); the session page answers 503, and tries again every {:?}",
                self.backoff
            );
        }
    }

    /// Now, in nanoseconds after `epoch`, plus one so that it is never zero.
    fn ticks(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX - 1).saturating_add(1)
    }

    fn backoff_ticks(&self) -> u64 {
        u64::try_from(self.backoff.as_nanos()).unwrap_or(u64::MAX).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_healthy_store_is_always_asked() {
        let outage = Outage::new(Duration::from_secs(60));
        for _ in 0..3 {
            assert!(outage.may_ask());
            outage.answered("x");
        }
    }

    #[test]
    fn after_a_failure_nobody_asks_until_the_backoff_is_over() {
        let outage = Outage::new(Duration::from_secs(60));
        outage.failed("x", "down");
        assert!(!outage.may_ask());
        assert!(!outage.may_ask());
    }

    #[test]
    fn after_the_backoff_one_request_retries_and_the_others_wait_for_it() {
        let outage = Outage::new(Duration::from_secs(60));
        outage.failed("x", "down");
        // Moving the mark into the past stands in for waiting a minute.
        outage.retry_at.store(1, Ordering::Release);
        assert!(outage.may_ask(), "the first one retries");
        assert!(!outage.may_ask(), "the others do not, while it is asking");
        outage.answered("x");
        assert!(outage.may_ask(), "once it answered, everyone asks");
        assert!(outage.may_ask());
    }

    #[test]
    fn a_failed_retry_starts_another_backoff() {
        let outage = Outage::new(Duration::from_secs(60));
        outage.failed("x", "down");
        outage.retry_at.store(1, Ordering::Release);
        assert!(outage.may_ask());
        outage.failed("x", "still down");
        assert!(!outage.may_ask());
    }
}
