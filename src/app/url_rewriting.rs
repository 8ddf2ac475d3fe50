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
use super::exchange::{Exchange, Line};
use super::{App, no_store, ok_line, pages, render, routes};
use crate::http::{Request, Response};
use std::borrow::Cow;

/// The page's path, for its place on the index and its links.
const PATH: &str = "/url_count/";

/// Reads the count from the query and writes the next one into the link.
pub fn page(_app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let query = request.query.unwrap_or_default();
    let previous = count_field(query.as_bytes());
    let invalid = match previous {
        None => form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "count").map(|(_, value)| value),
        Some(_) => None,
    };
    let count = next_count(previous);
    let next_link = format!("{PATH}?count={count}");
    no_store(response);
    let sent_note: Cow<str> = match (previous, &invalid) {
        (Some(n), _) => {
            format!("count={n} is in the link the previous page gave out (or in one typed by hand).").into()
        }
        (None, Some(_)) => "The query holds no valid count: this counts as a first visit.".into(),
        (None, None) => "No count in the URL: a first visit.".into(),
    };
    let read = match previous {
        Some(n) => Line::text("", format!("reads count = {n} from the query, adds one")),
        None => Line::text("", "finds no count in the query: starts at 1"),
    };
    let exchange = Exchange {
        sent: vec![echo::request_line_marking(request, "count", |v| parse_count(v.as_bytes()).is_some())],
        sent_note,
        server: vec![read, Line::text("", "writes the new count into the link"), Line::text("", "keeps nothing")],
        answered: vec![
            ok_line(),
            Line::text("", "(no Set-Cookie)"),
            Line::text("", "…"),
            Line::with_mark("", "<a href=\"/url_count/?", format!("count={count}"), "\">Visit again</a>"),
        ],
        answer_note: format!(
            "Follow the link and your browser asks for ?count={count}; type the address and the count is gone."
        )
        .into(),
    };
    render(response, &pages::UrlCount { walk: routes::walk(PATH), count, invalid, next_link, exchange });
}
