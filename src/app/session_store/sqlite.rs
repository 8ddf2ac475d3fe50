//! The SQLite store, `--sessions sqlite:PATH`: sessions in a file.
//!
//! Sessions survive a restart, and the processes on one host that open
//! the same file share them: SQLite locks the file so that one process
//! writes at a time. Not across hosts: over a network file system SQLite
//! cannot trust the locks, and the file can be corrupted.
//!
//! ```sql
//! CREATE TABLE pagecount_sessions (
//!     id BLOB PRIMARY KEY,        -- the 16 random bytes of the id
//!     count INTEGER NOT NULL,     -- visits so far
//!     last_seen INTEGER NOT NULL  -- milliseconds since the Unix epoch
//! ) WITHOUT ROWID;
//! ```
//!
//! A visit is one statement, `UPDATE ... SET count = count + 1 ...
//! RETURNING count`, which SQLite runs under its write lock: two visits at
//! once, from two workers or two processes, are both counted. Moving a
//! session to a new id is one `UPDATE ... SET id = ...` in the same way.
//!
//! Time is the wall clock (`SystemTime`), not `Instant` as in the memory
//! store: another process, or this one after a restart, must read the
//! same times. A row not seen for the session lifetime is dead: lookups
//! ignore it, and each insert deletes a few dead rows, oldest first, then
//! the row unused longest if the table holds `--max-sessions` already.
//!
//! The file is in WAL mode (readers never wait for the writer) with
//! `synchronous = NORMAL`: a visit is written to the log without waiting
//! for the disk, so sessions survive a crash of the process, while a power
//! cut may lose the last few visits. Waiting for the disk on every visit
//! would bound the page by the disk's flush rate.
//!
//! Each process keeps one connection, behind a mutex held for one
//! statement. SQLite lets one writer in at a time anyway; between the
//! workers of one process the mutex hands the connection on at once, while
//! SQLite's own wait (for another process) sleeps in steps of milliseconds.
//! That wait is bounded by the store timeout (`busy_timeout`).

use super::{Failure, SWEEP_PER_INSERT, SessionKey, SharedStore};
use crate::config::Config;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// The table, created when the file is new.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS pagecount_sessions (
    id BLOB PRIMARY KEY,
    count INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pagecount_sessions_by_age ON pagecount_sessions (last_seen);
";

/// One more visit to a live session. `?1` the id, `?2` now, `?3` the
/// `last_seen` at or before which a session is dead.
const TOUCH: &str = "UPDATE pagecount_sessions SET count = count + 1, last_seen = ?2
    WHERE id = ?1 AND last_seen > ?3 RETURNING count";

/// Before an insert: a few dead rows, oldest first (`?1`: the
/// `last_seen` at or before which a session is dead; `?2`: how many).
const SWEEP: &str = "DELETE FROM pagecount_sessions WHERE id IN
    (SELECT id FROM pagecount_sessions WHERE last_seen <= ?1 ORDER BY last_seen LIMIT ?2)";

/// Before an insert: the rows unused longest, so that one more fits
/// within `?1` rows.
const EVICT: &str = "DELETE FROM pagecount_sessions WHERE id IN
    (SELECT id FROM pagecount_sessions ORDER BY last_seen
     LIMIT max(0, (SELECT count(*) FROM pagecount_sessions) - ?1 + 1))";

const INSERT: &str = "INSERT INTO pagecount_sessions (id, count, last_seen) VALUES (?1, 1, ?2)";

/// Ends a session; returns its `last_seen` if it was there.
const REMOVE: &str = "DELETE FROM pagecount_sessions WHERE id = ?1 RETURNING last_seen";

/// Moves a live session to a new id (`?2`), keeping its count.
const RENAME: &str = "UPDATE pagecount_sessions SET id = ?2, last_seen = ?3
    WHERE id = ?1 AND last_seen > ?4 RETURNING count";

/// Sessions in a SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    /// This process's connection to the file.
    connection: Mutex<Connection>,
    /// A session unused for this many milliseconds is dead.
    ttl_ms: i64,
    /// Most sessions kept in the file.
    max_sessions: i64,
}

