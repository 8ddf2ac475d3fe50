//! The route table: every path the server answers, the methods it takes,
//! the code that answers it, and what the index says about it.
//!
//! Everything that lists pages reads this one table: the router (and its
//! 404, 405, `Allow` and trailing-slash redirects), the index's list of
//! pages and its comparison table, the previous and next links at the foot
//! of every page, and the tests ([`listed_pages`]). A page added here shows
//! up everywhere at once; a page missing here exists nowhere.

use super::exchange::Prose;
use super::{
    App, cookie_counter, cookie_lab, etag_counter, hidden_field, inspect, sessions, signed_cookie, site, test_cookie,
    url_rewriting,
};
use crate::http::{Method, Request, Response};

/// A page's code: it reads the request (and body) and fills in the response.
pub(super) type Page = fn(&App, &Request, &[u8], &mut Response);

/// What a page does with a request body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Body {
    /// Never reads one, so the server may answer without waiting for it.
    Ignored,
    /// Reads a posted form (`application/x-www-form-urlencoded`); a `POST`
    /// of any other media type is refused with 415 before its body is read.
    Form,
    /// Reads whatever body comes, with any method (up to the body limit).
    Any,
}

/// A path the server answers, and how.
pub(super) struct Route {
    /// The path exactly, pages with their trailing slash.
    pub path: &'static str,
    /// Methods the page takes, besides `HEAD` (wherever `GET` works) and
    /// `OPTIONS` (everywhere).
    pub methods: &'static [Method],
    /// What the page does with a body.
    pub body: Body,
    /// What answers it.
    pub page: Page,
    /// What the index says about it, if the index lists it.
    pub listing: Option<Listing>,
}

/// What the index says about a page.
#[derive(Debug)]
pub struct Listing {
    /// The page's name, which also begins its heading ("Cookie · Page
    /// Count is: 3").
    pub title: Prose,
    /// The page's path, as a link: checked, with the name, when the
    /// program is compiled, so neither is escaped on every request.
    link: Prose,
    /// What it shows, in a line.
    pub summary: &'static str,
    /// Its row in the comparison table, for a way of keeping state.
    pub facts: Option<Facts>,
}

/// One way of keeping state, compared with the others: a row of the
/// index's table, under [`COMPARISON_COLUMNS`].
#[derive(Debug)]
pub struct Facts {
    /// Where the count is kept between requests.
    pub lives: &'static str,
    /// Who can see it.
    pub read_by: &'static str,
    /// Who can change it to a number of their choosing.
    pub forged_by: &'static str,
    /// Whether it outlives a restart of the server.
    pub survives_restart: &'static str,
    /// What running more than one server takes.
    pub scaling: &'static str,
}

/// The comparison table's column headings, in the order of [`Facts`]'
/// fields.
pub const COMPARISON_COLUMNS: [&str; 5] =
    ["where the state lives", "who can read it", "who can forge it", "survives a server restart", "how this scales"];

impl Facts {
    /// The row's cells, in the order of [`COMPARISON_COLUMNS`].
    pub fn cells(&self) -> [&'static str; 5] {
        [self.lives, self.read_by, self.forged_by, self.survives_restart, self.scaling]
    }
}

impl Route {
    const fn new(path: &'static str, methods: &'static [Method], body: Body, page: Page) -> Self {
        Route { path, methods, body, page, listing: None }
    }

    const fn get(path: &'static str, page: Page) -> Self {
        Route::new(path, &[Method::Get], Body::Ignored, page)
    }

    /// A `POST` that acts on cookies alone (a "start over" button).
    const fn post(path: &'static str, page: Page) -> Self {
        Route::new(path, &[Method::Post], Body::Ignored, page)
    }

    /// Listed on the index.
    const fn listed(self, title: &'static str, summary: &'static str) -> Self {
        let (title, link) = (Prose::new(title), Prose::new(self.path));
        Route { listing: Some(Listing { title, link, summary, facts: None }), ..self }
    }

    /// Listed on the index, and compared with the other ways of keeping
    /// state.
    const fn compared(self, title: &'static str, summary: &'static str, facts: Facts) -> Self {
        let (title, link) = (Prose::new(title), Prose::new(self.path));
        Route { listing: Some(Listing { title, link, summary, facts: Some(facts) }), ..self }
    }

