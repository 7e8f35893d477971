//! Building the SendEvent HTTP request, and showing it with the token redacted.

use std::fmt;

use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use serde_core::Serialize;

use crate::{Endpoint, ValidSendEvent};

/// The `user-agent` this crate sends: its name and version.
pub const USER_AGENT_VALUE: &str = concat!("connect-participant-core/", env!("CARGO_PKG_VERSION"));

/// The header that carries the connection token.
pub const BEARER_HEADER: &str = "x-amz-bearer";

/// [`BEARER_HEADER`] as a ready header name (a `&str` key is parsed on every use).
const BEARER: HeaderName = HeaderName::from_static(BEARER_HEADER);

/// The request body's members; unset ones are left out (never `null`).
struct WireInput<'a> {
    content_type: &'a str,
    content: Option<&'a str>,
    client_token: Option<&'a str>,
}

impl Serialize for WireInput<'_> {
    fn serialize<S: serde_core::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde_core::ser::SerializeMap;
        let set = [self.content, self.client_token];
        let mut map = serializer.serialize_map(Some(1 + set.iter().flatten().count()))?;
        map.serialize_entry("ContentType", self.content_type)?;
        for (name, value) in ["Content", "ClientToken"].into_iter().zip(set) {
            if let Some(value) = value {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

/// The JSON body of a SendEvent request: only the members that are set.
pub fn request_body(event: &ValidSendEvent, client_token: Option<&str>) -> Vec<u8> {
    let e = event.event();
    let wire = WireInput {
        content_type: e.content_type().as_str(),
        content: e.content(),
        client_token,
    };
    // Serializing strings into a Vec cannot fail.
    serde_json::to_vec(&wire).unwrap_or_default()
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
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
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
