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
//! Writing follows the strict grammar of RFC 6265 §4.1: every name, value
//! and attribute is checked against its [`Rule`] before it can be written,
//! whether the server made it or a learner typed it into the cookie lab.

use crate::http::grammar::{is_cookie_octet, is_token, trim_ows};
use crate::http::response::Decimal;
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
pub fn pair(piece: &[u8]) -> Option<(&[u8], &[u8])> {
    let eq = piece.iter().position(|&b| b == b'=')?;
    let name = trim_ows(&piece[..eq]);
    let value = trim_ows(&piece[eq + 1..]);
    let value = match value {
        [b'"', inner @ .., b'"'] => inner,
        _ => value,
    };
    (!name.is_empty()).then_some((name, value))
}

/// The most bytes one cookie may take, name, value and attributes
/// together: the size every browser must keep (RFC 6265 §6.1). Browsers
/// drop a larger cookie without a word, which is why a server should
/// refuse to send one.
pub const MAX_COOKIE_BYTES: usize = 4096;

/// The most bytes one attribute's value may take (RFC 6265bis §5.6):
/// browsers ignore a longer one.
pub const MAX_ATTRIBUTE_BYTES: usize = 1024;

/// A rule that a cookie to be set breaks. Every cookie this server sends is
/// checked against these first, so a name or value that could end the
/// header (`;`, `,`, CR, LF) never reaches one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// The name is not a token.
    NameNotToken,
    /// The value holds a byte outside cookie-octet.
    ValueNotCookieOctets,
    /// `Path` does not start with `/`.
    PathNotAbsolute,
    /// `Path` holds a control character, a space, `;` or `,`.
    PathBadByte,
    /// `Domain` is not a host name.
    DomainNotHostName,
    /// `Max-Age` is not a whole number of seconds.
    MaxAgeNotDigits,
    /// `Expires` is not a date in the form HTTP uses.
    ExpiresNotHttpDate,
    /// `SameSite` is not `Strict`, `Lax` or `None`.
    SameSiteUnknown,
    /// `SameSite=None` without `Secure`.
    SameSiteNoneWithoutSecure,
    /// A `__Secure-` name without `Secure`.
    SecurePrefix,
    /// A `__Host-` name without `Secure`, with a `Domain`, or with a
    /// `Path` other than `/`.
    HostPrefix,
    /// An attribute's value is longer than [`MAX_ATTRIBUTE_BYTES`].
    AttributeTooLong,
    /// The whole cookie is longer than [`MAX_COOKIE_BYTES`].
    CookieTooLong,
}

