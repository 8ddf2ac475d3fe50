//! HTTP/1.1 as RFC 9110 and RFC 9112 require it, checked over a real
//! socket with the bytes a client could send: framing, pipelining, chunked
//! bodies, `Expect`, versions, limits, and every refusal.

mod common;

use common::{TestServer, exchange, test_config};
use pagecount::http::{Handler, HttpError, Method, Request, Response};

/// A page that reads any body and answers with it, for the body tests.
struct Echo;

impl Handler for Echo {
    fn reads_body(&self, request: &Request) -> Result<bool, HttpError> {
        Ok(request.path == "/echo")
    }

    fn respond(&self, request: &Request, body: &[u8], response: &mut Response) {
        response.header("Content-Type", "text/plain");
        let method = request.method.as_str();
        let text = format!("{method} {} {} bytes: {}", request.path, body.len(), String::from_utf8_lossy(body));
        response.body_mut().extend_from_slice(text.as_bytes());
        if request.method == Method::Head {
            response.body_mut().clear();
        }
    }
}

fn echo_server() -> TestServer {
    TestServer::with_handler(test_config(), Echo)
}

/// Sends `request` on a fresh connection and expects `status`, a
/// `Connection: close`, and the connection then closed.
fn refused(server: &TestServer, request: &[u8], status: u16) {
    let mut client = server.client();
    let response = client.send(request).response();
    let shown = String::from_utf8_lossy(request);
    assert_eq!(response.status, status, "{shown:?}: {}", response.text());
    assert!(response.closes(), "{shown:?} is answered with Connection: close");
    assert_eq!(response.header("Content-Type"), Some("text/plain; charset=utf-8"));
    assert!(client.is_closed_by_server(), "{shown:?} closes the connection");
}

