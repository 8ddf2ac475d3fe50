//! A worker: one thread, one poller, the connections it owns.
//!
//! The loop: wait until the poller reports sockets that can be read or
//! written (or a deadline check falls due); accept new connections if the
//! listener is ready; serve each reported connection
//! ([`Connection::serve`]); then expire the connections whose deadline has
//! passed ([`Connection::expire`]). Everything about one connection's life
//! is in `connection.rs`; this file only moves connections in and out and
//! keeps the time.
//!
//! Every worker accepts from the one listening socket (each holds a copy of
//! it), so a new connection is served by the thread that accepted it, with
//! no hand-over between threads. A worker accepts only a few connections a
//! turn, so that a burst of them is shared among the workers awake.
//!
//! Sockets are registered edge-triggered: the poller reports a socket when
//! it *becomes* readable or writable, not for as long as it stays so. So a
//! connection must use up what a report promised (read until a short read,
//! write until done or the socket is full) or it will not hear of it
//! again; one that stops early for fairness goes on a ready list and is
//! served again on the next turn.

use super::connection::{Connection, Next, Scratch, Turn};
use super::slab::Slab;
use super::{LISTENER, Seat, Shared, WAKE};
use crate::config::Config;
use crate::http::{Handler, HttpDate, HttpError, Response, conversation};
use crate::log::{AccessLog, Journal, PeerName};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use std::io::{self, Write};
use std::net::Shutdown;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
#[cfg(test)]
use std::sync::atomic::AtomicBool;
#[cfg(test)]
use std::sync::atomic::Ordering;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

/// Bytes asked of the socket per read.
const READ_SIZE: usize = 64 * 1024;
/// How often deadlines are checked: a connection is expired at most this
/// long after its deadline.
const SWEEP_EVERY: Duration = Duration::from_millis(100);
/// Tokens below this are the worker's own, not connections.
const FIRST_CONNECTION: usize = 2;
/// Connections a worker accepts in one turn before the others get theirs.
const ACCEPTS_PER_TURN: usize = 4;
/// Pause after a failed accept (for example, out of file descriptors),
/// doubled on each further failure up to the longest.
const FIRST_ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// The supervisor's side of a worker.
pub(super) struct Handle {
    thread: JoinHandle<()>,
    /// For the tests: makes the worker's loop fail, as a bug in it would.
    #[cfg(test)]
    poisoned: Arc<AtomicBool>,
    #[cfg(test)]
    waker: Arc<Waker>,
}

impl Handle {
    /// The worker's thread has ended, which it does only at shutdown or
    /// after a bug in its loop.
    pub(super) fn is_finished(&self) -> bool {
        self.thread.is_finished()
    }

    /// Waits for the thread to end; says whether it ended by panicking.
    pub(super) fn join(self) -> bool {
        self.thread.join().is_err()
    }

    #[cfg(test)]
    pub(super) fn poison(&self) {
        self.poisoned.store(true, Ordering::SeqCst);
        let _ = self.waker.wake();
    }
}

pub(super) struct Worker<H> {
    poll: Poll,
    /// This worker's copy of the listening socket, dropped when shutdown
    /// begins, so that once every copy is gone new clients are refused at
    /// once rather than left waiting.
    listener: Option<TcpListener>,
    /// The listener may have connections waiting that this worker left for
    /// the next turn.
    may_accept: bool,
    /// After a failed accept: how long the pause is, and when it ends.
    accept_backoff: Option<(Duration, Instant)>,
    conns: Slab<Held>,
    config: Arc<Config>,
    handler: Arc<H>,
    shared: Arc<Shared>,
    scratch: Scratch,
    /// The time at the start of this turn of the loop.
    now: Instant,
    next_sweep: Instant,
    /// Connections to serve again without waiting for the poller.
    ready: Vec<usize>,
    /// Set once shutdown has begun: the time by which to be done.
    grace_end: Option<Instant>,
    #[cfg(test)]
    poisoned: Arc<AtomicBool>,
}

/// A connection, and its seat among the server's open connections, which
/// is given back when it is dropped, however it goes.
struct Held {
    conn: Connection<TcpStream>,
    _seat: Seat,
}

