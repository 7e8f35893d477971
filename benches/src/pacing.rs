//! Chat traffic for the pacer's benchmark (`benches/pacing.rs`) and memory
//! report (`examples/pacing_memory.rs`), and the sender's loop that plays it.
//!
//! Typical traffic, per chat: the customer types in bursts (a keystroke every
//! 100-400 ms, a pause of 2-20 s one time in ten), the agent's messages
//! arrive (a delivered receipt each), the customer reads them (a read
//! receipt), and the UI re-renders now and then (a delivered or read receipt
//! offered again for one of the last few messages). Of the events: about 75%
//! typing, 10% delivered, 10% read, 5% repeats. Deterministic: a xorshift
//! generator seeded by the chat's number.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::Duration;

use connect_participant_core::pacing::{Outcome, PacedEvent, Pacer};

/// One chat's traffic generator.
#[derive(Debug, Clone)]
struct ChatTraffic {
    rng: u64,
    left: u32,
    messages: u32,
    unread: Option<u32>,
}

impl ChatTraffic {
    fn new(chat: u32, events: u32) -> Self {
        ChatTraffic {
            rng: 0x9e37_79b9_7f4a_7c15 ^ (u64::from(chat) + 1).wrapping_mul(0x2545_f491_4f6c_dd1d),
            left: events,
            messages: 0,
            unread: None,
        }
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// The next event and the milliseconds until the one after.
    fn next_event(&mut self, chat: u32) -> (PacedEvent, u64) {
        let roll = self.below(100);
        let event = if roll < 75 {
            PacedEvent::Typing
        } else if roll < 85 {
            self.messages += 1;
            self.unread = Some(self.messages);
            PacedEvent::delivered(message_id(chat, self.messages))
        } else if roll < 95 {
            match self.unread.take() {
                Some(m) => PacedEvent::read(message_id(chat, m)),
                None => PacedEvent::Typing,
            }
        } else if self.messages > 0 {
            let back = u32::try_from(self.below(3)).unwrap_or(0);
            let m = self.messages.saturating_sub(back).max(1);
            if self.below(2) == 0 {
                PacedEvent::delivered(message_id(chat, m))
            } else {
                PacedEvent::read(message_id(chat, m))
            }
        } else {
            PacedEvent::Typing
        };
        let gap = if self.below(10) == 0 {
            2_000 + self.below(18_000)
        } else {
            100 + self.below(300)
        };
        (event, gap)
    }
}

/// A message id shaped like the service's (36 characters).
pub fn message_id(chat: u32, message: u32) -> String {
    format!("{chat:08x}-0000-4000-8000-{message:012x}")
}

/// The traffic of many chats, merged in time order. Chat `i` starts at
/// `i * stagger_ms` and offers `events_per_chat` events.
#[derive(Debug)]
pub struct Traffic {
    chats: Vec<ChatTraffic>,
    next: BinaryHeap<Reverse<(u64, u32)>>,
}

impl Traffic {
    /// `chats` chats of `events_per_chat` events, starting `stagger_ms` apart.
    pub fn new(chats: u32, events_per_chat: u32, stagger_ms: u64) -> Self {
        Traffic {
            chats: (0..chats)
                .map(|c| ChatTraffic::new(c, events_per_chat))
                .collect(),
            next: (0..chats)
                .map(|c| Reverse((u64::from(c) * stagger_ms, c)))
                .collect(),
        }
    }
}

impl Iterator for Traffic {
    /// (time since the start, chat number, event)
    type Item = (Duration, u32, PacedEvent);

    fn next(&mut self) -> Option<Self::Item> {
        let Reverse((at, chat)) = self.next.pop()?;
        let gen = &mut self.chats[chat as usize];
        let (event, gap) = gen.next_event(chat);
        gen.left -= 1;
        if gen.left > 0 {
            self.next.push(Reverse((at + gap, chat)));
        }
        Some((Duration::from_millis(at), chat, event))
    }
}

/// What a played script came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Played {
    /// Events offered.
    pub offers: u64,
    /// Events handed out for sending.
    pub sent: u64,
    /// Decisions read (one an offer once everything is released).
    pub decisions: u64,
}

/// Plays events through a pacer as a sender would: before each event the
/// timers due run at their own time; after each call every transmit is taken
/// (and answered "sent") and every decision read.
pub fn play<K, I>(pacer: &mut Pacer<K>, events: I) -> Played
where
    K: Eq + std::hash::Hash + Clone,
    I: IntoIterator<Item = (Duration, K, PacedEvent)>,
{
    let mut played = Played::default();
    let mut last = Duration::ZERO;
    for (at, chat, event) in events {
        run_timers(pacer, at, &mut played);
        pacer.offer(at, chat, event);
        played.offers += 1;
        drain(pacer, at, &mut played);
        last = at;
    }
    pacer.flush(last);
    drain(pacer, last, &mut played);
    played
}

/// Runs the timers due by `now`, each at its own time.
pub fn run_timers<K: Eq + std::hash::Hash + Clone>(
    pacer: &mut Pacer<K>,
    now: Duration,
    played: &mut Played,
) {
    while let Some(due) = pacer.poll_timeout().filter(|&d| d <= now) {
        pacer.handle_timeout(due);
        drain(pacer, due, played);
    }
}

/// Takes every transmit (answering it "sent") and every decision.
pub fn drain<K: Eq + std::hash::Hash + Clone>(
    pacer: &mut Pacer<K>,
    now: Duration,
    played: &mut Played,
) {
    while let Some(transmit) = pacer.poll_transmit(now) {
        black_box(&transmit);
        pacer.handle_outcome(now, &transmit, Outcome::Sent);
        played.sent += 1;
    }
    while let Some(decision) = pacer.poll_decision() {
        black_box(decision);
        played.decisions += 1;
    }
}
