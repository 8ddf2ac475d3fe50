//! `/inspect/` over a real socket: every method, bodies and forms, the
//! JSON answer (well formed whatever the request held, headers in order
//! and case as sent), and the session id cut short in both.

mod common;
#[path = "common/json.rs"]
mod json;

use common::{TestServer, exchange};
use json::Value;

/// The JSON `/inspect/` answers to this request.
fn inspected(addr: std::net::SocketAddr, request: &[u8]) -> Value {
    let response = exchange(addr, request);
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header("Content-Type"), Some("application/json"));
    assert_eq!(response.header("Vary"), Some("Accept"));
    let text = std::str::from_utf8(&response.body).expect("JSON is UTF-8");
    json::parse(text).unwrap_or_else(|e| panic!("{e} in {text}"))
}

#[test]
fn every_method_is_shown_with_its_body() {
    let server = TestServer::start();
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "TRACE"] {
        let request = format!(
            "{method} /inspect/?format=json HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
        );
        let facts = inspected(server.addr, request.as_bytes());
        assert_eq!(facts.get("method").and_then(Value::as_str), Some(method));
        assert_eq!(facts.get("body").and_then(Value::as_str), Some("hello"), "{method}");
        assert_eq!(facts.get("body_bytes"), Some(&Value::Number(5.0)), "{method}");
        assert_eq!(facts.get("form"), Some(&Value::Null), "{method}: text/plain is not a form");
    }
    let page = exchange(server.addr, b"PATCH /inspect/ HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n<b>hi").text();
    assert!(page.contains("<code>PATCH</code>"), "{page}");
    assert!(page.contains("Body (5 bytes)") && page.contains("<pre>&#60;b&#62;hi</pre>"), "{page}");
    let options = exchange(server.addr, b"OPTIONS /inspect/ HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(options.header("Allow"), Some("GET, HEAD, POST, PUT, DELETE, PATCH, TRACE, OPTIONS"));
}

