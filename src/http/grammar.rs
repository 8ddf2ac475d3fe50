//! The grammar: every byte class and number format the server reads or
//! writes, one small function per rule, each with its ABNF above it.
//!
//! RFC 9110 and 9112 define HTTP's syntax in ABNF (RFC 5234), and RFC
//! 6265 does the same for cookies. The rules build on these core ones:
//!
//! ```text
//! ALPHA  = %x41-5A / %x61-7A     ; A-Z / a-z
//! DIGIT  = %x30-39               ; 0-9
//! HEXDIG = DIGIT / "A" / "B" / "C" / "D" / "E" / "F"   ; case-insensitive
//! VCHAR  = %x21-7E               ; visible characters
//! SP     = %x20
//! HTAB   = %x09
//! ```
//!
//! `httparse` applies most of these to a request head already; the rest
//! of the server uses the functions here, so that each rule is written
//! once and read in one place. The byte classes are tables of 256 answers
//! worked out when the program is compiled, so that checking a byte is
//! one lookup: some of them run over every response's header lines.

/// A class of bytes as a table: `ranges` of bytes and single `bytes`.
const fn class(ranges: &[(u8, u8)], bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < ranges.len() {
        let (mut b, last) = ranges[i];
        while b <= last {
            table[b as usize] = true;
            if b == u8::MAX {
                break;
            }
            b += 1;
        }
        i += 1;
    }
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// `DIGIT`, `ALPHA`.
const ALPHANUMERIC: [(u8, u8); 3] = [(b'0', b'9'), (b'A', b'Z'), (b'a', b'z')];

const TCHAR: [bool; 256] = class(&ALPHANUMERIC, b"!#$%&'*+-.^_`|~");
static REG_NAME_CHAR: [bool; 256] = class(&ALPHANUMERIC, b"-._~!$&'()*+,;=");
static COOKIE_OCTET: [bool; 256] = class(&[(0x21, 0x21), (0x23, 0x2B), (0x2D, 0x3A), (0x3C, 0x5B), (0x5D, 0x7E)], b"");
const FIELD_VALUE_CHAR: [bool; 256] = class(&[(0x20, 0x7E)], b"\t");

/// ```text
/// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
///         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
/// ```
/// RFC 9110 §5.6.2: the characters of a token, which are the visible
/// characters other than the delimiters `"(),/:;<=>?@[\]{}`.
pub const fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// ```text
/// token = 1*tchar
/// ```
/// RFC 9110 §5.6.2: methods, field names, cookie names, transfer codings.
pub const fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && all(bytes, &TCHAR)
}

/// Whether every byte of `bytes` is in the class `table` (a `const fn`,
/// so that headers fixed in the source are checked when it is compiled).
const fn all(bytes: &[u8], table: &[bool; 256]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if !table[bytes[i] as usize] {
            return false;
        }
        i += 1;
    }
    true
}

/// The length of the token at the start of `bytes` (0 if none).
pub fn token_len(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| is_tchar(b)).count()
}

/// ```text
/// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
/// qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
/// quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
/// ```
/// RFC 9110 §5.6.4: the length of the quoted string at the start of
/// `bytes`, quotes included, if one is there and ends.
pub fn quoted_string_len(bytes: &[u8]) -> Option<usize> {
    let is_text = |b: u8| b == b'\t' || b == b' ' || b.is_ascii_graphic() || b >= 0x80;
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    loop {
        match *bytes.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' if bytes.get(i + 1).is_some_and(|&b| is_text(b)) => i += 2,
            b'\\' => return None,
            b if is_text(b) => i += 1,
            _ => return None,
        }
    }
}

/// ```text
/// OWS = *( SP / HTAB )
/// BWS = OWS            ; "bad" whitespace, allowed but never sent
/// ```
/// RFC 9110 §5.6.3: optional whitespace, allowed around field values and
/// list elements. True for a byte that may be part of it.
pub fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Skips [`OWS`](is_ows) (or `BWS`) at the start.
pub fn skip_ows(bytes: &[u8]) -> &[u8] {
    &bytes[bytes.iter().take_while(|&&b| is_ows(b)).count()..]
}

/// Strips [`OWS`](is_ows) from both ends.
pub fn trim_ows(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| !is_ows(b)).map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// ```text
/// field-value   = *field-content
/// field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
/// field-vchar   = VCHAR / obs-text
/// ```
/// RFC 9110 §5.5, as this server *sends* it: visible ASCII, space and tab.
/// `obs-text` (bytes above 0x7F) is never sent, and CR, LF and NUL are
/// what a value must never hold: one would end the line and begin a
/// header the server did not mean to send.
pub const fn is_field_value(bytes: &[u8]) -> bool {
    all(bytes, &FIELD_VALUE_CHAR)
}

/// ```text
/// 1*DIGIT
/// ```
/// The decimal numbers of HTTP (`Content-Length`, RFC 9110 §8.6) and of
/// the pages' counts: one or more ASCII digits, and nothing else.
pub fn is_digits(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit)
}

