//! What every integration test needs: a server on `127.0.0.1:0`, and a
//! client that speaks raw bytes over `TcpStream`, as curl or telnet would.
//! Every client socket has a read timeout, so a server that hangs fails the
//! test instead of hanging it.
#![allow(dead_code)]

use pagecount::http::Handler;
use pagecount::server::ShutdownHandle;
use pagecount::{App, Config, Server};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long a test waits for any one answer before it fails.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A server running on its own threads for the length of a test.
pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: ShutdownHandle,
    thread: Option<JoinHandle<io::Result<()>>>,
}

/// A quiet configuration on a free port.
pub fn test_config() -> Config {
    Config { bind: "127.0.0.1:0".parse().unwrap(), access_log: false, ..Config::default() }
}

impl TestServer {
    /// The pagecount application with the default limits.
    pub fn start() -> Self {
        Self::with_config(test_config())
    }

    pub fn with_config(config: Config) -> Self {
        let app = App::new(&config).expect("the test configuration is valid");
        Self::with_handler(config, app)
    }

    pub fn with_handler<H: Handler>(config: Config, handler: H) -> Self {
        let server = Server::bind(config, handler).expect("bind 127.0.0.1:0");
        let addr = server.local_addr().unwrap();
        let shutdown = server.shutdown_handle();
        let thread = Some(thread::spawn(move || server.run()));
        TestServer { addr, shutdown, thread }
    }

    pub fn client(&self) -> Client {
        Client::connect(self.addr)
    }

    /// Shuts the server down and waits for it, failing if it takes longer
    /// than the test's patience.
    pub fn stop(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.shutdown.shut_down();
        if let Some(thread) = self.thread.take() {
            let (done, finished) = mpsc::channel();
            thread::spawn(move || done.send(thread.join()));
            let joined = finished.recv_timeout(PATIENCE).expect("the server stops within the test's patience");
            joined.expect("the server thread did not panic").expect("the server ran without error");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if !thread::panicking() {
            self.stop_and_join();
        } else {
            self.shutdown.shut_down();
        }
    }
}

/// One response as read off the wire.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// The status line, e.g. `HTTP/1.1 200 OK`.
    pub status_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every header with this name, in order.
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The text of the page's `<h1>`, e.g. `Cookie · Page Count is: 3`.
    pub fn heading(&self) -> Option<String> {
        let text = self.text();
        let start = text.find("<h1>")? + "<h1>".len();
        let end = start + text[start..].find("</h1>")?;
        Some(text[start..end].to_string())
    }

    /// The N of the heading `<h1>Mechanism · Page Count is: N</h1>`.
    pub fn shown_count(&self) -> Option<u64> {
        let heading = self.heading()?;
        let (_, count) = heading.split_once(" · Page Count is: ")?;
        count.parse().ok()
    }

    pub fn closes(&self) -> bool {
        self.header("Connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// A raw TCP client with a read timeout.
pub struct Client {
    pub stream: TcpStream,
    /// Bytes read but not yet returned as a response.
    buf: Vec<u8>,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connect to the test server");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.set_write_timeout(Some(PATIENCE)).unwrap();
        stream.set_nodelay(true).unwrap();
        Client { stream, buf: Vec::new() }
    }

    pub fn send(&mut self, bytes: &[u8]) -> &mut Self {
        self.stream.write_all(bytes).expect("send to the test server");
        self
    }

    /// Sends `bytes` one at a time, each in its own segment.
    pub fn trickle(&mut self, bytes: &[u8]) -> &mut Self {
        for byte in bytes {
            self.stream.write_all(&[*byte]).expect("send to the test server");
        }
        self
    }

    /// Reads the next whole response (its body framed by Content-Length).
    pub fn response(&mut self) -> Response {
        self.read_response(false)
    }

    /// Reads the next response to a `HEAD` request, which has no body
    /// whatever its Content-Length says.
    pub fn head_response(&mut self) -> Response {
        self.read_response(true)
    }

    fn read_response(&mut self, head_only: bool) -> Response {
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            self.fill("a response head");
        };
        let head = String::from_utf8(self.buf[..head_end - 4].to_vec()).expect("the head is UTF-8");
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap().to_string();
        let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status code");
        let headers: Vec<(String, String)> = lines
            .map(|line| {
                let (name, value) = line.split_once(':').expect("a header line has a colon");
                (name.to_string(), value.trim().to_string())
            })
            .collect();
        let length: usize = if head_only || status < 200 {
            0
        } else {
            let value = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length"));
            value.expect("every response carries Content-Length").1.parse().unwrap()
        };
        while self.buf.len() < head_end + length {
            self.fill("a response body");
        }
        let body = self.buf[head_end..head_end + length].to_vec();
        self.buf.drain(..head_end + length);
        Response { status, status_line, headers, body }
    }

    fn fill(&mut self, what: &str) {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("the server closed the connection while {what} was expected; got {:?}", self.text()),
                Ok(n) => return self.buf.extend_from_slice(&chunk[..n]),
                // A signal arrived (tests stop and continue child
                // processes); the read is simply asked again, as
                // `read_exact` would.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => panic!("no {what} within {PATIENCE:?}: {e}; got {:?}", self.text()),
            }
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.buf).into_owned()
    }

    /// Whether the server closes the connection (EOF or reset) before the
    /// test's patience runs out, discarding anything it still sends.
    pub fn is_closed_by_server(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return true,
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut => {
                    return false;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return true,
            }
        }
    }

    /// Reads whatever arrives until the server closes the connection.
    pub fn read_to_close(&mut self) -> Vec<u8> {
        let mut all = std::mem::take(&mut self.buf);
        self.stream.read_to_end(&mut all).expect("the server closes the connection in time");
        all
    }

    /// Closes our sending side, as `printf ... | nc` does after its input.
    pub fn finish_sending(&mut self) -> &mut Self {
        self.stream.shutdown(Shutdown::Write).unwrap();
        self
    }
}

