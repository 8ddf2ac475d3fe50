//! The cookie lab over a real socket: setting and deleting cookies from a
//! query (as curl would) and from its forms, every attribute, and the
//! refusals: nothing a client sends that breaks a cookie rule reaches a
//! response header, however it is encoded.

mod common;

use common::{Response, TestServer, exchange, get};

const FORM: &str = "Content-Type: application/x-www-form-urlencoded\r\n";

fn post(addr: std::net::SocketAddr, path: &str, body: &str) -> Response {
    let request = format!("POST {path} HTTP/1.1\r\nHost: a\r\n{FORM}Content-Length: {}\r\n\r\n{body}", body.len());
    exchange(addr, request.as_bytes())
}

/// What `/cookies/set?query` sets: status, `Location`, `Set-Cookie`.
fn set(addr: std::net::SocketAddr, query: &str) -> (u16, Option<String>, Vec<String>) {
    let response = get(addr, &format!("/cookies/set?{query}"), "");
    let set_cookies = response.headers_named("Set-Cookie").iter().map(|s| s.to_string()).collect();
    (response.status, response.header("Location").map(str::to_string), set_cookies)
}

#[test]
fn a_cookie_is_set_from_the_query_with_every_attribute() {
    let server = TestServer::start();
    let cases = [
        ("theme=dark", "theme=dark; Path=/"),
        ("theme=%22dark%22", "theme=\"dark\"; Path=/"),
        ("theme=", "theme=; Path=/"),
        ("theme", "theme=; Path=/"),
        ("theme=dark&Path=/cookies/", "theme=dark; Path=/cookies/"),
        ("theme=dark&max-age=60&HTTPONLY&samesite=strict", "theme=dark; Path=/; Max-Age=60; HttpOnly; SameSite=Strict"),
        ("a=1&Max-Age=0", "a=1; Path=/; Max-Age=0"),
        ("a=1&Expires=Wed,%2021%20Oct%202026%2007:28:00%20GMT", "a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT"),
        ("a=1&Domain=localhost&Secure&SameSite=None", "a=1; Path=/; Domain=localhost; Secure; SameSite=None"),
        ("__Host-a=1&Secure", "__Host-a=1; Path=/; Secure"),
        ("__Secure-a=1&Secure&Domain=example.test", "__Secure-a=1; Path=/; Domain=example.test; Secure"),
        ("a=b%3Dc%2Fd", "a=b=c/d; Path=/"),
    ];
    for (query, header) in cases {
        assert_eq!(set(server.addr, query), (302, Some("/cookies/".to_string()), vec![header.to_string()]), "{query}");
    }
}

#[test]
fn the_forms_set_and_delete_and_answer_303() {
    let server = TestServer::start();
    let body = "name=theme&value=dark&path=&max_age=60&expires=&domain=&httponly=on&samesite=Lax";
    let response = post(server.addr, "/cookies/set", body);
    assert_eq!((response.status, response.header("Location")), (303, Some("/cookies/")));
    assert_eq!(response.headers_named("Set-Cookie"), ["theme=dark; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"]);
    assert_eq!(response.header("Cache-Control"), Some("no-store"));
    let response = post(server.addr, "/cookies/delete", "name=theme&path=%2Fx");
    assert_eq!((response.status, response.header("Location")), (303, Some("/cookies/")));
    let deleted = "theme=; Path=/x; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    assert_eq!(response.headers_named("Set-Cookie"), [deleted]);
}

#[test]
fn a_cookie_is_deleted_on_its_own_path_and_domain() {
    let server = TestServer::start();
    let gone = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    for (query, header) in [
        ("theme", format!("theme=; Path=/; {gone}")),
        ("theme=whatever", format!("theme=; Path=/; {gone}")),
        ("theme&Path=/cookies/", format!("theme=; Path=/cookies/; {gone}")),
        ("theme&Domain=localhost&Secure", format!("theme=; Path=/; Domain=localhost; {gone}; Secure")),
    ] {
        let response = get(server.addr, &format!("/cookies/delete?{query}"), "");
        assert_eq!((response.status, response.header("Location")), (302, Some("/cookies/")), "{query}");
        assert_eq!(response.headers_named("Set-Cookie"), [header], "{query}");
    }
    for query in ["theme&Max-Age=5", "theme&HttpOnly", "theme&SameSite=Lax", "", "a;b"] {
        let response = get(server.addr, &format!("/cookies/delete?{query}"), "");
        assert_eq!(response.status, 400, "{query}");
        assert!(response.header("Set-Cookie").is_none(), "{query}");
    }
}

/// The refusal a query earns: 400, no `Set-Cookie`, a page naming the
/// rule, and the connection kept.
fn refused(server: &TestServer, path: &str, rule: &str) {
    let mut client = server.client();
    let response = client.send(format!("GET {path} HTTP/1.1\r\nHost: a\r\n\r\n").as_bytes()).response();
    assert_eq!(response.status, 400, "{path}: {}", response.text());
    assert!(response.header("Set-Cookie").is_none(), "{path}");
    let page = response.text();
    assert!(page.contains(rule), "{path} should name {rule:?}: {page}");
    assert!(page.contains("This cookie cannot be set"), "{path}");
    let next = client.send(b"GET /cookies/ HTTP/1.1\r\nHost: a\r\n\r\n").response();
    assert_eq!(next.status, 200, "the connection goes on after {path}");
}

