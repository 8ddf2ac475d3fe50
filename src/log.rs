//! The access log: one line per request on stdout, as a development server
//! prints, and with `--trace` every head as it crosses the wire.
//!
//! ```text
//! [22 Nov 2026 02:10:20] 127.0.0.1:54321 "GET /count_view/ HTTP/1.1" 200 1303
//! ```
//!
//! Time, peer, request line, status, bytes of body sent. Everything a
//! client sent is escaped before it is printed, so a request line cannot
//! smuggle terminal escapes or fake log lines into the output. Lines are
//! collected here and written by the worker in batches, because a `write`
//! to stdout per request would cost as much as the request itself.

use crate::http::{Request, Status};
use std::io::Write;
use std::net::SocketAddr;
use std::str;

/// Longest part of a refused request's first line that is logged.
const REFUSED_LINE_MAX: usize = 120;

/// A peer address as text, formatted once per connection rather than once
/// per log line. Stored inline: no allocation per connection.
#[derive(Clone, Copy)]
pub struct PeerName {
    text: [u8; 64],
    len: u8,
}

impl PeerName {
    pub fn new(peer: SocketAddr) -> Self {
        let mut name = PeerName { text: [0; 64], len: 0 };
        let mut cursor = &mut name.text[..];
        // The longest address (IPv6 with scope and port) is under 64 bytes.
        let _ = write!(cursor, "{peer}");
        let left = cursor.len();
        name.len = (64 - left) as u8;
        name
    }

    pub fn as_str(&self) -> &str {
        str::from_utf8(&self.text[..usize::from(self.len)]).unwrap_or("?")
    }
}

impl std::fmt::Debug for PeerName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Log lines waiting to be written out.
#[derive(Debug, Default)]
pub struct AccessLog {
    /// Print a line per request.
    enabled: bool,
    /// Also print request and response heads.
    trace: bool,
    /// Lines not yet written.
    pending: Vec<u8>,
}

impl AccessLog {
    pub fn new(enabled: bool, trace: bool) -> Self {
        AccessLog { enabled, trace, pending: Vec::new() }
    }

    /// Whether heads are traced.
    pub fn tracing(&self) -> bool {
        self.trace
    }

    /// Logs a request that was answered.
    pub fn served(&mut self, date: &str, peer: &str, request: &Request, status: Status, bytes: usize) {
        if !self.enabled {
            return;
        }
        self.begin(date, peer);
        escape_into(&mut self.pending, request.method.as_str().as_bytes());
        self.pending.push(b' ');
        escape_into(&mut self.pending, request.target.as_bytes());
        self.pending.push(b' ');
        self.pending.extend_from_slice(request.version.as_str().as_bytes());
        self.end(status, bytes);
    }

    /// Logs a request that was refused before it could be parsed; `first`
    /// is whatever the client sent first, shown escaped and cut short.
    pub fn refused(&mut self, date: &str, peer: &str, first: &[u8], status: Status, bytes: usize) {
        if !self.enabled {
            return;
        }
        let line = first.split(|&b| b == b'\n').next().unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        self.begin(date, peer);
        escape_into(&mut self.pending, &line[..line.len().min(REFUSED_LINE_MAX)]);
        if line.len() > REFUSED_LINE_MAX {
            self.pending.extend_from_slice(b"...");
        }
        self.end(status, bytes);
    }

    /// With `--trace`, prints a head line by line, marked `>` for what the
    /// client sent and `<` for what the server answered, as `curl -v` does.
    pub fn head(&mut self, peer: &str, from_client: bool, head: &[u8]) {
        if !self.trace {
            return;
        }
        let arrow = if from_client { b"> " } else { b"< " };
        let head = head.strip_suffix(b"\r\n\r\n").or_else(|| head.strip_suffix(b"\n\n")).unwrap_or(head);
        for line in head.split(|&b| b == b'\n') {
            self.pending.extend_from_slice(peer.as_bytes());
            self.pending.push(b' ');
            self.pending.extend_from_slice(arrow);
            escape_into(&mut self.pending, line.strip_suffix(b"\r").unwrap_or(line));
            self.pending.push(b'\n');
        }
    }

