//! Arbitrary bytes as the `Cookie` header of a request to every page that
//! reads cookies. Whatever the cookies, the answer must pass the checks in
//! `tests/common/wire.rs` (well-formed, no 500, no client byte in a
//! header, no markup the templates do not make), and a `Cookie` line that
//! is a valid field value must never cost the page itself: it is answered
//! `200`.
#![no_main]

#[path = "../../tests/common/wire.rs"]
#[allow(dead_code)] // this target compares no deliveries
mod wire;

use libfuzzer_sys::fuzz_target;
use pagecount::{App, Config};
use std::sync::LazyLock;
use wire::{Markup, check_responses, converse};

static APP: LazyLock<App> = LazyLock::new(|| App::new(&Config::default()).expect("the default configuration is valid"));
static MARKUP: LazyLock<Markup> =
    LazyLock::new(|| Markup::from_templates(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates")));

/// The pages that read cookies, by the request line that asks for them.
const PAGES: &[&str] = &[
    "GET /count_view/ HTTP/1.1",
    "POST /count_view/reset/ HTTP/1.1",
    "GET /test_cookie/check/ HTTP/1.1",
    "GET /session_count/ HTTP/1.1",
    "GET /signed_count/ HTTP/1.1",
    "GET /inspect/ HTTP/1.1",
];

/// What a server accepts as a field value: no CR, LF or NUL, and no
/// other control character but tab (httparse's rule).
fn is_field_value(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == b'\t' || (b >= b' ' && b != 0x7f))
}

fuzz_target!(|cookies: &[u8]| {
    let config = Config::default();
    for page in PAGES {
        let mut request = format!("{page}\r\nHost: a\r\nContent-Length: 0\r\nCookie: ").into_bytes();
        request.extend_from_slice(cookies);
        request.extend_from_slice(b"\r\n\r\n");
        let out = converse(&*APP, &config, &request, &[]);
        let answers = check_responses(&out, &MARKUP)
            .unwrap_or_else(|e| panic!("{page}: {e}\n{}", String::from_utf8_lossy(&out)));
        let fits = request.len() <= config.max_head_bytes && is_field_value(cookies);
        if fits {
            assert_eq!(answers[0].status, "200", "{page} with {:?}", String::from_utf8_lossy(cookies));
        }
    }
});
