//! Showing a client what it sent: the `Cookie` lines, the request line,
//! the query, the body, on a page or in the JSON of `/inspect/`.
//!
//! Two rules hold for every echo. Templates escape every value for HTML,
//! so what a client sent shows as text and never as markup. And no page
//! prints a whole `HttpOnly` cookie that this server set (`sessionid`):
//! `HttpOnly` keeps the id away from the page's scripts, and a page that
//! printed it would hand it back to any script on the site that fetched
//! the page. Its value is cut to its first characters instead, enough to
//! tell two ids apart.

use super::exchange::{Line, Prose, RequestLine, prose};
use super::sessions;
use crate::cookie;
use crate::http::Request;
use crate::http::grammar::trim_ows;
use std::borrow::Cow;
use std::ops::Range;

/// Cookies this server sets with `HttpOnly`, whose values no page prints
/// whole.
pub const HTTP_ONLY_COOKIES: &[&str] = &[sessions::COOKIE];

/// Characters of a masked value that are shown.
pub const SHOWN: usize = 6;

/// Why values are masked, in a sentence for pages and JSON.
pub const WHY_MASKED: &str = "sessionid is cut short: this server sets it HttpOnly, so that no script in a page can \
                              read it, and a page that printed it whole would hand it to any script that fetched \
                              the page.";

/// Whether a cookie of this name is one of the server's `HttpOnly` ones.
pub fn is_masked(name: &[u8]) -> bool {
    HTTP_ONLY_COOKIES.iter().any(|masked| masked.as_bytes() == name)
}

/// Whether any cookie of the request is one that pages cut short.
pub fn masks_any(request: &Request) -> bool {
    cookie::pairs(request).any(|(name, _)| is_masked(name))
}

/// A value cut to its first characters and an ellipsis.
pub fn masked(value: &str) -> String {
    let end = value.char_indices().nth(SHOWN).map_or(value.len(), |(i, _)| i);
    if end == value.len() { value.to_string() } else { [&value[..end], "…"].concat() }
}

/// A cookie's value as a page may show it.
pub fn cookie_value<'b>(name: &[u8], value: &'b [u8]) -> Cow<'b, str> {
    let text = String::from_utf8_lossy(value);
    if is_masked(name) { Cow::Owned(masked(&text)) } else { text }
}

/// Every cookie pair of every `Cookie` line, in order, as a page may show
/// them.
pub fn cookie_pairs<'b>(request: &Request<'_, 'b>) -> Vec<(Cow<'b, str>, Cow<'b, str>)> {
    cookie::pairs(request).map(|(name, value)| (String::from_utf8_lossy(name), cookie_value(name, value))).collect()
}

/// A header's value as a page may show it: a `Cookie` line with the
/// server's `HttpOnly` cookies cut short, anything else as received.
pub fn header_value<'b>(name: &str, value: &'b [u8]) -> Cow<'b, str> {
    if name.eq_ignore_ascii_case("cookie") { masked_cookie_text(value) } else { String::from_utf8_lossy(value) }
}

/// Part of a `Cookie` line as text, with the server's `HttpOnly` cookies
/// cut short and everything else exactly as sent.
fn masked_cookie_text(text: &[u8]) -> Cow<'_, str> {
    let masks = |piece: &[u8]| cookie::pair(piece).is_some_and(|(name, _)| is_masked(name));
    if !text.split(|&b| b == b';').any(masks) {
        return String::from_utf8_lossy(text);
    }
    let mut shown = String::with_capacity(text.len());
    for (i, piece) in text.split(|&b| b == b';').enumerate() {
        if i > 0 {
            shown.push(';');
        }
        shown.push_str(&masked_piece(piece));
    }
    Cow::Owned(shown)
}

/// One `name=value` piece, its value cut short if it is to be masked,
/// the spaces around it kept.
fn masked_piece(piece: &[u8]) -> Cow<'_, str> {
    match (cookie::pair(piece), piece.iter().position(|&b| b == b'=')) {
        (Some((name, value)), Some(eq)) if is_masked(name) => {
            let after_eq = &piece[eq + 1..];
            let lead = after_eq.len() - after_eq.trim_ascii_start().len();
            let trail = after_eq.len() - after_eq.trim_ascii_end().len();
            let text = |bytes| String::from_utf8_lossy(bytes);
            let tail = &after_eq[after_eq.len() - trail..];
            let parts = [text(&piece[..eq + 1]), text(&after_eq[..lead]), Cow::Owned(masked(&text(value))), text(tail)];
            Cow::Owned(parts.concat())
        }
        _ => String::from_utf8_lossy(piece),
    }
}

