//! Server-side sessions: the count kept on the server, the browser holding
//! only a random id (Django's session framework, in miniature).
//!
//! The browser gets `Set-Cookie: sessionid=<32 hex digits>` and sends the
//! id back; the server looks the id up in a store. The client can no
//! longer change the count, only present an id, and an id is worth
//! something only if the server issued it and it has not expired: an
//! unknown id is never adopted (that would let an attacker pick a victim's
//! id in advance, "session fixation"), and a new session with a new id
//! starts instead. Whatever the store, ids are 128 bits from the operating
//! system's secure random source, drawn here and nowhere else.
//!
//! ## Where the sessions live (`--sessions`)
//!
//! | store | module | survives a restart | shared by |
//! |---|---|---|---|
//! | `memory` (default) | [`memory`] | no | this process only |
//! | `sqlite:PATH` | [`sqlite`] | yes | the processes on this host that open the file |
//! | `redis://HOST:PORT[/DB]` | [`redis`] | yes, while Redis keeps its data | every server that reaches that Redis |
//!
//! ## Counting without losing a count
//!
//! Two tabs, or two servers behind a balancer, can bring the same session
//! at the same moment. A store that reads the count, adds one in the
//! server and writes it back loses one of the two visits (the lost update
//! that express-session, connect-redis, Flask-Session and tower-sessions
//! users report most). Every store here makes a visit one atomic operation
//! in the store itself: one locked update in memory, one
//! `UPDATE ... SET count = count + 1 ... RETURNING` in SQLite, one
//! `MULTI`/`INCR`/`EXEC` transaction in Redis. Moving a session to a new id
//! ([`SessionStore::cycle`]) is one atomic operation too.
//!
//! ## A store that is slow or down: the trade-off
//!
//! The workers are event loops (`server::worker`): while one waits for
//! SQLite or Redis, every other connection it owns waits with it. So every
//! call to a store outside the process is bounded by
//! `Config::store_timeout` (250 ms by default), and after a failure the
//! store is left alone for `Config::store_backoff` (1 s): meanwhile the
//! session page answers `503` at once, then one request (only one, on
//! whichever worker gets there first) asks the store again. A store that is
//! down therefore costs the session page its answers, costs each worker at
//! most one timeout per backoff, and costs the other pages nothing more.
//! When the store answers again, its sessions carry on where they were.
//!
//! The price of giving up after a timeout: the server cannot tell whether
//! the command it gave up on was carried out. A visit answered `503` may
//! still have been counted, if the store was only slow and applied it
//! later. Nothing is ever counted twice for one answer shown.

mod memory;
mod outage;
mod redis;
mod sqlite;

use self::memory::MemoryStore;
use self::outage::Outage;
use self::redis::RedisStore;
use self::sqlite::SqliteStore;
use super::hex;
use crate::config::{Config, SessionStorage};
use std::fmt;
use std::time::{Duration, Instant};

/// Bytes of randomness in a session id: 128 bits.
const KEY_BYTES: usize = 16;

/// Expired sessions dropped, at most, when a new one is added (by the
/// stores that sweep: memory and SQLite). More than one, so that the
/// expired ones go faster than new ones arrive; only a few, so that the
/// first visit after a quiet spell does not wait while thousands go.
const SWEEP_PER_INSERT: usize = 4;

/// Ids looked up, at most, in a store outside the process for one request:
/// a browser sends one, or two when a stray cookie sits on a narrower
/// path. Each lookup is a round trip, so a request carrying a hundred
/// `sessionid` cookies must not cost a hundred.
const MOST_IDS_LOOKED_UP: usize = 4;

/// A session id: 128 bits from the operating system's secure random
/// source, written as 32 lowercase hex digits (a URL-safe alphabet).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionKey([u8; KEY_BYTES]);

impl SessionKey {
    /// A new, unpredictable id.
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; KEY_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(SessionKey(bytes))
    }

    /// Reads an id in the form this server writes it. Anything else (wrong
    /// length, uppercase, other characters) is not an id.
    pub fn parse(text: &[u8]) -> Option<Self> {
        hex::decode(text).map(SessionKey)
    }

    /// The id as 32 hex digits.
    pub fn to_hex(self) -> HexKey {
        let mut text = Vec::with_capacity(KEY_BYTES * 2);
        hex::encode_into(&self.0, &mut text);
        HexKey(String::from_utf8(text).expect("hex digits are ASCII"))
    }

    /// The id's 16 bytes, as a store keeps them.
    fn as_bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }
}

/// A session id written out.
pub struct HexKey(String);

impl HexKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionKey {
    /// Shows only the start of an id: a log is no place for whole ones.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionKey({}...)", &self.to_hex().as_str()[..6])
    }
}