    /// Whether the page takes `method`.
    pub fn allows(&self, method: Method) -> bool {
        let get = self.methods.contains(&Method::Get);
        self.methods.contains(&method) || (method == Method::Head && get) || method == Method::Options
    }

    /// The methods for the `Allow` header, in a fixed order.
    pub fn allowed(&self) -> Vec<Method> {
        ALL_METHODS.iter().copied().filter(|&m| self.allows(m)).collect()
    }
}

/// Every method a page may take, in the order `Allow` lists them.
const ALL_METHODS: [Method; 8] = [
    Method::Get,
    Method::Head,
    Method::Post,
    Method::Put,
    Method::Delete,
    Method::Patch,
    Method::Trace,
    Method::Options,
];

/// What `/inspect/` takes: any method with a meaning here (`CONNECT` asks
/// for a tunnel, and is refused before routing).
const ANY_METHOD: &[Method] = &[Method::Get, Method::Post, Method::Put, Method::Delete, Method::Patch, Method::Trace];

const GET_AND_POST: &[Method] = &[Method::Get, Method::Post];

/// Every path the server answers, listed pages in the order a learner
/// should read them.
const ROUTES: &[Route] = &[
    Route::get("/", site::index),
    Route::get("/count_view/", cookie_counter::page).compared(
        "Cookie",
        "the count lives in a cookie that your browser sends back with every request",
        Facts {
            lives: "a cookie in the browser",
            read_by: "the user, and the page's scripts",
            forged_by: "the user",
            survives_restart: "yes",
            scaling: "freely: each request brings its own count, so any server can answer it (the price: the \
                      cookie's bytes on every request)",
        },
    ),
    Route::post("/count_view/reset/", cookie_counter::reset),
    Route::get("/test_cookie/", test_cookie::page)
        .listed("Cookie test", "does your browser keep cookies at all? Set one, and see whether it comes back"),
    Route::get("/test_cookie/check/", test_cookie::check),
    Route::get("/url_count/", url_rewriting::page).compared(
        "URL rewriting",
        "the count lives in the link you follow, ?count=N",
        Facts {
            lives: "the link",
            read_by: "anyone who sees the URL (history, logs, Referer)",
            forged_by: "anyone",
            survives_restart: "yes, while the link is kept",
            scaling: "freely: the state comes with each request, so any server can answer it",
        },
    ),
    Route::new("/form_count/", GET_AND_POST, Body::Form, hidden_field::page).compared(
        "Hidden form field",
        "the count lives in a form field you do not see, posted back with the form",
        Facts {
            lives: "the page's form",
            read_by: "the user (view source)",
            forged_by: "the user",
            survives_restart: "yes, while the form is kept",
            scaling: "freely: the state comes with each posted form, so any server can answer it",
        },
    ),
    Route::get("/session_count/", sessions::page).compared(
        "Server-side session",
        "the count lives on the server; your browser holds only a random id",
        Facts {
            lives: "the server (its memory, a SQLite file or Redis); the browser holds a random id",
            read_by: "the server only",
            forged_by: "nobody (a stolen id impersonates, though)",
            survives_restart: "only in a store outside the process (--sessions sqlite:PATH or redis://), not in \
                               memory",
            scaling: "every server needs the same store (Redis; SQLite on one machine), or a load balancer that \
                      sends each visitor back to the same server (sticky sessions), who loses the session when \
                      that server goes",
        },
    ),
    Route::post("/session_count/forget/", sessions::forget),
    Route::post("/session_count/cycle/", sessions::cycle),
    Route::get("/signed_count/", signed_cookie::page).compared(
        "Signed cookie",
        "the count lives in a cookie you can read but cannot forge",
        Facts {
            lives: "a cookie in the browser",
            read_by: "the user, and the page's scripts",
            forged_by: "nobody without the key",
            survives_restart: "yes, if the key is kept",
            scaling: "freely, if every server has the key; --old-secret-file changes the key without rejecting \
                      what the old one signed",
        },
    ),
    Route::post("/signed_count/reset/", signed_cookie::reset),
    Route::get("/etag_count/", etag_counter::page).compared(
        "ETag",
        "the count lives in your browser's cache, as the page's ETag: it counts even with cookies blocked",
        Facts {
            lives: "the browser's cache: the ETag of its copy of the page",
            read_by: "the user (developer tools), and the page's scripts",
            forged_by: "the user",
            survives_restart: "yes",
            scaling: "freely: the tag comes with each request; a shared cache on the way must not keep the page \
                      (Cache-Control: private)",
        },
    ),
    Route::get("/cookies/", cookie_lab::page)
        .listed("Cookie lab", "set and delete cookies of your own, with any attribute, and see what comes back"),
    Route::new("/cookies/set", GET_AND_POST, Body::Form, cookie_lab::set),
    Route::new("/cookies/delete", GET_AND_POST, Body::Form, cookie_lab::delete),
    Route::new("/inspect/", ANY_METHOD, Body::Any, inspect::page).listed(
        "Inspect",
        "your request exactly as the server parsed it, as a page or as JSON: point curl and telnet here first",
    ),
    Route::get("/style.css", site::stylesheet),
    Route::get("/favicon.ico", site::favicon),
];

