//! The request head: a request line and header lines (RFC 9112 §2-§5).
//!
//! ```text
//! GET /count_view/ HTTP/1.1\r\n        request-line = method SP target SP version
//! Host: 127.0.0.1:8000\r\n             field-line = name ":" OWS value OWS
//! Cookie: count=41\r\n
//! \r\n                                 an empty line ends the head
//! ```
//!
//! `httparse` does the byte-level grammar: it splits the request line,
//! checks that names are tokens and values hold no control characters, and
//! refuses folded lines. What it leaves to the caller is done here: which
//! methods exist, which target forms are allowed, what an unknown version
//! means, and the rule that an HTTP/1.1 request names its `Host` exactly
//! once.

use super::error::{Flaw, HttpError, Problem};
use super::grammar::{self, is_ows, is_token};
use super::response::Persistence;
use httparse::Header;
use std::mem::MaybeUninit;

/// The request methods of RFC 9110 §9 and RFC 5789. Methods are
/// case-sensitive: `get` is not `GET`, and is answered 501.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
}

impl Method {
    /// The method the token names, if it is one this server knows.
    pub fn from_token(token: &str) -> Option<Method> {
        Some(match token {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "CONNECT" => Method::Connect,
            "OPTIONS" => Method::Options,
            "TRACE" => Method::Trace,
            "PATCH" => Method::Patch,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Connect => "CONNECT",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
            Method::Patch => "PATCH",
        }
    }
}

/// The protocol version of a request. Responses always say `HTTP/1.1`, the
/// highest version this server speaks (RFC 9110 §6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

/// A parsed and checked request head. It borrows from the bytes it was
/// parsed from; nothing is copied.
#[derive(Debug)]
pub struct Request<'h, 'b> {
    pub method: Method,
    /// The request target exactly as sent.
    pub target: &'b str,
    /// The path part of the target (`/` for an absolute URI without one,
    /// `*` for `OPTIONS *`). Not percent-decoded.
    pub path: &'b str,
    /// What follows the first `?` of the target, if anything does.
    pub query: Option<&'b str>,
    pub version: Version,
    /// Every header line, in the order received.
    pub headers: &'h [Header<'b>],
}

/// What came of trying to parse a request head.
#[derive(Debug)]
pub enum Parsed<'h, 'b> {
    /// A whole head, checked, and how many bytes it took.
    Complete(Request<'h, 'b>, usize),
    /// No error so far, but the head has not ended yet.
    Partial,
}

/// Parses and checks the head at the start of `buf`, using `slots` for the
/// header lines (their count is the header-line limit). A request line
/// saying `HTTP/1.2` or above must first go through [`newer_minor_version`].
pub fn parse<'h, 'b>(buf: &'b [u8], slots: &'h mut [MaybeUninit<Header<'b>>]) -> Result<Parsed<'h, 'b>, HttpError> {
    let mut raw = httparse::Request::new(&mut []);
    let len = match raw.parse_with_uninit_headers(buf, slots) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(Parsed::Partial),
        Err(httparse::Error::TooManyHeaders) => return Err(HttpError::HeadTooLarge),
        Err(httparse::Error::Version) => return Err(unknown_version(buf)),
        Err(_) => return Err(HttpError::Malformed(find_flaw(buf))),
    };
    let (Some(method), Some(target), Some(minor)) = (raw.method, raw.path, raw.version) else {
        return Err(HttpError::Malformed(find_flaw(buf)));
    };
    let method = Method::from_token(method).ok_or(HttpError::NotImplemented)?;
    if method == Method::Connect {
        // CONNECT asks for a tunnel through a proxy; this is not a proxy.
        return Err(HttpError::NotImplemented);
    }
    let (path, query) = split_target(method, target)?;
    let version = if minor == 0 { Version::Http10 } else { Version::Http11 };
    let request = Request { method, target, path, query, version, headers: raw.headers };
    check_host(&request)?;
    Ok(Parsed::Complete(request, len))
}

/// Whether the request at the front of `buf` is a `HEAD`, read from its
/// first bytes, so that even a request refused before it could be parsed
/// (no `Host`, a version this server does not speak) is answered without
/// a body, as RFC 9110 §9.3.2 requires.
pub fn is_head(buf: &[u8]) -> bool {
    buf.starts_with(b"HEAD ")
}

