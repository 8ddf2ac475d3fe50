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
use super::signing::Verdict;
use super::{App, cookie_lines, no_store, pages, render, start_over};
use crate::cookie::{self, SetCookie};
use crate::http::{Request, Response};

pub const COOKIE: &str = "signed_count";

/// Checks the signed cookie, counts, and sends the new count signed.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let (mut rejected, mut old_key) = (false, false);
    let previous = cookie::values(request, COOKIE).find_map(|value| match app.signer.verify(COOKIE, value) {
        Verdict::Valid(count) => Some(count),
        Verdict::ValidOldKey(count) => {
            old_key = true;
            Some(count)
        }
        Verdict::Rejected => {
            rejected = true;
            None
        }
    });
    let count = next_count(previous);
    let value = app.signer.sign(COOKIE, count);
    let set_cookie = SetCookie::new(COOKIE, &value);
    response.set_cookie(&set_cookie);
    no_store(response);
    render(
        response,
        &pages::SignedCount {
            count,
            cookie_lines: cookie_lines(request),
            rejected: rejected && previous.is_none(),
            set_cookie: &set_cookie,
            ephemeral_key: app.signer.is_ephemeral(),
            old_key,
            served_by: app.name(),
        },
    );
}

/// "Start over": ask the browser to delete the signed cookie.
pub fn reset(app: &App, _request: &Request, _body: &[u8], response: &mut Response) {
    start_over(app, response, "the signed count cookie", &SetCookie::deletion(COOKIE, "/"), "/signed_count/");
}
