//! 126-bit fingerprints: how the pacer remembers message ids and ended chat
//! keys without keeping (or ever printing) the values themselves.
//!
//! Two SipHash-1-3 lanes with fixed keys (std's `DefaultHasher`, salted
//! differently): deterministic within a process, no randomness. Two different
//! values share a fingerprint with a probability of about 2^-126 per pair,
//! which is far below any other failure this code can have; and a collision
//! could only make the pacer drop an event it should have sent, never send one
//! twice.

use std::hash::{DefaultHasher, Hash, Hasher};

/// The second lane's salt (any constant different from nothing).
const SALT: u64 = 0x9e37_79b9_7f4a_7c15;

/// A value's fingerprint. The two low bits of `lo` are always zero, free for
/// the flags of a [`super::marks::Marks`] entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Fingerprint {
    pub(super) hi: u64,
    pub(super) lo: u64,
}

/// The low bits of `lo` left for flags.
pub(super) const FLAG_BITS: u64 = 0b11;

/// Fingerprint of any hashable value.
pub(super) fn fingerprint<T: Hash + ?Sized>(value: &T) -> Fingerprint {
    let mut a = DefaultHasher::new();
    value.hash(&mut a);
    let mut b = DefaultHasher::new();
    SALT.hash(&mut b);
    value.hash(&mut b);
    Fingerprint {
        hi: a.finish(),
        lo: b.finish() & !FLAG_BITS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_distinct() {
        assert_eq!(fingerprint("m-1"), fingerprint("m-1"));
        assert_ne!(fingerprint("m-1"), fingerprint("m-2"));
        assert_eq!(fingerprint("m-1").lo & FLAG_BITS, 0);
        // A String and a str of the same text hash alike (keys may be either).
        assert_eq!(fingerprint(&String::from("k")), fingerprint("k"));
    }
}
