//! [`MockService`]: the simulated Participant Service and its controls.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use http::{Request, Response};

use crate::state::State;
use crate::{rules, Chat, ChatId, Fault, Joined, RateLimit, RecordedEvent, Role, TokenBucket};

/// A simulated Amazon Connect Participant Service that answers `SendEvent`
/// and `CreateParticipantConnection` as docs/spec.md describes the real
/// one: chats with participants and transcripts, participant tokens turned
/// into expiring connection tokens, server-side validation, idempotency,
/// receipt conflicts, an optional rate limit, and injectable faults.
///
/// Cheap to clone (one `Arc`); every clone is the same service. All state is
/// behind one mutex, so it can be shared between threads, tasks and a
/// [`MockServer`](crate::MockServer).
///
/// Drive it in memory as the HTTP client of the core's retry loop (waits
/// are recorded, not slept):
///
/// ```
/// use connect_participant::mock::{MockService, Role};
/// use connect_participant::{Client, Config, SendEvent};
///
/// let service = MockService::new();
/// let chat = service.open_chat();
///
/// let client = Client::new(Config::for_endpoint("https://participant.example")?);
/// let event = SendEvent::read_receipt(chat.customer.as_str(), "msg-1");
/// let output = client.call(&service, event, [9; 32])?;
///
/// let transcript = service.transcript(chat.id);
/// assert_eq!(transcript.len(), 1);
/// assert_eq!(output.id.as_deref(), Some(transcript[0].id.as_str()));
/// assert_eq!(transcript[0].participant, Role::Customer);
/// assert_eq!(transcript[0].content.as_deref(), Some(r#"{"messageId":"msg-1"}"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct MockService {
    inner: Arc<Mutex<State>>,
}

impl Default for MockService {
    fn default() -> Self {
        MockService::new()
    }
}

impl fmt::Debug for MockService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("MockService")
            .field("requests_received", &state.requests_received)
            .field("pending_faults", &state.faults.len())
            .finish_non_exhaustive()
    }
}

impl MockService {
    /// A service with no chats, no rate limit and no faults.
    pub fn new() -> Self {
        MockService {
            inner: Arc::new(Mutex::new(State::new())),
        }
    }

    /// The state; a mutex poisoned by a panicking thread is used as it is.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts an empty chat.
    pub fn create_chat(&self) -> ChatId {
        self.lock().create_chat()
    }

    /// A participant joins the chat; gives their tokens: a participant token
    /// (for `POST .../participant/connection`) and a connection token
    /// issued on joining (for SendEvent), each 64 random-looking hex digits,
    /// unique in this service. A [`Role::Supervisor`] joining has barged in.
    /// A [`ChatId`] this service has not seen starts an empty chat here;
    /// joining an ended chat gives tokens that are refused.
    ///
    /// ```
    /// use connect_participant::mock::{MockService, Role};
    ///
    /// let service = MockService::new();
    /// let chat = service.open_chat();
    /// let supervisor = service.join(chat.id, Role::Supervisor);
    /// assert_ne!(supervisor.participant_token, supervisor.connection_token);
    /// assert_eq!(service.active_participants(chat.id).len(), 3);
    /// service.leave(&supervisor.participant_token); // either token will do
    /// assert_eq!(service.active_participants(chat.id), [Role::Customer, Role::Agent]);
    /// ```
    pub fn join(&self, chat: ChatId, role: Role) -> Joined {
        self.lock().join(chat, role, Instant::now())
    }

    /// A new chat with a customer and an agent joined: their connection
    /// tokens (`customer`, `agent`) and their participant tokens.
    ///
    /// ```
    /// use connect_participant::mock::{MockService, Role};
    ///
    /// let service = MockService::new();
    /// let chat = service.open_chat();
    /// assert_ne!(chat.customer, chat.agent);
    /// assert_ne!(chat.customer_participant_token, chat.customer);
    /// assert_eq!(service.active_participants(chat.id), [Role::Customer, Role::Agent]);
    /// ```
    pub fn open_chat(&self) -> Chat {
        let mut state = self.lock();
        let id = state.create_chat();
        let now = Instant::now();
        let customer = state.join(id, Role::Customer, now);
        let agent = state.join(id, Role::Agent, now);
        Chat {
            id,
            customer: customer.connection_token,
            agent: agent.connection_token,
            customer_participant_token: customer.participant_token,
            agent_participant_token: agent.participant_token,
        }
    }

    /// The participant with this token (participant or connection token)
    /// leaves: they are no longer active, and all their tokens get
    /// `403 AccessDeniedException`. An unknown token is ignored.
    pub fn leave(&self, token: &str) {
        self.lock().leave(token);
    }

    /// Whether the participant with this token (participant or connection
    /// token, expired or not) was marked connected by a
    /// CreateParticipantConnection with `ConnectParticipant: true`. False
    /// for a token this service never issued.
    pub fn is_connected(&self, token: &str) -> bool {
        self.lock().is_connected(token)
    }

    /// How long the connection tokens issued from now on stay valid (a day
    /// by default, as the real service's); a token used on SendEvent at or
    /// after its expiry gets `403 AccessDeniedException`. Tokens already
    /// issued keep their expiry. [`Duration::ZERO`] makes every new token
    /// expire at once: the way to test expiry without waiting.
    ///
    /// ```
    /// use std::time::Duration;
    /// use connect_participant::http;
    /// use connect_participant::mock::MockService;
    ///
    /// let service = MockService::new();
    /// assert_eq!(service.connection_token_lifetime(), Duration::from_secs(24 * 3600));
    /// service.set_connection_token_lifetime(Duration::ZERO);
    /// let chat = service.open_chat(); // its connection tokens expire at once
    /// let typing = http::Request::builder()
    ///     .method("POST")
    ///     .uri("/participant/event")
    ///     .header("x-amz-bearer", &chat.customer)
    ///     .body(r#"{"ContentType":"application/vnd.amazonaws.connect.event.typing"}"#)
    ///     .unwrap();
    /// assert_eq!(service.handle(&typing).status(), 403);
    /// ```
    pub fn set_connection_token_lifetime(&self, lifetime: Duration) {
        self.lock().set_connection_token_lifetime(lifetime);
    }