impl Rule {
    /// The rule, in a sentence a learner can act on.
    pub fn text(self) -> &'static str {
        match self {
            Rule::NameNotToken => {
                "A cookie's name must be a token: one or more letters, digits and ! # $ % & ' * + - . ^ _ ` | ~, \
                 and nothing else (no space, =, ;, comma, quote, control character or non-ASCII letter)."
            }
            Rule::ValueNotCookieOctets => {
                "A cookie's value may hold only visible ASCII characters other than space, \" , ; and \\, \
                 optionally inside one pair of double quotes. Encode anything else (percent- or base64-encoding)."
            }
            Rule::PathNotAbsolute => "Path must start with /: a browser ignores any other path.",
            Rule::PathBadByte => {
                "Path may hold only visible ASCII characters other than ; and comma (no space, no control character)."
            }
            Rule::DomainNotHostName => {
                "Domain must be a host name: labels of letters, digits and hyphens, separated by dots."
            }
            Rule::MaxAgeNotDigits => {
                "Max-Age must be a whole number of seconds, written as digits without a sign or leading zeros \
                 (0 deletes the cookie)."
            }
            Rule::ExpiresNotHttpDate => {
                "Expires must be a date in the form HTTP uses, in GMT: Wed, 21 Oct 2026 07:28:00 GMT."
            }
            Rule::SameSiteUnknown => "SameSite must be Strict, Lax or None.",
            Rule::SameSiteNoneWithoutSecure => {
                "A cookie with SameSite=None must be Secure: browsers drop it otherwise."
            }
            Rule::SecurePrefix => {
                "A cookie whose name starts with __Secure- must be Secure: browsers drop it otherwise."
            }
            Rule::HostPrefix => {
                "A cookie whose name starts with __Host- must be Secure, have Path=/ and no Domain: browsers drop \
                 it otherwise."
            }
            Rule::AttributeTooLong => "An attribute's value may be at most 1024 bytes: browsers ignore a longer one.",
            Rule::CookieTooLong => {
                "A whole cookie (name, value and attributes) may be at most 4096 bytes: browsers drop a larger one \
                 without a word."
            }
        }
    }

    /// Where the rule is written.
    pub fn source(self) -> &'static str {
        match self {
            Rule::NameNotToken => "RFC 6265 §4.1.1 (cookie-name = token, RFC 9110 §5.6.2)",
            Rule::ValueNotCookieOctets => "RFC 6265 §4.1.1 (cookie-value, cookie-octet)",
            Rule::PathNotAbsolute => "RFC 6265 §5.2.4",
            Rule::PathBadByte => "RFC 6265 §4.1.1 (path-value), kept to what every parser agrees on",
            Rule::DomainNotHostName => "RFC 6265 §4.1.1 (domain-value), RFC 1034 §3.5",
            Rule::MaxAgeNotDigits => "RFC 6265 §4.1.1 (max-age-av), §5.2.2",
            Rule::ExpiresNotHttpDate => "RFC 6265 §4.1.1 (sane-cookie-date), RFC 9110 §5.6.7 (IMF-fixdate)",
            Rule::SameSiteUnknown => "RFC 6265bis §4.1.2.7",
            Rule::SameSiteNoneWithoutSecure => "RFC 6265bis §5.6.7, as browsers enforce it",
            Rule::SecurePrefix => "RFC 6265bis §4.1.3.1",
            Rule::HostPrefix => "RFC 6265bis §4.1.3.2",
            Rule::AttributeTooLong => "RFC 6265bis §5.6",
            Rule::CookieTooLong => "RFC 6265 §6.1",
        }
    }
}

/// `cookie-name = token`.
pub fn check_name(name: &str) -> Result<(), Rule> {
    if is_token(name.as_bytes()) { Ok(()) } else { Err(Rule::NameNotToken) }
}

/// `cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )`.
pub fn check_value(value: &str) -> Result<(), Rule> {
    let inner = match value.as_bytes() {
        [b'"', inner @ .., b'"'] => inner,
        bytes => bytes,
    };
    if inner.iter().all(|&b| is_cookie_octet(b)) { Ok(()) } else { Err(Rule::ValueNotCookieOctets) }
}

/// A `Path`: `/` and then visible ASCII other than `;` and `,`. RFC 6265's
/// `path-value` allows spaces and commas too, but they are where parsers
/// disagree, and no real path needs them unencoded.
pub fn check_path(path: &str) -> Result<(), Rule> {
    if path.len() > MAX_ATTRIBUTE_BYTES {
        return Err(Rule::AttributeTooLong);
    }
    if !path.starts_with('/') {
        return Err(Rule::PathNotAbsolute);
    }
    if path.bytes().all(|b| b.is_ascii_graphic() && b != b';' && b != b',') { Ok(()) } else { Err(Rule::PathBadByte) }
}

/// A `Domain`: a host name (RFC 1034 §3.5: labels of 1 to 63 letters,
/// digits and hyphens, neither starting nor ending with a hyphen, 253
/// bytes at most), with the leading dot RFC 2109 wanted allowed and
/// ignored, as browsers do (RFC 6265 §5.2.3).
pub fn check_domain(domain: &str) -> Result<(), Rule> {
    if domain.len() > MAX_ATTRIBUTE_BYTES {
        return Err(Rule::AttributeTooLong);
    }
    let host = domain.strip_prefix('.').unwrap_or(domain);
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if !host.is_empty() && host.len() <= 253 && host.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(Rule::DomainNotHostName)
    }
}

