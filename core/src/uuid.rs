//! UUID version 4 text from caller-supplied random bytes.

/// Formats 16 random bytes as a UUID version 4 (RFC 9562): lower-case hex,
/// `8-4-4-4-12`, with the version and variant bits set.
///
/// The core gathers no randomness: the bytes come from the caller (a
/// transport fills them from the OS).
///
/// ```
/// let id = connect_participant_core::uuid_v4([0xff; 16]);
/// assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
/// ```
pub fn uuid_v4(bytes: [u8; 16]) -> String {
    // Only ASCII hex digits and '-' are written.
    String::from_utf8(uuid_v4_bytes(bytes).to_vec()).unwrap_or_default()
}

/// The same text as [`uuid_v4`], as ASCII bytes in a fixed buffer.
pub(crate) fn uuid_v4_bytes(mut bytes: [u8; 16]) -> [u8; 36] {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    // Where each byte's two digits go: 8-4-4-4-12, the dashes between.
    const AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    let mut out = [b'-'; 36];
    for (b, at) in bytes.into_iter().zip(AT) {
        let [hi, lo] = HEX_PAIRS[usize::from(b)];
        out[at] = hi;
        out[at + 1] = lo;
    }
    out
}

/// Each byte's two lower-case hex digits.
static HEX_PAIRS: [[u8; 2]; 256] = hex_pairs();

const fn hex_pairs() -> [[u8; 2]; 256] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        out[b] = [HEX[b >> 4], HEX[b & 0x0f]];
        b += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uuid_v4;

    #[test]
    fn every_byte_value_gives_its_two_digits() {
        for b in 0..=255u8 {
            let id = uuid_v4([b; 16]);
            let hex = format!("{b:02x}");
            let want = format!(
                "{h}{h}{h}{h}-{h}{h}-4{v}{h}-{w:x}{v}{h}-{h}{h}{h}{h}{h}{h}",
                h = hex,
                v = &hex[1..],
                w = (b >> 4 & 0x3) | 0x8,
            );
            assert_eq!(id, want, "{b:#04x}");
        }
    }

    #[test]
    fn sets_version_and_variant() {
        let id = uuid_v4([0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
        let id = uuid_v4(*b"\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef");
        assert_eq!(id, "01234567-89ab-4def-8123-456789abcdef");
    }
}
