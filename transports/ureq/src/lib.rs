//! Blocking SendEvent client on [`ureq`] 3, driven by the Sans-IO core.
//!
//! The client moves bytes, keeps time and sleeps between attempts; every
//! decision (validation, the request, parsing, retries) is the core's.
//!
//! **Logging caution:** ureq-proto writes every request's raw bytes, the
//! `x-amz-bearer` connection token included, to the `log` target
//! `ureq_proto::util` at `trace` level. This crate cannot turn that off. If
//! your application enables `trace` logging, filter that target out (for
//! example `RUST_LOG=trace,ureq_proto=off` with env_logger). Nothing of ours
//! logs the token, and the async client has no such dump.
//!
//! ```no_run
//! use connect_participant::ureq::Client;
//! use connect_participant::SendEvent;
//!
//! let client = Client::from_env()?; // AWS_REGION, AWS_ENDPOINT_URL_CONNECTPARTICIPANT, ...
//! let output = client.send_event(SendEvent::typing("connection-token"))?;
//! println!("event {:?} at {:?}", output.id, output.absolute_time);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod client;
mod error_map;
mod paced;
mod resolver;

pub use client::{Client, ClientBuilder};
pub use paced::PacedSender;
