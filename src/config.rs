//! Every limit and timeout of the server, in one place.
//!
//! A server that faces the open internet must bound everything a client can
//! make it spend: bytes of buffer, seconds of waiting, open connections.
//! Each bound lives here, says what it protects, and has a default a
//! learner can reason about. Nothing elsewhere hard-codes a limit.

pub mod command_line;

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The most header lines [`Config::max_headers`] may allow: the parser keeps
/// one slot per line on the stack, so the slot array has a fixed size.
pub const HEADER_SLOTS: usize = 256;

/// The longest any connection timeout may be set to: a day. Far past what
/// a server needs, and far short of what would overflow the clock
/// arithmetic (`--header-timeout 1e19` once made every worker panic).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest a session may live: 400 days, the most any browser keeps
/// a cookie (RFC 6265bis §5.5 tells browsers to cap `Max-Age` there).
pub const MAX_SESSION_TTL: Duration = Duration::from_secs(400 * 24 * 60 * 60);

/// A secret key. Its `Debug` does not print it, so a logged configuration
/// does not leak it.
#[derive(Clone)]
pub struct Secret(pub Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

/// Longest `--name`: it goes into every response's `Served-By` header.
pub const MAX_NAME_BYTES: usize = 64;

/// Where server-side sessions are kept (`--sessions`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SessionStorage {
    /// `memory`: in this process, lost on restart, not shared.
    #[default]
    Memory,
    /// `sqlite:PATH`: a SQLite file, shared by the processes on this host
    /// that open it.
    Sqlite(PathBuf),
    /// `redis://HOST:PORT[/DB]`: a Redis server, shared by every server
    /// that reaches it.
    Redis(RedisAddress),
}

/// Where a Redis server is: `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisAddress {
    /// A host name or IP address (an IPv6 one without its brackets).
    pub host: String,
    /// Default is 6379, Redis's own.
    pub port: u16,
    /// The database number, as Redis's `SELECT`. Default is 0.
    pub db: i64,
    /// For Redis's access lists (`AUTH USER PASSWORD`).
    pub username: Option<String>,
    /// Never shown: not on a page, not in a log.
    pub password: Option<Password>,
}

/// A password. Its `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

