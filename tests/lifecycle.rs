//! A connection's deadlines over its whole life: each one bounds how long
//! the server waits for the client *without progress*, and any progress
//! (a request answered, output taken by the client) starts it again. So a
//! busy client is never cut, and a stalled one always is.
//!
//! These tests pace their requests with short sleeps on purpose: the
//! deadlines are about time passing. The sleeps set the pace; what is
//! checked is what the server answered.

mod common;

use common::{Client, TestServer, test_config};
use pagecount::Config;
use pagecount::http::{Handler, Request, Response};
use std::io::{ErrorKind, Read};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Short enough for a quick test, long enough that a busy machine does not
/// stall a client for that long.
const TIMEOUT: Duration = Duration::from_millis(500);
const PACE: Duration = Duration::from_millis(100);
/// Long enough to outlast the timeout several times over.
const ROUNDS: usize = 20;

fn short_timeouts() -> Config {
    Config {
        header_timeout: TIMEOUT,
        body_timeout: TIMEOUT,
        idle_timeout: TIMEOUT,
        write_timeout: TIMEOUT,
        ..test_config()
    }
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";

#[test]
fn a_keep_alive_connection_used_every_100_ms_outlives_the_idle_timeout() {
    let server = TestServer::with_config(short_timeouts());
    let mut client = server.client();
    let started = Instant::now();
    for round in 0..ROUNDS {
        let response = client.send(GET).response();
        assert_eq!(response.status, 200, "request {round}");
        assert!(!response.closes(), "request {round}");
        sleep(PACE);
    }
    assert!(started.elapsed() > 3 * TIMEOUT, "the test outlasted the timeout three times");
}

#[test]
fn pipelining_that_always_holds_a_partial_head_outlives_the_header_timeout() {
    let server = TestServer::with_config(short_timeouts());
    let mut client = server.client();
    // Each send completes the held head and starts the next one, so the
    // server always holds part of a head, but a new one every 100 ms.
    client.send(b"GET / HTTP/1.1\r\nHo");
    for round in 0..ROUNDS {
        client.send(b"st: a\r\n\r\nGET / HTTP/1.1\r\nHo");
        assert_eq!(client.response().status, 200, "request {round}");
        sleep(PACE);
    }
}

/// A page far larger than the socket buffers between server and client.
struct Huge;

const HUGE: usize = 32 * 1024 * 1024;

impl Handler for Huge {
    fn respond(&self, _request: &Request, _body: &[u8], response: &mut Response) {
        response.body_mut().resize(HUGE, b'x');
    }
}

#[test]
fn a_client_that_reads_steadily_gets_a_response_that_outlasts_the_write_timeout() {
    let server = TestServer::with_handler(short_timeouts(), Huge);
    let mut client = server.client();
    client.send(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    let started = Instant::now();
    // About 13 MB/s: the 32 MB take seconds, many write timeouts.
    let mut chunk = vec![0u8; 64 * 1024];
    let mut received = 0;
    loop {
        match client.stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => received += n,
            Err(e) => panic!("after {received} bytes: {e}"),
        }
        sleep(Duration::from_millis(5));
    }
    assert!(received > HUGE, "the whole response arrived: {received} bytes");
    assert!(started.elapsed() > 3 * TIMEOUT, "and it took longer than the write timeout, three times over");
}

#[test]
fn a_client_that_stops_reading_is_reset_after_the_write_timeout() {
    let server = TestServer::with_handler(short_timeouts(), Huge);
    let mut client = server.client();
    client.send(GET);
    // Read nothing for well past the write timeout...
    sleep(5 * TIMEOUT);
    // ...then take what was sent: the server gave up, and closed abortively
    // so the kernel does not go on sending the rest on its behalf.
    let mut chunk = vec![0u8; 1 << 20];
    let mut received = 0;
    let end = loop {
        match client.stream.read(&mut chunk) {
            Ok(0) => break Ok(()),
            Ok(n) => received += n,
            Err(e) => break Err(e.kind()),
        }
    };
    assert!(received < HUGE, "received all {received} bytes: the stalled write was never cut");
    assert_eq!(end, Err(ErrorKind::ConnectionReset), "after {received} bytes");
}

#[test]
fn a_head_request_that_times_out_gets_a_408_without_a_body() {
    let server = TestServer::with_config(short_timeouts());
    let mut client = server.client();
    client.send(b"HEAD /count_view/ HTTP/1.1\r\nHost: a\r\n");
    let all = String::from_utf8(client.read_to_close()).unwrap();
    assert!(all.starts_with("HTTP/1.1 408 "), "{all}");
    assert!(all.contains("\r\nContent-Length: "), "{all}");
    assert!(all.ends_with("\r\n\r\n"), "no body after the head: {all:?}");
}

#[test]
fn a_head_trickled_byte_by_byte_is_refused_near_the_header_timeout() {
    let server = TestServer::with_config(short_timeouts());
    let mut client = server.client();
    let started = Instant::now();
    client.send(b"GET / HTTP/1.1\r\nX-Slow: ");
    client.stream.set_nonblocking(true).unwrap();
    let mut first = [0u8; 16];
    let answered = loop {
        // One byte every 50 ms would go on for ever; the server must not
        // let it.
        let _ = std::io::Write::write_all(&mut client.stream, b"a");
        sleep(Duration::from_millis(50));
        match client.stream.read(&mut first) {
            Ok(n) => break n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
        assert!(started.elapsed() < 10 * TIMEOUT, "still waiting after {:?}", started.elapsed());
    };
    let waited = started.elapsed();
    assert!(first[..answered].starts_with(b"HTTP/1.1 408"), "{:?}", &first[..answered]);
    assert!(waited >= TIMEOUT, "refused after {waited:?}, before the timeout");
    assert!(waited < 3 * TIMEOUT, "refused after {waited:?}, well past the timeout");
}

#[test]
fn a_new_connection_that_sends_nothing_is_closed_after_the_header_timeout() {
    let server = TestServer::with_config(Config { idle_timeout: Duration::from_secs(60), ..short_timeouts() });
    let started = Instant::now();
    let mut client = Client::connect(server.addr);
    assert_eq!(client.read_to_close(), b"", "closed quietly, without a 408");
    assert!(started.elapsed() < Duration::from_secs(5), "by the header timeout, not the idle one");
}