/// A `Max-Age`: `0`, or digits not starting with `0`, that fit in a `u64`.
/// (RFC 6265 §4.1.1 writes `non-zero-digit *DIGIT`, yet `Max-Age=0` is how
/// every server deletes a cookie, and §5.2.2 tells browsers what it means.)
pub fn check_max_age(text: &str) -> Result<u64, Rule> {
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits_only || (text.len() > 1 && text.starts_with('0')) {
        return Err(Rule::MaxAgeNotDigits);
    }
    text.parse().map_err(|_| Rule::MaxAgeNotDigits)
}

/// An `Expires`: exactly the IMF-fixdate form (`Wed, 21 Oct 2026 07:28:00
/// GMT`), checked by reading it and writing it back.
pub fn check_expires(text: &str) -> Result<(), Rule> {
    match httpdate::parse_http_date(text) {
        Ok(time) if httpdate::fmt_http_date(time) == text => Ok(()),
        _ => Err(Rule::ExpiresNotHttpDate),
    }
}

/// A `SameSite` value, in any letter case (RFC 6265bis §5.6.7).
pub fn parse_same_site(text: &str) -> Result<SameSite, Rule> {
    [SameSite::Strict, SameSite::Lax, SameSite::None]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(text))
        .ok_or(Rule::SameSiteUnknown)
}

/// The `SameSite` attribute (RFC 6265bis §5.6.7): whether the browser sends
/// the cookie on requests that another site started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// Only on requests from this site, and on top-level navigation to it.
    Lax,
    /// Only on requests from this site.
    Strict,
    /// On every request, wherever it came from (and then only if `Secure`).
    None,
}

impl SameSite {
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
            SameSite::None => "None",
        }
    }
}

/// One `Set-Cookie` header: a cookie and the attributes that tell the
/// browser how long to keep it and where to send it back. Every part is
/// checked when it is set, so whatever is built here can go out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookie<'a> {
    /// A token (RFC 6265 §4.1.1), checked by [`SetCookie::new`].
    name: &'a str,
    /// Cookie-octets only, checked by [`SetCookie::new`].
    value: &'a str,
    /// The cookie comes back on requests under this path. Always sent: a
    /// cookie without one gets the directory of the URL that set it, which
    /// is rarely what was meant (go-httpbin's `/cookies/set` bug, #243).
    path: &'a str,
    /// The hosts the cookie goes to; without it, only the one that set it.
    domain: Option<&'a str>,
    /// Seconds the browser keeps it; without it, until the browser closes.
    max_age: Option<u64>,
    /// `Expires`, for browsers too old to know `Max-Age`.
    expires: Option<&'a str>,
    /// Sent back over HTTPS only.
    secure: bool,
    /// Hidden from the page's JavaScript (`document.cookie`).
    http_only: bool,
    /// Whether the browser sends it on requests that other sites start.
    same_site: Option<SameSite>,
}

impl<'a> SetCookie<'a> {
    /// A cookie for the whole site (`Path=/`) that lasts until the browser
    /// closes. The name must be a token and the value a cookie-value:
    /// the caller checks what came from a client with [`check_name`] and
    /// [`check_value`] first, so anything else is a bug, and stops the
    /// request.
    pub fn new(name: &'a str, value: &'a str) -> Self {
        assert!(check_name(name).is_ok(), "cookie name is not a token");
        assert!(check_value(value).is_ok(), "cookie value has a byte outside cookie-octet");
        SetCookie {
            name,
            value,
            path: "/",
            domain: None,
            max_age: None,
            expires: None,
            secure: false,
            http_only: false,
            same_site: None,
        }
    }

    /// The header that deletes the cookie `name` set on `path`: an empty
    /// value that expired long ago. The path (and domain) must match the
    /// ones the cookie was set with, or the browser keeps the original.
    pub fn deletion(name: &'a str, path: &'a str) -> Self {
        SetCookie::new(name, "").path(path).max_age(0).expires(THE_PAST)
    }

