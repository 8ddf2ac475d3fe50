//! Where a request body ends (RFC 9112 §6).
//!
//! HTTP/1.1 sends one message after another on the same connection, so the
//! server must know exactly where each body stops, or it will read the rest
//! of one request as the start of the next. A request says so in one of two
//! ways: `Content-Length: 11` (the next 11 bytes), or
//! `Transfer-Encoding: chunked` (pieces, each prefixed with its size, ended
//! by a zero-size piece; see [`super::chunked`]). With neither, there is no
//! body. A request that says both, or says it ambiguously, is refused:
//! two servers that read the same bytes differently is how request
//! smuggling works.

use super::error::HttpError;
use super::grammar;
use super::request::{Request, Version};

/// How the body of a request is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFraming {
    /// No body: neither header was sent.
    None,
    /// Exactly this many bytes follow the head.
    Length(usize),
    /// Chunks follow, up to and including a zero-size chunk and trailers.
    Chunked,
}

/// Reads the framing headers of `request` and checks them against each
/// other and against the body limit.
pub fn body_framing(request: &Request, max_body: usize) -> Result<BodyFraming, HttpError> {
    let has_transfer_encoding = request.headers_named("transfer-encoding").next().is_some();
    let has_content_length = request.headers_named("content-length").next().is_some();
    if has_transfer_encoding && has_content_length {
        return Err(HttpError::ConflictingFraming);
    }
    if has_transfer_encoding {
        return transfer_coding(request);
    }
    if has_content_length {
        return content_length(request, max_body).map(BodyFraming::Length);
    }
    Ok(BodyFraming::None)
}

/// RFC 9112 §6.1 and §6.3: only `chunked` is decoded here; it must be the
/// last coding and appear once; HTTP/1.0 has no transfer codings at all.
fn transfer_coding(request: &Request) -> Result<BodyFraming, HttpError> {
    if request.version == Version::Http10 {
        return Err(HttpError::BadTransferEncoding);
    }
    let (mut chunked, mut others, mut last_is_chunked) = (0, 0, false);
    for coding in request.list_elements("transfer-encoding") {
        // A coding may carry parameters (`gzip;q=1`); its name ends at `;`.
        let name = coding.split(|&b| b == b';').next().unwrap_or_default();
        last_is_chunked = grammar::trim_ows(name).eq_ignore_ascii_case(b"chunked");
        if last_is_chunked { chunked += 1 } else { others += 1 }
    }
    match (last_is_chunked, chunked, others) {
        (true, 1, 0) => Ok(BodyFraming::Chunked),
        (true, 1, _) => Err(HttpError::UnsupportedTransferCoding),
        _ => Err(HttpError::BadTransferEncoding),
    }
}

/// RFC 9110 §8.6: `Content-Length = 1*DIGIT`. Several lines or a list
/// (`5, 5`) are accepted only if every value is the same number.
fn content_length(request: &Request, max_body: usize) -> Result<usize, HttpError> {
    let mut length = None;
    for element in request.list_elements("content-length") {
        if !grammar::is_digits(element) {
            return Err(HttpError::BadContentLength);
        }
        // Digits past 64 bits are more than any limit; as the largest
        // number they stay comparable for the agreement check below.
        let value = grammar::decimal(element).unwrap_or(u64::MAX);
        match length {
            Some(previous) if previous != value => return Err(HttpError::BadContentLength),
            _ => length = Some(value),
        }
    }
    let length = length.ok_or(HttpError::BadContentLength)?;
    usize::try_from(length).ok().filter(|&n| n <= max_body).ok_or(HttpError::BodyTooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::request::{Parsed, parse};
    use std::mem::MaybeUninit;

    fn framing(headers: &str, version: &str) -> Result<BodyFraming, HttpError> {
        let head = format!("POST / {version}\r\nHost: a\r\n{headers}\r\n");
        let mut slots = [const { MaybeUninit::uninit() }; 64];
        match parse(head.as_bytes(), &mut slots) {
            Ok(Parsed::Complete(request, _)) => body_framing(&request, 100),
            other => panic!("{head:?} did not parse: {other:?}"),
        }
    }

    #[test]
    fn framing_cases() {
        use BodyFraming::*;
        use HttpError::*;
        let cases: &[(&str, &str, Result<BodyFraming, HttpError>)] = &[
            ("", "HTTP/1.1", Ok(None)),
            ("Content-Length: 0\r\n", "HTTP/1.1", Ok(Length(0))),
            ("Content-Length: 11\r\n", "HTTP/1.1", Ok(Length(11))),
            ("Content-Length: 011\r\n", "HTTP/1.1", Ok(Length(11))),
            ("Content-Length: 5, 5\r\n", "HTTP/1.1", Ok(Length(5))),
            ("Content-Length: 5\r\nContent-Length: 5\r\n", "HTTP/1.1", Ok(Length(5))),
            ("Content-Length: 100\r\n", "HTTP/1.1", Ok(Length(100))),
            ("Content-Length: 101\r\n", "HTTP/1.1", Err(BodyTooLarge)),
            ("Content-Length: 99999999999999999999999\r\n", "HTTP/1.1", Err(BodyTooLarge)),
            ("Content-Length: 5, 6\r\n", "HTTP/1.1", Err(BadContentLength)),
            ("Content-Length: 5\r\nContent-Length: 6\r\n", "HTTP/1.1", Err(BadContentLength)),
            ("Content-Length: +5\r\n", "HTTP/1.1", Err(BadContentLength)),
            ("Content-Length: -1\r\n", "HTTP/1.1", Err(BadContentLength)),
            ("Content-Length: 0x10\r\n", "HTTP/1.1", Err(BadContentLength)),
            ("Content-Length: 1 2\r\n", "HTTP/1.1", Err(BadContentLength)),
            ("Content-Length:\r\n", "HTTP/1.1", Err(BadContentLength)),
            ("Transfer-Encoding: chunked\r\n", "HTTP/1.1", Ok(Chunked)),
            ("Transfer-Encoding: Chunked\r\n", "HTTP/1.1", Ok(Chunked)),
            ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "HTTP/1.1", Err(ConflictingFraming)),
            ("Transfer-Encoding: chunked\r\n", "HTTP/1.0", Err(BadTransferEncoding)),
            ("Transfer-Encoding: chunked, chunked\r\n", "HTTP/1.1", Err(BadTransferEncoding)),
            ("Transfer-Encoding: chunked, gzip\r\n", "HTTP/1.1", Err(BadTransferEncoding)),
            ("Transfer-Encoding: gzip\r\n", "HTTP/1.1", Err(BadTransferEncoding)),
            ("Transfer-Encoding:\r\n", "HTTP/1.1", Err(BadTransferEncoding)),
            ("Transfer-Encoding: gzip, chunked\r\n", "HTTP/1.1", Err(UnsupportedTransferCoding)),
            ("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "HTTP/1.1", Err(UnsupportedTransferCoding)),
        ];
        for (headers, version, expected) in cases {
            assert_eq!(framing(headers, version), *expected, "{headers:?} {version}");
        }
    }
}
