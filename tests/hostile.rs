//! Hostile input in bulk: real requests for every page, bent out of shape
//! thousands of ways (bytes flipped, pieces of HTTP grammar inserted,
//! lines cut and repeated), fed to one connection's conversation in random
//! pieces, as a network would deliver them. Whatever arrives, the server
//! must answer with well-formed responses, each with a `Content-Length`
//! that matches its body, and never with a 500 (a page that panicked).
//!
//! The mutations come from a fixed seed, so a failure repeats; its message
//! shows the input that caused it. The checks on each answer are in
//! `common/wire.rs`, shared with the fuzz targets in `fuzz/`.

#[path = "common/wire.rs"]
mod wire;

use pagecount::{App, Config};
use std::path::Path;
use wire::{Answer, Markup, check_responses, converse, same_answers};

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
    b"GET /etag_count/ HTTP/1.1\r\nHost: a\r\nIf-None-Match: W/\"41\", \"x,y\"\r\n\r\nGET /favicon.ico HTTP/1.1\r\nHost: a\r\n\r\n",
    b"PUT /inspect/?format=json HTTP/1.1\r\nHost: a\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\na=1&b=%41",
    b"GET /cookies/ HTTP/1.1\r\nHost: a\r\nCookie: theme=dark; sessionid=0123456789abcdef0123456789abcdef\r\n\r\n",
    b"GET /cookies/set?theme=dark&Path=/&Max-Age=60&HttpOnly&SameSite=Lax HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /cookies/delete HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 17\r\n\r\nname=theme&path=/",
    b"GET /count_view?x=1 HTTP/1.1\r\nHost: a\r\n\r\n",
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
    b"If-None-Match: \"",
    b"&Secure",
    b"%0d%0a",
    b"?format=json",
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

/// Cut points that deliver `len` bytes in random pieces.
fn random_cuts(rng: &mut Rng, len: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut at = 0;
    while at < len {
        at += 1 + rng.below(len - at);
        cuts.push(at);
    }
    cuts
}

fn templates() -> Markup {
    Markup::from_templates(&Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"))
}

#[test]
fn thousands_of_bent_requests_get_well_formed_answers() {
    let config = Config::default();
    let app = App::new(&config).expect("the default configuration is valid");
    let markup = templates();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..20_000 {
        let input = mutate(&mut rng, SEEDS[case % SEEDS.len()]);
        let [in_pieces, whole] = [random_cuts(&mut rng, input.len()), Vec::new()].map(|cuts| {
            let out = converse(&app, &config, &input, &cuts);
            check_responses(&out, &markup).unwrap_or_else(|problem| {
                let (input, out) = (String::from_utf8_lossy(&input), String::from_utf8_lossy(&out));
                panic!("case {case}: {problem}\ninput: {input:?}\noutput: {out:?}")
            })
        });
        let input = String::from_utf8_lossy(&input);
        assert!(same_answers(&in_pieces, &whole), "case {case}: split {in_pieces:?}, whole {whole:?}: {input:?}");
    }
}

#[test]
fn the_seeds_themselves_are_answered_with_success_or_a_redirect() {
    let config = Config::default();
    let app = App::new(&config).expect("the default configuration is valid");
    let markup = templates();
    let mut rng = Rng(1);
    for seed in SEEDS {
        let out = converse(&app, &config, seed, &random_cuts(&mut rng, seed.len()));
        let statuses = check_responses(&out, &markup).unwrap();
        let seed = String::from_utf8_lossy(seed);
        assert!(!statuses.is_empty(), "{seed}");
        let fine = |answer: &Answer| answer.status.starts_with('2') || answer.status.starts_with('3');
        assert!(statuses.iter().all(fine), "{statuses:?} for {seed}");
    }
}