/// How the server runs and what it will put up with.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address the listener binds to. Default is `127.0.0.1:8000`.
    pub bind: SocketAddr,
    /// Worker threads, each running its own event loop. Default is one
    /// per core but one (and at least one), because each worker owns its
    /// connections: a worker waiting for a core holds up every one of
    /// them. One core is left to the rest of the machine (the kernel's
    /// network work, a browser, a proxy, a load generator), so that the
    /// workers are rarely made to wait. Measured on two cores with the
    /// load generator beside the server: two workers answered 1% of
    /// requests after about 3.5 ms, one worker after 0.7 ms, at the same
    /// rate (BENCHMARKS.md). On Windows the server runs one worker
    /// whatever this says (only one can accept there).
    pub threads: usize,
    /// Open connections beyond which a new one is answered `503` and
    /// closed. Default is 10 000.
    pub max_connections: usize,
    /// Bytes of request line plus header lines (RFC 9112 §2.1 leaves the
    /// bound to the server). Past it: `431`, or `414` when the request line
    /// alone does not fit. Default is 8 KiB.
    pub max_head_bytes: usize,
    /// Header lines in one request; more is `431`. Default is 64, and it
    /// may not exceed [`HEADER_SLOTS`].
    pub max_headers: usize,
    /// Bytes of request body after transfer decoding; more is `413`.
    /// Default is 64 KiB.
    pub max_body_bytes: usize,
    /// Bytes of chunk-size lines and trailer fields around a chunked body,
    /// which carry no content and so are bounded apart from it. Default is
    /// 8 KiB.
    pub max_chunked_overhead: usize,
    /// Bytes the kernel may hold for one connection of answers its client
    /// has not read yet (the socket's `SO_SNDBUF`, which Linux doubles for
    /// its bookkeeping). Without a fixed size, Linux grows it toward 4 MB
    /// for a client that reads slowly. Default is 64 KiB.
    pub send_buffer: usize,
    /// Bytes of responses queued for one connection before the server stops
    /// reading its pipelined requests, so a client that sends faster than
    /// it reads cannot make the server buffer without bound. Default is
    /// 64 KiB.
    pub max_pending_output: usize,
    /// Time for a whole request head to arrive, counted from accept (for
    /// the first request) or from its first byte; trickling bytes does not
    /// extend it. Default is 60 s, because telnet users type slowly.
    pub header_timeout: Duration,
    /// Time for a whole request body to arrive once its head has. Default
    /// is 60 s.
    pub body_timeout: Duration,
    /// Time a keep-alive connection may wait for its next request.
    /// Default is 60 s.
    pub idle_timeout: Duration,
    /// Time for a response to be taken by the client once queued; a client
    /// that stops reading is dropped. Default is 30 s.
    pub write_timeout: Duration,
    /// After an error response, how long the server keeps reading and
    /// discarding what the client still sends before it closes, so that
    /// the close does not turn into a reset that destroys the response.
    /// Default is 2 s.
    pub linger: Duration,
    /// On SIGINT or SIGTERM, how long responses in flight may take to
    /// finish before the server exits anyway. Default is 1 s.
    pub shutdown_grace: Duration,
    /// Time a server-side session may go unused before it is dropped.
    /// Default is two weeks, as Django's `SESSION_COOKIE_AGE`.
    pub session_ttl: Duration,
    /// Most server-side sessions kept at once in memory or in a SQLite
    /// file; past it, the one unused longest is dropped, so a flood of new
    /// clients costs bounded memory (Redis is bounded by its own
    /// `maxmemory`). Default is 100 000 (about 15 MB in memory).
    pub max_sessions: usize,
    /// Where server-side sessions are kept. Default is memory.
    pub sessions: SessionStorage,
    /// Longest wait for the session store (SQLite's lock, or connecting
    /// to Redis, sending to it, its answer). A worker waiting for the
    /// store holds up every connection it owns, so this is short; past it
    /// the session page answers `503`. Default is 250 ms; a store on this
    /// host or network answers in well under a millisecond.
    pub store_timeout: Duration,
    /// After the session store failed, how long the session page answers
    /// `503` at once instead of asking it again. Default is 1 s.
    pub store_backoff: Duration,
    /// The key that signs the signed-count cookie, at least 16 bytes.
    /// Default is none: a random key is made at start, and a restart then
    /// invalidates every signed cookie issued before it.
    pub secret: Option<Secret>,
    /// Keys that signed cookies before `secret` did: a cookie signed with
    /// one is still accepted (and signed anew with `secret`), but they sign
    /// nothing. Default is none.
    pub old_secrets: Vec<Secret>,
    /// This server's name among several behind a balancer, shown in every
    /// page's footer and sent as `Served-By`: letters, digits, `-`, `_`
    /// and `.`, at most [`MAX_NAME_BYTES`]. Default is none (neither shown
    /// nor sent).
    pub name: Option<String>,
    /// Print one line per request on stdout. Default is on.
    pub access_log: bool,
    /// Also print every request head and response head as it crosses the
    /// wire. Default is off.
    pub trace: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1)),
            max_connections: 10_000,
            max_head_bytes: 8 * 1024,
            max_headers: 64,
            max_body_bytes: 64 * 1024,
            max_chunked_overhead: 8 * 1024,
            send_buffer: 64 * 1024,
            max_pending_output: 64 * 1024,
            header_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            linger: Duration::from_secs(2),
            shutdown_grace: Duration::from_secs(1),
            session_ttl: Duration::from_secs(14 * 24 * 60 * 60),
            max_sessions: 100_000,
            sessions: SessionStorage::Memory,
            store_timeout: Duration::from_millis(250),
            store_backoff: Duration::from_secs(1),
            secret: None,
            old_secrets: Vec::new(),
            name: None,
            access_log: true,
            trace: false,
        }
    }
}

