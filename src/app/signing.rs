//! Signed cookies: state the client can read but not forge.
//!
//! The count still travels in a cookie, but with a message authentication
//! code computed from it and a key only the server knows:
//!
//! ```text
//! signed_count=42.8f14e45fceea167a5a36dedd4bea2543...   count "." HMAC-SHA256 in hex
//! ```
//!
//! The client can read 42, and can change it, but cannot compute the code
//! for another number without the key; the server recomputes the code for
//! the number it is shown and accepts it only if the codes match. The
//! comparison takes the same time however many leading bytes match, so
//! the code cannot be guessed byte by byte from response times.
//!
//! The code covers the cookie's name as well as its value, so a value
//! signed for one cookie is not accepted in another.
//!
//! ## Changing the key without logging everyone out
//!
//! A key that may have leaked must be replaced, but every cookie signed
//! with it would then be rejected at once. So the old keys can stay on as
//! *fallbacks* (Django's `SECRET_KEY_FALLBACKS`, `--old-secret-file`
//! here): a cookie is checked against the current key, then against each
//! old one, and whatever the server sends back is signed with the current
//! key alone. Two frameworks got this wrong in ways the tests pin down:
//! Flask 3.1.0 signed with the last fallback instead of the current key
//! (CVE-2025-47278), and Django before 4.1.8 rejected what an old key had
//! signed, logging everyone out (ticket #34384). Once every cookie has come
//! back and been signed anew (or expired), the old key can go.

use super::count::parse_count;
use super::hex;
use crate::http::response::Decimal;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of a SHA-256 code.
const CODE_BYTES: usize = 32;
/// Shortest key accepted: a short secret can be guessed offline from one
/// signed cookie.
pub const MIN_KEY_BYTES: usize = 16;
/// Bytes of a key made up at start when none is given.
const RANDOM_KEY_BYTES: usize = 32;

/// Signs values with one secret key, and checks them against it and any
/// earlier keys.
pub struct Signer {
    /// The key, already absorbed into an HMAC state ready to be cloned.
    mac: HmacSha256,
    /// Earlier keys, newest first: they check, and never sign.
    fallbacks: Vec<HmacSha256>,
    /// The key was made up at start: restarts invalidate every cookie.
    ephemeral: bool,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("ephemeral", &self.ephemeral)
            .field("fallbacks", &self.fallbacks.len())
            .finish_non_exhaustive()
    }
}

/// What a signed cookie turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The code matches: the count is the server's own.
    Valid(u64),
    /// The code matches an earlier key's: the count is the server's own,
    /// signed before the key changed.
    ValidOldKey(u64),
    /// Something was sent, but it is not a count this server signed.
    Rejected,
}

impl Signer {
    /// A signer with the given secret key.
    pub fn new(key: &[u8]) -> Result<Self, String> {
        Ok(Signer { mac: keyed(key)?, fallbacks: Vec::new(), ephemeral: false })
    }

    /// The same signer, also accepting what the earlier keys `old` signed.
    pub fn with_fallbacks<'k>(self, old: impl IntoIterator<Item = &'k [u8]>) -> Result<Self, String> {
        let fallbacks = old.into_iter().map(keyed).collect::<Result<_, _>>()?;
        Ok(Signer { fallbacks, ..self })
    }

    /// A signer with a random key that lives as long as the process.
    pub fn random() -> Result<Self, String> {
        let mut key = [0u8; RANDOM_KEY_BYTES];
        getrandom::fill(&mut key).map_err(|e| format!("no randomness for a signing key: {e}"))?;
        Ok(Signer { ephemeral: true, ..Signer::new(&key)? })
    }

    /// Whether the key was made up at start (so restarts forget it).
    pub fn is_ephemeral(&self) -> bool {
        self.ephemeral
    }

    /// The cookie value carrying `count` for the cookie `name`.
    pub fn sign(&self, name: &str, count: u64) -> String {
        let digits = Decimal::new(count);
        let code = self.code(name, digits.as_bytes());
        let mut value = Vec::with_capacity(digits.as_bytes().len() + 1 + CODE_BYTES * 2);
        value.extend_from_slice(digits.as_bytes());
        value.push(b'.');
        hex::encode_into(&code, &mut value);
        String::from_utf8(value).expect("digits, a dot and hex are ASCII")
    }

    /// Checks a value of the cookie `name`: a valid count whose code
    /// matches the current key or an earlier one, or a rejection.
    pub fn verify(&self, name: &str, value: &[u8]) -> Verdict {
        let Some(dot) = value.iter().rposition(|&b| b == b'.') else { return Verdict::Rejected };
        let (digits, code) = (&value[..dot], &value[dot + 1..]);
        let (Some(count), Some(code)) = (parse_count(digits), hex::decode::<CODE_BYTES>(code)) else {
            return Verdict::Rejected;
        };
        if matches(&self.mac, name, digits, &code) {
            Verdict::Valid(count)
        } else if self.fallbacks.iter().any(|old| matches(old, name, digits, &code)) {
            Verdict::ValidOldKey(count)
        } else {
            Verdict::Rejected
        }
    }

    fn code(&self, name: &str, digits: &[u8]) -> [u8; CODE_BYTES] {
        let mut mac = self.mac.clone();
        feed(&mut mac, name, digits);
        mac.finalize().into_bytes().into()
    }
}

