//! The response: a status line, header lines, a blank line, a body
//! (RFC 9112 §4, §6).
//!
//! A page fills in a [`Response`]: its status, its own header lines (such
//! as `Set-Cookie`) and its body. The framing lines every response must
//! carry (`Date`, `Content-Length`, `Connection`) are added by
//! [`Response::write_to`], which lays the whole response out in one buffer
//! so that the server can send it with one `write`. One write matters: a
//! response sent in pieces costs a system call per piece, and with Nagle's
//! algorithm a small trailing piece can wait for the client's delayed ACK.

use super::grammar::{is_field_value, is_token};
use std::fmt;
use std::io::Write;

/// A header line fixed in the source, such as `Cache-Control: no-store`:
/// its name and value are checked when the program is compiled, so adding
/// it to a response costs no check on each request.
#[derive(Clone, Copy, Debug)]
pub struct FixedHeader {
    name: &'static str,
    value: &'static str,
}

impl FixedHeader {
    /// A header line; a compile error in a `const` if the name is not a
    /// token or the value holds a control character.
    pub const fn new(name: &'static str, value: &'static str) -> Self {
        assert!(is_token(name.as_bytes()), "header name is not a token");
        assert!(is_field_value(value.as_bytes()), "header value has a control character");
        FixedHeader { name, value }
    }
}

/// A status code and its reason phrase (RFC 9110 §15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status(u16);

impl Status {
    pub const OK: Status = Status(200);
    pub const MOVED_PERMANENTLY: Status = Status(301);
    pub const FOUND: Status = Status(302);
    pub const SEE_OTHER: Status = Status(303);
    pub const PERMANENT_REDIRECT: Status = Status(308);
    pub const BAD_REQUEST: Status = Status(400);
    pub const NOT_FOUND: Status = Status(404);
    pub const METHOD_NOT_ALLOWED: Status = Status(405);
    pub const REQUEST_TIMEOUT: Status = Status(408);
    pub const CONTENT_TOO_LARGE: Status = Status(413);
    pub const URI_TOO_LONG: Status = Status(414);
    pub const UNSUPPORTED_MEDIA_TYPE: Status = Status(415);
    pub const EXPECTATION_FAILED: Status = Status(417);
    pub const HEADER_FIELDS_TOO_LARGE: Status = Status(431);
    pub const INTERNAL_SERVER_ERROR: Status = Status(500);
    pub const NOT_IMPLEMENTED: Status = Status(501);
    pub const SERVICE_UNAVAILABLE: Status = Status(503);
    pub const HTTP_VERSION_NOT_SUPPORTED: Status = Status(505);

    /// The three-digit code.
    pub fn code(self) -> u16 {
        self.0
    }

    /// The reason phrase RFC 9110 §15 gives for the code.
    pub fn reason(self) -> &'static str {
        &self.status_line()["HTTP/1.1 200 ".len()..]
    }

    /// The whole status line, without its CRLF (RFC 9112 §4). A `Status`
    /// can only be one of the constants above, and each has its line here.
    pub const fn status_line(self) -> &'static str {
        match self.0 {
            200 => "HTTP/1.1 200 OK",
            301 => "HTTP/1.1 301 Moved Permanently",
            302 => "HTTP/1.1 302 Found",
            303 => "HTTP/1.1 303 See Other",
            308 => "HTTP/1.1 308 Permanent Redirect",
            400 => "HTTP/1.1 400 Bad Request",
            404 => "HTTP/1.1 404 Not Found",
            405 => "HTTP/1.1 405 Method Not Allowed",
            408 => "HTTP/1.1 408 Request Timeout",
            413 => "HTTP/1.1 413 Content Too Large",
            414 => "HTTP/1.1 414 URI Too Long",
            415 => "HTTP/1.1 415 Unsupported Media Type",
            417 => "HTTP/1.1 417 Expectation Failed",
            431 => "HTTP/1.1 431 Request Header Fields Too Large",
            500 => "HTTP/1.1 500 Internal Server Error",
            501 => "HTTP/1.1 501 Not Implemented",
            503 => "HTTP/1.1 503 Service Unavailable",
            505 => "HTTP/1.1 505 HTTP Version Not Supported",
            _ => panic!("every Status constant has a line"),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0, self.reason())
    }
}

/// What the `Connection` header of a response says about the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persistence {
    /// HTTP/1.1's default: the connection stays open and says nothing.
    KeepAlive,
    /// HTTP/1.0 is closed by default, so staying open must be announced
    /// with `Connection: keep-alive`.
    KeepAliveAnnounced,
    /// `Connection: close`: this is the last response on the connection
    /// (RFC 9112 §9.6).
    Close,
}

/// A response under construction. The server keeps one per worker and
/// clears it between requests, so building a page allocates nothing once
/// the buffers have grown to size.
#[derive(Debug)]
pub struct Response {
    /// The status line's code.
    status: Status,
    /// The page's own header lines, already in wire form (`Name: value\r\n`).
    headers: Vec<u8>,
    /// The content. A `HEAD` response keeps it only to report its length.
    body: Vec<u8>,
}

impl Default for Response {
    fn default() -> Self {
        Response { status: Status::OK, headers: Vec::new(), body: Vec::new() }
    }
}

