//! Fixtures and hand-written baselines for the `core` benchmark
//! (`benches/core.rs`) and the profiling loop (`examples/profile_loop.rs`),
//! and the loopback server, raw floor and load drivers of the `transports`
//! benchmark (`benches/transports.rs`, `examples/transport_cpu.rs`; also
//! used by `peers/`); and the chat traffic of the pacer's benchmark
//! (`benches/pacing.rs`, `examples/pacing_memory.rs`).
//!
//! Each baseline is the bare minimum a caller would write with `serde_json`
//! and `http` alone to produce the same request or read the same response:
//! no validation, no typed errors, no state machine. The benchmark puts each
//! core figure beside its baseline.
#![deny(unsafe_code)] // allowed in `cpu` alone, for getrusage

pub mod contenders;
pub mod cpu;
pub mod floor;
pub mod load;
pub mod pacing;
pub mod server;

use connect_participant_core::endpoint::Endpoint;
use connect_participant_core::error::ResponseError;
use connect_participant_core::http;
use connect_participant_core::wire::{
    build_request, parse_response, BEARER_HEADER, USER_AGENT_VALUE,
};
use connect_participant_core::{Call, Client, Config, Next, SendEvent, SendEventOutput};
use http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use serde::{Deserialize, Serialize};

/// The endpoint every request goes to.
pub const ENDPOINT: &str = "https://participant.connect.us-west-2.amazonaws.com";
/// The full URI of the SendEvent operation at [`ENDPOINT`].
pub const EVENT_URI: &str = "https://participant.connect.us-west-2.amazonaws.com/participant/event";
/// A connection token of a realistic length (the service's are a few hundred bytes).
pub const CONNECTION_TOKEN: &str = "QVFJREFIaDB4ZEhXa2Q3dmY5c1ZtV1l4Z2JMc0NXc2tZbXpCbVl3S3Z5Q0Q4c2ZmZ0FIc0NEbkVTbFlRdExyWkxJQlZOQUFBQWJqQnNCZ2txaGtpRzl3MEJCd2FnWHpCZEFnRUFNRmdHQ1NxR1NJYjNEUUVIQVRBZUJnbGdoa2dCWlFNRUFTNHdFUVFNZ1JrdG5wVnA2UlRRMkNGTkFnRVFnQ3U3NTBRdG9WQTVhOHpNYmxoeWxqbzZJN2hRNUNrTnl6Y1JVd3R3QzlUbGx4d1htR3VTcnRMZ3RMbG9QdEVZ";
/// The client token sent as `ClientToken` (what the call would generate).
pub const CLIENT_TOKEN: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
/// The message a read receipt names.
pub const MESSAGE_ID: &str = "11111111-aaaa-bbbb-cccc-EXAMPLE01234";
/// The wire text of the typing content type.
pub const TYPING: &str = "application/vnd.amazonaws.connect.event.typing";
/// The wire text of the read-receipt content type.
pub const READ: &str = "application/vnd.amazonaws.connect.event.message.read";

/// The body of a 200 answer.
pub const OK_BODY: &[u8] =
    br#"{"Id":"5a4dfb7e-6ad6-4f33-8b06-8f1a9c7c1f1e","AbsoluteTime":"2019-11-08T02:41:28.172Z"}"#;
/// The body of a 409 answer.
pub const CONFLICT_BODY: &[u8] =
    br#"{"message":"Operation can not be performed due to the state of the contact."}"#;
/// The request id every answer carries.
pub const REQUEST_ID: &str = "c0ffee00-1234-4abc-8def-0123456789ab";

/// The endpoint, parsed once.
pub fn endpoint() -> Endpoint {
    Endpoint::parse(ENDPOINT).expect("valid endpoint")
}

/// The event URI, parsed once (the baselines clone it, as the core does).
pub fn event_uri() -> http::Uri {
    EVENT_URI.parse().expect("valid URI")
}