/// The request's `Cookie` lines for the picture, as `Cookie: ...` lines,
/// the server's `HttpOnly` cookies cut short, and the first pair that
/// `marks` picks (by name and value) marked. No `Cookie` line at all is
/// one line saying so.
pub fn cookie_lines<'b>(request: &Request<'_, 'b>, marks: impl Fn(&[u8], &[u8]) -> bool) -> Vec<Line<'b>> {
    let mut marked = false;
    let mut lines = Vec::with_capacity(request.headers_named("cookie").count().max(1));
    lines.extend(request.headers_named("cookie").map(|line| {
        let found = if marked { None } else { marked_piece_range(line, &marks) };
        marked |= found.is_some();
        cookie_line(line, found)
    }));
    if lines.is_empty() {
        lines.push(Line::prose(prose!("(no Cookie header)")));
    }
    lines
}

/// Where in a `Cookie` line the first pair that `marks` picks is, spaces
/// around it left out.
fn marked_piece_range(line: &[u8], marks: &impl Fn(&[u8], &[u8]) -> bool) -> Option<Range<usize>> {
    let mut start = 0;
    for piece in line.split(|&b| b == b';') {
        if cookie::pair(piece).is_some_and(|(name, value)| marks(name, value)) {
            let lead = piece.len() - piece.trim_ascii_start().len();
            let trimmed = trim_ows(piece).len();
            return Some(start + lead..start + lead + trimmed);
        }
        start += piece.len() + 1;
    }
    None
}

fn cookie_line(line: &[u8], marked: Option<Range<usize>>) -> Line<'_> {
    match marked {
        None => Line::text(prose!("Cookie: "), masked_cookie_text(line)),
        Some(range) => Line::with_mark(
            prose!("Cookie: "),
            masked_cookie_text(&line[..range.start]),
            masked_cookie_text(&line[range.clone()]),
            masked_cookie_text(&line[range.end..]),
        ),
    }
}

/// The request line, `GET /count_view/ HTTP/1.1`, with nothing marked.
pub fn request_line<'b>(request: &Request<'_, 'b>) -> RequestLine<'b> {
    RequestLine {
        method: Prose::new(request.method.as_str()),
        before: request.target,
        mark: "",
        after: "",
        version: Prose::new(request.version.as_str()),
    }
}

/// The request line with one field of its query marked: the first
/// `name=value` piece whose decoded name is `name` and whose decoded value
/// `marks` picks (the one the page read), exactly as it was sent.
pub fn request_line_marking<'b>(
    request: &Request<'_, 'b>,
    name: &str,
    marks: impl Fn(&str) -> bool,
) -> RequestLine<'b> {
    let line = request_line(request);
    let query_start = request.target.len() - request.query.map_or(0, |q| q.len());
    let Some(range) = request.query.and_then(|query| field_range(query, name, marks)) else {
        return line;
    };
    let target = request.target;
    let (start, end) = (query_start + range.start, query_start + range.end);
    RequestLine { before: &target[..start], mark: &target[start..end], after: &target[end..], ..line }
}

/// Where in a urlencoded text (a query or a form body) the first field
/// called `name` whose value `marks` picks is, both percent-decoded first.
pub fn field_range(urlencoded: &str, name: &str, marks: impl Fn(&str) -> bool) -> Option<Range<usize>> {
    let mut start = 0;
    for piece in urlencoded.split('&') {
        let picked = form_urlencoded::parse(piece.as_bytes()).next().is_some_and(|(n, v)| n == name && marks(&v));
        if picked {
            return Some(start..start + piece.len());
        }
        start += piece.len() + 1;
    }
    None
}

