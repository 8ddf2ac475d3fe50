//! `/etag_count/`: the state in the browser's cache, where no cookie
//! setting reaches it.
//!
//! The page goes out with `ETag: "3"` (a tag naming this version of the
//! page) and `Cache-Control: no-cache` (keep it, but ask before reusing
//! it). The browser keeps the page in its cache, and on the next visit
//! asks whether its copy is still good: `If-None-Match: "3"` (RFC 9110
//! §13.1.2). A server that only serves files would answer `304 Not
//! Modified`; this one reads the tag as a count, adds one, and answers
//! with the new page and `ETag: "4"`. No cookie is involved, so blocking
//! cookies does not stop it: sites have tracked visitors who refuse cookies
//! this way, with a unique tag in place of a count. Clearing the cache, or
//! a private window, does stop it.

use super::count::{next_count, parse_count};
use super::echo;
use super::exchange::{Exchange, Line, prose};
use super::{App, ok_line, pages, render, routes};
use crate::http::grammar::if_none_match;
use crate::http::response::Decimal;
use crate::http::{Request, Response};
use std::borrow::Cow;

/// The page's path, for its place on the index.
const PATH: &str = "/etag_count/";

/// Kept by this browser only (`private`: a shared cache on the way must
/// not keep one visitor's count for another), and revalidated before every
/// reuse (`no-cache`), which is what makes the browser send
/// `If-None-Match` (RFC 9111 §5.2.2.4, §5.2.2.7).
const CACHE_CONTROL: &str = "private, no-cache";

/// What the `If-None-Match` lines of a request say: the first count among
/// their tags, if every line is well formed. `If-None-Match` compares tags
/// weakly (RFC 9110 §13.1.2), so `W/"3"` is 3 too.
fn previous_count(request: &Request) -> Option<u64> {
    let mut lines = request.headers_named("if-none-match");
    let mut found = None;
    for line in lines.by_ref() {
        let tags = if_none_match(line)?;
        found = found.or_else(|| tags.iter().find_map(|tag| parse_count(tag.opaque)));
    }
    found
}

/// Reads the count from the tag the browser's copy carries, and sends the
/// next page with the next tag.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let previous = previous_count(request);
    let sent_tags: Vec<&[u8]> = request.headers_named("if-none-match").collect();
    let invalid = match previous {
        None if !sent_tags.is_empty() => Some(String::from_utf8_lossy(&sent_tags.join(&b", "[..])).into_owned()),
        _ => None,
    };
    let count = next_count(previous);
    let tag = format!("\"{}\"", Decimal::new(count).as_str());
    response.header("ETag", &tag);
    response.header("Cache-Control", CACHE_CONTROL);
    let exchange = picture(request, &sent_tags, previous, &tag);
    let page = pages::EtagCount {
        walk: routes::walk(PATH),
        count,
        invalid: invalid.map(Cow::Owned),
        exchange,
        served_by: app.name(),
    };
    render(response, &page);
}

/// This exchange: the tag that came (marked when it held the count), and
/// the new one.
fn picture<'a>(request: &Request<'_, 'a>, sent_tags: &[&'a [u8]], previous: Option<u64>, tag: &'a str) -> Exchange<'a> {
    let mut sent = Vec::with_capacity(3);
    for value in sent_tags {
        let text = String::from_utf8_lossy(value);
        sent.push(if previous.is_some() {
            Line::marked(prose!("If-None-Match: "), text)
        } else {
            Line::text(prose!("If-None-Match: "), text)
        });
    }
    if sent_tags.is_empty() {
        sent.push(Line::prose(prose!("(no If-None-Match)")));
    }
    let (sent_note, read) = match previous {
        Some(n) => (
            prose!("The tag of the copy in your browser's cache: the ETag of the previous response."),
            Line::text(prose!(""), format!("reads the tag as count {n}, adds one")),
        ),
        None if !sent_tags.is_empty() => (
            prose!("Not a tag this page gives out: this counts as a first visit."),
            Line::prose(prose!("finds no count in the tag: starts at 1")),
        ),
        None => (
            prose!("No copy in your browser's cache: a first visit (or a cleared cache, or a private window)."),
            Line::prose(prose!("finds no tag: starts at 1")),
        ),
    };
    Exchange {
        request: echo::request_line(request),
        masked: false,
        sent,
        sent_note,
        server: vec![
            read,
            Line::prose(prose!("answers with a new page rather than 304 Not Modified")),
            Line::prose(prose!("keeps nothing")),
        ],
        status: ok_line(),
        answered: vec![
            Line::marked(prose!("ETag: "), tag),
            Line::text(prose!("Cache-Control: "), CACHE_CONTROL),
            Line::prose(prose!("(no Set-Cookie)")),
        ],
        answer_note: prose!(
            "Your browser keeps this page in its cache with its ETag, and before using it again sends the tag back \
             in If-None-Match."
        ),
    }
}
