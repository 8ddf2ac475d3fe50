//! A worker: one thread, one poller, the connections it owns.
//!
//! The loop: wait until the poller reports sockets that can be read or
//! written (or a deadline check falls due); serve each reported
//! connection ([`Connection::serve`]); then expire the connections whose
//! deadline has passed ([`Connection::expire`]). Everything about one
//! connection's life is in `connection.rs`; this file only moves
//! connections in and out and keeps the time.
//!
//! Sockets are registered edge-triggered: the poller reports a socket when
//! it *becomes* readable or writable, not for as long as it stays so. So a
//! connection must use up what a report promised (read until a short read,
//! write until done or the socket is full) or it will not hear of it
//! again; one that stops early for fairness goes on a ready list and is
//! served again on the next turn.

use super::connection::{Connection, Next, Scratch, Turn};
use super::slab::Slab;
use super::{Shared, WAKE};
use crate::config::Config;
use crate::http::{Handler, HttpDate, Response};
use crate::log::{AccessLog, Journal, PeerName};
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token, Waker};
use std::io;
use std::net::SocketAddr;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

/// Bytes asked of the socket per read.
const READ_SIZE: usize = 64 * 1024;
/// How often deadlines are checked: a connection is expired at most this
/// long after its deadline.
const SWEEP_EVERY: Duration = Duration::from_millis(100);
/// Tokens below this are the worker's own, not connections.
const FIRST_CONNECTION: usize = 2;

/// The accept loop's side of a worker.
pub(super) struct Handle {
    inbox: Arc<Inbox>,
    thread: JoinHandle<()>,
}

/// What the accept loop and a worker share.
struct Inbox {
    /// New connections waiting for the worker to take them.
    queue: Mutex<Vec<(TcpStream, SocketAddr)>>,
    /// A wake-up is already on its way; no need for another.
    notified: AtomicBool,
    waker: Arc<Waker>,
    /// Connections handed to this worker and not yet closed by it. If the
    /// worker ever died, its count would go with it.
    open: AtomicUsize,
    /// For the tests: makes the worker's loop fail, as a bug in it would.
    #[cfg(test)]
    poisoned: AtomicBool,
}

impl Handle {
    /// Gives the worker a new connection.
    pub(super) fn hand_over(&self, stream: TcpStream, peer: SocketAddr) {
        self.inbox.open.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut queue) = self.inbox.queue.lock() {
            queue.push((stream, peer));
        }
        if !self.inbox.notified.swap(true, Ordering::SeqCst) {
            let _ = self.inbox.waker.wake();
        }
    }

    /// Connections this worker holds open.
    pub(super) fn open(&self) -> usize {
        self.inbox.open.load(Ordering::SeqCst)
    }

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
        self.inbox.poisoned.store(true, Ordering::SeqCst);
        let _ = self.inbox.waker.wake();
    }
}

pub(super) struct Worker<H> {
    poll: Poll,
    inbox: Arc<Inbox>,
    conns: Slab<Connection<TcpStream>>,
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
}

impl<H: Handler> Worker<H> {
    /// Starts a worker thread and returns the accept loop's handle to it.
    pub(super) fn spawn(
        id: usize,
        config: &Arc<Config>,
        handler: &Arc<H>,
        shared: &Arc<Shared>,
        journal: &Arc<Journal>,
    ) -> io::Result<Handle> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKE)?);
        shared.register_waker(&waker);
        let inbox = Arc::new(Inbox {
            queue: Mutex::default(),
            notified: AtomicBool::new(false),
            waker,
            open: AtomicUsize::new(0),
            #[cfg(test)]
            poisoned: AtomicBool::new(false),
        });
        let now = Instant::now();
        let mut worker = Worker {
            poll,
            inbox: Arc::clone(&inbox),
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
        };
        let thread = thread::Builder::new().name(format!("worker-{id}")).spawn(move || worker.run())?;
        Ok(Handle { inbox, thread })
    }

    fn run(&mut self) {
        let mut events = Events::with_capacity(256);
        loop {
            self.wait(&mut events);
            self.now = Instant::now();
            self.scratch.date.refresh(SystemTime::now());
            #[cfg(test)]
            assert!(!self.inbox.poisoned.load(Ordering::SeqCst), "a bug in the worker's loop");
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
        if !self.ready.is_empty() {
            return Some(Duration::ZERO);
        }
        let sweep = (!self.conns.is_empty()).then_some(self.next_sweep);
        [sweep, self.grace_end].into_iter().flatten().min().map(|at| at.saturating_duration_since(Instant::now()))
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
            let conn = Connection::new(stream, PeerName::new(peer), self.now, &self.config);
            let key = self.conns.insert(conn);
            let conn = self.conns.get_mut(key).expect("just inserted");
            let interest = Interest::READABLE | Interest::WRITABLE;
            if self.poll.registry().register(conn.socket_mut(), Token(key + FIRST_CONNECTION), interest).is_err() {
                self.close(key);
            }
        }
    }

    /// Serves one connection as far as its socket allows. `read_closed`
    /// says the client has closed its side.
    fn serve(&mut self, key: usize, read_closed: bool) {
        if read_closed && let Some(conn) = self.conns.get_mut(key) {
            conn.client_closed();
        }
        self.with_connection(key, Connection::serve);
    }

    /// Expires the connections whose deadline has passed.
    fn sweep(&mut self) {
        self.next_sweep = self.now + SWEEP_EVERY;
        let now = self.now;
        let expired: Vec<usize> = self.conns.iter().filter(|(_, c)| c.deadline() <= now).map(|(k, _)| k).collect();
        for key in expired {
            self.with_connection(key, Connection::expire);
        }
    }

    /// Lends a connection this turn's tools for `act`, then does what it
    /// says next. A panic in the server's own code costs this connection
    /// only, never the worker.
    fn with_connection(&mut self, key: usize, act: fn(&mut Connection<TcpStream>, &mut Turn<H>) -> Next) {
        let Some(conn) = self.conns.get_mut(key) else { return };
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
            Next::Close => self.close(key),
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
            self.forget(conn.into_socket());
        }
    }

    /// Drops a connection's socket (closing it) and uncounts it.
    fn forget(&self, stream: TcpStream) {
        drop(stream);
        self.inbox.open.fetch_sub(1, Ordering::SeqCst);
    }
}
