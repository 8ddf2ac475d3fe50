//! Hostile input in bulk: real requests for every page, bent out of shape
//! thousands of ways (bytes flipped, pieces of HTTP grammar inserted,
//! lines cut and repeated), fed to one connection's conversation in random
//! pieces, as a network would deliver them. Whatever arrives, the server
//! must answer with well-formed responses, each with a `Content-Length`
//! that matches its body, and never with a 500 (a page that panicked).
//!
//! The mutations come from a fixed seed, so a failure repeats; its message
//! shows the input that caused it.

use pagecount::http::{After, Context, Conversation, Response};
use pagecount::log::AccessLog;
use pagecount::{App, Config};

/// Requests for every page, as a browser, curl or telnet would send them.
const SEEDS: &[&[u8]] = &[
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n",
    b"GET /count_view/ HTTP/1.1\r\nHost: a\r\nCookie: count=41; theme=\"dark\"\r\nCookie: x=1\r\n\r\n",
    b"POST /count_view/reset/ HTTP/1.1\r\nHost: a\r\nCookie: count=3\r\nContent-Length: 0\r\n\r\n",
    b"GET /test_cookie/ HTTP/1.1\r\nHost: a\r\n\r\nGET /test_cookie/check/ HTTP/1.1\r\nHost: a\r\nCookie: testcookie=worked\r\n\r\n",
    b"GET /url_count/?count=41&x=%34%31 HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /form_count/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n\r\ncount=41",
    b"POST /form_count/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n5\r\ncount\r\n3;x=y\r\n=41\r\n0\r\nT: 1\r\n\r\n",
    b"POST /form_count/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\nExpect: 100-continue\r\n\r\ncount=41",
    b"GET /session_count/ HTTP/1.1\r\nHost: a\r\nCookie: sessionid=0123456789abcdef0123456789abcdef\r\n\r\n",
    b"POST /session_count/forget/ HTTP/1.1\r\nHost: a\r\nCookie: sessionid=x\r\nContent-Length: 0\r\n\r\n",
    b"POST /session_count/cycle/ HTTP/1.1\r\nHost: a\r\nCookie: sessionid=0123456789abcdef0123456789abcdef\r\n\r\n",
    b"GET /signed_count/ HTTP/1.1\r\nHost: a\r\nCookie: signed_count=7.0000000000000000000000000000000000000000000000000000000000000000\r\n\r\n",
    b"POST /signed_count/reset/ HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /inspect/?q=1 HTTP/1.1\r\nHost: a\r\nX-Test:  spaced  \r\nCookie: a=1; b=\"two\"\r\n\r\n",
    b"HEAD /count_view/ HTTP/1.1\r\nHost: a\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET http://a/count_view/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /style.css HTTP/1.1\r\nHost: a\r\n\r\n",
];

/// Pieces of HTTP grammar to insert: the places where parsers go wrong.
const TOKENS: &[&[u8]] = &[
    b"\r\n",
    b"\n",
    b"\r",
    b" ",
    b"\t",
    b":",
    b";",
    b"=",
    b",",
    b"\"",
    b"%",
    b"%zz",
    b"\0",
    b"\xff",
    b"HEAD ",
    b"HTTP/1.1",
    b"HTTP/1.2",
    b"HTTP/2.0",
    b"Host: a\r\n",
    b"Content-Length: 5\r\n",
    b"Content-Length: 99999999999999999999\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Transfer-Encoding: gzip, chunked\r\n",
    b"Expect: 100-continue\r\n",
    b"Connection: close\r\n",
    b"Cookie: count=18446744073709551615\r\n",
    b"Cookie: sessionid=",
    b"signed_count=",
    b"count=",
    b"ffffffffffffffff\r\n",
    b"0\r\n\r\n",
    b"\r\n\r\n",
];

/// xorshift64*: small, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One to four random changes to a seed request.
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 if at < bytes.len() => bytes[at] = rng.next() as u8,
            1 => bytes.splice(at..at, TOKENS[rng.below(TOKENS.len())].iter().copied()).for_each(drop),
            2 => bytes.truncate(at),
            3 if at < bytes.len() => {
                let end = (at + 1 + rng.below(16)).min(bytes.len());
                bytes.drain(at..end);
            }
            4 => {
                let end = (at + rng.below(32)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy).for_each(drop);
            }
            _ => bytes.extend_from_slice(SEEDS[rng.below(SEEDS.len())]),
        }
    }
    bytes
}

/// How the bytes of a request reach the server.
#[derive(Clone, Copy)]
enum Delivery {
    Whole,
    RandomPieces,
}

