//! The memory store: sessions in a table in this process, the default.
//!
//! The fastest store, and the one with the shortest memory: a restart
//! forgets every session, and a second server has a table of its own.
//!
//! The table is bounded: past `max_sessions`, the session idle longest is
//! evicted, so a flood of new clients costs a fixed amount of memory. Every
//! operation takes the lock for one lookup or insert and releases it; no
//! lock is held while a page is rendered or a byte is sent.

use super::{Cycle, SWEEP_PER_INSERT, SessionKey, Visit};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What the store knows about one session.
#[derive(Debug)]
struct Entry {
    /// Visits so far.
    count: u64,
    /// The last visit: the session expires `ttl` after it.
    last_seen: Instant,
    /// Its place in `Sessions::by_age`.
    tick: u64,
}

/// The sessions, and the order in which they were last used.
#[derive(Debug, Default)]
struct Sessions {
    /// Every session held, by id.
    entries: HashMap<SessionKey, Entry>,
    /// Keys by the tick of their last use, oldest first: the front is both
    /// the next to expire and the next to evict.
    by_age: BTreeMap<u64, SessionKey>,
    /// The last tick handed out: a counter of uses, not a clock.
    next_tick: u64,
}

/// Every live session, shared by the worker threads.
#[derive(Debug)]
pub struct MemoryStore {
    /// The sessions, behind one lock taken briefly per operation.
    sessions: Mutex<Sessions>,
    /// A session unused for this long is gone.
    ttl: Duration,
    /// Most sessions kept at once.
    max_sessions: usize,
}

impl MemoryStore {
    pub fn new(ttl: Duration, max_sessions: usize) -> Self {
        MemoryStore { sessions: Mutex::default(), ttl, max_sessions: max_sessions.max(1) }
    }

    /// Counts a visit: one more for the first live session among the ids
    /// `presented` (a browser may send several), otherwise a new session
    /// counting 1. Fails only if the operating system cannot give
    /// randomness for a new id.
    pub fn visit(
        &self,
        presented: impl IntoIterator<Item = SessionKey>,
        now: Instant,
    ) -> Result<Visit, getrandom::Error> {
        for key in presented {
            if let Some(count) = self.lock().touch(key, now, self.ttl) {
                return Ok(Visit { key, count, new: false });
            }
        }
        // The random id is drawn before taking the lock, not under it.
        let key = SessionKey::random()?;
        self.lock().insert(key, now, self.ttl, self.max_sessions);
        Ok(Visit { key, count: 1, new: true })
    }

    /// Ends a session, as "forget me" does. Says whether it was live.
    pub fn forget(&self, key: SessionKey) -> bool {
        self.lock().remove(key).is_some()
    }

    /// Moves the first live session among the ids `presented` to a new
    /// id, keeping its count, so that the old id is worth nothing (a login
    /// does this). `None` if none was live. Fails only if the operating
    /// system cannot give randomness for the new id.
    pub fn cycle(
        &self,
        presented: impl IntoIterator<Item = SessionKey>,
        now: Instant,
    ) -> Result<Option<Cycle>, getrandom::Error> {
        let new = SessionKey::random()?;
        for old in presented {
            // One lock for the removal and the insert: no visit can see
            // the session under neither id, or under both.
            let mut sessions = self.lock();
            if let Some(count) = sessions.take_live(old, now, self.ttl) {
                sessions.insert_counted(new, count, now);
                return Ok(Some(Cycle { old, new, count }));
            }
        }
        Ok(None)
    }

