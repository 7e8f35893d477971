//! # connect-participant
//!
//! A client for the Amazon Connect Participant Service: `SendEvent` (typing
//! indicators, delivered and read receipts) and `CreateParticipantConnection`
//! (the connection token `SendEvent` needs, and the connection
//! acknowledgement).
//!
//! The Sans-IO core is re-exported here: the inputs, validation, the request
//! and response, typed errors, endpoints and the retry policy, usable on
//! their own in any runtime. Pick a transport with one Cargo feature; both
//! have the same shape (`Client::new`, `Client::builder`, `Client::from_env`,
//! `create_participant_connection`, `send_event`, `call`) and return the
//! same outputs and [`Error`]:
//!
//! | feature | module | client |
//! |---|---|---|
//! | `ureq` | `connect_participant::ureq` | blocking, on ureq 3 |
//! | `hyper` | `connect_participant::hyper` | async, on hyper 1 and Tokio |
//! | `mock` | `connect_participant::mock` | the simulated service, for tests |
//!
//! Another HTTP stack plugs in through [`SyncHttpClient`] or
//! [`AsyncHttpClient`] and gets the same policy from [`Client::call`].
//!
//! ```
//! use connect_participant::error::Field;
//! use connect_participant::{Config, ContentType, SendEvent};
//!
//! let config = Config::builder().region("us-west-2").build()?;
//! assert_eq!(config.endpoint().as_str(), "https://participant.connect.us-west-2.amazonaws.com");
//! // Invalid input is caught before anything is sent:
//! let err = SendEvent::new("token", ContentType::MessageRead, Some("{}".into()))
//!     .validate()
//!     .unwrap_err();
//! assert_eq!(err.field(), Field::Content);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use connect_participant_core::{
    config, connection, endpoint, error, http, operation, pacing, retry, wire, AsyncHttpClient,
    Call, Client, Config, ConfigError, ConnectionToken, ContentType, CreateParticipantConnection,
    CreateParticipantConnectionOutput, Error, Next, ParticipantToken, SendEvent, SendEventOutput,
    ServiceErrorKind, SyncHttpClient, TransportError, TransportErrorKind, TransportOptions,
};

/// The blocking client on ureq 3 (feature `ureq`).
#[cfg(feature = "ureq")]
pub mod ureq {
    pub use connect_participant_ureq::{Client, ClientBuilder, PacedSender};
}

/// The async client on hyper 1 (feature `hyper`).
#[cfg(feature = "hyper")]
pub mod hyper {
    pub use connect_participant_hyper::{Client, ClientBuilder, PacedSender, Reports};
}

/// The simulated Participant Service (feature `mock`).
#[cfg(feature = "mock")]
pub mod mock {
    pub use connect_participant_mock::*;
}
