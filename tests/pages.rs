//! What every page shares, over a real socket, for every page the route
//! table lists (`pagecount::app::listed_pages`, the same list the index
//! shows): its heading and links, the picture of its exchange, its
//! notices, the redirect for its address without the final slash, and the
//! rule that no page prints the session id whole.

mod common;

use common::{Response, TestServer, exchange, get};
use pagecount::app::{COMPARISON_COLUMNS, comparison, listed_pages};

/// The HTML text of the marks in one side of the picture (`sent` or
/// `back`), in order.
fn marks(page: &str, side: &str) -> Vec<String> {
    let start = page.find(&format!(r#"<div class="msg {side}">"#)).unwrap_or_else(|| panic!("no {side} in {page}"));
    let block = &page[start..start + page[start..].find("</div>").unwrap()];
    block.split("<mark>").skip(1).map(|rest| rest.split("</mark>").next().unwrap().to_string()).collect()
}

fn post_form(addr: std::net::SocketAddr, path: &str, headers: &str, body: &str) -> Response {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    exchange(addr, request.as_bytes())
}

#[test]
fn every_listed_page_is_named_in_its_heading_and_walks_to_its_neighbours() {
    let server = TestServer::start();
    let pages: Vec<_> = listed_pages().collect();
    assert!(pages.len() >= 9, "{pages:?}");
    for (i, (path, listing)) in pages.iter().enumerate() {
        let response = get(server.addr, path, "");
        assert_eq!(response.status, 200, "{path}");
        let heading = response.heading().unwrap_or_default();
        assert!(heading.starts_with(&format!("{} · ", listing.title)), "{path}: {heading}");
        let page = response.text();
        assert!(page.contains("<main>") && page.contains("<nav class=\"walk\""), "{path}: landmarks");
        assert!(page.contains(r#"<a href="/">Back to the index</a>"#), "{path}");
        if let Some((prev, listing)) = i.checked_sub(1).map(|i| pages[i]) {
            assert!(page.contains(&format!(r#"<a rel="prev" href="{prev}">← {}</a>"#, listing.title)), "{path}");
        }
        if let Some((next, listing)) = pages.get(i + 1) {
            assert!(page.contains(&format!(r#"<a rel="next" href="{next}">{} →</a>"#, listing.title)), "{path}");
        }
    }
}

#[test]
fn the_index_lists_every_page_and_the_whole_comparison() {
    let server = TestServer::start();
    let page = get(server.addr, "/", "").text();
    for (path, listing) in listed_pages() {
        assert!(page.contains(&format!(r#"<li><a href="{path}">{}</a>: "#, listing.title)), "{path}");
    }
    for column in COMPARISON_COLUMNS {
        assert!(page.contains(&format!("<th>{column}</th>")), "{column}");
    }
    let rows: Vec<_> = comparison().collect();
    assert_eq!(rows.len(), 6, "cookie, URL, form, session, signed, ETag");
    for (path, listing, facts) in rows {
        let row = format!(r#"<tr><th><a href="{path}">{}</a></th>"#, listing.title);
        let start = page.find(&row).unwrap_or_else(|| panic!("no row for {path}"));
        let cells: String =
            facts.cells().iter().map(|cell| format!("<td>{}</td>", cell.replace('\'', "&#39;"))).collect();
        assert!(page[start + row.len()..].starts_with(&cells), "{path}: {cells}");
    }
    assert!(page.contains("/count_view</code>\nanswers <code>301 Moved Permanently</code>"), "the index tells");
}

#[test]
fn head_matches_get_on_every_listed_page() {
    let server = TestServer::start();
    for (path, _) in listed_pages() {
        let get = get(server.addr, path, "");
        let mut client = server.client();
        let head = client.send(format!("HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes()).head_response();
        assert_eq!((head.status, head.header("Content-Length")), (200, get.header("Content-Length")), "{path}");
        assert_eq!(head.header("Content-Type"), get.header("Content-Type"), "{path}");
    }
}

#[test]
fn an_address_without_its_final_slash_redirects_with_the_query() {
    let server = TestServer::start();
    for (path, _) in listed_pages() {
        let bare = path.trim_end_matches('/');
        let response = get(server.addr, bare, "");
        assert_eq!((response.status, response.header("Location")), (301, Some(path)), "{bare}");
        assert!(response.text().contains(&format!(r#"<a href="{path}">{path}</a>"#)), "{bare}");
    }
    let cases = [
        ("GET", "/count_view?a=1&b=%0D%0AX:1", 301, "/count_view/?a=1&b=%0D%0AX:1"),
        ("HEAD", "/url_count?count=41", 301, "/url_count/?count=41"),
        ("GET", "http://a/count_view", 301, "/count_view/"),
        ("POST", "/form_count?x=1", 308, "/form_count/?x=1"),
        ("POST", "/count_view/reset", 308, "/count_view/reset/"),
        ("DELETE", "/inspect", 308, "/inspect/"),
    ];
    for (method, target, status, location) in cases {
        let mut client = server.client();
        client.send(format!("{method} {target} HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").as_bytes());
        let response = if method == "HEAD" { client.head_response() } else { client.response() };
        assert_eq!((response.status, response.header("Location")), (status, Some(location)), "{method} {target}");
        assert!(response.header("Set-Cookie").is_none(), "{method} {target}");
        let next = client.send(b"GET /count_view/ HTTP/1.1\r\nHost: a\r\n\r\n").response();
        assert_eq!(next.shown_count(), Some(1), "the connection goes on after {method} {target}");
    }
    for target in ["/count_views", "/Count_view", "/cookies", "/style.css/", "/favicon.ico/"] {
        let status = get(server.addr, target, "").status;
        assert_eq!(status, if target == "/cookies" { 301 } else { 404 }, "{target}");
    }
}

#[test]
fn the_favicon_is_an_icon() {
    let server = TestServer::start();
    let response = get(server.addr, "/favicon.ico", "");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("Content-Type"), Some("image/x-icon"));
    assert_eq!(response.header("Cache-Control"), Some("max-age=86400"));
    assert!(response.body.starts_with(&[0, 0, 1, 0, 1, 0]), "an ICO header with one image");
    assert_eq!(&response.body[22..26], b"\x89PNG", "holding a PNG");
}

#[test]
fn no_page_prints_the_session_id_whole() {
    let server = TestServer::start();
    let first = get(server.addr, "/session_count/", "");
    let set = first.header("Set-Cookie").unwrap();
    let id = set.strip_prefix("sessionid=").unwrap().split(';').next().unwrap().to_string();
    let cookie = format!("Cookie: count=1; sessionid={id}; signed_count=1.x; testcookie=worked\r\n");
    let mut responses: Vec<(String, Response)> =
        listed_pages().map(|(path, _)| (path.to_string(), get(server.addr, path, &cookie))).collect();
    for path in ["/test_cookie/check/", "/inspect/?format=json", "/url_count/?count=1"] {
        responses.push((path.to_string(), get(server.addr, path, &cookie)));
    }
    responses.push(("POST /form_count/".into(), post_form(server.addr, "/form_count/", &cookie, "count=1")));
    responses.push(("POST /inspect/".into(), post_form(server.addr, "/inspect/", &cookie, "a=1")));
    for (what, response) in responses {
        assert_eq!(response.status, 200, "{what}");
        let text = response.text();
        assert!(!text.contains(&id), "{what} prints the session id whole");
        let shows_cookies =
            !["/url_count/", "/form_count/", "/etag_count/", "/url_count/?count=1", "POST /form_count/"]
                .contains(&what.as_str());
        assert_eq!(text.contains(&format!("{}…", &id[..6])), shows_cookies, "{what} shows the id cut short");
        assert_eq!(text.contains("cut short"), shows_cookies, "{what} says why it is cut short");
    }
}

#[test]
fn every_picture_marks_the_state_that_came_and_the_state_that_goes_back() {
    let server = TestServer::start();
    let signed =
        get(server.addr, "/signed_count/", "").header("Set-Cookie").unwrap().split(';').next().unwrap().to_string();
    let cases: Vec<(&str, String, Vec<String>, Vec<&str>)> = vec![
        ("/count_view/", "Cookie: a=1; count=2\r\n".into(), vec!["count=2".into()], vec!["count=3"]),
        ("/count_view/", String::new(), vec![], vec!["count=1"]),
        ("/url_count/?x=1&count=2", String::new(), vec!["count=2".into()], vec!["count=3"]),
        ("/test_cookie/", String::new(), vec![], vec!["testcookie=worked"]),
        (
            "/test_cookie/check/",
            "Cookie: testcookie=worked\r\n".into(),
            vec!["testcookie=worked".into()],
            vec!["testcookie="],
        ),
        ("/signed_count/", format!("Cookie: {signed}\r\n"), vec![signed.clone()], vec![]),
        ("/etag_count/", "If-None-Match: \"2\"\r\n".into(), vec!["&#34;2&#34;".into()], vec!["&#34;3&#34;"]),
        ("/cookies/", "Cookie: a=1\r\n".into(), vec![], vec![]),
    ];
    for (path, headers, sent, answered) in cases {
        let page = get(server.addr, path, &headers).text();
        assert!(page.contains(r#"<figure class="exchange">"#), "{path}");
        assert_eq!(marks(&page, "sent"), sent, "{path} {headers:?}");
        let back = marks(&page, "back");
        if path == "/signed_count/" {
            assert!(back.len() == 1 && back[0].starts_with("signed_count=2."), "{back:?}");
        } else {
            assert_eq!(back, answered, "{path} {headers:?}");
        }
    }
    let posted = post_form(server.addr, "/form_count/", "", "a=b&count=2").text();
    assert_eq!((marks(&posted, "sent"), marks(&posted, "back")), (vec!["count=2".into()], vec!["3".into()]));
    assert!(posted.contains("Cache-Control: private, no-cache"), "the picture shows why Back works");
}

#[test]
fn the_session_picture_shows_the_store_and_the_id_cut_short() {
    let server = TestServer::start();
    let first = get(server.addr, "/session_count/", "");
    let id = first.header("Set-Cookie").unwrap()[10..42].to_string();
    let page = get(server.addr, "/session_count/", &format!("Cookie: sessionid={id}\r\n")).text();
    let short = &id[..6];
    assert_eq!(marks(&page, "sent"), [format!("sessionid={short}…")]);
    assert_eq!(marks(&page, "back"), [format!("sessionid={short}…")]);
    assert!(page.contains(&format!("keeps in the memory of this process: {short}… → count <mark>2</mark>")), "{page}");
}

#[test]
fn notices_say_what_was_wrong_with_the_state_that_came() {
    let server = TestServer::start();
    let cases = [
        (get(server.addr, "/count_view/", "Cookie: count=abc\r\n"), "<code>count=abc</code>, which is not a count"),
        (get(server.addr, "/count_view/", "Cookie: count=<i>\r\n"), "<code>count=&#60;i&#62;</code>, which is not"),
        (get(server.addr, "/url_count/?count=x1", ""), "<code>count=x1</code>, which is not a count"),
        (post_form(server.addr, "/form_count/", "", "count=5%2C6"), "<code>count=5,6</code>, which is not a count"),
        (post_form(server.addr, "/form_count/", "", "other=1"), "holds no <code>count</code> field"),
    ];
    for (response, notice) in cases {
        let page = response.text();
        assert_eq!(response.shown_count(), Some(1), "{notice}");
        let notice_at = page.find(notice).unwrap_or_else(|| panic!("{notice:?} in {page}"));
        assert!(notice_at < page.find("<figure").unwrap(), "the notice comes before the picture");
        assert!(page[..notice_at].contains(r#"<p class="notice">"#));
    }
    let seed = get(server.addr, "/count_view/", "Cookie: count=abc\r\n").text();
    assert!(seed.contains("though it takes <code>-1</code>, <code> 7</code> and any number of digits"));
    for (path, headers) in [("/count_view/", "Cookie: count=2\r\n"), ("/count_view/", ""), ("/url_count/", "")] {
        assert!(!get(server.addr, path, headers).text().contains("class=\"notice\""), "{path} {headers:?}");
    }
}