/// A client for [`ENDPOINT`].
pub fn client() -> Client {
    Client::new(Config::for_endpoint(ENDPOINT).expect("valid config"))
}

/// A 200 answer with a request id.
pub fn ok_response() -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .header("x-amzn-RequestId", REQUEST_ID)
        .body(OK_BODY.to_vec())
        .expect("valid response")
}

/// A 409 `ConflictException` answer with a request id.
pub fn conflict_response() -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(409)
        .header("content-type", "application/json")
        .header("x-amzn-RequestId", REQUEST_ID)
        .header("X-Amzn-Errortype", "ConflictException")
        .body(CONFLICT_BODY.to_vec())
        .expect("valid response")
}

// ---------------------------------------------------------------- core paths

/// Core: validate a typing event and build its request.
pub fn core_typing(endpoint: &Endpoint) -> http::Request<Vec<u8>> {
    let event = SendEvent::typing(CONNECTION_TOKEN);
    event.validate().expect("valid event");
    build_request(&event, endpoint, Some(CLIENT_TOKEN))
}

/// Core: make, validate (including the receipt JSON) and build a read receipt.
pub fn core_read_receipt(endpoint: &Endpoint) -> http::Request<Vec<u8>> {
    let event = SendEvent::read_receipt(CONNECTION_TOKEN, MESSAGE_ID);
    event.validate().expect("valid event");
    build_request(&event, endpoint, Some(CLIENT_TOKEN))
}

/// Core: parse a response.
pub fn core_parse<B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<SendEventOutput, ResponseError> {
    parse_response::<SendEvent, _>(response)
}

/// Core: one whole call of one attempt through the state machine.
pub fn core_call(
    client: &Client,
    response: http::Response<Vec<u8>>,
) -> (http::Request<Vec<u8>>, Next<SendEvent>) {
    let mut call: Call<SendEvent> = client
        .start(SendEvent::typing(CONNECTION_TOKEN), [7; 32])
        .expect("valid event");
    let request = call.next_request();
    let next = call.finish_attempt(Ok(response));
    (request, next)
}

// ---------------------------------------------------------------- baselines

/// The request body, as a caller would declare it.
#[derive(Serialize)]
struct BaselineInput<'a> {
    #[serde(rename = "ContentType")]
    content_type: &'a str,
    #[serde(rename = "Content", skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
    #[serde(rename = "ClientToken")]
    client_token: &'a str,
}

/// A receipt's content, as a caller would declare it.
#[derive(Serialize)]
struct BaselineReceipt<'a> {
    #[serde(rename = "messageId")]
    message_id: &'a str,
}

fn baseline_request(uri: &http::Uri, body: Vec<u8>) -> http::Request<Vec<u8>> {
    let mut bearer = HeaderValue::from_str(CONNECTION_TOKEN).expect("header-safe token");
    bearer.set_sensitive(true);
    http::Request::builder()
        .method(http::Method::POST)
        .uri(uri.clone())
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .header(CONTENT_LENGTH, HeaderValue::from(body.len()))
        .header(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE))
        .header(BEARER_HEADER, bearer)
        .body(body)
        .expect("valid request")
}

/// Baseline: serialize a typing body and build the same request, unvalidated.
pub fn baseline_typing(uri: &http::Uri) -> http::Request<Vec<u8>> {
    let body = serde_json::to_vec(&BaselineInput {
        content_type: TYPING,
        content: None,
        client_token: CLIENT_TOKEN,
    })
    .expect("serializable");
    baseline_request(uri, body)
}

/// Baseline: write the receipt content, serialize the body and build the
/// same request, unvalidated.
pub fn baseline_read_receipt(uri: &http::Uri) -> http::Request<Vec<u8>> {
    let content = serde_json::to_string(&BaselineReceipt {
        message_id: MESSAGE_ID,
    })
    .expect("serializable");
    let body = serde_json::to_vec(&BaselineInput {
        content_type: READ,
        content: Some(&content),
        client_token: CLIENT_TOKEN,
    })
    .expect("serializable");
    baseline_request(uri, body)
}

