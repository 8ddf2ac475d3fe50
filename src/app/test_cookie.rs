//! `/test_cookie/`: does the browser keep cookies at all?
//!
//! A server cannot tell from one response whether the browser stored its
//! cookie; it can only set one and see whether the next request brings it
//! back. Django offers this as three calls, kept here under their names: a
//! login form calls `set_test_cookie` when it is shown and
//! `test_cookie_worked` when it is posted, so it can say "your browser
//! refuses cookies" rather than "wrong password".

use super::{App, cookie_lines, no_store, pages, render};
use crate::cookie::{self, SetCookie};
use crate::http::{Request, Response};

const NAME: &str = "testcookie";
const VALUE: &str = "worked";

/// Asks the browser to store the test cookie.
pub fn set_test_cookie(response: &mut Response) -> SetCookie<'static> {
    let cookie = SetCookie::new(NAME, VALUE);
    response.set_cookie(&cookie);
    cookie
}

/// Whether the test cookie came back with this request.
pub fn test_cookie_worked(request: &Request) -> bool {
    cookie::values(request, NAME).any(|value| value == VALUE.as_bytes())
}

/// Asks the browser to forget the test cookie, once it has done its job.
pub fn delete_test_cookie(response: &mut Response) -> SetCookie<'static> {
    let cookie = SetCookie::deletion(NAME, "/");
    response.set_cookie(&cookie);
    cookie
}

/// Sets the cookie and links to the check.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let set_cookie = set_test_cookie(response);
    no_store(response);
    render(
        response,
        &pages::TestCookie { cookie_lines: cookie_lines(request), set_cookie: &set_cookie, served_by: app.name() },
    );
}

/// Looks for the cookie; deletes it if it came back.
pub fn check(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let worked = test_cookie_worked(request);
    let deleted = worked.then(|| delete_test_cookie(response));
    no_store(response);
    render(
        response,
        &pages::TestCookieCheck {
            cookie_lines: cookie_lines(request),
            deleted: deleted.as_ref(),
            served_by: app.name(),
        },
    );
}