#[test]
fn every_injection_attempt_is_refused_and_named() {
    let server = TestServer::start();
    let token = "must be a token";
    let octets = "may hold only visible ASCII";
    let cases = [
        ("a%0D%0ASet-Cookie:%20evil=1=1", token),
        ("a%0Ab=1", token),
        ("a%3Bb=1", token),
        ("a%2Cb=1", token),
        ("a%00=1", token),
        ("caf%C3%A9=1", token),
        ("a%20b=1", token),
        ("%22a%22=1", token),
        ("a=1%0D%0ASet-Cookie:%20evil=1", octets),
        ("a=1%0A", octets),
        ("a=1%3B%20Domain=evil.test", octets),
        ("a=1,b=2", octets),
        ("a=1%2Cb", octets),
        ("a=%00", octets),
        ("a=caf%C3%A9", octets),
        ("a=%FF", octets),
        ("a=1+2", octets),
        ("a=%5C", octets),
        ("a=1&Path=/x%0D%0AX-Evil:%201", "Path may hold only"),
        ("a=1&Path=/x%3B%20Secure", "Path may hold only"),
        ("a=1&Path=/a,b", "Path may hold only"),
        ("a=1&Path=x", "Path must start with /"),
        ("a=1&Domain=evil.test%0D%0AX:%201", "Domain must be a host name"),
        ("a=1&Domain=a%3Bb", "Domain must be a host name"),
        ("a=1&Max-Age=1%0D%0A", "Max-Age must be a whole number"),
        ("a=1&Max-Age=-1", "Max-Age must be a whole number"),
        ("a=1&Max-Age=01", "Max-Age must be a whole number"),
        ("a=1&Expires=tomorrow", "Expires must be a date"),
        ("a=1&Expires=Wed,%2021%20Oct%202026%2007:28:00%20GMT%0D%0AX:%201", "Expires must be a date"),
        ("a=1&SameSite=Lax%0D%0AX:%201", "SameSite must be Strict, Lax or None"),
        ("a=1&SameSite=None", "SameSite=None must be Secure"),
        ("__Secure-a=1", "__Secure- must be Secure"),
        ("__Host-a=1&Secure&Path=/x", "__Host- must be Secure, have Path=/"),
        ("__Host-a=1&Secure&Domain=localhost", "__Host- must be Secure, have Path=/"),
        ("a=1&Secure=1", "take no value"),
        ("a=1&HttpOnly=yes", "take no value"),
        ("a=1&Path=/&Path=/x", "Each attribute may be given once"),
        ("a=1&Secure&secure", "Each attribute may be given once"),
        ("a=1&Priority=High", "only the attributes"),
        ("a=1&b=2", "only the attributes"),
        ("", "Name the cookie first"),
    ];
    for (query, rule) in cases {
        refused(&server, &format!("/cookies/set?{query}"), rule);
    }
    let form = post(server.addr, "/cookies/set", "name=a%0D%0AX:%201&value=1");
    assert_eq!((form.status, form.header("Set-Cookie")), (400, None));
    assert!(form.text().contains("&#34;a\\r\\nX: 1&#34;"), "the page shows what was sent, escaped: {}", form.text());
    let form = post(server.addr, "/cookies/set", "value=1");
    assert_eq!((form.status, form.header("Set-Cookie")), (400, None));
    assert!(form.text().contains("Name the cookie first"));
}

#[test]
fn a_cookie_over_4096_bytes_is_refused() {
    let server = TestServer::start();
    // name + "=" + value + "; Path=/" is the whole cookie.
    let fits = "v".repeat(4096 - "a=; Path=/".len());
    let body = format!("name=a&value={fits}");
    assert_eq!(post(server.addr, "/cookies/set", &body).status, 303);
    let body = format!("name=a&value={fits}v");
    let response = post(server.addr, "/cookies/set", &body);
    assert_eq!((response.status, response.header("Set-Cookie")), (400, None));
    assert!(response.text().contains("at most 4096 bytes"));
    let body = format!("name=a&value=1&path=/{}", "p".repeat(1024));
    assert!(post(server.addr, "/cookies/set", &body).text().contains("at most 1024 bytes"));
}

#[test]
fn the_lab_lists_every_cookie_in_order_with_duplicates_and_masks_the_session_id() {
    let server = TestServer::start();
    let id = "0123456789abcdef0123456789abcdef";
    let response =
        get(server.addr, "/cookies/", &format!("Cookie: b=2; a=1; sessionid={id}\r\nCookie: a=0; <x>=\"y\"\r\n"));
    assert_eq!(response.status, 200);
    assert!(response.header("Set-Cookie").is_none(), "the lab page itself sets nothing");
    let page = response.text();
    assert!(!page.contains(id), "{page}");
    let order: Vec<usize> = ["<code>b</code>", "<code>a</code>", "<code>sessionid</code>", "<code>&#60;x&#62;</code>"]
        .iter()
        .map(|name| page.find(name).unwrap_or_else(|| panic!("{name} in {page}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "in the order sent: {order:?}");
    assert_eq!(page.matches("(sent more than once)").count(), 2, "both a cookies are marked");
    assert!(page.contains("<code>012345…</code>"));
    assert_eq!(page.matches(r#"<button>Delete</button>"#).count(), 5, "a delete button per token name, and the form");
}

#[test]
fn the_lab_and_its_answers_link_back_and_are_escaped() {
    let server = TestServer::start();
    let response = get(server.addr, "/cookies/set?theme=%3Cb%3E", "");
    assert_eq!(response.status, 302);
    assert!(response.text().contains("Set-Cookie: theme=&#60;b&#62;; Path=/"), "{}", response.text());
    let page = exchange(server.addr, b"GET /cookies/ HTTP/1.1\r\nHost: example.test:9\r\n\r\n").text();
    assert!(page.contains("curl -v 'http://example.test:9/cookies/set?theme=dark"), "{page}");
    assert!(page.contains(r#"<a href="/">Back to the index</a>"#));
}