impl<H: Handler> Worker<H> {
    /// Starts a worker thread that accepts on its copy of `listener`.
    pub(super) fn spawn(
        id: usize,
        listener: &std::net::TcpListener,
        config: &Arc<Config>,
        handler: &Arc<H>,
        shared: &Arc<Shared>,
        journal: &Arc<Journal>,
    ) -> io::Result<Handle> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKE)?);
        shared.register_waker(&waker);
        let mut listener = TcpListener::from_std(listener.try_clone()?);
        // epoll and kqueue let every worker watch its own copy of the
        // listener; elsewhere (Windows) only the first worker accepts.
        let accepts = cfg!(unix) || id == 0;
        if accepts {
            poll.registry().register(&mut listener, LISTENER, Interest::READABLE)?;
        }
        #[cfg(test)]
        let poisoned = Arc::new(AtomicBool::new(false));
        let now = Instant::now();
        let mut worker = Worker {
            poll,
            listener: Some(listener),
            may_accept: accepts,
            accept_backoff: None,
            conns: Slab::default(),
            config: Arc::clone(config),
            handler: Arc::clone(handler),
            shared: Arc::clone(shared),
            scratch: Scratch {
                read: vec![0; READ_SIZE],
                out: Vec::new(),
                response: Response::default(),
                log: AccessLog::new(config.access_log, config.trace, Arc::clone(journal)),
                date: HttpDate::now(),
            },
            now,
            next_sweep: now + SWEEP_EVERY,
            ready: Vec::new(),
            grace_end: None,
            #[cfg(test)]
            poisoned: Arc::clone(&poisoned),
        };
        let thread = thread::Builder::new().name(format!("worker-{id}")).spawn(move || worker.run())?;
        Ok(Handle {
            thread,
            #[cfg(test)]
            poisoned,
            #[cfg(test)]
            waker,
        })
    }

    fn run(&mut self) {
        let mut events = Events::with_capacity(256);
        loop {
            self.wait(&mut events);
            self.now = Instant::now();
            self.scratch.date.refresh(SystemTime::now());
            #[cfg(test)]
            assert!(!self.poisoned.load(Ordering::SeqCst), "a bug in the worker's loop");
            for key in std::mem::take(&mut self.ready) {
                self.serve(key, false);
            }
            for event in events.iter() {
                match event.token() {
                    WAKE => {}
                    LISTENER => self.may_accept = true,
                    Token(token) => self.serve(token - FIRST_CONNECTION, event.is_read_closed()),
                }
            }
            self.accept();
            if self.now >= self.next_sweep {
                self.sweep();
            }
            if self.shared.stopping() && self.wind_down() {
                break;
            }
        }
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

    /// How long the poller may wait: until the next deadline check or the
    /// shutdown deadline, or for ever if nothing is due.
    fn poll_timeout(&self) -> Option<Duration> {
        let paused_until = self.accept_backoff.map(|(_, until)| until);
        if !self.ready.is_empty() || (self.may_accept && paused_until.is_none()) {
            return Some(Duration::ZERO);
        }
        let sweep = (!self.conns.is_empty()).then_some(self.next_sweep);
        [sweep, self.grace_end, paused_until]
            .into_iter()
            .flatten()
            .min()
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Accepts a few waiting connections, if the listener has any. The
    /// listener is registered edge-triggered, so a worker that stops
    /// before it has emptied the queue tries again next turn. A failed
    /// accept pauses accepting for a while that doubles up to a second:
    /// running out of file descriptors (EMFILE) must slow the server down,
    /// not stop it, nor spin.
    fn accept(&mut self) {
        if !self.may_accept || self.listener.is_none() {
            return;
        }
        match self.accept_backoff {
            Some((_, until)) if self.now < until => return,
            _ => {}
        }
        for _ in 0..ACCEPTS_PER_TURN {
            let Some(listener) = &self.listener else { return };
            match listener.accept() {
                Ok((stream, peer)) => self.admit(stream, PeerName::new(peer)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.may_accept = false;
                    self.accept_backoff = None;
                    return;
                }
                Err(e) if is_transient(&e) => {}
                Err(e) => {
                    let pause =
                        self.accept_backoff.map_or(FIRST_ACCEPT_BACKOFF, |(b, _)| (b * 2).min(MAX_ACCEPT_BACKOFF));
                    eprintln!("pagecount: accept failed: {e}; retrying in {} ms", pause.as_millis());
                    self.accept_backoff = Some((pause, self.now + pause));
                    return;
                }
            }
        }
        self.accept_backoff = None;
    }

    /// Takes a new connection on, or turns it away if the server already
    /// holds as many as it allows.
    fn admit(&mut self, stream: TcpStream, peer: PeerName) {
        let Some(seat) = Seat::take(&self.shared, self.config.max_connections) else {
            return refuse_overload(stream);
        };
        let _ = stream.set_nodelay(true);
        let conn = Connection::new(stream, peer, self.now, &self.config);
        let key = self.conns.insert(Held { conn, _seat: seat });
        let held = self.conns.get_mut(key).expect("just inserted");
        let interest = Interest::READABLE | Interest::WRITABLE;
        if self.poll.registry().register(held.conn.socket_mut(), Token(key + FIRST_CONNECTION), interest).is_err() {
            self.conns.remove(key);
        }
    }

    /// Serves one connection as far as its socket allows. `read_closed`
    /// says the client has closed its side.
    fn serve(&mut self, key: usize, read_closed: bool) {
        if read_closed && let Some(held) = self.conns.get_mut(key) {
            held.conn.client_closed();
        }
        self.with_connection(key, Connection::serve);
    }

    /// Expires the connections whose deadline has passed.
    fn sweep(&mut self) {
        self.next_sweep = self.now + SWEEP_EVERY;
        let now = self.now;
        let expired: Vec<usize> =
            self.conns.iter().filter(|(_, held)| held.conn.deadline() <= now).map(|(k, _)| k).collect();
        for key in expired {
            self.with_connection(key, Connection::expire);
        }
    }

    /// Lends a connection this turn's tools for `act`, then does what it
    /// says next. A panic in the server's own code costs this connection
    /// only, never the worker.
    fn with_connection(&mut self, key: usize, act: fn(&mut Connection<TcpStream>, &mut Turn<H>) -> Next) {
        let Some(held) = self.conns.get_mut(key) else { return };
        let conn = &mut held.conn;
        let mut turn = Turn {
            handler: &*self.handler,
            config: &self.config,
            now: self.now,
            closing: self.grace_end.is_some(),
            scratch: &mut self.scratch,
        };
        let next = panic::catch_unwind(AssertUnwindSafe(|| act(conn, &mut turn))).unwrap_or_else(|_| {
            // Whatever it left half-written in the scratch goes with it.
            turn.scratch.out.clear();
            Next::Close
        });
        match next {
            Next::Wait => {}
            Next::Again => self.ready.push(key),
            Next::Close => drop(self.conns.remove(key)),
        }
    }

    /// During shutdown: closes idle connections, and reports whether the
    /// worker is done (no connections left, or the grace time is up).
    fn wind_down(&mut self) -> bool {
        let grace_end = *self.grace_end.get_or_insert(self.now + self.config.shutdown_grace);
        self.listener = None;
        let idle: Vec<usize> = self.conns.iter().filter(|(_, held)| held.conn.is_idle()).map(|(k, _)| k).collect();
        for key in idle {
            self.conns.remove(key);
        }
        self.conns.is_empty() || self.now >= grace_end
    }
}

/// Errors that concern one connection that is already gone, not the
/// listener: accept the next one straight away.
fn is_transient(error: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(error.kind(), ConnectionAborted | ConnectionReset | Interrupted)
}

/// Answers a connection beyond the limit with `503` and closes it. The
/// socket is new, so its send buffer is empty and the short answer fits.
fn refuse_overload(stream: TcpStream) {
    let bytes = conversation::refusal(HttpError::Overloaded, HttpDate::now().as_str());
    let _ = (&stream).write(&bytes);
    let _ = stream.shutdown(Shutdown::Write);
}