    /// Send the cookie back on requests under this path (checked with
    /// [`check_path`]).
    pub fn path(self, path: &'a str) -> Self {
        assert!(check_path(path).is_ok(), "cookie path breaks a rule");
        SetCookie { path, ..self }
    }

    /// Send the cookie to this domain and its subdomains (checked with
    /// [`check_domain`]).
    pub fn domain(self, domain: &'a str) -> Self {
        assert!(check_domain(domain).is_ok(), "cookie domain breaks a rule");
        SetCookie { domain: Some(domain), ..self }
    }

    /// Keep the cookie for this many seconds.
    pub fn max_age(self, seconds: u64) -> Self {
        SetCookie { max_age: Some(seconds), ..self }
    }

    /// Keep the cookie until this date (checked with [`check_expires`]).
    pub fn expires(self, date: &'a str) -> Self {
        assert!(check_expires(date).is_ok(), "cookie expiry breaks a rule");
        SetCookie { expires: Some(date), ..self }
    }

    /// Send the cookie back over HTTPS only.
    pub fn secure(self) -> Self {
        SetCookie { secure: true, ..self }
    }

    /// Keep the cookie away from JavaScript.
    pub fn http_only(self) -> Self {
        SetCookie { http_only: true, ..self }
    }

    pub fn same_site(self, same_site: SameSite) -> Self {
        SetCookie { same_site: Some(same_site), ..self }
    }

    /// The rules that bind the parts together, which browsers enforce by
    /// dropping the cookie: `SameSite=None` and the name prefixes need
    /// `Secure`, and the whole is at most [`MAX_COOKIE_BYTES`].
    pub fn check_whole(&self) -> Result<(), Rule> {
        if self.same_site == Some(SameSite::None) && !self.secure {
            return Err(Rule::SameSiteNoneWithoutSecure);
        }
        if self.name.starts_with("__Secure-") && !self.secure {
            return Err(Rule::SecurePrefix);
        }
        if self.name.starts_with("__Host-") && (!self.secure || self.domain.is_some() || self.path != "/") {
            return Err(Rule::HostPrefix);
        }
        if self.to_string().len() > MAX_COOKIE_BYTES {
            return Err(Rule::CookieTooLong);
        }
        Ok(())
    }

    /// The cookie's name.
    pub fn name(&self) -> &'a str {
        self.name
    }
}

/// The header value: `name=value; Path=/; Max-Age=0; ...`.
impl SetCookie<'_> {
    /// Hands the header value to `piece` a piece at a time:
    /// `name=value; Path=/; Max-Age=0; ...`. Numbers are written without
    /// going through `fmt`, as this runs on every counted visit.
    fn pieces(&self, mut piece: impl FnMut(&str) -> fmt::Result) -> fmt::Result {
        for text in [self.name, "=", self.value, "; Path=", self.path] {
            piece(text)?;
        }
        if let Some(domain) = self.domain {
            piece("; Domain=")?;
            piece(domain)?;
        }
        if let Some(seconds) = self.max_age {
            piece("; Max-Age=")?;
            piece(Decimal::new(seconds).as_str())?;
        }
        if let Some(date) = self.expires {
            piece("; Expires=")?;
            piece(date)?;
        }
        if self.secure {
            piece("; Secure")?;
        }
        if self.http_only {
            piece("; HttpOnly")?;
        }
        if let Some(same_site) = self.same_site {
            piece("; SameSite=")?;
            piece(same_site.as_str())?;
        }
        Ok(())
    }

    /// The header value as text.
    pub fn to_header(&self) -> String {
        let mut text = String::with_capacity(64);
        let _ = self.pieces(|piece| {
            text.push_str(piece);
            Ok(())
        });
        text
    }
}

/// The header value: `name=value; Path=/; Max-Age=0; ...`.
impl fmt::Display for SetCookie<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pieces(|piece| f.write_str(piece))
    }
}