impl Response {
    /// Forgets the previous response but keeps the buffers' memory.
    pub fn clear(&mut self) {
        self.status = Status::OK;
        self.headers.clear();
        self.body.clear();
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn set_status(&mut self, status: Status) {
        self.status = status;
    }

    /// Adds a header line. Only the server's own code calls this, with
    /// values it made; a name that is not a token or a value with a control
    /// character is a bug that would let one header forge another, so it
    /// stops the request (the connection answers 500) instead of going out.
    pub fn header(&mut self, name: &str, value: &str) {
        assert!(is_token(name.as_bytes()), "header name is not a token");
        assert!(is_field_value(value.as_bytes()), "header value has a control character");
        self.push_header(name, value);
    }

    /// Adds a header line fixed in the source, checked when it was compiled.
    pub fn fixed_header(&mut self, header: FixedHeader) {
        self.push_header(header.name, header.value);
    }

    fn push_header(&mut self, name: &str, value: &str) {
        self.headers.reserve(name.len() + value.len() + 4);
        self.headers.extend_from_slice(name.as_bytes());
        self.headers.extend_from_slice(b": ");
        self.headers.extend_from_slice(value.as_bytes());
        self.headers.extend_from_slice(b"\r\n");
    }

    /// Adds a header line whose value is formatted straight into the
    /// response, with the same checks as [`Response::header`].
    pub fn header_display(&mut self, name: &str, value: impl fmt::Display) {
        assert!(is_token(name.as_bytes()), "header name is not a token");
        let line_start = self.headers.len();
        self.headers.extend_from_slice(name.as_bytes());
        self.headers.extend_from_slice(b": ");
        let value_start = self.headers.len();
        write!(self.headers, "{value}").expect("writing to memory cannot fail");
        if !is_field_value(&self.headers[value_start..]) {
            self.headers.truncate(line_start);
            panic!("header value has a control character");
        }
        self.headers.extend_from_slice(b"\r\n");
    }

    /// The header lines added so far, in wire form.
    pub fn header_lines(&self) -> &[u8] {
        &self.headers
    }

    /// The body, to be written into.
    pub fn body_mut(&mut self) -> &mut Vec<u8> {
        &mut self.body
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Lays out the whole response at the end of `out`: status line,
    /// `Date`, `Content-Length`, the page's headers, `Connection` when it
    /// has something to say, the blank line, and the body unless this
    /// answers a `HEAD` (RFC 9110 §9.3.2: same headers, no content).
    /// Returns the number of bytes appended.
    pub fn write_to(&self, out: &mut Vec<u8>, date: &str, persistence: Persistence, head_only: bool) -> usize {
        let start = out.len();
        out.extend_from_slice(self.status.status_line().as_bytes());
        out.extend_from_slice(b"\r\nDate: ");
        out.extend_from_slice(date.as_bytes());
        out.extend_from_slice(b"\r\nContent-Length: ");
        push_decimal(out, self.body.len() as u64);
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.headers);
        match persistence {
            Persistence::KeepAlive => {}
            Persistence::KeepAliveAnnounced => out.extend_from_slice(b"Connection: keep-alive\r\n"),
            Persistence::Close => out.extend_from_slice(b"Connection: close\r\n"),
        }
        out.extend_from_slice(b"\r\n");
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out.len() - start
    }
}

/// Appends `n` in decimal.
pub fn push_decimal(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(Decimal::new(n).as_bytes());
}

/// A number written out in decimal on the stack, without going through
/// `fmt` or allocating: responses write several per request.
pub struct Decimal {
    digits: [u8; 20],
    start: usize,
}

impl Decimal {
    pub fn new(mut n: u64) -> Self {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                return Decimal { digits, start };
            }
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.digits[self.start..]
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("digits are ASCII")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Sun, 22 Nov 2026 02:10:20 GMT";

    fn written(res: &Response, persistence: Persistence, head_only: bool) -> String {
        let mut out = Vec::new();
        let n = res.write_to(&mut out, DATE, persistence, head_only);
        assert_eq!(n, out.len());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_response_is_laid_out_in_wire_order() {
        let mut res = Response::default();
        res.header("Content-Type", "text/plain");
        res.body_mut().extend_from_slice(b"hi");
        assert_eq!(
            written(&res, Persistence::KeepAlive, false),
            "HTTP/1.1 200 OK\r\nDate: Sun, 22 Nov 2026 02:10:20 GMT\r\nContent-Length: 2\r\n\
             Content-Type: text/plain\r\n\r\nhi"
        );
    }

    #[test]
    fn head_keeps_the_length_but_drops_the_body() {
        let mut res = Response::default();
        res.body_mut().extend_from_slice(b"hello");
        let text = written(&res, Persistence::Close, true);
        assert!(text.contains("Content-Length: 5\r\n"));
        assert!(text.ends_with("Connection: close\r\n\r\n"));
    }

    #[test]
    fn http_1_0_keep_alive_is_announced() {
        let text = written(&Response::default(), Persistence::KeepAliveAnnounced, false);
        assert!(text.contains("Connection: keep-alive\r\n"));
    }

    #[test]
    fn clear_forgets_everything() {
        let mut res = Response::default();
        res.set_status(Status::NOT_FOUND);
        res.header("X-A", "1");
        res.body_mut().push(b'x');
        res.clear();
        assert_eq!(
            written(&res, Persistence::KeepAlive, false),
            written(&Response::default(), Persistence::KeepAlive, false)
        );
    }

    #[test]
    #[should_panic(expected = "control character")]
    fn a_header_value_with_a_line_break_never_goes_out() {
        Response::default().header("Set-Cookie", "a=1\r\nX-Evil: 1");
    }

    #[test]
    #[should_panic(expected = "not a token")]
    fn a_header_name_must_be_a_token() {
        Response::default().header("Bad Name", "1");
    }

    #[test]
    fn decimals() {
        for (n, text) in [(0, "0"), (7, "7"), (42, "42"), (u64::MAX, "18446744073709551615")] {
            let mut out = Vec::new();
            push_decimal(&mut out, n);
            assert_eq!(out, text.as_bytes());
        }
    }
}
