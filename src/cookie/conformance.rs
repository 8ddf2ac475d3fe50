//! The `Cookie`-header parsing tables of two peers, run against
//! `pagecount::cookie`: Go's `net/http` (`src/net/http/cookie_test.go`,
//! `readCookiesTests`) and Django's (`tests/httpwrappers/tests.py`,
//! `CookieTests`, the cases that call `parse_cookie`).
//!
//! A `Cookie` header has a simple grammar on paper (RFC 6265 §4.2.1:
//! `name=value` pairs joined by `"; "`), but browsers send whatever
//! `document.cookie` let a page store, so every server parses it leniently,
//! and each a little differently. The rows below say what the peer's parser
//! returns, what pagecount's returns, and, whenever the two differ, why.
//! A row's note is empty exactly when the two agree; the tests check that,
//! so a note cannot outlive the difference it explains.
//!
//! pagecount's rules (see `src/cookie.rs`): split on `;` only, trim spaces
//! and tabs, split each piece at its first `=`, skip a piece with no `=` or
//! no name, remove one pair of double quotes around a value, decode
//! nothing. When a name comes twice, the pages use the first value (as Go
//! does, and as browsers order them: most specific path first); Django's
//! `parse_cookie` keeps the last.
//!
//! The vectors are transcribed (they are data); no peer code is copied.

use crate::cookie;
use crate::http::Request;
use crate::http::request::{Parsed, parse};
use std::collections::BTreeMap;
use std::mem::MaybeUninit;

/// A name and a value, as text, for readable failures.
type Pair = (String, String);

/// Parses a request carrying these `Cookie` header lines and hands it to
/// `read`.
pub(super) fn with_cookie_lines<R>(lines: &[Vec<u8>], read: impl FnOnce(&Request) -> R) -> R {
    let mut head = b"GET / HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    for line in lines {
        head.extend_from_slice(b"Cookie: ");
        head.extend_from_slice(line);
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    // One slot per header line (a row below sends 3001 lines).
    let mut slots: Vec<_> = (0..lines.len() + 1).map(|_| MaybeUninit::uninit()).collect();
    match parse(&head, &mut slots) {
        Ok(Parsed::Complete(request, _)) => read(&request),
        other => panic!("the head did not parse: {other:?}"),
    }
}

fn text((name, value): (&[u8], &[u8])) -> Pair {
    (String::from_utf8_lossy(name).into_owned(), String::from_utf8_lossy(value).into_owned())
}

