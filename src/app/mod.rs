//! The application: pages that keep a count across requests, each in a
//! different way, so they can be compared side by side.
//!
//! | page | where the count lives |
//! |---|---|
//! | [`cookie_counter`] | a cookie (the seed lesson) |
//! | [`test_cookie`] | (checks whether the browser keeps cookies at all) |
//! | [`url_rewriting`] | the query string of a link |
//! | [`hidden_field`] | a hidden field of a form |
//! | [`sessions`] | the server (memory, SQLite or Redis: [`session_store`]), found by a random id in a cookie |
//! | [`signed_cookie`] | a cookie carrying an HMAC of its value |
//! | [`etag_counter`] | the browser's cache, as the page's `ETag` |
//! | [`cookie_lab`] | (cookies of your own, with any attribute) |
//! | [`inspect`] | (shows the request as the server parsed it) |
//!
//! Each page is a function from a parsed request to a response. The table
//! in [`routes`] says which paths exist, which methods each takes and what
//! the index says about it; from it come the 404 for an unknown path, the
//! redirect for a path typed without its final slash, the 405 (with
//! `Allow`) for a method a path does not take, and the answer to
//! `OPTIONS`. Every counter page draws its exchange ([`exchange`]) and
//! shows what the client sent by the rules of [`echo`].
//!
//! When the server has a name (`--name`, for telling several apart behind
//! a balancer), every answer says it: in a `Served-By` header, and in
//! the footer of every page.

pub(crate) mod cookie_counter;
pub(crate) mod cookie_lab;
pub(crate) mod count;
pub(crate) mod echo;
pub(crate) mod etag_counter;
pub(crate) mod exchange;
pub(crate) mod hex;
pub(crate) mod hidden_field;
pub(crate) mod inspect;
pub(crate) mod pages;
pub(crate) mod routes;
pub(crate) mod session_store;
pub(crate) mod sessions;
pub(crate) mod signed_cookie;
pub(crate) mod signing;
pub(crate) mod site;
pub(crate) mod test_cookie;
pub(crate) mod url_rewriting;

pub use routes::{COMPARISON_COLUMNS, comparison, listed_pages};

use crate::config::Config;
use crate::cookie::SetCookie;
use crate::http::response::FixedHeader;
use crate::http::{HttpError, Method, Request, Response, Status};
use askama::Template;
use exchange::{Line, Prose, prose};
use routes::Body;
use session_store::SessionStore;
use signing::Signer;
use std::borrow::Cow;
use std::fmt;

/// The state shared by every worker thread.
#[derive(Debug)]
pub struct App {
    /// Counts kept on the server, for the session page.
    sessions: SessionStore,
    /// The keys for the signed-cookie page.
    signer: Signer,
    /// This server's `--name`, if it was given one.
    name: Option<String>,
    /// The address the server was told to listen on, for the example
    /// commands on a page whose request named no `Host` (HTTP/1.0).
    bind: String,
    /// What follows the id in every session cookie (`; Path=/; Max-Age=...;
    /// HttpOnly; SameSite=Lax`): it never changes while the server runs.
    session_cookie_attributes: String,
}

impl App {
    /// Builds the application state from the configuration: the session
    /// store, and the signing keys (the current one made up at random if
    /// none is given).
    pub fn new(config: &Config) -> Result<Self, String> {
        let signer = match &config.secret {
            Some(secret) => Signer::new(&secret.0)?,
            None => Signer::random()?,
        };
        let signer = signer.with_fallbacks(config.old_secrets.iter().map(|old| old.0.as_slice()))?;
        let sessions = SessionStore::open(config)?;
        let session_cookie_attributes = sessions::cookie_attributes(&sessions);
        Ok(App {
            sessions,
            signer,
            name: config.name.clone(),
            bind: config.bind.to_string(),
            session_cookie_attributes,
        })
    }

