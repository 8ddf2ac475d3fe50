//! One connection's conversation, as a function from bytes to bytes.
//!
//! A TCP connection carries requests one after another (RFC 9112 §9.3);
//! a client may even send several before reading any answer (pipelining,
//! §9.3.2), and the answers must come back in the same order.
//! [`Conversation::advance`] takes the bytes received and not yet used,
//! answers every complete request among them into an output buffer, and
//! says how many bytes it used and whether the connection must now close.
//! [`Conversation::time_out`] writes the answer to a request that stopped
//! arriving, and [`Conversation::phase`] says which of the server's
//! timeouts applies while it waits. So every byte a connection ever sends
//! comes from here; it never touches a socket or a clock: the event loop
//! in `server` moves the bytes and keeps the time, and the tests call it
//! with byte strings.
//!
//! The order of work for one request:
//! 1. wait until the head has ended (an empty line), refusing it as soon
//!    as it is malformed or too big;
//! 2. parse and check the head, then its framing headers;
//! 3. ask the page whether it wants the body; if it does not (a 404, a
//!    405), answer at once;
//! 4. otherwise wait for the whole body (sending `100 Continue` first if
//!    the client asked for it), then let the page answer.

use super::chunked::ChunkedDecoder;
use super::error::HttpError;
use super::framing::{BodyFraming, body_framing};
use super::request::{self, Parsed, Request};
use super::response::{Persistence, Response, Status};
use crate::config::{Config, HEADER_SLOTS};
use std::io::Write;
use std::mem::MaybeUninit;
use std::panic::{self, AssertUnwindSafe};

/// The interim response that tells a waiting client to send its body
/// (RFC 9110 §15.2.1).
const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// What the server asks of the application: the pages.
pub trait Handler: Send + Sync + 'static {
    /// Called once a request's head is in, before its body is read: should
    /// the server read the body and then call [`Handler::respond`]? Saying
    /// no (for a page that does not exist, or a method it does not take)
    /// lets the server answer without waiting for a body it would discard
    /// (RFC 9110 §10.1.1). An error refuses the request outright.
    fn reads_body(&self, _request: &Request) -> Result<bool, HttpError> {
        Ok(true)
    }

    /// Fills in the response to a request. `body` is the decoded body, or
    /// empty when there was none or it was not read.
    fn respond(&self, request: &Request, body: &[u8], response: &mut Response);
}

/// Where a conversation reports what it did, for an access log. The
/// conversation knows nothing of how or where that is printed.
pub trait Observer {
    /// Whether request and response heads are wanted (they cost a copy).
    fn tracing(&self) -> bool;
    /// A head crossed the wire; `from_client` says in which direction.
    fn head(&mut self, peer: &str, from_client: bool, head: &[u8]);
    /// A request was answered with `status` and `body_bytes` of content.
    fn answered(&mut self, date: &str, peer: &str, request: &Request, status: Status, body_bytes: usize);
    /// A request was refused before it could be parsed; `start` is what
    /// the client sent first.
    fn refused(&mut self, date: &str, peer: &str, start: &[u8], status: Status, body_bytes: usize);
}

/// An observer that keeps nothing: for tests and fuzzing.
pub struct Unobserved;

impl Observer for Unobserved {
    fn tracing(&self) -> bool {
        false
    }
    fn head(&mut self, _: &str, _: bool, _: &[u8]) {}
    fn answered(&mut self, _: &str, _: &str, _: &Request, _: Status, _: usize) {}
    fn refused(&mut self, _: &str, _: &str, _: &[u8], _: Status, _: usize) {}
}

/// What one call to [`Conversation::advance`] needs besides the bytes: the
/// pages, the limits, and the worker's reusable buffers.
pub struct Context<'a, H> {
    pub handler: &'a H,
    pub config: &'a Config,
    /// The current `Date` header value.
    pub date: &'a str,
    /// The client's address, as the log prints it.
    pub peer: &'a str,
    /// Scratch space for each response, reused from request to request.
    pub response: &'a mut Response,
    /// Where responses are laid out, to be sent with one write.
    pub out: &'a mut Vec<u8>,
    /// Told of every request answered or refused.
    pub log: &'a mut dyn Observer,
    /// The server is shutting down: every response closes its connection.
    pub closing: bool,
}

