//! The Redis store, `--sessions redis://HOST:PORT[/DB]`: sessions in a
//! Redis server, or any server that speaks its protocol (RESP) and
//! commands (Redis 7 or later: `EXPIRE`'s `NX` and `XX`, `COPY`).
//!
//! Every pagecount server, on any host, that points at one Redis shares
//! its sessions, and restarting pagecount loses none. Redis keeps them in
//! its own memory (on disk too, only if it is told to) and drops each one
//! itself when its expiry passes: there is nothing to sweep here. How many
//! it keeps is Redis's `maxmemory` setting, not `--max-sessions`.
//!
//! A session is one key, `pagecount:session:<id in hex>`, holding the
//! count and an expiry one session lifetime away. A visit is one
//! transaction, which Redis runs with no other client's command in between:
//!
//! ```text
//! MULTI
//! INCR    pagecount:session:<id>           the count, plus one
//! PEXPIRE pagecount:session:<id> <ttl> XX  restart the idle clock, if it has one
//! PEXPIRE pagecount:session:<id> 0 NX      delete the key if it has none
//! EXEC
//! ```
//!
//! Every session this server creates has an expiry (`SET ... PX <ttl>
//! NX`). A key without one can only be the one `INCR` has just made for an
//! id nobody issued: the last command deletes it, and the second one's
//! answer (0, "no expiry to restart") says the id was unknown. So two
//! visits at once are both counted, an unknown id is never adopted, and no
//! other client ever sees the key made up in between. (A Lua script could
//! do the same; this needs none.) Moving a session to a new id is `COPY`,
//! `DEL` and `GET` in one transaction the same way.
//!
//! Each worker uses one connection at a time, taken from a small pool of
//! idle ones and given back after the command: as many connections as
//! workers asking at once, no more. Connecting, sending and waiting for an
//! answer are each bounded by the store timeout. A connection that failed
//! is dropped, with the idle ones (they most likely lead to the same dead
//! server), and new ones are made when next needed: that is the
//! reconnection.

use super::{Failure, SessionKey, SharedStore};
use crate::app::hex;
use crate::config::{Config, RedisAddress};
use redis::{
    Client, Connection, ConnectionAddr, FromRedisValue, IntoConnectionInfo, Pipeline, RedisConnectionInfo, RedisResult,
};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The start of every key this server writes, so that it can share a
/// Redis database with other programs.
const KEY_PREFIX: &str = "pagecount:session:";

/// Sessions in a Redis server.
pub struct RedisStore {
    /// Where Redis is, and how to greet it (database, password).
    client: Client,
    /// Connections not in use right now.
    idle: Mutex<Vec<Connection>>,
    /// Longest wait to connect, to send, or for an answer.
    timeout: Duration,
    /// The session lifetime, in milliseconds, for `PEXPIRE`.
    ttl_ms: u64,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The client holds the password, if any: not for a log.
        f.debug_struct("RedisStore").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store for the Redis at `address`. Nothing is connected yet.
    pub(super) fn open(address: &RedisAddress, config: &Config) -> Result<Self, String> {
        let mut greeting = RedisConnectionInfo::default().set_db(address.db).set_skip_set_lib_name();
        if let Some(username) = &address.username {
            greeting = greeting.set_username(username);
        }
        if let Some(password) = &address.password {
            greeting = greeting.set_password(password.as_str());
        }
        let bad = |e: redis::RedisError| format!("cannot use Redis at {address}: {e}");
        let info = ConnectionAddr::Tcp(address.host.clone(), address.port)
            .into_connection_info()
            .map_err(bad)?
            .set_redis_settings(greeting);
        Ok(RedisStore {
            client: Client::open(info).map_err(bad)?,
            idle: Mutex::default(),
            timeout: config.store_timeout,
            ttl_ms: u64::try_from(config.session_ttl.as_millis()).unwrap_or(u64::MAX).max(1),
        })
    }

    /// Runs `commands` on a connection (an idle one, or a new one), and
    /// gives it back if all went well.
    fn with_connection<T>(&self, commands: impl FnOnce(&mut Connection) -> RedisResult<T>) -> Result<T, Failure> {
        let taken = self.lock_idle().pop();
        let mut connection = match taken {
            Some(connection) => connection,
            None => self.connect().map_err(|e| self.failure(e))?,
        };
        match commands(&mut connection) {
            Ok(answer) => {
                self.lock_idle().push(connection);
                Ok(answer)
            }
            Err(e) => {
                // Closed outside the lock: closing a socket is a system call.
                let stale = std::mem::take(&mut *self.lock_idle());
                drop(stale);
                Err(self.failure(e))
            }
        }
    }

