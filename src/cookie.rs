//! Cookies: state the server hands to the browser to hand back (RFC 6265).
//!
//! HTTP remembers nothing between requests. A cookie is the browser's
//! memory on the server's behalf: the server sends
//!
//! ```text
//! Set-Cookie: count=42; Path=/
//! ```
//!
//! and from then on the browser adds `Cookie: count=42` to every request
//! whose path starts with `/`. Several cookies travel in one header, as
//! `Cookie: count=42; theme=dark`.
//!
//! Reading follows the browser-side algorithm of RFC 6265 §5.4 and the
//! parsing rules of RFC 6265bis, because real browsers send what that
//! algorithm produces, not always what the stricter §4.2 grammar allows.
//! Writing follows the strict grammar of RFC 6265 §4.1, and only ever
//! writes names and values the server made itself.

use crate::http::grammar::{is_cookie_octet, is_token, trim_ows};
use crate::http::{Request, Response};
use std::fmt;

/// The `Expires` date that lies in the past for every browser: a cookie
/// sent with it is deleted at once (RFC 6265 §5.3 step 3).
const THE_PAST: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

/// Every `name=value` pair of every `Cookie` header line of `request`, in
/// the order sent. Lines are read as if joined with `; `; pairs are split
/// on `;` only; whitespace around names and values is dropped; a pair is
/// split at its first `=`; pairs without `=` or without a name are
/// skipped; one pair of double quotes around a value is removed. Nothing
/// is percent-decoded: a cookie value is opaque bytes to HTTP.
pub fn pairs<'r, 'b: 'r>(request: &'r Request<'_, 'b>) -> impl Iterator<Item = (&'b [u8], &'b [u8])> + 'r {
    request.headers_named("cookie").flat_map(|line| line.split(|&b| b == b';')).filter_map(pair)
}

/// The values of every cookie called `name` (names are case-sensitive).
/// A browser may send one name twice, for cookies set on different paths,
/// most specific path first.
pub fn values<'r, 'b: 'r>(request: &'r Request<'_, 'b>, name: &'r str) -> impl Iterator<Item = &'b [u8]> + 'r {
    pairs(request).filter(move |(n, _)| *n == name.as_bytes()).map(|(_, v)| v)
}

/// Splits one `name=value` piece of a `Cookie` header.
fn pair(piece: &[u8]) -> Option<(&[u8], &[u8])> {
    let eq = piece.iter().position(|&b| b == b'=')?;
    let name = trim_ows(&piece[..eq]);
    let value = trim_ows(&piece[eq + 1..]);
    let value = match value {
        [b'"', inner @ .., b'"'] => inner,
        _ => value,
    };
    (!name.is_empty()).then_some((name, value))
}

/// The `SameSite` attribute (RFC 6265bis §5.6.7): whether the browser sends
/// the cookie on requests that another site started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// Only on requests from this site, and on top-level navigation to it.
    Lax,
    /// Only on requests from this site.
    Strict,
}

/// One `Set-Cookie` header: a cookie and the attributes that tell the
/// browser how long to keep it and where to send it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookie<'a> {
    /// A token (RFC 6265 §4.1.1), checked by [`SetCookie::new`].
    name: &'a str,
    /// Cookie-octets only, checked by [`SetCookie::new`].
    value: &'a str,
    /// The cookie comes back on requests under this path.
    path: &'a str,
    /// Seconds the browser keeps it; without it, until the browser closes.
    max_age: Option<u64>,
    /// `Expires`, for browsers too old to know `Max-Age`.
    expires: Option<&'a str>,
    /// Hidden from the page's JavaScript (`document.cookie`).
    http_only: bool,
    /// Whether the browser sends it on requests that other sites start.
    same_site: Option<SameSite>,
}

impl<'a> SetCookie<'a> {
    /// A cookie for the whole site (`Path=/`) that lasts until the browser
    /// closes. The name must be a token and the value cookie-octets only:
    /// anything else is a bug in the caller, and stops the request.
    pub fn new(name: &'a str, value: &'a str) -> Self {
        assert!(is_token(name.as_bytes()), "cookie name is not a token");
        assert!(value.bytes().all(is_cookie_octet), "cookie value has a byte outside cookie-octet");
        SetCookie { name, value, path: "/", max_age: None, expires: None, http_only: false, same_site: None }
    }

    /// The header that deletes the cookie `name` set on `path`: an empty
    /// value that expired long ago. The path must match the one the cookie
    /// was set with, or the browser keeps the original.
    pub fn deletion(name: &'a str, path: &'a str) -> Self {
        SetCookie { path, max_age: Some(0), expires: Some(THE_PAST), ..SetCookie::new(name, "") }
    }

    /// Keep the cookie for this many seconds.
    pub fn max_age(self, seconds: u64) -> Self {
        SetCookie { max_age: Some(seconds), ..self }
    }

