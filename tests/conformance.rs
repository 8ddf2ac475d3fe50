//! Vectors from public conformance suites that cannot run here, ported as
//! raw-byte tables and sent to a real server over a socket.
//!
//! - **Http11Probe** (github.com/MDA2AV/Http11Probe, a .NET tool): its 87
//!   smuggling probes (`src/Http11Probe/TestCases/Suites/SmugglingSuite.cs`)
//!   and its 12 cookie probes (`CookieSuite.cs`), one row per probe, named
//!   by the probe's id.
//! - **h11** (`h11/tests/test_io.py`, `test_ChunkedReader`), with the three
//!   vectors of CVE-2025-43859: any two bytes after a chunk's data were
//!   taken as its closing CRLF.
//! - **Go** (`src/net/http/internal/chunked_test.go`,
//!   `TestChunkInvalidInputs`), the vectors of CVE-2025-22871: a bare LF
//!   taken as the end of a chunk-size line.
//!
//! Request smuggling needs two parsers that read one byte stream as
//! different requests: a proxy that sees one request where the server sees
//! two lets the second one past the proxy's checks, or onto another
//! user's connection. pagecount's defence is to refuse (and close) every
//! request whose framing could be read two ways; these tables check it
//! does, vector by vector, and that nothing smuggled is ever answered.
//!
//! How a probe is run, as Http11Probe runs it: each step is written to one
//! connection, the next only if the connection is still open after the
//! answer to the last. Each answer is checked exactly (its status, and for
//! the echo page the body it was given). After the last answer the
//! connection must either close with nothing more to read, or answer one
//! more request, the canary, as itself: a request smuggled inside a probe
//! would be answered before it.
//!
//! Http11Probe's reference servers answer `POST /` by echoing the body, so
//! its probes are sent here to an echo page that reads every body; the
//! same probes then go to pagecount's own pages, which must stay in step
//! or close. Its `/echo` and `/cookie` endpoints are `/inspect/` here.
//!
//! Each Http11Probe row also states the grade Http11Probe would give
//! pagecount's answer: its validators are transcribed in [`Grading`] and
//! the grade is computed, so a row's verdict cannot go stale. A `Warn` or
//! `Fail` row says in its note why pagecount answers as it does, naming
//! the RFC section that allows it.
//!
//! Vectors are transcribed as data with their source named; no code of
//! the suites is copied. `Host` is `localhost:8080` throughout, as in
//! Http11Probe's documentation, so its computed lengths are the ones here.

mod common;

use common::{Client, TestServer, test_config};
use pagecount::http::{Handler, Request, Response};

// The echo page and the canary.

/// A page that reads every body and answers 200 with it, as Http11Probe's
/// reference servers answer `POST /`. `X-Echo` says which request it
/// answered: method, target and body length (a `HEAD` answer has no body
/// to show).
struct Echo;

impl Handler for Echo {
    fn respond(&self, request: &Request, body: &[u8], response: &mut Response) {
        let seen = format!("{} {} {}", request.method.as_str(), request.target, body.len());
        response.header("X-Echo", &seen);
        response.header("Content-Type", "application/octet-stream");
        response.body_mut().extend_from_slice(body);
    }
}

fn echo_server() -> TestServer {
    TestServer::with_handler(test_config(), Echo)
}

/// The last request on a connection still open after a probe. It must be
/// the next thing answered: anything smuggled would come first.
const CANARY: &[u8] = b"GET /canary HTTP/1.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n";

/// The canary for pagecount's own pages: the cookie counter must show 777.
const APP_CANARY: &[u8] =
    b"GET /count_view/ HTTP/1.1\r\nHost: localhost:8080\r\nCookie: count=776\r\nConnection: close\r\n\r\n";

/// What pagecount answers to one step of a probe.
#[derive(Clone, Debug)]
enum Answer {
    /// Refused: this status, `Connection: close`, and nothing after it.
    Refused(u16),
    /// The echo page was given this body and answered 200; the connection
    /// stays open.
    Echoed(Vec<u8>),
}

use Answer::Refused;

fn echoed(body: impl Into<Vec<u8>>) -> Answer {
    Answer::Echoed(body.into())
}

impl Answer {
    fn status(&self) -> u16 {
        match self {
            Refused(status) => *status,
            Answer::Echoed(_) => 200,
        }
    }

    fn closes(&self) -> bool {
        matches!(self, Refused(_))
    }
}

/// The method and target of the request at the start of `step` (past any
/// empty lines), as the echo page's `X-Echo` names them.
fn request_line_start(step: &[u8]) -> String {
    let text = String::from_utf8_lossy(step);
    let line = text.trim_start_matches(['\r', '\n']).lines().next().unwrap_or_default().to_string();
    line.rsplit_once(' ').map_or(line.clone(), |(start, _version)| start.to_string())
}

/// Reads the final answer to `step`: a `HEAD` answer has no body, and an
/// interim `100 Continue` is passed over, as every client must (RFC 9110
/// §15.2). The server sends it when a head that asks for it arrives before
/// its body, which is up to how the bytes were split.
fn answer_to(client: &mut Client, step: &[u8]) -> common::Response {
    loop {
        let response =
            if step.trim_ascii_start().starts_with(b"HEAD ") { client.head_response() } else { client.response() };
        if response.status >= 200 {
            return response;
        }
        assert_eq!(response.status_line, "HTTP/1.1 100 Continue", "the only interim answer");
    }
}

