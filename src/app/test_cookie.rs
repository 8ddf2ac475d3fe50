//! `/test_cookie/`: does the browser keep cookies at all?
//!
//! A server cannot tell from one response whether the browser stored its
//! cookie; it can only set one and see whether the next request brings it
//! back. Django offers this as three calls, kept here under their names: a
//! login form calls `set_test_cookie` when it is shown and
//! `test_cookie_worked` when it is posted, so it can say "your browser
//! refuses cookies" rather than "wrong password".

use super::echo;
use super::exchange::{Exchange, Line};
use super::{App, no_store, ok_line, pages, render, routes, set_cookie_line};
use crate::cookie::{self, SetCookie};
use crate::http::{Request, Response};

const NAME: &str = "testcookie";
const VALUE: &str = "worked";

/// The test page's path, for its place on the index.
const PATH: &str = "/test_cookie/";

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

/// Whether a pair is the test cookie, as it should come back.
fn is_test_cookie(name: &[u8], value: &[u8]) -> bool {
    name == NAME.as_bytes() && value == VALUE.as_bytes()
}

/// Sets the cookie and links to the check.
pub fn page(_app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let header = set_test_cookie(response).to_string();
    no_store(response);
    let mut sent = vec![echo::request_line(request)];
    sent.extend(echo::cookie_lines(request, |_, _| false));
    let exchange = Exchange {
        sent,
        sent_note: "Whatever your browser already kept for this site.".into(),
        server: vec![
            Line::text("", "cannot see whether your browser keeps cookies"),
            Line::text("", "so it asks it to keep one"),
        ],
        answered: vec![ok_line(), set_cookie_line(&header)],
        answer_note: "If your browser keeps it, its next request here carries Cookie: testcookie=worked.".into(),
    };
    render(response, &pages::TestCookie { walk: routes::walk(PATH), exchange });
}

/// Looks for the cookie; deletes it if it came back.
pub fn check(_app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let worked = test_cookie_worked(request);
    let other_cookies = cookie::pairs(request).any(|(name, value)| !is_test_cookie(name, value));
    let header = worked.then(|| delete_test_cookie(response).to_string());
    no_store(response);
    let mut sent = vec![echo::request_line(request)];
    sent.extend(echo::cookie_lines(request, is_test_cookie));
    let mut answered = vec![ok_line()];
    let (sent_note, server, answer_note) = match &header {
        Some(header) => {
            answered.push(set_cookie_line(header));
            (
                "The test cookie came back: the previous response set it, and your browser kept it.",
                vec![Line::text("", "finds testcookie=worked: cookies work"), Line::text("", "deletes it")],
                "Your browser drops the test cookie: an empty value that expired in 1970.",
            )
        }
        None => {
            answered.push(Line::text("", "(no Set-Cookie: nothing to delete)"));
            (
                "No test cookie came with this request.",
                vec![Line::text("", "finds no testcookie=worked")],
                "Nothing changes in your browser.",
            )
        }
    };
    let exchange = Exchange { sent, sent_note: sent_note.into(), server, answered, answer_note: answer_note.into() };
    render(response, &pages::TestCookieCheck { walk: routes::walk(PATH), worked, other_cookies, exchange });
}
