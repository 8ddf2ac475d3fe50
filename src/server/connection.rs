//! One connection's life, from accept to close: the states it passes
//! through, the deadline each one sets, and what moves it on.
//!
//! | state      | waiting for                          | deadline        | when it passes  |
//! |------------|--------------------------------------|-----------------|-----------------|
//! | `Idle`     | the first byte of the next request   | idle timeout    | close quietly   |
//! | `Head`     | the rest of a request head           | header timeout  | `408`, `Closing`|
//! | `Body`     | the rest of a request body           | body timeout    | `408`, `Closing`|
//! | `Write`    | the client to take queued answers    | write timeout   | reset           |
//! | `Closing`  | the client to take the last answer   | write timeout   | reset           |
//! | `Draining` | the client to close its side         | linger          | close           |
//!
//! What moves a connection from one state to another:
//!
//! - accepted: `Head` (the first head's timeout counts from accept);
//! - `Idle` to `Head`: the first byte of a request arrives;
//! - `Head` to `Body`: the head is in, and a body follows;
//! - a request answered: `Write` if the socket did not take the whole
//!   answer at once, otherwise `Idle`, `Head` or `Body`, as the input
//!   still held says (pipelined requests may be waiting);
//! - `Write` to `Idle`, `Head` or `Body`: the socket took everything;
//! - any state to `Closing`: the answer ends the connection
//!   (`Connection: close`, an error, a `408`, the client closed its side);
//! - `Closing` to closed, or to `Draining` (our FIN sent) when the client
//!   may still be sending;
//! - `Draining` to closed: the client closes its side, or the linger ends.
//!
//! A new connection starts in `Head`, its header timeout counted from
//! accept; one that sends nothing is closed without a word, as is an idle
//! one, since there is no request to answer. A request that stalls halfway
//! gets a `408` first. A client that stops taking its answers is reset
//! (TCP RST) rather than closed: a normal close would leave the kernel
//! sending the rest on our behalf for minutes to a reader that may never
//! come back, as nginx's `reset_timedout_connection` also avoids.
//!
//! **Progress restarts the deadline**: a state entered, or output taken by
//! the socket (every answer sent is some). So a keep-alive connection used
//! every 100 ms, a pipeline that always holds the start of the next head,
//! or a client reading a large answer slowly but steadily, is never cut;
//! while more bytes of the same head or body are *not* progress, so a
//! client trickling a byte a second cannot hold a connection for ever.
//!
//! The connection does no waiting of its own: [`Connection::serve`] does
//! whatever the socket allows right now and returns, and the worker calls
//! [`Connection::expire`] once [`Connection::deadline`] has passed. Time
//! comes in from the worker, so the tests below drive a connection with a
//! scripted socket and a clock that moves only when they say.

use crate::config::Config;
use crate::http::{After, Context, Conversation, Handler, HttpDate, Phase, Response};
use crate::log::{AccessLog, PeerName};
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// Reads one connection may do per turn before the others get theirs.
const READS_PER_TURN: usize = 16;
/// Buffer capacity an idle connection may keep; more is given back.
const IDLE_BUFFER_KEEP: usize = 4 * 1024;

/// What a connection needs of its socket: the server's is a non-blocking
/// TCP stream, the tests' a script.
pub(super) trait Socket: Read + Write {
    /// Sends our FIN: no more bytes will come from this side.
    fn shutdown_write(&self);
    /// Makes the coming close abortive: the kernel drops what it still
    /// holds to send and answers with a reset.
    fn reset_on_close(&self);
}

impl Socket for mio::net::TcpStream {
    fn shutdown_write(&self) {
        // The client may be gone already; then there is nothing to stop.
        let _ = self.shutdown(std::net::Shutdown::Write);
    }

    fn reset_on_close(&self) {
        // SO_LINGER with a zero timeout: close() sends RST at once.
        let _ = socket2::SockRef::from(self).set_linger(Some(Duration::ZERO));
    }
}

/// Where a connection is in its life; see the table in the module doc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    Idle,
    Head,
    Body,
    Write,
    /// The last answer is queued. `drain`: the client may still be
    /// sending, so after it, close our side only and read until it closes
    /// its own, or the close would reset the connection and could destroy
    /// the answer before the client reads it (RFC 9112 §9.6).
    Closing {
        drain: bool,
    },
    Draining,
}

