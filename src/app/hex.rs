//! Lowercase hexadecimal, for session ids and signatures: two characters
//! a byte, all of them safe in a cookie value and a URL.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends the hex digits of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut Vec<u8>) {
    for &byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)]);
        out.push(DIGITS[usize::from(byte & 0xf)]);
    }
}

/// Reads exactly `N` bytes written as `2 * N` lowercase hex digits;
/// anything else (another length, uppercase, other characters) is `None`.
pub fn decode<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    if text.len() != 2 * N {
        return None;
    }
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
        *byte = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(bytes)
}

/// A lowercase hex digit's value: this server writes lowercase, so an
/// uppercase digit means the text did not come from it.
fn digit(c: u8) -> Option<u8> {
    if c.is_ascii_uppercase() {
        return None;
    }
    crate::http::grammar::hex_digit(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let mut text = Vec::new();
        encode_into(&[0x00, 0x9f, 0xa0, 0xff], &mut text);
        assert_eq!(text, b"009fa0ff");
        assert_eq!(decode::<4>(&text), Some([0x00, 0x9f, 0xa0, 0xff]));
        for bad in [&b"009fa0f"[..], b"009fa0ff00", b"009FA0FF", b"009fa0fg", b"+09fa0ff"] {
            assert_eq!(decode::<4>(bad), None, "{bad:?}");
        }
    }
}
