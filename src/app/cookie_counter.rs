//! `/count_view/`: the seed lesson. Read `count` from the `Cookie` header,
//! add one, send it back with `Set-Cookie`.
//!
//! The state lives in the browser. The server keeps nothing, so any number
//! of servers can answer, and a restart loses nothing; but the user can
//! read and change the number at will.

use super::count::{next_count, parse_count};
use super::{App, cookie_lines, no_store, pages, render, start_over};
use crate::cookie::{self, SetCookie};
use crate::http::response::Decimal;
use crate::http::{Request, Response};

/// The cookie that carries the count.
pub const COOKIE: &str = "count";

/// The seed lesson's view: read `count`, add one, render it, set it.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let count = next_count(cookie::values(request, COOKIE).find_map(parse_count));
    let value = Decimal::new(count);
    let set_cookie = SetCookie::new(COOKIE, value.as_str());
    response.set_cookie(&set_cookie);
    no_store(response);
    render(
        response,
        &pages::CountView {
            count,
            cookie_lines: cookie_lines(request),
            set_cookie: &set_cookie,
            served_by: app.name(),
        },
    );
}

/// "Start over": ask the browser to delete the cookie.
pub fn reset(app: &App, _request: &Request, _body: &[u8], response: &mut Response) {
    start_over(app, response, "the count cookie", &SetCookie::deletion(COOKIE, "/"), "/count_view/");
}