#[test]
fn a_head_gets_the_pages_headers_and_no_body() {
    let server = TestServer::start();
    let get = exchange(server.addr, b"GET /inspect/ HTTP/1.1\r\nHost: a\r\n\r\n");
    let mut client = server.client();
    let head = client.send(b"HEAD /inspect/ HTTP/1.1\r\nHost: a\r\n\r\n").head_response();
    assert_eq!((head.status, head.header("Content-Length")), (200, get.header("Content-Length")));
    assert_eq!(client.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n").response().shown_count(), Some(1));
}

#[test]
fn a_form_body_is_shown_decoded_and_a_chunked_body_is_read() {
    let server = TestServer::start();
    let body = "a=1&b=%3Cx%3E&a=2&c";
    let request = format!(
        "POST /inspect/ HTTP/1.1\r\nHost: a\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let facts = inspected(server.addr, request.as_bytes());
    let form = facts.get("form").and_then(Value::as_pairs).expect("a form");
    let expected = [("a", "1"), ("b", "<x>"), ("a", "2"), ("c", "")];
    assert_eq!(form, expected.map(|(n, v)| (n.to_string(), v.to_string())));
    let chunked = b"PUT /inspect/?format=json HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    assert_eq!(inspected(server.addr, chunked).get("body").and_then(Value::as_str), Some("abcde"));
    let page = exchange(server.addr, request.replace("Accept: application/json\r\n", "").as_bytes()).text();
    assert!(page.contains("<code>b</code></td><td><code>&#60;x&#62;</code>"), "{page}");
}

#[test]
fn a_body_over_the_limit_is_refused() {
    let server = TestServer::start();
    let request = format!("POST /inspect/ HTTP/1.1\r\nHost: a\r\nContent-Length: {}\r\n\r\n", 70_000);
    let mut client = server.client();
    client.send(request.as_bytes());
    assert_eq!(client.response().status, 413);
}

#[test]
fn headers_keep_their_order_and_case_and_cookies_come_as_pairs() {
    let server = TestServer::start();
    let request = "GET /inspect/?q=1&format=json HTTP/1.1\r\nhost: a\r\nX-B: 2\r\nx-a:  1 \r\nCookie: z=1; a=\"two\"\r\nX-B: 3\r\ncookie: z=0\r\n\r\n";
    let facts = inspected(server.addr, request.as_bytes());
    let headers = facts.get("headers").and_then(Value::as_pairs).unwrap();
    let expected =
        [("host", "a"), ("X-B", "2"), ("x-a", "1"), ("Cookie", "z=1; a=\"two\""), ("X-B", "3"), ("cookie", "z=0")];
    assert_eq!(headers, expected.map(|(n, v)| (n.to_string(), v.to_string())));
    let cookies = facts.get("cookies").and_then(Value::as_pairs).unwrap();
    assert_eq!(cookies, [("z", "1"), ("a", "two"), ("z", "0")].map(|(n, v)| (n.to_string(), v.to_string())));
    for (key, expected) in
        [("target", "/inspect/?q=1&format=json"), ("path", "/inspect/"), ("query", "q=1&format=json")]
    {
        assert_eq!(facts.get(key).and_then(Value::as_str), Some(expected), "{key}");
    }
    assert_eq!(facts.get("version").and_then(Value::as_str), Some("HTTP/1.1"));
    assert_eq!(facts.get("masked").and_then(Value::as_array).map(<[Value]>::len), Some(0));
    assert_eq!(facts.get("why_masked"), None);
}

#[test]
fn json_is_well_formed_whatever_the_request_held() {
    let server = TestServer::start();
    let hostile_values: [&[u8]; 6] = [
        b"\"quoted\" \\ back\\slash",
        b"\xff\xfe not UTF-8 \xc3",
        b"tab\tinside",
        b"</script><script>alert(1)</script>",
        b"\\u0000 \\ud800 unicode-looking",
        "é 😀 \u{2028} line separator".as_bytes(),
    ];
    for value in hostile_values {
        let mut request = b"POST /inspect/?format=json HTTP/1.1\r\nHost: a\r\nX-Hostile: ".to_vec();
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\nCookie: ");
        request.extend_from_slice(value);
        request.extend_from_slice(format!("\r\nContent-Length: {}\r\n\r\n", value.len() + 3).as_bytes());
        request.extend_from_slice(value);
        request.extend_from_slice(b"\0\x01\n");
        let facts = inspected(server.addr, &request);
        let headers = facts.get("headers").and_then(Value::as_pairs).unwrap();
        let shown = String::from_utf8_lossy(value).trim().to_string();
        assert_eq!(headers[1], ("X-Hostile".to_string(), shown.clone()), "{shown}");
        let body = facts.get("body").and_then(Value::as_str).unwrap();
        assert_eq!(body, format!("{}\0\u{1}\n", String::from_utf8_lossy(value)), "{shown}");
    }
}

#[test]
fn json_is_asked_for_by_query_or_accept() {
    let server = TestServer::start();
    for (target, accept, json) in [
        ("/inspect/?format=json", "", true),
        ("/inspect/", "Accept: application/json\r\n", true),
        ("/inspect/", "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n", false),
        ("/inspect/", "Accept: */*\r\n", false),
        ("/inspect/", "Accept: text/html, application/json;q=0.5\r\n", false),
    ] {
        let response = exchange(server.addr, format!("GET {target} HTTP/1.1\r\nHost: a\r\n{accept}\r\n").as_bytes());
        let content_type = if json { "application/json" } else { "text/html; charset=utf-8" };
        assert_eq!(response.header("Content-Type"), Some(content_type), "{target} {accept:?}");
        assert_eq!(response.header("Vary"), Some("Accept"));
        assert_eq!(response.header("Cache-Control"), Some("no-store"));
    }
}

#[test]
fn the_session_id_is_cut_short_in_the_page_and_the_json() {
    let server = TestServer::start();
    let id = "0123456789abcdef0123456789abcdef";
    let cookie = format!("Cookie: a=1; sessionid={id}; b=2\r\n");
    let facts =
        inspected(server.addr, format!("GET /inspect/?format=json HTTP/1.1\r\nHost: a\r\n{cookie}\r\n").as_bytes());
    let text = format!("{facts:?}");
    assert!(!text.contains(id), "{text}");
    let headers = facts.get("headers").and_then(Value::as_pairs).unwrap();
    assert_eq!(headers[1].1, "a=1; sessionid=012345…; b=2");
    let cookies = facts.get("cookies").and_then(Value::as_pairs).unwrap();
    assert_eq!(cookies[1], ("sessionid".to_string(), "012345…".to_string()));
    assert_eq!(facts.get("masked").and_then(Value::as_array), Some(&[Value::String("sessionid".into())][..]));
    assert!(facts.get("why_masked").and_then(Value::as_str).is_some_and(|why| why.contains("HttpOnly")));
    let page = common::get(server.addr, "/inspect/", &cookie).text();
    assert!(!page.contains(id) && page.contains("012345…"), "{page}");
    assert!(page.contains("is cut short"), "the page says why");
}
