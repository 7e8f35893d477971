//! The pacer's settings.

use std::time::Duration;

use super::time::{to_nanos, Nanos};

/// Default [`PacerConfig::typing_window`]: 10 s, as Amazon's chat clients.
pub const DEFAULT_TYPING_WINDOW: Duration = Duration::from_secs(10);
/// Default [`PacerConfig::receipt_window`]: 5 s, as Amazon's chat clients.
pub const DEFAULT_RECEIPT_WINDOW: Duration = Duration::from_secs(5);
/// Default [`PacerConfig::delivered_hold`]: 300 ms, as the browser client.
pub const DEFAULT_DELIVERED_HOLD: Duration = Duration::from_millis(300);
/// Default [`PacerConfig::max_message_ids`]: 64 message ids remembered a chat.
pub const DEFAULT_MAX_MESSAGE_IDS: usize = 64;
/// Default [`PacerConfig::idle_after`]: a chat quiet for an hour is forgotten.
pub const DEFAULT_IDLE_AFTER: Duration = Duration::from_secs(3600);
/// Default [`PacerConfig::max_ended_chats`]: 100,000 ended chats remembered.
pub const DEFAULT_MAX_ENDED_CHATS: usize = 100_000;

/// How a [`Pacer`](super::Pacer) paces: windows, hold, and memory bounds.
///
/// Setters take and return the value (`with_*`); getters have the plain name.
///
/// ```
/// use std::time::Duration;
/// use connect_participant::pacing::PacerConfig;
///
/// let config = PacerConfig::default()
///     .with_typing_window(Duration::from_secs(5))
///     .with_max_message_ids(16);
/// assert_eq!(config.typing_window(), Duration::from_secs(5));
/// assert_eq!(config.receipt_window(), Duration::from_secs(5));
/// assert_eq!(config.delivered_hold(), Duration::from_millis(300));
/// assert_eq!(config.max_message_ids(), 16);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacerConfig {
    typing_window: Duration,
    receipt_window: Duration,
    delivered_hold: Duration,
    max_message_ids: usize,
    idle_after: Duration,
    max_ended_chats: usize,
    decisions: bool,
}

impl Default for PacerConfig {
    fn default() -> Self {
        PacerConfig {
            typing_window: DEFAULT_TYPING_WINDOW,
            receipt_window: DEFAULT_RECEIPT_WINDOW,
            delivered_hold: DEFAULT_DELIVERED_HOLD,
            max_message_ids: DEFAULT_MAX_MESSAGE_IDS,
            idle_after: DEFAULT_IDLE_AFTER,
            max_ended_chats: DEFAULT_MAX_ENDED_CHATS,
            decisions: true,
        }
    }
}

impl PacerConfig {
    /// The default settings (the same as [`PacerConfig::default`]).
    pub fn new() -> Self {
        PacerConfig::default()
    }

    /// At most one typing event is sent a chat within this window (leading
    /// edge: the first one goes out at once). Zero sends every one.
    pub fn with_typing_window(mut self, window: Duration) -> Self {
        self.typing_window = window;
        self
    }

    /// At most one delivered and one read receipt are sent a chat within this
    /// window; the newest pending one of each kind goes out at its end.
    pub fn with_receipt_window(mut self, window: Duration) -> Self {
        self.receipt_window = window;
        self
    }

    /// How long a delivered receipt waits for a read receipt of the same
    /// message to replace it. Zero sends it at once in a quiet window.
    pub fn with_delivered_hold(mut self, hold: Duration) -> Self {
        self.delivered_hold = hold;
        self
    }

    /// Message ids remembered a chat (the newest ones) to refuse a second
    /// receipt of the same kind. With 0 only pending receipts are compared.
    pub fn with_max_message_ids(mut self, max: usize) -> Self {
        self.max_message_ids = max;
        self
    }

    /// A chat with nothing pending and no event offered for this long is
    /// forgotten (never before its windows have closed). Also how long an
    /// ended chat's key is remembered (at least the longest window).
    pub fn with_idle_after(mut self, idle: Duration) -> Self {
        self.idle_after = idle;
        self
    }

    /// Ended chats remembered at most (the most recently ended ones), so that
    /// late events for them are dropped. This memory is the only state
    /// shared between chats.
    pub fn with_max_ended_chats(mut self, max: usize) -> Self {
        self.max_ended_chats = max;
        self
    }

    /// Whether [`Pacer::poll_decision`](super::Pacer::poll_decision) reports
    /// decisions (default yes). A caller that never drains them should turn
    /// them off: they queue up, one an offer, until polled.
    pub fn with_decisions(mut self, on: bool) -> Self {
        self.decisions = on;
        self
    }

    /// The typing window.
    pub fn typing_window(&self) -> Duration {
        self.typing_window
    }

    /// The receipt window.
    pub fn receipt_window(&self) -> Duration {
        self.receipt_window
    }

    /// The hold of a delivered receipt.
    pub fn delivered_hold(&self) -> Duration {
        self.delivered_hold
    }

    /// Message ids remembered a chat.
    pub fn max_message_ids(&self) -> usize {
        self.max_message_ids
    }

    /// Quiet time after which a chat is forgotten.
    pub fn idle_after(&self) -> Duration {
        self.idle_after
    }

    /// Ended chats remembered at most.
    pub fn max_ended_chats(&self) -> usize {
        self.max_ended_chats
    }

    /// Whether decisions are reported.
    pub fn decisions(&self) -> bool {
        self.decisions
    }

    /// The settings in the pacer's own units.
    pub(super) fn rules(&self) -> Rules {
        let receipt = to_nanos(self.receipt_window);
        let hold = to_nanos(self.delivered_hold);
        Rules {
            typing: to_nanos(self.typing_window),
            receipt,
            hold,
            hold_cap: receipt.max(hold),
            idle: to_nanos(self.idle_after),
            ended_retention: to_nanos(self.idle_after)
                .max(to_nanos(self.typing_window))
                .max(receipt.max(hold)),
            max_ids: self.max_message_ids,
            max_ended: self.max_ended_chats,
        }
    }
}

/// [`PacerConfig`] in nanoseconds, computed once.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rules {
    pub(super) typing: Nanos,
    pub(super) receipt: Nanos,
    pub(super) hold: Nanos,
    /// Longest a delivered receipt stays pending while newer ones replace it,
    /// counted from the first of them (so a steady stream cannot starve it).
    pub(super) hold_cap: Nanos,
    pub(super) idle: Nanos,
    /// How long an ended chat is remembered: `idle`, but at least the longest
    /// window, so that a key coming back cannot skip a window.
    pub(super) ended_retention: Nanos,
    pub(super) max_ids: usize,
    pub(super) max_ended: usize,
}
