//! The public data of the simulated service: chats, roles, recorded events,
//! rate limits.

use std::fmt;
use std::time::Duration;

/// Identifies a chat of one [`MockService`](crate::MockService). Get one from
/// [`MockService::create_chat`](crate::MockService::create_chat) or
/// [`MockService::open_chat`](crate::MockService::open_chat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChatId(pub(crate) u64);

impl fmt::Display for ChatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "chat-{}", self.0)
    }
}

/// Who a participant is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// The customer.
    Customer,
    /// The agent handling the contact.
    Agent,
    /// A supervisor; one who joins has barged in, and receipts get
    /// `ConflictException` while they stay.
    Supervisor,
}

/// A chat with a customer and an agent already joined, from
/// [`MockService::open_chat`](crate::MockService::open_chat).
///
/// Each participant has a participant token, as StartChatContact (the
/// customer) or the agent's side gives it, and a connection token issued
/// on joining, ready for SendEvent: `customer` and `agent` are the
/// connection tokens, as before CreateParticipantConnection was simulated.
/// A client that starts where a real one does exchanges the participant
/// token for a fresh connection token with
/// `POST .../participant/connection`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chat {
    /// The chat.
    pub id: ChatId,
    /// The customer's connection token (issued on joining; SendEvent's
    /// credential).
    pub customer: String,
    /// The agent's connection token (issued on joining; SendEvent's
    /// credential).
    pub agent: String,
    /// The customer's participant token (CreateParticipantConnection's
    /// credential).
    pub customer_participant_token: String,
    /// The agent's participant token (CreateParticipantConnection's
    /// credential).
    pub agent_participant_token: String,
}

/// The tokens of a participant who joined a chat, from
/// [`MockService::join`](crate::MockService::join).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Joined {
    /// The participant token: the credential of
    /// `POST .../participant/connection` (CreateParticipantConnection),
    /// valid as long as the participant stays and the chat goes on.
    pub participant_token: String,
    /// A connection token issued on joining, as if the participant had
    /// already called CreateParticipantConnection: SendEvent's credential.
    /// It expires like any other (see
    /// [`MockService::set_connection_token_lifetime`](crate::MockService::set_connection_token_lifetime)).
    pub connection_token: String,
}

/// An event the service accepted, as kept in its chat's transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedEvent {
    /// The event's `Id` (a UUID), as answered.
    pub id: String,
    /// The event's `AbsoluteTime` (e.g. `2019-11-08T02:41:28.172Z`), as answered.
    pub absolute_time: String,
    /// The request's `ContentType`.
    pub content_type: String,
    /// The request's `Content`, if any.
    pub content: Option<String>,
    /// The request's `ClientToken`, if any.
    pub client_token: Option<String>,
    /// The role of the participant who sent it.
    pub participant: Role,
    /// The id of the participant who sent it (a UUID, one per participant).
    pub participant_id: String,
}

/// A per-connection-token rate limit: at most `requests` requests in any
/// window of length `per` (a sliding window). Requests over it get
/// `429 ThrottlingException`; throttled requests do not use up the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window's length.
    pub per: Duration,
}

impl RateLimit {
    /// At most `requests` requests per `per`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use connect_participant::mock::RateLimit;
    ///
    /// let limit = RateLimit::new(5, Duration::from_secs(1));
    /// assert_eq!((limit.requests, limit.per), (5, Duration::from_secs(1)));
    /// ```
    pub fn new(requests: u32, per: Duration) -> Self {
        RateLimit { requests, per }
    }
}

/// A per-connection-token token bucket, the way the real service throttles
/// a participant: each token holds up to `burst` request credits, regains
/// one every `refill`; a request without a credit gets
/// `429 ThrottlingException` (and uses none). An unpaced typing storm runs
/// the bucket dry; a paced sender stays within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenBucket {
    /// Credits a full bucket holds (the largest burst).
    pub burst: u32,
    /// Time to regain one credit.
    pub refill: Duration,
}

impl TokenBucket {
    /// A bucket of `burst` credits, one regained every `refill`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use connect_participant::mock::TokenBucket;
    ///
    /// let bucket = TokenBucket::new(5, Duration::from_millis(500)); // 2 a second, bursts of 5
    /// assert_eq!(bucket.burst, 5);
    /// ```
    pub fn new(burst: u32, refill: Duration) -> Self {
        TokenBucket { burst, refill }
    }
}
