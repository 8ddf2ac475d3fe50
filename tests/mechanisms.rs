//! Every way of keeping state, over a real socket: the cookie test, URL
//! rewriting, hidden form fields, server-side sessions, signed cookies,
//! the ETag counter, and the "start over" buttons.

mod common;

use common::{Client, TestServer, exchange, get, test_config};
use pagecount::Config;
use pagecount::config::Secret;
use std::time::Duration;

const DELETED: &str = "Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";

fn post(addr: std::net::SocketAddr, path: &str, headers: &str, body: &str) -> common::Response {
    let request = format!("POST {path} HTTP/1.1\r\nHost: a\r\n{headers}Content-Length: {}\r\n\r\n{body}", body.len());
    exchange(addr, request.as_bytes())
}

fn form_post(addr: std::net::SocketAddr, body: &str) -> common::Response {
    post(addr, "/form_count/", "Content-Type: application/x-www-form-urlencoded\r\n", body)
}

/// The `name=value` part of the response's one `Set-Cookie`.
fn cookie_pair(response: &common::Response) -> String {
    let set = response.headers_named("Set-Cookie");
    assert_eq!(set.len(), 1, "{:?}", response.headers);
    set[0].split(';').next().unwrap().to_string()
}

// The browser cookie test.

#[test]
fn the_cookie_test_sets_a_cookie_and_links_to_the_check() {
    let server = TestServer::start();
    let response = get(server.addr, "/test_cookie/", "");
    assert_eq!(response.status, 200);
    assert_eq!(response.headers_named("Set-Cookie"), ["testcookie=worked; Path=/"]);
    assert!(response.text().contains(r#"href="/test_cookie/check/""#));
    assert!(response.text().contains("(no Cookie header)"));
    let again = get(server.addr, "/test_cookie/", "Cookie: testcookie=worked; <b>=1\r\n");
    assert!(again.text().contains("Cookie: testcookie=worked; &#60;b&#62;=1"), "what arrived, escaped");
}

#[test]
fn the_check_sees_the_cookie_come_back_and_deletes_it() {
    let server = TestServer::start();
    let response = get(server.addr, "/test_cookie/check/", "Cookie: other=1; testcookie=worked\r\n");
    assert_eq!(response.status, 200);
    assert!(response.text().contains("Your browser accepts cookies"));
    assert_eq!(response.headers_named("Set-Cookie"), [format!("testcookie=; {DELETED}")]);
}

#[test]
fn the_check_without_any_cookie_says_why_it_may_have_failed() {
    let server = TestServer::start();
    let response = get(server.addr, "/test_cookie/check/", "");
    assert_eq!(response.status, 200);
    let page = response.text();
    assert!(page.contains("did not send the test cookie back"));
    assert!(page.contains("localhost"), "the page says how to tell why");
    assert!(response.header("Set-Cookie").is_none(), "nothing to delete");
}

#[test]
fn the_check_with_other_cookies_says_cookies_work_and_it_was_opened_alone() {
    let server = TestServer::start();
    for cookie in ["Cookie: testcookie=other\r\n", "Cookie: TestCookie=worked\r\n", "Cookie: count=3\r\n"] {
        let response = get(server.addr, "/test_cookie/check/", cookie);
        assert_eq!(response.status, 200, "{cookie:?}");
        let page = response.text();
        assert!(page.contains("Cookies work, but the test cookie is not here"), "{cookie:?}");
        assert!(page.contains("this check was opened on its own"), "{cookie:?}");
        assert!(!page.contains("did not send the test cookie back"), "{cookie:?}");
        assert!(response.header("Set-Cookie").is_none(), "nothing to delete");
    }
}

// URL rewriting.

#[test]
fn the_url_carries_the_count_and_no_cookie_is_set() {
    let server = TestServer::start();
    let cases = [
        ("/url_count/", 1),
        ("/url_count/?count=41", 42),
        ("/url_count/?count=%34%31", 42),
        ("/url_count/?x=1&count=41", 42),
        ("/url_count/?count=abc&count=7", 8),
        ("/url_count/?count=abc", 1),
        ("/url_count/?count=", 1),
        ("/url_count/?count=-1", 1),
        ("/url_count/?count=18446744073709551616", 1),
        ("/url_count/?count=18446744073709551615", u64::MAX),
    ];
    for (target, expected) in cases {
        let response = get(server.addr, target, "Cookie: count=99\r\n");
        assert_eq!(response.shown_count(), Some(expected), "{target}");
        assert!(response.header("Set-Cookie").is_none(), "{target}");
        let link = format!(r#"href="/url_count/?count={expected}">Visit again</a>"#);
        assert!(response.text().contains(&link), "{target}: the visit-again link carries the count");
    }
}

#[test]
fn following_the_link_counts_one_two_three() {
    let server = TestServer::start();
    let mut target = "/url_count/".to_string();
    for expected in 1..=3 {
        let response = get(server.addr, &target, "");
        assert_eq!(response.shown_count(), Some(expected));
        let page = response.text();
        let start = page.find(r#"href="/url_count/?count="#).unwrap() + r#"href=""#.len();
        target = page[start..].split('"').next().unwrap().to_string();
    }
}

#[test]
fn the_url_is_shown_escaped() {
    let server = TestServer::start();
    let page = get(server.addr, "/url_count/?count=1&x='onmouseover='alert(1)", "").text();
    assert!(!page.contains("'onmouseover"));
    assert!(page.contains("<mark>count=1</mark>&#38;x=&#39;onmouseover=&#39;alert(1) HTTP/1.1"), "{page}");
    // `<` and `>` never arrive raw from a browser, and are refused.
    assert_eq!(get(server.addr, "/url_count/?x=<script>", "").status, 400);
}

// Hidden form fields.

#[test]
fn the_form_carries_the_count_in_a_hidden_field() {
    let server = TestServer::start();
    let first = get(server.addr, "/form_count/", "");
    assert_eq!(first.shown_count(), Some(1));
    assert!(first.text().contains(r#"<form method="post" action="/form_count/" class="row">"#));
    assert!(first.text().contains(r#"<input type="hidden" name="count" value="1">"#));
    assert!(first.header("Set-Cookie").is_none());
    let posted = form_post(server.addr, "count=41");
    assert_eq!(posted.shown_count(), Some(42));
    assert!(posted.text().contains(r#"<input type="hidden" name="count" value="42">"#));
    assert!(posted.header("Set-Cookie").is_none());
}

#[test]
fn form_bodies_and_their_counts() {
    let server = TestServer::start();
    let cases =
        [("count=41", 42), ("a=b&count=%34%31", 42), ("count=x", 1), ("count=", 1), ("", 1), ("count=1%2C2", 1)];
    for (body, expected) in cases {
        assert_eq!(form_post(server.addr, body).shown_count(), Some(expected), "{body:?}");
    }
    let with_charset = "Content-Type: Application/X-WWW-Form-Urlencoded; charset=UTF-8\r\n";
    assert_eq!(post(server.addr, "/form_count/", with_charset, "count=5").shown_count(), Some(6));
}

#[test]
fn a_chunked_form_post_is_counted() {
    let server = TestServer::start();
    let mut client = server.client();
    client.send(b"POST /form_count/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n");
    client.send(b"3\r\ncou\r\n5\r\nnt=41\r\n0\r\n\r\n");
    let response = client.response();
    assert_eq!(response.shown_count(), Some(42));
    assert!(response.text().contains("\n\n<mark>count=41</mark></pre>"), "the page shows the decoded body");
    // The connection carries on.
    assert_eq!(client.send(b"GET /form_count/ HTTP/1.1\r\nHost: a\r\n\r\n").response().shown_count(), Some(1));
}

#[test]
fn a_form_post_that_waits_for_continue_is_counted() {
    let server = TestServer::start();
    let mut client = server.client();
    client.send(b"POST /form_count/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\nExpect: 100-continue\r\n\r\n");
    assert_eq!(client.response().status, 100);
    assert_eq!(client.send(b"count=41").response().shown_count(), Some(42));
}

#[test]
fn bad_form_posts_are_refused() {
    let server = TestServer::start();
    let cases = [
        ("Content-Type: text/plain\r\n", "count=41".to_string(), 415),
        ("Content-Type: multipart/form-data; boundary=x\r\n", "count=41".to_string(), 415),
        ("", "count=41".to_string(), 415),
        ("Content-Type: application/x-www-form-urlencoded\r\n", format!("count=1&pad={}", "a".repeat(70_000)), 413),
    ];
    for (headers, body, status) in cases {
        let mut client = server.client();
        let request =
            format!("POST /form_count/ HTTP/1.1\r\nHost: a\r\n{headers}Content-Length: {}\r\n\r\n", body.len());
        client.send(request.as_bytes());
        let response = client.response();
        assert_eq!(response.status, status, "{headers:?}");
        assert!(response.closes());
    }
}

#[test]
fn the_posted_body_is_shown_escaped() {
    let server = TestServer::start();
    let page = form_post(server.addr, "count=1&x=%3Cb%3E<i>").text();
    assert!(page.contains("<mark>count=1</mark>&#38;x=%3Cb%3E&#60;i&#62;"), "{page}");
}

// Server-side sessions.

/// The session id the response sets, and checks its attributes.
fn session_id(response: &common::Response) -> String {
    let set = response.headers_named("Set-Cookie");
    assert_eq!(set.len(), 1);
    let (pair, attributes) = set[0].split_once("; ").unwrap();
    assert!(
        attributes.starts_with("Path=/; Max-Age=") && attributes.ends_with("; HttpOnly; SameSite=Lax"),
        "{attributes}"
    );
    let id = pair.strip_prefix("sessionid=").unwrap();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{id}");
    id.to_string()
}

#[test]
fn a_session_keeps_the_count_on_the_server() {
    let server = TestServer::start();
    let first = get(server.addr, "/session_count/", "");
    assert_eq!(first.shown_count(), Some(1));
    let id = session_id(&first);
    assert!(first.header("Set-Cookie").unwrap().contains("; Max-Age=1209600;"), "two weeks, as Django");
    for expected in 2..=4 {
        let response = get(server.addr, "/session_count/", &format!("Cookie: sessionid={id}\r\n"));
        assert_eq!(response.shown_count(), Some(expected));
        assert_eq!(session_id(&response), id, "the same session");
    }
    assert!(!first.text().contains(&id), "the page never prints the whole id");
}

#[test]
fn each_new_visitor_gets_a_different_id() {
    let server = TestServer::start();
    let ids: std::collections::HashSet<String> =
        (0..20).map(|_| session_id(&get(server.addr, "/session_count/", ""))).collect();
    assert_eq!(ids.len(), 20);
}

#[test]
fn a_session_id_the_server_did_not_issue_is_never_adopted() {
    let server = TestServer::start();
    let forged = "0123456789abcdef0123456789abcdef";
    for cookie in
        [format!("sessionid={forged}"), "sessionid=x".to_string(), format!("sessionid={}", forged.to_uppercase())]
    {
        let response = get(server.addr, "/session_count/", &format!("Cookie: {cookie}\r\n"));
        assert_eq!(response.shown_count(), Some(1), "{cookie}");
        assert_ne!(session_id(&response), forged, "{cookie}");
        assert!(response.text().contains("not adopted"), "{cookie}");
    }
}

#[test]
fn the_client_cannot_change_a_session_count() {
    let server = TestServer::start();
    let id = session_id(&get(server.addr, "/session_count/", ""));
    let response = get(server.addr, "/session_count/", &format!("Cookie: count=1000; sessionid={id}\r\n"));
    assert_eq!(response.shown_count(), Some(2));
}

#[test]
fn a_stray_session_id_beside_a_live_one_does_not_end_the_session() {
    // Browsers send a cookie from a narrower path first (RFC 6265 §5.4), so
    // a stray `sessionid` can come before the live one.
    let server = TestServer::start();
    let id = session_id(&get(server.addr, "/session_count/", ""));
    for cookies in
        [format!("sessionid=stray; sessionid={id}"), format!("sessionid={}\r\nCookie: sessionid={id}", "f".repeat(32))]
    {
        let response = get(server.addr, "/session_count/", &format!("Cookie: {cookies}\r\n"));
        assert_eq!(session_id(&response), id, "{cookies}");
        assert!(!response.text().contains("not one this server knows"), "{cookies}");
    }
    let last = get(server.addr, "/session_count/", &format!("Cookie: sessionid={id}\r\n"));
    assert_eq!(last.shown_count(), Some(4));
}

#[test]
fn sessions_expire_after_the_idle_time() {
    let server = TestServer::with_config(Config { session_ttl: Duration::from_millis(100), ..test_config() });
    let id = session_id(&get(server.addr, "/session_count/", ""));
    std::thread::sleep(Duration::from_millis(300));
    let late = get(server.addr, "/session_count/", &format!("Cookie: sessionid={id}\r\n"));
    assert_eq!(late.shown_count(), Some(1));
    assert_ne!(session_id(&late), id, "a new session, with a new id");
}

#[test]
fn a_full_store_drops_the_session_unused_longest() {
    let server = TestServer::with_config(Config { max_sessions: 2, ..test_config() });
    let oldest = session_id(&get(server.addr, "/session_count/", ""));
    let kept = session_id(&get(server.addr, "/session_count/", ""));
    session_id(&get(server.addr, "/session_count/", ""));
    assert_eq!(get(server.addr, "/session_count/", &format!("Cookie: sessionid={kept}\r\n")).shown_count(), Some(2));
    assert_eq!(get(server.addr, "/session_count/", &format!("Cookie: sessionid={oldest}\r\n")).shown_count(), Some(1));
}

#[test]
fn forget_me_deletes_the_session_and_the_cookie() {
    let server = TestServer::start();
    let id = session_id(&get(server.addr, "/session_count/", ""));
    get(server.addr, "/session_count/", &format!("Cookie: sessionid={id}\r\n"));
    let forgotten = post(server.addr, "/session_count/forget/", &format!("Cookie: sessionid={id}\r\n"), "");
    assert_eq!(forgotten.status, 200);
    assert_eq!(forgotten.headers_named("Set-Cookie"), [format!("sessionid=; {DELETED}")]);
    assert!(forgotten.text().contains("deleted its record"));
    // Replaying the old id does not bring the session back.
    let after = get(server.addr, "/session_count/", &format!("Cookie: sessionid={id}\r\n"));
    assert_eq!(after.shown_count(), Some(1));
    assert_ne!(session_id(&after), id);
}

#[test]
fn sessions_are_shared_by_every_worker() {
    let server = TestServer::with_config(Config { threads: 4, ..test_config() });
    let id = session_id(&get(server.addr, "/session_count/", ""));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (addr, id) = (server.addr, id.clone());
            std::thread::spawn(move || {
                let mut client = Client::connect(addr);
                for _ in 0..25 {
                    let request = format!("GET /session_count/ HTTP/1.1\r\nHost: a\r\nCookie: sessionid={id}\r\n\r\n");
                    assert!(client.send(request.as_bytes()).response().shown_count().unwrap() >= 2);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let last = get(server.addr, "/session_count/", &format!("Cookie: sessionid={id}\r\n"));
    assert_eq!(last.shown_count(), Some(1 + 8 * 25 + 1));
}

// Signed cookies.

fn signed_config(secret: &str) -> Config {
    Config { secret: Some(Secret(secret.as_bytes().to_vec())), ..test_config() }
}

#[test]
fn a_signed_cookie_counts_up() {
    let server = TestServer::start();
    let first = get(server.addr, "/signed_count/", "");
    assert_eq!(first.shown_count(), Some(1));
    let mut pair = cookie_pair(&first);
    let (number, code) = pair.strip_prefix("signed_count=").unwrap().split_once('.').unwrap();
    assert_eq!(number, "1");
    assert!(code.len() == 64 && code.bytes().all(|b| b.is_ascii_hexdigit()), "{code}");
    assert_eq!(first.header("Set-Cookie").unwrap(), format!("{pair}; Path=/"));
    for expected in 2..=3 {
        let response = get(server.addr, "/signed_count/", &format!("Cookie: {pair}\r\n"));
        assert_eq!(response.shown_count(), Some(expected));
        assert!(!response.text().contains("was rejected"));
        pair = cookie_pair(&response);
    }
}

#[test]
fn a_tampered_or_unsigned_cookie_is_rejected() {
    let server = TestServer::start();
    let pair = cookie_pair(&get(server.addr, "/signed_count/", ""));
    let code = pair.split_once('.').unwrap().1;
    for forged in
        [format!("signed_count=1000.{code}"), "signed_count=41".to_string(), format!("signed_count=1.{}", &code[1..])]
    {
        let response = get(server.addr, "/signed_count/", &format!("Cookie: {forged}\r\n"));
        assert_eq!(response.shown_count(), Some(1), "{forged}");
        assert!(response.text().contains("was rejected"), "{forged}");
    }
}

#[test]
fn signed_cookies_survive_a_restart_only_with_a_kept_key() {
    let secret = "a secret of at least sixteen bytes";
    let pair = cookie_pair(&get(TestServer::with_config(signed_config(secret)).addr, "/signed_count/", ""));
    let restarted = TestServer::with_config(signed_config(secret));
    assert_eq!(get(restarted.addr, "/signed_count/", &format!("Cookie: {pair}\r\n")).shown_count(), Some(2));
    let other_key = TestServer::with_config(signed_config("another secret, just as long"));
    assert_eq!(get(other_key.addr, "/signed_count/", &format!("Cookie: {pair}\r\n")).shown_count(), Some(1));
    let random_key = TestServer::start();
    let page = get(random_key.addr, "/signed_count/", &format!("Cookie: {pair}\r\n"));
    assert_eq!(page.shown_count(), Some(1));
    assert!(page.text().contains("made its key up when it started"));
}

/// A server signing with `current` and still accepting `old`.
fn rotated_config(current: &str, old: &[&str]) -> Config {
    let old_secrets = old.iter().map(|key| Secret(key.as_bytes().to_vec())).collect();
    Config { old_secrets, ..signed_config(current) }
}

const YESTERDAYS_KEY: &str = "yesterday's key, now retired";
const TODAYS_KEY: &str = "today's key, of sixteen bytes or more";

#[test]
fn a_cookie_signed_with_an_old_key_is_accepted_and_signed_anew() {
    // Django before 4.1.8 rejected these: rotating the key logged everyone out.
    let before = cookie_pair(&get(TestServer::with_config(signed_config(YESTERDAYS_KEY)).addr, "/signed_count/", ""));
    let rotated = TestServer::with_config(rotated_config(TODAYS_KEY, &[YESTERDAYS_KEY]));
    let response = get(rotated.addr, "/signed_count/", &format!("Cookie: {before}\r\n"));
    assert_eq!(response.shown_count(), Some(2));
    let page = response.text();
    assert!(
        page.contains("signed with an") && page.contains("earlier key") && !page.contains("was rejected"),
        "{page}"
    );
    let after = cookie_pair(&response);
    // The new cookie is today's: a server that knows only today's key takes it.
    let today_only = TestServer::with_config(signed_config(TODAYS_KEY));
    let next = get(today_only.addr, "/signed_count/", &format!("Cookie: {after}\r\n"));
    assert_eq!(next.shown_count(), Some(3));
    assert!(!next.text().contains("earlier key"));
    // Without the fallback, yesterday's cookie is rejected.
    assert_eq!(get(today_only.addr, "/signed_count/", &format!("Cookie: {before}\r\n")).shown_count(), Some(1));
}

#[test]
fn the_current_key_signs_never_an_old_one() {
    // Flask 3.1.0 signed with the last fallback key (CVE-2025-47278).
    let rotated = TestServer::with_config(rotated_config(TODAYS_KEY, &[YESTERDAYS_KEY, "the key before yesterday's"]));
    let from_rotated = cookie_pair(&get(rotated.addr, "/signed_count/", ""));
    let from_today_only =
        cookie_pair(&get(TestServer::with_config(signed_config(TODAYS_KEY)).addr, "/signed_count/", ""));
    assert_eq!(from_rotated, from_today_only, "the same count, signed with the same key");
    let yesterday_only = TestServer::with_config(signed_config(YESTERDAYS_KEY));
    let response = get(yesterday_only.addr, "/signed_count/", &format!("Cookie: {from_rotated}\r\n"));
    assert!(response.text().contains("was rejected"), "an old key did not sign it");
}

// Starting over.

#[test]
fn start_over_deletes_each_cookie_with_the_same_path() {
    let server = TestServer::start();
    for (path, name) in [("/count_view/reset/", "count"), ("/signed_count/reset/", "signed_count")] {
        let response = post(server.addr, path, "", "");
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.headers_named("Set-Cookie"), [format!("{name}=; {DELETED}")], "{path}");
        let response = get(server.addr, path, "");
        assert_eq!((response.status, response.header("Allow")), (405, Some("POST, OPTIONS")), "{path}");
    }
}

#[test]
fn a_start_over_form_posted_by_a_browser_keeps_the_connection() {
    let server = TestServer::start();
    let mut client = server.client();
    client.send(b"POST /count_view/reset/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(client.response().status, 200);
    assert_eq!(client.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n").response().shown_count(), Some(1));
}

#[test]
fn every_page_that_stores_something_offers_to_start_over() {
    let server = TestServer::start();
    for (page, action) in [
        ("/count_view/", r#"action="/count_view/reset/""#),
        ("/session_count/", r#"action="/session_count/forget/""#),
        ("/signed_count/", r#"action="/signed_count/reset/""#),
        ("/url_count/?count=3", r#"href="/url_count/""#),
        ("/form_count/", r#"href="/form_count/""#),
    ] {
        assert!(get(server.addr, page, "").text().contains(action), "{page}");
    }
}

// Inspect.

#[test]
fn inspect_shows_the_request_as_parsed() {
    let server = TestServer::start();
    let request = "GET /inspect/?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test:  spaced <b>  \r\nCookie: a=1; b=\"two\"\r\ncookie: c=3\r\n\r\n";
    let page = exchange(server.addr, request.as_bytes()).text();
    for shown in [
        "<code>GET</code>",
        "<code>/inspect/?q=1</code>",
        "<code>q=1</code>",
        "<code>HTTP/1.1</code>",
        "Header fields (4)",
        "<code>X-Test</code></td><td><code>spaced &#60;b&#62;</code>",
        "Cookies (3)",
        "<code>b</code></td><td><code>two</code>",
        "<code>c</code></td><td><code>3</code>",
    ] {
        assert!(page.contains(shown), "{shown:?} in {page}");
    }
    let page = exchange(server.addr, b"GET /inspect/ HTTP/1.1\r\nHost: example.test:8123\r\n\r\n").text();
    assert!(page.contains("http://example.test:8123/inspect/"), "the example command names the host used");
}

// ETag.

/// The `ETag` of a visit to `/etag_count/` with these extra headers, and
/// the count shown.
fn etag_visit(addr: std::net::SocketAddr, headers: &str) -> (Option<String>, Option<u64>) {
    let response = get(addr, "/etag_count/", headers);
    assert_eq!(response.status, 200, "{headers:?}");
    assert_eq!(response.header("Cache-Control"), Some("private, no-cache"), "{headers:?}");
    assert!(response.header("Set-Cookie").is_none(), "no cookie at all");
    (response.header("ETag").map(str::to_string), response.shown_count())
}

#[test]
fn the_etag_counts_without_a_cookie() {
    let server = TestServer::start();
    let mut headers = String::new();
    for expected in 1..=3 {
        let (etag, count) = etag_visit(server.addr, &headers);
        assert_eq!((etag.as_deref(), count), (Some(format!("\"{expected}\"").as_str()), Some(expected)));
        headers = format!("If-None-Match: {}\r\n", etag.unwrap());
    }
}

#[test]
fn if_none_match_is_read_strictly() {
    let server = TestServer::start();
    let cases = [
        ("If-None-Match: \"41\"\r\n", 42),
        ("If-None-Match: W/\"41\"\r\n", 42),
        ("If-None-Match: \"x\", \"41\", \"7\"\r\n", 42),
        ("If-None-Match: \"a,b\", \"41\"\r\n", 42),
        ("If-None-Match: \"x\"\r\nIf-None-Match: \"41\"\r\n", 42),
        ("If-None-Match: \"18446744073709551615\"\r\n", u64::MAX),
        ("If-None-Match: 41\r\n", 1),
        ("If-None-Match: \"41\r\n", 1),
        ("If-None-Match: \"41\"x\r\n", 1),
        ("If-None-Match: \"41\" \"42\"\r\n", 1),
        ("If-None-Match: w/\"41\"\r\n", 1),
        ("If-None-Match: *\r\n", 1),
        ("If-None-Match: \"-1\"\r\n", 1),
        ("If-None-Match: \"abc\"\r\n", 1),
        ("If-None-Match: \"41\"\r\nIf-None-Match: junk\r\n", 1),
        ("If-None-Match: \"18446744073709551616\"\r\n", 1),
        ("Cookie: count=41\r\n", 1),
    ];
    for (headers, expected) in cases {
        let (etag, count) = etag_visit(server.addr, headers);
        assert_eq!(count, Some(expected), "{headers:?}");
        assert_eq!(etag, Some(format!("\"{expected}\"")), "{headers:?}");
    }
}

#[test]
fn a_tag_that_is_not_a_count_is_named_on_the_page_escaped() {
    let server = TestServer::start();
    let page = get(server.addr, "/etag_count/", "If-None-Match: \"<b>\"\r\n").text();
    assert!(page.contains("If-None-Match: &#34;&#60;b&#62;&#34;</code>, which is not a"), "{page}");
    let page = get(server.addr, "/etag_count/", "If-None-Match: \"2\"\r\n").text();
    assert!(!page.contains("which is not a"), "{page}");
    assert!(page.contains("If-None-Match: <mark>&#34;2&#34;</mark>"), "{page}");
    assert!(page.contains("ETag: <mark>&#34;3&#34;</mark>"), "{page}");
}

// Hostile input.

#[test]
fn nothing_a_client_sends_reaches_a_response_header() {
    let server = TestServer::start();
    let evil = "Cookie: count=1%0d%0aX-Evil:1; sessionid=<x>; signed_count=1.\"x\"; testcookie=worked\r\nX-Evil: 1\r\n";
    let requests = [
        format!("GET /count_view/ HTTP/1.1\r\nHost: a\r\n{evil}\r\n"),
        format!("GET /session_count/ HTTP/1.1\r\nHost: a\r\n{evil}\r\n"),
        format!("GET /signed_count/ HTTP/1.1\r\nHost: a\r\n{evil}\r\n"),
        format!("GET /test_cookie/check/ HTTP/1.1\r\nHost: a\r\n{evil}\r\n"),
        format!("GET /url_count/?count=1%0d%0aX-Evil:%201 HTTP/1.1\r\nHost: a\r\n{evil}\r\n"),
        format!("GET /inspect/ HTTP/1.1\r\nHost: a\r\n{evil}\r\n"),
        format!("GET /etag_count/ HTTP/1.1\r\nHost: a\r\nIf-None-Match: \"1\\r\\nX-Evil: 1\"\r\n{evil}\r\n"),
        format!("GET /cookies/ HTTP/1.1\r\nHost: a\r\n{evil}\r\n"),
        format!(
            "POST /form_count/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 21\r\n{evil}\r\ncount=1%0d%0aX-Evil:1"
        ),
    ];
    let allowed = ["Date", "Content-Length", "Content-Type", "Cache-Control", "Set-Cookie", "Vary", "ETag"];
    for request in requests {
        let response = exchange(server.addr, request.as_bytes());
        assert_eq!(response.status, 200, "{request}");
        for (name, value) in &response.headers {
            assert!(allowed.contains(&name.as_str()), "{name} in answer to {request}");
            assert!(!value.contains("Evil") && !value.contains('<'), "{name}: {value}");
            assert!(!value.contains('"') || (name == "ETag" && value == "\"1\""), "{name}: {value}");
        }
        assert!(!response.text().contains("<x>"), "escaped on the page");
    }
}
