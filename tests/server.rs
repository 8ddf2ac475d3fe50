//! The server around the HTTP: timeouts, the connection cap, panics,
//! shutdown, and what the binary prints.

mod common;

use common::{Binary, Client, PATIENCE, TestServer, get, test_config};
use pagecount::Config;
use pagecount::http::{Handler, Request, Response};
use std::io::ErrorKind;
use std::time::{Duration, Instant};

fn short_timeouts() -> Config {
    Config {
        header_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(300),
        ..test_config()
    }
}

#[test]
fn a_head_that_does_not_arrive_in_time_gets_408() {
    let server = TestServer::with_config(short_timeouts());
    let mut client = server.client();
    let response = client.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\n").response();
    assert_eq!(response.status, 408);
    assert!(response.closes());
    assert!(client.is_closed_by_server());
}

#[test]
fn a_connection_that_sends_nothing_is_closed_without_an_answer() {
    let server = TestServer::with_config(short_timeouts());
    let mut client = server.client();
    assert_eq!(client.read_to_close(), b"");
}

/// A page that reads every body.
struct ReadsBodies;

impl Handler for ReadsBodies {
    fn respond(&self, _request: &Request, body: &[u8], response: &mut Response) {
        response.body_mut().extend_from_slice(body);
    }
}

#[test]
fn a_body_that_does_not_arrive_in_time_gets_408() {
    let server = TestServer::with_handler(short_timeouts(), ReadsBodies);
    let mut client = server.client();
    client.send(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
    let response = client.response();
    assert_eq!(response.status, 408);
    assert!(response.closes());
    assert!(client.is_closed_by_server());
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let server = TestServer::with_config(short_timeouts());
    // A stray empty line after a request is ignored (RFC 9112 §2.2): the
    // connection is still idle, not waiting out a header timeout.
    for request in [&b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"[..], b"GET / HTTP/1.1\r\nHost: a\r\n\r\n\r\n"] {
        let mut client = server.client();
        assert_eq!(client.send(request).response().status, 200);
        assert_eq!(client.read_to_close(), b"", "closed quietly, without a 408");
    }
}

#[test]
fn idle_and_slow_connections_do_not_hold_up_a_fresh_request() {
    let server = TestServer::with_config(Config { threads: 1, ..test_config() });
    let mut held = Vec::new();
    for i in 0..200 {
        let mut client = server.client();
        if i % 2 == 0 {
            client.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n").response();
        } else {
            client.send(b"GET /count_view/ HTTP/1.1\r\nX-Slow: ");
        }
        held.push(client);
    }
    // A server with a thread per connection would never get to this one.
    assert_eq!(get(server.addr, "/count_view/", "").status, 200);
}

#[test]
fn connections_past_the_cap_get_503_and_are_closed() {
    let server = TestServer::with_config(Config { max_connections: 2, ..test_config() });
    let mut first = server.client();
    let mut second = server.client();
    // Both are served, so both were accepted (and counted) before the third.
    assert_eq!(first.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response().status, 200);
    assert_eq!(second.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response().status, 200);
    let mut third = server.client();
    let refused = third.response();
    assert_eq!(refused.status, 503);
    assert!(refused.closes());
    assert!(third.is_closed_by_server());
    drop(first);
    // Once one closes, a new connection is served again.
    let deadline = Instant::now() + PATIENCE;
    loop {
        let mut client = server.client();
        if client.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response().status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "a freed slot is reused");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A page with a bug: it panics on `/panic`.
struct Buggy;

impl Handler for Buggy {
    fn respond(&self, request: &Request, _body: &[u8], response: &mut Response) {
        if request.path == "/panic" {
            panic!("a bug in a page");
        }
        response.body_mut().extend_from_slice(b"fine");
    }
}

#[test]
fn a_panicking_page_costs_one_500_and_one_connection_only() {
    let server = TestServer::with_handler(Config { threads: 1, ..test_config() }, Buggy);
    let mut bystander = server.client();
    assert_eq!(bystander.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response().text(), "fine");
    let mut victim = server.client();
    victim.send(
        b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /panic HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    assert_eq!(victim.response().text(), "fine", "the answer before the panic still goes out");
    let failed = victim.response();
    assert_eq!(failed.status, 500);
    assert!(failed.closes());
    assert!(victim.is_closed_by_server());
    // The same worker serves on.
    assert_eq!(bystander.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response().text(), "fine");
    assert_eq!(server.client().send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response().text(), "fine");
}

#[test]
fn shutdown_finishes_a_request_in_flight_and_closes_idle_connections() {
    // One worker, so the probe below is served after the half-sent head
    // has been read.
    let config = Config { threads: 1, shutdown_grace: Duration::from_secs(5), ..test_config() };
    let server = TestServer::with_config(config);
    let mut idle = server.client();
    assert_eq!(idle.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response().status, 200);
    let mut busy = server.client();
    busy.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\n");
    // Make sure the worker has read the half-sent head before shutdown.
    let mut probe = server.client();
    assert_eq!(probe.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response().status, 200);

    let stopper = std::thread::spawn(move || server.stop());
    assert!(idle.is_closed_by_server(), "an idle connection is closed at once");
    let response = busy.send(b"Cookie: count=1\r\n\r\n").response();
    assert_eq!(response.shown_count(), Some(2), "the request in flight is answered");
    assert!(response.closes(), "and told the connection ends");
    stopper.join().unwrap();
}

#[test]
fn once_shutdown_begins_new_clients_are_refused_rather_than_left_waiting() {
    let config = Config { shutdown_grace: Duration::from_secs(5), ..test_config() };
    let server = TestServer::with_config(config);
    let addr = server.addr;
    // A request in flight keeps the server in its grace time.
    let mut busy = server.client();
    busy.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\n");
    let mut probe = server.client();
    assert_eq!(probe.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response().status, 200);
    let stopper = std::thread::spawn(move || server.stop());
    let deadline = Instant::now() + PATIENCE;
    loop {
        match std::net::TcpStream::connect_timeout(&addr, PATIENCE) {
            // Refused once every copy of the listener is closed; a connection
            // the kernel had queued just before that is reset instead.
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset) => break,
            Err(e) => panic!("connecting failed otherwise: {e}"),
            Ok(_) => assert!(Instant::now() < deadline, "still accepting connections during shutdown"),
        }
    }
    busy.send(b"\r\n").response();
    stopper.join().unwrap();
}

#[test]
fn the_binary_prints_where_it_listens_and_an_access_line_per_request() {
    let binary = Binary::start(&[]);
    let mut client = Client::connect(binary.addr);
    client.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n").response();
    client.send(b"GET /\x1b[2J\"x HTTP/1.1\r\nHost: a\r\n\r\n").response();
    let line = binary.line();
    let local = client.stream.local_addr().unwrap();
    assert!(line.starts_with('['), "{line}");
    let (start, bytes) = line.rsplit_once(' ').unwrap();
    assert!(start.ends_with(&format!("] {local} \"GET /count_view/ HTTP/1.1\" 200")), "{line}");
    let bytes: usize = bytes.parse().unwrap();
    assert!(bytes > 500);
    let refused = binary.line();
    assert!(refused.contains("\"GET /\\x1b[2J\\x22x HTTP/1.1\" 400 "), "escaped: {refused}");
}

#[test]
fn the_log_lists_requests_in_the_order_they_were_answered_whichever_worker_answered() {
    let binary = Binary::start(&["--threads", "2"]);
    for n in 1..=6 {
        // A new connection each time, as six curls in a row would make.
        let response =
            Client::connect(binary.addr).send(format!("GET /?n={n} HTTP/1.1\r\nHost: a\r\n\r\n").as_bytes()).response();
        assert_eq!(response.status, 200);
    }
    let order: Vec<String> = (0..6).map(|_| binary.line()).collect();
    for (i, line) in order.iter().enumerate() {
        assert!(line.contains(&format!("\"GET /?n={} HTTP/1.1\" 200", i + 1)), "line {}: {order:#?}", i + 1);
        assert!(line.starts_with('[') && line.contains(" UTC] "), "the time zone is named: {line}");
    }
}

#[test]
fn trace_prints_both_heads() {
    let binary = Binary::start(&["--trace"]);
    let mut client = Client::connect(binary.addr);
    client.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\nCookie: count=41\r\n\r\n").response();
    let local = client.stream.local_addr().unwrap();
    let mut lines = Vec::new();
    while !lines.iter().any(|l: &String| l.contains("\"GET /count_view/ HTTP/1.1\" 200")) {
        lines.push(binary.line());
    }
    let expected = [
        format!("{local} > GET /count_view/ HTTP/1.1"),
        format!("{local} > Cookie: count=41"),
        format!("{local} < HTTP/1.1 200 OK"),
        format!("{local} < Set-Cookie: count=42; Path=/"),
    ];
    for want in expected {
        assert!(lines.contains(&want), "{want:?} in {lines:#?}");
    }
}

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_stop_the_binary_with_status_zero() {
    for signal in ["TERM", "INT"] {
        let mut binary = Binary::start(&[]);
        let mut idle = Client::connect(binary.addr);
        idle.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response();
        binary.signal(signal);
        let status = binary.wait_for_exit(Duration::from_secs(3));
        assert!(status.success(), "SIG{signal}: {status:?}");
    }
}

#[test]
fn a_port_in_use_is_named_with_a_way_out() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pagecount"))
        .args(["--bind", &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains(&format!("127.0.0.1:{port} is already in use")), "{message}");
    assert!(message.contains("--bind"), "{message}");
}

#[test]
fn help_version_and_bad_options() {
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_pagecount")).args(args).output().unwrap();
    let help = run(&["--help"]);
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for flag in ["--bind", "--threads", "--header-timeout", "--idle-timeout", "--max-connections", "--trace"] {
        assert!(text.contains(flag), "--help mentions {flag}");
    }
    let version = run(&["--version"]);
    assert_eq!(String::from_utf8(version.stdout).unwrap(), format!("pagecount {}\n", env!("CARGO_PKG_VERSION")));
    for bad in
        [&["--nope"][..], &["--threads", "0"], &["--threads", "x"], &["--header-timeout", "-1"], &["--bind", "nowhere"]]
    {
        let output = run(bad);
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
        assert!(!output.stderr.is_empty());
    }
    // Every duration is bounded before the server starts: this one once
    // passed, and made every worker panic on its first connection.
    for (option, value) in [("--header-timeout", "1e19"), ("--idle-timeout", "86401"), ("--session-ttl", "1e12")] {
        let output = run(&[option, value]);
        assert_eq!(output.status.code(), Some(2), "{option} {value}");
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(message.contains("at most"), "{option} {value}: {message}");
    }
}