/// The value of `1*DIGIT`, if `bytes` are digits and the number fits in
/// 64 bits. Leading zeros are allowed, as the grammar allows them.
pub fn decimal(bytes: &[u8]) -> Option<u64> {
    if !is_digits(bytes) {
        return None;
    }
    bytes.iter().try_fold(0u64, |n, &d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))
}

/// The value of one `HEXDIG`, either case.
pub fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// ```text
/// chunk-size = 1*HEXDIG
/// ```
/// RFC 9112 §7.1: the value, if `bytes` are hex digits and the number fits
/// in 64 bits (a size past that is an attack, not a body).
pub fn hex(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() {
        return None;
    }
    bytes.iter().try_fold(0u64, |n, &d| n.checked_mul(16)?.checked_add(u64::from(hex_digit(d)?)))
}

/// ```text
/// pct-encoded = "%" HEXDIG HEXDIG
/// ```
/// RFC 3986 §2.1: whether `bytes` start with one.
pub fn starts_pct_encoded(bytes: &[u8]) -> bool {
    matches!(bytes, [b'%', a, b, ..] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit())
}

/// ```text
/// unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
/// sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
/// ```
/// RFC 3986 §2.2-2.3: the characters a host name may hold as they are.
fn is_unreserved_or_sub_delim(b: u8) -> bool {
    REG_NAME_CHAR[usize::from(b)]
}

/// ```text
/// reg-name = *( unreserved / pct-encoded / sub-delims )
/// ```
/// RFC 3986 §3.2.2: a registered host name such as `localhost`, or an
/// IPv4 address, which has the same shape.
pub fn is_reg_name(host: &[u8]) -> bool {
    let mut i = 0;
    while i < host.len() {
        if is_unreserved_or_sub_delim(host[i]) {
            i += 1;
        } else if starts_pct_encoded(&host[i..]) {
            i += 3;
        } else {
            return false;
        }
    }
    true
}

/// ```text
/// Host     = uri-host [ ":" port ]
/// uri-host = IP-literal / IPv4address / reg-name
/// port     = *DIGIT
/// ```
/// RFC 9110 §7.2 and RFC 3986 §3.2.2. The host may be empty, a name or
/// IPv4 address, or an IPv6 literal in brackets (whose inner grammar is
/// only checked to be hex digits, colons and dots).
pub fn is_host(value: &[u8]) -> bool {
    let (host, port) = match value.iter().rposition(|&b| b == b':' || b == b']') {
        Some(i) if value[i] == b':' => (&value[..i], &value[i + 1..]),
        _ => (value, &b""[..]),
    };
    if !port.iter().all(u8::is_ascii_digit) {
        return false;
    }
    match host {
        [b'[', literal @ .., b']'] => {
            !literal.is_empty() && literal.iter().all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }
        _ => is_reg_name(host),
    }
}

/// ```text
/// cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
/// ```
/// RFC 6265 §4.1.1: what a cookie value may hold. Visible ASCII except
/// `"`, `,`, `;` and `\`, and no space: the characters that would end
/// the value or the header.
pub fn is_cookie_octet(b: u8) -> bool {
    COOKIE_OCTET[usize::from(b)]
}

/// An entity tag: `"3"`, or the weak `W/"3"` (RFC 9110 §8.8.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntityTag<'a> {
    /// `W/`: the tag names a version that is equivalent, not identical.
    pub weak: bool,
    /// What is between the quotes.
    pub opaque: &'a [u8],
}

/// ```text
/// etagc = %x21 / %x23-7E / obs-text
/// ```
/// RFC 9110 §8.8.3: visible ASCII but `"`, or a byte above ASCII.
fn is_etagc(b: u8) -> bool {
    b == 0x21 || (0x23..=0x7E).contains(&b) || b >= 0x80
}

/// Reads one `If-None-Match` field value (RFC 9110 §13.1.2):
///
/// ```text
/// If-None-Match = "*" / #entity-tag
/// entity-tag    = [ weak ] opaque-tag
/// weak          = %s"W/"
/// opaque-tag    = DQUOTE *etagc DQUOTE
/// ```
///
/// `Some(tags)` for a list (empty elements allowed, RFC 9110 §5.6.1),
/// `Some(vec![])` for `*`, `None` for anything else. A tag may hold a
/// comma, so the list is read tag by tag, not split on commas.
pub fn if_none_match(value: &[u8]) -> Option<Vec<EntityTag<'_>>> {
    if trim_ows(value) == b"*" {
        return Some(Vec::new());
    }
    let mut tags = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_ascii_start();
        match rest {
            [] => return Some(tags),
            [b',', after @ ..] => rest = after,
            _ => {
                let (tag, after) = entity_tag(rest)?;
                tags.push(tag);
                rest = after.trim_ascii_start();
                if let [b',', after @ ..] = rest {
                    rest = after;
                } else if !rest.is_empty() {
                    return None;
                }
            }
        }
    }
}

