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
//! | [`inspect`] | (shows the request as the server parsed it) |
//!
//! Each page is a function from a parsed request to a response. The table
//! [`ROUTES`] says which paths exist and which methods each takes; from it
//! come the 404 for an unknown path, the 405 (with `Allow`) for a method a
//! path does not take, and the answer to `OPTIONS`.
//!
//! When the server has a name (`--name`, for telling several apart behind
//! a balancer), every answer says it: in a `Served-By` header, and in
//! the footer of every page.

pub mod cookie_counter;
pub mod count;
pub mod hex;
pub mod hidden_field;
pub mod inspect;
pub mod pages;
pub mod session_store;
pub mod sessions;
pub mod signed_cookie;
pub mod signing;
pub mod test_cookie;
pub mod url_rewriting;

use crate::config::Config;
use crate::cookie::SetCookie;
use crate::http::{HttpError, Method, Request, Response, Status};
use askama::Template;
use pages::Listing;
use session_store::SessionStore;
use signing::Signer;
use std::borrow::Cow;
use std::fmt;

/// The methods `OPTIONS *` reports: everything any page takes.
const SERVER_METHODS: &[Method] = &[Method::Get, Method::Head, Method::Post, Method::Options];

/// The pages listed on the index, in the order a learner should read them.
const LISTINGS: &[Listing] = &[
    Listing {
        path: "/count_view/",
        title: "Cookie",
        summary: "the count lives in a cookie that your browser sends back with every request",
    },
    Listing {
        path: "/test_cookie/",
        title: "Cookie test",
        summary: "does your browser keep cookies at all? Set one, and see whether it comes back",
    },
    Listing {
        path: "/url_count/",
        title: "URL rewriting",
        summary: "the count lives in the link you follow, ?count=N",
    },
    Listing {
        path: "/form_count/",
        title: "Hidden form field",
        summary: "the count lives in a form field you do not see, posted back with the form",
    },
    Listing {
        path: "/session_count/",
        title: "Server-side session",
        summary: "the count lives on the server; your browser holds only a random id",
    },
    Listing {
        path: "/signed_count/",
        title: "Signed cookie",
        summary: "the count lives in a cookie you can read but cannot forge",
    },
    Listing {
        path: "/inspect/",
        title: "Inspect",
        summary: "your request exactly as the server parsed it: point curl and telnet here first",
    },
];

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
}

/// A page's code: it reads the request (and body) and fills in the response.
type Page = fn(&App, &Request, &[u8], &mut Response);

/// A path the server answers, and how.
struct Route {
    /// The path exactly, with its trailing slash.
    path: &'static str,
    /// Methods the page takes, besides `HEAD` (wherever `GET` works) and
    /// `OPTIONS` (everywhere).
    methods: &'static [Method],
    /// Whether a `POST` here reads the body. Pages that do not look at the
    /// body let the server answer without waiting for it.
    reads_body: bool,
    /// What answers it.
    page: Page,
}

impl Route {
    const fn get(path: &'static str, page: Page) -> Self {
        Route { path, methods: &[Method::Get], reads_body: false, page }
    }

    /// A `POST` that acts on cookies alone (a "start over" button).
    const fn post(path: &'static str, page: Page) -> Self {
        Route { path, methods: &[Method::Post], reads_body: false, page }
    }
}

/// Every path the server answers.
const ROUTES: &[Route] = &[
    Route::get("/", index),
    Route::get("/count_view/", cookie_counter::page),
    Route::post("/count_view/reset/", cookie_counter::reset),
    Route::get("/test_cookie/", test_cookie::page),
    Route::get("/test_cookie/check/", test_cookie::check),
    Route::get("/url_count/", url_rewriting::page),
    Route { path: "/form_count/", methods: &[Method::Get, Method::Post], reads_body: true, page: hidden_field::page },
    Route::get("/session_count/", sessions::page),
    Route::post("/session_count/forget/", sessions::forget),
    Route::post("/session_count/cycle/", sessions::cycle),
    Route::get("/signed_count/", signed_cookie::page),
    Route::post("/signed_count/reset/", signed_cookie::reset),
    Route::get("/inspect/", inspect::page),
    Route::get("/style.css", stylesheet),
];

