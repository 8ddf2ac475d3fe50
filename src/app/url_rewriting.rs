//! `/url_count/`: the state in the URL.
//!
//! The server writes the count into the link it sends (that is the
//! "rewriting": servlet containers did it to every URL of a page when
//! cookies were off, as `;jsessionid=...`), and the browser sends it back
//! when the link is followed: `GET /url_count/?count=41`. No cookie, no
//! server memory; but the state is only in that link, and anyone can read
//! and change it.

use super::count::{count_field, next_count, parse_count};
use super::echo;
use super::exchange::{Exchange, Line, prose};
use super::{App, no_store, ok_line, pages, render, routes};
use crate::http::{Request, Response};

/// The page's path, for its place on the index and its links.
const PATH: &str = "/url_count/";

/// Reads the count from the query and writes the next one into the link.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let query = request.query.unwrap_or_default();
    let previous = count_field(query.as_bytes());
    let invalid = match previous {
        None => form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "count").map(|(_, value)| value),
        Some(_) => None,
    };
    let count = next_count(previous);
    let next_link = format!("{PATH}?count={count}");
    no_store(response);
    let sent_note = match (previous, &invalid) {
        (Some(_), _) => prose!("The count in the link the previous page gave out (or in one typed by hand)."),
        (None, Some(_)) => prose!("The query holds no valid count: this counts as a first visit."),
        (None, None) => prose!("No count in the URL: a first visit."),
    };
    let read = match previous {
        Some(n) => Line::text(prose!(""), format!("reads count = {n} from the query, adds one")),
        None => Line::prose(prose!("finds no count in the query: starts at 1")),
    };
    let exchange = Exchange {
        request: echo::request_line_marking(request, "count", |v| parse_count(v.as_bytes()).is_some()),
        masked: false,
        sent: Vec::new(),
        sent_note,
        server: vec![
            read,
            Line::prose(prose!("writes the new count into the link")),
            Line::prose(prose!("keeps nothing")),
        ],
        status: ok_line(),
        answered: vec![
            Line::prose(prose!("(no Set-Cookie)")),
            Line::prose(prose!("…")),
            Line::with_mark(prose!(""), "<a href=\"/url_count/?", format!("count={count}"), "\">Visit again</a>"),
        ],
        answer_note: prose!(
            "Follow the link and your browser sends the new count back; type the address and it is gone."
        ),
    };
    let served_by = app.name();
    render(response, &pages::UrlCount { walk: routes::walk(PATH), count, invalid, next_link, exchange, served_by });
}