impl Response {
    /// Adds a `Set-Cookie` header line, and gives back its value, for a
    /// page that shows what it sent.
    pub fn set_cookie(&mut self, cookie: &SetCookie) -> String {
        let value = cookie.to_header();
        self.header("Set-Cookie", &value);
        value
    }
}

#[cfg(test)]
mod conformance;

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairs a request with these `Cookie` lines yields.
    fn parsed_pairs(lines: &[&[u8]]) -> Vec<(String, String)> {
        let lines: Vec<Vec<u8>> = lines.iter().map(|line| line.to_vec()).collect();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        super::conformance::with_cookie_lines(&lines, |request| {
            pairs(request).map(|(n, v)| (text(n), text(v))).collect()
        })
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
    fn every_attribute_is_written_in_a_fixed_order() {
        let cookie = SetCookie::new("__Host-a", "\"b\"")
            .path("/x")
            .domain("example.test")
            .max_age(60)
            .expires("Wed, 21 Oct 2026 07:28:00 GMT")
            .secure()
            .http_only()
            .same_site(SameSite::None);
        assert_eq!(
            cookie.to_string(),
            "__Host-a=\"b\"; Path=/x; Domain=example.test; Max-Age=60; Expires=Wed, 21 Oct 2026 07:28:00 GMT; \
             Secure; HttpOnly; SameSite=None"
        );
    }

    #[test]
    fn names_and_values() {
        let names = [
            ("theme", Ok(())),
            ("a!#$%&'*+-.^_`|~z", Ok(())),
            ("", Err(Rule::NameNotToken)),
            ("a b", Err(Rule::NameNotToken)),
            ("a=b", Err(Rule::NameNotToken)),
            ("a;b", Err(Rule::NameNotToken)),
            ("a,b", Err(Rule::NameNotToken)),
            ("a\r\nb", Err(Rule::NameNotToken)),
            ("a\0", Err(Rule::NameNotToken)),
            ("caf\u{e9}", Err(Rule::NameNotToken)),
            ("\"a\"", Err(Rule::NameNotToken)),
        ];
        for (name, expected) in names {
            assert_eq!(check_name(name), expected, "{name:?}");
        }
        let values = [
            ("dark", Ok(())),
            ("", Ok(())),
            ("\"dark\"", Ok(())),
            ("\"\"", Ok(())),
            ("a=b/c?d", Ok(())),
            ("a b", Err(Rule::ValueNotCookieOctets)),
            ("a;b", Err(Rule::ValueNotCookieOctets)),
            ("a,b", Err(Rule::ValueNotCookieOctets)),
            ("a\\b", Err(Rule::ValueNotCookieOctets)),
            ("a\r\nSet-Cookie: x=1", Err(Rule::ValueNotCookieOctets)),
            ("a\0", Err(Rule::ValueNotCookieOctets)),
            ("\"", Err(Rule::ValueNotCookieOctets)),
            ("\"a\"b\"", Err(Rule::ValueNotCookieOctets)),
            ("\u{fffd}", Err(Rule::ValueNotCookieOctets)),
        ];
        for (value, expected) in values {
            assert_eq!(check_value(value), expected, "{value:?}");
        }
    }

    #[test]
    fn attribute_values() {
        assert_eq!(check_path("/"), Ok(()));
        assert_eq!(check_path("/a/b%20c"), Ok(()));
        assert_eq!(check_path("a"), Err(Rule::PathNotAbsolute));
        assert_eq!(check_path(""), Err(Rule::PathNotAbsolute));
        for bad in ["/a b", "/a;b", "/a,b", "/a\r\n", "/\0", "/\u{e9}"] {
            assert_eq!(check_path(bad), Err(Rule::PathBadByte), "{bad:?}");
        }
        assert_eq!(check_path(&format!("/{}", "a".repeat(1024))), Err(Rule::AttributeTooLong));
        for good in ["example.test", ".example.test", "127.0.0.1", "a-b.c", "localhost"] {
            assert_eq!(check_domain(good), Ok(()), "{good:?}");
        }
        for bad in ["", ".", "a..b", "-a.b", "a-.b", "a_b", "a b", "a;b", "a\r\n", "example.test.", "[::1]"] {
            assert_eq!(check_domain(bad), Err(Rule::DomainNotHostName), "{bad:?}");
        }
        assert_eq!(check_domain(&"a".repeat(64)), Err(Rule::DomainNotHostName));
        for (text, expected) in [
            ("0", Ok(0)),
            ("60", Ok(60)),
            ("18446744073709551615", Ok(u64::MAX)),
            ("18446744073709551616", Err(Rule::MaxAgeNotDigits)),
            ("-1", Err(Rule::MaxAgeNotDigits)),
            ("+1", Err(Rule::MaxAgeNotDigits)),
            ("01", Err(Rule::MaxAgeNotDigits)),
            ("", Err(Rule::MaxAgeNotDigits)),
            ("1 ", Err(Rule::MaxAgeNotDigits)),
            ("1e3", Err(Rule::MaxAgeNotDigits)),
        ] {
            assert_eq!(check_max_age(text), expected, "{text:?}");
        }
        assert_eq!(check_expires("Wed, 21 Oct 2026 07:28:00 GMT"), Ok(()));
        for bad in [
            "Wednesday, 21-Oct-26 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2026",
            "Wed, 21 Oct 2026 07:28:00 UTC",
            "Thu, 21 Oct 2026 07:28:00 GMT",
            "Wed, 21 Oct 2026 07:28:00 GMT\r\nX: 1",
            "tomorrow",
        ] {
            assert_eq!(check_expires(bad), Err(Rule::ExpiresNotHttpDate), "{bad:?}");
        }
        assert_eq!(parse_same_site("lax"), Ok(SameSite::Lax));
        assert_eq!(parse_same_site("STRICT"), Ok(SameSite::Strict));
        assert_eq!(parse_same_site("None"), Ok(SameSite::None));
        assert_eq!(parse_same_site("Lax;"), Err(Rule::SameSiteUnknown));
    }

    #[test]
    fn rules_that_bind_the_parts_together() {
        let cases = [
            (SetCookie::new("a", "1").same_site(SameSite::None), Err(Rule::SameSiteNoneWithoutSecure)),
            (SetCookie::new("a", "1").same_site(SameSite::None).secure(), Ok(())),
            (SetCookie::new("__Secure-a", "1"), Err(Rule::SecurePrefix)),
            (SetCookie::new("__Secure-a", "1").secure(), Ok(())),
            (SetCookie::new("__Host-a", "1").secure(), Ok(())),
            (SetCookie::new("__Host-a", "1"), Err(Rule::HostPrefix)),
            (SetCookie::new("__Host-a", "1").secure().path("/x"), Err(Rule::HostPrefix)),
            (SetCookie::new("__Host-a", "1").secure().domain("a.test"), Err(Rule::HostPrefix)),
        ];
        for (cookie, expected) in cases {
            assert_eq!(cookie.check_whole(), expected, "{cookie}");
        }
        let fits = "v".repeat(MAX_COOKIE_BYTES - "a=; Path=/".len());
        assert_eq!(SetCookie::new("a", &fits).check_whole(), Ok(()));
        let too_long = format!("{fits}v");
        assert_eq!(SetCookie::new("a", &too_long).check_whole(), Err(Rule::CookieTooLong));
    }

    #[test]
    #[should_panic(expected = "path breaks a rule")]
    fn a_path_that_could_end_the_header_is_refused() {
        SetCookie::new("a", "1").path("/; Domain=evil.test");
    }

    #[test]
    fn set_cookie_reaches_the_response_as_one_header_line() {
        let mut response = Response::default();
        response.set_cookie(&SetCookie::new("count", "1"));
        assert_eq!(response.header_lines(), b"Set-Cookie: count=1; Path=/\r\n");
    }
}
