//! The chats' deadlines: a min-heap with lazy invalidation.
//!
//! Each chat has one live entry, the deadline its `scheduled` field names. A
//! chat whose deadline moves earlier gets a new entry and its old one goes
//! stale; one whose deadline moves later keeps its entry, which then fires
//! early and reschedules. Stale entries are skipped when they reach the top
//! and purged in one pass when they outnumber live ones, so the heap stays
//! within about twice the number of chats and every operation is
//! `O(log chats)` amortized, never a scan of all chats per poll.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::mem::size_of;

use super::time::Nanos;

/// A deadline: when, which slot, and the slot's generation when scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Timer {
    pub(super) due: Nanos,
    pub(super) slot: usize,
    pub(super) generation: u32,
}

/// Stale entries tolerated beyond the live ones before a purge.
const SLACK: usize = 1024;

#[derive(Debug, Default)]
pub(super) struct Timers {
    heap: BinaryHeap<Reverse<Timer>>,
}

impl Timers {
    /// Adds an entry; purges stale ones (by `is_live`) when they dominate.
    pub(super) fn push(&mut self, timer: Timer, live: usize, is_live: impl Fn(&Timer) -> bool) {
        self.heap.push(Reverse(timer));
        if self.heap.len() > live.saturating_mul(2).saturating_add(SLACK) {
            self.heap.retain(|Reverse(t)| is_live(t));
        }
    }

    /// The earliest entry.
    pub(super) fn peek(&self) -> Option<Timer> {
        self.heap.peek().map(|Reverse(t)| *t)
    }

    /// Removes the earliest entry.
    pub(super) fn pop(&mut self) -> Option<Timer> {
        self.heap.pop().map(|Reverse(t)| t)
    }

    pub(super) fn len(&self) -> usize {
        self.heap.len()
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.heap.capacity() * size_of::<Reverse<Timer>>()
    }
}
