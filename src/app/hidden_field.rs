//! `/form_count/`: the state in a hidden form field.
//!
//! The page carries the count in `<input type="hidden" name="count">`;
//! pressing the button posts the form, and the count comes back in the
//! request body, `count=41`, encoded as `application/x-www-form-urlencoded`.
//! No cookie and no server memory, as with URL rewriting; the state lasts
//! exactly as long as the user keeps posting the form.
//!
//! Unlike the other counters, this page may be kept by the browser
//! (`Cache-Control: private, no-cache` rather than `no-store`): the state is
//! in the page itself, so a kept copy is the right thing to show when the
//! user goes Back, where a posted page that was not kept gets the browser's
//! "Confirm Form Resubmission" error instead.

use super::count::{count_field, next_count, parse_count};
use super::echo;
use super::exchange::{Exchange, Line, prose};
use super::{App, ok_line, pages, render, routes};
use crate::http::grammar::trim_ows;
use crate::http::{HttpError, Method, Request, Response};
use std::borrow::Cow;

/// The only body this page reads (RFC 9110 §8.3: the media type is
/// case-insensitive, and may carry parameters such as `charset`).
const FORM: &[u8] = b"application/x-www-form-urlencoded";

/// The page's path, for its place on the index.
const PATH: &str = "/form_count/";

/// Kept by this browser only (`private`: no shared cache may store it),
/// and checked with the server before a normal visit reuses it
/// (`no-cache`), but kept: Back and Forward show the kept copy without
/// asking (RFC 9111 §5.2.2.4, §5.2.2.7; RFC 9111 §6 on history lists).
const CACHE_CONTROL: &str = "private, no-cache";

/// Refuses a posted body that is not a form, with 415, before it is read.
pub fn check_content_type(request: &Request) -> Result<(), HttpError> {
    let mut types = request.headers_named("content-type").peekable();
    let is_form = |value: &[u8]| {
        let media_type = value.split(|&b| b == b';').next().unwrap_or_default();
        trim_ows(media_type).eq_ignore_ascii_case(FORM)
    };
    if types.peek().is_some() && types.all(is_form) { Ok(()) } else { Err(HttpError::UnsupportedMediaType) }
}

/// Shows the form, with the count that came in the posted body (if any)
/// plus one in its hidden field.
pub fn page(app: &App, request: &Request, body: &[u8], response: &mut Response) {
    let posted = request.method == Method::Post;
    let previous = posted.then(|| count_field(body)).flatten();
    let invalid = match previous {
        None if posted => {
            let first = form_urlencoded::parse(body).find(|(name, _)| name == "count").map(|(_, value)| value);
            Some(first.unwrap_or(Cow::Borrowed("")))
        }
        _ => None,
    };
    let count = next_count(previous);
    response.header("Cache-Control", CACHE_CONTROL);
    let text = String::from_utf8_lossy(body);
    let exchange = picture(request, posted.then_some(&*text), previous, count);
    render(response, &pages::FormCount { walk: routes::walk(PATH), count, invalid, exchange, served_by: app.name() });
}

/// This exchange: the body posted (its count marked), and the form sent
/// back with the next count in its hidden field.
fn picture<'a>(request: &Request<'_, 'a>, body: Option<&'a str>, previous: Option<u64>, count: u64) -> Exchange<'a> {
    let mut sent = Vec::with_capacity(3);
    let sent_note = match (body, previous) {
        (Some(body), previous) => {
            sent.push(Line::text(prose!("Content-Type: "), "application/x-www-form-urlencoded"));
            sent.push(Line::prose(prose!("")));
            sent.push(echo::marking_field(prose!(""), body, "count", |v| parse_count(v.as_bytes()).is_some()));
            match previous {
                Some(_) => prose!("The count the previous page held in its form, in a field it did not show."),
                None => prose!("The posted form holds no valid count: this counts as a first visit."),
            }
        }
        (None, _) => prose!("A GET: no form was posted, so this is a first visit."),
    };
    let read = match previous {
        Some(n) => Line::text(prose!(""), format!("reads count = {n} from the body, adds one")),
        None => Line::prose(prose!("finds no count: starts at 1")),
    };
    Exchange {
        request: echo::request_line(request),
        masked: false,
        sent,
        sent_note,
        server: vec![
            read,
            Line::prose(prose!("writes the new count into the form")),
            Line::prose(prose!("keeps nothing")),
        ],
        status: ok_line(),
        answered: vec![
            Line::text(prose!("Cache-Control: "), CACHE_CONTROL),
            Line::prose(prose!("…")),
            Line::with_mark(prose!(""), "<input type=\"hidden\" name=\"count\" value=\"", count.to_string(), "\">"),
        ],
        answer_note: prose!("Press the button and your browser posts the new count back."),
    }
}
