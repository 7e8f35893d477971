//! # connect-participant-core
//!
//! The Sans-IO core of a client for the Amazon Connect Participant Service's
//! `SendEvent` call (typing indicators, delivered and read receipts). It
//! builds [`http::Request`] values and parses [`http::Response`] values; it
//! opens no socket, reads no clock and gathers no randomness. Transports (or
//! your own event loop) move the bytes.
//!
//! The pieces, in the order a call meets them:
//! - [`SendEvent`]: the input, with typed [`ContentType`]s and receipt
//!   constructors; [`SendEvent::validate`] checks every rule before anything
//!   is built and names the field and rule it broke ([`InvalidInput`]).
//! - [`Config`] and [`Client`]: the endpoint (region, FIPS, dual-stack or a
//!   custom URL, with the standard environment settings) and the retry policy
//!   with its shared quota.
//! - [`Call`]: one logical call across attempts: the client token and
//!   invocation id are fixed at the start; it gives each attempt's request
//!   and decides from each outcome whether the call is done or retried.
//! - [`parse_response`]: a response into a [`SendEventOutput`] or a
//!   [`ResponseError`] (a typed [`ServiceError`] or a [`MalformedResponse`]).
//!
//! A complete call with retries over any transport:
//!
//! ```
//! use connect_participant_core::{Client, Config, Next, SendEvent, TransportError};
//!
//! // Stand-in for real I/O: your HTTP client goes here.
//! fn send(request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
//!     assert_eq!(request.uri(), "https://participant.connect.us-west-2.amazonaws.com/participant/event");
//!     Ok(http::Response::builder()
//!         .status(200)
//!         .body(br#"{"Id":"ev-1","AbsoluteTime":"2019-11-08T02:41:28.172Z"}"#.to_vec())
//!         .unwrap())
//! }
//!
//! let client = Client::new(Config::builder().region("us-west-2").build()?);
//! let random = [42u8; 32]; // fill from the OS in real code
//! let mut call = client.start(SendEvent::read_receipt("connection-token", "message-1"), random)?;
//! let output = loop {
//!     let request = call.next_request();
//!     match call.finish_attempt(send(request), 0.3 /* random in [0, 1) */) {
//!         Next::Done(result) => break result?,
//!         Next::RetryAfter(wait) => std::thread::sleep(wait),
//!     }
//! };
//! assert_eq!(output.id.as_deref(), Some("ev-1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod call;
mod client;
mod config;
mod content_length;
mod content_type;
mod endpoint;
mod error;
mod error_code;
mod input;
mod invalid_input;
pub mod pacing;
mod request;
mod response;
mod retry;
mod service_error;
mod token;
mod transport_error;
mod transport_options;
mod uuid;

pub use http;

pub use call::{Call, Next, INVOCATION_ID_HEADER, SDK_REQUEST_HEADER};
pub use client::Client;
pub use config::{env_names, parse_max_attempts, Config, ConfigBuilder, ConfigError};
pub use content_type::ContentType;
pub use endpoint::{resolve_endpoint, Endpoint, EndpointError, EndpointParams, InvalidEndpoint};
pub use error::Error;
pub use error_code::sanitize_error_code;
pub use input::{SendEvent, ValidSendEvent};
pub use invalid_input::{Field, InvalidInput, ReceiptProblem, Rule};
pub use request::{build_request, request_body, RedactedRequest, BEARER_HEADER, USER_AGENT_VALUE};
pub use response::{
    parse_response, MalformedResponse, ResponseError, SendEventOutput, MAX_EXCERPT_BYTES,
};
pub use retry::{
    backoff, RetryConfig, RetryQuota, DEFAULT_MAX_ATTEMPTS, INITIAL_RETRY_TOKENS, MAX_BACKOFF,
    MAX_RETRY_AFTER_EXTENSION, NO_RETRY_INCREMENT, RETRY_COST, RETRY_TIMEOUT_COST,
};
pub use service_error::{classify, ErrorClass, ServiceError, ServiceErrorKind};
pub use token::ConnectionToken;
pub use transport_error::{TransportError, TransportErrorKind};
pub use transport_options::{
    jitter_from_bytes, split_call_entropy, TransportOptions, CALL_ENTROPY_BYTES,
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
};
pub use uuid::uuid_v4;
