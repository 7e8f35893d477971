//! What a call derives from the one seed it is given: the client token, the
//! invocation id and every retry jitter (docs/spec.md#idempotency). The
//! core gathers no randomness itself.

/// The random values of one call.
#[derive(Debug, Clone)]
pub(crate) struct CallSeed {
    /// Bytes of the generated client token (used when the caller gave none).
    pub token: [u8; 16],
    /// Bytes of the invocation id.
    pub invocation: [u8; 16],
    /// The jitter generator's state (SplitMix64).
    jitter: u64,
}

impl CallSeed {
    pub fn new(seed: [u8; 32]) -> Self {
        let mut token = [0u8; 16];
        let mut invocation = [0u8; 16];
        token.copy_from_slice(&seed[..16]);
        invocation.copy_from_slice(&seed[16..]);
        // Every seed byte reaches the jitter state.
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&seed[i * 8..i * 8 + 8]);
            u64::from_le_bytes(w)
        };
        let jitter =
            word(0) ^ word(1).rotate_left(17) ^ word(2).rotate_left(31) ^ word(3).rotate_left(47);
        CallSeed {
            token,
            invocation,
            jitter,
        }
    }

    /// The next jitter value, uniform in `[0, 1)`.
    pub fn next_jitter(&mut self) -> f64 {
        // SplitMix64 (Steele, Lea and Flood): small, fast, well mixed; jitter
        // needs no more.
        self.jitter = self.jitter.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.jitter;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A UUID version 4 (RFC 9562) as its 36 characters: lower-case hex,
/// `8-4-4-4-12`, with the version and variant bits set. Kept inline: a call
/// needs two and allocates for neither.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Uuid([u8; 36]);

impl Uuid {
    /// The UUID of 16 random bytes.
    pub fn v4(mut bytes: [u8; 16]) -> Uuid {
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let mut out = [b'-'; 36];
        for (b, at) in bytes.iter().zip(DIGIT_AT) {
            out[at] = HEX[usize::from(b >> 4)];
            out[at + 1] = HEX[usize::from(b & 0x0f)];
        }
        Uuid(out)
    }

    /// The text (only hex digits and dashes are ever written).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The text's bytes.
    pub fn as_bytes(&self) -> &[u8; 36] {
        &self.0
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Where each byte's two digits go: `8-4-4-4-12`, the dashes between.
const DIGIT_AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_value_gives_its_two_digits() {
        for b in 0..=255u8 {
            let id = Uuid::v4([b; 16]);
            let id = id.as_str();
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
        assert_eq!(
            Uuid::v4([0; 16]).as_str(),
            "00000000-0000-4000-8000-000000000000"
        );
        let id = Uuid::v4(*b"\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef");
        assert_eq!(id.as_str(), "01234567-89ab-4def-8123-456789abcdef");
    }

    #[test]
    fn jitter_is_in_range_and_depends_on_every_seed_byte() {
        let mut s = CallSeed::new([0; 32]);
        let first = s.next_jitter();
        for _ in 0..10_000 {
            let j = s.next_jitter();
            assert!((0.0..1.0).contains(&j));
        }
        for i in 0..32 {
            let mut seed = [0u8; 32];
            seed[i] = 1;
            assert_ne!(CallSeed::new(seed).next_jitter(), first, "byte {i}");
        }
    }
}