impl SqliteStore {
    /// Opens (or creates) the file, switches it to WAL mode and creates the
    /// table if needed.
    pub(super) fn open(path: &Path, config: &Config) -> Result<Self, String> {
        let fail = |e: rusqlite::Error| format!("cannot use the SQLite file {}: {e}", path.display());
        let connection = Connection::open(path).map_err(fail)?;
        connection.busy_timeout(config.store_timeout).map_err(fail)?;
        let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(fail)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(format!(
                "the SQLite store {} must be a file (its journal mode is {mode}, not WAL)",
                path.display()
            ));
        }
        connection.pragma_update(None, "synchronous", "NORMAL").map_err(fail)?;
        connection.execute_batch(SCHEMA).map_err(fail)?;
        Ok(SqliteStore {
            connection: Mutex::new(connection),
            ttl_ms: millis(config.session_ttl),
            max_sessions: i64::try_from(config.max_sessions).unwrap_or(i64::MAX),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the connection leaves nothing half-done
        // that SQLite itself would not have rolled back.
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The `last_seen` at or before which a session is dead, at `now`.
    fn dead_since(&self, now: i64) -> i64 {
        now.saturating_sub(self.ttl_ms)
    }

    fn touch_at(&self, key: SessionKey, now: i64) -> rusqlite::Result<Option<u64>> {
        let connection = self.lock();
        let mut touch = connection.prepare_cached(TOUCH)?;
        touch.query_row(params![key.as_bytes(), now, self.dead_since(now)], count).optional()
    }

    fn insert_at(&self, key: SessionKey, now: i64) -> rusqlite::Result<()> {
        let mut connection = self.lock();
        // IMMEDIATE takes the write lock at once, so the count of rows
        // cannot change between the eviction and the insert.
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sweep = i64::try_from(SWEEP_PER_INSERT).expect("a few");
        transaction.prepare_cached(SWEEP)?.execute(params![self.dead_since(now), sweep])?;
        transaction.prepare_cached(EVICT)?.execute(params![self.max_sessions])?;
        transaction.prepare_cached(INSERT)?.execute(params![key.as_bytes(), now])?;
        transaction.commit()
    }

    fn remove_at(&self, key: SessionKey, now: i64) -> rusqlite::Result<bool> {
        let connection = self.lock();
        let mut remove = connection.prepare_cached(REMOVE)?;
        let last_seen: Option<i64> = remove.query_row(params![key.as_bytes()], |row| row.get(0)).optional()?;
        Ok(last_seen.is_some_and(|seen| seen > self.dead_since(now)))
    }

    fn rename_at(&self, old: SessionKey, new: SessionKey, now: i64) -> rusqlite::Result<Option<u64>> {
        let connection = self.lock();
        let mut rename = connection.prepare_cached(RENAME)?;
        let arguments = params![old.as_bytes(), new.as_bytes(), now, self.dead_since(now)];
        rename.query_row(arguments, count).optional()
    }
}

impl SharedStore for SqliteStore {
    fn touch(&self, key: SessionKey) -> Result<Option<u64>, Failure> {
        self.touch_at(key, now_ms()).map_err(failure)
    }

    fn insert(&self, key: SessionKey) -> Result<(), Failure> {
        self.insert_at(key, now_ms()).map_err(failure)
    }

    fn remove(&self, key: SessionKey) -> Result<bool, Failure> {
        self.remove_at(key, now_ms()).map_err(failure)
    }

    fn rename(&self, old: SessionKey, new: SessionKey) -> Result<Option<u64>, Failure> {
        self.rename_at(old, new, now_ms()).map_err(failure)
    }
}

/// The count a statement returned. SQLite's integers are signed; a count
/// is never negative.
fn count(row: &Row) -> rusqlite::Result<u64> {
    row.get::<_, i64>(0).map(|n| u64::try_from(n).unwrap_or(0))
}

fn failure(e: rusqlite::Error) -> Failure {
    Failure::Store(e.to_string())
}

/// The wall clock in milliseconds since the Unix epoch.
fn now_ms() -> i64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, millis)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::PathBuf;

    const HOUR: i64 = 3_600_000;

    /// A SQLite file in the temporary directory, deleted (with its WAL
    /// files) when dropped.
    pub(crate) struct TempDb(pub(crate) PathBuf);

