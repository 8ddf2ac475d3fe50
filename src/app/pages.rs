//! The pages, one template struct each (the templates are in
//! `templates/`). Askama escapes every value for HTML, so whatever a client
//! sent shows up as text on the page and never as markup.

use super::session_store::StoreKind;
use crate::cookie::SetCookie;
use crate::http::{Request, Status};
use askama::Template;
use std::borrow::Cow;

/// A page on the index: where it is and what it shows.
pub struct Listing {
    /// Where the page is.
    pub path: &'static str,
    /// The mechanism's name.
    pub title: &'static str,
    /// Where the count lives, in a line.
    pub summary: &'static str,
}

/// `/`: what the lesson is about, a link to every mechanism, and how they
/// compare.
#[derive(Template)]
#[template(path = "index.html")]
pub struct Index<'a> {
    /// Every page, in reading order.
    pub pages: &'a [Listing],
    /// Where the server can be reached, for the example commands.
    pub host: Cow<'a, str>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/count_view/`: the seed lesson's cookie counter.
#[derive(Template)]
#[template(path = "count_view.html")]
pub struct CountView<'a> {
    /// The count this visit shows.
    pub count: u64,
    /// Every `Cookie` header line received, as text.
    pub cookie_lines: Vec<Cow<'a, str>>,
    /// The cookie sent back.
    pub set_cookie: &'a SetCookie<'a>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// The answer to a "start over": what was deleted.
#[derive(Template)]
#[template(path = "reset.html")]
pub struct Reset<'a> {
    /// What was deleted, as "the count cookie".
    pub what: &'static str,
    /// The header that deletes it.
    pub set_cookie: &'a SetCookie<'a>,
    /// The page to start again from.
    pub back: &'static str,
    /// For a session: whether the server had it and deleted it.
    pub ended_session: Option<bool>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/test_cookie/`: the test cookie is set.
#[derive(Template)]
#[template(path = "test_cookie.html")]
pub struct TestCookie<'a> {
    /// Every `Cookie` header line received, as text.
    pub cookie_lines: Vec<Cow<'a, str>>,
    /// The test cookie sent.
    pub set_cookie: &'a SetCookie<'a>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/test_cookie/check/`: did it come back?
#[derive(Template)]
#[template(path = "test_cookie_check.html")]
pub struct TestCookieCheck<'a> {
    /// Every `Cookie` header line received, as text.
    pub cookie_lines: Vec<Cow<'a, str>>,
    /// The deletion sent, when the cookie came back.
    pub deleted: Option<&'a SetCookie<'a>>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/url_count/`: the count in the link.
#[derive(Template)]
#[template(path = "url_count.html")]
pub struct UrlCount<'a> {
    /// The count this visit shows.
    pub count: u64,
    /// The request target that carried (or did not carry) the count.
    pub target: &'a str,
    /// A valid count came with the request.
    pub arrived: bool,
    /// The link that carries the next count.
    pub next_link: String,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/form_count/`: the count in a hidden field.
#[derive(Template)]
#[template(path = "form_count.html")]
pub struct FormCount<'a> {
    /// The count this visit shows.
    pub count: u64,
    /// The body posted, if the page was posted to.
    pub received: Option<Cow<'a, str>>,
    /// A valid count came in the body.
    pub arrived: bool,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/session_count/`: the count on the server.
#[derive(Template)]
#[template(path = "session_count.html")]
pub struct SessionCount<'a> {
    /// The count this visit shows.
    pub count: u64,
    /// The cookies received, session ids cut short.
    pub cookies: Vec<(String, String)>,
    /// An id came that the server does not know, and was not adopted.
    pub rejected: bool,
    /// The `Set-Cookie` value sent, the id cut short.
    pub set_cookie: String,
    /// The start of the session's id.
    pub id_start: &'a str,
    /// How long an unused session lives, in words.
    pub lifetime: String,
    /// Which kind of store keeps the session, for what that means.
    pub store: StoreKind,
    /// Where the store is: "the memory of this process", "the SQLite file
    /// sessions.db", "Redis at 127.0.0.1:6379, database 0".
    pub place: &'a str,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/session_count/cycle/`: the session moved to a new id ("log in").
#[derive(Template)]
#[template(path = "session_cycle.html")]
pub struct SessionCycle<'a> {
    /// The ids before and after, cut short, and the count they carried;
    /// `None` when no live session came to be moved.
    pub moved: Option<(&'a str, &'a str, u64)>,
    /// The `Set-Cookie` value sent, the id cut short, when one was.
    pub set_cookie: Option<String>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/signed_count/`: the count in a signed cookie.
#[derive(Template)]
#[template(path = "signed_count.html")]
pub struct SignedCount<'a> {
    /// The count this visit shows.
    pub count: u64,
    /// Every `Cookie` header line received, as text.
    pub cookie_lines: Vec<Cow<'a, str>>,
    /// A signed cookie came whose code did not match, and was ignored.
    pub rejected: bool,
    /// The new count, signed.
    pub set_cookie: &'a SetCookie<'a>,
    /// The key was made up at start, so restarts invalidate cookies.
    pub ephemeral_key: bool,
    /// The cookie that came was signed with an earlier key, accepted, and
    /// is now signed with the current one.
    pub old_key: bool,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/inspect/`: the request as parsed.
#[derive(Template)]
#[template(path = "inspect.html")]
pub struct Inspect<'a, 'h, 'b> {
    /// The request line's parts.
    pub request: &'a Request<'h, 'b>,
    /// Every header field, name and value, in the order received.
    pub headers: Vec<(String, String)>,
    /// Every cookie pair of every `Cookie` line.
    pub cookies: Vec<(String, String)>,
    /// Where the server was reached, for the example command.
    pub host: Cow<'b, str>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// A 404, 405 or 503 page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    /// The status, shown as "404 Not Found".
    pub status: Status,
    /// What went wrong and what to do, in a sentence or two.
    pub explanation: &'a str,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}