/// What [`Conversation::advance`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    /// Input bytes used up; the caller drops them from its buffer.
    pub consumed: usize,
    /// What the caller should do next.
    pub after: After,
}

/// What comes after a call to [`Conversation::advance`], once the output
/// it wrote has been sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// Every complete request was answered: read more.
    Read,
    /// The output filled up with complete requests still waiting: send it,
    /// then call again with the unused input.
    Flush,
    /// The last response closes the connection.
    Close,
    /// The last response closes the connection, but the client may still
    /// be sending (a refused body, pipelined requests). Stop writing and
    /// read and discard for a moment before closing, or the close turns
    /// into a reset that can destroy the response before it is read.
    Drain,
}

/// Where a connection is between requests, which decides which timeout
/// applies to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing of a next request has arrived: the idle timeout.
    Idle,
    /// Part of a head has arrived: the header timeout.
    Head,
    /// A head has arrived and its body is awaited: the body timeout.
    Body,
}

/// What a connection remembers between reads.
#[derive(Debug, Default)]
pub struct Conversation {
    /// Bytes at the front of the input already known to hold no complete
    /// head, so a head that trickles in byte by byte is parsed once per
    /// line, not once per byte.
    scanned: usize,
    /// A request whose head is in and whose body is still arriving.
    body: Option<PendingBody>,
    /// The request in progress is a `HEAD`, so even an error answer to it
    /// carries no body.
    head_only: bool,
}

#[derive(Debug)]
struct PendingBody {
    /// Length of the head in front of the body.
    head_len: usize,
    progress: BodyProgress,
    /// `100 Continue` has been sent for this request.
    continue_sent: bool,
}

#[derive(Debug)]
enum BodyProgress {
    Length(usize),
    Chunked(ChunkedDecoder),
}

/// The outcome of looking at the front of the input once.
enum Step {
    /// The request there is not complete yet.
    NeedMore,
    /// A response was written for a request of `len` bytes.
    Answered { len: usize, after: After },
}

impl Conversation {
    /// Answers every complete request at the front of `input`. The caller
    /// keeps the unused bytes and calls again, with them first, when more
    /// arrive. `input` is mutable for one reason: a request line saying
    /// `HTTP/1.2` is rewritten to `HTTP/1.1` in place.
    pub fn advance<H: Handler>(&mut self, input: &mut [u8], cx: &mut Context<H>) -> Advance {
        let mut consumed = 0;
        while consumed < input.len() {
            if self.body.is_none() {
                consumed += empty_lines(&input[consumed..]);
                if consumed == input.len() {
                    break;
                }
            }
            // Past a full output buffer, leave the rest for when it has
            // drained: a client that pipelines without reading must not
            // make the server buffer answers without bound.
            if cx.out.len() >= cx.config.max_pending_output {
                return Advance { consumed, after: After::Flush };
            }
            let rest = &mut input[consumed..];
            let mark = cx.out.len();
            let error = match panic::catch_unwind(AssertUnwindSafe(|| self.step(rest, cx))) {
                Ok(Ok(Step::NeedMore)) => break,
                Ok(Ok(Step::Answered { len, after: After::Read })) => {
                    consumed += len;
                    continue;
                }
                Ok(Ok(Step::Answered { len, after })) => {
                    consumed += len;
                    let after = if consumed < input.len() { After::Drain } else { after };
                    return Advance { consumed, after };
                }
                Ok(Err(error)) => error,
                Err(_) => HttpError::Internal,
            };
            // A panic may have left half a response behind: drop it.
            cx.out.truncate(mark);
            refuse(error, self.head_only, &input[consumed..], cx);
            return Advance { consumed: input.len(), after: After::Drain };
        }
        Advance { consumed, after: After::Read }
    }

