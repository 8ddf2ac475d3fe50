//! `/test_cookie/`: does the browser keep cookies at all?
//!
//! A server cannot tell from one response whether the browser stored its
//! cookie; it can only set one and see whether the next request brings it
//! back. Django offers this as three calls, kept here under their names: a
//! login form calls `set_test_cookie` when it is shown and
//! `test_cookie_worked` when it is posted, so it can say "your browser
//! refuses cookies" rather than "wrong password".

use super::echo;
use super::exchange::{Exchange, Line, prose};
use super::{App, no_store, ok_line, pages, render, routes, set_cookie_line};
use crate::cookie::{self, SetCookie};
use crate::http::{Request, Response};

const NAME: &str = "testcookie";
const VALUE: &str = "worked";

/// The test page's path, for its place on the index.
const PATH: &str = "/test_cookie/";

/// Asks the browser to store the test cookie; gives back the header sent.
pub fn set_test_cookie(response: &mut Response) -> String {
    response.set_cookie(&SetCookie::new(NAME, VALUE))
}

/// Whether the test cookie came back with this request.
pub fn test_cookie_worked(request: &Request) -> bool {
    cookie::values(request, NAME).any(|value| value == VALUE.as_bytes())
}

/// Asks the browser to forget the test cookie, once it has done its job;
/// gives back the header sent.
pub fn delete_test_cookie(response: &mut Response) -> String {
    response.set_cookie(&SetCookie::deletion(NAME, "/"))
}

/// Whether a pair is the test cookie, as it should come back.
fn is_test_cookie(name: &[u8], value: &[u8]) -> bool {
    name == NAME.as_bytes() && value == VALUE.as_bytes()
}

/// Sets the cookie and links to the check.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let header = set_test_cookie(response);
    no_store(response);
    let sent = echo::cookie_lines(request, |_, _| false);
    let exchange = Exchange {
        request: echo::request_line(request),
        masked: echo::masks_any(request),
        sent,
        sent_note: prose!("Whatever your browser already kept for this site."),
        server: vec![
            Line::prose(prose!("cannot see whether your browser keeps cookies")),
            Line::prose(prose!("so it asks it to keep one")),
        ],
        status: ok_line(),
        answered: vec![set_cookie_line(&header)],
        answer_note: prose!("If your browser keeps it, its next request here carries Cookie: testcookie=worked."),
    };
    render(response, &pages::TestCookie { walk: routes::walk(PATH), exchange, served_by: app.name() });
}

/// Looks for the cookie; deletes it if it came back.
pub fn check(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let worked = test_cookie_worked(request);
    let other_cookies = cookie::pairs(request).any(|(name, value)| !is_test_cookie(name, value));
    let header = worked.then(|| delete_test_cookie(response));
    no_store(response);
    let sent = echo::cookie_lines(request, is_test_cookie);
    let mut answered = Vec::with_capacity(1);
    let (sent_note, server, answer_note) = match &header {
        Some(header) => {
            answered.push(set_cookie_line(header));
            (
                prose!("The test cookie came back: the previous response set it, and your browser kept it."),
                vec![Line::prose(prose!("finds testcookie=worked: cookies work")), Line::prose(prose!("deletes it"))],
                prose!("Your browser drops the test cookie: an empty value that expired in 1970."),
            )
        }
        None => {
            answered.push(Line::prose(prose!("(no Set-Cookie: nothing to delete)")));
            (
                prose!("No test cookie came with this request."),
                vec![Line::prose(prose!("finds no testcookie=worked"))],
                prose!("Nothing changes in your browser."),
            )
        }
    };
    let exchange = Exchange {
        request: echo::request_line(request),
        masked: echo::masks_any(request),
        sent,
        sent_note,
        server,
        status: ok_line(),
        answered,
        answer_note,
    };
    let served_by = app.name();
    render(response, &pages::TestCookieCheck { walk: routes::walk(PATH), worked, other_cookies, exchange, served_by });
}
