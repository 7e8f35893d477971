//! The pacer's output queues: events released for sending, and decisions.

use std::collections::VecDeque;
use std::sync::Arc;

use super::decision::{Action, Decision, DropReason, OfferId};
use super::event::PacedEvent;
use super::time::{to_duration, Nanos};
use super::transmit::Transmit;

/// A chat key for a released event: the caller's own when it was offered and
/// released in the same call (no copy), else the chat's shared one.
#[derive(Debug)]
pub(super) enum KeyRef<K> {
    Owned(K),
    Shared(Arc<K>),
}

impl<K: Clone + Eq> KeyRef<K> {
    fn into_key(self) -> K {
        match self {
            KeyRef::Owned(k) => k,
            KeyRef::Shared(k) => Arc::unwrap_or_clone(k),
        }
    }

    fn is(&self, key: &K) -> bool {
        match self {
            KeyRef::Owned(k) => k == key,
            KeyRef::Shared(k) => **k == *key,
        }
    }
}

/// An event released for sending, not yet handed out.
#[derive(Debug)]
struct Ready<K> {
    key: KeyRef<K>,
    event: PacedEvent,
    offer: OfferId,
}

/// Released events, oldest first, and decisions not yet polled.
#[derive(Debug)]
pub(super) struct Out<K> {
    ready: VecDeque<Ready<K>>,
    decisions: VecDeque<Decision>,
    record: bool,
}

impl<K> Out<K> {
    pub(super) fn new(record: bool) -> Self {
        Out {
            ready: VecDeque::new(),
            decisions: VecDeque::new(),
            record,
        }
    }

    /// Releases an event: the sender gets it from the next `poll_transmit`.
    pub(super) fn release(&mut self, key: KeyRef<K>, event: PacedEvent, offer: OfferId) {
        self.ready.push_back(Ready { key, event, offer });
    }

    /// Decides that an offer is never sent.
    pub(super) fn drop_offer(&mut self, offer: OfferId, at: Nanos, reason: DropReason) {
        self.decide(offer, at, Action::Drop(reason));
    }

    fn decide(&mut self, offer: OfferId, at: Nanos, action: Action) {
        if self.record {
            self.decisions.push_back(Decision {
                offer,
                at: to_duration(at),
                action,
            });
        }
    }

    pub(super) fn next_decision(&mut self) -> Option<Decision> {
        self.decisions.pop_front()
    }

    pub(super) fn ready_len(&self) -> usize {
        self.ready.len()
    }

    pub(super) fn decisions_len(&self) -> usize {
        self.decisions.len()
    }

    /// Heap bytes held by the queues (not counting what keys own).
    pub(super) fn heap_bytes(&self) -> usize {
        let message_ids: usize = self
            .ready
            .iter()
            .map(|r| r.event.message_id().map_or(0, str::len))
            .sum();
        self.ready.capacity() * std::mem::size_of::<Ready<K>>()
            + self.decisions.capacity() * std::mem::size_of::<Decision>()
            + message_ids
    }
}

impl<K: Clone + Eq> Out<K> {
    /// Hands out the oldest released event, deciding it sent at `now`.
    pub(super) fn next_transmit(&mut self, now: Nanos) -> Option<Transmit<K>> {
        let ready = self.ready.pop_front()?;
        self.decide(ready.offer, now, Action::Send);
        Some(Transmit {
            chat: ready.key.into_key(),
            event: ready.event,
            offer: ready.offer,
        })
    }

    /// Drops every released event of an ended chat not yet handed out.
    pub(super) fn end(&mut self, key: &K, now: Nanos) {
        let Out {
            ready,
            decisions,
            record,
        } = self;
        ready.retain(|r| {
            if !r.key.is(key) {
                return true;
            }
            if *record {
                decisions.push_back(Decision {
                    offer: r.offer,
                    at: to_duration(now),
                    action: Action::Drop(DropReason::Ended),
                });
            }
            false
        });
    }
}
