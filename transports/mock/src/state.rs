//! The service's state: chats, participants and their tokens, transcripts,
//! idempotency records, rate-limit windows and the fault queue.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime};

use crate::ids::IdSource;
use crate::wire::Rejection;
use crate::{absolute_time, ChatId, Fault, Joined, RateLimit, RecordedEvent, Role, TokenBucket};

/// How long a connection token lives unless set otherwise: a day, as the
/// real service's do (docs/spec.md#createparticipantconnection).
pub(crate) const DEFAULT_CONNECTION_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A participant, found by their id (a UUID).
#[derive(Debug, Clone)]
pub(crate) struct Participant {
    pub(crate) chat: ChatId,
    pub(crate) role: Role,
    pub(crate) id: String,
    pub(crate) active: bool,
    /// Marked by `ConnectParticipant: true`.
    pub(crate) connected: bool,
    /// `(AttendeeId, JoinToken)` of the chat's WebRTC meeting, made when
    /// first asked for.
    pub(crate) attendee: Option<(String, String)>,
}

/// A connection token the service issued.
#[derive(Debug, Clone)]
struct Issued {
    /// The participant's id.
    participant: String,
    /// When it stops working; `None` for a lifetime too long to count.
    expires: Option<Instant>,
}

#[derive(Debug, Default)]
struct ChatState {
    ended: bool,
    /// Ids of everyone who joined, in order.
    members: Vec<String>,
    transcript: Vec<RecordedEvent>,
    /// ClientToken -> index in `transcript`.
    by_client_token: HashMap<String, usize>,
    /// The chat's WebRTC meeting, made when first asked for.
    meeting_id: Option<String>,
}

/// A validated SendEvent input as the service read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventInput {
    pub(crate) content_type: String,
    pub(crate) content: Option<String>,
    pub(crate) client_token: Option<String>,
    pub(crate) is_receipt: bool,
}

/// Everything behind the service's mutex.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) ids: IdSource,
    next_chat: u64,
    chats: HashMap<ChatId, ChatState>,
    /// Participant id -> participant.
    participants: HashMap<String, Participant>,
    /// Participant token -> participant id.
    participant_tokens: HashMap<String, String>,
    /// Connection token -> what it was issued for.
    connection_tokens: HashMap<String, Issued>,
    connection_token_lifetime: Duration,
    rate_limit: Option<RateLimit>,
    windows: HashMap<String, VecDeque<Instant>>,
    bucket: Option<TokenBucket>,
    /// Per token: credits left (fractional) and when they were counted.
    buckets: HashMap<String, (f64, Instant)>,
    pub(crate) faults: VecDeque<Fault>,
    pub(crate) requests_received: usize,
    /// Waits between attempts asked of the in-memory transport.
    pub(crate) waits: Vec<std::time::Duration>,
}

impl State {
    pub(crate) fn new() -> Self {
        State {
            ids: IdSource::new(),
            next_chat: 1,
            chats: HashMap::new(),
            participants: HashMap::new(),
            participant_tokens: HashMap::new(),
            connection_tokens: HashMap::new(),
            connection_token_lifetime: DEFAULT_CONNECTION_TOKEN_LIFETIME,
            rate_limit: None,
            windows: HashMap::new(),
            bucket: None,
            buckets: HashMap::new(),
            faults: VecDeque::new(),
            requests_received: 0,
            waits: Vec::new(),
        }
    }

    pub(crate) fn create_chat(&mut self) -> ChatId {
        let id = ChatId(self.next_chat);
        self.next_chat += 1;
        self.chats.insert(id, ChatState::default());
        id
    }

    /// A token no other token of this service has been.
    fn fresh_token(&mut self) -> String {
        loop {
            let token = self.ids.token();
            if !self.participant_tokens.contains_key(&token)
                && !self.connection_tokens.contains_key(&token)
            {
                return token;
            }
        }
    }

    pub(crate) fn join(&mut self, chat: ChatId, role: Role, now: Instant) -> Joined {
        let id = self.ids.uuid();
        let participant_token = self.fresh_token();
        self.chats.entry(chat).or_default().members.push(id.clone());
        self.participant_tokens
            .insert(participant_token.clone(), id.clone());
        self.participants.insert(
            id.clone(),
            Participant {
                chat,
                role,
                id: id.clone(),
                active: true,
                connected: false,
                attendee: None,
            },
        );
        let connection_token = self.issue_connection_token(&id, now);
        Joined {
            participant_token,
            connection_token,
        }
    }

