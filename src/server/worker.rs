//! A worker: one thread, one poller, the connections it owns.
//!
//! The loop: wait until the poller reports sockets that can be read or
//! written (or a timer falls due); for each, read what has arrived, let
//! [`Conversation::advance`] answer it, and send the answers with one
//! write; then look for connections that have waited too long.
//!
//! Sockets are registered edge-triggered: the poller reports a socket when
//! it *becomes* readable or writable, not for as long as it stays so. So
//! the worker must use up what a report promised (read until a short read,
//! write until done or the socket is full) or it will not hear of it
//! again; a connection it stops serving early for fairness goes on a
//! ready list and is served again on the next turn.

use super::slab::Slab;
use super::{Shared, WAKE};
use crate::config::Config;
use crate::http::connection::refuse;
use crate::http::{After, Context, Conversation, Handler, HttpDate, HttpError, Phase, Response};
use crate::log::{AccessLog, PeerName};
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token, Waker};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

/// Bytes asked of the socket per read.
const READ_SIZE: usize = 64 * 1024;
/// Reads one connection may do per turn before the others get theirs.
const READS_PER_TURN: usize = 16;
/// How often connections are checked for timeouts.
const SWEEP_EVERY: Duration = Duration::from_millis(100);
/// Longest an access log line waits before it is printed.
const LOG_DELAY: Duration = Duration::from_millis(50);
/// Log bytes that are printed at once, without waiting.
const LOG_BATCH: usize = 32 * 1024;
/// Buffer capacity an idle connection may keep; more is given back.
const IDLE_BUFFER_KEEP: usize = 4 * 1024;
/// Tokens below this are the worker's own, not connections.
const FIRST_CONNECTION: usize = 2;

/// The accept loop's side of a worker.
pub(super) struct Handle {
    inbox: Arc<Inbox>,
    thread: JoinHandle<()>,
}

/// New connections waiting for the worker to take them.
struct Inbox {
    queue: Mutex<Vec<(TcpStream, SocketAddr)>>,
    /// A wake-up is already on its way; no need for another.
    notified: AtomicBool,
    waker: Arc<Waker>,
}

impl Handle {
    /// Gives the worker a new connection.
    pub(super) fn hand_over(&self, stream: TcpStream, peer: SocketAddr) {
        if let Ok(mut queue) = self.inbox.queue.lock() {
            queue.push((stream, peer));
        }
        if !self.inbox.notified.swap(true, Ordering::SeqCst) {
            let _ = self.inbox.waker.wake();
        }
    }

    pub(super) fn join(self) {
        if self.thread.join().is_err() {
            eprintln!("pagecount: a worker thread panicked");
        }
    }
}

