//! Building the SendEvent HTTP request, and showing it with the token redacted.

use std::fmt;

use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};

use crate::content_length::content_length;
use crate::{Endpoint, ValidSendEvent};

/// The `user-agent` this crate sends: its name and version.
pub const USER_AGENT_VALUE: &str = concat!("connect-participant-core/", env!("CARGO_PKG_VERSION"));

/// The header that carries the connection token.
pub const BEARER_HEADER: &str = "x-amz-bearer";

/// [`BEARER_HEADER`] as a ready header name (a `&str` key is parsed on every use).
const BEARER: HeaderName = HeaderName::from_static(BEARER_HEADER);

/// Room for the headers of a request a [`Call`](crate::Call) sends: the four
/// written here, `amz-sdk-invocation-id`, `amz-sdk-request`, and the `host`
/// that HTTP/1.1 clients add (hyper-util inserts it into the map; with room
/// for only six, that seventh header grows and rehashes it on every call).
const REQUEST_HEADERS: usize = 7;

/// Header values checked once, at compile time.
const JSON: HeaderValue = HeaderValue::from_static("application/json");
const AGENT: HeaderValue = HeaderValue::from_static(USER_AGENT_VALUE);

/// Appends the UTF-8 text `s` as a JSON string, byte for byte what `serde_json` writes:
/// text with nothing to escape (no `"`, `\\` or control character, the
/// usual case) is copied as it stands; anything else goes through
/// `serde_json`'s escaper.
fn push_json_str(out: &mut Vec<u8>, s: &[u8]) {
    let plain = s
        .iter()
        .fold(true, |ok, &b| ok & (b >= 0x20) & (b != b'"') & (b != b'\\'));
    if plain {
        out.push(b'"');
        out.extend_from_slice(s);
        out.push(b'"');
    } else {
        // Every caller passes UTF-8 (a `&str`'s bytes or ASCII), so the
        // lossy read borrows; writing a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, &String::from_utf8_lossy(s));
    }
}

/// The JSON body of a SendEvent request: only the members that are set
/// (never `null`), compact, in the order `ContentType`, `Content`, `ClientToken`.
///
/// ```
/// use connect_participant_core::{request_body, SendEvent};
///
/// let event = SendEvent::read_receipt("tok", "msg-\"1\"").validate().unwrap();
/// assert_eq!(
///     request_body(&event, Some("ct-1")),
///     br#"{"ContentType":"application/vnd.amazonaws.connect.event.message.read","Content":"{\"messageId\":\"msg-\\\"1\\\"\"}","ClientToken":"ct-1"}"#
/// );
/// ```
pub fn request_body(event: &ValidSendEvent, client_token: Option<&str>) -> Vec<u8> {
    body_with_token(event, client_token.map(str::as_bytes))
}

/// [`request_body`] with the client token as UTF-8 bytes (a generated
/// token is ASCII and never becomes a `str`).
pub(crate) fn body_with_token(event: &ValidSendEvent, client_token: Option<&[u8]>) -> Vec<u8> {
    let e = event.event();
    let content_type = e.content_type().as_str();
    let content = e.content();
    let len =
        content_type.len() + content.map_or(0, str::len) + client_token.map_or(0, <[u8]>::len);
    // 48 bytes of member names and punctuation; escapes may grow it.
    let mut out = Vec::with_capacity(len + 48);
    out.extend_from_slice(b"{\"ContentType\":");
    push_json_str(&mut out, content_type.as_bytes());
    if let Some(content) = content {
        out.extend_from_slice(b",\"Content\":");
        push_json_str(&mut out, content.as_bytes());
    }
    if let Some(client_token) = client_token {
        out.extend_from_slice(b",\"ClientToken\":");
        push_json_str(&mut out, client_token);
    }
    out.push(b'}');
    out
}

/// Builds the request of one attempt: `POST {endpoint}/participant/event` with
/// `content-type`, `content-length`, `user-agent` and the token in
/// `x-amz-bearer` (marked sensitive, so `http`'s `Debug` hides it).
///
/// `client_token` is the token sent as `ClientToken`; the call state machine
/// passes the caller's or a generated UUID v4.
///
/// ```
/// use connect_participant_core::{build_request, Endpoint, SendEvent};
///
/// let event = SendEvent::typing("my-token").validate().unwrap();
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
pub fn build_request(
    event: &ValidSendEvent,
    endpoint: &Endpoint,
    client_token: Option<&str>,
) -> http::Request<Vec<u8>> {
    request_with_body(event, endpoint, request_body(event, client_token))
}

/// Builds the request around a body made by [`request_body`].
pub(crate) fn request_with_body(
    event: &ValidSendEvent,
    endpoint: &Endpoint,
    body: Vec<u8>,
) -> http::Request<Vec<u8>> {
    let mut request = http::Request::new(Vec::new());
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = endpoint.event_uri().clone();
    let headers = request.headers_mut();
    headers.reserve(REQUEST_HEADERS);
    headers.insert(CONTENT_TYPE, JSON);
    headers.insert(CONTENT_LENGTH, content_length(body.len()));
    headers.insert(USER_AGENT, AGENT);
    // Validation guarantees a header-safe token; an impossible failure
    // leaves the header out, and the service then refuses the call.
    if let Ok(mut token) = HeaderValue::from_str(event.event().connection_token().expose()) {
        token.set_sensitive(true);
        headers.insert(BEARER, token);
    }
    *request.body_mut() = body;
    request
}

/// Shows a request for people: method, URI, headers (the token replaced by
/// `<redacted>`) and body, as JSON. Used by `--dry-run` and in logs.
///
/// ```
/// use connect_participant_core::{build_request, Endpoint, RedactedRequest, SendEvent};
///
/// let event = SendEvent::typing("my-token").validate().unwrap();
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