/// The pages' shared look. It never changes while the server runs, so
/// browsers may keep it for a day instead of asking on every page.
const STYLESHEET: &str = include_str!("../../templates/style.css");

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
        Ok(App { sessions, signer, name: config.name.clone(), bind: config.bind.to_string() })
    }

    /// This server's `--name`, for the pages' footer.
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl crate::http::Handler for App {
    fn reads_body(&self, request: &Request) -> Result<bool, HttpError> {
        match route(request.path) {
            Some(route) if route.reads_body && request.method == Method::Post => {
                hidden_field::check_content_type(request)?;
                Ok(true)
            }
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
            return options(SERVER_METHODS, response);
        }
        match route(request.path) {
            None => not_found(self, response),
            Some(route) if request.method == Method::Options => options(&route.allowed(), response),
            Some(route) if !route.allows(request.method) => method_not_allowed(self, &route.allowed(), response),
            Some(route) if request.method == Method::Head => {
                // HEAD is GET without the body (RFC 9110 §9.3.2): the page is
                // made for GET, so that `Content-Length` and every other
                // header are the ones GET would get, and the server then
                // leaves the body out.
                (route.page)(self, &Request { method: Method::Get, ..*request }, body, response)
            }
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

/// Pages that show or change a count must be fetched anew on every visit,
/// never served from a cache.
fn no_store(response: &mut Response) {
    response.header("Cache-Control", "no-store");
}

/// Every `Cookie` header line received, as text for a page.
fn cookie_lines<'b>(request: &Request<'_, 'b>) -> Vec<Cow<'b, str>> {
    request.headers_named("cookie").map(String::from_utf8_lossy).collect()
}

/// The page that confirms a "start over": what was deleted, and how.
fn start_over(app: &App, response: &mut Response, what: &'static str, deleted: &SetCookie, back: &'static str) {
    response.set_cookie(deleted);
    no_store(response);
    let served_by = app.name();
    render(response, &pages::Reset { what, set_cookie: deleted, back, ended_session: None, served_by });
}

/// Where the client reached this server, for the example commands on a
/// page: the `Host` it sent (checked to be a valid host, and escaped by the
/// template anyway), or the address the server listens on.
fn host<'a>(app: &'a App, request: &Request<'_, 'a>) -> Cow<'a, str> {
    request.headers_named("host").next().map_or(Cow::Borrowed(app.bind.as_str()), String::from_utf8_lossy)
}

/// `/`: the lesson, and a link to every page.
fn index(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    render(response, &pages::Index { pages: LISTINGS, host: host(app, request), served_by: app.name() });
}

/// `/style.css`: the look every page shares.
fn stylesheet(_app: &App, _request: &Request, _body: &[u8], response: &mut Response) {
    response.header("Content-Type", "text/css; charset=utf-8");
    response.header("Cache-Control", "max-age=86400");
    response.body_mut().extend_from_slice(STYLESHEET.as_bytes());
}

fn options(methods: &[Method], response: &mut Response) {
    response.header_display("Allow", AllowList(methods));
}

/// An error page: the status, and what went wrong in a sentence or two.
fn error_page(app: &App, response: &mut Response, status: Status, explanation: &str) {
    response.set_status(status);
    render(response, &pages::ErrorPage { status, explanation, served_by: app.name() });
}

fn not_found(app: &App, response: &mut Response) {
    let explanation = "There is no page here. The index links to every page this server has.";
    error_page(app, response, Status::NOT_FOUND, explanation);
}

fn method_not_allowed(app: &App, methods: &[Method], response: &mut Response) {
    response.header_display("Allow", AllowList(methods));
    let explanation = "This page exists, but does not take that method. The Allow header lists the ones it takes.";
    error_page(app, response, Status::METHOD_NOT_ALLOWED, explanation);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Handler;
    use crate::http::request::{Parsed, parse};
    use std::mem::MaybeUninit;

    /// What the application answers to `head`: status, `Allow`, and
    /// whether it wanted the body.
    fn routed(head: &str) -> (u16, Option<String>, Result<bool, HttpError>) {
        let app = App::new(&Config::default()).unwrap();
        let mut slots = [const { MaybeUninit::uninit() }; 16];
        let Ok(Parsed::Complete(request, _)) = parse(head.as_bytes(), &mut slots) else { panic!("{head}") };
        let reads_body = app.reads_body(&request);
        let mut response = Response::default();
        app.respond(&request, b"", &mut response);
        let lines = String::from_utf8_lossy(response.header_lines()).into_owned();
        let allow = lines.lines().find_map(|l| l.strip_prefix("Allow: ")).map(str::to_string);
        (response.status().code(), allow, reads_body)
    }

    #[test]
    fn routing() {
        let get_only = Some("GET, HEAD, OPTIONS");
        let post_only = Some("POST, OPTIONS");
        let form = "application/x-www-form-urlencoded";
        let cases = [
            ("GET / HTTP/1.1", "", 200, None, Ok(false)),
            ("GET /count_view/ HTTP/1.1", "", 200, None, Ok(false)),
            ("HEAD /count_view/ HTTP/1.1", "", 200, None, Ok(false)),
            ("GET /count_view/?x=1 HTTP/1.1", "", 200, None, Ok(false)),
            ("GET http://a/count_view/ HTTP/1.1", "", 200, None, Ok(false)),
            ("GET /count_view HTTP/1.1", "", 404, None, Ok(false)),
            ("GET /nope HTTP/1.1", "", 404, None, Ok(false)),
            ("PUT /nope HTTP/1.1", "", 404, None, Ok(false)),
            ("POST /count_view/ HTTP/1.1", "", 405, get_only, Ok(false)),
            ("DELETE / HTTP/1.1", "", 405, get_only, Ok(false)),
            ("GET /count_view/reset/ HTTP/1.1", "", 405, post_only, Ok(false)),
            ("POST /count_view/reset/ HTTP/1.1", "", 200, None, Ok(false)),
            ("GET /form_count/ HTTP/1.1", "", 200, None, Ok(false)),
            ("POST /form_count/ HTTP/1.1", form, 200, None, Ok(true)),
            ("POST /form_count/ HTTP/1.1", "text/plain", 200, None, Err(HttpError::UnsupportedMediaType)),
            ("PUT /form_count/ HTTP/1.1", form, 405, Some("GET, HEAD, POST, OPTIONS"), Ok(false)),
            ("OPTIONS /count_view/ HTTP/1.1", "", 200, get_only, Ok(false)),
            ("OPTIONS * HTTP/1.1", "", 200, Some("GET, HEAD, POST, OPTIONS"), Ok(false)),
        ];
        for (line, content_type, status, allow, reads_body) in cases {
            let content_type =
                if content_type.is_empty() { String::new() } else { format!("Content-Type: {content_type}\r\n") };
            let got = routed(&format!("{line}\r\nHost: a\r\n{content_type}\r\n"));
            assert_eq!((got.0, got.1.as_deref(), got.2), (status, allow, reads_body), "{line} {content_type}");
        }
    }

    #[test]
    fn every_listed_page_is_routed() {
        for listing in LISTINGS {
            assert!(route(listing.path).is_some_and(|r| r.allows(Method::Get)), "{}", listing.path);
        }
    }
}
