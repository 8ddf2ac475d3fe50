//! The sockets and threads that carry the HTTP conversations.
//!
//! ```text
//!   new TCP connections           listening socket (one, shared)
//!                         +---------------+---------------+
//!                         v                               v
//!              +---------------------+         +---------------------+
//!              | worker 0            |         | worker 1            |   one per core but one
//!              | poller (epoll)      |   ...   | poller (epoll)      |   each accepts and
//!              | its connections     |         | its connections     |   owns its connections
//!              +---------------------+         +---------------------+
//!                         \                               /
//!                          +--------> log journal <------+          one printer thread
//!
//!   main thread: starts the workers, replaces one that dies, waits for shutdown
//! ```
//!
//! A worker does not wait on any one connection. It asks the operating
//! system which of its sockets have bytes to read or room to write (or
//! whether the listener has a new connection), serves exactly those, and
//! waits again. An idle keep-alive connection or a client sending one byte
//! a minute therefore costs a few hundred bytes of memory, never a thread;
//! and a connection is served, from accept to close, by the one thread
//! that accepted it, with no hand-over.
//!
//! One request's path through the code:
//! 1. `worker::Worker::accept` takes the connection from the listener and
//!    makes it a `connection::Connection`;
//! 2. `worker::Worker::run` hears from the poller that it is readable and
//!    calls `Connection::serve`, which reads the bytes;
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
use crate::log::Journal;
use mio::{Token, Waker};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use worker::Worker;

/// The poller tokens of a worker's own: the listener, and its waker.
const LISTENER: Token = Token(0);
const WAKE: Token = Token(1);
/// How often the main thread checks that every worker is alive.
const SUPERVISE_EVERY: Duration = Duration::from_millis(100);

/// A bound server, ready to run.
pub struct Server<H> {
    listener: std::net::TcpListener,
    config: Arc<Config>,
    handler: Arc<H>,
    shared: Arc<Shared>,
}

/// What the threads share.
#[derive(Debug, Default)]
struct Shared {
    /// Set once shutdown has begun.
    stopping: AtomicBool,
    /// Wakers of every worker, to make them notice shutdown.
    wakers: Mutex<Vec<Arc<Waker>>>,
    /// Wakes the main thread when shutdown begins.
    stopped: Condvar,
    /// The lock `stopped` waits with.
    stop_lock: Mutex<()>,
    /// Connections open right now, across all workers.
    open: AtomicUsize,
}

/// A connection's seat among the server's open connections: taken when it
/// is accepted, given back when it is dropped, however it goes (closed,
/// or lost with a worker that died).
#[derive(Debug)]
struct Seat(Arc<Shared>);

impl Seat {
    /// A seat, unless `max` are taken.
    fn take(shared: &Arc<Shared>, max: usize) -> Option<Seat> {
        let taken = shared.open.fetch_add(1, Ordering::SeqCst);
        let seat = Seat(Arc::clone(shared));
        (taken < max).then_some(seat)
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
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
        // Taking the lock orders this after a supervisor's check of
        // `stopping`, so it cannot miss the notice and sleep on.
        drop(self.0.stop_lock.lock());
        self.0.stopped.notify_all();
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
        let (journal, printer) = Journal::start()?;
        let mut pool = Pool::start(self.listener, self.config, self.handler, Arc::clone(&self.shared), journal)?;
        pool.supervise();
        let journal = pool.join();
        journal.close();
        let _ = printer.join();
        Ok(())
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

/// The workers, and what it takes to start one.
struct Pool<H> {
    workers: Vec<worker::Handle>,
    listener: std::net::TcpListener,
    config: Arc<Config>,
    handler: Arc<H>,
    shared: Arc<Shared>,
    journal: Arc<Journal>,
}

impl<H: crate::http::Handler> Pool<H> {
    fn start(
        listener: std::net::TcpListener,
        config: Arc<Config>,
        handler: Arc<H>,
        shared: Arc<Shared>,
        journal: Arc<Journal>,
    ) -> io::Result<Self> {
        let mut pool = Pool { workers: Vec::new(), listener, config, handler, shared, journal };
        // Only the first worker accepts where several pollers cannot share
        // the listener (see `worker.rs`): more would start and serve no one.
        let threads = if cfg!(unix) { pool.config.threads } else { 1 };
        for id in 0..threads {
            let worker = pool.spawn(id)?;
            pool.workers.push(worker);
        }
        Ok(pool)
    }

    fn spawn(&self, id: usize) -> io::Result<worker::Handle> {
        Worker::spawn(id, &self.listener, &self.config, &self.handler, &self.shared, &self.journal)
    }

    /// Until shutdown: replaces any worker whose thread has ended (only a
    /// bug in its loop could end it), so that the server never stops
    /// serving, even with a single worker.
    fn supervise(&mut self) {
        loop {
            let guard = self.shared.stop_lock.lock().unwrap_or_else(|e| e.into_inner());
            if self.shared.stopping() {
                return;
            }
            drop(self.shared.stopped.wait_timeout(guard, SUPERVISE_EVERY));
            if self.shared.stopping() {
                return;
            }
            for id in 0..self.workers.len() {
                if self.workers[id].is_finished() {
                    self.replace(id);
                }
            }
        }
    }

    fn replace(&mut self, id: usize) {
        match self.spawn(id) {
            Ok(fresh) => {
                let dead = std::mem::replace(&mut self.workers[id], fresh);
                let how = if dead.join() { "after a panic" } else { "unexpectedly" };
                eprintln!("pagecount: worker-{id} stopped {how}; a new one takes its place");
            }
            Err(e) => eprintln!("pagecount: cannot replace worker-{id} yet: {e}"),
        }
    }

    /// Waits for every worker to finish; gives back the journal.
    fn join(self) -> Arc<Journal> {
        drop(self.listener);
        for worker in self.workers {
            if worker.join() {
                eprintln!("pagecount: a worker thread panicked");
            }
        }
        self.journal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Request, Response};
    use std::io::{Read, Write};

    struct Hello;

    impl crate::http::Handler for Hello {
        fn respond(&self, _request: &Request, _body: &[u8], response: &mut Response) {
            response.body_mut().extend_from_slice(b"hello");
        }
    }

    #[test]
    fn a_worker_that_dies_is_replaced_and_the_server_serves_on() {
        let config =
            Config { bind: "127.0.0.1:0".parse().unwrap(), threads: 1, access_log: false, ..Config::default() };
        let server = Server::bind(config, Hello).unwrap();
        let addr = server.local_addr().unwrap();
        let (journal, _printer) = Journal::start().unwrap();
        server.listener.set_nonblocking(true).unwrap();
        let shared = Arc::clone(&server.shared);
        let mut pool =
            Pool::start(server.listener, server.config, server.handler, Arc::clone(&shared), journal).unwrap();
        pool.workers[0].poison();
        let supervisor = std::thread::spawn(move || {
            pool.supervise();
            pool.join();
        });
        // With its only worker dead, the server must still answer.
        let mut client = std::net::TcpStream::connect(addr).unwrap();
        client.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        client.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        client.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK") && answer.ends_with("hello"), "{answer}");
        ShutdownHandle(shared).shut_down();
        supervisor.join().unwrap();
    }
}