/// One request on a fresh connection; the response.
pub fn exchange(addr: SocketAddr, request: &[u8]) -> Response {
    Client::connect(addr).send(request).response()
}

/// `GET path` with these extra header lines, on a fresh connection.
pub fn get(addr: SocketAddr, path: &str, extra_headers: &str) -> Response {
    exchange(addr, format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra_headers}\r\n").as_bytes())
}

/// The `pagecount` binary, started with `args`, its stdout read line by
/// line on a thread so the test can wait for a line with a timeout.
pub struct Binary {
    pub child: Child,
    pub lines: Receiver<String>,
    pub addr: SocketAddr,
}

impl Binary {
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pagecount"))
            .args(["--bind", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let lines = read_lines(child.stdout.take().unwrap());
        let first = lines.recv_timeout(PATIENCE).expect("the binary prints where it listens");
        let addr = first
            .strip_prefix("Listening on http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .parse()
            .unwrap();
        Binary { child, lines, addr }
    }

    /// The next line printed, within the test's patience.
    pub fn line(&self) -> String {
        self.lines.recv_timeout(PATIENCE).expect("the binary prints a line in time")
    }

    /// Sends a signal with the `kill` command.
    #[cfg(unix)]
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill").args(["-s", name, &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -s {name} failed");
    }

    /// Waits for the process to exit, failing past `limit`.
    pub fn wait_for_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < limit, "the server did not exit within {limit:?}");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_lines(stdout: ChildStdout) -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    thread::spawn(move || {
        use std::io::BufRead;
        for line in io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// Whether this run is CI's, where every service a test needs must be
/// there: a missing one fails the test instead of skipping it.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// A `redis-server` child on a free loopback port, keeping nothing on
/// disk, killed when dropped.
pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    /// Extra options it was started with (to start it again alike).
    options: Vec<String>,
}

impl RedisServer {
    /// Starts one; `None` (after saying so) when `redis-server` is not
    /// installed here. In CI, where `.ci/run` installs it, a missing one
    /// fails the test instead.
    pub fn start() -> Option<Self> {
        Self::start_with(&[])
    }

    /// Starts one with extra options (`--requirepass pw`, say).
    pub fn start_with(options: &[&str]) -> Option<Self> {
        if Command::new("redis-server").arg("--version").output().is_err() {
            assert!(!in_ci(), "redis-server is not installed, and CI must run this test: .ci/run installs it");
            eprintln!("skipped: redis-server not installed (apt-get install redis-server)");
            return None;
        }
        let port = free_port();
        let mut redis = RedisServer { child: None, port, options: options.iter().map(|o| o.to_string()).collect() };
        redis.restart();
        Some(redis)
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// (Re)starts it on its port and waits until it answers.
    pub fn restart(&mut self) {
        self.stop();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(&self.options)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        let start = std::time::Instant::now();
        while !self.answers() {
            assert!(start.elapsed() < PATIENCE, "redis-server did not answer within {PATIENCE:?}");
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills it and waits for it to go.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Freezes it (SIGSTOP): connections are accepted by the kernel and
    /// nothing is answered, as with a hung server.
    pub fn pause(&self) {
        self.signal("STOP");
    }

    /// Lets it run again (SIGCONT).
    pub fn resume(&self) {
        self.signal("CONT");
    }

    fn signal(&self, name: &str) {
        let pid = self.child.as_ref().expect("redis-server is running").id().to_string();
        let status = Command::new("kill").args(["-s", name, &pid]).status().unwrap();
        assert!(status.success(), "kill -s {name} failed");
    }

    /// One command in Redis's protocol, over a plain socket; the first
    /// line of the answer (`:3`, `+PONG`, `-ERR ...`).
    pub fn command(&self, words: &[&str]) -> String {
        let mut request = format!("*{}\r\n", words.len());
        for word in words {
            request.push_str(&format!("${}\r\n{word}\r\n", word.len()));
        }
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to redis-server");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        let mut byte = [0u8; 1];
        while !answer.ends_with(b"\r\n") {
            match stream.read(&mut byte) {
                Ok(1) => answer.push(byte[0]),
                _ => break,
            }
        }
        String::from_utf8_lossy(&answer).trim_end().to_string()
    }

    /// Whether it answers a command (`+PONG`, or `-NOAUTH` when it wants
    /// a password first).
    fn answers(&self) -> bool {
        TcpStream::connect(("127.0.0.1", self.port)).is_ok() && !self.command(&["PING"]).is_empty()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            // A paused server is let go on before it is killed, so that
            // nothing of it outlives the test.
            let _ = Command::new("kill").args(["-s", "CONT", &child.id().to_string()]).status();
        }
        self.stop();
    }
}

/// A loopback port nobody listens on right now (the OS picks it).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().unwrap().port()
}

/// A file path in the temporary directory, unique to this test; the file
/// (and SQLite's `-wal` and `-shm` beside it) is deleted when dropped.
pub struct TempPath(pub std::path::PathBuf);

impl TempPath {
    pub fn new(name: &str) -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        TempPath(std::env::temp_dir().join(format!("pagecount-{name}-{}-{n}-{nanos}", std::process::id())))
    }

    pub fn as_str(&self) -> &str {
        self.0.to_str().expect("the temporary directory's path is UTF-8")
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}