    /// Bytes of lines not yet written out.
    pub fn pending(&self) -> &[u8] {
        &self.pending
    }

    /// Forgets the lines once they have been written out.
    pub fn clear(&mut self) {
        self.pending.clear();
    }

    fn begin(&mut self, date: &str, peer: &str) {
        // `Sun, 22 Nov 2026 02:10:20 GMT` -> `[22 Nov 2026 02:10:20]`
        self.pending.push(b'[');
        self.pending.extend_from_slice(date.get(5..25).unwrap_or(date).as_bytes());
        self.pending.extend_from_slice(b"] ");
        self.pending.extend_from_slice(peer.as_bytes());
        self.pending.extend_from_slice(b" \"");
    }

    fn end(&mut self, status: Status, bytes: usize) {
        self.pending.extend_from_slice(b"\" ");
        crate::http::response::push_decimal(&mut self.pending, u64::from(status.code()));
        self.pending.push(b' ');
        crate::http::response::push_decimal(&mut self.pending, bytes as u64);
        self.pending.push(b'\n');
    }
}

/// Copies printable ASCII as is and writes everything else, and the quote
/// and backslash that delimit a logged line, as `\xNN`.
fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let plain = |b: &u8| (b' '..=b'~').contains(b) && *b != b'"' && *b != b'\\';
    if bytes.iter().all(plain) {
        return out.extend_from_slice(bytes);
    }
    for b in bytes {
        if plain(b) {
            out.push(*b);
        } else {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Sun, 22 Nov 2026 02:10:20 GMT";

    /// The lines written so far, leaving the log empty.
    fn taken(log: &mut AccessLog) -> String {
        let text = String::from_utf8(log.pending().to_vec()).unwrap();
        log.clear();
        text
    }

    fn peer() -> &'static str {
        "127.0.0.1:54321"
    }

    #[test]
    fn a_refused_line_is_escaped_and_cut_short() {
        let mut log = AccessLog::new(true, false);
        log.refused(DATE, peer(), b"GET /\x1b[31m\"x\\ HTTP/1.1\r\nHost: a\r\n", Status::BAD_REQUEST, 10);
        assert_eq!(
            taken(&mut log),
            "[22 Nov 2026 02:10:20] 127.0.0.1:54321 \"GET /\\x1b[31m\\x22x\\x5c HTTP/1.1\" 400 10\n"
        );
        log.refused(DATE, peer(), &[b'a'; 500], Status::URI_TOO_LONG, 0);
        let line = taken(&mut log);
        assert!(line.contains(&format!("\"{}...\" 414 0", "a".repeat(120))), "{line}");
    }

    #[test]
    fn trace_marks_each_line_with_its_direction() {
        let mut log = AccessLog::new(false, true);
        log.head(peer(), true, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        log.head(peer(), false, b"HTTP/1.1 200 OK\r\n\r\n");
        assert_eq!(
            taken(&mut log),
            "127.0.0.1:54321 > GET / HTTP/1.1\n127.0.0.1:54321 > Host: a\n127.0.0.1:54321 < HTTP/1.1 200 OK\n"
        );
    }

    #[test]
    fn peer_names() {
        for text in ["127.0.0.1:54321", "[::1]:8000", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535"] {
            let addr: SocketAddr = text.parse().unwrap();
            assert_eq!(PeerName::new(addr).as_str(), addr.to_string());
        }
    }

    #[test]
    fn a_disabled_log_stays_empty() {
        let mut log = AccessLog::new(false, false);
        log.refused(DATE, peer(), b"x", Status::BAD_REQUEST, 1);
        log.head(peer(), true, b"x");
        assert!(log.pending().is_empty());
    }
}
