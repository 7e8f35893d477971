//! # connect-participant
//!
//! A client for the Amazon Connect Participant Service's `SendEvent` call:
//! typing indicators, delivered and read receipts.
//!
//! Everything in [`connect_participant_core`] is re-exported here: the input
//! ([`SendEvent`]), validation, the request and response, typed errors,
//! endpoints and the retry policy, usable on their own in any runtime. Pick a
//! transport with one Cargo feature; both have the same shape (`Client::new`,
//! `Client::builder`, `Client::from_env`, `send_event`) and return the same
//! [`SendEventOutput`] and [`Error`]:
//!
//! | feature | module | client |
//! |---|---|---|
//! | `ureq` | `connect_participant::ureq` | blocking, on ureq 3 |
//! | `hyper` | `connect_participant::hyper` | async, on hyper 1 and Tokio |
//! | `mock` | `connect_participant::mock` | the simulated service, for tests |
//!
//! ```
//! use connect_participant::{Config, SendEvent, Field};
//!
//! let config = Config::builder().region("us-west-2").build()?;
//! assert_eq!(config.endpoint().as_str(), "https://participant.connect.us-west-2.amazonaws.com");
//! // Invalid input is caught before anything is sent:
//! let err = SendEvent::new("token", connect_participant::ContentType::MessageRead, Some("{}".into()))
//!     .validate()
//!     .unwrap_err();
//! assert_eq!(err.field(), Field::Content);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use connect_participant_core::*;

/// The blocking client on ureq 3 (feature `ureq`).
#[cfg(feature = "ureq")]
pub mod ureq {
    pub use connect_participant_ureq::{Client, ClientBuilder};
}

/// The async client on hyper 1 (feature `hyper`).
#[cfg(feature = "hyper")]
pub mod hyper {
    pub use connect_participant_hyper::{Client, ClientBuilder};
}

/// The simulated Participant Service (feature `mock`).
#[cfg(feature = "mock")]
pub mod mock {
    pub use connect_participant_mock::*;
}
