//! The sockets and threads that carry the HTTP conversations.
//!
//! ```text
//!                  +--------------------+
//!   new TCP  --->  |  accept loop       |   main thread: accept, set
//!   connections    |  (TcpListener)     |   TCP_NODELAY, hand over
//!                  +---------+----------+
//!                            | round robin, once per connection
//!              +-------------+-------------+
//!              v                           v
//!   +---------------------+     +---------------------+
//!   | worker 0            |     | worker 1            |   one per core
//!   | poller (epoll)      | ... | poller (epoll)      |   each owns its
//!   | its connections     |     | its connections     |   connections
//!   | read -> Conversation::advance -> one write      |
//!   +---------------------+     +---------------------+
//! ```
//!
//! A worker does not wait on any one connection. It asks the operating
//! system which of its sockets have bytes to read or room to write, serves
//! exactly those, and waits again. An idle keep-alive connection or a
//! client sending one byte a minute therefore costs a few hundred bytes of
//! memory, never a thread; and the request after the first on a connection
//! is answered on the thread that read it, with no hand-over.

mod slab;
mod worker;

use crate::app::App;
use crate::config::Config;
use crate::http::connection::error_response;
use crate::http::{Handler, HttpDate, HttpError, Persistence, Response};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use std::io::{self, Write};
use std::net::{Shutdown as Direction, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use worker::Worker;

const LISTENER: Token = Token(0);
const WAKE: Token = Token(1);
/// Pause after a failed accept (for example, out of file descriptors),
/// doubled on each further failure up to the longest.
const FIRST_ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// A bound server, ready to run.
pub struct Server<H = App> {
    listener: std::net::TcpListener,
    config: Arc<Config>,
    handler: Arc<H>,
    shared: Arc<Shared>,
}

/// What the accept loop and the workers share.
#[derive(Debug, Default)]
struct Shared {
    /// Set once shutdown has begun.
    stopping: AtomicBool,
    /// Wakers of every thread that must notice shutdown.
    wakers: Mutex<Vec<Arc<Waker>>>,
    /// Connections open right now, across all workers.
    open: AtomicUsize,
}

/// Starts a graceful shutdown from another thread (a signal handler, a
/// test): the server stops accepting, finishes the responses in flight,
/// closes idle connections, and [`Server::run`] returns.
#[derive(Clone, Debug)]
pub struct ShutdownHandle(Arc<Shared>);

impl ShutdownHandle {
    pub fn shut_down(&self) {
        self.0.stopping.store(true, Ordering::SeqCst);
        let wakers = self.0.wakers.lock().map(|w| w.clone()).unwrap_or_default();
        for waker in wakers {
            // A failed wake means the thread's poller is gone: it has exited.
            let _ = waker.wake();
        }
    }
}

impl Server<App> {
    /// Binds the pagecount application to `config.bind`.
    pub fn bind(config: Config) -> io::Result<Self> {
        let app = App::new(&config).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        Server::with_handler(config, app)
    }
}

impl<H: Handler> Server<H> {
    /// Binds any [`Handler`] to `config.bind`.
    pub fn with_handler(config: Config, handler: H) -> io::Result<Self> {
        config.validate().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let listener = std::net::TcpListener::bind(config.bind)?;
        Ok(Server { listener, config: Arc::new(config), handler: Arc::new(handler), shared: Arc::default() })
    }

    /// The address actually bound (useful after binding port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(Arc::clone(&self.shared))
    }

    /// Serves until shutdown, then waits for the workers to finish.
    pub fn run(self) -> io::Result<()> {
        self.listener.set_nonblocking(true)?;
        let mut listener = TcpListener::from_std(self.listener);
        let mut poll = Poll::new()?;
        poll.registry().register(&mut listener, LISTENER, Interest::READABLE)?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKE)?);
        self.shared.register_waker(&waker);
        let workers = (0..self.config.threads)
            .map(|id| Worker::spawn(id, &self.config, &self.handler, &self.shared))
            .collect::<io::Result<Vec<_>>>()?;
        let accepted = accept_loop(&mut poll, &listener, &workers, &self.config, &self.shared);
        // Stop accepting before waiting for the workers, then make sure
        // they know (the loop can also end on a poller error).
        drop(listener);
        ShutdownHandle(Arc::clone(&self.shared)).shut_down();
        for worker in workers {
            worker.join();
        }
        accepted
    }
}

impl Shared {
    /// Adds a thread's waker; wakes it at once if shutdown has already begun.
    fn register_waker(&self, waker: &Arc<Waker>) {
        if let Ok(mut wakers) = self.wakers.lock() {
            wakers.push(Arc::clone(waker));
        }
        if self.stopping.load(Ordering::SeqCst) {
            let _ = waker.wake();
        }
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

/// Accepts connections and deals them out to the workers in turn, until
/// shutdown. A failed accept is logged and retried after a pause that
/// doubles up to a second: running out of file descriptors (EMFILE) must
/// slow the server down, not stop it.
fn accept_loop(
    poll: &mut Poll,
    listener: &TcpListener,
    workers: &[worker::Handle],
    config: &Config,
    shared: &Shared,
) -> io::Result<()> {
    let mut events = Events::with_capacity(8);
    let mut next_worker = 0;
    // After a failed accept: how long the pause is, and when it ends.
    let mut backoff: Option<(Duration, Instant)> = None;
    while !shared.stopping() {
        let timeout = backoff.map(|(_, until)| until.saturating_duration_since(Instant::now()));
        match poll.poll(&mut events, timeout) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            result => result?,
        }
        // New connections during a pause wait in the kernel's backlog.
        if backoff.is_some_and(|(_, until)| Instant::now() < until) {
            continue;
        }
        backoff = loop {
            match listener.accept() {
                Ok((stream, peer)) => {
                    if shared.open.load(Ordering::SeqCst) >= config.max_connections {
                        refuse_overload(stream);
                        continue;
                    }
                    shared.open.fetch_add(1, Ordering::SeqCst);
                    workers[next_worker].hand_over(stream, peer);
                    next_worker = (next_worker + 1) % workers.len();
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break None,
                Err(e) if is_transient(&e) => continue,
                Err(e) => {
                    let pause = backoff.map_or(FIRST_ACCEPT_BACKOFF, |(b, _)| (b * 2).min(MAX_ACCEPT_BACKOFF));
                    eprintln!("pagecount: accept failed: {e}; retrying in {} ms", pause.as_millis());
                    break Some((pause, Instant::now() + pause));
                }
            }
        };
    }
    Ok(())
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
    let (status, text) = HttpError::Overloaded.status_and_text();
    let mut response = Response::default();
    error_response(&mut response, status, text);
    let mut bytes = Vec::new();
    response.write_to(&mut bytes, HttpDate::now().as_str(), Persistence::Close, false);
    let _ = (&stream).write(&bytes);
    let _ = stream.shutdown(Direction::Write);
}
