//! The keys of recently ended chats, as fingerprints (never the keys), so
//! that late events for them are dropped. Bounded in time and in number.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, DefaultHasher};
use std::mem::size_of;

use super::fingerprint::Fingerprint;
use super::time::Nanos;

/// Ended chats, oldest first.
#[derive(Debug, Default)]
pub(super) struct EndedChats {
    /// When each remembered chat ended.
    at: HashMap<Fingerprint, Nanos, BuildHasherDefault<DefaultHasher>>,
    /// The same entries in the order they ended (one entry a key).
    order: VecDeque<(Fingerprint, Nanos)>,
}

impl EndedChats {
    /// Forgets the chats ended `retention` ago or longer, and the oldest ones
    /// beyond `max`.
    pub(super) fn expire(&mut self, now: Nanos, retention: Nanos, max: usize) {
        while let Some(&(fp, ended)) = self.order.front() {
            if self.order.len() <= max && ended.saturating_add(retention) > now {
                break;
            }
            self.order.pop_front();
            self.at.remove(&fp);
        }
    }

    /// Whether the chat ended (and is still remembered).
    pub(super) fn contains(&self, fp: Fingerprint) -> bool {
        self.at.contains_key(&fp)
    }

    /// Remembers that a chat ended at `now` (kept from its first end).
    pub(super) fn insert(&mut self, fp: Fingerprint, now: Nanos) {
        if let std::collections::hash_map::Entry::Vacant(e) = self.at.entry(fp) {
            e.insert(now);
            self.order.push_back((fp, now));
        }
    }

    pub(super) fn len(&self) -> usize {
        self.order.len()
    }

    /// Heap bytes held (approximately: the map's table and the queue).
    pub(super) fn heap_bytes(&self) -> usize {
        self.at.capacity() * (size_of::<(Fingerprint, Nanos)>() + 1)
            + self.order.capacity() * size_of::<(Fingerprint, Nanos)>()
    }
}

#[cfg(test)]
mod tests {
    use super::super::fingerprint::fingerprint;
    use super::*;

    #[test]
    fn bounded_by_time_and_number() {
        let mut ended = EndedChats::default();
        ended.insert(fingerprint("a"), 0);
        ended.insert(fingerprint("b"), 5);
        ended.insert(fingerprint("a"), 6); // still the first end
        ended.expire(10, 10, 10);
        assert!(!ended.contains(fingerprint("a")));
        assert!(ended.contains(fingerprint("b")));
        ended.insert(fingerprint("c"), 11);
        ended.expire(11, 10, 1);
        assert!(!ended.contains(fingerprint("b")));
        assert!(ended.contains(fingerprint("c")));
        assert_eq!(ended.len(), 1);
    }
}
