//! One chat's pacing state and rules. Chats never look at one another.

use std::sync::Arc;

use super::config::Rules;
use super::decision::{DropReason, OfferId};
use super::event::PacedEvent;
use super::fingerprint::fingerprint;
use super::marks::{Marks, DELIVERED, READ};
use super::out::{KeyRef, Out};
use super::time::{Nanos, NEVER};

/// The two receipt kinds, each paced on its own lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Delivered,
    Read,
}

impl Kind {
    fn event(self, message_id: String) -> PacedEvent {
        match self {
            Kind::Delivered => PacedEvent::Delivered { message_id },
            Kind::Read => PacedEvent::Read { message_id },
        }
    }
}

/// A receipt waiting for its time.
#[derive(Debug)]
struct Pending {
    offer: OfferId,
    message_id: String,
    /// When the lane's first pending receipt since its last release came.
    since: Nanos,
    /// When it goes out.
    due: Nanos,
}

/// One receipt kind's window and its newest pending receipt.
#[derive(Debug, Default)]
struct Lane {
    /// The end of the window opened by the last receipt of this kind sent;
    /// the window is open while `now < window_end`.
    window_end: Nanos,
    /// Boxed: most chats have nothing pending most of the time, and an
    /// empty lane then takes 8 bytes instead of 48.
    pending: Option<Box<Pending>>,
}

impl Lane {
    fn holds(&self, message_id: &str) -> bool {
        self.pending
            .as_ref()
            .is_some_and(|p| p.message_id == message_id)
    }

    fn due(&self) -> Nanos {
        self.pending.as_ref().map_or(NEVER, |p| p.due)
    }

    fn pending_offer(&self) -> Option<OfferId> {
        self.pending.as_ref().map(|p| p.offer)
    }

    /// Makes `pending` the lane's pending receipt, in `reuse`'s box if given.
    fn put(&mut self, reuse: Option<Box<Pending>>, pending: Pending) {
        self.pending = Some(match reuse {
            Some(mut place) => {
                *place = pending;
                place
            }
            None => Box::new(pending),
        });
    }
}

/// A chat's state: 96 bytes, plus 16 bytes a remembered message id and a
/// box for each pending receipt (at most two).
#[derive(Debug)]
pub(super) struct Chat<K> {
    pub(super) key: Arc<K>,
    /// The deadline of this chat's live timer entry, or [`NEVER`].
    pub(super) scheduled: Nanos,
    last_activity: Nanos,
    /// The end of the typing window opened by the last typing event sent.
    typing_until: Nanos,
    delivered: Lane,
    read: Lane,
    marks: Marks,
}

impl<K: Clone + Eq> Chat<K> {
    pub(super) fn new(key: Arc<K>, now: Nanos) -> Self {
        Chat {
            key,
            scheduled: NEVER,
            last_activity: now,
            typing_until: 0,
            delivered: Lane::default(),
            read: Lane::default(),
            marks: Marks::default(),
        }
    }

    /// The caller's key if it still has it (no copy), else the shared one.
    fn key_ref(&self, spare: &mut Option<K>) -> KeyRef<K> {
        match spare.take() {
            Some(k) => KeyRef::Owned(k),
            None => KeyRef::Shared(Arc::clone(&self.key)),
        }
    }

    /// Notes an offer from the caller (for idle forgetting).
    pub(super) fn touch(&mut self, now: Nanos) {
        self.last_activity = now;
    }

    /// Typing: leading edge, one a typing window.
    pub(super) fn offer_typing(
        &mut self,
        now: Nanos,
        offer: OfferId,
        spare: &mut Option<K>,
        rules: &Rules,
        out: &mut Out<K>,
    ) {
        if now < self.typing_until {
            out.drop_offer(offer, now, DropReason::Throttled);
            return;
        }
        self.typing_until = now.saturating_add(rules.typing);
        out.release(self.key_ref(spare), PacedEvent::Typing, offer);
    }

