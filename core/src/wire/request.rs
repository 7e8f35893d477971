//! Building an operation's HTTP request, and showing it with the token redacted.

use std::fmt;

use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};

use crate::endpoint::Endpoint;
use crate::operation::Operation;

/// The `user-agent` this crate sends: its name and version.
pub const USER_AGENT_VALUE: &str = concat!("connect-participant-core/", env!("CARGO_PKG_VERSION"));

/// The header that carries the bearer token (connection or participant token).
pub const BEARER_HEADER: &str = "x-amz-bearer";
/// The header with the per-call invocation id (the same on every attempt).
pub const INVOCATION_ID_HEADER: &str = "amz-sdk-invocation-id";
/// The header with the attempt number and the maximum: `attempt=N; max=M`.
pub const SDK_REQUEST_HEADER: &str = "amz-sdk-request";

const BEARER: HeaderName = HeaderName::from_static(BEARER_HEADER);
const INVOCATION_ID: HeaderName = HeaderName::from_static(INVOCATION_ID_HEADER);
const SDK_REQUEST: HeaderName = HeaderName::from_static(SDK_REQUEST_HEADER);
const JSON: HeaderValue = HeaderValue::from_static("application/json");
const AGENT: HeaderValue = HeaderValue::from_static(USER_AGENT_VALUE);

/// What varies between the attempts of one call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AttemptHeaders<'a> {
    pub invocation_id: &'a [u8],
    pub attempt: u32,
    pub max_attempts: u32,
}

/// Builds the request of one attempt: `POST {endpoint}{PATH}` with
/// `content-type`, `content-length`, `user-agent` and the bearer token in
/// `x-amz-bearer` (marked sensitive, so `http`'s `Debug` hides it), with
/// `client_token` as the body's `ClientToken` for an idempotent operation.
///
/// The input must have passed [`Operation::validate`]; a [`Call`](crate::Call)
/// adds the invocation and attempt headers to this.
///
/// ```
/// use connect_participant::endpoint::Endpoint;
/// use connect_participant::wire::build_request;
/// use connect_participant::SendEvent;
///
/// let event = SendEvent::typing("my-token");
/// let endpoint = Endpoint::parse("https://participant.connect.us-west-2.amazonaws.com").unwrap();
/// let request = build_request(&event, &endpoint, Some("tok-1"));
/// assert_eq!(request.uri(), "https://participant.connect.us-west-2.amazonaws.com/participant/event");
/// assert_eq!(request.headers()["x-amz-bearer"], "my-token");
/// assert_eq!(
///     request.body().as_slice(),
///     br#"{"ContentType":"application/vnd.amazonaws.connect.event.typing","ClientToken":"tok-1"}"#
/// );
/// assert!(!format!("{request:?}").contains("my-token"));
/// ```
pub fn build_request<O: Operation>(
    operation: &O,
    endpoint: &Endpoint,
    client_token: Option<&str>,
) -> http::Request<Vec<u8>> {
    let mut body = Vec::with_capacity(128);
    operation.write_body(client_token, &mut body);
    let mut request = http::Request::new(Vec::new());
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = endpoint.operation_uri(O::PATH);
    let headers = request.headers_mut();
    headers.insert(CONTENT_TYPE, JSON);
    headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    headers.insert(USER_AGENT, AGENT);
    // Validation guarantees a header-safe token; an impossible failure
    // leaves the header out, and the service then refuses the call.
    if let Ok(mut token) = HeaderValue::from_str(operation.bearer()) {
        token.set_sensitive(true);
        headers.insert(BEARER, token);
    }
    *request.body_mut() = body;
    request
}

/// [`build_request`] with the headers of one attempt of a call.
pub(crate) fn attempt_request<O: Operation>(
    operation: &O,
    endpoint: &Endpoint,
    client_token: Option<&str>,
    attempt: AttemptHeaders<'_>,
) -> http::Request<Vec<u8>> {
    let mut request = build_request(operation, endpoint, client_token);
    let headers = request.headers_mut();
    if let Ok(id) = HeaderValue::from_bytes(attempt.invocation_id) {
        headers.insert(INVOCATION_ID, id);
    }
    let mut value = String::with_capacity(32);
    value.push_str("attempt=");
    value.push_str(itoa::Buffer::new().format(attempt.attempt));
    value.push_str("; max=");
    value.push_str(itoa::Buffer::new().format(attempt.max_attempts));
    // From the String itself: no copy.
    if let Ok(v) = HeaderValue::try_from(value) {
        headers.insert(SDK_REQUEST, v);
    }
    request
}

/// Shows a request for people: method, URI, headers (the bearer token
/// replaced by `<redacted>`) and body, as JSON. Used by `--dry-run` and in logs.
///
/// ```
/// use connect_participant::endpoint::Endpoint;
/// use connect_participant::wire::{build_request, RedactedRequest};
/// use connect_participant::SendEvent;
///
/// let event = SendEvent::typing("my-token");
/// let request = build_request(&event, &Endpoint::parse("http://127.0.0.1:1").unwrap(), None);
/// let shown = RedactedRequest(&request).to_string();
/// assert!(shown.contains("\"x-amz-bearer\": \"<redacted>\"") && !shown.contains("my-token"));
/// ```
pub struct RedactedRequest<'a, B>(pub &'a http::Request<B>);

impl<B: AsRef<[u8]>> RedactedRequest<'_, B> {
    /// The request as a JSON value with the token redacted.
    pub fn to_json(&self) -> serde_json::Value {
        let r = self.0;
        let mut headers = serde_json::Map::new();
        for (name, value) in r.headers() {
            let shown = if name == BEARER_HEADER || value.is_sensitive() {
                "<redacted>".to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            headers.insert(name.as_str().to_owned(), shown.into());
        }
        let body = r.body().as_ref();
        let body = serde_json::from_slice::<serde_json::Value>(body)
            .unwrap_or_else(|_| String::from_utf8_lossy(body).into_owned().into());
        serde_json::json!({
            "method": r.method().as_str(),
            "url": r.uri().to_string(),
            "headers": headers,
            "body": body,
        })
    }
}

impl<B: AsRef<[u8]>> fmt::Display for RedactedRequest<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string_pretty(&self.to_json()).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl<B: AsRef<[u8]>> fmt::Debug for RedactedRequest<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
