//! What a pacer holds, for tests, metrics and memory budgets.

/// Counts of what a [`Pacer`](super::Pacer) holds, from
/// [`Pacer::stats`](super::Pacer::stats). Computing it walks every chat: it
/// is for tests and diagnostics, not for every event.
///
/// ```
/// use std::time::Duration;
/// use connect_participant::pacing::{PacedEvent, Pacer, PacerConfig};
///
/// let mut pacer = Pacer::new(PacerConfig::default());
/// pacer.offer(Duration::ZERO, "a", PacedEvent::delivered("m-1"));
/// let stats = pacer.stats();
/// assert_eq!((stats.chats, stats.pending_receipts, stats.remembered_ids), (1, 1, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PacerStats {
    /// Chats with state.
    pub chats: usize,
    /// Ended chats remembered (at most [`PacerConfig::max_ended_chats`](super::PacerConfig::max_ended_chats)).
    pub ended_chats: usize,
    /// Receipts waiting for their time (at most two a chat).
    pub pending_receipts: usize,
    /// Message ids remembered, all chats together.
    pub remembered_ids: usize,
    /// The most message ids one chat remembers (at most
    /// [`PacerConfig::max_message_ids`](super::PacerConfig::max_message_ids)).
    pub max_remembered_ids: usize,
    /// Timer entries, live and stale: at most about twice the most chats
    /// held at once (stale entries are purged when they outnumber live ones).
    pub timers: usize,
    /// Events released and not yet taken by `poll_transmit`.
    pub ready: usize,
    /// Decisions not yet taken by `poll_decision`.
    pub decisions: usize,
    /// Heap and inline bytes the pacer holds, estimated from its containers'
    /// capacities, not counting memory the keys themselves own (a `String`
    /// key's text).
    pub approx_bytes: usize,
}