/// Feeds `input` to one conversation as `delivery` says, as the server
/// does, and gives everything it wrote.
fn converse(app: &App, config: &Config, input: &[u8], delivery: Delivery, rng: &mut Rng) -> Vec<u8> {
    let (mut response, mut out, mut log) = (Response::default(), Vec::new(), AccessLog::default());
    let mut conversation = Conversation::default();
    let mut held = Vec::new();
    let mut sent = 0;
    while sent < input.len() {
        let piece = match delivery {
            Delivery::Whole => input.len(),
            Delivery::RandomPieces => 1 + rng.below(input.len() - sent),
        };
        held.extend_from_slice(&input[sent..sent + piece]);
        sent += piece;
        let mut cx = Context {
            handler: app,
            config,
            date: "Sun, 22 Nov 2026 03:40:00 GMT",
            peer: "127.0.0.1:1",
            response: &mut response,
            out: &mut out,
            log: &mut log,
            closing: false,
        };
        let advance = conversation.advance(&mut held, &mut cx);
        held.drain(..advance.consumed);
        if matches!(advance.after, After::Close | After::Drain) {
            break;
        }
    }
    out
}

/// A final response: its status code, and whether it closed the connection.
#[derive(Debug)]
struct Answer {
    status: String,
    closes: bool,
}

/// Checks that `out` is a run of well-formed responses, and gives the final
/// ones (not the `100 Continue`s, which depend on whether the body came
/// with the head). A response with no body bytes after its head is taken
/// as an answer to `HEAD`.
fn check_responses(out: &[u8]) -> Result<Vec<Answer>, String> {
    let mut statuses = Vec::new();
    let mut rest = out;
    while !rest.is_empty() {
        let head_end = rest.windows(4).position(|w| w == b"\r\n\r\n").ok_or("a head without its end")? + 4;
        let head = std::str::from_utf8(&rest[..head_end]).map_err(|_| "a head that is not UTF-8")?;
        let status = head.strip_prefix("HTTP/1.1 ").and_then(|s| s.get(..3)).ok_or("no status line")?;
        if status == "500" {
            return Err("a 500: a page panicked".into());
        }
        rest = &rest[head_end..];
        if status == "100" {
            continue;
        }
        statuses.push(Answer { status: status.to_string(), closes: head.contains("\r\nConnection: close\r\n") });
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("Content-Length: "))
            .ok_or("no Content-Length")?
            .parse()
            .map_err(|_| "a Content-Length that is not a number")?;
        if rest.len() >= length && (rest.len() == length || rest[length..].starts_with(b"HTTP/1.1 ")) {
            rest = &rest[length..];
        } else if !rest.is_empty() && !rest.starts_with(b"HTTP/1.1 ") {
            return Err(format!("{} bytes of body where Content-Length says {length}", rest.len()));
        }
    }
    Ok(statuses)
}

#[test]
fn thousands_of_bent_requests_get_well_formed_answers() {
    let config = Config::default();
    let app = App::new(&config).expect("the default configuration is valid");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..20_000 {
        let input = mutate(&mut rng, SEEDS[case % SEEDS.len()]);
        let [in_pieces, whole] = [Delivery::RandomPieces, Delivery::Whole].map(|delivery| {
            let out = converse(&app, &config, &input, delivery, &mut rng);
            check_responses(&out).unwrap_or_else(|problem| {
                let (input, out) = (String::from_utf8_lossy(&input), String::from_utf8_lossy(&out));
                panic!("case {case}: {problem}\ninput: {input:?}\noutput: {out:?}")
            })
        });
        let input = String::from_utf8_lossy(&input);
        assert!(same_answers(&in_pieces, &whole), "case {case}: split {in_pieces:?}, whole {whole:?}: {input:?}");
    }
}

/// Whether two deliveries of the same bytes got the same answers. One may
/// stop short, but only where it closed the connection: a page that does
/// not read the body answers before it has all arrived, and then closes
/// rather than read the rest of the body as the next request.
fn same_answers(a: &[Answer], b: &[Answer]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let same_statuses = short.iter().zip(long).all(|(x, y)| x.status == y.status);
    same_statuses && (short.len() == long.len() || short.last().is_some_and(|last| last.closes))
}

#[test]
fn the_seeds_themselves_are_answered_with_success() {
    let config = Config::default();
    let app = App::new(&config).expect("the default configuration is valid");
    let mut rng = Rng(1);
    for seed in SEEDS {
        let out = converse(&app, &config, seed, Delivery::RandomPieces, &mut rng);
        let statuses = check_responses(&out).unwrap();
        let seed = String::from_utf8_lossy(seed);
        assert!(!statuses.is_empty(), "{seed}");
        assert!(statuses.iter().all(|answer| answer.status.starts_with('2')), "{statuses:?} for {seed}");
    }
}