    fn connect(&self) -> RedisResult<Connection> {
        let connection = self.client.get_connection_with_timeout(self.timeout)?;
        connection.set_read_timeout(Some(self.timeout))?;
        connection.set_write_timeout(Some(self.timeout))?;
        Ok(connection)
    }

    /// What went wrong, in words for the log.
    fn failure(&self, e: redis::RedisError) -> Failure {
        if e.is_timeout() {
            Failure::Store(format!("no answer within {:?}", self.timeout))
        } else {
            Failure::Store(e.to_string())
        }
    }

    fn lock_idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SharedStore for RedisStore {
    fn touch(&self, key: SessionKey) -> Result<Option<u64>, Failure> {
        let name = key_name(key);
        self.with_connection(|connection| {
            let mut visit = redis::pipe();
            visit.atomic();
            visit.cmd("INCR").arg(&name);
            visit.cmd("PEXPIRE").arg(&name).arg(self.ttl_ms).arg("XX");
            visit.cmd("PEXPIRE").arg(&name).arg(0).arg("NX");
            let (count, restarted, _made_up): (u64, bool, bool) = transaction(connection, &visit)?;
            Ok(restarted.then_some(count))
        })
    }

    fn insert(&self, key: SessionKey) -> Result<(), Failure> {
        let name = key_name(key);
        let created: bool = self.with_connection(|connection| {
            redis::cmd("SET").arg(&name).arg(1).arg("PX").arg(self.ttl_ms).arg("NX").query(connection)
        })?;
        // 128 random bits do not collide; if they ever did, the session
        // that has the id keeps it.
        if created { Ok(()) } else { Err(Failure::Store("a new session id was already taken".into())) }
    }

    fn remove(&self, key: SessionKey) -> Result<bool, Failure> {
        let name = key_name(key);
        self.with_connection(|connection| redis::cmd("DEL").arg(&name).query(connection))
    }

    fn rename(&self, old: SessionKey, new: SessionKey) -> Result<Option<u64>, Failure> {
        let (old, new) = (key_name(old), key_name(new));
        self.with_connection(|connection| {
            let mut rename = redis::pipe();
            rename.atomic();
            rename.cmd("COPY").arg(&old).arg(&new);
            rename.cmd("DEL").arg(&old);
            rename.cmd("PEXPIRE").arg(&new).arg(self.ttl_ms).arg("XX");
            rename.cmd("GET").arg(&new);
            let (copied, _, _, count): (bool, bool, bool, Option<u64>) = transaction(connection, &rename)?;
            Ok(if copied { count } else { None })
        })
    }
}

/// Sends a `MULTI` ... `EXEC` transaction in one write and returns `EXEC`'s
/// answers. The crate's own pipelines read every answer even after one
/// has failed, so a Redis that stopped answering would cost the timeout
/// once per command; this gives up at the first failure.
fn transaction<T: FromRedisValue>(connection: &mut Connection, commands: &Pipeline) -> RedisResult<T> {
    connection.send_packed_command(&commands.get_packed_pipeline())?;
    // `+OK` for MULTI, then `+QUEUED` for each command.
    for _ in 0..=commands.len() {
        connection.recv_response()?.extract_error()?;
    }
    let answers = connection.recv_response()?.extract_error()?;
    Ok(redis::from_redis_value(answers)?)
}

/// The Redis key of a session: `pagecount:session:` and the id in hex.
fn key_name(key: SessionKey) -> String {
    let mut name = Vec::with_capacity(KEY_PREFIX.len() + 32);
    name.extend_from_slice(KEY_PREFIX.as_bytes());
    hex::encode_into(key.as_bytes(), &mut name);
    String::from_utf8(name).expect("the prefix and hex digits are ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_one_key_named_by_its_id() {
        let key = SessionKey::parse(b"0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(key_name(key), "pagecount:session:0123456789abcdef0123456789abcdef");
    }

    #[test]
    fn a_redis_that_does_not_answer_costs_one_timeout_not_one_per_command() {
        // A listener that accepts (the kernel does, from its backlog) but
        // never answers, as a hung Redis would.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = RedisAddress::parse(&format!("redis://{}", silent.local_addr().unwrap())).unwrap();
        let config = Config { store_timeout: Duration::from_millis(500), ..Config::default() };
        let store = RedisStore::open(&address, &config).unwrap();
        let key = SessionKey::random().unwrap();
        let started = std::time::Instant::now();
        assert!(matches!(store.touch(key), Err(Failure::Store(_))));
        // Not a speed test: one timeout is 0.5 s, one per answer of the
        // transaction would be 2.5 s, and the bound leaves 1.5 s of slack
        // for a busy machine.
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        assert!(store.lock_idle().is_empty(), "the failed connection was not kept");
    }
}
