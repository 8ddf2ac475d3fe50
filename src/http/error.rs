//! Everything that can go wrong with a request, and the status code each
//! one earns.
//!
//! RFC 9110 §15 sorts failures by who is at fault: `4xx` when the client
//! sent something the server will not or cannot take, `5xx` when the server
//! cannot do what a valid request asks. Each failure below maps to exactly
//! one status in [`HttpError::status`] and one short fixed text in its
//! `Display`. The text never repeats what the client sent (an error page
//! that echoes the request is how header injection and reflected scripts
//! begin), but it does say where a malformed head went wrong, by line
//! number and rule, because a person typing into telnet needs to know.

use super::response::Status;
use std::fmt;

/// Why a request was refused. Every one of these ends the connection,
/// because after most of them the server can no longer tell where the next
/// request would start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// The request line or a header line breaks the grammar of RFC 9112.
    Malformed(Flaw),
    /// The request target is not a path, an absolute URI or `*`, or holds
    /// a character that must be percent-encoded, or a broken escape.
    BadTarget,
    /// An HTTP/1.1 request without `Host` (RFC 9112 §3.2).
    MissingHost,
    /// More than one `Host` line, or a value that is not `host[:port]`.
    BadHost,
    /// `Content-Length` is not digits, or its copies disagree (RFC 9112 §6.3).
    BadContentLength,
    /// Both `Content-Length` and `Transfer-Encoding`: the classic request
    /// smuggling shape, refused outright.
    ConflictingFraming,
    /// A `Transfer-Encoding` whose last coding is not `chunked`, that
    /// repeats `chunked`, or that arrived in an HTTP/1.0 request.
    BadTransferEncoding,
    /// A chunked body that breaks the chunk grammar (RFC 9112 §7.1).
    BadChunk,
    /// A transfer coding other than `chunked` (RFC 9112 §6.1).
    UnsupportedTransferCoding,
    /// A method this server does not know, such as `BREW` or `get`, or
    /// `CONNECT`, which asks for a proxy tunnel.
    NotImplemented,
    /// An `HTTP/2.0` or other major version on an HTTP/1 connection.
    VersionNotSupported,
    /// The request line alone is longer than the head limit.
    UriTooLong,
    /// The head is longer than the limit, or has too many lines.
    HeadTooLarge,
    /// The body is longer than the limit.
    BodyTooLarge,
    /// An `Expect` other than `100-continue` (RFC 9110 §10.1.1).
    ExpectationFailed,
    /// The body's `Content-Type` is not one the page takes.
    UnsupportedMediaType,
    /// The head or body did not arrive in time.
    Timeout,
    /// The server already holds as many connections as it allows.
    Overloaded,
    /// The page's code failed (it panicked); the bug is ours.
    Internal,
}

/// Where a malformed head breaks the grammar: the line (1 is the request
/// line) and the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flaw {
    /// The line number, counting the request line as 1.
    pub line: usize,
    pub problem: Problem,
}

/// The rule a malformed line breaks (RFC 9112 §2-§5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// `method = token`: the first word has a character a method cannot.
    MethodNotToken,
    /// `request-line = method SP request-target SP HTTP-version`: empty
    /// parts, doubled spaces or a fourth part.
    NotThreeParts,
    /// The request line stops after the target.
    NoVersion,
    /// `HTTP-version = "HTTP/" DIGIT "." DIGIT`, case-sensitive.
    BadVersion,
    /// A control character, which no target may hold.
    ControlInTarget,
    /// `field-line = field-name ":" OWS field-value OWS`: no colon.
    NoColon,
    /// The field name is empty or has a character a token cannot.
    NameNotToken,
    /// RFC 9112 §5.1: whitespace between the name and the colon MUST be
    /// refused, as proxies disagree on what it means.
    SpaceBeforeColon,
    /// RFC 9112 §5.2: a line that starts with whitespace continues the one
    /// before (obsolete line folding), which a server may refuse, and this
    /// one does.
    Folded,
    /// A control character other than tab in a field value.
    ControlInValue,
    /// RFC 9112 §2.2: a CR not followed by LF.
    BareCr,
    /// Something else that does not follow the grammar.
    Other,
}