/// Whether `buf`, the start of a head whose request line has not ended,
/// can no longer become a request: the method is a token, so a byte
/// before the first space that is not a token character gives it away. A
/// TLS handshake or another protocol sent to this port is refused at once
/// rather than left waiting for a line end until the header timeout.
pub fn cannot_begin_request(buf: &[u8]) -> bool {
    let method = buf.split(|&b| b == b' ').next().unwrap_or_default();
    !buf.is_empty() && !is_token(method)
}

/// The refusal for bytes that [`cannot_begin_request`].
pub const NOT_A_REQUEST: HttpError = HttpError::Malformed(Flaw { line: 1, problem: Problem::MethodNotToken });

/// httparse knows `HTTP/1.0` and `HTTP/1.1` only, but RFC 9110 §6.2 says a
/// request in a higher minor version of a major version we speak is to be
/// served as the highest minor we speak. If the request line has ended and
/// says `HTTP/1.x` with x above 1, this gives the offset of that digit, for
/// the caller to rewrite to `1` before parsing.
pub fn newer_minor_version(buf: &[u8]) -> Option<usize> {
    // The parser skips empty lines before a request line (RFC 9112 §2.2).
    let start = buf.iter().position(|&b| b != b'\r' && b != b'\n')?;
    let line_end = start + buf[start..].iter().position(|&b| b == b'\n')?;
    let line = buf[start..line_end].strip_suffix(b"\r").unwrap_or(&buf[start..line_end]);
    match line.get(line.len().checked_sub(9)?..)? {
        [b' ', b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor] if minor.is_ascii_digit() && *minor > b'1' => {
            Some(start + line.len() - 1)
        }
        _ => None,
    }
}

/// Rewrites the minor version digit found by [`newer_minor_version`].
pub fn downgrade_minor_version(buf: &mut [u8], digit_at: usize) {
    buf[digit_at] = b'1';
}

/// RFC 9112 §2.3 defines `HTTP-version = "HTTP/" DIGIT "." DIGIT`,
/// case-sensitive. A version httparse refused is 505 if it has that shape
/// (another major version) and ends a line of three parts, and malformed
/// otherwise (`GET /a b HTTP/1.1` is a malformed line, not a new version).
fn unknown_version(buf: &[u8]) -> HttpError {
    let line = buf.split(|&b| b == b'\n').find(|line| !line.is_empty() && *line != b"\r").unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let version = line.rsplit(|&b| b == b' ').next().unwrap_or_default();
    match version {
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() && line.split(|&b| b == b' ').count() == 3 =>
        {
            HttpError::VersionNotSupported
        }
        _ => HttpError::Malformed(find_flaw(buf)),
    }
}

/// Finds where a head that httparse refused breaks the grammar, so that
/// the 400 can say which line and which rule (a person typing into telnet
/// needs to know). It runs only on that error path, line by line, and
/// names the first flaw it finds.
pub fn find_flaw(head: &[u8]) -> Flaw {
    // Empty lines before the request line are not part of the request
    // (RFC 9112 §2.2); lines are counted from the request line.
    let start = head.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(head.len());
    for (i, line) in head[start..].split(|&b| b == b'\n').enumerate() {
        let number = i + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let problem = if line.contains(&b'\r') {
            Some(Problem::BareCr)
        } else if line.is_empty() {
            break; // the end of the head
        } else if number == 1 {
            request_line_flaw(line)
        } else {
            field_line_flaw(line)
        };
        if let Some(problem) = problem {
            return Flaw { line: number, problem };
        }
    }
    Flaw { line: 0, problem: Problem::Other }
}

