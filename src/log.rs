//! The access log: one line per request on stdout, as a development server
//! prints, and with `--trace` every head as it crosses the wire.
//!
//! ```text
//! [22 Nov 2026 02:10:20 UTC] 127.0.0.1:54321 "GET /count_view/ HTTP/1.1" 200 1303
//! ```
//!
//! Time, peer, request line, status, bytes of body sent. Everything a
//! client sent is escaped before it is printed, so a request line cannot
//! smuggle terminal escapes or fake log lines into the output.
//!
//! Each worker formats its lines in its own [`AccessLog`] and hands them
//! to the one shared [`Journal`] before the answers go out on the socket,
//! so the journal holds them in the order the server answered, whichever
//! worker answered. A printer thread writes the journal out in batches,
//! because a `write` to stdout per request would cost as much as the
//! request itself.

use crate::http::conversation::Observer;
use crate::http::response::push_decimal;
use crate::http::{Request, Status};
use std::io::Write;
use std::net::SocketAddr;
use std::str;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Longest a line waits in the journal before it is printed.
const PRINT_DELAY: Duration = Duration::from_millis(50);
/// Bytes of lines that are printed at once, without waiting.
const PRINT_BATCH: usize = 32 * 1024;
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

/// One worker's log: it formats lines as requests are answered, and
/// [`AccessLog::publish`] hands them to the journal.
#[derive(Debug)]
pub struct AccessLog {
    /// Print a line per request.
    enabled: bool,
    /// Also print request and response heads.
    trace: bool,
    /// Lines formatted and not yet handed to the journal.
    pending: Vec<u8>,
    /// Where the lines of every worker meet.
    journal: Arc<Journal>,
}

impl AccessLog {
    pub fn new(enabled: bool, trace: bool, journal: Arc<Journal>) -> Self {
        AccessLog { enabled, trace, pending: Vec::new(), journal }
    }

    /// Hands the lines formatted so far to the journal. Called before the
    /// answers they describe are sent, so that the journal's order is the
    /// order in which clients received them.
    pub fn publish(&mut self) {
        if !self.pending.is_empty() {
            self.journal.append(&self.pending);
            self.pending.clear();
        }
    }

    fn begin(&mut self, date: &str, peer: &str) {
        // `Sun, 22 Nov 2026 02:10:20 GMT` -> `[22 Nov 2026 02:10:20 UTC]`
        self.pending.push(b'[');
        self.pending.extend_from_slice(date.get(5..25).unwrap_or(date).as_bytes());
        self.pending.extend_from_slice(b" UTC] ");
        self.pending.extend_from_slice(peer.as_bytes());
        self.pending.extend_from_slice(b" \"");
    }

    fn end(&mut self, status: Status, bytes: usize) {
        self.pending.extend_from_slice(b"\" ");
        push_decimal(&mut self.pending, u64::from(status.code()));
        self.pending.push(b' ');
        push_decimal(&mut self.pending, bytes as u64);
        self.pending.push(b'\n');
    }
}

impl Observer for AccessLog {
    fn tracing(&self) -> bool {
        self.trace
    }

