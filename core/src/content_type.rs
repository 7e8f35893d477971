//! The `ContentType` of an event: typed for the kinds the service knows, open for the rest.

use std::fmt;

const TYPING: &str = "application/vnd.amazonaws.connect.event.typing";
const DELIVERED: &str = "application/vnd.amazonaws.connect.event.message.delivered";
const READ: &str = "application/vnd.amazonaws.connect.event.message.read";
const ACKNOWLEDGED: &str = "application/vnd.amazonaws.connect.event.connection.acknowledged";

/// The kind of event sent, as the `ContentType` member of the request body.
///
/// The wire field is an open string: a type the service adds later stays
/// sendable through [`ContentType::Other`]. Parsing a known string with
/// [`ContentType::from`] always gives the typed variant.
///
/// ```
/// use connect_participant::ContentType;
///
/// let ct = ContentType::from("application/vnd.amazonaws.connect.event.message.read");
/// assert_eq!(ct, ContentType::MessageRead);
/// assert!(ct.is_receipt());
/// assert_eq!(ContentType::Typing.as_str(), "application/vnd.amazonaws.connect.event.typing");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentType {
    /// `application/vnd.amazonaws.connect.event.typing`: the participant is typing.
    Typing,
    /// `application/vnd.amazonaws.connect.event.message.delivered`: a delivery
    /// receipt; its content names the message (`{"messageId": "..."}`).
    MessageDelivered,
    /// `application/vnd.amazonaws.connect.event.message.read`: a read receipt;
    /// its content names the message (`{"messageId": "..."}`).
    MessageRead,
    /// `application/vnd.amazonaws.connect.event.connection.acknowledged`.
    ///
    /// No longer maintained by the service since 2024-12-31. Acknowledge the
    /// connection with CreateParticipantConnection instead, in one line:
    /// `client.create_participant_connection(CreateParticipantConnection::new(participant_token).acknowledge())`
    /// (its `ConnectParticipant: true`), which also gives the connection token.
    #[deprecated(note = "no longer maintained since 2024-12-31: use \
                `CreateParticipantConnection::new(participant_token).acknowledge()` \
                (the `ConnectParticipant` field) instead")]
    ConnectionAcknowledged,
    /// Any other content type, sent as given (for types the service adds later).
    Other(String),
}

impl ContentType {
    /// The wire text of this content type.
    pub fn as_str(&self) -> &str {
        #[allow(deprecated)]
        match self {
            ContentType::Typing => TYPING,
            ContentType::MessageDelivered => DELIVERED,
            ContentType::MessageRead => READ,
            ContentType::ConnectionAcknowledged => ACKNOWLEDGED,
            ContentType::Other(s) => s,
        }
    }

    /// True for the delivered and read receipts, whose content must be
    /// `{"messageId": "..."}`.
    pub fn is_receipt(&self) -> bool {
        matches!(self.as_str(), DELIVERED | READ)
    }
}

impl From<&str> for ContentType {
    fn from(s: &str) -> Self {
        #[allow(deprecated)]
        match s {
            TYPING => ContentType::Typing,
            DELIVERED => ContentType::MessageDelivered,
            READ => ContentType::MessageRead,
            ACKNOWLEDGED => ContentType::ConnectionAcknowledged,
            other => ContentType::Other(other.to_owned()),
        }
    }
}

impl From<String> for ContentType {
    fn from(s: String) -> Self {
        match ContentType::from(s.as_str()) {
            ContentType::Other(_) => ContentType::Other(s),
            known => known,
        }
    }
}

impl fmt::Display for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentType({:?})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(deprecated)]
    fn known_strings_round_trip_to_typed_variants() {
        for ct in [
            ContentType::Typing,
            ContentType::MessageDelivered,
            ContentType::MessageRead,
            ContentType::ConnectionAcknowledged,
        ] {
            assert_eq!(ContentType::from(ct.as_str()), ct);
            assert_eq!(ContentType::from(ct.as_str().to_owned()), ct);
        }
        assert_eq!(
            ContentType::from("application/x-new"),
            ContentType::Other("application/x-new".into())
        );
        assert!(!ContentType::Typing.is_receipt());
        assert!(ContentType::Other(READ.into()).is_receipt());
    }
}