    impl TempDb {
        pub(crate) fn new(name: &str) -> Self {
            let unique = format!("pagecount-{name}-{}-{}.db", std::process::id(), now_ms());
            TempDb(std::env::temp_dir().join(unique))
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = self.0.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    fn store(db: &TempDb, max_sessions: usize) -> SqliteStore {
        let config = Config {
            session_ttl: Duration::from_millis(HOUR as u64),
            max_sessions,
            store_timeout: Duration::from_millis(50),
            ..Config::default()
        };
        SqliteStore::open(&db.0, &config).unwrap()
    }

    fn key() -> SessionKey {
        SessionKey::random().unwrap()
    }

    fn rows(store: &SqliteStore) -> i64 {
        store.lock().query_row("SELECT count(*) FROM pagecount_sessions", [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn a_session_counts_up_and_an_unknown_id_is_not_adopted() {
        let db = TempDb::new("count");
        let store = store(&db, 10);
        let (a, stranger) = (key(), key());
        store.insert_at(a, 0).unwrap();
        assert_eq!(store.touch_at(a, 1).unwrap(), Some(2));
        assert_eq!(store.touch_at(a, 2).unwrap(), Some(3));
        assert_eq!(store.touch_at(stranger, 2).unwrap(), None);
        assert_eq!(rows(&store), 1, "the unknown id left no row behind");
    }

    #[test]
    fn sessions_expire_after_the_idle_time_and_each_visit_restarts_it() {
        let db = TempDb::new("expiry");
        let store = store(&db, 10);
        let a = key();
        store.insert_at(a, 0).unwrap();
        assert_eq!(store.touch_at(a, HOUR - 1).unwrap(), Some(2), "just alive");
        assert_eq!(store.touch_at(a, 2 * HOUR - 2).unwrap(), Some(3), "the last visit restarted the clock");
        assert_eq!(store.touch_at(a, 3 * HOUR - 2).unwrap(), None, "dead after exactly the idle time");
        assert_eq!(store.rename_at(a, key(), 3 * HOUR).unwrap(), None, "a dead one is not moved");
        assert!(!store.remove_at(a, 3 * HOUR).unwrap(), "nor counted as live when forgotten");
    }

    #[test]
    fn inserts_sweep_a_few_dead_rows_and_evict_the_one_unused_longest() {
        let db = TempDb::new("bound");
        let store = store(&db, 3);
        let keys: Vec<SessionKey> = (0..3).map(|_| key()).collect();
        for (t, &k) in keys.iter().enumerate() {
            store.insert_at(k, t as i64).unwrap();
        }
        store.touch_at(keys[0], 10).unwrap(); // keys[1] is now unused longest
        let d = key();
        store.insert_at(d, 11).unwrap();
        assert_eq!(rows(&store), 3);
        assert_eq!(store.touch_at(keys[1], 12).unwrap(), None, "evicted");
        for k in [keys[0], keys[2], d] {
            assert!(store.touch_at(k, 12).unwrap().is_some());
        }
        // Much later, every row is dead: one insert sweeps them.
        store.insert_at(key(), 10 * HOUR).unwrap();
        assert_eq!(rows(&store), 1);
    }

    #[test]
    fn a_flood_of_new_sessions_stays_within_the_bound() {
        let db = TempDb::new("flood");
        let store = store(&db, 20);
        for t in 0..200 {
            store.insert_at(key(), t).unwrap();
        }
        assert_eq!(rows(&store), 20);
    }

    #[test]
    fn rename_moves_the_count_and_the_old_id_is_worthless() {
        let db = TempDb::new("rename");
        let store = store(&db, 10);
        let (old, new) = (key(), key());
        store.insert_at(old, 0).unwrap();
        store.touch_at(old, 1).unwrap();
        assert_eq!(store.rename_at(old, new, 2).unwrap(), Some(2));
        assert_eq!(store.touch_at(old, 3).unwrap(), None);
        assert_eq!(store.touch_at(new, 3).unwrap(), Some(3));
        assert!(store.remove_at(new, 4).unwrap());
        assert!(!store.remove_at(new, 4).unwrap());
    }

    #[test]
    fn the_file_outlives_the_store_and_is_shared() {
        let db = TempDb::new("shared");
        let a = key();
        store(&db, 10).insert_at(a, 0).unwrap();
        let (first, second) = (store(&db, 10), store(&db, 10));
        assert_eq!(first.touch_at(a, 1).unwrap(), Some(2), "reopened: still there");
        assert_eq!(second.touch_at(a, 2).unwrap(), Some(3), "another connection sees the same row");
        let mode: String = first.lock().query_row("PRAGMA journal_mode", [], |row| row.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_file_locked_by_another_process_fails_within_the_timeout_then_recovers() {
        let db = TempDb::new("locked");
        let store = store(&db, 10);
        let a = key();
        store.insert_at(a, 0).unwrap();
        // Another process holding the write lock, as a long transaction
        // or a stuck program would.
        let other = Connection::open(&db.0).unwrap();
        other.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let error = store.touch_at(a, 1).unwrap_err();
        assert!(error.to_string().contains("locked"), "{error}");
        other.execute_batch("COMMIT").unwrap();
        assert_eq!(store.touch_at(a, 2).unwrap(), Some(2), "the failed visit was not counted");
    }

    #[test]
    fn a_path_that_cannot_be_opened_is_a_clear_error() {
        let config = Config::default();
        let error = SqliteStore::open(Path::new("/nonexistent-directory/x.db"), &config).unwrap_err();
        assert!(error.contains("/nonexistent-directory/x.db"), "{error}");
    }
}