impl State {
    /// How long a connection may stay in this state without progress.
    fn timeout(self, config: &Config) -> Duration {
        match self {
            State::Idle => config.idle_timeout,
            State::Head => config.header_timeout,
            State::Body => config.body_timeout,
            State::Write | State::Closing { .. } => config.write_timeout,
            State::Draining => config.linger,
        }
    }
}

/// What the worker should do with a connection after a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Next {
    /// Wait for the poller to report the socket again.
    Wait,
    /// It stopped early to let others go first: serve it again next turn.
    Again,
    /// It is over: drop it, which closes the socket.
    Close,
}

/// What a connection borrows from its worker for one turn.
pub(super) struct Turn<'a, H> {
    pub handler: &'a H,
    pub config: &'a Config,
    /// The worker's clock, read once per turn of its loop.
    pub now: Instant,
    /// Shutdown has begun: every answer closes its connection.
    pub closing: bool,
    pub scratch: &'a mut Scratch,
}

impl<H> Turn<'_, H> {
    /// Lends the conversation what it needs for a connection with `peer`
    /// at the other end, and the read buffer beside it.
    fn lend<'t>(&'t mut self, peer: &'t PeerName) -> (Context<'t, H>, &'t mut Vec<u8>) {
        let Scratch { read, out, response, log, date } = &mut *self.scratch;
        let cx = Context {
            handler: self.handler,
            config: self.config,
            date: date.as_str(),
            peer: peer.as_str(),
            response,
            out,
            log,
            closing: self.closing,
        };
        (cx, read)
    }
}

/// The worker's reusable buffers, lent to each connection in turn, so a
/// connection that is not being served right now holds none of them.
pub(super) struct Scratch {
    /// Where each read lands.
    pub read: Vec<u8>,
    /// Where answers are laid out, to go out with one write.
    pub out: Vec<u8>,
    /// Where a page builds its response.
    pub response: Response,
    pub log: AccessLog,
    /// The `Date` header value, refreshed once a second.
    pub date: HttpDate,
}

/// One client connection: its socket, its conversation, the bytes held
/// either way, and its state and deadline.
pub(super) struct Connection<S> {
    socket: S,
    peer: PeerName,
    conversation: Conversation,
    /// Bytes received and not used yet: part of a request, or whole
    /// requests waiting for the output to drain.
    input: Vec<u8>,
    /// Answer bytes the socket has not taken yet.
    output: Vec<u8>,
    state: State,
    /// When the current state, without progress, has lasted too long.
    deadline: Instant,
    /// The held input has answerable requests, once the output drains.
    resume: bool,
    /// The poller said the client closed its side: the end of the stream
    /// is waiting to be read, even after a short read.
    read_closed: bool,
}

impl<S: Socket> Connection<S> {
    /// A connection accepted at `now`, waiting for its first head.
    pub(super) fn new(socket: S, peer: PeerName, now: Instant, config: &Config) -> Self {
        Connection {
            socket,
            peer,
            conversation: Conversation::default(),
            input: Vec::new(),
            output: Vec::new(),
            state: State::Head,
            deadline: now + config.header_timeout,
            resume: false,
            read_closed: false,
        }
    }

    pub(super) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// The socket, to register it with the poller.
    pub(super) fn socket_mut(&mut self) -> &mut S {
        &mut self.socket
    }

    #[cfg(test)]
    fn state(&self) -> State {
        self.state
    }

    /// Nothing in flight: no request begun, nothing to send. Such a
    /// connection is closed at once on shutdown.
    pub(super) fn is_idle(&self) -> bool {
        matches!(self.state, State::Idle | State::Head) && self.input.is_empty() && self.output.is_empty()
    }

    /// The poller reported that the client closed its side.
    pub(super) fn client_closed(&mut self) {
        self.read_closed = true;
    }

    /// Does everything the socket allows right now (send what is queued,
    /// answer what is held, read and answer what has arrived), then sets
    /// the deadline for what the connection waits for next.
    pub(super) fn serve<H: Handler>(&mut self, turn: &mut Turn<H>) -> Next {
        let mut progress = false;
        let next = self.pump(turn, &mut progress);
        self.settle(turn, progress);
        next
    }