/// Reads the answer to `step` and checks it is `expected`.
fn check_answer(client: &mut Client, step: &[u8], expected: &Answer, context: &str) {
    let response = answer_to(client, step);
    match expected {
        Refused(status) => {
            assert_eq!(response.status, *status, "{context}: {}", response.text());
            assert!(response.closes(), "{context}: a refusal closes the connection");
            let after = client.read_to_close();
            assert!(after.is_empty(), "{context}: nothing follows a refusal: {:?}", String::from_utf8_lossy(&after));
        }
        Answer::Echoed(body) => {
            assert_eq!(response.status, 200, "{context}: {}", response.text());
            assert!(!response.closes(), "{context}: the connection stays open");
            let seen = format!("{} {}", request_line_start(step), body.len());
            assert_eq!(response.header("X-Echo"), Some(seen.as_str()), "{context}: the page answered this step");
            if !step.trim_ascii_start().starts_with(b"HEAD ") {
                assert!(response.body == *body, "{context}: the page was given {:?}", response.text());
            }
        }
    }
}

/// The connection is still open after a probe: the canary must be the
/// next (and last) thing answered on it.
fn check_in_step_with_echo(client: &mut Client, context: &str) {
    let response = client.send(CANARY).response();
    assert_eq!(response.header("X-Echo"), Some("GET /canary 0"), "{context}: the canary is answered next");
    assert!(client.read_to_close().is_empty(), "{context}: nothing follows the canary");
}

fn check_in_step_with_app(client: &mut Client, context: &str) {
    let response = client.send(APP_CANARY).response();
    assert_eq!(response.shown_count(), Some(777), "{context}: the canary is answered next: {}", response.text());
    assert!(client.read_to_close().is_empty(), "{context}: nothing follows the canary");
}

/// How a step's bytes are written.
#[derive(Clone, Copy)]
enum Delivery {
    /// In one write.
    Whole,
    /// One byte per write: the answer must not depend on how the bytes
    /// were split on the way.
    ByteByByte,
}

impl Delivery {
    fn send(self, client: &mut Client, bytes: &[u8]) {
        match self {
            Delivery::Whole => client.send(bytes),
            Delivery::ByteByByte => client.trickle(bytes),
        };
    }
}

/// Sends each step while the connection stays open and checks every answer
/// against `answers`, then that the connection closed or is still in step.
fn run_on_echo(server: &TestServer, delivery: Delivery, context: &str, steps: &[Vec<u8>], answers: &[Answer]) {
    let refused_at = answers.iter().position(Answer::closes);
    let sent = refused_at.map_or(steps.len(), |i| i + 1);
    assert_eq!(answers.len(), sent, "{context}: one answer per step sent (none after a refusal)");
    let mut client = server.client();
    for (step, expected) in steps.iter().zip(answers) {
        delivery.send(&mut client, step);
        check_answer(&mut client, step, expected, context);
    }
    if refused_at.is_none() {
        check_in_step_with_echo(&mut client, context);
    }
}

/// Sends each step to pagecount's own pages while the connection stays
/// open. Their answers differ from the echo page's: they read no body at
/// `/`, so a POST there is answered 405 before its body is looked at, and
/// the body is then skipped if it is all there and well-formed, or the
/// connection closed if not. Either way no answer is a 500, and nothing
/// of a body may be answered as a request: the connection ends closed, or
/// in step.
fn run_on_app(server: &TestServer, delivery: Delivery, context: &str, steps: &[Vec<u8>]) {
    let mut client = server.client();
    for step in steps {
        delivery.send(&mut client, step);
        let response = answer_to(&mut client, step);
        assert!(response.status != 500, "{context}: {}", response.text());
        if response.closes() {
            assert!(client.read_to_close().is_empty(), "{context}: nothing follows a closing answer");
            return;
        }
    }
    check_in_step_with_app(&mut client, context);
}

// Http11Probe's grading.

/// Http11Probe's grades.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Pass,
    /// Allowed by the RFCs, but Http11Probe prefers a refusal.
    Warn,
    Fail,
}

use Verdict::{Fail, Pass, Warn};

/// Http11Probe's validators, transcribed. Each says which answers pass,
/// warn or fail; "closed" means the connection closed after the answer,
/// which pagecount does after every refusal and never after a 200 here.
#[derive(Clone, Copy, Debug)]
enum Grading {
    /// `ExpectedStatus = Exact(400), AllowConnectionClose = true`: 400, or
    /// a close without an answer.
    Exactly400,
    /// "400 or 2xx": 400 passes, a 2xx warns.
    Or2xxWarns,
    /// "400/501 or close".
    Exactly400Or501,
    /// "400/501 or 2xx+close": a 2xx warns if the connection then closes,
    /// and fails if it stays open (CL and TE were both sent).
    Or501Or2xxIfClosed,
    /// "400 or 2xx+close".
    Or2xxIfClosed,
    /// "400 or close preferred; 2xx acceptable".
    CloseOr2xxWarns,
    /// "400, or 2xx + close": after an ambiguous request the connection
    /// must close (RFC 9112 §6.1); staying open fails.
    MustClose,
    /// SMUG-GET-CL-PREFIX-DESYNC: a refusal, a close or a clean second
    /// answer passes.
    PrefixDesync,
    /// SMUG-CL0-BODY-POISON: any answer to the second step warns.
    ZeroLengthPoison,
    /// SMUG-GET/OPTIONS-CL-BODY-DESYNC: a second answer of 400 warns.
    UnreadBody,
    /// SMUG-EXPECT-100-CL-DESYNC: a 400 or 417, a close, or two 2xx pass;
    /// anything else warns.
    ExpectDesync,
    /// SMUG-PIPELINE-SAFE: two 2xx answers pass.
    PipelineSafe,
}

fn is_2xx(status: u16) -> bool {
    (200..300).contains(&status)
}

/// `Pass` if `pass`, else `Warn` if `warn`, else `Fail`.
fn verdict(pass: bool, warn: bool) -> Verdict {
    match (pass, warn) {
        (true, _) => Pass,
        (false, true) => Warn,
        (false, false) => Fail,
    }
}