fn owned(pairs: &[(&str, &str)]) -> Vec<Pair> {
    pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

// Go: net/http's readCookies(header, filter).

/// One row of Go's `readCookiesTests`.
struct GoRow {
    /// The values of the request's `Cookie` lines.
    lines: Vec<Vec<u8>>,
    /// Only cookies with this name, or all when empty.
    filter: &'static str,
    /// The cookies Go reads (names and values; Go's `Quoted` flag has no
    /// counterpart here, as pagecount never writes a cookie back as it came).
    go: Vec<Pair>,
    /// The pairs pagecount reads.
    ours: Vec<Pair>,
    /// Why the two differ; empty when they agree.
    note: &'static str,
}

/// What pagecount reads: `cookie::pairs`, or `cookie::values` for a filter.
fn read_like_go(lines: &[Vec<u8>], filter: &str) -> Vec<Pair> {
    with_cookie_lines(lines, |request| {
        if filter.is_empty() {
            cookie::pairs(request).map(text).collect()
        } else {
            cookie::values(request, filter).map(|value| text((filter.as_bytes(), value))).collect()
        }
    })
}

/// `defaultCookieMaxNum + 1` in Go's `cookie.go`: one cookie past its limit.
const PAST_GO_LIMIT: usize = 3001;

fn go_rows() -> Vec<GoRow> {
    let both = owned(&[("Cookie-1", "v$1"), ("c2", "v2")]);
    let c2 = owned(&[("c2", "v2")]);
    let two_lines = vec![b"Cookie-1=v$1".to_vec(), b"c2=v2".to_vec()];
    let one_line = vec![b"Cookie-1=v$1; c2=v2".to_vec()];
    // `strings.Repeat(";a=", n)[1:]`: n empty cookies named `a` on one line.
    let many_on_one_line = vec!["a=;".repeat(PAST_GO_LIMIT).trim_end_matches(';').as_bytes().to_vec()];
    let many_lines = |n| vec![b"a=".to_vec(); n];
    let empty_a = |n| vec![("a".to_string(), String::new()); n];
    let no_limit = "pagecount's cookie parser counts nothing; its limits are on bytes and lines";
    vec![
        GoRow { lines: two_lines.clone(), filter: "", go: both.clone(), ours: both.clone(), note: "" },
        GoRow { lines: two_lines, filter: "c2", go: c2.clone(), ours: c2.clone(), note: "" },
        GoRow { lines: one_line.clone(), filter: "", go: both.clone(), ours: both.clone(), note: "" },
        GoRow { lines: one_line, filter: "c2", go: c2.clone(), ours: c2, note: "" },
        // Go also marks both cookies `Quoted: true`.
        GoRow {
            lines: vec![br#"Cookie-1="v$1"; c2="v2""#.to_vec()],
            filter: "",
            go: both.clone(),
            ours: both.clone(),
            note: "",
        },
        GoRow {
            lines: vec![br#"Cookie-1="v$1"; c2=v2;"#.to_vec()],
            filter: "",
            go: both.clone(),
            ours: both,
            note: "",
        },
        GoRow { lines: vec![b"".to_vec()], filter: "", go: vec![], ours: vec![], note: "" },
        // Go drops every cookie of a request past 3000 (GODEBUG
        // httpcookiemaxnum, CVE-2025-58186). Over the wire this line
        // (9002 bytes) is past pagecount's 8 KiB head limit: 431.
        GoRow {
            lines: many_on_one_line.clone(),
            filter: "",
            go: vec![],
            ours: empty_a(PAST_GO_LIMIT),
            note: "Go drops all cookies past its 3000-cookie limit; pagecount's cookie parser counts nothing, \
                   and its 8 KiB head limit refuses this line with 431 before any cookie is read",
        },
        // GODEBUG=httpcookiemaxnum=5; ten lines.
        GoRow { lines: many_lines(10), filter: "", go: vec![], ours: empty_a(10), note: no_limit },
        // GODEBUG=httpcookiemaxnum=0: no limit.
        GoRow {
            lines: many_on_one_line,
            filter: "",
            go: empty_a(PAST_GO_LIMIT),
            ours: empty_a(PAST_GO_LIMIT),
            note: "",
        },
        // GODEBUG=httpcookiemaxnum=3001. Over the wire, 3001 lines are past
        // pagecount's 64-line limit: 431.
        GoRow {
            lines: many_lines(PAST_GO_LIMIT),
            filter: "",
            go: empty_a(PAST_GO_LIMIT),
            ours: empty_a(PAST_GO_LIMIT),
            note: "",
        },
    ]
}

#[test]
fn go_read_cookies_table_reads_the_same_pairs_except_where_noted() {
    let rows = go_rows();
    assert_eq!(rows.len(), 11, "every row of readCookiesTests");
    for (i, row) in rows.iter().enumerate() {
        let ours = read_like_go(&row.lines, row.filter);
        assert!(ours == row.ours, "readCookiesTests #{i}: pagecount reads {ours:?}, the row says {:?}", row.ours);
        assert_eq!(row.ours == row.go, row.note.is_empty(), "readCookiesTests #{i}: a note if and only if Go differs");
    }
}

// Django: django.http.parse_cookie(header) -> dict.

/// What Django's test asserts about `parse_cookie`'s dict.
enum Django {
    /// `assertEqual(parse_cookie(...), {...})`, in the dict's order.
    Is(&'static [(&'static str, &'static str)]),
    /// `assertIn(name, parse_cookie(...))`.
    Has(&'static str),
}

/// One `parse_cookie` case of Django's `CookieTests`.
struct DjangoRow {
    /// The Django test method it comes from.
    test: &'static str,
    /// The `Cookie` header value.
    line: &'static [u8],
    /// What Django's test asserts.
    django: Django,
    /// pagecount's view of the same header: the first value of each name,
    /// which is what its pages use.
    ours: &'static [(&'static str, &'static str)],
    /// Why pagecount differs from Django; empty when it agrees.
    note: &'static str,
}

/// pagecount's view: the first value of each name.
fn first_of_each(lines: &[Vec<u8>]) -> BTreeMap<String, String> {
    let mut view = BTreeMap::new();
    for (name, value) in with_cookie_lines(lines, |request| cookie::pairs(request).map(text).collect::<Vec<_>>()) {
        view.entry(name).or_insert(value);
    }
    view
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    owned(pairs).into_iter().collect()
}

const NAMELESS: &str = "Django keeps a piece without a name under the name \"\"; pagecount skips it, \
                        since no page can ask for a cookie without a name";

const DJANGO_ROWS: &[DjangoRow] = &[
    DjangoRow {
        test: "test_decode",
        // SimpleCookie's output for "An,awkward;value", after "Set-Cookie: ".
        line: br#"test="An\054awkward\073value""#,
        django: Django::Is(&[("test", "An,awkward;value")]),
        ours: &[("test", r"An\054awkward\073value")],
        note: "the octal escapes are Python's http.cookies quoting, not HTTP's: RFC 6265 has no escapes, \
               so pagecount removes the quotes and keeps the backslashes",
    },
    DjangoRow {
        test: "test_nonstandard_keys",
        line: b"good_cookie=yes;bad:cookie=yes",
        django: Django::Has("good_cookie"),
        ours: &[("good_cookie", "yes"), ("bad:cookie", "yes")],
        note: "",
    },
    DjangoRow {
        test: "test_repeated_nonstandard_keys",
        line: b"a:=b; a:=c; good_cookie=yes",
        django: Django::Has("good_cookie"),
        ours: &[("a:", "b"), ("good_cookie", "yes")],
        note: "",
    },
    DjangoRow {
        test: "test_python_cookies",
        line: b"chips=ahoy; vienna=finger",
        django: Django::Is(&[("chips", "ahoy"), ("vienna", "finger")]),
        ours: &[("chips", "ahoy"), ("vienna", "finger")],
        note: "",
    },
    DjangoRow {
        test: "test_python_cookies",
        // Semicolons split even inside quotes.
        line: br#"keebler="E=mc2; L=\"Loves\"; fudge=\012;""#,
        django: Django::Is(&[("keebler", "\"E=mc2"), ("L", r#"\"Loves\""#), ("fudge", r"\012"), ("", "\"")]),
        ours: &[("keebler", "\"E=mc2"), ("L", r#"\"Loves\""#), ("fudge", r"\012")],
        note: NAMELESS,
    },
    DjangoRow {
        test: "test_python_cookies",
        line: b"keebler=E=mc2",
        django: Django::Is(&[("keebler", "E=mc2")]),
        ours: &[("keebler", "E=mc2")],
        note: "",
    },
    DjangoRow {
        test: "test_python_cookies",
        line: b"key:term=value:term",
        django: Django::Is(&[("key:term", "value:term")]),
        ours: &[("key:term", "value:term")],
        note: "",
    },
    DjangoRow {
        test: "test_python_cookies",
        line: b"a=b; c=[; d=r; f=h",
        django: Django::Is(&[("a", "b"), ("c", "["), ("d", "r"), ("f", "h")]),
        ours: &[("a", "b"), ("c", "["), ("d", "r"), ("f", "h")],
        note: "",
    },
    DjangoRow {
        test: "test_cookie_edgecases",
        line: b"a=b; Domain=example.com",
        django: Django::Is(&[("a", "b"), ("Domain", "example.com")]),
        ours: &[("a", "b"), ("Domain", "example.com")],
        note: "",
    },
    DjangoRow {
        test: "test_cookie_edgecases",
        line: b"a=b; h=i; a=c",
        django: Django::Is(&[("a", "c"), ("h", "i")]),
        ours: &[("a", "b"), ("h", "i")],
        note: "Django keeps the last of two cookies with one name; pagecount's pages use the first, as Go \
               does and as browsers order them (the cookie with the longest path first, RFC 6265 §5.4)",
    },
    DjangoRow {
        test: "test_invalid_cookies",
        // Django also keeps "unnamed" under the name "".
        line: b"abc=def; unnamed; django_language=en",
        django: Django::Has("django_language"),
        ours: &[("abc", "def"), ("django_language", "en")],
        note: "",
    },
    DjangoRow {
        test: "test_invalid_cookies",
        line: br#"a=b; "; c=d"#,
        django: Django::Is(&[("a", "b"), ("", "\""), ("c", "d")]),
        ours: &[("a", "b"), ("c", "d")],
        note: NAMELESS,
    },
    DjangoRow {
        test: "test_invalid_cookies",
        line: b"a b c=d e = f; gh=i",
        django: Django::Is(&[("a b c", "d e = f"), ("gh", "i")]),
        ours: &[("a b c", "d e = f"), ("gh", "i")],
        note: "",
    },
    DjangoRow {
        test: "test_invalid_cookies",
        line: br#"a   b,c<>@:/[]?{}=d  "  =e,f g"#,
        django: Django::Is(&[("a   b,c<>@:/[]?{}", r#"d  "  =e,f g"#)]),
        ours: &[("a   b,c<>@:/[]?{}", r#"d  "  =e,f g"#)],
        note: "",
    },
    DjangoRow {
        test: "test_invalid_cookies",
        line: "saint=André Bessette".as_bytes(),
        django: Django::Is(&[("saint", "André Bessette")]),
        ours: &[("saint", "André Bessette")],
        note: "",
    },
    DjangoRow {
        test: "test_invalid_cookies",
        line: b"  =  b  ;  ;  =  ;   c  =  ;  ",
        django: Django::Is(&[("", "b"), ("c", "")]),
        ours: &[("c", "")],
        note: NAMELESS,
    },
];

#[test]
fn django_parse_cookie_cases_give_the_same_cookies_except_where_noted() {
    assert_eq!(DJANGO_ROWS.len(), 16, "every parse_cookie case of CookieTests");
    for row in DJANGO_ROWS {
        let shown = String::from_utf8_lossy(row.line);
        let ours = first_of_each(&[row.line.to_vec()]);
        assert_eq!(ours, map(row.ours), "{}: {shown:?}", row.test);
        let agrees = match row.django {
            Django::Is(dict) => ours == map(dict),
            Django::Has(name) => ours.contains_key(name),
        };
        assert_eq!(agrees, row.note.is_empty(), "{}: {shown:?}: a note if and only if Django differs", row.test);
    }
}

#[test]
fn django_rows_that_differ_only_by_unnamed_pieces_agree_once_those_are_set_aside() {
    // The NAMELESS rows differ in one way only: Django's "" entry.
    for row in DJANGO_ROWS.iter().filter(|row| row.note == NAMELESS) {
        let Django::Is(dict) = row.django else { panic!("{}: a NAMELESS row states the whole dict", row.test) };
        let mut named = map(dict);
        assert!(named.remove("").is_some(), "{}: Django has a nameless entry", row.test);
        assert_eq!(first_of_each(&[row.line.to_vec()]), named, "{}", row.test);
    }
}