    /// This server's `--name`, for the pages' footer.
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl crate::http::Handler for App {
    fn reads_body(&self, request: &Request) -> Result<bool, HttpError> {
        match routes::find(request.path) {
            Some(route) if route.allows(request.method) => match route.body {
                Body::Form if request.method == Method::Post => {
                    hidden_field::check_content_type(request)?;
                    Ok(true)
                }
                // OPTIONS is answered by the router, not the page.
                Body::Any => Ok(request.method != Method::Options),
                Body::Form | Body::Ignored => Ok(false),
            },
            _ => Ok(false),
        }
    }

    fn respond(&self, request: &Request, body: &[u8], response: &mut Response) {
        if let Some(name) = &self.name {
            // Checked by `Config::validate`: a token, safe in a header.
            response.header("Served-By", name);
        }
        if request.path == "*" {
            // `OPTIONS *` asks about the server as a whole (RFC 9110 §9.3.7).
            return options(&routes::server_methods(), response);
        }
        let Some(route) = routes::find(request.path) else {
            return match routes::with_slash(request.path) {
                Some(route) => site::add_slash(self, route.path, request, response),
                None => site::not_found(self, response),
            };
        };
        match request.method {
            Method::Options => options(&route.allowed(), response),
            method if !route.allows(method) => site::method_not_allowed(self, &route.allowed(), response),
            // HEAD is GET without the body (RFC 9110 §9.3.2): the page is
            // made for GET, so that `Content-Length` and every other
            // header are the ones GET would get, and the server then
            // leaves the body out.
            Method::Head => (route.page)(self, &Request { method: Method::Get, ..*request }, body, response),
            _ => (route.page)(self, request, body, response),
        }
    }
}

/// `Allow: GET, HEAD, OPTIONS` (RFC 9110 §10.2.1).
struct AllowList<'a>(&'a [Method]);

impl fmt::Display for AllowList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, method) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(method.as_str())?;
        }
        Ok(())
    }
}

fn options(methods: &[Method], response: &mut Response) {
    response.header_display("Allow", AllowList(methods));
}

/// Renders a page as the response body, straight into the response's
/// buffer (which the worker reuses from request to request).
/// Every page is HTML.
const HTML: FixedHeader = FixedHeader::new("Content-Type", "text/html; charset=utf-8");

/// See [`no_store`].
const NO_STORE: FixedHeader = FixedHeader::new("Cache-Control", "no-store");

fn render(response: &mut Response, page: &impl Template) {
    response.fixed_header(HTML);
    // askama writes fastest into a `String`. The body is still empty, so
    // its buffer is valid UTF-8 as it is: lend it as a `String` and take
    // it back, with the memory it already has.
    let body = response.body_mut();
    let mut text = String::from_utf8(std::mem::take(body)).unwrap_or_default();
    page.render_into(&mut text).expect("rendering into memory cannot fail");
    *body = text.into_bytes();
}

/// Pages that show or change a count must be fetched anew on every visit,
/// never kept: a kept copy would show an old count, and a shared cache
/// could hand one visitor's page (and its `Set-Cookie`) to another.
fn no_store(response: &mut Response) {
    response.fixed_header(NO_STORE);
}

/// The page that confirms a "start over": what was deleted, and how.
fn start_over(app: &App, response: &mut Response, what: &'static str, deleted: &SetCookie, back: &'static str) {
    response.set_cookie(deleted);
    no_store(response);
    let served_by = app.name();
    render(response, &pages::Reset { what, set_cookie: deleted, back, ended_session: None, served_by });
}

/// An error page: the status, and what went wrong in a sentence or two.
fn error_page(app: &App, response: &mut Response, status: Status, explanation: &str) {
    response.set_status(status);
    render(response, &pages::ErrorPage { status, explanation, served_by: app.name() });
}

/// The status line of a successful page, for the pictures.
fn ok_line() -> Prose {
    prose!(Status::OK.status_line())
}

/// A `Set-Cookie` line for the picture, its `name=value` marked.
fn set_cookie_line(header: &str) -> Line<'_> {
    let (pair, attributes) = header.split_at(header.find(';').unwrap_or(header.len()));
    Line::with_mark(prose!("Set-Cookie: "), "", pair, attributes)
}