/// A urlencoded text with one field marked (see [`field_range`]).
pub fn marking_field<'b>(head: Prose, text: &'b str, name: &str, marks: impl Fn(&str) -> bool) -> Line<'b> {
    match field_range(text, name, marks) {
        Some(range) => Line::with_mark(head, &text[..range.start], &text[range.clone()], &text[range.end..]),
        None => Line::text(head, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::request::{Parsed, parse};
    use std::mem::MaybeUninit;

    /// What `f` makes of a request with these `Cookie` lines.
    fn with_cookies<T>(lines: &[&str], f: impl FnOnce(&Request) -> T) -> T {
        let mut head = "GET /a/?count=1&x=2 HTTP/1.1\r\nHost: a\r\n".to_string();
        for line in lines {
            head.push_str(&format!("Cookie: {line}\r\n"));
        }
        head.push_str("\r\n");
        let mut slots = [const { MaybeUninit::uninit() }; 16];
        let Ok(Parsed::Complete(request, _)) = parse(head.as_bytes(), &mut slots) else { panic!("{head}") };
        f(&request)
    }

    fn shown(line: &Line) -> String {
        if line.mark.is_empty() {
            format!("{}{}", line.head, line.before)
        } else {
            format!("{}{}[{}]{}", line.head, line.before, line.mark, line.after)
        }
    }

    #[test]
    fn session_ids_are_cut_short_wherever_they_are_shown() {
        let id = "0123456789abcdef0123456789abcdef";
        let cases = [
            (format!("sessionid={id}"), "sessionid=012345…".to_string()),
            (format!("a=1;  sessionid = \"{id}\" ; b=2"), "a=1;  sessionid = 012345… ; b=2".to_string()),
            (format!("sessionid={id}; sessionid=x"), "sessionid=012345…; sessionid=x".to_string()),
            ("count=1; theme=dark".to_string(), "count=1; theme=dark".to_string()),
            ("SessionId=0123456789".to_string(), "SessionId=0123456789".to_string()),
            ("sessionid=ééééééééé".to_string(), "sessionid=éééééé…".to_string()),
        ];
        for (line, expected) in cases {
            assert_eq!(header_value("Cookie", line.as_bytes()), expected, "{line}");
            assert_eq!(header_value("X-Other", line.as_bytes()), line, "only Cookie lines are masked");
            let pairs = with_cookies(&[&line], |r| format!("{:?}", cookie_pairs(r)));
            assert!(!pairs.contains(id), "{pairs}");
        }
    }

    #[test]
    fn the_first_picked_cookie_is_marked_across_lines() {
        let picked = |name: &[u8], value: &[u8]| name == b"count" && value != b"abc";
        let cases: &[(&[&str], &[&str])] = &[
            (&["count=41"], &["Cookie: [count=41]"]),
            (&["theme=dark;  count=41 ; x=1"], &["Cookie: theme=dark;  [count=41] ; x=1"]),
            (&["count=abc; count=7"], &["Cookie: count=abc; [count=7]"]),
            (&["a=1", "count=7; count=8"], &["Cookie: a=1", "Cookie: [count=7]; count=8"]),
            (&["count=7", "count=8"], &["Cookie: [count=7]", "Cookie: count=8"]),
            (&["sessionid=0123456789abcdef; count=2"], &["Cookie: sessionid=012345…; [count=2]"]),
            (&[], &["(no Cookie header)"]),
        ];
        for (lines, expected) in cases {
            let got: Vec<String> = with_cookies(lines, |r| cookie_lines(r, picked).iter().map(shown).collect());
            assert_eq!(got, *expected, "{lines:?}");
        }
        let session = |name: &[u8], _: &[u8]| name == b"sessionid";
        let got = with_cookies(&["sessionid=0123456789abcdef"], |r| shown(&cookie_lines(r, session)[0]));
        assert_eq!(got, "Cookie: [sessionid=012345…]");
    }

    #[test]
    fn a_query_field_is_marked_as_sent() {
        let valid = |v: &str| v == "41";
        let cases = [
            ("count=41", Some(0..8)),
            ("x=1&count=41", Some(4..12)),
            ("count=abc&count=%34%31", Some(10..22)),
            ("count=4", None),
            ("counter=41", None),
            ("", None),
        ];
        for (query, expected) in cases {
            assert_eq!(field_range(query, "count", valid), expected, "{query}");
        }
        let shown_line = |line: RequestLine| {
            let target = if line.mark.is_empty() {
                line.before.to_string()
            } else {
                format!("{}[{}]{}", line.before, line.mark, line.after)
            };
            format!("{} {target} {}", line.method, line.version)
        };
        let line = with_cookies(&[], |r| shown_line(request_line_marking(r, "count", |v| v == "1")));
        assert_eq!(line, "GET /a/?[count=1]&x=2 HTTP/1.1");
        let line = with_cookies(&[], |r| shown_line(request_line_marking(r, "count", |v| v == "9")));
        assert_eq!(line, "GET /a/?count=1&x=2 HTTP/1.1");
    }
}
