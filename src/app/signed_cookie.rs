//! `/signed_count/`: the state in a cookie the client can read but not
//! forge (see [`super::signing`]).
//!
//! Like the plain cookie, it needs no server memory, so any number of
//! servers can answer, as long as they share the key. Unlike it, a changed
//! number is caught: it counts as a first visit, and the page says the
//! cookie was rejected. A cookie signed with an earlier key
//! (`--old-secret-file`) is accepted, and the new count goes back signed
//! with the current key.

use super::count::next_count;
use super::echo;
use super::exchange::{Exchange, Line, prose};
use super::signing::Verdict;
use super::{App, no_store, ok_line, pages, render, routes, set_cookie_line, start_over};
use crate::cookie::{self, SetCookie};
use crate::http::{Request, Response};

pub const COOKIE: &str = "signed_count";

/// The page's path, for its place on the index.
const PATH: &str = "/signed_count/";

/// Checks the signed cookie, counts, and sends the new count signed.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let (mut rejected, mut old_key) = (false, false);
    let valid = cookie::values(request, COOKIE).find_map(|value| match app.signer.verify(COOKIE, value) {
        Verdict::Valid(count) => Some((count, value)),
        Verdict::ValidOldKey(count) => {
            old_key = true;
            Some((count, value))
        }
        Verdict::Rejected => {
            rejected = true;
            None
        }
    });
    let previous = valid.map(|(count, _)| count);
    let rejected = rejected && previous.is_none();
    let count = next_count(previous);
    let value = app.signer.sign(COOKIE, count);
    let set_cookie = SetCookie::new(COOKIE, &value);
    let header = response.set_cookie(&set_cookie);
    no_store(response);
    let exchange = picture(request, valid, rejected, old_key, count, &header);
    let page = pages::SignedCount {
        walk: routes::walk(PATH),
        count,
        rejected,
        ephemeral_key: app.signer.is_ephemeral(),
        old_key,
        exchange,
        served_by: app.name(),
    };
    render(response, &page);
}

/// This exchange: the signed cookie that came (marked if its code
/// matched), the check, and the new count signed. The page never shows the
/// code the server computed for a number the client sent: that would sign
/// any number a client asked for.
fn picture<'a>(
    request: &Request<'_, 'a>,
    valid: Option<(u64, &[u8])>,
    rejected: bool,
    old_key: bool,
    count: u64,
    header: &'a str,
) -> Exchange<'a> {
    let is_valid = |value: &[u8]| valid.is_some_and(|(_, valid)| valid == value);
    let sent = echo::cookie_lines(request, |name, value| name == COOKIE.as_bytes() && is_valid(value));
    let (sent_note, check) = match valid {
        Some((n, _)) if old_key => (
            prose!("A number and code signed before the key changed."),
            Line::text(
                prose!(""),
                format!("computes HMAC-SHA256(old key, \"{COOKIE}={n}\"): it matches, so {n} is its own"),
            ),
        ),
        Some((n, _)) => (
            prose!("The number and code the previous response set."),
            Line::text(
                prose!(""),
                format!("computes HMAC-SHA256(key, \"{COOKIE}={n}\"): it matches the code sent, so {n} is its own"),
            ),
        ),
        None if rejected => (
            prose!("A signed_count whose code does not match its number: rejected."),
            Line::prose(prose!("computes the code for the number sent: it does not match, so the cookie is rejected")),
        ),
        None => (
            prose!("No signed_count cookie: a first visit."),
            Line::prose(prose!("finds no signed count: starts at 1")),
        ),
    };
    Exchange {
        request: echo::request_line(request),
        masked: echo::masks_any(request),
        sent,
        sent_note,
        server: vec![
            check,
            Line::with_mark(prose!(""), "signs the new count, ", count.to_string(), ", with its key"),
            Line::prose(prose!("keeps nothing but the key")),
        ],
        status: ok_line(),
        answered: vec![set_cookie_line(header)],
        answer_note: prose!(
            "Your browser keeps the new number and its code, and sends them back; change the number before the \
             dot and the code no longer matches."
        ),
    }
}

/// "Start over": ask the browser to delete the signed cookie.
pub fn reset(app: &App, _request: &Request, _body: &[u8], response: &mut Response) {
    start_over(app, response, "the signed count cookie", &SetCookie::deletion(COOKIE, "/"), PATH);
}