    /// A fresh connection token for the participant, living as long as the
    /// lifetime set now says.
    pub(crate) fn issue_connection_token(&mut self, participant: &str, now: Instant) -> String {
        let token = self.fresh_token();
        self.connection_tokens.insert(
            token.clone(),
            Issued {
                participant: participant.to_owned(),
                expires: now.checked_add(self.connection_token_lifetime),
            },
        );
        token
    }

    /// The `Expiry` text of a connection token issued at `now`.
    pub(crate) fn connection_token_expiry(&self, now: SystemTime) -> String {
        let expires = now
            .checked_add(self.connection_token_lifetime)
            .unwrap_or(now);
        absolute_time(expires)
    }

    pub(crate) fn set_connection_token_lifetime(&mut self, lifetime: Duration) {
        self.connection_token_lifetime = lifetime;
    }

    pub(crate) fn connection_token_lifetime(&self) -> Duration {
        self.connection_token_lifetime
    }

    /// The participant behind a participant or connection token (expired
    /// or not), if this service issued it.
    fn participant_of(&self, token: &str) -> Option<&Participant> {
        let id = match self.participant_tokens.get(token) {
            Some(id) => id,
            None => &self.connection_tokens.get(token)?.participant,
        };
        self.participants.get(id)
    }

    pub(crate) fn leave(&mut self, token: &str) {
        let id = self.participant_of(token).map(|p| p.id.clone());
        if let Some(p) = id.and_then(|id| self.participants.get_mut(&id)) {
            p.active = false;
        }
    }

    pub(crate) fn is_connected(&self, token: &str) -> bool {
        self.participant_of(token).is_some_and(|p| p.connected)
    }

    pub(crate) fn mark_connected(&mut self, participant: &str) {
        if let Some(p) = self.participants.get_mut(participant) {
            p.connected = true;
        }
    }

    pub(crate) fn end_chat(&mut self, chat: ChatId) {
        self.chats.entry(chat).or_default().ended = true;
    }

    pub(crate) fn is_ended(&self, chat: ChatId) -> bool {
        self.chats.get(&chat).is_some_and(|c| c.ended)
    }

    pub(crate) fn transcript(&self, chat: ChatId) -> Vec<RecordedEvent> {
        self.chats
            .get(&chat)
            .map(|c| c.transcript.clone())
            .unwrap_or_default()
    }

