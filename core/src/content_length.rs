//! The `content-length` header value, without an allocation for the usual
//! body sizes.

use http::HeaderValue;

/// Lengths below this come from [`DIGITS`].
const SMALL: usize = 1000;

/// "0", "1", ..., "999" written back to back: 10 one-digit, 90 two-digit and
/// 900 three-digit numbers.
static DIGITS: [u8; 10 + 90 * 2 + 900 * 3] = digits();

const fn digits() -> [u8; 10 + 90 * 2 + 900 * 3] {
    let mut out = [0u8; 10 + 90 * 2 + 900 * 3];
    let (mut n, mut at) = (0, 0);
    while n < SMALL {
        if n >= 100 {
            out[at] = b'0' + (n / 100) as u8;
            at += 1;
        }
        if n >= 10 {
            out[at] = b'0' + (n / 10 % 10) as u8;
            at += 1;
        }
        out[at] = b'0' + (n % 10) as u8;
        at += 1;
        n += 1;
    }
    out
}

/// `n` as a header value. A body under 1,000 bytes, which every SendEvent
/// body without a long content is, takes its digits from a static table
/// (no allocation, unlike `HeaderValue::from(usize)`).
pub(crate) fn content_length(n: usize) -> HeaderValue {
    let (start, len) = match n {
        0..10 => (n, 1),
        10..100 => (10 + (n - 10) * 2, 2),
        100..SMALL => (190 + (n - 100) * 3, 3),
        _ => return HeaderValue::from(n),
    };
    let text: &'static [u8] = &DIGITS[start..start + len];
    match std::str::from_utf8(text) {
        Ok(text) => HeaderValue::from_static(text),
        Err(_) => HeaderValue::from(n),
    }
}

#[cfg(test)]
mod tests {
    use super::content_length;

    #[test]
    fn every_length_reads_as_its_number() {
        for n in (0..=1200).chain([9_999, 10_000, 16_384 * 4 + 100, usize::MAX]) {
            assert_eq!(content_length(n), n.to_string().as_str(), "{n}");
        }
    }
}
