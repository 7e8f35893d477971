//! # connect-participant-mock
//!
//! A simulated Amazon Connect Participant Service for `SendEvent` and
//! `CreateParticipantConnection`, behaving as the project's spec
//! (docs/spec.md) describes the real one, for tests and demos:
//!
//! - [`MockService`]: chats, participants ([`Role`]) and their tokens
//!   (participant tokens, and connection tokens that expire), transcripts
//!   of accepted events ([`RecordedEvent`]), server-side validation of
//!   every rule, idempotent `ClientToken`s, receipt conflicts, participants
//!   marked connected, an optional per-token [`RateLimit`] or
//!   [`TokenBucket`], and a queue of
//!   [`Fault`]s.
//! - [`MockService::send`]: the in-memory transport, to drive a core
//!   [`Call`](connect_participant_core::Call) without sockets; the service
//!   is also a [`SyncHttpClient`](connect_participant_core::SyncHttpClient)
//!   whose waits are recorded, not slept.
//! - [`MockServer`]: the same service on loopback HTTP/1.1, for real
//!   transports (blocking or async).
//!
//! ## Tokens
//!
//! A participant who joins ([`MockService::join`], [`MockService::open_chat`])
//! gets a participant token, the credential of CreateParticipantConnection,
//! and a connection token issued on joining, the credential of SendEvent (so
//! a test that only sends events needs no connection step: [`Chat::customer`]
//! and [`Chat::agent`] are connection tokens). CreateParticipantConnection
//! issues a fresh connection token each time `CONNECTION_CREDENTIALS` is
//! asked for; earlier ones stay valid until they expire
//! ([`MockService::set_connection_token_lifetime`], a day by default). The
//! two kinds are not interchangeable: a participant token on SendEvent, or
//! a connection token on CreateParticipantConnection, gets `403`.
//!
//! ## Answers
//!
//! restJson1 errors carry `X-Amzn-Errortype: <Code>` and a JSON body
//! `{"message": "..."}`; every answer carries a unique `x-amzn-RequestId`.
//!
//! | situation | answer |
//! |---|---|
//! | SendEvent accepted (or an idempotent repeat) | `200 {"Id": "<uuid>", "AbsoluteTime": "2019-11-08T02:41:28.172Z"}` |
//! | CreateParticipantConnection accepted | `200` with `Websocket` {`Url`, `ConnectionExpiry`}, `ConnectionCredentials` {`ConnectionToken`, `Expiry`}, `WebRTCConnection` {`Attendee`, `Meeting`}, each when its type is asked for; with no `Type`, `Websocket` and `ConnectionCredentials` |
//! | path ending in neither `/participant/event` nor `/participant/connection` | `404 UnknownOperationException` |
//! | method other than `POST` | `405 UnknownOperationException` |
//! | `x-amz-bearer` missing or malformed; SendEvent: not a connection token of this service, or expired; CreateParticipantConnection: not a participant token of this service; participant left; chat ended | `403 AccessDeniedException` |
//! | over the rate limit | `429 ThrottlingException` |
//! | `Content-Type` not `application/json` | `415 UnsupportedMediaTypeException` |
//! | body not JSON or not an object; SendEvent: a member of the wrong JSON type | `400 SerializationException` |
//! | SendEvent: lengths, missing `ContentType`, bad receipt content, `ClientToken` reused with other parameters | `400 ValidationException` |
//! | CreateParticipantConnection: `Type` not a list of strings, empty, or with an unknown type; `ConnectParticipant` not a boolean | `400 ValidationException` |
//! | receipt with more than two active participants or a supervisor | `409 ConflictException` ([`CONFLICT_MESSAGE`]) |
//!
//! The checks run in that order, the first failure answering; an
//! empty body counts as `{}`, `null` members as absent, unknown members are
//! ignored, and an empty `ClientToken` gives no idempotency.
//! `ConnectParticipant: true` marks the participant connected
//! ([`MockService::is_connected`]). The WebSocket URL is shaped like a
//! pre-signed one, on a host that does not resolve (`*.mock.invalid`): the
//! mock serves no WebSocket; it expires 100 s after it is issued.
//!
//! ```
//! use connect_participant::mock::{MockService, Role, CONFLICT_MESSAGE};
//! use connect_participant::{Client, Config, Next, SendEvent, ServiceErrorKind};
//!
//! let service = MockService::new();
//! let chat = service.open_chat();
//! service.join(chat.id, Role::Supervisor); // barges in
//!
//! let client = Client::new(Config::for_endpoint("http://127.0.0.1:1")?);
//! let mut call = client.start(SendEvent::read_receipt(chat.agent.as_str(), "m-1"), [3; 32])?;
//! let result = loop {
//!     let outcome = service.send(call.next_request());
//!     match call.finish_attempt(outcome) {
//!         Next::Done(result) => break result,
//!         Next::RetryAfter { wait, call: next } => {
//!             std::thread::sleep(wait);
//!             call = next;
//!         }
//!     }
//! };
//! let error = result.unwrap_err();
//! let service_error = error.service_error().unwrap();
//! assert_eq!(service_error.kind(), ServiceErrorKind::Conflict);
//! assert_eq!(service_error.message(), Some(CONFLICT_MESSAGE));
//! assert!(service.transcript(chat.id).is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod body;
mod connection;
mod fault;
mod ids;
mod memory;
mod model;
mod proxy;
mod rules;
mod server;
mod service;
mod state;
mod time;
mod wire;

pub use fault::Fault;
pub use model::{Chat, ChatId, Joined, RateLimit, RecordedEvent, Role, TokenBucket};
pub use proxy::ConnectProxy;
pub use server::{MockServer, MAX_REQUEST_BODY};
pub use service::MockService;
pub use time::absolute_time;
pub use wire::{
    ACCESS_DENIED_MESSAGE, CONFLICT_MESSAGE, INTERNAL_ERROR_MESSAGE, THROTTLING_MESSAGE,
};
