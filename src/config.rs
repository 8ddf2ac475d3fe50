//! Every limit and timeout of the server, in one place.
//!
//! A server that faces the open internet must bound everything a client can
//! make it spend: bytes of buffer, seconds of waiting, open connections.
//! Each bound lives here, says what it protects, and has a default a
//! learner can reason about. Nothing elsewhere hard-codes a limit.

use std::net::SocketAddr;
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

/// How the server runs and what it will put up with.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address the listener binds to. Default is `127.0.0.1:8000`.
    pub bind: SocketAddr,
    /// Worker threads, each running its own event loop. Default is one per
    /// core.
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
    /// Most server-side sessions kept at once; past it, the one unused
    /// longest is dropped, so a flood of new clients costs bounded memory.
    /// Default is 100 000 (about 15 MB).
    pub max_sessions: usize,
    /// The key that signs the signed-count cookie, at least 16 bytes.
    /// Default is none: a random key is made at start, and a restart then
    /// invalidates every signed cookie issued before it.
    pub secret: Option<Secret>,
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
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
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
            secret: None,
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
        let timeouts = [
            ("header timeout", self.header_timeout),
            ("body timeout", self.body_timeout),
            ("idle timeout", self.idle_timeout),
            ("write timeout", self.write_timeout),
            ("linger", self.linger),
            ("shutdown grace", self.shutdown_grace),
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
}