impl Config {
    /// Checks the values that would make the server misbehave rather than
    /// merely be strict; the message names the setting at fault.
    pub fn validate(&self) -> Result<(), String> {
        if self.threads == 0 {
            return Err("threads must be at least 1".into());
        }
        if self.max_headers == 0 || self.max_headers > HEADER_SLOTS {
            return Err(format!("max_headers must be 1 to {HEADER_SLOTS}"));
        }
        if self.max_connections == 0 {
            return Err("max_connections must be at least 1".into());
        }
        if self.max_sessions == 0 {
            return Err("max_sessions must be at least 1".into());
        }
        if self.send_buffer < 4096 {
            return Err("send_buffer must be at least 4096 bytes".into());
        }
        if let Some(name) = &self.name {
            check_name(name)?;
        }
        if !self.old_secrets.is_empty() && self.secret.is_none() {
            return Err("an old secret needs a current one (--secret-file or PAGECOUNT_SECRET) to sign with".into());
        }
        let timeouts = [
            ("header timeout", self.header_timeout),
            ("body timeout", self.body_timeout),
            ("idle timeout", self.idle_timeout),
            ("write timeout", self.write_timeout),
            ("linger", self.linger),
            ("shutdown grace", self.shutdown_grace),
            ("store timeout", self.store_timeout),
            ("store backoff", self.store_backoff),
        ];
        for (name, timeout) in timeouts {
            if timeout.is_zero() || timeout > MAX_TIMEOUT {
                return Err(format!("the {name} must be more than zero and at most a day (86400 seconds)"));
            }
        }
        if self.session_ttl.is_zero() || self.session_ttl > MAX_SESSION_TTL {
            return Err("the session ttl must be more than zero and at most 400 days (34560000 seconds)".into());
        }
        Ok(())
    }
}
/// A server name fit for a header and a page: 1 to [`MAX_NAME_BYTES`]
/// letters, digits, `-`, `_` or `.`.
fn check_name(name: &str) -> Result<(), String> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if name.is_empty() || name.len() > MAX_NAME_BYTES || !name.bytes().all(allowed) {
        return Err(format!("the name must be 1 to {MAX_NAME_BYTES} letters, digits, '-', '_' or '.'"));
    }
    Ok(())
}

impl std::str::FromStr for SessionStorage {
    type Err = String;

    /// `memory`, `sqlite:PATH` or `redis://HOST[:PORT][/DB]`.
    fn from_str(value: &str) -> Result<Self, String> {
        if value == "memory" {
            Ok(SessionStorage::Memory)
        } else if let Some(path) = value.strip_prefix("sqlite:") {
            if path.is_empty() {
                return Err("sqlite: needs a file path, as in sqlite:sessions.db".into());
            }
            Ok(SessionStorage::Sqlite(PathBuf::from(path)))
        } else if value.starts_with("redis://") {
            RedisAddress::parse(value).map(SessionStorage::Redis)
        } else {
            Err(format!("unknown session store {value:?}: use memory, sqlite:PATH or redis://HOST:PORT[/DB]"))
        }
    }
}

impl RedisAddress {
    /// Reads `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`. The user and
    /// password may be percent-encoded, as in any URL.
    pub fn parse(url: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("bad Redis address (want redis://HOST:PORT[/DB]): {why}");
        let rest = url.strip_prefix("redis://").ok_or_else(|| bad("it must start with redis://"))?;
        // The last `@` ends the user information: a password may hold one.
        let (userinfo, rest) = match rest.rsplit_once('@') {
            Some((userinfo, rest)) => (Some(userinfo), rest),
            None => (None, rest),
        };
        let (authority, db) = match rest.split_once('/') {
            Some((authority, "")) => (authority, 0),
            Some((authority, db)) => (authority, db.parse().map_err(|_| bad("the database must be a number"))?),
            None => (rest, 0),
        };
        let (host, port) = split_host_port(authority).ok_or_else(|| bad("no valid host and port"))?;
        let (username, password) = match userinfo {
            None => (None, None),
            Some(userinfo) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let user = percent_decode(user).ok_or_else(|| bad("bad % escape in the user"))?;
                let password = percent_decode(password).ok_or_else(|| bad("bad % escape in the password"))?;
                ((!user.is_empty()).then_some(user), (!password.is_empty()).then_some(Password(password)))
            }
        };
        Ok(RedisAddress { host, port, db, username, password })
    }
}

/// `HOST[:PORT]`, the host a name, an IPv4 address or a bracketed IPv6
/// one; the port 6379 if not given.
fn split_host_port(authority: &str) -> Option<(String, u16)> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']')?;
            host.parse::<std::net::Ipv6Addr>().ok()?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let name_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':');
    if host.is_empty() || !host.bytes().all(name_byte) {
        return None;
    }
    let port = match port {
        Some(digits) => digits.parse().ok().filter(|&p| p != 0)?,
        None => 6379,
    };
    Some((host.to_string(), port))
}