/// A 200 body, as a caller would declare it.
#[derive(Debug, Deserialize)]
pub struct BaselineOutput {
    /// `Id`.
    #[serde(rename = "Id")]
    pub id: Option<String>,
    /// `AbsoluteTime`.
    #[serde(rename = "AbsoluteTime")]
    pub absolute_time: Option<String>,
    /// The `x-amzn-RequestId` header (not in the body).
    #[serde(skip)]
    pub request_id: Option<String>,
}

fn request_id(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get("x-amzn-requestid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Baseline: read a 200 body and the request id header.
pub fn baseline_parse_ok(response: &http::Response<Vec<u8>>) -> Option<BaselineOutput> {
    let mut out: BaselineOutput = serde_json::from_slice(response.body()).ok()?;
    out.request_id = request_id(response.headers());
    Some(out)
}

#[derive(Deserialize)]
struct BaselineErrorBody {
    message: Option<String>,
}

/// An error, as a caller would keep it.
#[derive(Debug)]
pub struct BaselineError {
    /// The HTTP status.
    pub status: http::StatusCode,
    /// The `x-amzn-errortype` header.
    pub code: Option<String>,
    /// The body's `message`.
    pub message: Option<String>,
    /// The `x-amzn-RequestId` header.
    pub request_id: Option<String>,
}

/// Baseline: read the error type and request id headers and the body's message.
pub fn baseline_parse_error(response: &http::Response<Vec<u8>>) -> BaselineError {
    let headers = response.headers();
    let code = headers
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let message = serde_json::from_slice::<BaselineErrorBody>(response.body())
        .ok()
        .and_then(|b| b.message);
    BaselineError {
        status: response.status(),
        code,
        message,
        request_id: request_id(headers),
    }
}

/// Baseline of a whole call: build the typing request, then read the 200.
pub fn baseline_call(
    uri: &http::Uri,
    response: http::Response<Vec<u8>>,
) -> (http::Request<Vec<u8>>, Option<BaselineOutput>) {
    let request = baseline_typing(uri);
    let output = baseline_parse_ok(&response);
    (request, output)
}

/// Panics unless each core path and its baseline give the same result, so
/// the benchmark compares like with like.
pub fn check_equivalence() {
    fn same(a: &http::Request<Vec<u8>>, b: &http::Request<Vec<u8>>) {
        assert_eq!(a.method(), b.method());
        assert_eq!(a.uri(), b.uri());
        assert_eq!(a.headers(), b.headers());
        assert_eq!(a.body(), b.body());
    }
    let (endpoint, uri) = (endpoint(), event_uri());
    same(&core_typing(&endpoint), &baseline_typing(&uri));
    same(&core_read_receipt(&endpoint), &baseline_read_receipt(&uri));

    let ok = ok_response();
    let core = core_parse(&ok).expect("a 200 parses");
    let base = baseline_parse_ok(&ok).expect("a 200 parses");
    assert_eq!(core.id, base.id);
    assert_eq!(core.absolute_time, base.absolute_time);
    assert_eq!(core.request_id, base.request_id);

    let conflict = conflict_response();
    let Err(ResponseError::Service(core)) = core_parse(&conflict) else {
        panic!("a 409 is a service error");
    };
    let base = baseline_parse_error(&conflict);
    assert_eq!(core.status(), base.status);
    assert_eq!(core.code(), base.code.as_deref());
    assert_eq!(core.message(), base.message.as_deref());
    assert_eq!(core.request_id(), base.request_id.as_deref());

    let (request, next) = core_call(&client(), ok_response());
    assert_eq!(request.uri(), EVENT_URI);
    assert!(matches!(next, Next::Done(Ok(ref out)) if out.id == base_id()));
}

fn base_id() -> Option<String> {
    baseline_parse_ok(&ok_response()).and_then(|o| o.id)
}
