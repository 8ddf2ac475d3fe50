//! The chunked transfer coding (RFC 9112 §7.1).
//!
//! ```text
//! 5\r\n            chunk-size in hex, then CRLF
//! count\r\n        that many bytes of data, then CRLF
//! 3;ext=1\r\n      a size may carry extensions after `;`
//! =41\r\n
//! 0\r\n            a zero size is the last chunk
//! X-Trailer: 1\r\n trailer fields, like header fields
//! \r\n             an empty line ends the message
//! ```
//!
//! A client uses it when it does not know the length of its body in
//! advance. The decoder below is strict on purpose, because a lenient
//! decoder behind a strict proxy (or the reverse) is a request smuggling
//! hole: every line must end in CRLF, a size is one or more hex digits that
//! must fit in 64 bits, and every chunk's data must be followed by CRLF.
//! It also resumes where it stopped, so a body that arrives a few bytes at
//! a time is decoded once, not again from the start on every read.

use super::error::HttpError;
use super::grammar;

/// Header-line slots for a trailer section.
const TRAILER_SLOTS: usize = 64;

/// A chunked body being decoded as its bytes arrive.
#[derive(Debug)]
pub struct ChunkedDecoder {
    /// Which part of the grammar comes next.
    state: State,
    /// Bytes of the encoded body read so far.
    consumed: usize,
    /// The decoded content.
    body: Vec<u8>,
    /// Bytes of size lines, line ends and trailers so far.
    overhead: usize,
    /// Most content bytes allowed.
    max_body: usize,
    /// Most overhead bytes allowed.
    max_overhead: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Expecting a chunk-size line.
    Size,
    /// Inside a chunk's data, this many bytes still to come.
    Data(usize),
    /// Expecting the CRLF after a chunk's data.
    DataEnd,
    /// After the last chunk: trailer fields and the final empty line.
    Trailers,
    /// The whole body has been read.
    Done,
}

impl ChunkedDecoder {
    pub fn new(max_body: usize, max_overhead: usize) -> Self {
        ChunkedDecoder { state: State::Size, consumed: 0, body: Vec::new(), overhead: 0, max_body, max_overhead }
    }

    /// Decodes more of the body. `encoded` is everything received since
    /// the head ended, including what earlier calls already decoded. Gives
    /// the length of the whole encoded body once its end has arrived.
    pub fn decode(&mut self, encoded: &[u8]) -> Result<Option<usize>, HttpError> {
        while self.state != State::Done {
            let rest = &encoded[self.consumed..];
            let progress = match self.state {
                State::Size => self.size_line(rest)?,
                State::Data(remaining) => Some(self.data(rest, remaining)),
                State::DataEnd => self.data_end(rest)?,
                State::Trailers => self.trailers(rest)?,
                State::Done => unreachable!("the loop stops at Done"),
            };
            match progress {
                Some(0) if rest.is_empty() => return Ok(None),
                Some(used) => self.consumed += used,
                None => return Ok(None),
            }
        }
        Ok(Some(self.consumed))
    }

    /// Bytes the encoded body took, once `decode` has seen all of it.
    pub fn encoded_len(&self) -> usize {
        self.consumed
    }

    /// The decoded content so far (all of it once `decode` said so).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// `chunk-size [ chunk-ext ] CRLF`, where `chunk-size = 1*HEXDIG`.
    fn size_line(&mut self, rest: &[u8]) -> Result<Option<usize>, HttpError> {
        let Some(line_end) = rest.iter().position(|&b| b == b'\n') else {
            self.check_overhead(rest.len())?;
            return Ok(None);
        };
        self.charge_overhead(line_end + 1)?;
        let line = rest[..line_end].strip_suffix(b"\r").ok_or(HttpError::BadChunk)?;
        let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        if digits == 0 || !is_chunk_ext(&line[digits..]) {
            return Err(HttpError::BadChunk);
        }
        let size = grammar::hex(&line[..digits]).ok_or(HttpError::BadChunk)?;
        if size == 0 {
            self.state = State::Trailers;
        } else if size > (self.max_body - self.body.len()) as u64 {
            return Err(HttpError::BodyTooLarge);
        } else {
            self.state = State::Data(size as usize);
        }
        Ok(Some(line_end + 1))
    }