/// `%XX` escapes decoded; `None` for a broken escape (a `%` not followed by
/// two hex digits) or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let escapes_whole =
        text.split('%').skip(1).all(|after| after.bytes().take(2).filter(u8::is_ascii_hexdigit).count() == 2);
    let decoded = percent_encoding::percent_decode_str(text).decode_utf8().ok()?;
    escapes_whole.then(|| decoded.into_owned())
}

/// As the session page shows it: `127.0.0.1:6379, database 0`. Never the
/// password.
impl fmt::Display for RedisAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}, database {}", self.host, self.port, self.db)
        } else {
            write!(f, "{}:{}, database {}", self.host, self.port, self.db)
        }
    }
}

impl fmt::Debug for RedisAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedisAddress({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_duration_is_bounded() {
        assert_eq!(Config::default().validate(), Ok(()));
        let day = MAX_TIMEOUT;
        let too_long = day + Duration::from_nanos(1);
        let bad = [
            Config { header_timeout: too_long, ..Config::default() },
            Config { body_timeout: Duration::ZERO, ..Config::default() },
            Config { idle_timeout: Duration::MAX, ..Config::default() },
            Config { write_timeout: too_long, ..Config::default() },
            Config { linger: Duration::ZERO, ..Config::default() },
            Config { shutdown_grace: too_long, ..Config::default() },
            Config { session_ttl: MAX_SESSION_TTL + Duration::from_secs(1), ..Config::default() },
        ];
        for config in bad {
            assert!(config.validate().is_err(), "{config:?}");
        }
        let longest =
            Config { header_timeout: day, idle_timeout: day, session_ttl: MAX_SESSION_TTL, ..Config::default() };
        assert_eq!(longest.validate(), Ok(()));
    }

    fn redis(host: &str, port: u16, db: i64) -> SessionStorage {
        SessionStorage::Redis(RedisAddress { host: host.into(), port, db, username: None, password: None })
    }

    #[test]
    fn session_stores_as_written_on_the_command_line() {
        let cases = [
            ("memory", Ok(SessionStorage::Memory)),
            ("sqlite:sessions.db", Ok(SessionStorage::Sqlite("sessions.db".into()))),
            ("sqlite:/tmp/a b.db", Ok(SessionStorage::Sqlite("/tmp/a b.db".into()))),
            ("redis://127.0.0.1:6379", Ok(redis("127.0.0.1", 6379, 0))),
            ("redis://127.0.0.1:6390/3", Ok(redis("127.0.0.1", 6390, 3))),
            ("redis://cache.internal/", Ok(redis("cache.internal", 6379, 0))),
            ("redis://[::1]:7000/1", Ok(redis("::1", 7000, 1))),
            ("Memory", Err("unknown session store")),
            ("", Err("unknown session store")),
            ("sqlite:", Err("needs a file path")),
            ("postgres://x", Err("unknown session store")),
            ("redis://", Err("no valid host")),
            ("redis://:6379", Err("no valid host")),
            ("redis://host:port", Err("no valid host")),
            ("redis://host:0", Err("no valid host")),
            ("redis://host:70000", Err("no valid host")),
            ("redis://host:6379/x", Err("the database must be a number")),
            ("redis://ho st:6379", Err("no valid host")),
            ("redis://[::1:6379", Err("no valid host")),
            ("redis://:%zz@host", Err("bad % escape")),
        ];
        for (value, expected) in cases {
            match (value.parse::<SessionStorage>(), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{value:?}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "{value:?}: {got}"),
                (got, want) => panic!("{value:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn a_redis_password_is_read_but_never_shown() {
        let address = RedisAddress::parse("redis://app:s3cr%40t@10.0.0.5:6380/2").unwrap();
        assert_eq!(address.username.as_deref(), Some("app"));
        assert_eq!(address.password.as_ref().map(Password::as_str), Some("s3cr@t"));
        let shown = [address.to_string(), format!("{address:?}"), format!("{:?}", SessionStorage::Redis(address))];
        for text in shown {
            assert!(!text.contains("s3cr"), "{text}");
        }
        let only_password = RedisAddress::parse("redis://:pw@localhost").unwrap();
        assert_eq!((only_password.username, only_password.password.map(|p| p.0)), (None, Some("pw".into())));
    }

    #[test]
    fn names_fit_for_a_header() {
        for good in ["a", "pagecount-1", "web_2.eu", &"x".repeat(MAX_NAME_BYTES)] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in ["", "a b", "a\r\nX-Evil: 1", "<b>", "é", "a:b", &"x".repeat(MAX_NAME_BYTES + 1)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
