//! Random-looking, unique identifiers: event ids, request ids, tokens.
//!
//! No random-number crate: std's `RandomState` is seeded from the OS, and
//! SipHash of a counter under those keys is unpredictable enough for a mock
//! and never repeats a counter value.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use connect_participant_core::uuid_v4;

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
        uuid_v4(self.bytes16())
    }

    /// 64 lower-case hex digits: a connection token.
    pub(crate) fn token(&mut self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for _ in 0..2 {
            for b in self.bytes16() {
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
        }
        out
    }
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