/// One connection and everything the worker knows about it.
struct Conn {
    stream: TcpStream,
    peer: PeerName,
    conversation: Conversation,
    /// Bytes received and not used yet: part of a request, or whole
    /// requests waiting for the output to drain.
    input: Vec<u8>,
    /// Response bytes the socket has not taken yet.
    output: Vec<u8>,
    state: State,
    /// The held input has answerable requests, once the output drains.
    resume: bool,
    /// The poller said the client closed its side: the end of the stream
    /// is waiting to be read, even after a short read.
    read_closed: bool,
    /// What the connection is waiting for, which decides its deadline.
    timer: Timer,
    deadline: Instant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Serving requests.
    Open,
    /// Sending its last output, then closing (draining first if asked).
    Closing { drain: bool },
    /// Closed for writing; reading and discarding until the client closes
    /// or the linger time is up.
    Draining,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Timer {
    Idle,
    Head,
    Body,
    Write,
    Drain,
}

/// What the worker should do with a connection after serving it.
#[derive(PartialEq, Eq)]
enum Next {
    /// Wait for the poller to report it again.
    Wait,
    /// It stopped early to let others go first: serve it again next turn.
    Again,
    /// It is finished: drop it, which closes the socket.
    Drop,
}

/// The worker's reusable buffers, shared by all its connections in turn.
struct Buffers {
    read: Vec<u8>,
    out: Vec<u8>,
    response: Response,
    log: AccessLog,
    date: HttpDate,
}

pub(super) struct Worker<H> {
    poll: Poll,
    inbox: Arc<Inbox>,
    conns: Slab<Conn>,
    config: Arc<Config>,
    handler: Arc<H>,
    shared: Arc<Shared>,
    bufs: Buffers,
    /// The time at the start of this turn of the loop.
    now: Instant,
    next_sweep: Instant,
    /// When the pending log lines must be printed.
    log_due: Option<Instant>,
    /// Connections to serve again without waiting for the poller.
    ready: Vec<usize>,
    /// Set once shutdown has begun: the time by which to be done.
    grace_end: Option<Instant>,
}

impl<H: Handler> Worker<H> {
    /// Starts a worker thread and returns the accept loop's handle to it.
    pub(super) fn spawn(id: usize, config: &Arc<Config>, handler: &Arc<H>, shared: &Arc<Shared>) -> io::Result<Handle> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKE)?);
        shared.register_waker(&waker);
        let inbox = Arc::new(Inbox { queue: Mutex::default(), notified: AtomicBool::new(false), waker });
        let now = Instant::now();
        let mut worker = Worker {
            poll,
            inbox: Arc::clone(&inbox),
            conns: Slab::default(),
            config: Arc::clone(config),
            handler: Arc::clone(handler),
            shared: Arc::clone(shared),
            bufs: Buffers {
                read: vec![0; READ_SIZE],
                out: Vec::new(),
                response: Response::default(),
                log: AccessLog::new(config.access_log, config.trace),
                date: HttpDate::now(),
            },
            now,
            next_sweep: now + SWEEP_EVERY,
            log_due: None,
            ready: Vec::new(),
            grace_end: None,
        };
        let thread = thread::Builder::new().name(format!("worker-{id}")).spawn(move || worker.run())?;
        Ok(Handle { inbox, thread })
    }

    fn run(&mut self) {
        let mut events = Events::with_capacity(256);
        loop {
            self.wait(&mut events);
            self.now = Instant::now();
            self.bufs.date.refresh(SystemTime::now());
            for key in std::mem::take(&mut self.ready) {
                self.serve(key, false);
            }
            for event in events.iter() {
                match event.token() {
                    WAKE => self.take_new_connections(),
                    Token(token) => self.serve(token - FIRST_CONNECTION, event.is_read_closed()),
                }
            }
            if self.now >= self.next_sweep {
                self.sweep();
            }
            if self.shared.stopping() && self.wind_down() {
                break;
            }
            self.flush_log(false);
        }
        self.flush_log(true);
    }

    /// Waits for the poller to report sockets. After a turn that had work,
    /// it first looks without sleeping, then gives up the CPU once before
    /// it sleeps: on a busy machine, new requests have often arrived by the
    /// time the thread runs again, and going to sleep and being woken costs
    /// more than a yield (measured: about a quarter more requests per
    /// second on two cores shared with the load generator).
    fn wait(&mut self, events: &mut Events) {
        if !events.is_empty() {
            self.poll_once(events, Some(Duration::ZERO));
            if !events.is_empty() {
                return;
            }
            thread::yield_now();
        }
        self.poll_once(events, self.poll_timeout());
    }

    fn poll_once(&mut self, events: &mut Events, timeout: Option<Duration>) {
        if let Err(e) = self.poll.poll(events, timeout)
            && e.kind() != io::ErrorKind::Interrupted
        {
            eprintln!("pagecount: poll failed: {e}");
            thread::sleep(SWEEP_EVERY);
        }
    }

    /// How long the poller may wait: until the next timeout check, log
    /// flush or shutdown deadline, or forever if none is due.
    fn poll_timeout(&self) -> Option<Duration> {
        if !self.ready.is_empty() {
            return Some(Duration::ZERO);
        }
        let sweep = (!self.conns.is_empty()).then_some(self.next_sweep);
        [sweep, self.log_due, self.grace_end]
            .into_iter()
            .flatten()
            .min()
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Registers the connections the accept loop has handed over.
    fn take_new_connections(&mut self) {
        self.inbox.notified.store(false, Ordering::SeqCst);
        let arrived = self.inbox.queue.lock().map(|mut q| std::mem::take(&mut *q)).unwrap_or_default();
        for (stream, peer) in arrived {
            if self.grace_end.is_some() {
                self.forget(stream);
                continue;
            }
            let _ = stream.set_nodelay(true);
            let conn = Conn::new(stream, peer, self.now + self.config.header_timeout);
            let key = self.conns.insert(conn);
            let conn = self.conns.get_mut(key).expect("just inserted");
            let interest = Interest::READABLE | Interest::WRITABLE;
            if self.poll.registry().register(&mut conn.stream, Token(key + FIRST_CONNECTION), interest).is_err() {
                let conn = self.conns.remove(key).expect("just inserted");
                self.forget(conn.stream);
            }
        }
    }

    /// Serves one connection as far as its socket allows. `read_closed`
    /// says the client has closed its side, so its last bytes and the end
    /// of the stream are all waiting to be read. A panic in the server's
    /// own code costs this connection only, never the worker.
    fn serve(&mut self, key: usize, read_closed: bool) {
        let Some(conn) = self.conns.get_mut(key) else { return };
        conn.read_closed |= read_closed;
        let closing = self.grace_end.is_some();
        let (bufs, config, handler) = (&mut self.bufs, &*self.config, &*self.handler);
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| conn.drive(bufs, config, handler, closing)));
        match outcome {
            Ok(Next::Wait) => conn.rearm(self.now, config),
            Ok(Next::Again) => {
                conn.rearm(self.now, config);
                self.ready.push(key);
            }
            Ok(Next::Drop) | Err(_) => self.close(key),
        }
    }

    /// Deals with connections whose deadline has passed.
    fn sweep(&mut self) {
        self.next_sweep = self.now + SWEEP_EVERY;
        let now = self.now;
        let expired: Vec<usize> = self.conns.iter().filter(|(_, c)| c.deadline <= now).map(|(k, _)| k).collect();
        for key in expired {
            let Some(conn) = self.conns.get_mut(key) else { continue };
            let request_started = conn.timer == Timer::Body || (conn.timer == Timer::Head && !conn.input.is_empty());
            if !request_started {
                self.close(key);
                continue;
            }
            // A request that stalled halfway is told why before it is cut.
            let date = self.bufs.date.as_str();
            let mut cx = context(
                &mut self.bufs.response,
                &mut self.bufs.out,
                &mut self.bufs.log,
                date,
                &*self.handler,
                &self.config,
                conn.peer.as_str(),
                true,
            );
            refuse(HttpError::Timeout, false, &conn.input, &mut cx);
            conn.state = State::Closing { drain: false };
            conn.queue(&mut self.bufs.out);
            self.serve(key, false);
        }
    }

    /// During shutdown: closes idle connections, and reports whether the
    /// worker is done (no connections left, or the grace time is up).
    fn wind_down(&mut self) -> bool {
        let grace_end = *self.grace_end.get_or_insert(self.now + self.config.shutdown_grace);
        let idle: Vec<usize> = self.conns.iter().filter(|(_, c)| c.is_idle()).map(|(k, _)| k).collect();
        for key in idle {
            self.close(key);
        }
        self.take_new_connections();
        self.conns.is_empty() || self.now >= grace_end
    }

    fn close(&mut self, key: usize) {
        if let Some(conn) = self.conns.remove(key) {
            self.forget(conn.stream);
        }
    }

    /// Drops a connection's socket (closing it) and uncounts it.
    fn forget(&self, stream: TcpStream) {
        drop(stream);
        self.shared.open.fetch_sub(1, Ordering::SeqCst);
    }

    /// Prints the pending log lines if they are due (or `now` is true).
    fn flush_log(&mut self, now: bool) {
        let pending = self.bufs.log.pending().len();
        if pending == 0 {
            return;
        }
        let due = *self.log_due.get_or_insert(self.now + LOG_DELAY);
        if now || pending >= LOG_BATCH || self.now >= due {
            let _ = io::stdout().lock().write_all(self.bufs.log.pending());
            self.bufs.log.clear();
            self.log_due = None;
        }
    }
}

