//! The pacer: chats by key, their timers, and the public API.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hash};
use std::mem::size_of;
use std::sync::Arc;
use std::time::Duration;

use super::chat::Chat;
use super::config::{PacerConfig, Rules};
use super::decision::{Decision, DropReason, OfferId};
use super::ended::EndedChats;
use super::event::PacedEvent;
use super::fingerprint::fingerprint;
use super::out::Out;
use super::stats::PacerStats;
use super::time::{to_duration, to_nanos, Nanos, NEVER};
use super::timers::{Timer, Timers};
use super::transmit::{Outcome, Transmit};

/// The pacer's default hasher for chat keys: SipHash-1-3 with fixed keys,
/// deterministic (no randomness). Give [`Pacer::with_hasher`] a
/// `std::collections::hash_map::RandomState` if untrusted parties choose the keys.
pub type DefaultKeyHasher = BuildHasherDefault<DefaultHasher>;

/// One place in the chat table; `generation` tells a reused place's timers
/// from its previous chat's.
#[derive(Debug)]
struct Slot<K> {
    generation: u32,
    chat: Option<Chat<K>>,
}

/// Paces typing events and receipts per chat, as Amazon's chat clients do,
/// without I/O: time comes in as an argument and nothing sleeps. See the
/// [module documentation](super) for the rules and the sender's loop.
///
/// `K` is the caller's chat key (the connection token, a chat id, ...). The
/// pacer keeps one copy a chat and never shows keys: its `Debug` prints
/// counts only. Each offer takes a key by value and hashes it: a key cheap to
/// clone and hash (a number, an `Arc<str>` of the token) keeps offers fast.
///
/// ```
/// use std::time::Duration;
/// use connect_participant::pacing::{Action, PacedEvent, Pacer, PacerConfig};
///
/// let mut pacer = Pacer::new(PacerConfig::default());
/// let ms = Duration::from_millis;
/// pacer.offer(ms(0), "chat-1", PacedEvent::delivered("m-1"));
/// assert!(pacer.poll_transmit(ms(0)).is_none()); // held 300 ms
/// assert_eq!(pacer.poll_timeout(), Some(ms(300)));
/// pacer.handle_timeout(ms(300));
/// let transmit = pacer.poll_transmit(ms(300)).unwrap();
/// assert_eq!(transmit.event, PacedEvent::delivered("m-1"));
/// assert_eq!(pacer.poll_decision().unwrap().action, Action::Send);
/// assert_eq!(format!("{pacer:?}").contains("chat-1"), false);
/// ```
pub struct Pacer<K, S = DefaultKeyHasher> {
    config: PacerConfig,
    rules: Rules,
    /// The latest time seen: time never goes back.
    now: Nanos,
    next_offer: u64,
    index: HashMap<Arc<K>, usize, S>,
    slots: Vec<Slot<K>>,
    free: Vec<usize>,
    timers: Timers,
    ended: EndedChats,
    out: Out<K>,
    /// Receipts pending in all chats.
    pending: usize,
}

impl<K: Eq + Hash + Clone> Pacer<K> {
    /// A pacer with no chats yet.
    pub fn new(config: PacerConfig) -> Self {
        Pacer::with_hasher(config, DefaultKeyHasher::default())
    }
}

impl<K: Eq + Hash + Clone, S: BuildHasher> Pacer<K, S> {
    /// A pacer hashing chat keys with `hasher`.
    ///
    /// ```
    /// use std::collections::hash_map::RandomState;
    /// use connect_participant::pacing::{Pacer, PacerConfig};
    ///
    /// let pacer: Pacer<String, RandomState> = Pacer::with_hasher(PacerConfig::default(), RandomState::new());
    /// assert_eq!(pacer.chats(), 0);
    /// ```
    pub fn with_hasher(config: PacerConfig, hasher: S) -> Self {
        Pacer {
            rules: config.rules(),
            out: Out::new(config.decisions()),
            config,
            now: 0,
            next_offer: 0,
            index: HashMap::with_hasher(hasher),
            slots: Vec::new(),
            free: Vec::new(),
            timers: Timers::default(),
            ended: EndedChats::default(),
            pending: 0,
        }
    }