    /// With `--trace`, a head line by line, marked `>` for what the client
    /// sent and `<` for what the server answered, as `curl -v` does.
    fn head(&mut self, peer: &str, from_client: bool, head: &[u8]) {
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

    fn answered(&mut self, date: &str, peer: &str, request: &Request, status: Status, bytes: usize) {
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

    /// A refused request's first line, escaped and cut short.
    fn refused(&mut self, date: &str, peer: &str, start: &[u8], status: Status, bytes: usize) {
        if !self.enabled {
            return;
        }
        let line = start.split(|&b| b == b'\n').next().unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        self.begin(date, peer);
        escape_into(&mut self.pending, &line[..line.len().min(REFUSED_LINE_MAX)]);
        if line.len() > REFUSED_LINE_MAX {
            self.pending.extend_from_slice(b"...");
        }
        self.end(status, bytes);
    }
}

/// The lines of every worker, in the order they were published, and the
/// thread that prints them.
#[derive(Debug, Default)]
pub struct Journal {
    lines: Mutex<Lines>,
    /// Wakes the printer when lines arrive in an empty journal, when a
    /// batch is full, and at the end.
    arrived: Condvar,
}

#[derive(Debug, Default)]
struct Lines {
    /// Published and not yet printed.
    text: Vec<u8>,
    /// No more lines will come: print what is left and stop.
    closed: bool,
}

impl Journal {
    /// A journal and the thread that prints it to stdout until
    /// [`Journal::close`].
    pub fn start() -> std::io::Result<(Arc<Journal>, JoinHandle<()>)> {
        let journal = Arc::new(Journal::default());
        let printer = Arc::clone(&journal);
        let thread = thread::Builder::new().name("log".into()).spawn(move || printer.print_until_closed())?;
        Ok((journal, thread))
    }

    fn append(&self, bytes: &[u8]) {
        let mut lines = self.lock();
        let was_empty = lines.text.is_empty();
        lines.text.extend_from_slice(bytes);
        let full = lines.text.len() >= PRINT_BATCH;
        drop(lines);
        if was_empty || full {
            self.arrived.notify_one();
        }
    }

    /// Prints what is left, then lets the printer thread end.
    pub fn close(&self) {
        self.lock().closed = true;
        self.arrived.notify_one();
    }

    fn print_until_closed(&self) {
        let mut batch = Vec::new();
        loop {
            let mut lines = self.lock();
            while lines.text.is_empty() && !lines.closed {
                lines = self.arrived.wait(lines).unwrap_or_else(|e| e.into_inner());
            }
            if !lines.closed && lines.text.len() < PRINT_BATCH {
                // Let more lines join this batch for a moment.
                lines = self.arrived.wait_timeout(lines, PRINT_DELAY).map_or_else(|e| e.into_inner().0, |r| r.0);
            }
            std::mem::swap(&mut lines.text, &mut batch);
            let closed = lines.closed;
            drop(lines);
            let _ = std::io::stdout().lock().write_all(&batch);
            batch.clear();
            if closed && self.lock().text.is_empty() {
                return;
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Lines> {
        // Lines are plain bytes: a panic elsewhere cannot leave them in a
        // state worse than a torn line.
        self.lines.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Published lines not yet printed (for tests).
    #[cfg(test)]
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.lock().text)
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

    /// A log that publishes into a journal nobody prints.
    fn log(enabled: bool, trace: bool) -> AccessLog {
        AccessLog::new(enabled, trace, Arc::default())
    }

    /// The lines published so far, leaving the journal empty.
    fn taken(log: &mut AccessLog) -> String {
        log.publish();
        String::from_utf8(log.journal.take()).unwrap()
    }

    fn peer() -> &'static str {
        "127.0.0.1:54321"
    }

    #[test]
    fn a_refused_line_is_escaped_and_cut_short() {
        let mut log = log(true, false);
        log.refused(DATE, peer(), b"GET /\x1b[31m\"x\\ HTTP/1.1\r\nHost: a\r\n", Status::BAD_REQUEST, 10);
        assert_eq!(
            taken(&mut log),
            "[22 Nov 2026 02:10:20 UTC] 127.0.0.1:54321 \"GET /\\x1b[31m\\x22x\\x5c HTTP/1.1\" 400 10\n"
        );
        log.refused(DATE, peer(), &[b'a'; 500], Status::URI_TOO_LONG, 0);
        let line = taken(&mut log);
        assert!(line.contains(&format!("\"{}...\" 414 0", "a".repeat(120))), "{line}");
    }

    #[test]
    fn trace_marks_each_line_with_its_direction() {
        let mut log = log(false, true);
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
        let mut log = log(false, false);
        log.refused(DATE, peer(), b"x", Status::BAD_REQUEST, 1);
        log.head(peer(), true, b"x");
        assert!(taken(&mut log).is_empty());
    }

    #[test]
    fn the_journal_keeps_the_order_lines_were_published_in_across_workers() {
        let journal = Arc::new(Journal::default());
        let mut workers = [0, 1].map(|_| AccessLog::new(true, false, Arc::clone(&journal)));
        for i in 0..4 {
            let log = &mut workers[i % 2];
            log.refused(DATE, peer(), format!("request {i}").as_bytes(), Status::BAD_REQUEST, 0);
            log.publish();
        }
        let text = String::from_utf8(journal.take()).unwrap();
        let order: Vec<usize> =
            text.lines().map(|l| l.split("request ").nth(1).unwrap()[..1].parse().unwrap()).collect();
        assert_eq!(order, [0, 1, 2, 3]);
    }
}