/// The grade Http11Probe gives these answers.
fn grade(grading: Grading, answers: &[Answer]) -> Verdict {
    use Grading::*;
    let (first, closed) = (answers[0].status(), answers[0].closes());
    let second = answers.get(1).map(Answer::status);
    // Whether the second step, if it was sent at all, got a passing answer.
    let second_passes = |passes: fn(u16) -> bool| second.is_none_or(passes);
    match grading {
        Exactly400 => verdict(first == 400, false),
        Or2xxWarns => verdict(first == 400, is_2xx(first)),
        Exactly400Or501 => verdict(first == 400 || first == 501, false),
        Or501Or2xxIfClosed => verdict(first == 400 || first == 501, is_2xx(first) && closed),
        Or2xxIfClosed => verdict(first == 400, is_2xx(first) && closed),
        CloseOr2xxWarns => verdict(first == 400 || closed, is_2xx(first)),
        MustClose => verdict(first == 400 || closed, false),
        PrefixDesync => {
            verdict(first == 400 || closed || is_2xx(first) && second_passes(|s| s == 400 || is_2xx(s)), true)
        }
        ZeroLengthPoison => verdict(first == 400 || closed || is_2xx(first) && second.is_none(), is_2xx(first)),
        UnreadBody => verdict(first == 400 || closed || is_2xx(first) && second_passes(is_2xx), is_2xx(first)),
        ExpectDesync => verdict(first == 400 || first == 417 || closed || is_2xx(first) && second_passes(is_2xx), true),
        PipelineSafe => verdict(is_2xx(first) && second.is_some_and(is_2xx), is_2xx(first)),
    }
}

/// One Http11Probe smuggling probe.
struct Probe {
    /// Its id in `SmugglingSuite.cs`.
    id: &'static str,
    /// The bytes of each step, one write each.
    steps: Vec<Vec<u8>>,
    /// pagecount's answer to each step sent, with the echo page.
    answers: Vec<Answer>,
    /// How Http11Probe grades the answers.
    grading: Grading,
    /// The grade it gives pagecount's.
    verdict: Verdict,
    /// Why pagecount's answer is not a plain pass; empty when it is.
    note: &'static str,
}

/// A probe of one request.
fn single(id: &'static str, grading: Grading, answer: Answer, verdict: Verdict, request: &[u8]) -> Probe {
    Probe { id, steps: vec![request.to_vec()], answers: vec![answer], grading, verdict, note: "" }
}

/// A probe of two steps on one connection (Http11Probe's sequence tests).
fn sequence(id: &'static str, grading: Grading, answers: Vec<Answer>, verdict: Verdict, steps: [&[u8]; 2]) -> Probe {
    Probe { id, steps: steps.map(<[u8]>::to_vec).to_vec(), answers, grading, verdict, note: "" }
}

impl Probe {
    fn because(self, note: &'static str) -> Self {
        Probe { note, ..self }
    }
}

/// The follow-up of Http11Probe's sequence tests.
const FOLLOW_UP: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n";

