//! `/session_count/`: the state on the server, found by an id in a cookie.
//!
//! The browser holds `sessionid=<random id>`; the count sits in the
//! server's [`SessionStore`](super::session_store::SessionStore). The user
//! can no longer change the count, only present an id; the server must now
//! remember every visitor, loses them all when it restarts (the store is in
//! memory), and a second server would need a shared store to see them.

use super::session_store::SessionKey;
use super::{App, no_store, pages, render};
use crate::cookie::{self, SameSite, SetCookie};
use crate::http::{Request, Response, Status};
use std::time::{Duration, Instant};

pub const COOKIE: &str = "sessionid";

/// Characters of an id shown on a page.
const SHOWN: usize = 6;

/// Counts a visit to the session the `sessionid` cookie names, or starts
/// one, and shows both sides of the exchange.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let presented = cookie::values(request, COOKIE).filter_map(SessionKey::parse);
    let Ok(visit) = app.sessions.visit(presented, Instant::now()) else {
        return no_randomness(response);
    };
    let id = visit.key.to_hex();
    let set_cookie = SetCookie::new(COOKIE, id.as_str())
        .max_age(cookie_lifetime(app.sessions.ttl()))
        .http_only()
        .same_site(SameSite::Lax);
    response.set_cookie(&set_cookie);
    no_store(response);
    render(
        response,
        &pages::SessionCount {
            count: visit.count,
            cookies: shown_pairs(request),
            rejected: visit.new && cookie::values(request, COOKIE).next().is_some(),
            set_cookie: shown_set_cookie(&set_cookie.to_string(), id.as_str()),
            id_start: &id.as_str()[..SHOWN],
            lifetime: in_words(app.sessions.ttl()),
        },
    );
}

/// The operating system could not give randomness for a new id. A
/// guessable id would be worse than none: refuse, and let the client retry.
fn no_randomness(response: &mut Response) {
    response.set_status(Status::SERVICE_UNAVAILABLE);
    let explanation = "The server could not draw a random session id just now. Try again in a moment.";
    render(response, &pages::ErrorPage { status: Status::SERVICE_UNAVAILABLE, explanation });
}

/// A session's idle time in words, for the page: "14 days", "1 hour",
/// "about 2 minutes" (in the largest unit that fits).
fn in_words(ttl: Duration) -> String {
    const UNITS: [(u64, &str); 4] = [(86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second")];
    let seconds = ttl.as_secs();
    let Some((size, unit)) = UNITS.into_iter().find(|&(size, _)| seconds >= size) else {
        return "less than a second".to_string();
    };
    let n = seconds / size;
    let about = if !seconds.is_multiple_of(size) || ttl.subsec_nanos() != 0 { "about " } else { "" };
    let plural = if n == 1 { "" } else { "s" };
    format!("{about}{n} {unit}{plural}")
}

/// The cookie's `Max-Age`: the session's idle time in whole seconds,
/// rounded up, because `Max-Age=0` would tell the browser to delete it.
fn cookie_lifetime(ttl: Duration) -> u64 {
    (ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0)).max(1)
}

/// "Forget me": delete the session on the server and the cookie in the
/// browser.
pub fn forget(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let ended = cookie::values(request, COOKIE).filter_map(SessionKey::parse).any(|key| app.sessions.forget(key));
    let deleted = SetCookie::deletion(COOKIE, "/");
    response.set_cookie(&deleted);
    no_store(response);
    let page =
        pages::Reset { what: "the session", set_cookie: &deleted, back: "/session_count/", ended_session: Some(ended) };
    render(response, &page);
}

/// The cookies received, with session ids cut short. A page that prints a
/// whole session id hands it to any script running in the page, which is
/// exactly what `HttpOnly` is there to prevent.
fn shown_pairs(request: &Request) -> Vec<(String, String)> {
    cookie::pairs(request)
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value);
            let value = if name == COOKIE.as_bytes() { shorten(&value) } else { value.into_owned() };
            (String::from_utf8_lossy(name).into_owned(), value)
        })
        .collect()
}

fn shown_set_cookie(header: &str, id: &str) -> String {
    header.replace(id, &shorten(id))
}

fn shorten(id: &str) -> String {
    match id.get(..SHOWN) {
        Some(start) if id.len() > SHOWN => format!("{start}…"),
        _ => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_outlives_the_session_by_less_than_a_second() {
        for (ttl, seconds) in [(0, 1), (1, 1), (999, 1), (1000, 1), (1001, 2), (1_209_600_000, 1_209_600)] {
            assert_eq!(cookie_lifetime(Duration::from_millis(ttl)), seconds, "{ttl} ms");
        }
    }

    #[test]
    fn the_idle_time_in_words() {
        let cases = [
            (1_209_600_000, "14 days"),
            (86_400_000, "1 day"),
            (3_600_000, "1 hour"),
            (5_400_000, "about 1 hour"),
            (120_000, "2 minutes"),
            (90_000, "about 1 minute"),
            (1_000, "1 second"),
            (1_500, "about 1 second"),
            (100, "less than a second"),
        ];
        for (ttl, words) in cases {
            assert_eq!(in_words(Duration::from_millis(ttl)), words, "{ttl} ms");
        }
    }
}