    /// Copies as much of the current chunk's data as has arrived.
    fn data(&mut self, rest: &[u8], remaining: usize) -> usize {
        let take = remaining.min(rest.len());
        self.body.extend_from_slice(&rest[..take]);
        self.state = if take == remaining { State::DataEnd } else { State::Data(remaining - take) };
        take
    }

    /// The CRLF that must follow every chunk's data.
    fn data_end(&mut self, rest: &[u8]) -> Result<Option<usize>, HttpError> {
        match rest {
            [b'\r', b'\n', ..] => {
                self.charge_overhead(2)?;
                self.state = State::Size;
                Ok(Some(2))
            }
            [] | [b'\r'] => Ok(None),
            _ => Err(HttpError::BadChunk),
        }
    }

    /// `trailer-section CRLF`: header-like lines, parsed and discarded.
    /// Only what fits in the overhead limit is parsed, so a trailer too
    /// long is refused as such whatever is wrong with it further on, and
    /// the answer does not depend on how the bytes were split.
    fn trailers(&mut self, rest: &[u8]) -> Result<Option<usize>, HttpError> {
        let budget = self.max_overhead - self.overhead;
        let within = &rest[..rest.len().min(budget)];
        let mut fields = [httparse::EMPTY_HEADER; TRAILER_SLOTS];
        match httparse::parse_headers(within, &mut fields) {
            Ok(httparse::Status::Complete((len, _))) => {
                self.overhead += len;
                // httparse also takes a bare LF as a line end; this does not.
                if !ends_every_line_with_crlf(&rest[..len]) {
                    return Err(HttpError::BadChunk);
                }
                self.state = State::Done;
                Ok(Some(len))
            }
            Ok(httparse::Status::Partial) if rest.len() > budget => Err(HttpError::BodyTooLarge),
            Ok(httparse::Status::Partial) => Ok(None),
            Err(httparse::Error::TooManyHeaders) => Err(HttpError::HeadTooLarge),
            Err(_) => Err(HttpError::BadChunk),
        }
    }

    /// Counts bytes that are not content against their own limit.
    fn charge_overhead(&mut self, bytes: usize) -> Result<(), HttpError> {
        self.check_overhead(bytes)?;
        self.overhead += bytes;
        Ok(())
    }

    /// Refuses an unfinished line that could no longer fit in the limit,
    /// without counting it yet (it will be counted once it ends).
    fn check_overhead(&self, bytes: usize) -> Result<(), HttpError> {
        if self.overhead + bytes > self.max_overhead {
            return Err(HttpError::BodyTooLarge);
        }
        Ok(())
    }
}

/// ```text
/// chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
/// chunk-ext-name = token
/// chunk-ext-val  = token / quoted-string
/// ```
/// RFC 9112 §7.1.1: what may follow a chunk size. The extensions mean
/// nothing to this server and are ignored, as the RFC requires, but their
/// grammar is checked: a reader that skips to the line end and one that
/// parses the extension must never disagree about where the data starts.
/// Whitespace after the size is allowed only before a `;`.
fn is_chunk_ext(mut ext: &[u8]) -> bool {
    while !ext.is_empty() {
        let Some(rest) = grammar::skip_ows(ext).strip_prefix(b";") else { return false };
        let rest = grammar::skip_ows(rest);
        let name = grammar::token_len(rest);
        if name == 0 {
            return false;
        }
        ext = &rest[name..];
        if let Some(value) = grammar::skip_ows(ext).strip_prefix(b"=") {
            let value = grammar::skip_ows(value);
            let len = grammar::quoted_string_len(value).unwrap_or_else(|| grammar::token_len(value));
            if len == 0 {
                return false;
            }
            ext = &value[len..];
        }
    }
    true
}

