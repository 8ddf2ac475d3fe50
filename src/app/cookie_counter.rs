//! `/count_view/`: the seed lesson. Read `count` from the `Cookie` header,
//! add one, send it back with `Set-Cookie`.
//!
//! The state lives in the browser. The server keeps nothing, so any number
//! of servers can answer, and a restart loses nothing; but the user can
//! read and change the number at will.

use super::count::{next_count, parse_count};
use super::echo;
use super::exchange::{Exchange, Line};
use super::{App, no_store, ok_line, pages, render, routes, set_cookie_line, start_over};
use crate::cookie::{self, SetCookie};
use crate::http::response::Decimal;
use crate::http::{Request, Response};
use std::borrow::Cow;

/// The cookie that carries the count.
pub const COOKIE: &str = "count";

/// The page's own path, for its place on the index.
const PATH: &str = "/count_view/";

/// The seed lesson's view: read `count`, add one, render it, set it.
pub fn page(_app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let previous = cookie::values(request, COOKIE).find_map(parse_count);
    let invalid = match previous {
        None => cookie::values(request, COOKIE).next().map(String::from_utf8_lossy),
        Some(_) => None,
    };
    let count = next_count(previous);
    let value = Decimal::new(count);
    let set_cookie = SetCookie::new(COOKIE, value.as_str());
    response.set_cookie(&set_cookie);
    no_store(response);
    let header = set_cookie.to_string();
    let exchange = picture(request, previous, invalid.is_some(), count, &header);
    render(response, &pages::CountView { walk: routes::walk(PATH), count, invalid, exchange });
}

/// This exchange: the `count` cookie that came (marked), the one that goes
/// back.
fn picture<'a>(
    request: &Request<'_, 'a>,
    previous: Option<u64>,
    invalid: bool,
    count: u64,
    header: &'a str,
) -> Exchange<'a> {
    let mut sent = vec![echo::request_line(request)];
    sent.extend(echo::cookie_lines(request, |name, value| name == COOKIE.as_bytes() && parse_count(value).is_some()));
    let (sent_note, read): (Cow<str>, Line) = match previous {
        Some(n) => (
            format!("count={n} is what the previous response set (the server cannot tell whether anyone changed it).")
                .into(),
            Line::text("", format!("reads count = {n}, adds one")),
        ),
        None if invalid => (
            "The count cookie holds no valid count: this counts as a first visit.".into(),
            Line::text("", "finds no valid count: starts at 1"),
        ),
        None => (
            "No count cookie: a first visit, or a browser that does not keep cookies.".into(),
            Line::text("", "finds no count: starts at 1"),
        ),
    };
    Exchange {
        sent,
        sent_note,
        server: vec![
            read,
            Line::with_mark("", "the new count: ", count.to_string(), ""),
            Line::text("", "keeps nothing"),
        ],
        answered: vec![ok_line(), set_cookie_line(header)],
        answer_note: format!(
            "Your browser keeps count={count} until it closes (no Max-Age), and sends it back with every request to \
             this site (Path=/)."
        )
        .into(),
    }
}

/// "Start over": ask the browser to delete the cookie.
pub fn reset(_app: &App, _request: &Request, _body: &[u8], response: &mut Response) {
    start_over(response, "the count cookie", &SetCookie::deletion(COOKIE, "/"), PATH);
}