/// The route for exactly this path.
pub(super) fn find(path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.path == path)
}

/// The route this path names without its trailing slash (`/count_view`
/// for `/count_view/`), as people type it.
pub(super) fn with_slash(path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.path.len() > 1 && r.path.strip_suffix('/') == Some(path))
}

/// Every method some page takes, for `OPTIONS *`.
pub(super) fn server_methods() -> Vec<Method> {
    ALL_METHODS.iter().copied().filter(|&m| ROUTES.iter().any(|r| r.allows(m))).collect()
}

/// The pages on the index, in reading order: path and listing.
pub fn listed_pages() -> impl Iterator<Item = (&'static str, &'static Listing)> {
    ROUTES.iter().filter_map(|r| r.listing.as_ref().map(|listing| (r.path, listing)))
}

/// The ways of keeping state, in reading order: path, listing, and their
/// row of the comparison table.
pub fn comparison() -> impl Iterator<Item = (&'static str, &'static Listing, &'static Facts)> {
    listed_pages().filter_map(|(path, listing)| listing.facts.as_ref().map(|facts| (path, listing, facts)))
}

/// A listed page's name and its neighbours on the index, for its heading
/// and the links at its foot.
#[derive(Clone, Copy, Debug)]
pub struct Walk {
    /// The page's name.
    pub title: Prose,
    /// The page before it on the index: path and name.
    pub prev: Option<(Prose, Prose)>,
    /// The page after it.
    pub next: Option<(Prose, Prose)>,
}

/// Where the listed page at `path` stands on the index.
pub(super) fn walk(path: &str) -> Walk {
    let mut prev = None;
    let mut pages = listed_pages();
    let link = |listing: &Listing| (listing.link, listing.title);
    for (here, listing) in pages.by_ref() {
        if here == path {
            let next = pages.next().map(|(_, listing)| link(listing));
            return Walk { title: listing.title, prev, next };
        }
        prev = Some(link(listing));
    }
    unreachable!("walk is asked only for listed pages, and {path} is not one")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_page_takes_get_and_paths_are_unique() {
        for (path, _) in listed_pages() {
            assert!(find(path).is_some_and(|r| r.allows(Method::Get)), "{path}");
        }
        for (i, route) in ROUTES.iter().enumerate() {
            assert!(ROUTES[..i].iter().all(|r| r.path != route.path), "{} twice", route.path);
        }
    }

    #[test]
    fn the_walk_follows_the_index() {
        let text = |link: Option<(Prose, Prose)>| link.map(|(path, title)| (path.as_str(), title.as_str()));
        let walk = walk("/url_count/");
        assert_eq!(walk.title.as_str(), "URL rewriting");
        assert_eq!(text(walk.prev), Some(("/test_cookie/", "Cookie test")));
        assert_eq!(text(walk.next), Some(("/form_count/", "Hidden form field")));
        assert!(super::walk("/count_view/").prev.is_none());
        assert!(super::walk("/inspect/").next.is_none());
    }

    #[test]
    fn paths_without_their_slash() {
        assert_eq!(with_slash("/count_view").map(|r| r.path), Some("/count_view/"));
        assert_eq!(with_slash("/count_view/reset").map(|r| r.path), Some("/count_view/reset/"));
        for path in ["/", "", "/count_view/", "/cookies/se", "/style.css", "/COUNT_VIEW"] {
            assert!(with_slash(path).is_none(), "{path}");
        }
    }
}