impl Problem {
    fn text(self) -> &'static str {
        use Problem::*;
        match self {
            MethodNotToken => "the method is not a token (is this HTTPS or another protocol, sent to an http:// port?)",
            NotThreeParts => "it must be a method, a target and a version, separated by single spaces",
            NoVersion => "no HTTP version after the target",
            BadVersion => "the version is not HTTP/<digit>.<digit>",
            ControlInTarget => "a control character in the target",
            NoColon => "no ':' after the field name",
            NameNotToken => "the field name is empty or not a token",
            SpaceBeforeColon => "whitespace between the field name and ':'",
            Folded => "a line that starts with whitespace (obsolete line folding)",
            ControlInValue => "a control character in the field value",
            BareCr => "a CR not followed by LF",
            Other => "it does not follow the HTTP/1.1 grammar",
        }
    }
}

impl fmt::Display for Flaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            1 => write!(f, "request line: {}", self.problem.text()),
            n => write!(f, "line {n}: {}", self.problem.text()),
        }
    }
}

impl HttpError {
    /// The status code for this error: the one place where a failure
    /// becomes a status.
    pub fn status(self) -> Status {
        use HttpError::*;
        match self {
            Malformed(_) | BadTarget | MissingHost | BadHost | BadContentLength | ConflictingFraming
            | BadTransferEncoding | BadChunk => Status::BAD_REQUEST,
            UnsupportedTransferCoding | NotImplemented => Status::NOT_IMPLEMENTED,
            VersionNotSupported => Status::HTTP_VERSION_NOT_SUPPORTED,
            UriTooLong => Status::URI_TOO_LONG,
            HeadTooLarge => Status::HEADER_FIELDS_TOO_LARGE,
            BodyTooLarge => Status::CONTENT_TOO_LARGE,
            ExpectationFailed => Status::EXPECTATION_FAILED,
            UnsupportedMediaType => Status::UNSUPPORTED_MEDIA_TYPE,
            Timeout => Status::REQUEST_TIMEOUT,
            Overloaded => Status::SERVICE_UNAVAILABLE,
            Internal => Status::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The fixed text sent with the status.
impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use HttpError::*;
        f.write_str(match self {
            Malformed(flaw) => return write!(f, "Malformed request, {flaw}."),
            BadTarget => "The request target is not a path, an absolute URI or *, or is badly encoded.",
            MissingHost => "An HTTP/1.1 request needs a Host header.",
            BadHost => "The request needs exactly one valid Host header.",
            BadContentLength => "Content-Length must be digits and agree with itself.",
            ConflictingFraming => "A request cannot have both Content-Length and Transfer-Encoding.",
            BadTransferEncoding => "Transfer-Encoding must end in chunked, once, in HTTP/1.1.",
            BadChunk => "The chunked body is malformed.",
            UnsupportedTransferCoding => "The only transfer coding this server decodes is chunked.",
            NotImplemented => "This server does not implement that method.",
            VersionNotSupported => "This server speaks HTTP/1.x only.",
            UriTooLong => "The request line is too long.",
            HeadTooLarge => "The request head is too large or has too many lines.",
            BodyTooLarge => "The request body is too large.",
            ExpectationFailed => "The only expectation this server meets is 100-continue.",
            UnsupportedMediaType => "This page takes application/x-www-form-urlencoded only.",
            Timeout => "The request did not arrive in time.",
            Overloaded => "The server is at its connection limit; try again soon.",
            Internal => "The server failed while handling the request.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_head_is_described_by_line_and_rule() {
        let flaw = |line, problem| HttpError::Malformed(Flaw { line, problem }).to_string();
        assert_eq!(flaw(2, Problem::NoColon), "Malformed request, line 2: no ':' after the field name.");
        assert_eq!(flaw(1, Problem::NoVersion), "Malformed request, request line: no HTTP version after the target.");
    }
}