    /// The deadline has passed: the last column of the table.
    pub(super) fn expire<H: Handler>(&mut self, turn: &mut Turn<H>) -> Next {
        match self.state {
            State::Idle | State::Draining => Next::Close,
            State::Write | State::Closing { .. } => {
                self.socket.reset_on_close();
                Next::Close
            }
            State::Head | State::Body => {
                let (mut cx, _) = turn.lend(&self.peer);
                if !self.conversation.time_out(&self.input, &mut cx) {
                    return Next::Close;
                }
                self.input.clear();
                self.enter(State::Closing { drain: true }, turn);
                turn.scratch.log.publish();
                let mut progress = false;
                self.queue(&mut turn.scratch.out, &mut progress);
                self.serve(turn)
            }
        }
    }

    /// The work of [`Connection::serve`], noting in `progress` whether the
    /// socket took any output.
    fn pump<H: Handler>(&mut self, turn: &mut Turn<H>, progress: &mut bool) -> Next {
        let mut reads = 0;
        let mut may_read = true;
        loop {
            match self.send_output(progress) {
                Ok(true) => {}
                // The socket is full: a writable report will follow.
                Ok(false) => return Next::Wait,
                Err(_) => return Next::Close,
            }
            match self.state {
                State::Closing { drain: false } => return Next::Close,
                State::Closing { drain: true } => {
                    self.socket.shutdown_write();
                    self.enter(State::Draining, turn);
                    continue;
                }
                State::Draining => return self.discard(&mut turn.scratch.read),
                State::Idle | State::Head | State::Body | State::Write => {}
            }
            if self.resume {
                self.resume = false;
                self.answer(None, turn, progress);
                continue;
            }
            if !may_read {
                return Next::Wait;
            }
            if reads == READS_PER_TURN {
                return Next::Again;
            }
            reads += 1;
            match self.socket.read(&mut turn.scratch.read) {
                // The client has closed its side: nothing more will come.
                // What it sent before is answered; then the connection ends.
                Ok(0) => self.enter(State::Closing { drain: false }, turn),
                Ok(n) => {
                    // A short read emptied the socket: no need to ask again,
                    // unless the end of the stream is still to be read.
                    may_read = self.read_closed || n == turn.scratch.read.len();
                    self.answer(Some(n), turn, progress);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Next::Wait,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Next::Close,
            }
        }
    }

    /// Answers what has arrived: the `read` new bytes in the read buffer
    /// after any held input, or (with `None`) the held input alone.
    fn answer<H: Handler>(&mut self, read: Option<usize>, turn: &mut Turn<H>, progress: &mut bool) {
        let (mut cx, read_buf) = turn.lend(&self.peer);
        let advance = match read {
            // The common case: nothing held, so answer straight from the
            // read buffer and keep only what is left over.
            Some(n) if self.input.is_empty() => {
                let advance = self.conversation.advance(&mut read_buf[..n], &mut cx);
                self.input.extend_from_slice(&read_buf[advance.consumed..n]);
                advance
            }
            _ => {
                self.input.extend_from_slice(&read_buf[..read.unwrap_or(0)]);
                let advance = self.conversation.advance(&mut self.input, &mut cx);
                self.input.drain(..advance.consumed);
                advance
            }
        };
        match advance.after {
            After::Read => {}
            After::Flush => self.resume = true,
            After::Close => self.enter(State::Closing { drain: false }, turn),
            After::Drain => self.enter(State::Closing { drain: true }, turn),
        }
        // The log lines go to the journal before the answers go out, so it
        // lists them in the order clients received them.
        turn.scratch.log.publish();
        self.queue(&mut turn.scratch.out, progress);
    }

    /// Sends `out` at once if nothing is queued before it, and queues what
    /// the socket does not take. Leaves `out` empty.
    fn queue(&mut self, out: &mut Vec<u8>, progress: &mut bool) {
        if self.output.is_empty() {
            let sent = self.socket.write(out).unwrap_or(0);
            *progress |= sent > 0;
            self.output.extend_from_slice(&out[sent..]);
        } else {
            self.output.extend_from_slice(out);
        }
        out.clear();
    }

    /// Writes queued output. `Ok(true)` once it is all sent, `Ok(false)`
    /// if the socket is full.
    fn send_output(&mut self, progress: &mut bool) -> io::Result<bool> {
        while !self.output.is_empty() {
            match self.socket.write(&self.output) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    *progress = true;
                    self.output.drain(..n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Reads and throws away what a closing client still sends.
    fn discard(&mut self, scratch: &mut [u8]) -> Next {
        for _ in 0..READS_PER_TURN {
            match self.socket.read(scratch) {
                Ok(0) => return Next::Close,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Next::Wait,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Next::Close,
            }
        }
        Next::Again
    }

    /// After a turn: the state the connection is now in, and its deadline,
    /// restarted if the state changed or there was progress.
    fn settle<H>(&mut self, turn: &Turn<H>, progress: bool) {
        let state = match self.state {
            State::Closing { .. } | State::Draining => self.state,
            _ if !self.output.is_empty() => State::Write,
            // A new connection's first head is awaited from accept on; no
            // bytes and no answer yet means it is still that first wait.
            State::Head if self.input.is_empty() && !progress => State::Head,
            _ => match self.conversation.phase(self.input.len()) {
                Phase::Idle => State::Idle,
                Phase::Head => State::Head,
                Phase::Body => State::Body,
            },
        };
        if state != self.state || progress {
            self.enter(state, turn);
        }
        if state == State::Idle {
            release_if_large(&mut self.input);
            release_if_large(&mut self.output);
        }
    }

    fn enter<H>(&mut self, state: State, turn: &Turn<H>) {
        self.state = state;
        // Every timeout is bounded by `Config::validate`, so this cannot
        // overflow.
        self.deadline = turn.now + state.timeout(turn.config);
    }
}

/// An idle connection keeps little memory: a large buffer is given back.
fn release_if_large(buffer: &mut Vec<u8>) {
    if buffer.is_empty() && buffer.capacity() > IDLE_BUFFER_KEEP {
        *buffer = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{HttpError, Request};
    use crate::log::Journal;
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::rc::Rc;
    use std::sync::Arc;

    /// What a scripted socket has to read and has been written, shared
    /// with the test while the connection owns the socket.
    #[derive(Default)]
    struct Script {
        /// Segments the client has sent and the server not yet read.
        incoming: VecDeque<Vec<u8>>,
        /// The client has closed its side.
        eof: bool,
        /// Everything the server wrote.
        written: Vec<u8>,
        /// Bytes the socket will still take before it is full.
        room: usize,
        shut: bool,
        reset: bool,
    }

    #[derive(Clone, Default)]
    struct FakeSocket(Rc<RefCell<Script>>);

    impl Read for FakeSocket {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let mut script = self.0.borrow_mut();
            let Some(segment) = script.incoming.front_mut() else {
                return if script.eof { Ok(0) } else { Err(io::ErrorKind::WouldBlock.into()) };
            };
            let n = segment.len().min(buf.len());
            buf[..n].copy_from_slice(&segment[..n]);
            segment.drain(..n);
            if segment.is_empty() {
                script.incoming.pop_front();
            }
            Ok(n)
        }
    }

    impl Write for FakeSocket {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let mut script = self.0.borrow_mut();
            let n = buf.len().min(script.room);
            if n == 0 && !buf.is_empty() {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            script.room -= n;
            script.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Socket for FakeSocket {
        fn shutdown_write(&self) {
            self.0.borrow_mut().shut = true;
        }

        fn reset_on_close(&self) {
            self.0.borrow_mut().reset = true;
        }
    }

    /// Answers `/big` with 100 000 bytes, anything else with "ok", and
    /// reads every body.
    struct Pages;

    impl Handler for Pages {
        fn reads_body(&self, _request: &Request) -> Result<bool, HttpError> {
            Ok(true)
        }

        fn respond(&self, request: &Request, _body: &[u8], response: &mut Response) {
            let size = if request.path == "/big" { 100_000 } else { 2 };
            response.body_mut().resize(size, b'k');
        }
    }

    const SECOND: Duration = Duration::from_secs(1);
    const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";

    /// A connection on a scripted socket, its clock and its worker's parts.
    struct Harness {
        conn: Connection<FakeSocket>,
        script: Rc<RefCell<Script>>,
        config: Config,
        scratch: Scratch,
        start: Instant,
        now: Instant,
    }

    impl Harness {
        /// A connection accepted at the start of the clock, timeouts of a
        /// few seconds each so the tests can tell them apart.
        fn new() -> Self {
            let config = Config {
                header_timeout: 2 * SECOND,
                body_timeout: 3 * SECOND,
                idle_timeout: 4 * SECOND,
                write_timeout: 5 * SECOND,
                linger: 6 * SECOND,
                ..Config::default()
            };
            let socket = FakeSocket::default();
            let script = Rc::clone(&socket.0);
            script.borrow_mut().room = usize::MAX;
            let start = Instant::now();
            let peer = PeerName::new("127.0.0.1:1".parse().unwrap());
            let scratch = Scratch {
                read: vec![0; 64 * 1024],
                out: Vec::new(),
                response: Response::default(),
                log: AccessLog::new(false, false, Arc::new(Journal::default())),
                date: HttpDate::now(),
            };
            Harness { conn: Connection::new(socket, peer, start, &config), script, config, scratch, start, now: start }
        }

        fn at(&mut self, since_start: Duration) -> &mut Self {
            self.now = self.start + since_start;
            self
        }

        /// The client sends `bytes`; the poller reports it; the worker serves.
        fn send(&mut self, bytes: &[u8]) -> Next {
            self.script.borrow_mut().incoming.push_back(bytes.to_vec());
            self.serve()
        }

        fn serve(&mut self) -> Next {
            self.act(Connection::serve)
        }

        /// The worker's sweep: expire the connection if its deadline has passed.
        fn sweep(&mut self) -> Option<Next> {
            (self.now >= self.conn.deadline()).then(|| self.act(Connection::expire))
        }

        /// Lends the connection a turn at the clock's time, as the worker does.
        fn act(&mut self, act: fn(&mut Connection<FakeSocket>, &mut Turn<Pages>) -> Next) -> Next {
            let mut turn = Turn {
                handler: &Pages,
                config: &self.config,
                now: self.now,
                closing: false,
                scratch: &mut self.scratch,
            };
            act(&mut self.conn, &mut turn)
        }

        /// Everything written since the last call, as text.
        fn written(&self) -> String {
            String::from_utf8_lossy(&std::mem::take(&mut self.script.borrow_mut().written)).into_owned()
        }

        fn deadline_after(&self) -> Duration {
            self.conn.deadline() - self.now
        }
    }

    /// The status codes of the responses in `text` (the error texts also
    /// say "HTTP/1.1", but after a space, mid-sentence).
    fn statuses(text: &str) -> Vec<&str> {
        let starts_response = |i: usize| i == 0 || text.as_bytes()[i - 1] != b' ';
        text.match_indices("HTTP/1.1 ")
            .filter(|(i, _)| starts_response(*i))
            .map(|(i, _)| &text[i + 9..i + 12])
            .collect()
    }

    #[test]
    fn a_new_connection_waits_for_its_first_head_from_accept() {
        let mut h = Harness::new();
        assert_eq!((h.conn.state(), h.conn.deadline()), (State::Head, h.start + 2 * SECOND));
        // A writable report with nothing to read changes nothing.
        assert_eq!(h.at(SECOND).serve(), Next::Wait);
        assert_eq!(h.conn.deadline(), h.start + 2 * SECOND);
        // Nor do stray empty lines, which are not a request.
        h.send(b"\r\n");
        assert_eq!(h.conn.deadline(), h.start + 2 * SECOND);
        assert_eq!(h.at(2 * SECOND).sweep(), Some(Next::Close));
        assert_eq!(h.written(), "", "nothing was asked, so nothing is answered");
    }

    #[test]
    fn a_keep_alive_connection_used_every_100_ms_is_never_cut() {
        let mut h = Harness::new();
        // Sixty requests, 100 ms apart: fifteen idle timeouts in all.
        for i in 1..=60 {
            h.at(i * SECOND / 10);
            assert_eq!(h.sweep(), None, "cut at request {i}");
            assert_eq!(h.send(GET), Next::Wait);
            assert_eq!(statuses(&h.written()), ["200"]);
            assert_eq!((h.conn.state(), h.deadline_after()), (State::Idle, 4 * SECOND));
        }
    }

    #[test]
    fn more_bytes_of_the_same_head_do_not_move_its_deadline() {
        let mut h = Harness::new();
        h.at(SECOND).send(GET);
        h.at(2 * SECOND).send(b"GET / HT");
        assert_eq!((h.conn.state(), h.conn.deadline()), (State::Head, h.start + 4 * SECOND));
        for tenth in 21..40 {
            h.at(tenth * SECOND / 10).send(b"a");
            assert_eq!(h.conn.deadline(), h.start + 4 * SECOND);
        }
        h.written();
        assert_eq!(h.at(4 * SECOND).sweep(), Some(Next::Wait), "the 408 is sent; the client may still send");
        let refusal = h.written();
        assert!(refusal.starts_with("HTTP/1.1 408 ") && refusal.contains("Connection: close"), "{refusal}");
        assert!(h.script.borrow().shut, "FIN after the 408");
        assert_eq!((h.conn.state(), h.deadline_after()), (State::Draining, 6 * SECOND));
        h.script.borrow_mut().eof = true;
        assert_eq!(h.at(5 * SECOND).serve(), Next::Close, "closed once the client closes");
    }

    #[test]
    fn a_pipeline_that_always_holds_a_partial_head_gets_a_new_deadline_per_answer() {
        let mut h = Harness::new();
        h.send(b"GET / HTTP/1.1\r\nHo");
        for i in 1..=60 {
            h.at(i * SECOND / 10);
            assert_eq!(h.sweep(), None, "cut at request {i}");
            h.send(b"st: a\r\n\r\nGET / HTTP/1.1\r\nHo");
            assert_eq!(statuses(&h.written()), ["200"]);
            assert_eq!((h.conn.state(), h.deadline_after()), (State::Head, 2 * SECOND));
        }
    }

    #[test]
    fn a_body_has_its_own_deadline_from_the_end_of_its_head() {
        let mut h = Harness::new();
        h.at(SECOND).send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab");
        assert_eq!((h.conn.state(), h.deadline_after()), (State::Body, 3 * SECOND));
        h.at(2 * SECOND).send(b"c");
        assert_eq!(h.conn.deadline(), h.start + 4 * SECOND);
        h.at(4 * SECOND).sweep();
        assert_eq!(statuses(&h.written()), ["408"]);
    }

    #[test]
    fn a_client_that_reads_slowly_but_steadily_keeps_the_write_deadline_moving() {
        let mut h = Harness::new();
        h.script.borrow_mut().room = 1000;
        h.send(b"GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
        assert_eq!((h.conn.state(), h.deadline_after()), (State::Write, 5 * SECOND));
        // 1000 bytes a second: the answer takes 100 s, far past the
        // 5 s write timeout, and is never cut.
        for second in 1..=100 {
            h.at(second * SECOND);
            assert_eq!(h.sweep(), None, "cut after {second} s");
            h.script.borrow_mut().room = 1000;
            h.serve();
        }
        assert!(h.written().ends_with(&"k".repeat(100_000)), "the whole answer went out");
        assert_eq!(h.conn.state(), State::Idle);
    }

    #[test]
    fn a_client_that_stops_reading_is_reset_at_the_write_deadline() {
        let mut h = Harness::new();
        h.script.borrow_mut().room = 1000;
        h.at(SECOND).send(b"GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
        assert_eq!(h.at(5 * SECOND).sweep(), None);
        assert_eq!(h.at(6 * SECOND).sweep(), Some(Next::Close));
        assert!(h.script.borrow().reset, "an abortive close, so the kernel stops sending too");
    }

    #[test]
    fn a_head_request_that_times_out_gets_a_408_without_a_body() {
        let mut h = Harness::new();
        h.send(b"HEAD / HTTP/1.1\r\nHost: a\r\n");
        h.at(2 * SECOND).sweep();
        let refusal = h.written();
        assert!(refusal.starts_with("HTTP/1.1 408 "), "{refusal}");
        assert!(refusal.ends_with("\r\n\r\n"), "no body: {refusal:?}");
    }

    #[test]
    fn after_a_refusal_the_connection_drains_for_the_linger_time() {
        let mut h = Harness::new();
        h.at(SECOND).send(b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(statuses(&h.written()), ["400"]);
        assert!(h.script.borrow().shut);
        assert_eq!((h.conn.state(), h.deadline_after()), (State::Draining, 6 * SECOND));
        // What the client still sends is read and dropped, never answered.
        h.at(2 * SECOND).send(GET);
        assert_eq!(h.written(), "");
        assert_eq!(h.conn.deadline(), h.start + 7 * SECOND, "sending more does not extend it");
        assert_eq!(h.at(7 * SECOND).sweep(), Some(Next::Close));
    }

    #[test]
    fn a_client_that_closes_after_sending_gets_its_answers() {
        let mut h = Harness::new();
        h.script.borrow_mut().eof = true;
        h.conn.client_closed();
        assert_eq!(h.send(&[GET, GET].concat()), Next::Close);
        assert_eq!(statuses(&h.written()), ["200", "200"]);
    }

    #[test]
    fn an_idle_connection_is_closed_quietly_at_the_idle_deadline() {
        let mut h = Harness::new();
        h.at(SECOND).send(GET);
        h.written();
        assert!(h.conn.is_idle());
        assert_eq!(h.at(5 * SECOND).sweep(), Some(Next::Close));
        assert_eq!(h.written(), "");
        assert!(!h.script.borrow().reset);
    }
}