    /// Live and expired-but-not-yet-dropped sessions held.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().entries.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Sessions> {
        // A panic elsewhere while holding the lock cannot leave the map
        // half-updated in a way that matters for counting; carry on.
        self.sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sessions {
    /// One more visit to a live session; `None` if it is unknown or expired
    /// (an expired one is dropped on the way).
    fn touch(&mut self, key: SessionKey, now: Instant, ttl: Duration) -> Option<u64> {
        let entry = self.entries.get(&key)?;
        if now.saturating_duration_since(entry.last_seen) >= ttl {
            self.remove(key);
            return None;
        }
        let tick = self.tick();
        let entry = self.entries.get_mut(&key)?;
        self.by_age.remove(&entry.tick);
        self.by_age.insert(tick, key);
        entry.tick = tick;
        entry.last_seen = now;
        entry.count = entry.count.saturating_add(1);
        Some(entry.count)
    }

    /// Removes a live session and returns its count; `None` if it is
    /// unknown or expired (an expired one is dropped on the way).
    fn take_live(&mut self, key: SessionKey, now: Instant, ttl: Duration) -> Option<u64> {
        let expired = self.is_expired(key, now, ttl);
        let entry = self.remove(key)?;
        (!expired).then_some(entry.count)
    }

    /// Adds a session counting 1, after dropping a few expired sessions
    /// and, if the store is still full, the one idle longest.
    fn insert(&mut self, key: SessionKey, now: Instant, ttl: Duration, max_sessions: usize) {
        // Each insert sweeps at most a few expired sessions, so that the
        // first visit after a quiet spell does not hold the lock while
        // thousands go; the rest go with later inserts, and until then they
        // count against the bound like live ones.
        for _ in 0..SWEEP_PER_INSERT {
            match self.by_age.first_key_value() {
                Some((_, &oldest)) if self.is_expired(oldest, now, ttl) => self.remove(oldest),
                _ => break,
            };
        }
        if self.entries.len() >= max_sessions
            && let Some((_, &oldest)) = self.by_age.first_key_value()
        {
            self.remove(oldest);
        }
        self.insert_counted(key, 1, now);
    }

    /// Adds a session with a count, as the one used last.
    fn insert_counted(&mut self, key: SessionKey, count: u64, now: Instant) {
        let tick = self.tick();
        self.by_age.insert(tick, key);
        if let Some(replaced) = self.entries.insert(key, Entry { count, last_seen: now, tick }) {
            // 128 random bits do not collide; if they ever did, keep the
            // age index in step with the map.
            self.by_age.remove(&replaced.tick);
        }
    }

    fn is_expired(&self, key: SessionKey, now: Instant, ttl: Duration) -> bool {
        self.entries.get(&key).is_some_and(|e| now.saturating_duration_since(e.last_seen) >= ttl)
    }

    fn remove(&mut self, key: SessionKey) -> Option<Entry> {
        let entry = self.entries.remove(&key)?;
        self.by_age.remove(&entry.tick);
        Some(entry)
    }

    fn tick(&mut self) -> u64 {
        self.next_tick += 1;
        self.next_tick
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const HOUR: Duration = Duration::from_secs(3600);

    /// A store of at most `max_sessions`, after `visits` first visits at `t`.
    fn with_new_sessions(max_sessions: usize, visits: usize, t: Instant) -> MemoryStore {
        let store = MemoryStore::new(HOUR, max_sessions);
        for _ in 0..visits {
            store.visit(None, t).unwrap();
        }
        store
    }

    #[test]
    fn a_visit_without_an_id_starts_a_session_and_the_id_brings_it_back() {
        let store = MemoryStore::new(HOUR, 10);
        let now = Instant::now();
        let first = store.visit(None, now).unwrap();
        assert_eq!((first.count, first.new), (1, true));
        let second = store.visit(Some(first.key), now).unwrap();
        assert_eq!(second, Visit { key: first.key, count: 2, new: false });
        assert_eq!(store.visit(Some(first.key), now).unwrap().count, 3);
    }

    #[test]
    fn an_id_the_server_did_not_issue_is_never_adopted() {
        let store = MemoryStore::new(HOUR, 10);
        let forged = SessionKey::parse(b"0123456789abcdef0123456789abcdef").unwrap();
        let visit = store.visit(Some(forged), Instant::now()).unwrap();
        assert!(visit.new);
        assert_ne!(visit.key, forged, "a new id, not the one presented");
        assert_eq!(visit.count, 1);
    }

    #[test]
    fn sessions_expire_after_the_idle_time() {
        let store = MemoryStore::new(HOUR, 10);
        let start = Instant::now();
        let first = store.visit(None, start).unwrap();
        // Each visit restarts the idle clock.
        assert_eq!(store.visit(Some(first.key), start + HOUR - Duration::from_secs(1)).unwrap().count, 2);
        assert_eq!(store.visit(Some(first.key), start + 2 * HOUR - Duration::from_secs(2)).unwrap().count, 3);
        let late = store.visit(Some(first.key), start + 3 * HOUR).unwrap();
        assert!(late.new, "an expired id starts a new session");
        assert_ne!(late.key, first.key);
        assert_eq!(store.len(), 1, "the expired session was dropped");
    }

    #[test]
    fn a_full_store_evicts_the_session_idle_longest() {
        let store = MemoryStore::new(HOUR, 3);
        let t = Instant::now();
        let a = store.visit(None, t).unwrap().key;
        let b = store.visit(None, t).unwrap().key;
        let c = store.visit(None, t).unwrap().key;
        store.visit(Some(a), t).unwrap(); // b is now the one idle longest
        let d = store.visit(None, t).unwrap().key;
        assert_eq!(store.len(), 3);
        assert!(store.visit(Some(b), t).unwrap().new, "b was evicted");
        for key in [a, d] {
            assert!(!store.visit(Some(key), t).unwrap().new);
        }
        assert!(store.visit(Some(c), t).unwrap().new, "c went when b's replacement came in");
    }

    #[test]
    fn a_flood_of_new_clients_stays_within_the_bound() {
        let store = with_new_sessions(100, 10_000, Instant::now());
        assert_eq!(store.len(), 100);
        let sessions = store.lock();
        assert_eq!(sessions.by_age.len(), 100, "the age index keeps step");
    }

    #[test]
    fn expired_sessions_are_swept_a_few_at_a_time_as_new_ones_arrive() {
        let t = Instant::now();
        let store = with_new_sessions(100, 50, t);
        let later = t + 2 * HOUR;
        store.visit(None, later).unwrap();
        assert_eq!(store.len(), 50 - SWEEP_PER_INSERT + 1, "one insert sweeps a few");
        let inserts = 50_usize.div_ceil(SWEEP_PER_INSERT);
        for _ in 1..inserts {
            store.visit(None, later).unwrap();
        }
        assert_eq!(store.len(), inserts, "the expired ones went faster than new ones came");
    }

    #[test]
    fn a_full_store_of_expired_sessions_still_takes_a_new_one() {
        let t = Instant::now();
        let store = with_new_sessions(10, 10, t);
        let key = store.visit(None, t + 2 * HOUR).unwrap().key;
        assert_eq!(store.len(), 10 - SWEEP_PER_INSERT + 1);
        assert!(!store.visit(Some(key), t + 2 * HOUR).unwrap().new);
    }

    #[test]
    fn the_first_live_id_among_several_wins() {
        let store = MemoryStore::new(HOUR, 10);
        let t = Instant::now();
        let live = store.visit(None, t).unwrap().key;
        let stranger = SessionKey::parse(b"0123456789abcdef0123456789abcdef").unwrap();
        let visit = store.visit([stranger, live], t).unwrap();
        assert_eq!(visit, Visit { key: live, count: 2, new: false });
    }

    #[test]
    fn forget_ends_a_session() {
        let store = MemoryStore::new(HOUR, 10);
        let t = Instant::now();
        let key = store.visit(None, t).unwrap().key;
        assert!(store.forget(key));
        assert!(!store.forget(key));
        assert!(store.visit(Some(key), t).unwrap().new);
    }

    #[test]
    fn concurrent_visits_to_one_session_are_all_counted() {
        let store = Arc::new(MemoryStore::new(HOUR, 1000));
        let t = Instant::now();
        let key = store.visit(None, t).unwrap().key;
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        assert!(!store.visit(Some(key), t).unwrap().new);
                        store.visit(None, t).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(store.visit(Some(key), t).unwrap().count, 8 * 1000 + 2);
        assert!(store.len() <= 1000);
    }

    #[test]
    fn cycle_moves_the_count_to_a_new_id_and_the_old_one_is_worthless() {
        let store = MemoryStore::new(HOUR, 10);
        let t = Instant::now();
        let old = store.visit(None, t).unwrap().key;
        store.visit(Some(old), t).unwrap();
        let stranger = SessionKey::parse(b"0123456789abcdef0123456789abcdef").unwrap();
        let cycle = store.cycle([stranger, old], t).unwrap().expect("a live session");
        assert_eq!((cycle.old, cycle.count), (old, 2));
        assert_ne!(cycle.new, old);
        assert_eq!(store.len(), 1, "moved, not copied");
        assert!(store.visit(Some(old), t).unwrap().new, "the old id is worthless");
        assert_eq!(store.visit(Some(cycle.new), t).unwrap().count, 3);
    }

    #[test]
    fn cycle_without_a_live_session_changes_nothing() {
        let store = MemoryStore::new(HOUR, 10);
        let t = Instant::now();
        let key = store.visit(None, t).unwrap().key;
        let stranger = SessionKey::parse(b"0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(store.cycle(Some(stranger), t).unwrap(), None);
        assert_eq!(store.cycle(Some(key), t + 2 * HOUR).unwrap(), None, "an expired session is not moved");
        assert_eq!(store.len(), 0, "and is dropped on the way");
    }
}
