//! The events a chat UI offers to the pacer.

/// An event a chat wants to send: typing, or a receipt for one message.
///
/// ```
/// use connect_participant::pacing::PacedEvent;
///
/// let read = PacedEvent::read("m-7");
/// assert_eq!(read.message_id(), Some("m-7"));
/// assert_eq!(read.name(), "read");
/// assert_eq!(PacedEvent::Typing.message_id(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PacedEvent {
    /// The participant is typing.
    Typing,
    /// A message was shown to the participant.
    Delivered {
        /// The message's id, as the transcript gives it.
        message_id: String,
    },
    /// The participant read a message.
    Read {
        /// The message's id, as the transcript gives it.
        message_id: String,
    },
}

impl PacedEvent {
    /// A delivered receipt for a message.
    pub fn delivered(message_id: impl Into<String>) -> Self {
        PacedEvent::Delivered {
            message_id: message_id.into(),
        }
    }

    /// A read receipt for a message.
    pub fn read(message_id: impl Into<String>) -> Self {
        PacedEvent::Read {
            message_id: message_id.into(),
        }
    }

    /// The message a receipt is for; `None` for typing.
    pub fn message_id(&self) -> Option<&str> {
        match self {
            PacedEvent::Typing => None,
            PacedEvent::Delivered { message_id } | PacedEvent::Read { message_id } => {
                Some(message_id)
            }
        }
    }

    /// `"typing"`, `"delivered"` or `"read"`.
    pub fn name(&self) -> &'static str {
        match self {
            PacedEvent::Typing => "typing",
            PacedEvent::Delivered { .. } => "delivered",
            PacedEvent::Read { .. } => "read",
        }
    }
}