/// Builds the context a conversation needs from the worker's parts.
#[allow(clippy::too_many_arguments)]
fn context<'a, H>(
    response: &'a mut Response,
    out: &'a mut Vec<u8>,
    log: &'a mut AccessLog,
    date: &'a str,
    handler: &'a H,
    config: &'a Config,
    peer: &'a str,
    closing: bool,
) -> Context<'a, H> {
    Context { handler, config, date, peer, response, out, log, closing }
}

impl Conn {
    fn new(stream: TcpStream, peer: SocketAddr, deadline: Instant) -> Self {
        Conn {
            stream,
            peer: PeerName::new(peer),
            conversation: Conversation::default(),
            input: Vec::new(),
            output: Vec::new(),
            state: State::Open,
            resume: false,
            read_closed: false,
            // The first request's head must arrive within the header
            // timeout of accept.
            timer: Timer::Head,
            deadline,
        }
    }

    /// Does everything the socket allows right now: send queued output,
    /// answer held requests, read and answer new ones.
    fn drive<H: Handler>(&mut self, bufs: &mut Buffers, config: &Config, handler: &H, closing: bool) -> Next {
        let mut reads = 0;
        let mut may_read = true;
        loop {
            match self.send_output() {
                Ok(true) => {}
                Ok(false) => return Next::Wait,
                Err(_) => return Next::Drop,
            }
            match self.state {
                State::Open => {}
                State::Closing { drain: false } => return Next::Drop,
                State::Closing { drain: true } => {
                    let _ = self.stream.shutdown(Shutdown::Write);
                    self.state = State::Draining;
                    continue;
                }
                State::Draining => return self.discard(&mut bufs.read),
            }
            if self.resume {
                self.resume = false;
                self.answer(None, bufs, config, handler, closing);
                continue;
            }
            if !may_read {
                return Next::Wait;
            }
            if reads == READS_PER_TURN {
                return Next::Again;
            }
            reads += 1;
            match (&self.stream).read(&mut bufs.read) {
                // The client has closed its side: nothing more will come.
                Ok(0) => self.state = State::Closing { drain: false },
                Ok(n) => {
                    // A short read emptied the socket: no need to ask again,
                    // unless the end of the stream is still to be read.
                    may_read = self.read_closed || n == bufs.read.len();
                    self.answer(Some(n), bufs, config, handler, closing);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Next::Wait,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Next::Drop,
            }
        }
    }

    /// Answers what has arrived: the `read` new bytes in the read buffer
    /// after any held input, or (with `None`) the held input alone.
    fn answer<H: Handler>(
        &mut self,
        read: Option<usize>,
        bufs: &mut Buffers,
        config: &Config,
        handler: &H,
        closing: bool,
    ) {
        let Buffers { read: read_buf, out, response, log, date } = bufs;
        let mut cx = context(response, out, log, date.as_str(), handler, config, self.peer.as_str(), closing);
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
            After::Close => self.state = State::Closing { drain: false },
            After::Drain => self.state = State::Closing { drain: true },
        }
        self.queue(out);
    }