    /// Keep the cookie away from JavaScript.
    pub fn http_only(self) -> Self {
        SetCookie { http_only: true, ..self }
    }

    pub fn same_site(self, same_site: SameSite) -> Self {
        SetCookie { same_site: Some(same_site), ..self }
    }
}

/// The header value: `name=value; Path=/; Max-Age=0; ...`.
impl fmt::Display for SetCookie<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}; Path={}", self.name, self.value, self.path)?;
        if let Some(seconds) = self.max_age {
            write!(f, "; Max-Age={seconds}")?;
        }
        if let Some(date) = self.expires {
            write!(f, "; Expires={date}")?;
        }
        if self.http_only {
            f.write_str("; HttpOnly")?;
        }
        match self.same_site {
            Some(SameSite::Lax) => f.write_str("; SameSite=Lax"),
            Some(SameSite::Strict) => f.write_str("; SameSite=Strict"),
            None => Ok(()),
        }
    }
}

impl Response {
    /// Adds a `Set-Cookie` header line.
    pub fn set_cookie(&mut self, cookie: &SetCookie) {
        self.header_display("Set-Cookie", cookie);
    }
}

#[cfg(test)]
mod conformance;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::request::{Parsed, parse};
    use std::mem::MaybeUninit;

    /// The pairs a request with these `Cookie` lines yields.
    fn parsed_pairs(lines: &[&[u8]]) -> Vec<(String, String)> {
        let mut head = b"GET / HTTP/1.1\r\nHost: a\r\n".to_vec();
        for line in lines {
            head.extend_from_slice(b"Cookie:");
            head.extend_from_slice(line);
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        let mut slots = [const { MaybeUninit::uninit() }; 16];
        let Ok(Parsed::Complete(request, _)) = parse(&head, &mut slots) else { panic!("{head:?}") };
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        pairs(&request).map(|(n, v)| (text(n), text(v))).collect()
    }

    /// `Cookie` header lines, and the pairs they hold.
    type Case<'a> = (&'a [&'a [u8]], &'a [(&'a str, &'a str)]);

    #[test]
    fn cookie_header_parsing() {
        let cases: &[Case] = &[
            (&[b" count=41"], &[("count", "41")]),
            (&[b"count=41; theme=dark"], &[("count", "41"), ("theme", "dark")]),
            (&[b"count=41;theme=dark"], &[("count", "41"), ("theme", "dark")]),
            (&[b"  count  =  41  ;  theme=dark  "], &[("count", "41"), ("theme", "dark")]),
            (&[b"\tcount\t=\t41\t"], &[("count", "41")]),
            (&[b"count=41", b"theme=dark"], &[("count", "41"), ("theme", "dark")]),
            (&[b"a=1=2"], &[("a", "1=2")]),
            (&[b"a="], &[("a", "")]),
            (&[b"a=\"quoted\""], &[("a", "quoted")]),
            (&[b"a=\"\"x\"\""], &[("a", "\"x\"")]),
            (&[b"a=\""], &[("a", "\"")]),
            (&[b"a=%34%32"], &[("a", "%34%32")]),
            (&[b"a=x\\y"], &[("a", "x\\y")]),
            (&[b"a=1, b=2"], &[("a", "1, b=2")]),
            (&[b"Count=1; count=2"], &[("Count", "1"), ("count", "2")]),
            (&[b";;; ;"], &[]),
            (&[b"novalue; a=1"], &[("a", "1")]),
            (&[b"=nameless; a=1"], &[("a", "1")]),
            (&[b""], &[]),
        ];
        for (lines, expected) in cases {
            let expected: Vec<(String, String)> =
                expected.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
            assert_eq!(parsed_pairs(lines), expected, "{lines:?}");
        }
    }

    #[test]
    fn set_cookie_formatting() {
        let cases = [
            (SetCookie::new("count", "42"), "count=42; Path=/"),
            (
                SetCookie::deletion("testcookie", "/"),
                "testcookie=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            ),
            (
                SetCookie::new("sessionid", "abc").max_age(60).http_only().same_site(SameSite::Lax),
                "sessionid=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax",
            ),
            (SetCookie::new("a", "b").same_site(SameSite::Strict), "a=b; Path=/; SameSite=Strict"),
        ];
        for (cookie, text) in cases {
            assert_eq!(cookie.to_string(), text);
        }
    }

    #[test]
    #[should_panic(expected = "cookie-octet")]
    fn a_value_that_could_end_the_header_is_refused() {
        SetCookie::new("count", "1; Path=/evil");
    }

    #[test]
    #[should_panic(expected = "not a token")]
    fn a_name_must_be_a_token() {
        SetCookie::new("co unt", "1");
    }

    #[test]
    fn set_cookie_reaches_the_response_as_one_header_line() {
        let mut response = Response::default();
        response.set_cookie(&SetCookie::new("count", "1"));
        assert_eq!(response.header_lines(), b"Set-Cookie: count=1; Path=/\r\n");
    }
}
