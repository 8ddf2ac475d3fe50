//! The sockets and threads that carry the HTTP conversations.
//!
//! ```text
//!                  +--------------------+
//!   new TCP  --->  |  accept loop       |   main thread: accept, count,
//!   connections    |  (TcpListener)     |   hand over
//!                  +---------+----------+
//!                            | round robin, once per connection
//!              +-------------+-------------+
//!              v                           v
//!   +---------------------+     +---------------------+
//!   | worker 0            |     | worker 1            |   one per core
//!   | poller (epoll)      | ... | poller (epoll)      |   each owns its
//!   | its connections     |     | its connections     |   connections
//!   +---------------------+     +---------------------+
//!                  \                      /
//!                   +--> log journal <---+        one printer thread
//! ```
//!
//! A worker does not wait on any one connection. It asks the operating
//! system which of its sockets have bytes to read or room to write, serves
//! exactly those, and waits again. An idle keep-alive connection or a
//! client sending one byte a minute therefore costs a few hundred bytes of
//! memory, never a thread; and the request after the first on a connection
//! is answered on the thread that read it, with no hand-over.
//!
//! One request's path through the code:
//! 1. `server::accept_loop` accepts the connection and hands it to a worker
//!    (`worker::Handle::hand_over`);
//! 2. `worker::Worker::run` hears from the poller that it is readable and
//!    calls `connection::Connection::serve`, which reads the bytes;
//! 3. `http::conversation::Conversation::advance` finds the head
//!    (`http::request::parse`, with `httparse`), its body
//!    (`http::framing`, `http::chunked`), asks the page
//!    (`app::App`, through the `http::Handler` trait), and lays the
//!    answer out (`http::response::Response::write_to`);
//! 4. `Connection::serve` writes it to the socket and sets the deadline
//!    for what comes next (`connection.rs` has the table of states).

mod connection;
mod slab;
mod worker;

use crate::config::Config;
use crate::http::{HttpDate, HttpError, conversation};
use crate::log::Journal;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use std::io::{self, Write};
use std::net::{Shutdown as Direction, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
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
pub struct Server<H> {
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

impl<H: crate::http::Handler> Server<H> {
    /// Binds `handler`, the pages, to `config.bind`.
    pub fn bind(config: Config, handler: H) -> io::Result<Self> {
        config.validate().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let listener = std::net::TcpListener::bind(config.bind)?;
        // Accepted sockets inherit the listener's send buffer size. A
        // fixed size also stops Linux from growing it toward 4 MB for a
        // client that reads slowly: memory the server would pay for.
        socket2::SockRef::from(&listener).set_send_buffer_size(config.send_buffer)?;
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
        let (journal, printer) = Journal::start()?;
        let mut pool = Pool::start(self.config, self.handler, Arc::clone(&self.shared), Arc::clone(&journal))?;
        let accepted = accept_loop(&mut poll, &listener, &mut pool, &self.shared);
        // Stop accepting before waiting for the workers, then make sure
        // they know (the loop can also end on a poller error).
        drop(listener);
        ShutdownHandle(Arc::clone(&self.shared)).shut_down();
        pool.join();
        journal.close();
        let _ = printer.join();
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

/// The workers, and what it takes to start one. A worker whose thread has
/// ended (only a bug in its loop could do that) is replaced before it is
/// given a connection, so the server never accepts connections that no
/// thread will serve.
struct Pool<H> {
    workers: Vec<worker::Handle>,
    /// The next worker to get a connection.
    next: usize,
    config: Arc<Config>,
    handler: Arc<H>,
    shared: Arc<Shared>,
    journal: Arc<Journal>,
}

impl<H: crate::http::Handler> Pool<H> {
    fn start(config: Arc<Config>, handler: Arc<H>, shared: Arc<Shared>, journal: Arc<Journal>) -> io::Result<Self> {
        let mut pool = Pool { workers: Vec::new(), next: 0, config, handler, shared, journal };
        for id in 0..pool.config.threads {
            let worker = pool.spawn(id)?;
            pool.workers.push(worker);
        }
        Ok(pool)
    }

    fn spawn(&self, id: usize) -> io::Result<worker::Handle> {
        Worker::spawn(id, &self.config, &self.handler, &self.shared, &self.journal)
    }

    /// Connections open right now, across all workers.
    fn open(&self) -> usize {
        self.workers.iter().map(worker::Handle::open).sum()
    }

    /// Gives a connection to the next worker in turn, replacing it first
    /// if its thread has ended.
    fn hand_over(&mut self, stream: TcpStream, peer: SocketAddr) {
        let id = self.next;
        self.next = (self.next + 1) % self.workers.len();
        if self.workers[id].is_finished() && !self.shared.stopping() {
            match self.spawn(id) {
                Ok(fresh) => {
                    let dead = std::mem::replace(&mut self.workers[id], fresh);
                    let how = if dead.join() { "after a panic" } else { "unexpectedly" };
                    eprintln!("pagecount: worker-{id} stopped {how}; a new one takes its place");
                }
                // The connection is dropped here, closed: better than
                // handing it to no one.
                Err(e) => return eprintln!("pagecount: cannot replace worker-{id}: {e}"),
            }
        }
        self.workers[id].hand_over(stream, peer);
    }

    fn join(self) {
        for worker in self.workers {
            if worker.join() {
                eprintln!("pagecount: a worker thread panicked");
            }
        }
    }
}

/// Accepts connections and deals them out to the workers in turn, until
/// shutdown. A failed accept is logged and retried after a pause that
/// doubles up to a second: running out of file descriptors (EMFILE) must
/// slow the server down, not stop it.
fn accept_loop<H: crate::http::Handler>(
    poll: &mut Poll,
    listener: &TcpListener,
    pool: &mut Pool<H>,
    shared: &Shared,
) -> io::Result<()> {
    let mut events = Events::with_capacity(8);
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
                Ok((stream, _)) if pool.open() >= pool.config.max_connections => refuse_overload(stream),
                Ok((stream, peer)) => pool.hand_over(stream, peer),
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
    let bytes = conversation::refusal(HttpError::Overloaded, HttpDate::now().as_str());
    let _ = (&stream).write(&bytes);
    let _ = stream.shutdown(Direction::Write);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Request, Response};
    use std::io::Read;

    struct Hello;

    impl crate::http::Handler for Hello {
        fn respond(&self, _request: &Request, _body: &[u8], response: &mut Response) {
            response.body_mut().extend_from_slice(b"hello");
        }
    }

    #[test]
    fn a_worker_that_dies_is_replaced_before_it_is_given_a_connection() {
        let config = Config { threads: 1, access_log: false, ..Config::default() };
        let (journal, _printer) = Journal::start().unwrap();
        let mut pool = Pool::start(Arc::new(config), Arc::new(Hello), Arc::default(), journal).unwrap();
        pool.workers[0].poison();
        while !pool.workers[0].is_finished() {
            std::thread::yield_now();
        }
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let (stream, peer) = listener.accept().unwrap();
        stream.set_nonblocking(true).unwrap();
        pool.hand_over(TcpStream::from_std(stream), peer);
        client.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        client.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK") && answer.ends_with("hello"), "{answer}");
        ShutdownHandle(Arc::clone(&pool.shared)).shut_down();
        pool.join();
    }
}
