//! The service's state: chats, participants, transcripts, idempotency
//! records, rate-limit windows and the fault queue.

use std::collections::{HashMap, VecDeque};
use std::time::{Instant, SystemTime};

use crate::ids::IdSource;
use crate::wire::Rejection;
use crate::{absolute_time, ChatId, Fault, RateLimit, RecordedEvent, Role};

/// A participant, found by their connection token.
#[derive(Debug, Clone)]
pub(crate) struct Participant {
    pub(crate) chat: ChatId,
    pub(crate) role: Role,
    pub(crate) id: String,
    pub(crate) active: bool,
}

#[derive(Debug, Default)]
struct ChatState {
    ended: bool,
    /// Connection tokens of everyone who joined, in order.
    members: Vec<String>,
    transcript: Vec<RecordedEvent>,
    /// ClientToken -> index in `transcript`.
    by_client_token: HashMap<String, usize>,
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
    participants: HashMap<String, Participant>,
    rate_limit: Option<RateLimit>,
    windows: HashMap<String, VecDeque<Instant>>,
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
            rate_limit: None,
            windows: HashMap::new(),
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

    pub(crate) fn join(&mut self, chat: ChatId, role: Role) -> String {
        let mut token = self.ids.token();
        while self.participants.contains_key(&token) {
            token = self.ids.token();
        }
        let id = self.ids.uuid();
        self.chats
            .entry(chat)
            .or_default()
            .members
            .push(token.clone());
        self.participants.insert(
            token.clone(),
            Participant {
                chat,
                role,
                id,
                active: true,
            },
        );
        token
    }

    pub(crate) fn leave(&mut self, token: &str) {
        if let Some(p) = self.participants.get_mut(token) {
            p.active = false;
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

    /// The participant behind a token, if they may still send: 403 for an
    /// unknown token, a participant who left, or an ended chat.
    pub(crate) fn authenticate(&self, token: &str) -> Result<Participant, Rejection> {
        let participant = self
            .participants
            .get(token)
            .ok_or_else(Rejection::access_denied)?;
        if !participant.active || self.is_ended(participant.chat) {
            return Err(Rejection::access_denied());
        }
        Ok(participant.clone())
    }

    /// Counts a request against the token's rate limit, or throttles it.
    pub(crate) fn check_rate(&mut self, token: &str, now: Instant) -> Result<(), Rejection> {
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