    /// Which timeout applies, given how many unused input bytes are held.
    pub fn phase(&self, buffered: usize) -> Phase {
        match (&self.body, buffered) {
            (Some(_), _) => Phase::Body,
            (None, 0) => Phase::Idle,
            (None, _) => Phase::Head,
        }
    }

    /// The client did not finish its request in time: writes the `408`
    /// for it (without a body if it is a `HEAD`), and says whether there
    /// was a request begun to answer. With nothing begun, there is no one
    /// to answer, and the connection just closes. Either way the
    /// connection is over.
    pub fn time_out<H>(&mut self, held: &[u8], cx: &mut Context<H>) -> bool {
        let begun = self.body.is_some() || !held.is_empty();
        if begun {
            let head_only = self.head_only || (self.body.is_none() && request::is_head(held));
            refuse(HttpError::Timeout, head_only, held, cx);
        }
        *self = Conversation::default();
        begun
    }

    /// Tries to answer the request at the front of `input`.
    fn step<H: Handler>(&mut self, input: &mut [u8], cx: &mut Context<H>) -> Result<Step, HttpError> {
        if self.body.is_none() {
            self.head_only = request::is_head(input);
            if !self.line_ended(input) {
                return self.wait_for_head(input, cx.config);
            }
        }
        if let Some(pending) = &mut self.body
            && !pending.arrived(&input[pending.head_len..])?
        {
            return Ok(Step::NeedMore);
        }
        let mut slots = [const { MaybeUninit::uninit() }; HEADER_SLOTS];
        let slots = &mut slots[..cx.config.max_headers];
        if self.body.is_none()
            && let Some(digit_at) = request::newer_minor_version(input)
        {
            request::downgrade_minor_version(input, digit_at);
        }
        let lines = whole_lines(input, cx.config.max_head_bytes);
        let (request, head_len) = match request::parse(&input[..lines], slots)? {
            Parsed::Complete(request, head_len) => (request, head_len),
            Parsed::Partial => return self.wait_for_head(input, cx.config),
        };
        match self.body.take() {
            Some(pending) => Ok(self.answer_with_body(&request, &input[head_len..], pending, cx)),
            None => {
                cx.log.head(cx.peer, true, &input[..head_len]);
                self.begin_body(&request, head_len, &input[head_len..], cx)
            }
        }
    }

    /// Has a line ended since the head was last found incomplete? Only
    /// then can parsing again give a different answer.
    fn line_ended(&self, input: &[u8]) -> bool {
        input.get(self.scanned..).is_some_and(|new| new.contains(&b'\n'))
    }

    /// The head is incomplete: refuse it if it can no longer become a
    /// request, or has outgrown the limit; otherwise remember how far it
    /// was searched. Only what fits in the limit is judged, and before the
    /// size, so that the same bytes get the same answer however they were
    /// split on the way.
    fn wait_for_head(&mut self, input: &[u8], config: &Config) -> Result<Step, HttpError> {
        if request::cannot_begin_request(&input[..input.len().min(config.max_head_bytes)]) {
            return Err(request::NOT_A_REQUEST);
        }
        if input.len() > config.max_head_bytes {
            return Err(too_large(input, config.max_head_bytes));
        }
        self.scanned = input.len();
        Ok(Step::NeedMore)
    }