    /// The settings.
    pub fn config(&self) -> &PacerConfig {
        &self.config
    }

    /// Offers an event for a chat at `now`. Never blocks: the event is
    /// released for sending at once (see [`Pacer::poll_transmit`]), later
    /// (see [`Pacer::poll_timeout`]), or dropped; in every case exactly one
    /// [`Decision`] follows, now or later.
    ///
    /// `now` is time since an epoch of the caller's choice, monotonic; an
    /// earlier time than one already seen counts as that one.
    pub fn offer(&mut self, now: Duration, chat: K, event: PacedEvent) -> OfferId {
        let now = self.advance(now);
        let offer = OfferId(self.next_offer);
        self.next_offer = self.next_offer.wrapping_add(1);
        let mut spare = Some(chat);
        let Some(slot) = self.chat_for(now, &mut spare) else {
            self.out.drop_offer(offer, now, DropReason::Ended);
            return offer;
        };
        self.with_chat(slot, |chat, rules, out| {
            chat.touch(now);
            chat.release(now, false, rules, out);
            match event {
                PacedEvent::Typing => chat.offer_typing(now, offer, &mut spare, rules, out),
                PacedEvent::Delivered { message_id } => {
                    chat.offer_delivered(now, offer, message_id, &mut spare, rules, out);
                }
                PacedEvent::Read { message_id } => {
                    chat.offer_read(now, offer, message_id, &mut spare, rules, out);
                }
            }
        });
        self.schedule(slot);
        offer
    }

    /// The next event to send now, if any: send it, then report how it went
    /// with [`Pacer::handle_outcome`]. Its [`Decision`] (sent, at `now`)
    /// follows. Call it until it gives `None` after every other call.
    pub fn poll_transmit(&mut self, now: Duration) -> Option<Transmit<K>> {
        let now = self.advance(now);
        self.out.next_transmit(now)
    }

    /// The next decision, if any: one an offer, exactly once.
    pub fn poll_decision(&mut self) -> Option<Decision> {
        self.out.next_decision()
    }

