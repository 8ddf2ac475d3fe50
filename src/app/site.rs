//! The pages around the lessons: the index, the stylesheet and the icon,
//! the redirect for an address typed without its final slash, and the
//! answers for a path or a method that does not exist.

use super::{AllowList, App, error_page, host, pages, render, routes};
use crate::http::{Method, Request, Response, Status};

/// The pages' shared look. It never changes while the server runs, so
/// browsers may keep it for a day instead of asking on every page.
const STYLESHEET: &str = include_str!("../../templates/style.css");

/// The site's icon: a 32-pixel cookie, a PNG in an ICO container. Browsers
/// ask for `/favicon.ico` on their first visit whether a page names it or
/// not; answering saves the learner a 404 they did not cause in the log.
const FAVICON: &[u8] = include_bytes!("../../templates/favicon.ico");

/// How long a browser may keep the stylesheet and the icon: a day.
const ASSET_CACHE: &str = "max-age=86400";

/// `/`: the lesson, a link to every page, and the comparison table, all
/// from the route table.
pub fn index(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let page = pages::Index {
        pages: routes::listed_pages().collect(),
        columns: routes::COMPARISON_COLUMNS,
        rows: routes::comparison().collect(),
        host: host(app, request),
        served_by: app.name(),
    };
    render(response, &page);
}

/// `/style.css`: the look every page shares.
pub fn stylesheet(_app: &App, _request: &Request, _body: &[u8], response: &mut Response) {
    response.header("Content-Type", "text/css; charset=utf-8");
    response.header("Cache-Control", ASSET_CACHE);
    response.body_mut().extend_from_slice(STYLESHEET.as_bytes());
}

/// `/favicon.ico`: the icon.
pub fn favicon(_app: &App, _request: &Request, _body: &[u8], response: &mut Response) {
    response.header("Content-Type", "image/x-icon");
    response.header("Cache-Control", ASSET_CACHE);
    response.body_mut().extend_from_slice(FAVICON);
}

/// `/count_view` for `/count_view/`: every page's address ends with a
/// slash, as Django's `APPEND_SLASH` has it, and the address without one
/// redirects there, query kept. `GET` and `HEAD` get `301`; other methods
/// get `308`, which tells the client to repeat the same method with the
/// same body (after a `301`, browsers turn a `POST` into a `GET`; RFC 9110
/// §15.4.2, §15.4.9).
///
/// The query in `Location` is the client's, exactly as sent: the request
/// parser let through only visible ASCII without `"`, `<`, `>` or `#`, so
/// it cannot end the header, and `Response::header` checks again.
pub fn add_slash(app: &App, path: &'static str, request: &Request, response: &mut Response) {
    let (status, explanation) = match request.method {
        Method::Get | Method::Head => (
            Status::MOVED_PERMANENTLY,
            "Every page here ends with a slash. A browser follows this redirect on its own; curl follows it with -L.",
        ),
        _ => (
            Status::PERMANENT_REDIRECT,
            "Every page here ends with a slash. 308, unlike 301, tells the client to send the same method and body \
             again to the new address.",
        ),
    };
    let location = match request.query {
        Some(query) => format!("{path}?{query}"),
        None => path.to_string(),
    };
    response.set_status(status);
    response.header("Location", &location);
    render(response, &pages::Moved { status, location: &location, explanation, served_by: app.name() });
}

pub fn not_found(app: &App, response: &mut Response) {
    let explanation = "There is no page here. The index links to every page this server has.";
    error_page(app, response, Status::NOT_FOUND, explanation);
}

pub fn method_not_allowed(app: &App, methods: &[Method], response: &mut Response) {
    response.header_display("Allow", AllowList(methods));
    let explanation = "This page exists, but does not take that method. The Allow header lists the ones it takes.";
    error_page(app, response, Status::METHOD_NOT_ALLOWED, explanation);
}
