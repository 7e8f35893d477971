//! Blocking SendEvent client on [`ureq`] 3, driven by the Sans-IO core.
//!
//! The client moves bytes, keeps time and sleeps between attempts; every
//! decision (validation, the request, parsing, retries) is the core's.
//!
//! ```no_run
//! use connect_participant_ureq::{Client, SendEvent};
//!
//! let client = Client::from_env()?; // AWS_REGION, AWS_ENDPOINT_URL_CONNECTPARTICIPANT, ...
//! let output = client.send_event(SendEvent::typing("connection-token"))?;
//! println!("event {:?} at {:?}", output.id, output.absolute_time);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod client;
mod error_map;
mod resolver;

pub use client::{Client, ClientBuilder};
pub use connect_participant_core::{
    Config, ConfigError, ContentType, Error, SendEvent, SendEventOutput, ServiceErrorKind,
    TransportOptions,
};