/// Http11Probe's 87 smuggling probes, in the order of `SmugglingSuite.cs`.
fn smuggling_probes() -> Vec<Probe> {
    use Grading::*;
    let octal_length =
        [&b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 0200\r\n\r\n"[..], &[b'A'; 200]].concat();
    vec![
        single("SMUG-CL-TE-BOTH", Or2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 23\r\nTransfer-Encoding: chunked\r\n\r\nD\r\nhello-bananas\r\n0\r\n\r\n"),
        single("SMUG-DUPLICATE-CL", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5\r\nContent-Length: 10\r\n\r\nhelloworld"),
        single("SMUG-CL-LEADING-ZEROS", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 005\r\n\r\nhello")
            .because("Content-Length = 1*DIGIT (RFC 9110 §8.6): 005 is five, and every reader agrees"),
        single("SMUG-TE-XCHUNKED", Exactly400Or501, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-TE-TRAILING-SPACE", Or501Or2xxIfClosed, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked \r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-TE-SP-BEFORE-COLON", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-CL-NEGATIVE", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: -1\r\n\r\n"),
        single("SMUG-CLTE-PIPELINE", CloseOr2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        single("SMUG-TECL-PIPELINE", CloseOr2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\nContent-Length: 30\r\n\r\n0\r\n\r\n"),
        single("SMUG-CL-TRAILING-SPACE", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5 \r\n\r\nhello")
            .because("the spaces around a field value are not part of it (RFC 9110 §5.5): the value is 5"),
        single("SMUG-TE-DOUBLE-CHUNKED", Or2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked, chunked\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-CL-EXTRA-LEADING-SP", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length:  5\r\n\r\nhello")
            .because("OWS before a field value is any number of spaces (RFC 9112 §5): the value is 5"),
        single("SMUG-TE-CASE-MISMATCH", Or2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: Chunked\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-CL-COMMA-DIFFERENT", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5, 10\r\n\r\nhello"),
        single("SMUG-TE-NOT-FINAL-CHUNKED", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
        single("SMUG-TE-HTTP10", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.0\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-CHUNK-BARE-SEMICOLON", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n"),
        single("SMUG-CHUNK-EXT-INVALID-TOKEN", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5;bad[=x\r\nhello\r\n0\r\n\r\n"),
        single("SMUG-BARE-CR-HEADER-VALUE", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5\r\nX-Test: val\rue\r\n\r\nhello"),
        single("SMUG-CL-OCTAL", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 0o5\r\n\r\nhello"),
        single("SMUG-CHUNK-UNDERSCORE", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n1_0\r\nhello world!!!!!\r\n0\r\n\r\n"),
        single("SMUG-TE-EMPTY-VALUE", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: \r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-TE-LEADING-COMMA", Or2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: , chunked\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-TE-DUPLICATE-HEADERS", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-CHUNK-HEX-PREFIX", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"),
        single("SMUG-CHUNK-SIZE-PLUS", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n"),
        single("SMUG-CHUNK-SIZE-TRAILING-OWS", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n"),
        single("SMUG-CL-HEX-PREFIX", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 0x5\r\n\r\nhello"),
        single("SMUG-CL-INTERNAL-SPACE", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 1 0\r\n\r\nhello12345"),
        single("SMUG-CHUNK-LEADING-SP", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n"),
        single("SMUG-CHUNK-MISSING-TRAILING-CRLF", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello0\r\n\r\n"),
        single("SMUG-CHUNK-EXT-LF", Or2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5;\nhello\r\n0\r\n\r\n"),
        single("SMUG-CHUNK-SPILL", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello!!\r\n0\r\n\r\n"),
        single("SMUG-CHUNK-LF-TERM", Or2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n"),
        single("SMUG-CHUNK-EXT-CTRL", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5;\x00ext\r\nhello\r\n0\r\n\r\n"),
        single("SMUG-CHUNK-EXT-CR", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5;a\rX\r\nhello\r\n0\r\n\r\n"),
        single("SMUG-TE-VTAB", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: \x0bchunked\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-TE-FORMFEED", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: \x0cchunked\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-TE-NULL", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\x00\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-CHUNK-LF-TRAILER", Or2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\n"),
        single("SMUG-TE-IDENTITY", Exactly400Or501, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-CHUNK-NEGATIVE", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nhello\r\n0\r\n\r\n"),
        single("SMUG-TRANSFER_ENCODING", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer_Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello")
            .because("`_` is a token character, so Transfer_Encoding is another field, unknown and ignored \
                      (RFC 9110 §5.1); the body is framed by Content-Length alone"),
        single("SMUG-CL-COMMA-SAME", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5, 5\r\n\r\nhello")
            .because("a list of equal values is accepted as that value (RFC 9110 §8.6), as the closing note of \
                      issues 2 and 3 says"),
        single("SMUG-CL-COMMA-TRIPLE", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5, 5, 5\r\n\r\nhello")
            .because("as SMUG-CL-COMMA-SAME: equal values, accepted as RFC 9110 §8.6 allows"),
        single("SMUG-CHUNKED-WITH-PARAMS", Or2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked;ext=val\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-EXPECT-100-CL", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello")
            .because("the body came with the head, so no 100 Continue is due (RFC 9110 §10.1.1) and the \
                      request is served"),
        single("SMUG-TRAILER-CL", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n")
            .because("trailer fields are parsed and dropped, never merged into the head (RFC 9110 §6.5.1), so \
                      this Content-Length frames nothing"),
        single("SMUG-TRAILER-TE", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n")
            .because("trailer fields are dropped (RFC 9110 §6.5.1)"),
        single("SMUG-TRAILER-HOST", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nHost: evil.example.com\r\n\r\n")
            .because("trailer fields are dropped (RFC 9110 §6.5.1); the page never sees this Host"),
        single("SMUG-TRAILER-AUTH", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nAuthorization: Bearer evil\r\n\r\n")
            .because("trailer fields are dropped (RFC 9110 §6.5.1)"),
        single("SMUG-HEAD-CL-BODY", Or2xxWarns, echoed("hello"), Warn,
            b"HEAD / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5\r\n\r\nhello")
            .because("a HEAD may carry a body (RFC 9110 §9.3.2 gives it no meaning); it is framed and read, so \
                      it cannot be taken for the next request"),
        single("SMUG-OPTIONS-CL-BODY", Or2xxWarns, echoed("hello"), Warn,
            b"OPTIONS / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5\r\n\r\nhello")
            .because("an OPTIONS body is framed and read like any other (RFC 9110 §9.3.7)"),
        single("SMUG-CL-UNDERSCORE", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 1_0\r\n\r\nhelloworld"),
        single("SMUG-CL-NEGATIVE-ZERO", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: -0\r\n\r\n"),
        single("SMUG-CL-DOUBLE-ZERO", Or2xxWarns, echoed(""), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 00\r\n\r\n")
            .because("Content-Length = 1*DIGIT (RFC 9110 §8.6): 00 is zero"),
        single("SMUG-CL-LEADING-ZEROS-OCTAL", Or2xxWarns, echoed([b'A'; 200]), Warn,
            &octal_length)
            .because("digits are decimal (RFC 9110 §8.6): 0200 is two hundred, never octal"),
        single("SMUG-TE-OBS-FOLD", Or2xxIfClosed, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding:\r\n chunked\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-TE-TRAILING-COMMA", Or2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked,\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-TE-TAB-BEFORE-VALUE", Or2xxWarns, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding:\tchunked\r\nContent-Length: 5\r\n\r\nhello"),
        single("SMUG-ABSOLUTE-URI-HOST-MISMATCH", Or2xxWarns, echoed(""), Warn,
            b"GET http://other.example.com/ HTTP/1.1\r\nHost: localhost:8080\r\n\r\n")
            .because("an origin server must accept absolute-form and take the host from it, ignoring Host \
                      (RFC 9112 §3.2.2); this server has one site, so no host chooses another page"),
        single("SMUG-MULTIPLE-HOST-COMMA", Exactly400, Refused(400), Pass,
            b"GET / HTTP/1.1\r\nHost: localhost:8080, other.example.com\r\n\r\n"),
        single("SMUG-CHUNK-BARE-CR-TERM", Exactly400, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5\rhello\r\n0\r\n\r\n"),
        single("SMUG-TRAILER-CONTENT-TYPE", Or2xxWarns, echoed("hello"), Warn,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nContent-Type: text/evil\r\n\r\n")
            .because("trailer fields are dropped (RFC 9110 §6.5.1)"),
        // The sequence tests: a second step follows on the same
        // connection if it is still open.
        sequence("SMUG-CLTE-CONN-CLOSE", MustClose, vec![Refused(400)], Pass,
            [b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", FOLLOW_UP]),
        sequence("SMUG-TECL-CONN-CLOSE", MustClose, vec![Refused(400)], Pass,
            [b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", FOLLOW_UP]),
        sequence("SMUG-CLTE-DESYNC", MustClose, vec![Refused(400)], Pass,
            [b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX", FOLLOW_UP]),
        single("SMUG-CLTE-SMUGGLED-GET", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 45\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"),
        single("SMUG-CLTE-SMUGGLED-GET-CL-PLUS", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: +45\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"),
        single("SMUG-CLTE-SMUGGLED-GET-CL-NON-NUMERIC", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 45x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"),
        single("SMUG-CLTE-SMUGGLED-GET-TE-OBS-FOLD", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding:\r\n chunked\r\nContent-Length: 45\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"),
        single("SMUG-CLTE-SMUGGLED-HEAD", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 46\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nHEAD / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"),
        single("SMUG-CLTE-SMUGGLED-GET-TE-TRAILING-SPACE", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 45\r\nTransfer-Encoding: chunked \r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"),
        single("SMUG-CLTE-SMUGGLED-GET-TE-LEADING-COMMA", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 45\r\nTransfer-Encoding: , chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"),
        single("SMUG-CLTE-SMUGGLED-GET-TE-CASE-MISMATCH", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 45\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"),
        single("SMUG-TE-DUPLICATE-HEADERS-SMUGGLED-GET", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\nContent-Length: 45\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"),
        // The smuggled GET is 59 (0x3b) bytes; Content-Length covers only "3b\r\n".
        single("SMUG-TECL-SMUGGLED-GET", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n3b\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 7\r\n\r\n\r\n0\r\n\r\n"),
        single("SMUG-DUPLICATE-CL-SMUGGLED-GET", MustClose, Refused(400), Pass,
            b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 4\r\nContent-Length: 44\r\n\r\nPINGGET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"),
        sequence("SMUG-GET-CL-PREFIX-DESYNC", PrefixDesync, vec![echoed("GET / HTTP/1.1\r\nHost: localhost:8080\r\n"), echoed("")], Pass,
            [b"GET / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 38\r\n\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\n", b"\r\nGET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"]),
        sequence("SMUG-TECL-DESYNC", MustClose, vec![Refused(400)], Pass,
            [b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\nContent-Length: 30\r\n\r\n0\r\n\r\nX", FOLLOW_UP]),
        sequence("SMUG-CL0-BODY-POISON", ZeroLengthPoison, vec![echoed(""), Refused(501)], Warn,
            [b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 0\r\n\r\nX", FOLLOW_UP])
            .because("Content-Length: 0 ends the body, so the X begins the next request (RFC 9112 §6.3): \
                      with the follow-up it reads XGET, a method this server does not know (501)"),
        sequence("SMUG-GET-CL-BODY-DESYNC", UnreadBody, vec![echoed("hello"), echoed("")], Pass,
            [b"GET / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5\r\n\r\nhello", FOLLOW_UP]),
        sequence("SMUG-OPTIONS-CL-BODY-DESYNC", UnreadBody, vec![echoed("hello"), echoed("")], Pass,
            [b"OPTIONS / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5\r\n\r\nhello", FOLLOW_UP]),
        sequence("SMUG-EXPECT-100-CL-DESYNC", ExpectDesync, vec![echoed("hello"), echoed("")], Pass,
            [b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello", FOLLOW_UP]),
        sequence("SMUG-OPTIONS-TE-OBS-FOLD", MustClose, vec![Refused(400)], Pass,
            [b"OPTIONS / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding:\r\n chunked\r\nContent-Length: 5\r\n\r\nhello", FOLLOW_UP]),
        sequence("SMUG-CHUNK-INVALID-SIZE-DESYNC", MustClose, vec![Refused(400)], Pass,
            [b"POST / HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n+0\r\n\r\nX", FOLLOW_UP]),
        sequence("SMUG-PIPELINE-SAFE", PipelineSafe, vec![echoed(""), echoed("")], Pass,
            [FOLLOW_UP, FOLLOW_UP]),
    ]
}

#[test]
fn http11probe_smuggling_probes_get_the_stated_answers_and_nothing_smuggled_is_answered() {
    let probes = smuggling_probes();
    assert_eq!(probes.len(), 87, "every smuggling probe of SmugglingSuite.cs");
    let server = echo_server();
    for probe in &probes {
        run_on_echo(&server, Delivery::Whole, probe.id, &probe.steps, &probe.answers);
    }
}

#[test]
fn http11probe_smuggling_probes_get_the_same_answers_sent_byte_by_byte() {
    let server = echo_server();
    for probe in smuggling_probes() {
        run_on_echo(&server, Delivery::ByteByByte, probe.id, &probe.steps, &probe.answers);
    }
}

#[test]
fn http11probe_smuggling_verdicts_are_the_grades_of_the_stated_answers() {
    for probe in smuggling_probes() {
        assert_eq!(grade(probe.grading, &probe.answers), probe.verdict, "{}", probe.id);
        assert_eq!(
            probe.verdict == Pass,
            probe.note.is_empty(),
            "{}: a note if and only if not a plain pass",
            probe.id
        );
    }
}

#[test]
fn http11probe_smuggling_probes_leave_the_real_pages_in_step_or_closed() {
    let server = TestServer::start();
    for probe in smuggling_probes() {
        for delivery in [Delivery::Whole, Delivery::ByteByByte] {
            run_on_app(&server, delivery, probe.id, &probe.steps);
        }
    }
}

// Http11Probe's cookie probes, sent to `/inspect/`.

/// What `/inspect/` answers to a cookie probe.
#[derive(Debug)]
enum Page {
    /// Refused: this status, `Connection: close`, and nothing after it.
    Refused(u16),
    /// 200, listing these cookies in the order sent; the connection stays
    /// open.
    Lists(&'static [(&'static str, &'static str)]),
}

/// Http11Probe's cookie validators, transcribed.
#[derive(Clone, Copy, Debug)]
enum CookieGrading {
    /// COOK-ECHO: a 2xx that shows the `Cookie` line passes.
    ShowsTheLine,
    /// A 2xx or one of these statuses passes; anything else is taken for
    /// a crash.
    Survives(&'static [u16]),
    /// COOK-NUL, COOK-CONTROL-CHARS: 400, or a 2xx that shows no control
    /// byte.
    NoControlBytes,
    /// A 2xx listing all these cookies passes, one listing fewer gets the
    /// verdict given; a 400 warns.
    Parsed(&'static [(&'static str, &'static str)], Verdict),
}

/// The grade Http11Probe gives this page.
fn grade_cookie_probe(grading: CookieGrading, page: &Page) -> Verdict {
    use CookieGrading::*;
    match (grading, page) {
        // The check of every listing page includes the `Cookie` lines.
        (ShowsTheLine, Page::Lists(_)) => Pass,
        (ShowsTheLine, Page::Refused(_)) => Fail,
        (Survives(statuses), Page::Refused(status)) => {
            if statuses.contains(status) {
                Pass
            } else {
                Fail
            }
        }
        (Survives(_), Page::Lists(_)) => Pass,
        (NoControlBytes, Page::Refused(status)) => {
            if *status == 400 {
                Pass
            } else {
                Fail
            }
        }
        (NoControlBytes, Page::Lists(pairs)) => {
            let clean = |text: &str| !text.bytes().any(|b| b.is_ascii_control());
            if pairs.iter().all(|(n, v)| clean(n) && clean(v)) { Pass } else { Fail }
        }
        (Parsed(wanted, fewer), Page::Lists(pairs)) => {
            if wanted.iter().all(|pair| pairs.contains(pair)) {
                Pass
            } else {
                fewer
            }
        }
        (Parsed(..), Page::Refused(400)) => Warn,
        (Parsed(..), Page::Refused(_)) => Fail,
    }
}

/// One Http11Probe cookie probe.
struct CookieProbe {
    /// Its id in `CookieSuite.cs`.
    id: &'static str,
    /// The request, sent to `/inspect/` where Http11Probe sends it to
    /// `/echo` (the headers as received) or `/cookie` (the cookies parsed).
    request: Vec<u8>,
    /// What pagecount answers.
    page: Page,
    /// How Http11Probe grades it.
    grading: CookieGrading,
    /// The grade it gives pagecount's answer.
    verdict: Verdict,
}

/// Http11Probe's 12 cookie probes, in the order of `CookieSuite.cs`.
fn cookie_probes() -> Vec<CookieProbe> {
    use CookieGrading::*;
    let get = |cookie_lines: &[u8]| {
        [&b"GET /inspect/ HTTP/1.1\r\nHost: localhost:8080\r\n"[..], cookie_lines, b"\r\n"].concat()
    };
    let probe = |id, request, page, grading| CookieProbe { id, request, page, grading, verdict: Pass };
    // 64 KiB of value: past the 8 KiB head limit.
    let oversized = get(format!("Cookie: big={}\r\n", "A".repeat(65_536)).as_bytes());
    // k0=v0; ... k999=v999: 10 778 bytes, past the 8 KiB head limit.
    let pairs: Vec<String> = (0..1000).map(|i| format!("k{i}=v{i}")).collect();
    let many_pairs = get(format!("Cookie: {}\r\n", pairs.join("; ")).as_bytes());
    vec![
        probe("COOK-ECHO", get(b"Cookie: foo=bar\r\n"), Page::Lists(&[("foo", "bar")]), ShowsTheLine),
        probe("COOK-OVERSIZED", oversized, Page::Refused(431), Survives(&[400, 431])),
        probe("COOK-EMPTY", get(b"Cookie: \r\n"), Page::Lists(&[]), Survives(&[400])),
        probe("COOK-NUL", get(b"Cookie: foo=\x00bar\r\n"), Page::Refused(400), NoControlBytes),
        probe("COOK-CONTROL-CHARS", get(b"Cookie: foo=\x01\x02\x03\r\n"), Page::Refused(400), NoControlBytes),
        probe("COOK-MANY-PAIRS", many_pairs, Page::Refused(431), Survives(&[400, 431])),
        probe("COOK-MALFORMED", get(b"Cookie: ===;;;\r\n"), Page::Lists(&[]), Survives(&[400])),
        probe(
            "COOK-MULTI-HEADER",
            get(b"Cookie: a=1\r\nCookie: b=2\r\n"),
            Page::Lists(&[("a", "1"), ("b", "2")]),
            Parsed(&[("a", "1"), ("b", "2")], Warn),
        ),
        probe(
            "COOK-PARSED-BASIC",
            get(b"Cookie: foo=bar\r\n"),
            Page::Lists(&[("foo", "bar")]),
            Parsed(&[("foo", "bar")], Fail),
        ),
        probe(
            "COOK-PARSED-MULTI",
            get(b"Cookie: a=1; b=2; c=3\r\n"),
            Page::Lists(&[("a", "1"), ("b", "2"), ("c", "3")]),
            Parsed(&[("a", "1"), ("b", "2"), ("c", "3")], Fail),
        ),
        probe("COOK-PARSED-EMPTY-VAL", get(b"Cookie: foo=\r\n"), Page::Lists(&[("foo", "")]), Survives(&[400])),
        probe(
            "COOK-PARSED-SPECIAL",
            get(b"Cookie: a=hello world; b=x=y\r\n"),
            Page::Lists(&[("a", "hello world"), ("b", "x=y")]),
            Survives(&[400]),
        ),
    ]
}

/// Text as the page's templates escape it.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;").replace('<', "&#60;").replace('>', "&#62;").replace('"', "&#34;").replace('\'', "&#39;")
}

/// A row of one of `/inspect/`'s two-column tables.
fn table_row(name: &str, value: &str) -> String {
    format!("<tr><td><code>{}</code></td><td><code>{}</code></td></tr>", escaped(name), escaped(value))
}

/// The values of the `Cookie` lines of `request`, as the page shows them
/// (without the spaces around them).
fn cookie_lines(request: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(request);
    text.split("\r\n").filter_map(|line| line.strip_prefix("Cookie:")).map(|value| value.trim().to_string()).collect()
}

/// Checks that `page` shows every `Cookie` line of `request` among the
/// header fields, and exactly `pairs` as the cookies, in order.
fn check_listing(page: &str, request: &[u8], pairs: &[(&str, &str)], id: &str) {
    let (headers, cookies) = page.split_once("<h2>Cookies (").expect("the page has a Cookies section");
    for line in cookie_lines(request) {
        assert!(headers.contains(&table_row("Cookie", &line)), "{id}: the header fields show Cookie: {line}");
    }
    assert!(cookies.starts_with(&format!("{})</h2>", pairs.len())), "{id}: {} cookies", pairs.len());
    let mut rest = cookies;
    for (name, value) in pairs {
        let row = table_row(name, value);
        let at = rest.find(&row).unwrap_or_else(|| panic!("{id}: the cookies show {name}={value}, in order"));
        rest = &rest[at + row.len()..];
    }
    assert!(!rest.contains("<tr><td>"), "{id}: no other cookie is shown");
}

#[test]
fn http11probe_cookie_probes_are_refused_or_listed_as_parsed() {
    let probes = cookie_probes();
    assert_eq!(probes.len(), 12, "every probe of CookieSuite.cs");
    let server = TestServer::start();
    for probe in &probes {
        let mut client = server.client();
        let response = client.send(&probe.request).response();
        match probe.page {
            Page::Refused(status) => {
                assert_eq!(response.status, status, "{}: {}", probe.id, response.text());
                assert!(response.closes(), "{}: a refusal closes the connection", probe.id);
                assert!(client.read_to_close().is_empty(), "{}: nothing follows a refusal", probe.id);
            }
            Page::Lists(pairs) => {
                assert_eq!(response.status, 200, "{}: {}", probe.id, response.text());
                check_listing(&response.text(), &probe.request, pairs, probe.id);
                check_in_step_with_app(&mut client, probe.id);
            }
        }
    }
}

#[test]
fn http11probe_cookie_verdicts_are_the_grades_of_the_stated_answers() {
    for probe in cookie_probes() {
        assert_eq!(grade_cookie_probe(probe.grading, &probe.page), probe.verdict, "{}", probe.id);
    }
}

// Chunked bodies from the tests of h11 and Go.

/// A head announcing a chunked body, for the vectors below.
const CHUNKED_HEAD: &[u8] = b"POST /upload HTTP/1.1\r\nHost: localhost:8080\r\nTransfer-Encoding: chunked\r\n\r\n";

/// One chunked-body vector of another parser's tests.
struct ChunkedVector {
    /// The test it comes from, and what it checks.
    source: &'static str,
    /// The chunked body, sent after [`CHUNKED_HEAD`].
    body: Vec<u8>,
    /// What that parser makes of it: the data, or `None` for an error.
    theirs: Option<Vec<u8>>,
    /// pagecount's answer, with the echo page.
    ours: Answer,
    /// Why pagecount differs; empty when it agrees.
    note: &'static str,
}

fn vector(source: &'static str, body: &[u8], theirs: Option<&[u8]>, ours: Answer) -> ChunkedVector {
    ChunkedVector { source, body: body.to_vec(), theirs: theirs.map(<[u8]>::to_vec), ours, note: "" }
}

/// Whether pagecount and the other parser agree: both refuse, or both
/// decode the same data.
fn agrees(vector: &ChunkedVector) -> bool {
    match (&vector.theirs, &vector.ours) {
        (None, Refused(_)) => true,
        (Some(theirs), Answer::Echoed(ours)) => theirs == ours,
        _ => false,
    }
}

/// h11's `test_ChunkedReader` (`h11/tests/test_io.py`), in order. The last
/// three are the vectors of CVE-2025-43859: h11 took any two bytes after a
/// chunk's data for its CRLF. They end mid-stream, as in h11's test (a
/// reader fooled by them would wait for the 0x1a bytes announced next).
fn h11_vectors() -> Vec<ChunkedVector> {
    let x170 = [&b"aA\r\n"[..], &[b'x'; 0xAA], b"\r\n0\r\n\r\n"].concat();
    let data = b"012340123456789abcdef";
    vec![
        vector("h11: last chunk only", b"0\r\n\r\n", Some(b""), echoed("")),
        vector("h11: last chunk and a trailer", b"0\r\nSome: header\r\n\r\n", Some(b""), echoed("")),
        vector(
            "h11: two chunks and a trailer",
            b"5\r\n01234\r\n10\r\n0123456789abcdef\r\n0\r\nSome: header\r\n\r\n",
            Some(data),
            echoed(*data),
        ),
        vector("h11: two chunks", b"5\r\n01234\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n", Some(data), echoed(*data)),
        vector("h11: upper and lower case hex", &x170, Some(&[b'x'; 0xAA]), echoed([b'x'; 0xAA])),
        vector("h11: an arbitrarily long chunk size", &[&[b'9'; 100][..], b"\r\nxxx"].concat(), None, Refused(400)),
        vector("h11: garbage in the chunk size", b"10\x00\r\nxxx", None, Refused(400)),
        vector(
            "h11: chunk extensions are ignored",
            b"5; hello=there\r\nxxxxx\r\n0; random=\"junk\"; some=more; canbe=lonnnnngg\r\n\r\n",
            Some(b"xxxxx"),
            echoed("xxxxx"),
        ),
        ChunkedVector {
            note: "whitespace may follow a chunk size only before a `;` (BWS in chunk-ext, RFC 9112 §7.1.1); \
                   pagecount refuses `5 ` (closing note of issues 2 and 3, and Http11Probe's \
                   SMUG-CHUNK-SIZE-TRAILING-OWS wants that too), h11 ignores it",
            ..vector(
                "h11: whitespace after the chunk size",
                b"5   \t \r\n01234\r\n0\r\n\r\n",
                Some(b"01234"),
                Refused(400),
            )
        },
        vector("h11 CVE-2025-43859: two bytes after the data", b"3\r\nxxx__1a\r\n", None, Refused(400)),
        vector("h11 CVE-2025-43859: CR and another byte", b"3\r\nxxx\r_1a\r\n", None, Refused(400)),
        vector("h11 CVE-2025-43859: another byte and LF", b"3\r\nxxx_\n1a\r\n", None, Refused(400)),
    ]
}

/// Go's `TestChunkInvalidInputs` (`src/net/http/internal/chunked_test.go`),
/// the vectors of CVE-2025-22871: a bare LF took the place of a CRLF, and
/// a CR before it was taken into the chunk size line. Then the valid
/// vector of `TestChunkReadingIgnoresExtensions`, to show the refusals are
/// not of extensions as such. Go's chunked reader stops after the last
/// chunk's line and leaves the trailer section to its caller; the final
/// CRLF that ends it is added here, so a reader fooled by a vector would
/// answer at once rather than wait.
fn go_vectors() -> Vec<ChunkedVector> {
    vec![
        vector("Go CVE-2025-22871: bare LF in chunk size", b"1\na\r\n0\r\n\r\n", None, Refused(400)),
        vector("Go CVE-2025-22871: extra LF in chunk size", b"1\r\r\na\r\n0\r\n\r\n", None, Refused(400)),
        vector("Go CVE-2025-22871: bare LF in chunk data", b"1\r\na\n0\r\n\r\n", None, Refused(400)),
        vector("Go CVE-2025-22871: bare LF in chunk extension", b"1;\na\r\n0\r\n\r\n", None, Refused(400)),
        vector(
            "Go TestChunkReadingIgnoresExtensions",
            b"7;ext=\"some quoted string\"\r\nhello, \r\n17;someext\r\nworld! 0123456789abcdef\r\n0;someextension=sometoken\r\n\r\n",
            Some(b"hello, world! 0123456789abcdef"),
            echoed("hello, world! 0123456789abcdef"),
        ),
    ]
}

/// A head for pagecount's form page, which reads a posted body and shows
/// it: the real pages must decode (or refuse) each vector as the echo page
/// does.
const FORM_HEAD: &[u8] = b"POST /form_count/ HTTP/1.1\r\nHost: localhost:8080\r\n\
    Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n";

/// Posts `vector` to the form page and checks it is refused as stated, or
/// decoded into the stated body (shown on the page), with the connection
/// still in step.
fn check_on_form_page(app: &TestServer, delivery: Delivery, vector: &ChunkedVector) {
    let request = [FORM_HEAD, &vector.body].concat();
    let mut client = app.client();
    delivery.send(&mut client, &request);
    let response = answer_to(&mut client, &request);
    let context = vector.source;
    match &vector.ours {
        Refused(status) => {
            assert_eq!(response.status, *status, "{context}: {}", response.text());
            assert!(response.closes(), "{context}: a refusal closes the connection");
            assert!(client.read_to_close().is_empty(), "{context}: nothing follows a refusal");
        }
        Answer::Echoed(body) => {
            assert_eq!(response.status, 200, "{context}: {}", response.text());
            // The picture ends with the body posted, after the blank line.
            let shown = format!("x-www-form-urlencoded\n\n{}</pre>", escaped(&String::from_utf8_lossy(body)));
            assert!(response.text().contains(&shown), "{context}: the form page shows {shown}");
            check_in_step_with_app(&mut client, context);
        }
    }
}

/// Checks each vector's note, then sends it whole and byte by byte to the
/// echo page and to the form page.
fn check_chunked_vectors(vectors: &[ChunkedVector]) {
    let (echo, app) = (echo_server(), TestServer::start());
    for vector in vectors {
        let differs = !agrees(vector);
        assert_eq!(differs, !vector.note.is_empty(), "{}: a note if and only if pagecount differs", vector.source);
        let request = [CHUNKED_HEAD, &vector.body].concat();
        let answer = std::slice::from_ref(&vector.ours);
        for delivery in [Delivery::Whole, Delivery::ByteByByte] {
            run_on_echo(&echo, delivery, vector.source, std::slice::from_ref(&request), answer);
            check_on_form_page(&app, delivery, vector);
        }
    }
}

#[test]
fn h11_chunked_reader_vectors_and_cve_2025_43859_get_the_stated_answers() {
    check_chunked_vectors(&h11_vectors());
}

#[test]
fn go_cve_2025_22871_bare_lf_in_a_chunk_line_is_refused_and_extensions_are_ignored() {
    check_chunked_vectors(&go_vectors());
}