#[test]
fn malformed_requests_are_refused_with_the_right_status() {
    let server = TestServer::start();
    let cases: &[(&[u8], u16)] = &[
        (b"GET / HTTP/1.1\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n folded\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        (b"GET / http/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET /\r\n\r\n", 400),
        (b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET nopath HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400),
        (b"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET /a\"b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET http://user:pass@a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        (b"BREW /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n", 501),
        (b"get /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n", 501),
        (b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 501),
        (b"GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\nab", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        (b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ];
    for (request, status) in cases {
        refused(&server, request, *status);
    }
}

#[test]
fn a_refused_head_request_gets_no_body() {
    let server = TestServer::start();
    for (request, status) in [(&b"HEAD / HTTP/1.1\r\n\r\n"[..], 400), (b"HEAD / HTTP/2.0\r\nHost: a\r\n\r\n", 505)] {
        let mut client = server.client();
        let response = client.send(request).head_response();
        assert_eq!(response.status, status);
        assert_eq!(client.read_to_close(), b"", "nothing follows the head");
    }
}

#[test]
fn error_responses_are_fixed_texts_that_never_echo_the_request() {
    let server = TestServer::start();
    let mut client = server.client();
    let response = client.send(b"GET /<script> HTTP/1.1\r\nHost: a\r\nX-Evil: \x01\r\n\r\n").response();
    assert_eq!(response.status, 400);
    assert_eq!(response.text(), "Malformed request, line 3: a control character in the field value.\n");
    assert!(response.header("Date").is_some());
}

#[test]
fn a_malformed_head_is_answered_with_the_line_and_the_rule_it_broke() {
    // What a person typing into telnet gets wrong most.
    let server = TestServer::start();
    for (typed, text) in [
        (&b"GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"[..], "line 2: no ':' after the field name"),
        (b"GET /\r\n\r\n", "request line: no HTTP version after the target"),
        (b"GET / HTTP/1.1\r\nHost: a\r\nCookie : count=1\r\n\r\n", "line 3: whitespace between the field name and ':'"),
        (b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "request line: it must be a method, a target and a version"),
        (b"GET / HTTP1.1\r\nHost: a\r\n\r\n", "request line: the version is not HTTP/<digit>.<digit>"),
    ] {
        let response = exchange(server.addr, typed);
        assert_eq!(response.status, 400, "{typed:?}");
        assert!(response.text().starts_with(&format!("Malformed request, {text}")), "{}", response.text());
    }
}

#[test]
fn every_response_has_date_and_content_length() {
    let server = TestServer::start();
    for request in
        [&b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"[..], b"GET /nope HTTP/1.1\r\nHost: a\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n"]
    {
        let response = exchange(server.addr, request);
        let date = response.header("Date").expect("Date");
        assert!(date.ends_with(" GMT") && date.len() == 29, "{date:?}");
        assert!(response.header("Content-Length").is_some());
    }
}

#[test]
fn a_head_split_into_pieces_is_answered_once_whole() {
    let server = TestServer::start();
    let mut client = server.client();
    client
        .send(b"GE")
        .send(b"T /count_view/ HT")
        .send(b"TP/1.1\r\nHost: a\r")
        .send(b"\nCookie: count=9\r\n")
        .send(b"\r\n");
    assert_eq!(client.response().shown_count(), Some(10));
}

#[test]
fn a_request_trickled_byte_by_byte_is_answered() {
    let server = TestServer::start();
    let mut client = server.client();
    client.trickle(b"GET /count_view/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: count=1\r\n\r\n");
    assert_eq!(client.response().shown_count(), Some(2));
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = TestServer::start();
    let mut client = server.client();
    let mut requests = Vec::new();
    for n in 0..20 {
        requests
            .extend_from_slice(format!("GET /count_view/ HTTP/1.1\r\nHost: a\r\nCookie: count={n}\r\n\r\n").as_bytes());
    }
    client.send(&requests);
    for n in 0..20 {
        assert_eq!(client.response().shown_count(), Some(n + 1));
    }
}

#[test]
fn many_pipelined_requests_sent_before_reading_are_all_answered() {
    // More answers than the server will hold for one connection at once:
    // it must pause, send, and carry on.
    let server = TestServer::start();
    let mut client = server.client();
    let request = b"GET /count_view/ HTTP/1.1\r\nHost: a\r\nCookie: count=5\r\n\r\n";
    let count = 300;
    let mut writer = client.stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        use std::io::Write;
        for _ in 0..count {
            writer.write_all(request).unwrap();
        }
    });
    for _ in 0..count {
        assert_eq!(client.response().shown_count(), Some(6));
    }
    sender.join().unwrap();
}

#[test]
fn http_1_0_closes_unless_asked_to_keep_alive() {
    let server = TestServer::start();
    let mut client = server.client();
    let response = client.send(b"GET /count_view/ HTTP/1.0\r\n\r\n").response();
    assert_eq!(response.status_line, "HTTP/1.1 200 OK");
    assert!(response.closes());
    assert!(client.is_closed_by_server());

    let mut client = server.client();
    let response = client.send(b"GET /count_view/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").response();
    assert_eq!(response.header("Connection"), Some("keep-alive"));
    let again = client.send(b"GET /count_view/ HTTP/1.0\r\n\r\n").response();
    assert_eq!(again.status, 200);
    assert!(client.is_closed_by_server());
}

#[test]
fn http_1_1_keeps_alive_until_told_to_close() {
    let server = TestServer::start();
    let mut client = server.client();
    for _ in 0..3 {
        let response = client.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n").response();
        assert_eq!(response.header("Connection"), None);
    }
    let last = client.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").response();
    assert!(last.closes());
    assert!(client.is_closed_by_server());
}

#[test]
fn newer_1_x_minor_versions_are_served_as_1_1() {
    let server = TestServer::start();
    let mut client = server.client();
    let response = client.send(b"GET /count_view/ HTTP/1.2\r\nHost: a\r\n\r\n").response();
    assert_eq!(response.status_line, "HTTP/1.1 200 OK");
    assert!(!response.closes(), "served as 1.1, so kept alive");
    assert_eq!(client.send(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").response().status, 200);
}

#[test]
fn absolute_form_targets_are_accepted() {
    let server = TestServer::start();
    let response = exchange(server.addr, b"GET http://127.0.0.1:8000/count_view/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert_eq!(response.shown_count(), Some(1));
}

#[test]
fn leading_empty_lines_before_a_request_are_ignored() {
    let server = TestServer::start();
    assert_eq!(exchange(server.addr, b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").status, 200);
}

#[test]
fn bare_lf_line_endings_are_accepted_in_the_head() {
    let server = TestServer::start();
    assert_eq!(
        exchange(server.addr, b"GET /count_view/ HTTP/1.1\nHost: a\nCookie: count=2\n\n").shown_count(),
        Some(3)
    );
}

#[test]
fn content_length_bodies_are_read_and_the_next_request_follows() {
    let server = echo_server();
    let mut client = server.client();
    client.send(
        b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\n\r\ncount=41GET /echo HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    assert_eq!(client.response().text(), "POST /echo 8 bytes: count=41");
    assert_eq!(client.response().text(), "GET /echo 0 bytes: ");
}

#[test]
fn a_body_split_across_reads_is_waited_for() {
    let server = echo_server();
    let mut client = server.client();
    client.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello");
    client.send(b" worl").send(b"dGET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(client.response().text(), "POST /echo 11 bytes: hello world");
    assert_eq!(client.response().text(), "GET /echo 0 bytes: ");
}

#[test]
fn chunked_bodies_are_decoded() {
    let server = echo_server();
    let mut client = server.client();
    client.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
    client.send(b"5;ext=1\r\ncount\r\n3\r\n=41\r\n0\r\nX-Trailer: yes\r\n\r\n");
    client.send(b"GET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(client.response().text(), "POST /echo 8 bytes: count=41");
    assert_eq!(client.response().text(), "GET /echo 0 bytes: ");
}

#[test]
fn a_chunked_body_trickled_byte_by_byte_is_decoded() {
    let server = echo_server();
    let mut client = server.client();
    client
        .trickle(b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n");
    assert_eq!(client.response().text(), "POST /echo 3 bytes: abc");
}

#[test]
fn malformed_chunked_bodies_are_refused() {
    let server = echo_server();
    let head = "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    let cases: &[(&str, u16)] = &[
        ("x\r\n", 400),
        ("\r\n", 400),
        ("5\nhello\r\n0\r\n\r\n", 400),
        ("5\r\nhelloXX0\r\n\r\n", 400),
        ("5;a\rb\r\nhello\r\n0\r\n\r\n", 400),
        ("10000000000000000\r\n", 400),
        ("0\r\nBad Trailer\r\n\r\n", 400),
        ("5 \r\nhello\r\n0\r\n\r\n", 400),
        ("10001\r\n", 413),
    ];
    for (body, status) in cases {
        refused(&server, format!("{head}{body}").as_bytes(), *status);
    }
}

#[test]
fn bodies_over_the_limit_are_refused_before_they_are_read() {
    let server = echo_server();
    refused(&server, b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 65537\r\n\r\n", 413);
    refused(&server, b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999999\r\n\r\n", 413);
    // Chunks that add up past the limit are refused as they arrive.
    let mut client = server.client();
    client.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
    let chunk = format!("{:x}\r\n{}\r\n", 40_000, "a".repeat(40_000));
    client.send(chunk.as_bytes());
    client.send(chunk.as_bytes());
    let response = client.response();
    assert_eq!(response.status, 413);
    assert!(client.is_closed_by_server());
}

#[test]
fn a_body_at_the_limit_is_taken() {
    let server = echo_server();
    let mut client = server.client();
    client.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 65536\r\n\r\n").send(&[b'a'; 65536]);
    assert!(client.response().text().starts_with("POST /echo 65536 bytes: aaa"));
}

#[test]
fn an_unread_body_is_skipped_when_it_is_all_there_and_closes_the_connection_when_not() {
    let server = TestServer::start();
    // The whole body is here: the 405 skips it and the next request follows.
    let mut client = server.client();
    client.send(b"PUT /count_view/ HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(client.response().status, 405);
    assert_eq!(client.response().shown_count(), Some(1));
    // The body is still coming: answer at once, then close, rather than
    // read the rest of the body as the next request.
    let mut client = server.client();
    client.send(b"PUT /count_view/ HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nGET /count_view/ HTTP/1.1\r\n");
    let response = client.response();
    assert_eq!(response.status, 405);
    assert!(response.closes());
    assert!(client.is_closed_by_server());
}

#[test]
fn expect_100_continue_gets_continue_then_the_answer() {
    let server = echo_server();
    let mut client = server.client();
    client.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    let interim = client.response();
    assert_eq!(interim.status_line, "HTTP/1.1 100 Continue");
    client.send(b"hello");
    assert_eq!(client.response().text(), "POST /echo 5 bytes: hello");
}

#[test]
fn expect_100_continue_to_a_refused_request_gets_the_final_status_at_once() {
    let server = echo_server();
    let mut client = server.client();
    client.send(b"POST /elsewhere HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    let response = client.response();
    assert_eq!(response.status, 200, "the echo page answers without reading the body");
    assert!(response.closes());
    let mut client = server.client();
    client.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 999999\r\nExpect: 100-continue\r\n\r\n");
    assert_eq!(client.response().status, 413);
}

#[test]
fn heads_over_the_limits_are_refused() {
    let server = TestServer::start();
    let long_target = format!("GET /{} HTTP/1.1\r\nHost: a\r\n\r\n", "a".repeat(9000));
    refused(&server, long_target.as_bytes(), 414);
    let big_header = format!("GET / HTTP/1.1\r\nHost: a\r\nX-Big: {}\r\n\r\n", "a".repeat(9000));
    refused(&server, big_header.as_bytes(), 431);
    let mut many = String::from("GET / HTTP/1.1\r\nHost: a\r\n");
    for i in 0..64 {
        many.push_str(&format!("X-{i}: 1\r\n"));
    }
    refused(&server, format!("{many}\r\n").as_bytes(), 431);
    // 64 lines in all is still fine.
    let mut enough = String::from("GET / HTTP/1.1\r\nHost: a\r\n");
    for i in 0..63 {
        enough.push_str(&format!("X-{i}: 1\r\n"));
    }
    assert_eq!(exchange(server.addr, format!("{enough}\r\n").as_bytes()).status, 200);
}

#[test]
fn a_header_line_that_never_ends_is_refused_as_soon_as_it_passes_the_limit() {
    let server = TestServer::start();
    let mut client = server.client();
    // A little past the 8 KiB head limit, with no line end and the
    // connection left open: the server must not wait for more (nor for the
    // header timeout) to refuse it.
    client.send(b"GET / HTTP/1.1\r\nHost: a\r\nX-Endless: ").send(&[b'a'; 8 * 1024]);
    let response = client.response();
    assert_eq!(response.status, 431);
    assert!(response.closes());
}

#[test]
fn a_client_that_closes_after_sending_still_gets_its_answers() {
    // As `printf 'GET ...' | nc host port` does.
    let server = TestServer::start();
    let mut client = server.client();
    client.send(
        b"GET /count_view/ HTTP/1.1\r\nHost: a\r\nCookie: count=1\r\n\r\nGET /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n",
    );
    client.finish_sending();
    assert_eq!(client.response().shown_count(), Some(2));
    assert_eq!(client.response().shown_count(), Some(1));
    assert!(client.is_closed_by_server());
}