/// Where the client reached this server, for the example commands on a
/// page: the `Host` it sent (checked to be a valid host, and escaped by the
/// template anyway), or the address the server listens on.
fn host<'a>(app: &'a App, request: &Request<'_, 'a>) -> Cow<'a, str> {
    request.headers_named("host").next().map_or(Cow::Borrowed(app.bind.as_str()), String::from_utf8_lossy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Handler;
    use crate::http::request::{Parsed, parse};
    use std::mem::MaybeUninit;

    /// What the application answers to `head`: status, `Allow` and
    /// `Location`, and whether it wanted the body.
    fn routed(head: &str) -> (u16, Option<String>, Option<String>, Result<bool, HttpError>) {
        let app = App::new(&Config::default()).unwrap();
        let mut slots = [const { MaybeUninit::uninit() }; 16];
        let Ok(Parsed::Complete(request, _)) = parse(head.as_bytes(), &mut slots) else { panic!("{head}") };
        let reads_body = app.reads_body(&request);
        let mut response = Response::default();
        app.respond(&request, b"", &mut response);
        let lines = String::from_utf8_lossy(response.header_lines()).into_owned();
        let header = |name: &str| lines.lines().find_map(|l| l.strip_prefix(name)).map(str::to_string);
        (response.status().code(), header("Allow: "), header("Location: "), reads_body)
    }

    #[test]
    fn routing() {
        let get_only = Some("GET, HEAD, OPTIONS");
        let post_only = Some("POST, OPTIONS");
        let any = Some("GET, HEAD, POST, PUT, DELETE, PATCH, TRACE, OPTIONS");
        let form = "application/x-www-form-urlencoded";
        let none = None;
        let cases = [
            ("GET / HTTP/1.1", "", 200, none, none, Ok(false)),
            ("GET /count_view/ HTTP/1.1", "", 200, none, none, Ok(false)),
            ("HEAD /count_view/ HTTP/1.1", "", 200, none, none, Ok(false)),
            ("GET /count_view/?x=1 HTTP/1.1", "", 200, none, none, Ok(false)),
            ("GET http://a/count_view/ HTTP/1.1", "", 200, none, none, Ok(false)),
            ("GET /count_view HTTP/1.1", "", 301, none, Some("/count_view/"), Ok(false)),
            ("HEAD /count_view?a=1&b HTTP/1.1", "", 301, none, Some("/count_view/?a=1&b"), Ok(false)),
            ("POST /count_view/reset HTTP/1.1", "", 308, none, Some("/count_view/reset/"), Ok(false)),
            ("PUT /form_count HTTP/1.1", form, 308, none, Some("/form_count/"), Ok(false)),
            ("GET /Count_view HTTP/1.1", "", 404, none, none, Ok(false)),
            ("GET /nope HTTP/1.1", "", 404, none, none, Ok(false)),
            ("PUT /nope HTTP/1.1", "", 404, none, none, Ok(false)),
            ("POST /count_view/ HTTP/1.1", "", 405, get_only, none, Ok(false)),
            ("DELETE / HTTP/1.1", "", 405, get_only, none, Ok(false)),
            ("GET /count_view/reset/ HTTP/1.1", "", 405, post_only, none, Ok(false)),
            ("POST /count_view/reset/ HTTP/1.1", "", 200, none, none, Ok(false)),
            ("GET /form_count/ HTTP/1.1", "", 200, none, none, Ok(false)),
            ("POST /form_count/ HTTP/1.1", form, 200, none, none, Ok(true)),
            ("POST /form_count/ HTTP/1.1", "text/plain", 200, none, none, Err(HttpError::UnsupportedMediaType)),
            ("PUT /form_count/ HTTP/1.1", form, 405, Some("GET, HEAD, POST, OPTIONS"), none, Ok(false)),
            ("GET /cookies/set?a=1 HTTP/1.1", "", 302, none, Some("/cookies/"), Ok(false)),
            ("POST /cookies/set HTTP/1.1", form, 400, none, none, Ok(true)),
            ("PUT /inspect/ HTTP/1.1", "text/plain", 200, none, none, Ok(true)),
            ("GET /inspect/ HTTP/1.1", "", 200, none, none, Ok(true)),
            ("OPTIONS /inspect/ HTTP/1.1", "", 200, any, none, Ok(false)),
            ("OPTIONS /count_view/ HTTP/1.1", "", 200, get_only, none, Ok(false)),
            ("OPTIONS * HTTP/1.1", "", 200, any, none, Ok(false)),
            ("GET /favicon.ico HTTP/1.1", "", 200, none, none, Ok(false)),
        ];
        for (line, content_type, status, allow, location, reads_body) in cases {
            let content_type =
                if content_type.is_empty() { String::new() } else { format!("Content-Type: {content_type}\r\n") };
            let got = routed(&format!("{line}\r\nHost: a\r\n{content_type}\r\n"));
            assert_eq!(
                (got.0, got.1.as_deref(), got.2.as_deref(), got.3),
                (status, allow, location, reads_body),
                "{line} {content_type}"
            );
        }
    }
}