    /// Delivered: refused if already delivered or read; else held, replacing
    /// an older pending one, until the hold has passed and the window is over.
    pub(super) fn offer_delivered(
        &mut self,
        now: Nanos,
        offer: OfferId,
        message_id: String,
        spare: &mut Option<K>,
        rules: &Rules,
        out: &mut Out<K>,
    ) {
        if self.read.holds(&message_id) {
            out.drop_offer(offer, now, DropReason::Superseded);
            return;
        }
        if self.delivered.holds(&message_id) {
            out.drop_offer(offer, now, DropReason::Duplicate);
            return;
        }
        let fp = fingerprint(message_id.as_str());
        let flags = self.marks.flags(fp);
        if flags & READ != 0 {
            out.drop_offer(offer, now, DropReason::Superseded);
            return;
        }
        if flags & DELIVERED != 0 {
            out.drop_offer(offer, now, DropReason::Duplicate);
            return;
        }
        self.marks.set(fp, DELIVERED, rules.max_ids);
        let mut due = self
            .delivered
            .window_end
            .max(now.saturating_add(rules.hold));
        let older = self.delivered.pending.take();
        let since = match &older {
            Some(older) => {
                out.drop_offer(older.offer, now, DropReason::Superseded);
                due = due.min(older.since.saturating_add(rules.hold_cap));
                older.since
            }
            None => now,
        };
        if due <= now {
            self.delivered.window_end = now.saturating_add(rules.receipt);
            out.release(
                self.key_ref(spare),
                Kind::Delivered.event(message_id),
                offer,
            );
        } else {
            let pending = Pending {
                offer,
                message_id,
                since,
                due,
            };
            self.delivered.put(older, pending);
        }
    }

    /// Read: refused if already read; replaces a pending delivered receipt
    /// of the same message; sent at once in a quiet window, else pending
    /// (replacing an older pending one) until the window ends.
    pub(super) fn offer_read(
        &mut self,
        now: Nanos,
        offer: OfferId,
        message_id: String,
        spare: &mut Option<K>,
        rules: &Rules,
        out: &mut Out<K>,
    ) {
        if self.read.holds(&message_id) {
            out.drop_offer(offer, now, DropReason::Duplicate);
            return;
        }
        let fp = fingerprint(message_id.as_str());
        if self.marks.flags(fp) & READ != 0 {
            out.drop_offer(offer, now, DropReason::Duplicate);
            return;
        }
        self.marks.set(fp, READ, rules.max_ids);
        if self.delivered.holds(&message_id) {
            drop_pending(&mut self.delivered, now, DropReason::Superseded, out);
        }
        if now >= self.read.window_end {
            // A quiet window: a pending read receipt would have been due by
            // now and released before this offer, so there is none.
            self.read.window_end = now.saturating_add(rules.receipt);
            out.release(self.key_ref(spare), Kind::Read.event(message_id), offer);
            return;
        }
        let older = self.read.pending.take();
        if let Some(older) = &older {
            out.drop_offer(older.offer, now, DropReason::Superseded);
        }
        let pending = Pending {
            offer,
            message_id,
            since: now,
            due: self.read.window_end,
        };
        self.read.put(older, pending);
    }

    /// Marks what a resumed session's transcript shows as already sent, and
    /// drops pending receipts it makes useless.
    pub(super) fn seed<R, D>(
        &mut self,
        now: Nanos,
        read: R,
        delivered: D,
        rules: &Rules,
        out: &mut Out<K>,
    ) where
        R: IntoIterator,
        R::Item: AsRef<str>,
        D: IntoIterator,
        D::Item: AsRef<str>,
    {
        for id in read {
            let id = id.as_ref();
            self.marks.set(fingerprint(id), READ, rules.max_ids);
            if self.read.holds(id) {
                drop_pending(&mut self.read, now, DropReason::Duplicate, out);
            }
            if self.delivered.holds(id) {
                drop_pending(&mut self.delivered, now, DropReason::Superseded, out);
            }
        }
        for id in delivered {
            let id = id.as_ref();
            self.marks.set(fingerprint(id), DELIVERED, rules.max_ids);
            if self.delivered.holds(id) {
                drop_pending(&mut self.delivered, now, DropReason::Duplicate, out);
            }
        }
    }