    /// The head is in: work out the body's framing, let the page decline
    /// the body, then answer if the body is already here.
    fn begin_body<H: Handler>(
        &mut self,
        request: &Request,
        head_len: usize,
        after_head: &[u8],
        cx: &mut Context<H>,
    ) -> Result<Step, HttpError> {
        let framing = body_framing(request, cx.config.max_body_bytes)?;
        let expects_continue = request.expects_continue()?;
        let mut pending = match framing {
            BodyFraming::None => return Ok(self.answer(request, &[], head_len, false, cx)),
            BodyFraming::Length(n) => PendingBody::new(head_len, BodyProgress::Length(n)),
            BodyFraming::Chunked => {
                let decoder = ChunkedDecoder::new(cx.config.max_body_bytes, cx.config.max_chunked_overhead);
                PendingBody::new(head_len, BodyProgress::Chunked(decoder))
            }
        };
        if !cx.handler.reads_body(request)? {
            // The answer does not depend on the body. If all of it is here
            // (and well-formed), skip it and carry on; if not, the rest
            // would be read as the next request, so close after answering
            // (RFC 9112 §9.3). The page is asked before the body is looked
            // at, so the answer is the same however the bytes were split.
            let arrived = pending.arrived(after_head).unwrap_or(false);
            let len = head_len + if arrived { pending.encoded_len() } else { 0 };
            return Ok(self.answer(request, &[], len, !arrived, cx));
        }
        if pending.arrived(after_head)? {
            return Ok(self.answer_with_body(request, after_head, pending, cx));
        }
        if expects_continue {
            cx.out.extend_from_slice(CONTINUE);
            cx.log.head(cx.peer, false, CONTINUE);
            pending.continue_sent = true;
        }
        self.body = Some(pending);
        Ok(Step::NeedMore)
    }

    /// The whole body is here: answer with it.
    fn answer_with_body<H: Handler>(
        &mut self,
        request: &Request,
        after_head: &[u8],
        pending: PendingBody,
        cx: &mut Context<H>,
    ) -> Step {
        let len = pending.head_len + pending.encoded_len();
        match &pending.progress {
            BodyProgress::Length(n) => self.answer(request, &after_head[..*n], len, false, cx),
            BodyProgress::Chunked(decoder) => self.answer(request, decoder.body(), len, false, cx),
        }
    }

    /// Lets the page respond, lays the response out, and logs it.
    fn answer<H: Handler>(
        &mut self,
        request: &Request,
        body: &[u8],
        len: usize,
        must_close: bool,
        cx: &mut Context<H>,
    ) -> Step {
        cx.response.clear();
        cx.handler.respond(request, body, cx.response);
        let persistence = if must_close || cx.closing { Persistence::Close } else { request.persistence() };
        let written = write_response(cx, persistence, self.head_only);
        cx.log.answered(cx.date, cx.peer, request, cx.response.status(), written);
        *self = Conversation::default();
        let after = match persistence {
            _ if must_close => After::Drain,
            Persistence::Close => After::Close,
            _ => After::Read,
        };
        Step::Answered { len, after }
    }
}

impl PendingBody {
    fn new(head_len: usize, progress: BodyProgress) -> Self {
        PendingBody { head_len, progress, continue_sent: false }
    }

    /// Has the whole body arrived in `after_head`?
    fn arrived(&mut self, after_head: &[u8]) -> Result<bool, HttpError> {
        match &mut self.progress {
            BodyProgress::Length(n) => Ok(after_head.len() >= *n),
            BodyProgress::Chunked(decoder) => Ok(decoder.decode(after_head)?.is_some()),
        }
    }

    /// Bytes the body takes on the wire, once it has arrived.
    fn encoded_len(&self) -> usize {
        match &self.progress {
            BodyProgress::Length(n) => *n,
            BodyProgress::Chunked(decoder) => decoder.encoded_len(),
        }
    }
}

/// How much of `input` to parse: the whole lines within the head limit.
/// So a head too large is refused as such, whatever is wrong with it
/// further on, and a line still arriving is judged once it has ended: the
/// answer is the same however the bytes were split on the way.
fn whole_lines(input: &[u8], max_head: usize) -> usize {
    let within_limit = &input[..input.len().min(max_head)];
    within_limit.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
}

/// RFC 9112 §2.2: empty lines before a request line are ignored. They are
/// dropped before the head is looked at, so a stray CRLF after a request
/// does not start the next one's header timeout.
fn empty_lines(input: &[u8]) -> usize {
    input.iter().take_while(|&&b| b == b'\r' || b == b'\n').count()
}

