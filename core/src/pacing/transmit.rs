//! An event to send now, and how its sending went.

use std::fmt;

use super::decision::OfferId;
use super::event::PacedEvent;

/// An event the pacer hands to the sender, from
/// [`Pacer::poll_transmit`](super::Pacer::poll_transmit): send `event` for
/// `chat` now, then report the outcome with
/// [`Pacer::handle_outcome`](super::Pacer::handle_outcome).
///
/// Its `Debug` never shows the chat key (it may be the connection token).
///
/// ```
/// use std::time::Duration;
/// use connect_participant::pacing::{PacedEvent, Pacer, PacerConfig};
///
/// let mut pacer = Pacer::new(PacerConfig::default());
/// pacer.offer(Duration::ZERO, "secret-token", PacedEvent::read("m-1"));
/// let transmit = pacer.poll_transmit(Duration::ZERO).unwrap();
/// assert_eq!(transmit.chat, "secret-token");
/// assert_eq!(transmit.event, PacedEvent::read("m-1"));
/// assert!(!format!("{transmit:?}").contains("secret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transmit<K> {
    /// The chat, as the caller keyed it.
    pub chat: K,
    /// What to send.
    pub event: PacedEvent,
    /// The offer it came from.
    pub offer: OfferId,
}

impl<K> fmt::Debug for Transmit<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transmit")
            .field("chat", &format_args!("<redacted>"))
            .field("event", &self.event)
            .field("offer", &self.offer)
            .finish()
    }
}

/// How the sending of a [`Transmit`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The service accepted the event.
    Sent,
    /// The service said the chat has ended (403 on an ended chat): the chat
    /// ends as by [`Pacer::end_chat`](super::Pacer::end_chat).
    ChatEnded,
    /// The call failed for good (after the transport's retries). A receipt
    /// is no longer counted as sent, so offering it again can send it; the
    /// typing window stays as it was.
    Failed,
}
