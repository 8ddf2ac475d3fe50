//! `/session_count/`: the state on the server, found by an id in a cookie.
//!
//! The browser holds `sessionid=<random id>`; the count sits in the
//! server's [`SessionStore`]. The user
//! can no longer change the count, only present an id; the server must now
//! remember every visitor. In memory (the default) it loses them all when
//! it restarts, and a second server does not know them; in SQLite or Redis
//! they outlive the process, and the servers that share the store share
//! them.
//!
//! `/session_count/cycle/` ("log in") moves the session to a new id and
//! keeps its count, and `/session_count/forget/` ends it. A store that
//! cannot be reached costs these pages a `503`, and no other page anything.

use super::echo;
use super::exchange::{Exchange, Line, prose};
use super::session_store::{SessionKey, SessionStore, StoreError, Visit};
use super::{App, error_page, no_store, ok_line, pages, render, routes, set_cookie_line};
use crate::cookie::{self, SameSite, SetCookie};
use crate::http::response::Decimal;
use crate::http::{Request, Response, Status};
use std::time::Duration;

pub const COOKIE: &str = "sessionid";

/// The page's path, for its place on the index.
const PATH: &str = "/session_count/";

/// Counts a visit to the session the `sessionid` cookie names, or starts
/// one, and shows both sides of the exchange.
pub fn page(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let visit = match app.sessions.visit(presented(request)) {
        Ok(visit) => visit,
        Err(error) => return cannot_answer(app, error, response),
    };
    let id = visit.key.to_hex();
    // The page shows the id cut short, in the Set-Cookie line too.
    let shown_id = echo::masked(id.as_str());
    let header = set_session_cookie(app, response, id.as_str(), &shown_id);
    no_store(response);
    let rejected = visit.new && cookie::values(request, COOKIE).next().is_some();
    let place = app.sessions.place();
    let exchange = picture(request, &visit, rejected, &shown_id, place, &header);
    let page = pages::SessionCount {
        walk: routes::walk(PATH),
        count: visit.count,
        rejected,
        lifetime: in_words(app.sessions.ttl()),
        store: app.sessions.kind(),
        exchange,
        served_by: app.name(),
    };
    render(response, &page);
}

/// This exchange: the id that came (marked), the store's entry for it, and
/// the id going back.
fn picture<'a>(
    request: &Request<'_, 'a>,
    visit: &Visit,
    rejected: bool,
    shown_id: &'a str,
    place: &'a str,
    header: &'a str,
) -> Exchange<'a> {
    let live = |value: &[u8]| SessionKey::parse(value) == Some(visit.key) && !visit.new;
    let sent = echo::cookie_lines(request, |name, value| name == COOKIE.as_bytes() && live(value));
    let (sent_note, found) = match (visit.new, rejected) {
        (false, _) => (
            prose!("The id the previous response set. Only the id travels; the count stays on the server."),
            Line::text(
                prose!("finds session "),
                [shown_id, " in ", place, ": count ", Decimal::new(visit.count - 1).as_str()].concat(),
            ),
        ),
        (true, true) => (
            prose!("A session id this server does not know (never issued, expired or forgotten): not adopted."),
            Line::text(prose!("starts a new session with a new random id, "), shown_id),
        ),
        (true, false) => (
            prose!("No session id: a new visitor."),
            Line::text(prose!("starts a new session with a random id, "), shown_id),
        ),
    };
    Exchange {
        request: echo::request_line(request),
        masked: echo::masks_any(request),
        sent,
        sent_note,
        server: vec![
            found,
            Line::with_mark(
                prose!("keeps in "),
                [place, ": ", shown_id, " → count "].concat(),
                Decimal::new(visit.count).as_str().to_string(),
                "",
            ),
        ],
        status: ok_line(),
        answered: vec![set_cookie_line(header)],
        answer_note: prose!(
            "Your browser keeps the id (HttpOnly: out of reach of the page's scripts) and sends it back with \
             every request; the count never leaves the server."
        ),
    }
}

/// The valid-looking ids among the `sessionid` cookies, in order.
fn presented<'r>(request: &'r Request) -> impl Iterator<Item = SessionKey> + 'r {
    cookie::values(request, COOKIE).filter_map(SessionKey::parse)
}

/// Sends the cookie that carries a session's id, and gives back its
/// header as the pages show it, with `shown_id` for the id. Both are
/// `sessionid=<id>` and attributes that are the same for every session,
/// made once at start ([`cookie_attributes`]).
fn set_session_cookie(app: &App, response: &mut Response, id: &str, shown_id: &str) -> String {
    response.header("Set-Cookie", &[COOKIE, "=", id, &app.session_cookie_attributes].concat());
    [COOKIE, "=", shown_id, &app.session_cookie_attributes].concat()
}