    /// When [`Pacer::handle_timeout`] must next be called, if ever. It may
    /// be early (the pacer then finds nothing to do and says when next),
    /// never late.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.timers.peek().map(|t| to_duration(t.due))
    }

    /// Releases what is due at `now` (pending receipts whose time has come)
    /// and forgets idle chats.
    pub fn handle_timeout(&mut self, now: Duration) {
        let now = self.advance(now);
        while let Some(timer) = self.timers.peek() {
            if timer.due > now {
                break;
            }
            self.timers.pop();
            if !is_live(&self.slots, &timer) {
                continue;
            }
            let idle = self.with_chat(timer.slot, |chat, rules, out| {
                chat.scheduled = NEVER;
                chat.release(now, false, rules, out);
                chat.is_idle(now, rules)
            });
            if idle == Some(true) {
                self.forget(timer.slot);
            } else {
                self.schedule(timer.slot);
            }
        }
        self.ended
            .expire(now, self.rules.ended_retention, self.rules.max_ended);
        self.prune_timers();
    }

    /// Reports how the sending of a [`Transmit`] went.
    /// [`Outcome::ChatEnded`] ends the chat ([`Pacer::end_chat`]);
    /// [`Outcome::Failed`] makes a failed receipt count as not sent.
    pub fn handle_outcome(&mut self, now: Duration, transmit: &Transmit<K>, outcome: Outcome) {
        match outcome {
            Outcome::ChatEnded => self.end_chat(now, &transmit.chat),
            Outcome::Failed => {
                self.advance(now);
                if let Some(&slot) = self.index.get(&transmit.chat) {
                    if let Some(chat) = self.slots[slot].chat.as_mut() {
                        chat.forget_failed(&transmit.event);
                    }
                }
            }
            Outcome::Sent => {
                self.advance(now);
            }
        }
    }

    /// Ends a chat: its pending and released-but-not-taken events are dropped
    /// ([`DropReason::Ended`], at `now`), its state is freed, and later offers
    /// for its key are dropped too, for as long as the pacer remembers the
    /// end: [`PacerConfig::idle_after`] (at least the longest window), and
    /// among the
    /// [`PacerConfig::max_ended_chats`] most recent ends. After that, an
    /// offer starts the chat afresh (and the service's 403 ends it again).
    pub fn end_chat(&mut self, now: Duration, chat: &K) {
        let now = self.advance(now);
        if let Some(slot) = self.index.remove(chat) {
            if let Some(state) = self.free_slot(slot) {
                self.pending = self.pending.saturating_sub(state.pending_receipts());
                state.end(now, &mut self.out);
            }
        }
        self.out.end(chat, now);
        self.ended.insert(fingerprint(chat), now);
        self.ended
            .expire(now, self.rules.ended_retention, self.rules.max_ended);
        self.prune_timers();
    }

    /// Marks what a resumed session's transcript shows: messages already
    /// read and already delivered get no further receipt of that kind (nor a
    /// delivered one once read). Ids are remembered in the order given, the
    /// read ones first, within [`PacerConfig::max_message_ids`]. Pending
    /// receipts the transcript shows as sent are dropped. Ignored for an
    /// ended chat.
    ///
    /// ```
    /// use std::time::Duration;
    /// use connect_participant::pacing::{Action, DropReason, PacedEvent, Pacer, PacerConfig};
    ///
    /// let mut pacer = Pacer::new(PacerConfig::default());
    /// pacer.seed_receipts(Duration::ZERO, "chat", ["m-1"], ["m-1", "m-2"]);
    /// pacer.offer(Duration::ZERO, "chat", PacedEvent::read("m-1"));
    /// assert_eq!(pacer.poll_decision().unwrap().action, Action::Drop(DropReason::Duplicate));
    /// ```
    pub fn seed_receipts<R, D>(&mut self, now: Duration, chat: K, read: R, delivered: D)
    where
        R: IntoIterator,
        R::Item: AsRef<str>,
        D: IntoIterator,
        D::Item: AsRef<str>,
    {
        let now = self.advance(now);
        let mut spare = Some(chat);
        let Some(slot) = self.chat_for(now, &mut spare) else {
            return;
        };
        self.with_chat(slot, |chat, rules, out| {
            chat.touch(now);
            chat.release(now, false, rules, out);
            chat.seed(now, read, delivered, rules, out);
        });
        self.schedule(slot);
    }

    /// Releases every pending receipt now, whatever its time (on shutdown):
    /// a pending read receipt is never lost. The windows restart at `now`.
    pub fn flush(&mut self, now: Duration) {
        let now = self.advance(now);
        let Pacer {
            slots, rules, out, ..
        } = self;
        for chat in slots.iter_mut().filter_map(|s| s.chat.as_mut()) {
            chat.release(now, true, rules, out);
        }
        self.pending = 0;
        // Timers of flushed chats now fire early and reschedule: no change.
    }

    /// Receipts waiting for their time, in all chats. With none, every
    /// offered event has been released or dropped (the timers left only
    /// forget idle chats).
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Chats with state (active, or quiet for less than
    /// [`PacerConfig::idle_after`]).
    pub fn chats(&self) -> usize {
        self.index.len()
    }

    /// What the pacer holds; walks every chat.
    pub fn stats(&self) -> PacerStats {
        let mut stats = PacerStats {
            chats: self.index.len(),
            ended_chats: self.ended.len(),
            timers: self.timers.len(),
            ready: self.out.ready_len(),
            decisions: self.out.decisions_len(),
            ..PacerStats::default()
        };
        let mut chat_bytes = 0;
        for chat in self.slots.iter().filter_map(|s| s.chat.as_ref()) {
            stats.pending_receipts += chat.pending_receipts();
            stats.remembered_ids += chat.remembered_ids();
            stats.max_remembered_ids = stats.max_remembered_ids.max(chat.remembered_ids());
            chat_bytes += chat.heap_bytes();
        }
        // The key table (a control byte an entry), the shared keys (two
        // counters each), the chat table and free list, the rest.
        stats.approx_bytes = size_of::<Self>()
            + self.index.capacity() * (size_of::<(Arc<K>, usize)>() + 1)
            + self.index.len() * (2 * size_of::<usize>() + size_of::<K>())
            + self.slots.capacity() * size_of::<Slot<K>>()
            + self.free.capacity() * size_of::<usize>()
            + chat_bytes
            + self.timers.heap_bytes()
            + self.ended.heap_bytes()
            + self.out.heap_bytes();
        stats
    }

    /// Runs `f` on a chat, keeping the count of pending receipts.
    fn with_chat<T>(
        &mut self,
        slot: usize,
        f: impl FnOnce(&mut Chat<K>, &Rules, &mut Out<K>) -> T,
    ) -> Option<T> {
        let Pacer {
            slots,
            rules,
            out,
            pending,
            ..
        } = self;
        let chat = slots.get_mut(slot)?.chat.as_mut()?;
        let before = chat.pending_receipts();
        let result = f(chat, rules, out);
        *pending = (*pending + chat.pending_receipts()).saturating_sub(before);
        Some(result)
    }

    /// Moves the clock forward (never back).
    fn advance(&mut self, now: Duration) -> Nanos {
        self.now = self.now.max(to_nanos(now));
        self.now
    }

    /// The chat's slot, created if new; `None` if the chat has ended. Takes
    /// the key out of `spare` when it becomes the chat's shared key.
    fn chat_for(&mut self, now: Nanos, spare: &mut Option<K>) -> Option<usize> {
        let key = spare.take()?;
        if let Some(&slot) = self.index.get(&key) {
            *spare = Some(key);
            return Some(slot);
        }
        self.ended
            .expire(now, self.rules.ended_retention, self.rules.max_ended);
        if self.ended.contains(fingerprint(&key)) {
            *spare = Some(key);
            return None;
        }
        let key = Arc::new(key);
        let chat = Chat::new(Arc::clone(&key), now);
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot].chat = Some(chat);
                slot
            }
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    chat: Some(chat),
                });
                self.slots.len() - 1
            }
        };
        self.index.insert(key, slot);
        Some(slot)
    }

    /// Gives the chat a timer entry if its next deadline is earlier than the
    /// one it has.
    fn schedule(&mut self, slot: usize) {
        let Some(place) = self.slots.get_mut(slot) else {
            return;
        };
        let generation = place.generation;
        let Some(chat) = place.chat.as_mut() else {
            return;
        };
        let due = chat.next_deadline(&self.rules);
        if due == NEVER || (chat.scheduled != NEVER && chat.scheduled <= due) {
            return;
        }
        chat.scheduled = due;
        let timer = Timer {
            due,
            slot,
            generation,
        };
        let slots = &self.slots;
        self.timers
            .push(timer, self.index.len(), |t| is_live(slots, t));
    }

    /// Forgets an idle chat.
    fn forget(&mut self, slot: usize) {
        if let Some(chat) = self.free_slot(slot) {
            self.index.remove(&*chat.key);
        }
    }

    /// Empties a slot for reuse, returning its chat.
    fn free_slot(&mut self, slot: usize) -> Option<Chat<K>> {
        let place = self.slots.get_mut(slot)?;
        let chat = place.chat.take()?;
        place.generation = place.generation.wrapping_add(1);
        self.free.push(slot);
        Some(chat)
    }

    /// Drops stale entries from the top, so that `poll_timeout` names a
    /// live one.
    fn prune_timers(&mut self) {
        while let Some(timer) = self.timers.peek() {
            if is_live(&self.slots, &timer) {
                break;
            }
            self.timers.pop();
        }
    }
}

/// Whether a timer entry is its chat's live one.
fn is_live<K>(slots: &[Slot<K>], timer: &Timer) -> bool {
    slots.get(timer.slot).is_some_and(|s| {
        s.generation == timer.generation
            && s.chat.as_ref().is_some_and(|c| c.scheduled == timer.due)
    })
}

impl<K, S> fmt::Debug for Pacer<K, S> {
    /// Counts only: keys may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacer")
            .field("chats", &self.index.len())
            .field("ended_chats", &self.ended.len())
            .field("timers", &self.timers.len())
            .field("ready", &self.out.ready_len())
            .field("decisions", &self.out.decisions_len())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