    pub(crate) fn active_participants(&self, chat: ChatId) -> Vec<Role> {
        self.chats
            .get(&chat)
            .map(|c| {
                c.members
                    .iter()
                    .filter_map(|t| self.participants.get(t))
                    .filter(|p| p.active)
                    .map(|p| p.role)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) fn set_rate_limit(&mut self, limit: Option<RateLimit>) {
        self.rate_limit = limit;
        self.windows.clear();
    }

    pub(crate) fn set_token_bucket(&mut self, bucket: Option<TokenBucket>) {
        self.bucket = bucket;
        self.buckets.clear();
    }

    /// The participant behind a connection token, if they may still send:
    /// 403 for a token never issued, one that has expired, a participant
    /// who left, or an ended chat.
    pub(crate) fn authenticate_connection(
        &self,
        token: &str,
        now: Instant,
    ) -> Result<Participant, Rejection> {
        let issued = self
            .connection_tokens
            .get(token)
            .ok_or_else(Rejection::access_denied)?;
        if issued.expires.is_some_and(|expires| now >= expires) {
            return Err(Rejection::access_denied());
        }
        self.still_in(&issued.participant)
    }

    /// The participant behind a participant token, if they may still
    /// connect: 403 for a token never issued, a participant who left, or an
    /// ended chat.
    pub(crate) fn authenticate_participant(&self, token: &str) -> Result<Participant, Rejection> {
        let id = self
            .participant_tokens
            .get(token)
            .ok_or_else(Rejection::access_denied)?;
        self.still_in(id)
    }

    fn still_in(&self, id: &str) -> Result<Participant, Rejection> {
        let participant = self
            .participants
            .get(id)
            .ok_or_else(Rejection::access_denied)?;
        if !participant.active || self.is_ended(participant.chat) {
            return Err(Rejection::access_denied());
        }
        Ok(participant.clone())
    }

    /// The chat's WebRTC meeting id, made when first asked for.
    pub(crate) fn meeting_id(&mut self, chat: ChatId) -> String {
        if let Some(id) = self.chats.get(&chat).and_then(|c| c.meeting_id.clone()) {
            return id;
        }
        let id = self.ids.uuid();
        self.chats.entry(chat).or_default().meeting_id = Some(id.clone());
        id
    }

    /// The participant's `(AttendeeId, JoinToken)`, made when first asked for.
    pub(crate) fn attendee(&mut self, participant: &str) -> (String, String) {
        if let Some(a) = self
            .participants
            .get(participant)
            .and_then(|p| p.attendee.clone())
        {
            return a;
        }
        let made = (self.ids.uuid(), self.ids.token());
        if let Some(p) = self.participants.get_mut(participant) {
            p.attendee = Some(made.clone());
        }
        made
    }

    /// Counts a request against the token's rate limit, or throttles it.
    pub(crate) fn check_rate(&mut self, token: &str, now: Instant) -> Result<(), Rejection> {
        if let Some(bucket) = self.bucket {
            let burst = f64::from(bucket.burst);
            let (credits, at) = self.buckets.entry(token.to_owned()).or_insert((burst, now));
            let regained = if bucket.refill.is_zero() {
                burst
            } else {
                now.saturating_duration_since(*at).as_secs_f64() / bucket.refill.as_secs_f64()
            };
            *credits = (*credits + regained).min(burst);
            *at = now;
            if *credits < 1.0 {
                return Err(Rejection::throttling());
            }
            *credits -= 1.0;
        }
        let Some(limit) = self.rate_limit else {
            return Ok(());
        };
        let window = self.windows.entry(token.to_owned()).or_default();
        while window
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= limit.per)
        {
            window.pop_front();
        }
        if window.len() >= usize::try_from(limit.requests).unwrap_or(usize::MAX) {
            return Err(Rejection::throttling());
        }
        window.push_back(now);
        Ok(())
    }

    /// Applies idempotency and the receipt rules, then records the event.
    /// Gives the event's `(Id, AbsoluteTime)`.
    pub(crate) fn submit(
        &mut self,
        sender: &Participant,
        input: EventInput,
        now: SystemTime,
    ) -> Result<(String, String), Rejection> {
        // An empty ClientToken identifies nothing: no idempotency for it.
        let key = input.client_token.clone().filter(|t| !t.is_empty());
        if let Some(key) = key.as_deref() {
            let chat = self.chats.get(&sender.chat);
            let earlier = chat.and_then(|c| {
                c.by_client_token
                    .get(key)
                    .and_then(|&i| c.transcript.get(i))
            });
            if let Some(earlier) = earlier {
                let same = earlier.content_type == input.content_type
                    && earlier.content == input.content
                    && earlier.participant_id == sender.id;
                return if same {
                    Ok((earlier.id.clone(), earlier.absolute_time.clone()))
                } else {
                    Err(Rejection::validation(
                        "The ClientToken was already used for a different request: \
                         the same ClientToken must be sent with the same parameters.",
                    ))
                };
            }
        }
        if input.is_receipt {
            let active = self.active_participants(sender.chat);
            if active.len() > 2 || active.contains(&Role::Supervisor) {
                return Err(Rejection::conflict());
            }
        }
        let event = RecordedEvent {
            id: self.ids.uuid(),
            absolute_time: absolute_time(now),
            content_type: input.content_type,
            content: input.content,
            client_token: input.client_token,
            participant: sender.role,
            participant_id: sender.id.clone(),
        };
        let answer = (event.id.clone(), event.absolute_time.clone());
        let chat = self.chats.entry(sender.chat).or_default();
        if let Some(key) = key {
            chat.by_client_token.insert(key, chat.transcript.len());
        }
        chat.transcript.push(event);
        Ok(answer)
    }
}
