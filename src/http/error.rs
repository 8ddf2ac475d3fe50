//! Everything that can go wrong with a request, and the status code each
//! one earns.
//!
//! RFC 9110 §15 sorts failures by who is at fault: `4xx` when the client
//! sent something the server will not or cannot take, `5xx` when the server
//! cannot do what a valid request asks. Each failure below maps to exactly
//! one status and one short fixed text in [`HttpError::status_and_text`].
//! The text never repeats what the client sent: an error page that echoes
//! the request is how header injection and reflected scripts begin.

use super::response::Status;
use std::fmt;

/// Why a request was refused. Every one of these ends the connection,
/// because after most of them the server can no longer tell where the next
/// request would start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// The request line or a header line breaks the grammar of RFC 9112.
    Malformed,
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

impl HttpError {
    /// The status code and the fixed text sent for this error: the one
    /// place where a failure becomes a status.
    pub fn status_and_text(self) -> (Status, &'static str) {
        use HttpError::*;
        match self {
            Malformed => (Status::BAD_REQUEST, "The request line or a header line is malformed."),
            BadTarget => {
                (Status::BAD_REQUEST, "The request target is not a path, an absolute URI or *, or is badly encoded.")
            }
            MissingHost => (Status::BAD_REQUEST, "An HTTP/1.1 request needs a Host header."),
            BadHost => (Status::BAD_REQUEST, "The request needs exactly one valid Host header."),
            BadContentLength => (Status::BAD_REQUEST, "Content-Length must be digits and agree with itself."),
            ConflictingFraming => {
                (Status::BAD_REQUEST, "A request cannot have both Content-Length and Transfer-Encoding.")
            }
            BadTransferEncoding => (Status::BAD_REQUEST, "Transfer-Encoding must end in chunked, once, in HTTP/1.1."),
            BadChunk => (Status::BAD_REQUEST, "The chunked body is malformed."),
            UnsupportedTransferCoding => {
                (Status::NOT_IMPLEMENTED, "The only transfer coding this server decodes is chunked.")
            }
            NotImplemented => (Status::NOT_IMPLEMENTED, "This server does not implement that method."),
            VersionNotSupported => (Status::HTTP_VERSION_NOT_SUPPORTED, "This server speaks HTTP/1.x only."),
            UriTooLong => (Status::URI_TOO_LONG, "The request line is too long."),
            HeadTooLarge => (Status::HEADER_FIELDS_TOO_LARGE, "The request head is too large or has too many lines."),
            BodyTooLarge => (Status::CONTENT_TOO_LARGE, "The request body is too large."),
            ExpectationFailed => {
                (Status::EXPECTATION_FAILED, "The only expectation this server meets is 100-continue.")
            }
            UnsupportedMediaType => {
                (Status::UNSUPPORTED_MEDIA_TYPE, "This page takes application/x-www-form-urlencoded only.")
            }
            Timeout => (Status::REQUEST_TIMEOUT, "The request did not arrive in time."),
            Overloaded => (Status::SERVICE_UNAVAILABLE, "The server is at its connection limit; try again soon."),
            Internal => (Status::INTERNAL_SERVER_ERROR, "The server failed while handling the request."),
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (status, text) = self.status_and_text();
        write!(f, "{} {}: {}", status.code(), status.reason(), text)
    }
}
