//! Async SendEvent client on [`hyper`] 1 (hyper-util's pooled client, rustls
//! with the ring provider and the Mozilla roots), driven by the Sans-IO core.
//!
//! The client moves bytes, keeps time and sleeps between attempts; every
//! decision (validation, the request, parsing, retries) is the core's.
//! It needs a Tokio runtime with the time driver enabled.
//!
//! ```no_run
//! use connect_participant::hyper::Client;
//! use connect_participant::SendEvent;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?; // AWS_REGION, AWS_ENDPOINT_URL_CONNECTPARTICIPANT, ...
//! let output = client.send_event(SendEvent::typing("connection-token")).await?;
//! println!("event {:?} at {:?}", output.id, output.absolute_time);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod client;
mod connector;
mod error_map;
mod paced;

pub use client::{Client, ClientBuilder};
pub use paced::{PacedSender, Reports};