/// An over-long head is `414` if even its request line did not fit in the
/// limit, `431` otherwise.
fn too_large(input: &[u8], max_head: usize) -> HttpError {
    if input[..input.len().min(max_head)].contains(&b'\n') { HttpError::HeadTooLarge } else { HttpError::UriTooLong }
}

/// Lays out `cx.response` and traces its head; returns the body bytes sent.
fn write_response<H>(cx: &mut Context<H>, persistence: Persistence, head_only: bool) -> usize {
    let start = cx.out.len();
    cx.response.write_to(cx.out, cx.date, persistence, head_only);
    let body_sent = if head_only { 0 } else { cx.response.body().len() };
    if cx.log.tracing() {
        let head_end = cx.out.len() - body_sent;
        cx.log.head(cx.peer, false, &cx.out[start..head_end]);
    }
    body_sent
}

/// Writes the fixed answer to a refused request. It always closes the
/// connection: after a framing error nobody can tell where the next
/// request would begin.
fn refuse<H>(error: HttpError, head_only: bool, input: &[u8], cx: &mut Context<H>) {
    error_response(cx.response, error);
    let written = write_response(cx, Persistence::Close, head_only);
    cx.log.refused(cx.date, cx.peer, input, error.status(), written);
}

/// The whole answer to a connection refused before any request was read
/// (the server is at its connection limit): status, fixed text, close.
pub fn refusal(error: HttpError, date: &str) -> Vec<u8> {
    let mut response = Response::default();
    error_response(&mut response, error);
    let mut bytes = Vec::new();
    response.write_to(&mut bytes, date, Persistence::Close, false);
    bytes
}

