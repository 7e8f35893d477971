//! The message ids a chat remembers: which receipts it has sent, has pending
//! or found in the transcript, for the newest ids only.

use std::collections::VecDeque;
use std::mem::size_of;

use super::fingerprint::{Fingerprint, FLAG_BITS};

/// The message has a read receipt (sent, pending, superseded by a newer read
/// receipt, or shown by the transcript).
pub(super) const READ: u64 = 0b01;
/// The message has a delivered receipt (likewise).
pub(super) const DELIVERED: u64 = 0b10;

/// One message id: its fingerprint with the two flags in the free low bits,
/// 16 bytes.
#[derive(Debug, Clone, Copy)]
struct Mark {
    hi: u64,
    lo_and_flags: u64,
}

impl Mark {
    fn is(&self, fp: Fingerprint) -> bool {
        self.hi == fp.hi && self.lo_and_flags & !FLAG_BITS == fp.lo
    }

    fn flags(&self) -> u64 {
        self.lo_and_flags & FLAG_BITS
    }
}

/// The remembered ids of one chat, oldest first, at most the configured
/// number (the oldest is forgotten first).
#[derive(Debug, Default)]
pub(super) struct Marks {
    entries: VecDeque<Mark>,
}

impl Marks {
    fn position(&self, fp: Fingerprint) -> Option<usize> {
        // Newest first: receipts are mostly for recent messages.
        self.entries.iter().rposition(|m| m.is(fp))
    }

    /// The flags remembered for a message (0 if none).
    pub(super) fn flags(&self, fp: Fingerprint) -> u64 {
        self.position(fp).map_or(0, |i| self.entries[i].flags())
    }

    /// Adds a flag to a message, remembering it as the newest id if new.
    pub(super) fn set(&mut self, fp: Fingerprint, flag: u64, max: usize) {
        if let Some(i) = self.position(fp) {
            self.entries[i].lo_and_flags |= flag;
            return;
        }
        if max == 0 {
            return;
        }
        while self.entries.len() >= max {
            self.entries.pop_front();
        }
        self.entries.push_back(Mark {
            hi: fp.hi,
            lo_and_flags: fp.lo | flag,
        });
    }

    /// Takes a flag off a message; forgets the message when none is left.
    pub(super) fn clear(&mut self, fp: Fingerprint, flag: u64) {
        if let Some(i) = self.position(fp) {
            self.entries[i].lo_and_flags &= !flag;
            if self.entries[i].flags() == 0 {
                self.entries.remove(i);
            }
        }
    }

    /// Ids remembered.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Heap bytes held.
    pub(super) fn heap_bytes(&self) -> usize {
        self.entries.capacity() * size_of::<Mark>()
    }
}

#[cfg(test)]
mod tests {
    use super::super::fingerprint::fingerprint;
    use super::*;

    #[test]
    fn flags_set_cleared_and_bounded() {
        let mut marks = Marks::default();
        let (a, b, c) = (fingerprint("a"), fingerprint("b"), fingerprint("c"));
        marks.set(a, DELIVERED, 2);
        marks.set(a, READ, 2);
        assert_eq!(marks.flags(a), READ | DELIVERED);
        marks.set(b, READ, 2);
        marks.set(c, READ, 2); // a is the oldest: forgotten
        assert_eq!((marks.flags(a), marks.flags(b), marks.len()), (0, READ, 2));
        marks.clear(b, READ);
        assert_eq!((marks.flags(b), marks.len()), (0, 1));
        marks.clear(c, DELIVERED); // not set: nothing changes
        assert_eq!(marks.flags(c), READ);
        let mut none = Marks::default();
        none.set(a, READ, 0);
        assert_eq!(none.len(), 0);
    }
}
