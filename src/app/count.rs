//! The counter itself: what a count sent by a client must look like, and
//! what the next count is. Every page uses these rules, wherever its count
//! travels (cookie, URL, form field, server-side session).

use crate::http::grammar;

/// Most digits a count may have: `u64::MAX` has 20.
const MAX_DIGITS: usize = 20;

/// Reads a count the client sent: 1 to 20 ASCII digits that fit in a `u64`.
/// Anything else (`abc`, an empty value, `5,6`, `-1`, ` 7`, a 21-digit
/// number) is not a count, and the visit counts as a first one. The seed
/// lesson's `int(request.COOKIES['count'])` raises `ValueError` (a 500) on
/// the first three; Python's `int()` takes `-1`, ` 7` and any number of
/// digits, which this server refuses as well, to keep one simple rule.
pub fn parse_count(value: &[u8]) -> Option<u64> {
    if value.len() > MAX_DIGITS {
        return None;
    }
    grammar::decimal(value)
}

/// The first valid `count` field of a form-encoded string (a query string
/// or a form body), percent-decoded by `form_urlencoded` first, so
/// `count=%34%31` is 41.
pub fn count_field(urlencoded: &[u8]) -> Option<u64> {
    form_urlencoded::parse(urlencoded)
        .find_map(|(name, value)| (name == "count").then(|| parse_count(value.as_bytes())).flatten())
}

/// The count to show: one more than the previous, 1 on a first visit, and
/// no further than `u64::MAX`.
pub fn next_count(previous: Option<u64>) -> u64 {
    previous.map_or(1, |n| n.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accepted_and_refused() {
        let cases: &[(&[u8], Option<u64>)] = &[
            (b"0", Some(0)),
            (b"41", Some(41)),
            (b"00041", Some(41)),
            (b"18446744073709551615", Some(u64::MAX)),
            (b"18446744073709551616", None),
            (b"99999999999999999999", None),
            (b"000000000000000000001", None),
            (b"", None),
            (b"abc", None),
            (b"5,6", None),
            (b"-1", None),
            (b"+1", None),
            (b" 7", None),
            (b"7 ", None),
            (b"4.2", None),
            (b"\xd9\xa4", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_count(value), *expected, "{value:?}");
        }
    }

    #[test]
    fn next_counts() {
        assert_eq!(next_count(None), 1);
        assert_eq!(next_count(Some(0)), 1);
        assert_eq!(next_count(Some(41)), 42);
        assert_eq!(next_count(Some(u64::MAX)), u64::MAX);
    }

    #[test]
    fn count_fields() {
        let cases: &[(&[u8], Option<u64>)] = &[
            (b"count=41", Some(41)),
            (b"other=1&count=41", Some(41)),
            (b"count=%34%31", Some(41)),
            (b"count=abc&count=7", Some(7)),
            (b"count=4+1", None),
            (b"count=", None),
            (b"count", None),
            (b"", None),
            (b"\xff\xfe", None),
        ];
        for (body, expected) in cases {
            assert_eq!(count_field(body), *expected, "{body:?}");
        }
    }
}
