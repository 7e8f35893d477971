//! What became of each offered event.

use std::fmt;
use std::time::Duration;

/// Names one offered event, from [`Pacer::offer`](super::Pacer::offer).
/// Ids grow by one an offer, from 0, for the life of a pacer.
///
/// ```
/// use std::time::Duration;
/// use connect_participant::pacing::{PacedEvent, Pacer, PacerConfig};
///
/// let mut pacer = Pacer::new(PacerConfig::default());
/// let first = pacer.offer(Duration::ZERO, "chat", PacedEvent::Typing);
/// let second = pacer.offer(Duration::ZERO, "chat", PacedEvent::Typing);
/// assert_eq!((first.get(), second.get()), (0, 1));
/// assert!(first < second);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OfferId(pub(super) u64);

impl OfferId {
    /// The id as a number.
    pub fn get(self) -> u64 {
        self.0
    }
}

/// Why an offered event will not be sent.
///
/// ```
/// use connect_participant::pacing::DropReason;
///
/// assert_eq!(DropReason::Superseded.to_string(), "superseded");
/// assert_eq!(DropReason::Throttled.as_str(), "throttled");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DropReason {
    /// The same receipt (kind and message) was already sent or is pending.
    Duplicate,
    /// A newer receipt replaces it: a newer one of the same kind within the
    /// receipt window, or a read receipt for the same message (sent, pending
    /// or shown by the transcript) in place of a delivered one.
    Superseded,
    /// A typing event within the typing window of the last one sent.
    Throttled,
    /// The chat has ended.
    Ended,
}

impl DropReason {
    /// `"duplicate"`, `"superseded"`, `"throttled"` or `"ended"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Duplicate => "duplicate",
            DropReason::Superseded => "superseded",
            DropReason::Throttled => "throttled",
            DropReason::Ended => "ended",
        }
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fate of an offered event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// Handed to the sender by [`Pacer::poll_transmit`](super::Pacer::poll_transmit).
    Send,
    /// Never sent.
    Drop(DropReason),
}

/// One offered event's decision, with the time it was taken. Every offer
/// gets exactly one, from [`Pacer::poll_decision`](super::Pacer::poll_decision).
///
/// A decision holds no chat key (the key may be a secret): match it to its
/// event by [`OfferId`].
///
/// ```
/// use std::time::Duration;
/// use connect_participant::pacing::{Action, DropReason, PacedEvent, Pacer, PacerConfig};
///
/// let mut pacer = Pacer::new(PacerConfig::default());
/// let now = Duration::from_secs(1);
/// let first = pacer.offer(now, "chat", PacedEvent::Typing);
/// let second = pacer.offer(now, "chat", PacedEvent::Typing);
/// let dropped = pacer.poll_decision().unwrap();
/// assert_eq!((dropped.offer, dropped.at), (second, now));
/// assert_eq!(dropped.action, Action::Drop(DropReason::Throttled));
/// // The first one is decided when the sender takes it.
/// let transmit = pacer.poll_transmit(now).unwrap();
/// assert_eq!(transmit.offer, first);
/// assert_eq!(pacer.poll_decision().unwrap().action, Action::Send);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Decision {
    /// The offer decided.
    pub offer: OfferId,
    /// When: the time passed to the call that took the decision.
    pub at: Duration,
    /// Sent or dropped, and why.
    pub action: Action,
}