    /// A failed receipt no longer counts as sent.
    pub(super) fn forget_failed(&mut self, event: &PacedEvent) {
        let (id, flag) = match event {
            PacedEvent::Delivered { message_id } => (message_id, DELIVERED),
            PacedEvent::Read { message_id } => (message_id, READ),
            PacedEvent::Typing => return,
        };
        self.marks.clear(fingerprint(id.as_str()), flag);
    }

    /// Releases the pending receipts due by `now` (all of them if `all`),
    /// in the order they were offered; each opens its lane's window.
    pub(super) fn release(&mut self, now: Nanos, all: bool, rules: &Rules, out: &mut Out<K>) {
        let due = |lane: &Lane| lane.pending.as_ref().is_some_and(|p| all || p.due <= now);
        let (delivered, read) = (due(&self.delivered), due(&self.read));
        let read_first =
            read && delivered && self.read.pending_offer() < self.delivered.pending_offer();
        if read_first {
            self.release_lane(Kind::Read, now, rules, out);
        }
        if delivered {
            self.release_lane(Kind::Delivered, now, rules, out);
        }
        if read && !read_first {
            self.release_lane(Kind::Read, now, rules, out);
        }
    }

    fn release_lane(&mut self, kind: Kind, now: Nanos, rules: &Rules, out: &mut Out<K>) {
        let lane = match kind {
            Kind::Delivered => &mut self.delivered,
            Kind::Read => &mut self.read,
        };
        if let Some(p) = lane.pending.take() {
            let p = *p;
            lane.window_end = now.saturating_add(rules.receipt);
            out.release(
                KeyRef::Shared(Arc::clone(&self.key)),
                kind.event(p.message_id),
                p.offer,
            );
        }
    }

    /// The chat has ended: its pending receipts are dropped, in the order
    /// they were offered.
    pub(super) fn end(mut self, now: Nanos, out: &mut Out<K>) {
        let (delivered, read) = (self.delivered.pending.take(), self.read.pending.take());
        let read_first = matches!((&delivered, &read), (Some(d), Some(r)) if r.offer < d.offer);
        let (first, second) = if read_first {
            (read, delivered)
        } else {
            (delivered, read)
        };
        for p in [first, second].into_iter().flatten() {
            out.drop_offer(p.offer, now, DropReason::Ended);
        }
    }

    /// When this chat next needs the pacer: a pending receipt's time, or,
    /// with nothing pending, when it may be forgotten (idle long enough and
    /// every window closed, so forgetting it changes no rule's outcome).
    pub(super) fn next_deadline(&self, rules: &Rules) -> Nanos {
        let pending = self.delivered.due().min(self.read.due());
        if pending != NEVER {
            return pending;
        }
        self.last_activity
            .saturating_add(rules.idle)
            .max(self.typing_until)
            .max(self.delivered.window_end)
            .max(self.read.window_end)
    }

    /// Whether the chat may be forgotten at `now`.
    pub(super) fn is_idle(&self, now: Nanos, rules: &Rules) -> bool {
        self.pending_receipts() == 0 && self.next_deadline(rules) <= now
    }

    pub(super) fn pending_receipts(&self) -> usize {
        usize::from(self.delivered.pending.is_some()) + usize::from(self.read.pending.is_some())
    }

    pub(super) fn remembered_ids(&self) -> usize {
        self.marks.len()
    }

    /// Heap bytes this chat holds itself (not its key).
    pub(super) fn heap_bytes(&self) -> usize {
        let ids = [&self.delivered.pending, &self.read.pending]
            .into_iter()
            .flatten()
            .map(|p| std::mem::size_of::<Pending>() + p.message_id.capacity())
            .sum::<usize>();
        self.marks.heap_bytes() + ids
    }
}

fn drop_pending<K: Clone + Eq>(lane: &mut Lane, now: Nanos, reason: DropReason, out: &mut Out<K>) {
    if let Some(p) = lane.pending.take() {
        out.drop_offer(p.offer, now, reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_is_small() {
        assert!(std::mem::size_of::<Chat<String>>() <= 96);
    }
}
