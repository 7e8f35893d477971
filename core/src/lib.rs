//! # connect-participant-core
//!
//! The Sans-IO core of a client for the Amazon Connect Participant Service:
//! `SendEvent` (typing indicators, delivered and read receipts) and
//! `CreateParticipantConnection` (the connection token `SendEvent` needs). It
//! builds [`http::Request`] values and parses [`http::Response`] values; it
//! opens no socket, reads no clock and gathers no randomness.
//!
//! **Which client sends?** This crate decides; it does not send. Depend on
//! the `connect-participant` crate with a feature and use its blocking
//! `connect_participant::ureq::Client` (feature `ureq`) or its async
//! `connect_participant::hyper::Client` (feature `hyper`). Any other HTTP
//! stack plugs in by implementing [`SyncHttpClient`] or [`AsyncHttpClient`]
//! (send one request, sleep) and gets the whole retry policy from
//! [`Client::call`] / [`Client::call_async`]; a custom event loop drives a
//! [`Call`] by hand.
//!
//! The pieces, in the order a call meets them:
//! - the input: [`SendEvent`] with its [`ContentType`], or
//!   [`CreateParticipantConnection`] with its [`ParticipantToken`]; every
//!   rule is checked before anything is built, naming the field and rule;
//! - [`Config`] and [`Client`]: the endpoint and the retry policy with the
//!   retry quota its calls share;
//! - [`Call`]: one logical call across attempts, its client token, invocation
//!   id and retry jitter all derived from one seed given at its start;
//! - the answer: the output ([`SendEventOutput`],
//!   [`CreateParticipantConnectionOutput`]) or an [`Error`] saying where the
//!   failure arose.
//!
//! The rest lives in modules named for what they hold: [`config`],
//! [`endpoint`], [`error`], [`retry`], [`wire`] (the HTTP shapes),
//! [`operation`] (what makes an operation), [`connection`]
//! (CreateParticipantConnection's types), [`pacing`] (typing and receipts
//! paced per chat, as Amazon's chat clients send them).
//!
//! A complete call with retries over an HTTP client of your own:
//!
//! ```
//! use std::time::Duration;
//! use connect_participant::http;
//! use connect_participant::{Client, Config, SendEvent, SyncHttpClient, TransportError};
//!
//! /// Stand-in for real I/O: your HTTP client goes here.
//! struct MyHttp;
//!
//! impl SyncHttpClient for MyHttp {
//!     type Body = Vec<u8>;
//!     fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
//!         assert_eq!(request.uri(), "https://participant.connect.us-west-2.amazonaws.com/participant/event");
//!         Ok(http::Response::builder()
//!             .status(200)
//!             .body(br#"{"Id":"ev-1","AbsoluteTime":"2019-11-08T02:41:28.172Z"}"#.to_vec())
//!             .unwrap())
//!     }
//!     fn sleep(&self, wait: Duration) {
//!         std::thread::sleep(wait)
//!     }
//! }
//!
//! let client = Client::new(Config::builder().region("us-west-2").build()?);
//! let seed = [42u8; 32]; // 32 random bytes from the OS in real code, e.g. getrandom::fill(&mut seed)
//! let output = client.call(&MyHttp, SendEvent::read_receipt("connection-token", "message-1"), seed)?;
//! assert_eq!(output.id.as_deref(), Some("ev-1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod call;
mod client;
pub mod config;
pub mod connection;
mod content_type;
pub mod endpoint;
pub mod error;
mod http_client;
pub mod operation;
pub mod pacing;
mod proxy;
pub mod retry;
mod seed;
mod send_event;
mod token;
mod transport_options;
mod validate;
pub mod wire;

pub use http;

pub use call::{Call, Next};
pub use client::Client;
pub use config::{Config, ConfigError};
pub use connection::{CreateParticipantConnection, CreateParticipantConnectionOutput};
pub use content_type::ContentType;
pub use error::{Error, ServiceErrorKind, TransportError, TransportErrorKind};
pub use http_client::{AsyncHttpClient, SyncHttpClient};
pub use send_event::{SendEvent, SendEventOutput};
pub use token::{ConnectionToken, ParticipantToken};
pub use transport_options::TransportOptions;
