//! The seed lesson's flow over a real socket: a first visit, the cookie
//! coming back, bad cookies, and the pages around the counter.

mod common;

use common::{TestServer, get};

#[test]
fn a_first_visit_shows_one_and_sets_the_cookie() {
    let server = TestServer::start();
    let response = get(server.addr, "/count_view/", "");
    assert_eq!(response.status, 200);
    assert_eq!(response.shown_count(), Some(1));
    assert_eq!(response.headers_named("Set-Cookie"), ["count=1; Path=/"]);
    assert_eq!(response.header("Content-Type"), Some("text/html; charset=utf-8"));
    let page = response.text();
    assert!(page.starts_with("<!doctype html>"), "{page}");
    assert!(page.contains(r#"<meta charset="utf-8">"#));
    assert!(page.contains(r#"<meta name="viewport""#));
    assert!(page.contains("<title>"));
    assert!(page.contains("no Cookie header"), "the page says no cookie came");
}

#[test]
fn the_cookie_coming_back_is_counted_and_shown() {
    let server = TestServer::start();
    let response = get(server.addr, "/count_view/", "Cookie: count=41\r\n");
    assert_eq!(response.shown_count(), Some(42));
    assert_eq!(response.headers_named("Set-Cookie"), ["count=42; Path=/"]);
    let page = response.text();
    assert!(page.contains("Cookie: <mark>count=41</mark>"), "the picture shows the Cookie header received");
    assert!(page.contains("Set-Cookie: <mark>count=42</mark>; Path=/"), "and the Set-Cookie header sent");
    assert!(page.contains("reads count = 41, adds one"), "and what the server did in between");
}

#[test]
fn three_visits_in_a_row_count_one_two_three() {
    let server = TestServer::start();
    let mut cookie = String::new();
    for expected in 1..=3 {
        let response = get(server.addr, "/count_view/", &cookie);
        assert_eq!(response.shown_count(), Some(expected));
        let set = response.header("Set-Cookie").unwrap();
        cookie = format!("Cookie: {}\r\n", set.split(';').next().unwrap());
    }
}

#[test]
fn bad_cookies_count_as_a_first_visit_and_are_overwritten() {
    let server = TestServer::start();
    for value in ["abc", "", "5,6", "-1", "1.5", "18446744073709551616", "0x10", "١٢", "\"\"", "4 2"] {
        let response = get(server.addr, "/count_view/", &format!("Cookie: count={value}\r\n"));
        assert_eq!(response.status, 200, "count={value:?}");
        assert_eq!(response.shown_count(), Some(1), "count={value:?}");
        assert_eq!(response.headers_named("Set-Cookie"), ["count=1; Path=/"], "count={value:?}");
    }
}

#[test]
fn cookie_parsing_over_the_wire() {
    let server = TestServer::start();
    let cases = [
        ("Cookie: theme=dark; count=41\r\n", 42),
        ("Cookie: count=\"41\"\r\n", 42),
        ("Cookie:   count  =  41  \r\n", 42),
        ("Cookie: theme=dark\r\nCookie: count=41\r\n", 42),
        ("Cookie: count=abc; count=7\r\n", 8),
        ("Cookie: count=7; count=100\r\n", 8),
        ("Cookie: Count=41\r\n", 1),
        ("Cookie: count41\r\n", 1),
        ("Cookie: count=%34%31\r\n", 1),
        ("Cookie: count=18446744073709551615\r\n", u64::MAX),
    ];
    for (header, expected) in cases {
        let response = get(server.addr, "/count_view/", header);
        assert_eq!(response.shown_count(), Some(expected), "{header:?}");
        assert_eq!(response.header("Set-Cookie"), Some(format!("count={expected}; Path=/").as_str()));
    }
}

#[test]
fn what_the_client_sent_is_escaped_on_the_page_and_never_reaches_a_header() {
    let server = TestServer::start();
    let evil = "Cookie: count=<script>alert(1)</script>; x=\"&'\r\n";
    let response = get(server.addr, "/count_view/", evil);
    let page = response.text();
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{page}");
    assert_eq!(response.headers_named("Set-Cookie"), ["count=1; Path=/"]);
    for (name, value) in &response.headers {
        assert!(!value.contains("script") && !name.contains("script"));
    }
}

#[test]
fn the_index_links_to_the_counter() {
    let server = TestServer::start();
    let response = get(server.addr, "/", "");
    assert_eq!(response.status, 200);
    assert!(response.text().contains(r#"href="/count_view/""#));
    assert!(response.header("Set-Cookie").is_none());
}

#[test]
fn unknown_paths_are_an_html_404() {
    let server = TestServer::start();
    for path in ["/nope", "/count_view/x", "/COUNT_VIEW/", "/COUNT_VIEW", "/count_vie"] {
        let response = get(server.addr, path, "");
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(response.header("Content-Type"), Some("text/html; charset=utf-8"));
        assert!(response.text().contains("404 Not Found"));
        assert!(!response.closes(), "a 404 keeps the connection");
    }
}

#[test]
fn a_method_the_page_does_not_take_is_405_with_allow() {
    let server = TestServer::start();
    for method in ["PUT", "DELETE", "PATCH", "TRACE", "POST"] {
        let request = format!("{method} /count_view/ HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
        let response = common::exchange(server.addr, request.as_bytes());
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("Allow"), Some("GET, HEAD, OPTIONS"), "{method}");
    }
}

#[test]
fn head_works_wherever_get_does() {
    let server = TestServer::start();
    for path in ["/", "/count_view/", "/inspect/", "/nope"] {
        let get = get(server.addr, path, "Cookie: count=41\r\n");
        let mut client = server.client();
        client.send(format!("HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: count=41\r\n\r\n").as_bytes());
        let head = client.head_response();
        assert_eq!(head.status, get.status, "{path}");
        assert_eq!(head.header("Content-Length"), get.header("Content-Length"), "{path}");
        assert_eq!(head.header("Set-Cookie"), get.header("Set-Cookie"), "{path}");
        // The connection carries on, and no body bytes are in the way.
        let next = client.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n").response();
        assert_eq!(next.shown_count(), Some(1), "{path}");
    }
}

#[test]
fn options_lists_the_methods() {
    let server = TestServer::start();
    let response = common::exchange(server.addr, b"OPTIONS /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!((response.status, response.header("Allow")), (200, Some("GET, HEAD, OPTIONS")));
    let response = common::exchange(server.addr, b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
    let every_method = "GET, HEAD, POST, PUT, DELETE, PATCH, TRACE, OPTIONS";
    assert_eq!((response.status, response.header("Allow")), (200, Some(every_method)));
}

#[test]
fn counter_pages_are_never_cached() {
    let server = TestServer::start();
    assert_eq!(get(server.addr, "/count_view/", "").header("Cache-Control"), Some("no-store"));
}

#[test]
fn the_stylesheet_may_be_cached() {
    let server = TestServer::start();
    let response = get(server.addr, "/style.css", "");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert_eq!(response.header("Cache-Control"), Some("max-age=86400"));
    assert!(response.text().contains("font-family"));
    assert!(get(server.addr, "/count_view/", "").text().contains(r#"<link rel="stylesheet" href="/style.css">"#));
}