/// One entity-tag at the start of `text`, and what follows it.
fn entity_tag(text: &[u8]) -> Option<(EntityTag<'_>, &[u8])> {
    let (weak, quoted) = match text.strip_prefix(b"W/") {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let inner = quoted.strip_prefix(b"\"")?;
    let end = inner.iter().position(|&b| b == b'"')?;
    let opaque = &inner[..end];
    opaque.iter().all(|&b| is_etagc(b)).then_some((EntityTag { weak, opaque }, &inner[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte the predicate accepts, as a string.
    fn accepted(predicate: fn(u8) -> bool) -> String {
        (0u8..=255).filter(|&b| predicate(b)).map(char::from).collect()
    }

    #[test]
    fn byte_classes() {
        assert_eq!(accepted(is_tchar), "!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~");
        assert_eq!(
            accepted(is_cookie_octet),
            "!#$%&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~"
        );
        assert_eq!(accepted(is_ows), "\t ");
    }

    #[test]
    fn tokens_and_field_values() {
        for (bytes, token, value) in [
            (&b"Content-Length"[..], true, true),
            (b"", false, true),
            (b"a b", false, true),
            (b"a:b", false, true),
            (b"a\tb", false, true),
            (b"a\r\nX: b", false, false),
            (b"a\0b", false, false),
            (b"caf\xc3\xa9", false, false),
        ] {
            assert_eq!((is_token(bytes), is_field_value(bytes)), (token, value), "{bytes:?}");
        }
    }

    #[test]
    fn numbers() {
        let cases: &[(&[u8], Option<u64>, Option<u64>)] = &[
            (b"0", Some(0), Some(0)),
            (b"41", Some(41), Some(0x41)),
            (b"00041", Some(41), Some(0x41)),
            (b"fF", None, Some(0xff)),
            (b"18446744073709551615", Some(u64::MAX), None),
            (b"18446744073709551616", None, None),
            (b"ffffffffffffffff", None, Some(u64::MAX)),
            (b"10000000000000000", Some(10_000_000_000_000_000), None),
            (b"", None, None),
            (b"+1", None, None),
            (b"-1", None, None),
            (b" 1", None, None),
            (b"1 ", None, None),
            (b"0x1", None, None),
            (b"\xd9\xa4", None, None),
        ];
        for (bytes, dec, hexadecimal) in cases {
            assert_eq!((decimal(bytes), hex(bytes)), (*dec, *hexadecimal), "{bytes:?}");
        }
    }

    #[test]
    fn hosts() {
        for (host, valid) in [
            (&b""[..], true),
            (b"localhost", true),
            (b"127.0.0.1:8000", true),
            (b"[::1]:8000", true),
            (b"[::1]", true),
            (b"xn--caf-dma.example", true),
            (b"a%20b", true),
            (b"a b", false),
            (b"a/b", false),
            (b"a:80x", false),
            (b"[zz]", false),
            (b"[]", false),
            (b"a%2", false),
            (b"user@host", false),
        ] {
            assert_eq!(is_host(host), valid, "{host:?}");
        }
    }

    #[test]
    fn quoted_strings() {
        for (bytes, len) in [
            (&b"\"\" rest"[..], Some(2)),
            (b"\"a b\"", Some(5)),
            (b"\"a\\\"b\";x", Some(6)),
            (b"\"open", None),
            (b"\"a\rb\"", None),
            (b"\"a\\", None),
            (b"plain", None),
        ] {
            assert_eq!(quoted_string_len(bytes), len, "{bytes:?}");
        }
    }

    #[test]
    fn ows_trimming() {
        for (raw, trimmed) in [(&b" a b\t"[..], &b"a b"[..]), (b"", b""), (b" \t ", b""), (b"x", b"x")] {
            assert_eq!(trim_ows(raw), trimmed);
        }
    }

    fn tags(value: &[u8]) -> Option<Vec<(bool, &[u8])>> {
        if_none_match(value).map(|tags| tags.iter().map(|t| (t.weak, t.opaque)).collect())
    }

    #[test]
    fn if_none_match_is_read_by_its_grammar() {
        type Case<'a> = (&'a [u8], Option<Vec<(bool, &'a [u8])>>);
        let cases: Vec<Case> = vec![
            (b"\"3\"", Some(vec![(false, b"3")])),
            (b"W/\"3\"", Some(vec![(true, b"3")])),
            (b" \"1\" , W/\"2\",\"\"", Some(vec![(false, b"1"), (true, b"2"), (false, b"")])),
            (b"\"a,b\", \"c\"", Some(vec![(false, b"a,b"), (false, b"c")])),
            (b", ,\"1\",", Some(vec![(false, b"1")])),
            (b"\"\xff\"", Some(vec![(false, b"\xff")])),
            (b"*", Some(vec![])),
            (b"", Some(vec![])),
            (b"3", None),
            (b"\"3", None),
            (b"\"3\"x", None),
            (b"\"3\" \"4\"", None),
            (b"w/\"3\"", None),
            (b"W/ \"3\"", None),
            (b"*, \"3\"", None),
            (b"\"a\x7fb\"", None),
            (b"\"a\"b\"", None),
        ];
        for (value, expected) in cases {
            assert_eq!(tags(value), expected, "{:?}", String::from_utf8_lossy(value));
        }
    }
}
