//! The pages, one template struct each (the templates are in
//! `templates/`). Askama escapes every value for HTML, so whatever a client
//! sent shows up as text on the page and never as markup.

use crate::cookie::SetCookie;
use crate::http::Status;
use askama::Template;
use std::borrow::Cow;

/// A page on the index: where it is and what it shows.
pub struct Listing {
    pub path: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
}

/// `/`: what the lesson is about, and a link to every mechanism.
#[derive(Template)]
#[template(path = "index.html")]
pub struct Index<'a> {
    pub pages: &'a [Listing],
    /// Where the server can be reached, for the example commands.
    pub host: Cow<'a, str>,
}

/// `/count_view/`: the seed lesson's cookie counter.
#[derive(Template)]
#[template(path = "count_view.html")]
pub struct CountView<'a> {
    pub count: u64,
    /// Every `Cookie` header line received, as text.
    pub cookie_lines: Vec<Cow<'a, str>>,
    /// The cookie sent back.
    pub set_cookie: &'a SetCookie<'a>,
}

/// A 404 or 405 page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: Status,
    pub explanation: &'static str,
}