/// ```text
/// request-line = method SP request-target SP HTTP-version
/// ```
/// RFC 9112 §3: what is wrong with a request line, if anything.
fn request_line_flaw(line: &[u8]) -> Option<Problem> {
    let mut parts = line.split(|&b| b == b' ');
    let method = parts.next().unwrap_or_default();
    let (target, version) = (parts.next(), parts.next());
    let extra = parts.next().is_some();
    Some(match (target, version) {
        _ if !method.is_empty() && !is_token(method) => Problem::MethodNotToken,
        _ if extra || method.is_empty() || target == Some(b"") || version == Some(b"") => Problem::NotThreeParts,
        (None, _) | (_, None) => Problem::NoVersion,
        (Some(target), _) if target.iter().any(u8::is_ascii_control) => Problem::ControlInTarget,
        (_, Some([b'H', b'T', b'T', b'P', b'/', major, b'.', minor]))
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            return None;
        }
        _ => Problem::BadVersion,
    })
}

/// ```text
/// field-line = field-name ":" OWS field-value OWS
/// field-name = token
/// ```
/// RFC 9112 §5: what is wrong with a header line, if anything.
fn field_line_flaw(line: &[u8]) -> Option<Problem> {
    if line.first().is_some_and(|&b| is_ows(b)) {
        return Some(Problem::Folded);
    }
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Some(Problem::NoColon);
    };
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.last().is_some_and(|&b| is_ows(b)) {
        return Some(Problem::SpaceBeforeColon);
    }
    // `Host 127.0.0.1:8000`: a name holds no space, so the colon found is
    // the port's, and the one after the name was forgotten.
    if name.iter().any(|&b| is_ows(b)) {
        return Some(Problem::NoColon);
    }
    if !is_token(name) {
        return Some(Problem::NameNotToken);
    }
    let is_control = |b: &u8| b.is_ascii_control() && *b != b'\t';
    value.iter().any(is_control).then_some(Problem::ControlInValue)
}

/// Splits a request target into path and query (RFC 9112 §3.2). Accepted:
/// origin-form (`/path?query`), absolute-form (`http://host/path`, which
/// proxies send and servers must accept), and `*` for `OPTIONS` only.
/// Anything else is malformed, and RFC 9112 §3.2 says to answer 400.
fn split_target(method: Method, target: &str) -> Result<(&str, Option<&str>), HttpError> {
    if !target.bytes().all(is_target_byte) {
        return Err(HttpError::BadTarget);
    }
    if target == "*" {
        return if method == Method::Options { Ok(("*", None)) } else { Err(HttpError::BadTarget) };
    }
    let path_and_query = if target.starts_with('/') { target } else { strip_scheme_and_authority(target)? };
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    if !is_valid_path(path) {
        return Err(HttpError::BadTarget);
    }
    Ok((if path.is_empty() { "/" } else { path }, query))
}

/// A byte a request target may hold as it is. RFC 3986 allows fewer than
/// this, but browsers send `|`, `^`, `[`, `]`, and in a query `{`, `}` and
/// `\`, unencoded (the WHATWG URL standard leaves them be), so only what no
/// browser sends raw is refused: controls, space and bytes above ASCII, `#`
/// (a fragment stays in the browser), `"`, `<` and `>`.
fn is_target_byte(b: u8) -> bool {
    b.is_ascii_graphic() && !b"#\"<>".contains(&b)
}

/// The path part, beyond [`is_target_byte`]: `` ` ``, `{` and `}` must be
/// percent-encoded here (browsers do, and turn `\` into `/`), and every `%`
/// must begin an escape of two hex digits (RFC 3986 §2.1), or the path
/// cannot be decoded.
fn is_valid_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| match b {
        b'`' | b'{' | b'}' | b'\\' => false,
        b'%' => grammar::starts_pct_encoded(&bytes[i..]),
        _ => true,
    })
}

/// `http://host:port/path?q` becomes `/path?q` (or `?q`, or nothing). The
/// authority must be a valid host; a user name and password in it
/// (`http://user:pass@host/`) are refused, as RFC 9110 §4.2.4 advises.
fn strip_scheme_and_authority(target: &str) -> Result<&str, HttpError> {
    let (scheme, rest) = target.split_once("://").ok_or(HttpError::BadTarget)?;
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return Err(HttpError::BadTarget);
    }
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if authority.is_empty() || !grammar::is_host(authority.as_bytes()) {
        return Err(HttpError::BadTarget);
    }
    Ok(&rest[authority_end..])
}

/// RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without
/// `Host`, to any request with more than one, and to an invalid one.
fn check_host(request: &Request) -> Result<(), HttpError> {
    let mut hosts = request.headers_named("host");
    match (hosts.next(), hosts.next()) {
        (None, _) if request.version == Version::Http11 => Err(HttpError::MissingHost),
        (None, _) => Ok(()),
        (Some(host), None) if grammar::is_host(host) => Ok(()),
        _ => Err(HttpError::BadHost),
    }
}

impl<'h, 'b> Request<'h, 'b> {
    /// The values of every header line with this name (names are
    /// case-insensitive, RFC 9110 §5.1), in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'b [u8]> + 'a {
        self.headers.iter().filter(move |h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value)
    }

    /// The elements of a comma-separated list header (RFC 9110 §5.6.1),
    /// across all its lines, trimmed, with empty elements skipped.
    pub fn list_elements<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'b [u8]> + 'a {
        self.headers_named(name)
            .flat_map(|value| value.split(|&b| b == b','))
            .map(grammar::trim_ows)
            .filter(|e| !e.is_empty())
    }

    /// Whether the connection stays open after the response (RFC 9112
    /// §9.3): HTTP/1.1 stays unless the client says `close`; HTTP/1.0
    /// closes unless the client says `keep-alive`.
    pub fn persistence(&self) -> Persistence {
        let says = |token: &str| self.list_elements("connection").any(|e| e.eq_ignore_ascii_case(token.as_bytes()));
        match self.version {
            _ if says("close") => Persistence::Close,
            Version::Http11 => Persistence::KeepAlive,
            Version::Http10 if says("keep-alive") => Persistence::KeepAliveAnnounced,
            Version::Http10 => Persistence::Close,
        }
    }

    /// Whether the client waits for `100 Continue` before sending its body
    /// (RFC 9110 §10.1.1). Any other expectation is 417; an HTTP/1.0
    /// client's `100-continue` is ignored, as the RFC requires.
    pub fn expects_continue(&self) -> Result<bool, HttpError> {
        let mut expects = false;
        for element in self.list_elements("expect") {
            if !element.eq_ignore_ascii_case(b"100-continue") {
                return Err(HttpError::ExpectationFailed);
            }
            expects = self.version == Version::Http11;
        }
        Ok(expects)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HEADER_SLOTS;

    /// Parses `head` (patching a newer 1.x version as the server does) and
    /// hands the result to `check`.
    fn with_parsed(head: &[u8], check: impl FnOnce(Result<Option<Request>, HttpError>)) {
        let mut buf = head.to_vec();
        let mut slots = [const { MaybeUninit::uninit() }; HEADER_SLOTS];
        if let Some(digit_at) = newer_minor_version(&buf) {
            downgrade_minor_version(&mut buf, digit_at);
        }
        match parse(&buf, &mut slots[..64]) {
            Ok(Parsed::Complete(request, len)) => {
                assert_eq!(len, head.len(), "the head ends where the blank line does");
                check(Ok(Some(request)))
            }
            Ok(Parsed::Partial) => check(Ok(None)),
            Err(e) => check(Err(e)),
        }
    }

    fn outcome(head: &[u8]) -> Result<(), HttpError> {
        let mut result = Ok(());
        with_parsed(head, |r| result = r.map(|_| ()));
        result
    }

    #[test]
    fn what_the_first_bytes_give_away() {
        for (start, head, hopeless) in [
            (&b"HEAD / HTTP/1.1"[..], true, false),
            (b"HEAD ", true, false),
            (b"HEA", false, false),
            (b"GET /", false, false),
            (b"get", false, false),
            (b"GET\r", false, true),
            (b" GET", false, true),
            (b"\x16\x03\x01\x02\x00", false, true),
            (b"", false, false),
        ] {
            assert_eq!((is_head(start), cannot_begin_request(start)), (head, hopeless), "{start:?}");
        }
    }

    #[test]
    fn heads_accepted_and_refused() {
        use HttpError::*;
        use Problem::*;
        let bad = |line, problem| Err(Malformed(Flaw { line, problem }));
        let cases: &[(&[u8], Result<(), HttpError>)] = &[
            (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", Ok(())),
            (b"GET / HTTP/1.1\nHost: a\n\n", Ok(())),
            (b"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", Ok(())),
            (b"GET / HTTP/1.0\r\n\r\n", Ok(())),
            (b"GET / HTTP/1.2\r\nHost: a\r\n\r\n", Ok(())),
            (b"GET / HTTP/1.9\r\nHost: a\r\n\r\n", Ok(())),
            (b"GET / HTTP/1.1\r\nHost:\r\n\r\n", Ok(())),
            (b"GET / HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n", Ok(())),
            (b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n", Ok(())),
            (b"GET http://a:8000/x?y HTTP/1.1\r\nHost: a\r\n\r\n", Ok(())),
            (b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", Ok(())),
            (b"GET /a|b^[c]/%41%2f?q={x}|`1`&r=%zz\\ HTTP/1.1\r\nHost: a\r\n\r\n", Ok(())),
            (b"GET http://[::1]:8000/x HTTP/1.1\r\nHost: a\r\n\r\n", Ok(())),
            (b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", Err(VersionNotSupported)),
            (b"GET / HTTP/3.0\r\n", Err(VersionNotSupported)),
            (b"GET / HTTP/1.10\r\nHost: a\r\n\r\n", bad(1, BadVersion)),
            (b"GET / http/1.1\r\nHost: a\r\n\r\n", bad(1, BadVersion)),
            (b"GET / HTTP/1.1 \r\nHost: a\r\n\r\n", bad(1, NotThreeParts)),
            (b"GET /\r\n\r\n", bad(1, NoVersion)),
            (b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", bad(1, NotThreeParts)),
            (b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", bad(2, SpaceBeforeColon)),
            (b"GET / HTTP/1.1\r\nHost a\r\n\r\n", bad(2, NoColon)),
            (b"GET / HTTP/1.1\r\nHost 127.0.0.1:8000\r\n\r\n", bad(2, NoColon)),
            (b"GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", bad(3, NameNotToken)),
            (b"GET / HTTP/1.1\r\nHost: a\r\nX(y): x\r\n\r\n", bad(3, NameNotToken)),
            (b"GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", bad(1, ControlInTarget)),
            (b"\r\nG(T / HTTP/1.1\r\nHost: a\r\n\r\n", bad(1, MethodNotToken)),
            (b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", bad(3, Folded)),
            (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", bad(3, ControlInValue)),
            (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", bad(3, BareCr)),
            (b"get / HTTP/1.1\r\nHost: a\r\n\r\n", Err(NotImplemented)),
            (b"BREW / HTTP/1.1\r\nHost: a\r\n\r\n", Err(NotImplemented)),
            (b"CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", Err(NotImplemented)),
            (b"GET / HTTP/1.1\r\n\r\n", Err(MissingHost)),
            (b"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", Err(BadHost)),
            (b"GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", Err(BadHost)),
            (b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", Err(BadHost)),
            (b"GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", Err(BadHost)),
            (b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", Err(BadHost)),
            (b"GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n", Err(BadHost)),
            (b"GET * HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET count_view HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET /a\"b HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET /<b> HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET /a\\b HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET /{x} HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET /a`b HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET /%4 HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET /?q=\"x\" HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET http://u:p@a/ HTTP/1.1\r\nHost: a\r\n\r\n", Err(BadTarget)),
            (b"GET http://a b/ HTTP/1.1\r\nHost: a\r\n\r\n", bad(1, NotThreeParts)),
        ];
        for (head, expected) in cases {
            assert_eq!(outcome(head), *expected, "{}", String::from_utf8_lossy(head).escape_debug());
        }
    }

    #[test]
    fn incomplete_heads_are_partial() {
        for head in
            [&b"GE"[..], b"GET / HTTP/1.1\r\n", b"GET / HTTP/1.1\r\nHost: a\r\n", b"GET / HTTP/1.1\r\nHost: a\r\n\r"]
        {
            with_parsed(head, |r| assert!(matches!(r, Ok(None)), "{head:?}"));
        }
    }

    #[test]
    fn too_many_header_lines() {
        let mut head = b"GET / HTTP/1.1\r\nHost: a\r\n".to_vec();
        for i in 0..64 {
            head.extend_from_slice(format!("X-{i}: 1\r\n").as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        assert_eq!(outcome(&head), Err(HttpError::HeadTooLarge));
    }

    #[test]
    fn target_forms() {
        let cases = [
            ("/count_view/", "/count_view/", None),
            ("/url_count/?count=41", "/url_count/", Some("count=41")),
            ("/?", "/", Some("")),
            ("http://127.0.0.1:8000/count_view/", "/count_view/", None),
            ("HTTP://a", "/", None),
            ("http://a?x=1", "/", Some("x=1")),
        ];
        for (target, path, query) in cases {
            let head = format!("GET {target} HTTP/1.1\r\nHost: a\r\n\r\n");
            with_parsed(head.as_bytes(), |r| {
                let request = r.unwrap().unwrap();
                assert_eq!((request.target, request.path, request.query), (target, path, query));
            });
        }
    }

    #[test]
    fn newer_minor_versions_are_found_once_the_line_has_ended() {
        let cases: &[(&[u8], Option<usize>)] = &[
            (b"GET / HTTP/1.2\r\n", Some(13)),
            (b"\r\nGET / HTTP/1.9\n", Some(15)),
            (b"GET / HTTP/1.2", None),
            (b"GET / HTTP/1.1\r\n", None),
            (b"GET / HTTP/1.0\r\n", None),
            (b"GET / HTTP/2.2\r\n", None),
            (b"GET / XHTTP/1.2\r\n", None),
            (b"\r\n", None),
        ];
        for (buf, expected) in cases {
            assert_eq!(newer_minor_version(buf), *expected, "{buf:?}");
        }
    }

    #[test]
    fn versions() {
        for (head, version) in [
            (&b"GET / HTTP/1.0\r\n\r\n"[..], Version::Http10),
            (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", Version::Http11),
            (b"GET / HTTP/1.5\r\nHost: a\r\n\r\n", Version::Http11),
        ] {
            with_parsed(head, |r| assert_eq!(r.unwrap().unwrap().version, version));
        }
    }

    #[test]
    fn persistence_follows_version_and_connection_header() {
        let cases = [
            ("HTTP/1.1", "", Persistence::KeepAlive),
            ("HTTP/1.1", "Connection: close\r\n", Persistence::Close),
            ("HTTP/1.1", "Connection: keep-alive, CLOSE\r\n", Persistence::Close),
            ("HTTP/1.1", "Connection: x\r\nConnection: close\r\n", Persistence::Close),
            ("HTTP/1.0", "", Persistence::Close),
            ("HTTP/1.0", "Connection: Keep-Alive\r\n", Persistence::KeepAliveAnnounced),
            ("HTTP/1.0", "Connection: keep-alive, close\r\n", Persistence::Close),
        ];
        for (version, header, expected) in cases {
            let head = format!("GET / {version}\r\nHost: a\r\n{header}\r\n");
            with_parsed(head.as_bytes(), |r| assert_eq!(r.unwrap().unwrap().persistence(), expected, "{head}"));
        }
    }

    #[test]
    fn expectations() {
        let cases = [
            ("HTTP/1.1", "", Ok(false)),
            ("HTTP/1.1", "Expect: 100-continue\r\n", Ok(true)),
            ("HTTP/1.1", "Expect: 100-Continue\r\n", Ok(true)),
            ("HTTP/1.0", "Expect: 100-continue\r\n", Ok(false)),
            ("HTTP/1.1", "Expect: 200-ok\r\n", Err(HttpError::ExpectationFailed)),
        ];
        for (version, header, expected) in cases {
            let head = format!("POST / {version}\r\nHost: a\r\n{header}\r\n");
            with_parsed(head.as_bytes(), |r| assert_eq!(r.unwrap().unwrap().expects_continue(), expected, "{head}"));
        }
    }

    #[test]
    fn list_elements_are_trimmed_and_joined_across_lines() {
        with_parsed(b"GET / HTTP/1.1\r\nHost: a\r\nX: a, ,b\t\r\nx:c,\r\n\r\n", |r| {
            let request = r.unwrap().unwrap();
            let elements: Vec<&[u8]> = request.list_elements("X").collect();
            assert_eq!(elements, [&b"a"[..], b"b", b"c"]);
        });
    }
}
