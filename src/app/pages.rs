//! The pages, one template struct each (the templates are in
//! `templates/`). Askama escapes every value for HTML, so whatever a client
//! sent shows up as text on the page and never as markup.
//!
//! Every counter page carries the same three things: its place on the
//! index (`walk`, which also names it in the heading), the count, and the
//! picture of the exchange that made it (`exchange`, drawn by
//! `templates/exchange.html`).

use super::exchange::Exchange;
use super::routes::{Facts, Listing, Walk};
use super::session_store::StoreKind;
use crate::cookie::SetCookie;
use crate::http::{Request, Status};
use askama::Template;
use std::borrow::Cow;

/// `/`: what the lesson is about, a link to every page, and how the ways
/// of keeping state compare.
#[derive(Template)]
#[template(path = "index.html")]
pub struct Index<'a> {
    /// Every listed page, in reading order: path and listing.
    pub pages: Vec<(&'static str, &'static Listing)>,
    /// The comparison table's column headings.
    pub columns: [&'static str; 5],
    /// Its rows: path, listing, facts.
    pub rows: Vec<(&'static str, &'static Listing, &'static Facts)>,
    /// Where the server can be reached, for the example commands.
    pub host: Cow<'a, str>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/count_view/`: the seed lesson's cookie counter.
#[derive(Template)]
#[template(path = "count_view.html")]
pub struct CountView<'a> {
    /// The page's name and neighbours.
    pub walk: Walk,
    /// The count this visit shows.
    pub count: u64,
    /// A `count` cookie came, but no valid one: the first value sent.
    pub invalid: Option<Cow<'a, str>>,
    /// The picture of this exchange.
    pub exchange: Exchange<'a>,
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
    /// The page's name and neighbours.
    pub walk: Walk,
    /// The picture of this exchange.
    pub exchange: Exchange<'a>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/test_cookie/check/`: did it come back?
#[derive(Template)]
#[template(path = "test_cookie_check.html")]
pub struct TestCookieCheck<'a> {
    /// The test page's name and neighbours.
    pub walk: Walk,
    /// The test cookie came back.
    pub worked: bool,
    /// Cookies other than the test cookie came: so the browser does keep
    /// cookies, and the check was opened on its own.
    pub other_cookies: bool,
    /// The picture of this exchange.
    pub exchange: Exchange<'a>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/url_count/`: the count in the link.
#[derive(Template)]
#[template(path = "url_count.html")]
pub struct UrlCount<'a> {
    /// The page's name and neighbours.
    pub walk: Walk,
    /// The count this visit shows.
    pub count: u64,
    /// A `count` field came in the query, but no valid one: the first.
    pub invalid: Option<Cow<'a, str>>,
    /// The link that carries the next count.
    pub next_link: String,
    /// The picture of this exchange.
    pub exchange: Exchange<'a>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/form_count/`: the count in a hidden field.
#[derive(Template)]
#[template(path = "form_count.html")]
pub struct FormCount<'a> {
    /// The page's name and neighbours.
    pub walk: Walk,
    /// The count this visit shows.
    pub count: u64,
    /// A form was posted but held no valid `count`: the first one sent,
    /// or empty when it held none at all.
    pub invalid: Option<Cow<'a, str>>,
    /// The picture of this exchange.
    pub exchange: Exchange<'a>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/session_count/`: the count on the server.
#[derive(Template)]
#[template(path = "session_count.html")]
pub struct SessionCount<'a> {
    /// The page's name and neighbours.
    pub walk: Walk,
    /// The count this visit shows.
    pub count: u64,
    /// An id came that the server does not know, and was not adopted.
    pub rejected: bool,
    /// Which kind of store keeps the session, for what that means.
    pub store: StoreKind,
    /// How long an unused session lives, in words.
    pub lifetime: String,
    /// The picture of this exchange.
    pub exchange: Exchange<'a>,
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
    /// The page's name and neighbours.
    pub walk: Walk,
    /// The count this visit shows.
    pub count: u64,
    /// A signed cookie came whose code did not match, and was ignored.
    pub rejected: bool,
    /// The key was made up at start, so restarts invalidate cookies.
    pub ephemeral_key: bool,
    /// The cookie that came was signed with an earlier key, accepted, and
    /// is now signed with the current one.
    pub old_key: bool,
    /// The picture of this exchange.
    pub exchange: Exchange<'a>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/etag_count/`: the count in the browser's cache.
#[derive(Template)]
#[template(path = "etag_count.html")]
pub struct EtagCount<'a> {
    /// The page's name and neighbours.
    pub walk: Walk,
    /// The count this visit shows.
    pub count: u64,
    /// An `If-None-Match` came that is not a tag this page gives out.
    pub invalid: Option<Cow<'a, str>>,
    /// The picture of this exchange.
    pub exchange: Exchange<'a>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/cookies/`: the cookie lab.
#[derive(Template)]
#[template(path = "cookie_lab.html")]
pub struct CookieLab<'a> {
    /// The page's name and neighbours.
    pub walk: Walk,
    /// Every cookie received, in order, the server's `HttpOnly` ones cut
    /// short.
    pub cookies: Vec<LabCookie<'a>>,
    /// Some value was cut short.
    pub masked: bool,
    /// Where the server was reached, for the example commands.
    pub host: Cow<'a, str>,
    /// The picture of this exchange.
    pub exchange: Exchange<'a>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// One cookie the lab received.
pub struct LabCookie<'a> {
    /// Its name.
    pub name: Cow<'a, str>,
    /// Its value as shown (cut short for the server's `HttpOnly` ones).
    pub value: Cow<'a, str>,
    /// Another cookie of the same name came too.
    pub repeated: bool,
    /// Its name is a token, so the lab can delete it.
    pub deletable: bool,
}

/// The lab's answer to a set or a delete: a redirect back, and the
/// header sent.
#[derive(Template)]
#[template(path = "lab_done.html")]
pub struct LabDone<'a> {
    /// `302 Found`, or `303 See Other` after a form.
    pub status: Status,
    /// "Set" or "Deleted".
    pub done: &'static str,
    /// The `Set-Cookie` value sent.
    pub set_cookie: &'a str,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// The cookie lab's refusal: which rule the cookie broke.
#[derive(Template)]
#[template(path = "cookie_refused.html")]
pub struct CookieRefused<'a> {
    /// The rule, in a sentence.
    pub rule: &'static str,
    /// Where it is written.
    pub source: &'static str,
    /// The part that broke it: "name", "value", "Path", ...
    pub part: &'static str,
    /// That part as sent, quoted, control characters written out
    /// (`"a\r\nb"`).
    pub value: Cow<'a, str>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// `/inspect/`: the request as parsed.
#[derive(Template)]
#[template(path = "inspect.html")]
pub struct Inspect<'a, 'h, 'b> {
    /// The page's name and neighbours.
    pub walk: Walk,
    /// The request line's parts.
    pub request: &'a Request<'h, 'b>,
    /// Every header field, name and value, in the order received, the
    /// server's `HttpOnly` cookies cut short.
    pub headers: Vec<(&'b str, Cow<'b, str>)>,
    /// Every cookie pair of every `Cookie` line, cut short likewise.
    pub cookies: Vec<(Cow<'b, str>, Cow<'b, str>)>,
    /// Some value was cut short.
    pub masked: bool,
    /// The body as text, if one came.
    pub body: Option<Cow<'a, str>>,
    /// Its length in bytes.
    pub body_len: usize,
    /// Its fields, when it is a urlencoded form.
    pub form: Option<Vec<(Cow<'a, str>, Cow<'a, str>)>>,
    /// Where the server was reached, for the example command.
    pub host: Cow<'b, str>,
    /// This server's `--name`, for the footer; `None` when not given.
    pub served_by: Option<&'a str>,
}

/// A page that moved, or an address without its final slash.
#[derive(Template)]
#[template(path = "moved.html")]
pub struct Moved<'a> {
    /// The status, shown as "301 Moved Permanently".
    pub status: Status,
    /// Where to go.
    pub location: &'a str,
    /// Why, in a sentence or two.
    pub explanation: &'static str,
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