/// An HMAC state with `key` absorbed.
fn keyed(key: &[u8]) -> Result<HmacSha256, String> {
    if key.len() < MIN_KEY_BYTES {
        return Err(format!("a signing secret must be at least {MIN_KEY_BYTES} bytes"));
    }
    HmacSha256::new_from_slice(key).map_err(|e| e.to_string())
}

/// Whether `code` is the code of `name=digits` under the key in `mac`,
/// compared in constant time.
fn matches(mac: &HmacSha256, name: &str, digits: &[u8], code: &[u8]) -> bool {
    let mut mac = mac.clone();
    feed(&mut mac, name, digits);
    mac.verify_slice(code).is_ok()
}

/// What is signed: `name=digits`, so the code is bound to the cookie name.
fn feed(mac: &mut HmacSha256, name: &str, digits: &[u8]) {
    mac.update(name.as_bytes());
    mac.update(b"=");
    mac.update(digits);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> Signer {
        Signer::new(b"a test key of more than sixteen bytes").unwrap()
    }

    #[test]
    fn a_signed_count_verifies() {
        let signer = signer();
        for count in [0, 1, 42, u64::MAX] {
            let value = signer.sign("signed_count", count);
            assert_eq!(signer.verify("signed_count", value.as_bytes()), Verdict::Valid(count), "{value}");
        }
    }

    #[test]
    fn the_code_is_hmac_sha256_of_name_and_count() {
        // Checked against a code computed independently:
        // printf 'signed_count=42' | openssl dgst -sha256 -hmac 'a test key of more than sixteen bytes'
        let value = signer().sign("signed_count", 42);
        assert_eq!(value, "42.fbf662519060d0296a30c785a21543a0680b8be4ab4cc038e7c2e47b663aee9d");
    }

    #[test]
    fn tampering_is_rejected() {
        let signer = signer();
        let good = signer.sign("signed_count", 41);
        let (digits, code) = good.split_once('.').unwrap();
        let mut flipped = code.as_bytes().to_vec();
        flipped[10] = if flipped[10] == b'0' { b'1' } else { b'0' };
        let cases = [
            format!("42.{code}"),
            format!("{digits}.{}", String::from_utf8(flipped).unwrap()),
            format!("{digits}.{}", &code[..63]),
            format!("{digits}.{code}0"),
            format!("{digits}.{}", code.to_uppercase()),
            format!("0{digits}.{code}"),
            format!("{digits}{code}"),
            digits.to_string(),
            String::new(),
            ".".to_string(),
        ];
        for value in cases {
            assert_eq!(signer.verify("signed_count", value.as_bytes()), Verdict::Rejected, "{value}");
        }
    }

    #[test]
    fn a_value_signed_for_another_cookie_or_key_is_rejected() {
        let signer = signer();
        let value = signer.sign("other", 41);
        assert_eq!(signer.verify("signed_count", value.as_bytes()), Verdict::Rejected);
        let other_key = Signer::new(b"another key, also long enough").unwrap();
        assert_eq!(other_key.verify("other", value.as_bytes()), Verdict::Rejected);
    }

    #[test]
    fn keys_must_be_long_enough_and_random_ones_differ() {
        assert!(Signer::new(b"short").is_err());
        let (a, b) = (Signer::random().unwrap(), Signer::random().unwrap());
        assert!(a.is_ephemeral());
        assert_eq!(b.verify("c", a.sign("c", 1).as_bytes()), Verdict::Rejected);
    }

    const OLD: &[u8] = b"the key used until yesterday";

    #[test]
    fn a_cookie_signed_with_an_old_key_is_accepted() {
        // Django before 4.1.8 rejected these, logging everyone out.
        let before = Signer::new(OLD).unwrap().sign("signed_count", 41);
        let rotated = signer().with_fallbacks([OLD]).unwrap();
        assert_eq!(rotated.verify("signed_count", before.as_bytes()), Verdict::ValidOldKey(41));
        assert_eq!(signer().verify("signed_count", before.as_bytes()), Verdict::Rejected, "without the fallback");
    }

    #[test]
    fn the_current_key_signs_never_an_old_one() {
        // Flask 3.1.0 signed with the last fallback key (CVE-2025-47278).
        let rotated = signer().with_fallbacks([OLD, b"and the one before that".as_slice()]).unwrap();
        let value = rotated.sign("signed_count", 42);
        assert_eq!(value, signer().sign("signed_count", 42));
        assert_eq!(rotated.verify("signed_count", value.as_bytes()), Verdict::Valid(42));
        let old_only = Signer::new(OLD).unwrap();
        assert_eq!(old_only.verify("signed_count", value.as_bytes()), Verdict::Rejected);
    }

    #[test]
    fn old_keys_must_be_long_enough_too_and_do_not_accept_forgeries() {
        assert!(signer().with_fallbacks([b"short".as_slice()]).is_err());
        let rotated = signer().with_fallbacks([OLD]).unwrap();
        let good = Signer::new(OLD).unwrap().sign("signed_count", 1);
        let forged = format!("2{}", &good[1..]);
        assert_eq!(rotated.verify("signed_count", forged.as_bytes()), Verdict::Rejected);
    }
}
