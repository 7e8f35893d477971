//! Pacing: which typing events and receipts to send, and when, per chat.
//!
//! A chat UI fires "typing" on every keystroke and a receipt for every
//! message it shows. [`Pacer`] forwards them as Amazon's own chat clients do
//! (docs/spec.md#pacing), per chat, and decides every event it is offered:
//! sent (handed out by [`Pacer::poll_transmit`]) or dropped with a
//! [`DropReason`], exactly once, with the time ([`Decision`]).
//!
//! Like the call, it is Sans-IO and deterministic: time comes in as an
//! argument (a [`Duration`](std::time::Duration) since an epoch of the
//! caller's choice, monotonic), nothing sleeps, reads a clock or draws a
//! random number. The sender owns the timer: it asks [`Pacer::poll_timeout`]
//! when to call [`Pacer::handle_timeout`] (the quinn-proto shape).
//!
//! # The rules
//!
//! - **Typing**: leading edge, one a typing window (10 s) a chat. The first
//!   typing event after a quiet window goes out at once; the others within
//!   the window of the last one sent are dropped ([`DropReason::Throttled`]).
//! - **Receipts**, per message id:
//!   - never two of the same kind for one message
//!     ([`DropReason::Duplicate`]);
//!   - no delivered receipt once the message is read (sent, pending, or
//!     shown by the transcript): it is [`DropReason::Superseded`] by the read
//!     one;
//!   - a delivered receipt is held (300 ms) so that a read receipt for the
//!     same message, if it comes, replaces it (the delivered one is then
//!     superseded);
//!   - coalesced in a receipt window (5 s): each kind has its own window a
//!     chat, opened by a receipt of that kind being sent; within it at most
//!     one delivered and one read receipt are sent, the newest pending of
//!     each, at the window's end; older pending ones are superseded. The
//!     newest pending read receipt is never lost: it goes out at the end of
//!     the window, or at once on [`Pacer::flush`];
//!   - state restored: [`Pacer::seed_receipts`] marks what a resumed
//!     session's transcript shows as already sent.
//! - **Ends**: after [`Pacer::end_chat`], or an [`Outcome::ChatEnded`] from
//!   the service, the chat's pending events are dropped
//!   ([`DropReason::Ended`]), its state is freed and later offers for it
//!   are dropped.
//! - **Chats are independent**: one chat's events never delay, drop or
//!   silence another's (chatjs shares one typing window across the chats of
//!   a region). The one shared, bounded memory is that of ended chats: with
//!   more than [`PacerConfig::max_ended_chats`] ends within
//!   [`PacerConfig::idle_after`], the oldest ends are forgotten.
//!
//! # Choices
//!
//! - **The first receipt after a quiet window**: a read receipt goes out at
//!   once (chatjs always waits for the window's end); a delivered receipt
//!   waits only its hold (300 ms), not a whole window. A receipt that finds
//!   its window open waits for the window's end (a delivered one also for
//!   its hold).
//! - **Windows per kind**: a read receipt sent does not delay a delivered
//!   one, nor the reverse. Each kind is limited to one call a window a chat
//!   (two receipt calls a window in all, as in the clients).
//! - **A stream of delivered receipts** does not starve: while newer ones
//!   replace a pending delivered receipt, it goes out at the latest one
//!   receipt window (or one hold, if longer) after the first of them came.
//! - **Superseded receipts count as handled**: under the clients' assumption
//!   that receipts follow the order of the messages, a read receipt covers
//!   the older one it replaced, so offering that older one again is a
//!   duplicate (it would otherwise replace the newer one).
//! - **A failed send** ([`Outcome::Failed`], after the transport's own
//!   retries): the receipt no longer counts as sent, so offering it again
//!   can send it; the pacer itself never resends. A failed typing event
//!   keeps its window.
//! - **Bounded memory**: a chat remembers the newest
//!   [`PacerConfig::max_message_ids`] message ids (64), as 126-bit
//!   fingerprints in 16 bytes each; older ones may be receipted again. A
//!   chat with nothing pending, quiet for [`PacerConfig::idle_after`] (1 h)
//!   and with every window closed, is forgotten. Timers are a heap with lazy
//!   invalidation: no work is proportional to the number of chats except
//!   [`Pacer::flush`] and [`Pacer::stats`].
//! - **Keys are secret**: the key may be the connection token. The pacer's
//!   `Debug` shows counts only, a [`Transmit`]'s `Debug` hides its key,
//!   [`Decision`]s hold no key, and ended keys are kept as fingerprints.
//!
//! # The sender's loop
//!
//! ```
//! use std::time::Duration;
//! use connect_participant::pacing::{Outcome, PacedEvent, Pacer, PacerConfig, Transmit};
//!
//! // Stand-in for the SendEvent call.
//! fn send(_transmit: &Transmit<&str>) -> Outcome {
//!     Outcome::Sent
//! }
//!
//! // Sends what is ready and reads the decisions (for logs and metrics).
//! fn drain(pacer: &mut Pacer<&'static str>, now: Duration, log: &mut Vec<String>) {
//!     while let Some(transmit) = pacer.poll_transmit(now) {
//!         let id = transmit.event.message_id().unwrap_or("");
//!         log.push(format!("{} ms {} {id}", now.as_millis(), transmit.event.name()));
//!         let outcome = send(&transmit);
//!         pacer.handle_outcome(now, &transmit, outcome);
//!     }
//!     while let Some(_decision) = pacer.poll_decision() {}
//! }
//!
//! let mut pacer = Pacer::new(PacerConfig::default());
//! let mut log = Vec::new();
//! let script = [
//!     (0, PacedEvent::Typing),             // sent at once
//!     (2_000, PacedEvent::Typing),         // throttled
//!     (3_000, PacedEvent::delivered("m-1")),
//!     (3_100, PacedEvent::read("m-1")),    // supersedes the held delivered one
//!     (4_000, PacedEvent::delivered("m-2")),
//!     (5_000, PacedEvent::read("m-2")),    // the read window is open until 8.1 s
//!     (6_000, PacedEvent::read("m-3")),    // supersedes m-2's, sent when it closes
//! ];
//! for (at, event) in script {
//!     let at = Duration::from_millis(at);
//!     // Run the timers due before the event, then offer it.
//!     while let Some(t) = pacer.poll_timeout().filter(|&t| t <= at) {
//!         pacer.handle_timeout(t);
//!         drain(&mut pacer, t, &mut log);
//!     }
//!     pacer.offer(at, "chat-1", event);
//!     drain(&mut pacer, at, &mut log);
//! }
//! // Let time run until nothing is pending (or call `flush` to stop now).
//! while pacer.pending() > 0 {
//!     let Some(t) = pacer.poll_timeout() else { break };
//!     pacer.handle_timeout(t);
//!     drain(&mut pacer, t, &mut log);
//! }
//! assert_eq!(log, [
//!     "0 ms typing ",
//!     "3100 ms read m-1",
//!     "4300 ms delivered m-2",
//!     "8100 ms read m-3",
//! ]);
//! ```

mod chat;
mod config;
mod decision;
mod ended;
mod event;
mod fingerprint;
mod marks;
mod out;
mod pacer;
mod queue;
mod report;
mod stats;
mod time;
mod timers;
mod transmit;

#[cfg(test)]
mod tests;

pub use config::{
    PacerConfig, DEFAULT_DELIVERED_HOLD, DEFAULT_IDLE_AFTER, DEFAULT_MAX_ENDED_CHATS,
    DEFAULT_MAX_MESSAGE_IDS, DEFAULT_RECEIPT_WINDOW, DEFAULT_TYPING_WINDOW,
};
pub use decision::{Action, Decision, DropReason, OfferId};
pub use event::PacedEvent;
pub use pacer::{DefaultKeyHasher, Pacer};
pub use queue::PacedQueue;
pub use report::{outcome_of, send_event, Fate, Report};
pub use stats::PacerStats;
pub use transmit::{Outcome, Transmit};