/// What a visit found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visit {
    /// The session's id: the one presented, or a new one.
    pub key: SessionKey,
    /// The count after this visit.
    pub count: u64,
    /// Whether the presented id was unknown or expired (or none was) and a
    /// new session began.
    pub new: bool,
}

/// A session moved to a new id ("log in").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cycle {
    /// The id it had, now worth nothing.
    pub old: SessionKey,
    /// The id it has now.
    pub new: SessionKey,
    /// Its count, unchanged.
    pub count: u64,
}

/// Why the session page cannot answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The operating system gave no randomness for a new id.
    NoRandomness,
    /// The store failed or did not answer in time, now or a moment ago.
    Unavailable,
}

/// Which kind of store holds the sessions, for the page to explain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    Memory,
    Sqlite,
    Redis,
}

/// Every session, in the store the configuration chose.
#[derive(Debug)]
pub struct SessionStore {
    /// The store itself.
    backend: Backend,
    /// A session unused for this long is gone.
    ttl: Duration,
    /// Where the sessions live, in words: "the memory of this process",
    /// "the SQLite file sessions.db", "Redis at 127.0.0.1:6379, database 0".
    place: String,
    /// For the stores outside the process: whether they failed a moment
    /// ago, and so are not to be asked yet.
    outage: Outage,
}

/// The three stores. An enum rather than a trait object, so that the
/// memory store, the default and the fastest, is reached with one `match`
/// and no indirect call.
#[derive(Debug)]
enum Backend {
    Memory(MemoryStore),
    Sqlite(SqliteStore),
    Redis(RedisStore),
}

/// What a store outside this process does for a session. Each call is
/// one atomic operation in the store, bounded by the store timeout.
trait SharedStore {
    /// One more visit to a live session, which also restarts its idle
    /// clock: its new count, or `None` if the id is unknown or expired.
    fn touch(&self, key: SessionKey) -> Result<Option<u64>, Failure>;
    /// Adds a new session counting 1.
    fn insert(&self, key: SessionKey) -> Result<(), Failure>;
    /// Ends a session; says whether it was live.
    fn remove(&self, key: SessionKey) -> Result<bool, Failure>;
    /// Moves a live session to the id `new`, keeping its count: the count,
    /// or `None` if `old` is unknown or expired.
    fn rename(&self, old: SessionKey, new: SessionKey) -> Result<Option<u64>, Failure>;
}

/// Why an operation failed, before the page is told.
#[derive(Debug)]
enum Failure {
    /// No randomness for a new id: not the store's fault.
    NoRandomness,
    /// The store failed, or did not answer in time; what it said, for the
    /// log.
    Store(String),
}

impl From<getrandom::Error> for Failure {
    fn from(_: getrandom::Error) -> Self {
        Failure::NoRandomness
    }
}

impl SessionStore {
    /// Opens the store the configuration names. A SQLite file that cannot
    /// be opened is an error; a Redis that does not answer yet is not (it
    /// is said on stderr, and the session page answers `503` until it does).
    pub fn open(config: &Config) -> Result<Self, String> {
        let (backend, place) = match &config.sessions {
            SessionStorage::Memory => (
                Backend::Memory(MemoryStore::new(config.session_ttl, config.max_sessions)),
                "the memory of this process".into(),
            ),
            SessionStorage::Sqlite(path) => {
                let store = SqliteStore::open(path, config)?;
                (Backend::Sqlite(store), format!("the SQLite file {}", path.display()))
            }
            SessionStorage::Redis(address) => {
                let store = RedisStore::open(address, config)?;
                (Backend::Redis(store), format!("Redis at {address}"))
            }
        };
        let store = SessionStore { backend, ttl: config.session_ttl, place, outage: Outage::new(config.store_backoff) };
        store.check_at_start();
        Ok(store)
    }

    /// Counts a visit: one more for the first live session among the ids
    /// `presented` (a browser may send several), otherwise a new session
    /// counting 1.
    pub fn visit(&self, presented: impl IntoIterator<Item = SessionKey>) -> Result<Visit, StoreError> {
        match &self.backend {
            Backend::Memory(memory) => memory.visit(presented, Instant::now()).map_err(|_| StoreError::NoRandomness),
            Backend::Sqlite(sqlite) => self.ask(|| visit_shared(sqlite, presented)),
            Backend::Redis(redis) => self.ask(|| visit_shared(redis, presented)),
        }
    }