fn ends_every_line_with_crlf(section: &[u8]) -> bool {
    section.iter().enumerate().all(|(i, &b)| b != b'\n' || (i > 0 && section[i - 1] == b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_whole(encoded: &[u8]) -> Result<Option<(usize, Vec<u8>)>, HttpError> {
        let mut decoder = ChunkedDecoder::new(64, 64);
        Ok(decoder.decode(encoded)?.map(|len| (len, decoder.body().to_vec())))
    }

    #[test]
    fn well_formed_bodies() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"0\r\n\r\n", b""),
            (b"5\r\ncount\r\n0\r\n\r\n", b"count"),
            (b"5\r\ncount\r\n3\r\n=41\r\n0\r\n\r\n", b"count=41"),
            (b"A\r\n0123456789\r\n0\r\n\r\n", b"0123456789"),
            (b"a\r\n0123456789\r\n000\r\n\r\n", b"0123456789"),
            (b"0000000000000000000003\r\nabc\r\n0\r\n\r\n", b"abc"),
            (b"3;name=value\r\nabc\r\n0\r\n\r\n", b"abc"),
            (b"3 ; name=\"quoted value\"\r\nabc\r\n0\r\n\r\n", b"abc"),
            (b"3;a;b=1 ; c = \"x\\\"y\"\r\nabc\r\n0\r\n\r\n", b"abc"),
            (b"3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n", b"abc"),
        ];
        for (encoded, body) in cases {
            let expected = Some((encoded.len(), body.to_vec()));
            assert_eq!(decode_whole(encoded), Ok(expected), "{}", String::from_utf8_lossy(encoded).escape_debug());
        }
    }

    #[test]
    fn the_decoder_stops_at_the_end_of_the_body() {
        assert_eq!(decode_whole(b"1\r\na\r\n0\r\n\r\nGET / HTTP/1.1\r\n"), Ok(Some((11, b"a".to_vec()))));
    }

    #[test]
    fn malformed_bodies() {
        use HttpError::*;
        let cases: &[(&[u8], HttpError)] = &[
            (b"\r\n", BadChunk),
            (b"x\r\n", BadChunk),
            (b";ext\r\n", BadChunk),
            (b"-1\r\n", BadChunk),
            (b"0x5\r\n", BadChunk),
            (b"5\n", BadChunk),
            (b"5\r\nabcdeXX", BadChunk),
            (b"5\r\nabcde\n0\r\n\r\n", BadChunk),
            (b"5 x\r\n", BadChunk),
            (b"5 \r\n", BadChunk),
            (b"5\t\r\n", BadChunk),
            (b"5;a\rb\r\n", BadChunk),
            (b"5;a\x00\r\n", BadChunk),
            (b"5;\r\n", BadChunk),
            (b"5;bad[=x\r\n", BadChunk),
            (b"5;a=\r\n", BadChunk),
            (b"5;a=\"open\r\n", BadChunk),
            (b"5;a=b \r\n", BadChunk),
            (b"10000000000000000\r\n", BadChunk),
            (b"0\r\nX-Trailer: 1\n\r\n", BadChunk),
            (b"0\r\nX-Trailer 1\r\n\r\n", BadChunk),
            (b"0\r\n\n", BadChunk),
            (b"41\r\n", BodyTooLarge),
            (b"ffffffffffffffff\r\n", BodyTooLarge),
        ];
        for (encoded, error) in cases {
            assert_eq!(decode_whole(encoded), Err(*error), "{}", String::from_utf8_lossy(encoded).escape_debug());
        }
    }

    #[test]
    fn overhead_is_bounded() {
        let mut decoder = ChunkedDecoder::new(64, 16);
        assert_eq!(decoder.decode(b"1;aaaaaaaaaaaaaaaaaaaaaaaa"), Err(HttpError::BodyTooLarge));
        let mut decoder = ChunkedDecoder::new(64, 16);
        assert_eq!(decoder.decode(b"0\r\nX-Long-Trailer: 1234567890\r\n\r\n"), Err(HttpError::BodyTooLarge));
    }

    #[test]
    fn bytes_arriving_one_at_a_time_decode_the_same() {
        let encoded = b"5;x=y\r\ncount\r\n3\r\n=41\r\n0\r\nT: 1\r\n\r\n";
        let mut decoder = ChunkedDecoder::new(64, 64);
        for end in 1..encoded.len() {
            assert_eq!(decoder.decode(&encoded[..end]), Ok(None), "after {end} bytes");
        }
        assert_eq!(decoder.decode(encoded), Ok(Some(encoded.len())));
        assert_eq!(decoder.body(), b"count=41");
    }
}
