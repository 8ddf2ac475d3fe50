//! The application: the pages that keep a count, and the routes to them.
//!
//! Each page is a function from a parsed request to a response. The table
//! [`ROUTES`] says which paths exist and which methods each takes; from it
//! come the 404 for an unknown path, the 405 (with `Allow`) for a method a
//! path does not take, and the answer to `OPTIONS`.

pub mod count;
pub mod pages;

use crate::config::Config;
use crate::cookie::{self, SetCookie};
use crate::http::response::Decimal;
use crate::http::{HttpError, Method, Request, Response, Status};
use askama::Template;
use count::{next_count, parse_count};
use pages::Listing;
use std::borrow::Cow;
use std::fmt;

/// The methods `OPTIONS *` reports: everything any page takes.
const SERVER_METHODS: &[Method] = &[Method::Get, Method::Head, Method::Post, Method::Options];

/// The pages listed on the index, in the order a learner should read them.
const LISTINGS: &[Listing] = &[Listing {
    path: "/count_view/",
    title: "Cookie counter",
    summary: "the count lives in a cookie that your browser sends back with every request",
}];

/// The state shared by every worker thread.
#[derive(Debug, Default)]
pub struct App {}

/// A page's code: it reads the request and fills in the response.
type Page = fn(&App, &Request, &[u8], &mut Response);

/// A path the server answers, and how.
struct Route {
    path: &'static str,
    /// Methods the page takes, besides `HEAD` (wherever `GET` works) and
    /// `OPTIONS` (everywhere).
    methods: &'static [Method],
    page: Page,
}

/// Every path the server answers.
const ROUTES: &[Route] = &[
    Route { path: "/", methods: &[Method::Get], page: index },
    Route { path: "/count_view/", methods: &[Method::Get], page: count_view },
    Route { path: "/style.css", methods: &[Method::Get], page: stylesheet },
];

/// The pages' shared look. It never changes while the server runs, so
/// browsers may keep it for a day instead of asking on every page.
const STYLESHEET: &str = include_str!("../../templates/style.css");

impl App {
    /// Builds the application state from the configuration.
    pub fn new(_config: &Config) -> Result<Self, String> {
        Ok(App {})
    }
}

impl crate::http::Handler for App {
    fn reads_body(&self, request: &Request) -> Result<bool, HttpError> {
        Ok(request.method == Method::Post && route(request.path).is_some_and(|r| r.allows(Method::Post)))
    }

    fn respond(&self, request: &Request, body: &[u8], response: &mut Response) {
        if request.path == "*" {
            // `OPTIONS *` asks about the server as a whole (RFC 9110 §9.3.7).
            return options(SERVER_METHODS, response);
        }
        match route(request.path) {
            None => not_found(response),
            Some(route) if request.method == Method::Options => options(&route.allowed(), response),
            Some(route) if !route.allows(request.method) => method_not_allowed(&route.allowed(), response),
            Some(route) => (route.page)(self, request, body, response),
        }
    }
}

fn route(path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.path == path)
}

impl Route {
    fn allows(&self, method: Method) -> bool {
        let get = self.methods.contains(&Method::Get);
        self.methods.contains(&method) || (method == Method::Head && get) || method == Method::Options
    }