    /// Sends `out` at once if nothing is queued before it, and queues what
    /// the socket does not take. Leaves `out` empty.
    fn queue(&mut self, out: &mut Vec<u8>) {
        if self.output.is_empty() {
            match (&self.stream).write(out) {
                Ok(n) => self.output.extend_from_slice(&out[n..]),
                Err(_) => self.output.extend_from_slice(out),
            }
        } else {
            self.output.extend_from_slice(out);
        }
        out.clear();
    }

    /// Writes queued output. `Ok(true)` once it is all sent, `Ok(false)`
    /// if the socket is full (a writable report will follow).
    fn send_output(&mut self) -> io::Result<bool> {
        while !self.output.is_empty() {
            match (&self.stream).write(&self.output) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
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
            match (&self.stream).read(scratch) {
                Ok(0) => return Next::Drop,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Next::Wait,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Next::Drop,
            }
        }
        Next::Again
    }

    /// Sets the deadline for what the connection now waits for. A head's
    /// deadline is not moved by more bytes of the same head, so trickling
    /// bytes cannot keep a connection forever.
    fn rearm(&mut self, now: Instant, config: &Config) {
        let timer = match self.state {
            State::Draining => Timer::Drain,
            State::Closing { .. } => Timer::Write,
            State::Open if !self.output.is_empty() => Timer::Write,
            State::Open => match self.conversation.phase(self.input.len()) {
                Phase::Idle => Timer::Idle,
                Phase::Head => Timer::Head,
                Phase::Body => Timer::Body,
            },
        };
        if timer != self.timer {
            self.timer = timer;
            self.deadline = now
                + match timer {
                    Timer::Idle => config.idle_timeout,
                    Timer::Head => config.header_timeout,
                    Timer::Body => config.body_timeout,
                    Timer::Write => config.write_timeout,
                    Timer::Drain => config.linger,
                };
        }
        if timer == Timer::Idle {
            release_if_large(&mut self.input);
            release_if_large(&mut self.output);
        }
    }

    /// Nothing in flight: no bytes held either way, no request begun.
    fn is_idle(&self) -> bool {
        self.state == State::Open && self.input.is_empty() && self.output.is_empty()
    }
}

/// An idle connection keeps little memory: a large buffer is given back.
fn release_if_large(buffer: &mut Vec<u8>) {
    if buffer.is_empty() && buffer.capacity() > IDLE_BUFFER_KEEP {
        *buffer = Vec::new();
    }
}
