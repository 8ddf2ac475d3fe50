//! `/count_view/`: the seed lesson. Read `count` from the `Cookie` header,
//! add one, send it back with `Set-Cookie`.
//!
//! The state lives in the browser. The server keeps nothing, so any number
//! of servers can answer, and a restart loses nothing; but the user can
//! read and change the number at will.

use super::count::{next_count, parse_count};
use super::echo;
use super::exchange::{Exchange, Line, prose};
use super::{App, no_store, ok_line, pages, render, routes, set_cookie_line, start_over};
use crate::cookie::{self, SetCookie};
use crate::http::response::Decimal;
use crate::http::{Request, Response};

/// The cookie that carries the count.
pub const COOKIE: &str = "count";

/// The page's own path, for its place on the index.
const PATH: &str = "/count_view/";

/// The seed lesson's view: read `count`, add one, render it, set it.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let previous = cookie::values(request, COOKIE).find_map(parse_count);
    let previous_text = previous.map(Decimal::new);
    let invalid = match previous {
        None => cookie::values(request, COOKIE).next().map(String::from_utf8_lossy),
        Some(_) => None,
    };
    let count = next_count(previous);
    let value = Decimal::new(count);
    // Written out once, for the header and for the picture.
    let header = response.set_cookie(&SetCookie::new(COOKIE, value.as_str()));
    no_store(response);
    let exchange =
        picture(request, previous_text.as_ref().map(Decimal::as_str), invalid.is_some(), value.as_str(), &header);
    render(response, &pages::CountView { walk: routes::walk(PATH), count, invalid, exchange, served_by: app.name() });
}

/// This exchange: the `count` cookie that came (marked), the one that goes
/// back.
fn picture<'a>(
    request: &Request<'_, 'a>,
    previous: Option<&'a str>,
    invalid: bool,
    count: &'a str,
    header: &'a str,
) -> Exchange<'a> {
    let sent = echo::cookie_lines(request, |name, value| name == COOKIE.as_bytes() && parse_count(value).is_some());
    let (sent_note, read) = match previous {
        Some(n) => (
            prose!("The count the previous response set (the server cannot tell whether anyone changed it since)."),
            Line::with_mark(prose!("reads count = "), n, "", ", adds one"),
        ),
        None if invalid => (
            prose!("The count cookie holds no valid count: this counts as a first visit."),
            Line::prose(prose!("finds no valid count: starts at 1")),
        ),
        None => (
            prose!("No count cookie: a first visit, or a browser that does not keep cookies."),
            Line::prose(prose!("finds no count: starts at 1")),
        ),
    };
    Exchange {
        request: echo::request_line(request),
        masked: echo::masks_any(request),
        sent,
        sent_note,
        server: vec![
            read,
            Line::with_mark(prose!(""), "the new count: ", count, ""),
            Line::prose(prose!("keeps nothing")),
        ],
        status: ok_line(),
        answered: vec![set_cookie_line(header)],
        answer_note: prose!(
            "Your browser keeps the new count until it closes (no Max-Age), and sends it back with every \
                      request to this site (Path=/)."
        ),
    }
}

/// "Start over": ask the browser to delete the cookie.
pub fn reset(app: &App, _request: &Request, _body: &[u8], response: &mut Response) {
    start_over(app, response, "the count cookie", &SetCookie::deletion(COOKIE, "/"), PATH);
}