    /// How long new connection tokens stay valid.
    pub fn connection_token_lifetime(&self) -> Duration {
        self.lock().connection_token_lifetime()
    }

    /// Ends the chat: afterwards every token of it gets
    /// `403 AccessDeniedException`.
    pub fn end_chat(&self, chat: ChatId) {
        self.lock().end_chat(chat);
    }

    /// Whether the chat has ended.
    pub fn is_ended(&self, chat: ChatId) -> bool {
        self.lock().is_ended(chat)
    }

    /// The roles of the chat's active participants, in joining order.
    pub fn active_participants(&self, chat: ChatId) -> Vec<Role> {
        self.lock().active_participants(chat)
    }

    /// The events the chat accepted, in order (empty for an unknown chat).
    pub fn transcript(&self, chat: ChatId) -> Vec<RecordedEvent> {
        self.lock().transcript(chat)
    }

    /// Sets or removes the per-token rate limit (off by default); requests
    /// over it get `429 ThrottlingException`. Setting it starts every
    /// token's window afresh.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.lock().set_rate_limit(limit);
    }

    /// Throttles each connection token with a token bucket (`None` turns it
    /// off), as the real service throttles a participant: an unpaced typing
    /// storm gets `429 ThrottlingException`. Resets every bucket.
    ///
    /// ```
    /// use std::time::Duration;
    /// use connect_participant::mock::{MockService, TokenBucket};
    /// use connect_participant::{Client, Config, SendEvent, ServiceErrorKind};
    ///
    /// let service = MockService::new();
    /// service.set_token_bucket(Some(TokenBucket::new(2, Duration::from_secs(60))));
    /// let chat = service.open_chat();
    /// let config = Config::builder().endpoint_url("http://127.0.0.1:1").max_attempts(1).build()?;
    /// let client = Client::new(config);
    /// let typing = || SendEvent::typing(&chat.customer);
    /// assert!(client.call(&service, typing(), [1; 32]).is_ok());
    /// assert!(client.call(&service, typing(), [2; 32]).is_ok());
    /// let third = client.call(&service, typing(), [3; 32]).unwrap_err();
    /// assert_eq!(third.service_error().unwrap().kind(), ServiceErrorKind::Throttling);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_token_bucket(&self, bucket: Option<TokenBucket>) {
        self.lock().set_token_bucket(bucket);
    }

    /// Queues `fault` for the next `times` requests. Faults queue up in
    /// order: each request that reaches the service (in memory or over
    /// HTTP) takes the first one, if any, instead of its normal answer.
    /// [`MockService::handle`] applies none.
    pub fn inject(&self, fault: Fault, times: usize) {
        let mut state = self.lock();
        state.faults.extend(std::iter::repeat_n(fault, times));
    }

    /// Faults still queued.
    pub fn pending_faults(&self) -> usize {
        self.lock().faults.len()
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Requests that reached the service, faulted or not (through
    /// [`MockService::send`], [`MockService::handle`] or the HTTP server).
    pub fn requests_received(&self) -> usize {
        self.lock().requests_received
    }

    /// The waits between attempts that calls driven in memory through
    /// [`Client::call`](connect_participant_core::Client::call) asked for,
    /// in order (recorded instead of slept).
    pub fn waits(&self) -> Vec<Duration> {
        self.lock().waits.clone()
    }

    pub(crate) fn record_wait(&self, wait: Duration) {
        self.lock().waits.push(wait);
    }

    /// The service's answer to a request, without faults. Counts as a
    /// request received. The URI's host is ignored: only its path matters.
    ///
    /// ```
    /// use connect_participant::http;
    /// use connect_participant::mock::MockService;
    ///
    /// let service = MockService::new();
    /// let request = http::Request::builder()
    ///     .method("POST")
    ///     .uri("/participant/event")
    ///     .header("x-amz-bearer", "not-a-token")
    ///     .body(r#"{"ContentType":"application/vnd.amazonaws.connect.event.typing"}"#)
    ///     .unwrap();
    /// let response = service.handle(&request);
    /// assert_eq!(response.status(), 403);
    /// assert_eq!(response.headers()["x-amzn-errortype"], "AccessDeniedException");
    /// assert!(response.headers().contains_key("x-amzn-requestid"));
    /// ```
    pub fn handle<B: AsRef<[u8]>>(&self, request: &Request<B>) -> Response<Vec<u8>> {
        let mut state = self.lock();
        state.requests_received += 1;
        rules::answer(&mut state, request, SystemTime::now(), Instant::now())
    }

    /// A request reached the service: counts it and takes the next queued
    /// fault, with a fresh request id for its answer.
    pub(crate) fn arrive(&self) -> Option<(Fault, String)> {
        let mut state = self.lock();
        state.requests_received += 1;
        let fault = state.faults.pop_front()?;
        Some((fault, state.ids.uuid()))
    }

    /// The normal answer to a request already counted by [`Self::arrive`].
    pub(crate) fn answer<B: AsRef<[u8]>>(&self, request: &Request<B>) -> Response<Vec<u8>> {
        let mut state = self.lock();
        rules::answer(&mut state, request, SystemTime::now(), Instant::now())
    }
}