    /// Ends the first live session among the ids `presented`, as "forget
    /// me" does. Says whether one was live.
    pub fn forget(&self, presented: impl IntoIterator<Item = SessionKey>) -> Result<bool, StoreError> {
        let mut presented = presented.into_iter();
        match &self.backend {
            Backend::Memory(memory) => Ok(presented.any(|key| memory.forget(key))),
            Backend::Sqlite(sqlite) => self.ask(|| forget_shared(sqlite, presented)),
            Backend::Redis(redis) => self.ask(|| forget_shared(redis, presented)),
        }
    }

    /// Gives the first live session among the ids `presented` a new id,
    /// keeping its count; the old id is then worth nothing. `None` if no
    /// session was live.
    pub fn cycle(&self, presented: impl IntoIterator<Item = SessionKey>) -> Result<Option<Cycle>, StoreError> {
        match &self.backend {
            Backend::Memory(memory) => memory.cycle(presented, Instant::now()).map_err(|_| StoreError::NoRandomness),
            Backend::Sqlite(sqlite) => self.ask(|| cycle_shared(sqlite, presented)),
            Backend::Redis(redis) => self.ask(|| cycle_shared(redis, presented)),
        }
    }

    /// How long an unused session lives.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Where the sessions live, in words.
    pub fn place(&self) -> &str {
        &self.place
    }

    pub fn kind(&self) -> StoreKind {
        match self.backend {
            Backend::Memory(_) => StoreKind::Memory,
            Backend::Sqlite(_) => StoreKind::Sqlite,
            Backend::Redis(_) => StoreKind::Redis,
        }
    }

    /// How long the session page asks clients to wait after a failure.
    pub fn backoff(&self) -> Duration {
        self.outage.backoff()
    }

    /// Runs one operation on a store outside the process, unless it failed
    /// a moment ago, and keeps track of its failures.
    fn ask<T>(&self, operation: impl FnOnce() -> Result<T, Failure>) -> Result<T, StoreError> {
        if !self.outage.may_ask() {
            return Err(StoreError::Unavailable);
        }
        match operation() {
            Ok(answer) => {
                self.outage.answered(&self.place);
                Ok(answer)
            }
            Err(Failure::NoRandomness) => Err(StoreError::NoRandomness),
            Err(Failure::Store(why)) => {
                self.outage.failed(&self.place, &why);
                Err(StoreError::Unavailable)
            }
        }
    }

    /// Asks a store outside the process one harmless question at start,
    /// so that one that cannot be reached is reported before the first
    /// visitor finds out.
    fn check_at_start(&self) {
        let unknown = SessionKey([0; KEY_BYTES]);
        let _ = match &self.backend {
            Backend::Memory(_) => return,
            Backend::Sqlite(sqlite) => self.ask(|| sqlite.remove(unknown)),
            Backend::Redis(redis) => self.ask(|| redis.remove(unknown)),
        };
    }
}

/// A visit to a store outside the process: the first live id among the
/// first few presented, or a new session.
fn visit_shared(store: &impl SharedStore, presented: impl IntoIterator<Item = SessionKey>) -> Result<Visit, Failure> {
    for key in presented.into_iter().take(MOST_IDS_LOOKED_UP) {
        if let Some(count) = store.touch(key)? {
            return Ok(Visit { key, count, new: false });
        }
    }
    let key = SessionKey::random()?;
    store.insert(key)?;
    Ok(Visit { key, count: 1, new: true })
}

fn forget_shared(store: &impl SharedStore, presented: impl Iterator<Item = SessionKey>) -> Result<bool, Failure> {
    for key in presented.take(MOST_IDS_LOOKED_UP) {
        if store.remove(key)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn cycle_shared(
    store: &impl SharedStore,
    presented: impl IntoIterator<Item = SessionKey>,
) -> Result<Option<Cycle>, Failure> {
    let new = SessionKey::random()?;
    for old in presented.into_iter().take(MOST_IDS_LOOKED_UP) {
        if let Some(count) = store.rename(old, new)? {
            return Ok(Some(Cycle { old, new, count }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_hex_and_parse_back() {
        let a = SessionKey::random().unwrap();
        let b = SessionKey::random().unwrap();
        assert_ne!(a, b);
        let text = a.to_hex();
        assert_eq!(text.as_str().len(), 32);
        assert!(text.as_str().bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        assert_eq!(SessionKey::parse(text.as_str().as_bytes()), Some(a));
        for bad in
            [&b""[..], b"0123", b"0123456789ABCDEF0123456789ABCDEF", b"0123456789abcdef0123456789abcdeg", &[b'a'; 33]]
        {
            assert_eq!(SessionKey::parse(bad), None, "{bad:?}");
        }
        assert!(!format!("{a:?}").contains(text.as_str()), "Debug does not print whole ids");
    }
}
