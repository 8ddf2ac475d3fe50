//! `/session_count/`: the state on the server, found by an id in a cookie.
//!
//! The browser holds `sessionid=<random id>`; the count sits in the
//! server's [`SessionStore`](super::session_store::SessionStore). The user
//! can no longer change the count, only present an id; the server must now
//! remember every visitor, loses them all when it restarts (the store is in
//! memory), and a second server would need a shared store to see them.

use super::echo;
use super::exchange::{Exchange, Line, Prose, prose};
use super::session_store::{SessionKey, Visit};
use super::{App, no_store, ok_line, pages, render, routes, set_cookie_line};
use crate::cookie::{self, SameSite, SetCookie};
use crate::http::{Request, Response, Status};
use std::time::{Duration, Instant};

pub const COOKIE: &str = "sessionid";

/// The page's path, for its place on the index.
const PATH: &str = "/session_count/";

/// Where this server keeps its sessions, as the page says it.
const STORE: &str = "its memory";

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
    let rejected = visit.new && cookie::values(request, COOKIE).next().is_some();
    // The page shows the id cut short, in the Set-Cookie line too.
    let shown_id = echo::masked(id.as_str());
    let header = set_cookie.to_string().replace(id.as_str(), &shown_id);
    let exchange = picture(request, &visit, rejected, &shown_id, &header);
    let lifetime = in_words(app.sessions.ttl());
    render(
        response,
        &pages::SessionCount {
            walk: routes::walk(PATH),
            count: visit.count,
            rejected,
            store: STORE,
            lifetime,
            exchange,
        },
    );
}

/// This exchange: the id that came (marked), the store's entry for it, and
/// the id going back.
fn picture<'a>(
    request: &Request<'_, 'a>,
    visit: &Visit,
    rejected: bool,
    shown_id: &str,
    header: &'a str,
) -> Exchange<'a> {
    let mut sent = Vec::with_capacity(3);
    let live = |value: &[u8]| SessionKey::parse(value) == Some(visit.key) && !visit.new;
    sent.extend(echo::cookie_lines(request, |name, value| name == COOKIE.as_bytes() && live(value)));
    let (sent_note, found) = match (visit.new, rejected) {
        (false, _) => (
            "The id the previous response set. Only the id travels; the count stays on the server.",
            Line::text(prose!(""), format!("finds session {shown_id} in {STORE}: count {}", visit.count - 1)),
        ),
        (true, true) => (
            "A session id this server does not know (never issued, expired or forgotten): not adopted.",
            Line::text(prose!(""), format!("starts a new session with a new random id, {shown_id}")),
        ),
        (true, false) => (
            "No session id: a new visitor.",
            Line::text(prose!(""), format!("starts a new session with a random id, {shown_id}")),
        ),
    };
    Exchange {
        request: echo::request_line(request),
        sent,
        sent_note: Prose::new(sent_note),
        server: vec![
            found,
            Line::with_mark(prose!(""), format!("keeps in {STORE}: {shown_id} → count "), visit.count.to_string(), ""),
        ],
        status: ok_line(),
        answered: vec![set_cookie_line(header)],
        answer_note: prose!(
            "Your browser keeps the id (HttpOnly: out of reach of the page's scripts) and sends it back \
                      with every request; the count never leaves the server."
        ),
    }
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