    /// The methods for the `Allow` header, in a fixed order.
    fn allowed(&self) -> Vec<Method> {
        SERVER_METHODS.iter().copied().filter(|&m| self.allows(m)).collect()
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

/// Renders a page as the response body.
fn render(response: &mut Response, page: &impl Template) {
    response.header("Content-Type", "text/html; charset=utf-8");
    Template::write_into(page, response.body_mut()).expect("rendering into memory cannot fail");
}

/// Pages that show a count must be fetched anew on every visit, never
/// served from a cache.
fn no_store(response: &mut Response) {
    response.header("Cache-Control", "no-store");
}

fn index(_app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    // The Host header was checked to hold a valid host, and the template
    // escapes it anyway.
    let host = request.headers_named("host").next().map_or(Cow::Borrowed("127.0.0.1:8000"), String::from_utf8_lossy);
    render(response, &pages::Index { pages: LISTINGS, host });
}

/// The seed lesson: read `count` from the `Cookie` header, add one, send it
/// back in `Set-Cookie`.
fn count_view(_app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let count = next_count(cookie::values(request, "count").find_map(parse_count));
    let value = Decimal::new(count);
    let set_cookie = SetCookie::new("count", value.as_str());
    response.set_cookie(&set_cookie);
    no_store(response);
    let cookie_lines = request.headers_named("cookie").map(String::from_utf8_lossy).collect();
    render(response, &pages::CountView { count, cookie_lines, set_cookie: &set_cookie });
}

fn stylesheet(_app: &App, _request: &Request, _body: &[u8], response: &mut Response) {
    response.header("Content-Type", "text/css; charset=utf-8");
    response.header("Cache-Control", "max-age=86400");
    response.body_mut().extend_from_slice(STYLESHEET.as_bytes());
}

fn options(methods: &[Method], response: &mut Response) {
    response.header_display("Allow", AllowList(methods));
}

fn not_found(response: &mut Response) {
    response.set_status(Status::NOT_FOUND);
    let explanation = "There is no page here. The index links to every page this server has.";
    render(response, &pages::ErrorPage { status: Status::NOT_FOUND, explanation });
}

fn method_not_allowed(methods: &[Method], response: &mut Response) {
    response.set_status(Status::METHOD_NOT_ALLOWED);
    response.header_display("Allow", AllowList(methods));
    let explanation = "This page exists, but does not take that method. The Allow header lists the ones it takes.";
    render(response, &pages::ErrorPage { status: Status::METHOD_NOT_ALLOWED, explanation });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Handler;
    use crate::http::request::{Parsed, parse};
    use std::mem::MaybeUninit;

    /// What the application answers to `head`: status, `Allow`, and
    /// whether it wanted the body.
    fn routed(head: &str) -> (u16, Option<String>, bool) {
        let app = App::new(&Config::default()).unwrap();
        let mut slots = [const { MaybeUninit::uninit() }; 16];
        let Ok(Parsed::Complete(request, _)) = parse(head.as_bytes(), &mut slots) else { panic!("{head}") };
        let reads_body = app.reads_body(&request).unwrap();
        let mut response = Response::default();
        app.respond(&request, b"", &mut response);
        let lines = String::from_utf8_lossy(response.header_lines()).into_owned();
        let allow = lines.lines().find_map(|l| l.strip_prefix("Allow: ")).map(str::to_string);
        (response.status().code(), allow, reads_body)
    }

    #[test]
    fn routing() {
        let cases = [
            ("GET / HTTP/1.1", 200, None),
            ("GET /count_view/ HTTP/1.1", 200, None),
            ("HEAD /count_view/ HTTP/1.1", 200, None),
            ("GET /count_view/?x=1 HTTP/1.1", 200, None),
            ("GET http://a/count_view/ HTTP/1.1", 200, None),
            ("GET /count_view HTTP/1.1", 404, None),
            ("GET /nope HTTP/1.1", 404, None),
            ("PUT /nope HTTP/1.1", 404, None),
            ("POST /count_view/ HTTP/1.1", 405, Some("GET, HEAD, OPTIONS")),
            ("DELETE / HTTP/1.1", 405, Some("GET, HEAD, OPTIONS")),
            ("OPTIONS /count_view/ HTTP/1.1", 200, Some("GET, HEAD, OPTIONS")),
            ("OPTIONS * HTTP/1.1", 200, Some("GET, HEAD, POST, OPTIONS")),
        ];
        for (line, status, allow) in cases {
            let (got_status, got_allow, reads_body) = routed(&format!("{line}\r\nHost: a\r\n\r\n"));
            assert_eq!((got_status, got_allow.as_deref()), (status, allow), "{line}");
            assert!(!reads_body, "{line}");
        }
    }
}