/// The attributes every session cookie carries.
fn with_attributes<'a>(sessions: &SessionStore, cookie: SetCookie<'a>) -> SetCookie<'a> {
    cookie.max_age(whole_seconds(sessions.ttl())).http_only().same_site(SameSite::Lax)
}

/// What follows `sessionid=<id>` in every session cookie.
pub(super) fn cookie_attributes(sessions: &SessionStore) -> String {
    let header = with_attributes(sessions, SetCookie::new(COOKIE, "")).to_header();
    header[COOKIE.len() + 1..].to_string()
}

/// The session page cannot answer just now: `503` (RFC 9110 §15.6.4),
/// with `Retry-After` (§10.2.3) and a page that says why.
fn cannot_answer(app: &App, error: StoreError, response: &mut Response) {
    let explanation = match error {
        // A guessable id would be worse than none: refuse, and let the
        // client retry.
        StoreError::NoRandomness => {
            "The server could not draw a random session id just now. Try again in a moment.".to_string()
        }
        StoreError::Unavailable => format!(
            "The sessions are kept in {}, which is not answering just now. This page needs it; the other pages \
             do not, and still work. Try again in a moment: your session is still there once the store answers.",
            app.sessions.place()
        ),
    };
    response.header_display("Retry-After", whole_seconds(app.sessions.backoff()));
    no_store(response);
    error_page(app, response, Status::SERVICE_UNAVAILABLE, &explanation);
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

/// A duration in whole seconds, rounded up and at least 1: for the
/// cookie's `Max-Age`, the session's idle time (`Max-Age=0` would tell the
/// browser to delete it), and for `Retry-After`.
fn whole_seconds(duration: Duration) -> u64 {
    (duration.as_secs() + u64::from(duration.subsec_nanos() > 0)).max(1)
}

/// "Forget me": delete the session on the server and the cookie in the
/// browser.
pub fn forget(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let ended = match app.sessions.forget(presented(request)) {
        Ok(ended) => ended,
        Err(error) => return cannot_answer(app, error, response),
    };
    let deleted = SetCookie::deletion(COOKIE, "/");
    response.set_cookie(&deleted);
    no_store(response);
    let page = pages::Reset {
        what: "the session",
        set_cookie: &deleted,
        back: "/session_count/",
        ended_session: Some(ended),
        served_by: app.name(),
    };
    render(response, &page);
}

/// "Log in": the session gets a new id and keeps its count, and the old id
/// is worth nothing from now on. Sites do this whenever a session gains
/// privileges, so that an id an attacker planted or saw before the login
/// (session fixation) opens nothing after it.
pub fn cycle(app: &App, request: &Request, _body: &[u8], response: &mut Response) {
    let cycle = match app.sessions.cycle(presented(request)) {
        Ok(cycle) => cycle,
        Err(error) => return cannot_answer(app, error, response),
    };
    no_store(response);
    let Some(cycle) = cycle else {
        let page = pages::SessionCycle { moved: None, set_cookie: None, served_by: app.name() };
        return render(response, &page);
    };
    let (old, new) = (cycle.old.to_hex(), cycle.new.to_hex());
    let shown = set_session_cookie(app, response, new.as_str(), &echo::masked(new.as_str()));
    let page = pages::SessionCycle {
        moved: Some((&old.as_str()[..echo::SHOWN], &new.as_str()[..echo::SHOWN], cycle.count)),
        set_cookie: Some(shown),
        served_by: app.name(),
    };
    render(response, &page);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_attributes_made_once_are_the_ones_a_session_cookie_writes() {
        let app = App::new(&crate::Config::default()).unwrap();
        let id = "0123456789abcdef0123456789abcdef";
        let made_once = [COOKIE, "=", id, &app.session_cookie_attributes].concat();
        assert_eq!(made_once, with_attributes(&app.sessions, SetCookie::new(COOKIE, id)).to_header());
        assert_eq!(made_once, format!("sessionid={id}; Path=/; Max-Age=1209600; HttpOnly; SameSite=Lax"));
    }

    #[test]
    fn the_cookie_outlives_the_session_by_less_than_a_second() {
        for (ttl, seconds) in [(0, 1), (1, 1), (999, 1), (1000, 1), (1001, 2), (1_209_600_000, 1_209_600)] {
            assert_eq!(whole_seconds(Duration::from_millis(ttl)), seconds, "{ttl} ms");
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