/// Fills `response` with a short plain-text error that repeats nothing the
/// client sent.
fn error_response(response: &mut Response, error: HttpError) {
    response.clear();
    response.set_status(error.status());
    response.header("Content-Type", "text/plain; charset=utf-8");
    let _ = writeln!(response.body_mut(), "{error}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers with the method, path and body; panics on `/panic`.
    struct Echo;

    impl Handler for Echo {
        fn reads_body(&self, request: &Request) -> Result<bool, HttpError> {
            Ok(request.path != "/no-body")
        }

        fn respond(&self, request: &Request, body: &[u8], response: &mut Response) {
            assert_ne!(request.path, "/panic", "a bug in a page");
            let text = format!("{} {} {}", request.method.as_str(), request.path, String::from_utf8_lossy(body));
            response.body_mut().extend_from_slice(text.as_bytes());
        }
    }

    /// Feeds `chunks` one after another to one conversation, keeping the
    /// unused bytes and stopping at a close as the server does; gives what
    /// was written and the last advance.
    fn converse(config: &Config, chunks: &[&[u8]]) -> (String, Advance) {
        let (mut response, mut out, mut log) = (Response::default(), Vec::new(), Unobserved);
        let mut conversation = Conversation::default();
        let mut held = Vec::new();
        let mut last = Advance { consumed: 0, after: After::Read };
        for chunk in chunks {
            held.extend_from_slice(chunk);
            let mut cx = Context {
                handler: &Echo,
                config,
                date: "Sun, 22 Nov 2026 02:10:20 GMT",
                peer: "127.0.0.1:1",
                response: &mut response,
                out: &mut out,
                log: &mut log,
                closing: false,
            };
            last = conversation.advance(&mut held, &mut cx);
            held.drain(..last.consumed);
            if matches!(last.after, After::Close | After::Drain) {
                break; // the server reads no further requests
            }
        }
        (String::from_utf8_lossy(&out).into_owned(), last)
    }

    /// The status codes of the responses in `output`.
    fn statuses(output: &str) -> Vec<&str> {
        let codes = output.split("HTTP/1.1 ").skip(1).map(|r| &r[..3]);
        codes.filter(|code| code.bytes().all(|b| b.is_ascii_digit())).collect()
    }

    /// Chunks sent one after another, the statuses answered, what comes next.
    type Case<'a> = (&'a [&'a [u8]], &'a [&'a str], After);

    #[test]
    fn conversations() {
        use After::*;
        let config = Config { max_head_bytes: 64, max_body_bytes: 16, ..Config::default() };
        let get = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        let cases: &[Case] = &[
            (&[get], &["200"], Read),
            (&[b"GET / HTTP/1.1\r\nHo"], &[], Read),
            (&[b"GET / HTTP/1.1\r\nHo", b"st: a\r\n\r\n"], &["200"], Read),
            (&[b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"], &["200", "200"], Read),
            (&[b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"], &["200"], Close),
            (&[b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /"], &["200"], Drain),
            (&[b"GET / HTTP/1.0\r\n\r\n"], &["200"], Close),
            (&[b"GET /x HTTP/1.2\r\nHost: a\r\n\r\n"], &["200"], Read),
            (&[b"GET / HTTP/3.0\r\n"], &["505"], Drain),
            (&[b"GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n"], &["400"], Drain),
            (&[b"GET / HTTP/1.1\r\n\r\n"], &["400"], Drain),
            (&[&[b'a'; 65]], &["414"], Drain),
            (&[b"GET / HTTP/1.1\r\n", &[b'a'; 60]], &["431"], Drain),
            (&[b"GET / HTTP/1.1\r\nHost: a\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"], &["431"], Drain),
            (&[b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n"], &["413"], Drain),
            (&[b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n", b"h", b"i"], &["200"], Read),
            (&[b"POST /no-body HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"], &["200"], Read),
            (&[b"POST /no-body HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nh"], &["200"], Drain),
            (&[b"GET /panic HTTP/1.1\r\nHost: a\r\n\r\n"], &["500"], Drain),
            (&[b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /panic HTTP/1.1\r\nHost: a\r\n\r\n"], &["200", "500"], Drain),
            (&[b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n\r\n", b"\r", b"\n"], &["200"], Read),
            (&[b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"], &["400"], Drain),
            (&[b"GET /a b HTTP/1.1\r\n"], &["400"], Drain),
        ];
        for (chunks, expected, after) in cases {
            let (output, advance) = converse(&config, chunks);
            assert_eq!(statuses(&output), *expected, "{chunks:?}\n{output}");
            assert_eq!(advance.after, *after, "{chunks:?}");
        }
    }

    #[test]
    fn bodies_reach_the_page_decoded() {
        let config = Config::default();
        let (output, _) = converse(&config, &[b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\n\r\ncount=41"]);
        assert!(output.ends_with("POST /f count=41"), "{output}");
        let chunked: &[&[u8]] = &[
            b"POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\ncount\r\n",
            b"3\r\n=41\r\n0\r\n\r\n",
        ];
        let (output, _) = converse(&config, chunked);
        assert!(output.ends_with("POST /f count=41"), "{output}");
    }

    #[test]
    fn continue_is_sent_once_and_only_when_the_body_is_wanted() {
        let config = Config::default();
        let head = b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
        let (output, _) = converse(&config, &[head, b"h", b"i"]);
        assert_eq!(output.matches("HTTP/1.1 100 Continue\r\n\r\n").count(), 1, "{output}");
        assert!(output.ends_with("POST /f hi"));
        let (output, _) = converse(&config, &[head, b"hi"]);
        assert_eq!(output.matches("100 Continue").count(), 1);
        let (output, _) = converse(&config, &[&[head, &b"hi"[..]].concat()]);
        assert_eq!(output.matches("100 Continue").count(), 0, "the body was already here");
        let refused = b"POST /no-body HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
        let (output, advance) = converse(&config, &[refused]);
        assert!(!output.contains("100 Continue"));
        assert_eq!((statuses(&output), advance.after), (vec!["200"], After::Drain));
    }

    #[test]
    fn a_full_output_pauses_the_pipeline() {
        let config = Config { max_pending_output: 1, ..Config::default() };
        let two = b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
        let (output, advance) = converse(&config, &[two]);
        assert_eq!(statuses(&output), ["200"]);
        assert_eq!(advance, Advance { consumed: two.len() / 2, after: After::Flush });
    }

    #[test]
    fn head_requests_get_no_body_even_when_refused() {
        let config = Config::default();
        for (head, status) in [
            (&b"HEAD / HTTP/1.1\r\nHost: a\r\nExpect: nope\r\n\r\n"[..], "417"),
            (b"HEAD / HTTP/1.1\r\n\r\n", "400"),
            (b"HEAD / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400"),
            (b"HEAD foo HTTP/1.1\r\nHost: a\r\n\r\n", "400"),
            (b"\r\nHEAD / HTTP/2.0\r\nHost: a\r\n\r\n", "505"),
        ] {
            let (output, _) = converse(&config, &[head]);
            assert!(output.starts_with(&format!("HTTP/1.1 {status} ")), "{output}");
            assert!(output.ends_with("\r\n\r\n"), "no body: {output}");
        }
    }

    #[test]
    fn the_answer_does_not_depend_on_how_the_bytes_were_split() {
        let config = Config { max_head_bytes: 64, ..Config::default() };
        let long_head_bad_target = [&b"GET nopath HTTP/1.1\r\nHost: a\r\nX: "[..], &[b'a'; 40], b"\r\n\r\n"].concat();
        let cases: [(&[u8], &[&str]); 3] = [
            // A page that does not read the body answers, whatever the body.
            (b"POST /no-body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nx\r\n", &["200"]),
            // Too large is too large, whatever is wrong further on.
            (&long_head_bad_target, &["431"]),
            // A line is judged once it has ended.
            (b"GET / HTTP/1.1\r\nHost: a\r\nBad=Name: x", &[]),
        ];
        for (input, expected) in cases {
            let whole = converse(&config, &[input]).0;
            let bytes: Vec<&[u8]> = input.chunks(1).collect();
            let trickled = converse(&config, &bytes).0;
            assert_eq!(statuses(&whole), expected, "{}", String::from_utf8_lossy(input));
            assert_eq!(statuses(&trickled), expected, "{}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn corners_the_fuzzer_found_get_one_answer_however_split() {
        let config = Config { max_head_bytes: 8192, max_chunked_overhead: 8192, ..Config::default() };
        // Junk that cannot begin a request, longer than the head limit.
        let junk = [&b"\x16"[..], &[b'a'; 8192]].concat();
        // A chunked body whose trailer breaks the grammar past the overhead
        // limit.
        let trailer = [
            &b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: "[..],
            &[b'a'; 9000],
            b"\x01\r\n\r\n",
        ]
        .concat();
        for (input, cut, expected) in [(&junk, 1, "400"), (&trailer, 80, "413")] {
            let whole = converse(&config, &[input]).0;
            let split = converse(&config, &[&input[..cut], &input[cut..]]).0;
            assert_eq!(statuses(&whole), [expected], "whole");
            assert_eq!(statuses(&split), [expected], "split at {cut}");
        }
    }

    #[test]
    fn empty_lines_between_requests_are_used_up() {
        // So nothing is held, and the connection waits on the idle timeout
        // rather than a header timeout for a request that never began.
        let input = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n\r\n";
        let (_, advance) = converse(&Config::default(), &[input]);
        assert_eq!(advance, Advance { consumed: input.len(), after: After::Read });
    }

    #[test]
    fn phases() {
        let mut conversation = Conversation::default();
        assert_eq!(conversation.phase(0), Phase::Idle);
        assert_eq!(conversation.phase(3), Phase::Head);
        conversation.body = Some(PendingBody::new(10, BodyProgress::Length(5)));
        assert_eq!(conversation.phase(12), Phase::Body);
    }
}
