//! What a paced sender tells its caller about each offered event, and the
//! glue between a [`Transmit`] and the SendEvent call that carries it: the
//! parts every sender (blocking, async, or your own) shares.

use crate::pacing::{DropReason, OfferId, Outcome, PacedEvent, Transmit};
use crate::{ConnectionToken, Error, SendEvent, SendEventOutput, ServiceErrorKind};

/// The fate of one offered event, as a paced sender reports it: sent (with
/// the call's result) or dropped (with the pacer's reason). Every offer gets
/// exactly one report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// The offer, as `offer` returned it.
    pub offer: OfferId,
    /// The event offered.
    pub event: PacedEvent,
    /// What became of it.
    pub fate: Fate,
}

impl Report {
    /// A report of `offer`, an `event` that met `fate`.
    pub fn new(offer: OfferId, event: PacedEvent, fate: Fate) -> Self {
        Report { offer, event, fate }
    }
}

/// What became of an offered event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fate {
    /// Sent: the call's output, or its error (after the client's retries).
    Sent(Result<SendEventOutput, Error>),
    /// Never sent, and why.
    Dropped(DropReason),
}

/// The SendEvent call that carries a transmit of a chat keyed by its
/// connection token.
///
/// ```
/// use std::time::Duration;
/// use connect_participant::pacing::{self, PacedEvent, Pacer, PacerConfig};
/// use connect_participant::{ConnectionToken, ContentType};
///
/// let mut pacer = Pacer::new(PacerConfig::default());
/// let token = ConnectionToken::new("chat-token");
/// pacer.offer(Duration::ZERO, token, PacedEvent::read("m-1"));
/// let transmit = pacer.poll_transmit(Duration::ZERO).unwrap();
/// let event = pacing::send_event(&transmit);
/// assert_eq!(event.content_type(), &ContentType::MessageRead);
/// assert_eq!(event.content(), Some(r#"{"messageId":"m-1"}"#));
/// ```
pub fn send_event(transmit: &Transmit<ConnectionToken>) -> SendEvent {
    let token = transmit.chat.clone();
    match &transmit.event {
        PacedEvent::Typing => SendEvent::typing(token),
        PacedEvent::Delivered { message_id } => SendEvent::delivered_receipt(token, message_id),
        PacedEvent::Read { message_id } => SendEvent::read_receipt(token, message_id),
    }
}

/// What a call's result tells the pacer: accepted, the chat has ended (an
/// `AccessDeniedException`: the service's answer to a call on an ended chat,
/// or with a token it no longer honours), or failed.
///
/// ```
/// use connect_participant::pacing::{outcome_of, Outcome};
/// use connect_participant::SendEventOutput;
///
/// assert_eq!(outcome_of(&Ok(SendEventOutput::default())), Outcome::Sent);
/// ```
pub fn outcome_of(result: &Result<SendEventOutput, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Sent,
        Err(e) if e.service_error().map(|s| s.kind()) == Some(ServiceErrorKind::AccessDenied) => {
            Outcome::ChatEnded
        }
        Err(_) => Outcome::Failed,
    }
}
