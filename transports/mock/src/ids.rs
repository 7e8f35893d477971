//! Random-looking, unique identifiers: event ids, request ids, tokens.
//!
//! No random-number crate: std's `RandomState` is seeded from the OS, and
//! SipHash of a counter under those keys is unpredictable enough for a mock
//! and never repeats a counter value.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// Makes identifiers for one service.
#[derive(Debug)]
pub(crate) struct IdSource {
    keys: RandomState,
    counter: u64,
}

impl IdSource {
    pub(crate) fn new() -> Self {
        IdSource {
            keys: RandomState::new(),
            counter: 0,
        }
    }

    fn bytes16(&mut self) -> [u8; 16] {
        self.counter = self.counter.wrapping_add(1);
        let mut out = [0u8; 16];
        for (lane, chunk) in out.chunks_mut(8).enumerate() {
            let mut hasher = self.keys.build_hasher();
            hasher.write_u64(self.counter);
            hasher.write_usize(lane);
            chunk.copy_from_slice(&hasher.finish().to_le_bytes());
        }
        out
    }

    /// A UUID version 4 text (event ids, request ids, participant ids).
    pub(crate) fn uuid(&mut self) -> String {
        let mut b = self.bytes16();
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex = hex(&b);
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }

    /// 64 lower-case hex digits: a connection token.
    pub(crate) fn token(&mut self) -> String {
        let mut out = hex(&self.bytes16());
        out.push_str(&hex(&self.bytes16()));
        out
    }
}

/// Lower-case hex digits of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut ids = IdSource::new();
        let mut seen = HashSet::new();
        for _ in 0..1000 {
            let u = ids.uuid();
            assert_eq!(u.len(), 36);
            assert_eq!(&u[14..15], "4");
            assert!(seen.insert(u));
            let t = ids.token();
            assert_eq!(t.len(), 64);
            assert!(t.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(seen.insert(t));
        }
        // Two sources do not repeat each other.
        assert_ne!(IdSource::new().token(), IdSource::new().token());
    }
}
