//! What makes an operation of the Participant Service: its input with its
//! validation, its request body and its output. Everything else (the
//! endpoint, the `X-Amz-Bearer` header, the invocation and attempt headers,
//! restJson1 errors, retries, the call) is shared by every operation.
//!
//! [`SendEvent`](crate::SendEvent) is one operation; adding another costs an
//! implementation of [`Operation`] and nothing in the transports.

use crate::error::InvalidInput;

/// What the response carries besides the body, for the output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The `x-amzn-RequestId` header.
    pub request_id: Option<String>,
    /// Attempts the call took (1 when a response is parsed on its own).
    pub attempts: u32,
}

/// One operation of the service: an input that can validate itself, write
/// its request body, and read its output.
///
/// ```
/// use connect_participant::operation::Operation;
/// use connect_participant::SendEvent;
///
/// assert_eq!(SendEvent::NAME, "SendEvent");
/// assert_eq!(SendEvent::PATH, "/participant/event");
/// let event = SendEvent::typing("token");
/// assert!(event.validate().is_ok());
/// let mut body = Vec::new();
/// event.write_body(Some("ct-1"), &mut body);
/// assert_eq!(body, br#"{"ContentType":"application/vnd.amazonaws.connect.event.typing","ClientToken":"ct-1"}"#);
/// ```
pub trait Operation {
    /// What a success gives.
    type Output;
    /// The operation's name, as errors and the AWS CLI print it.
    const NAME: &'static str;
    /// The request path, appended to the endpoint's base path.
    const PATH: &'static str;
    /// True when the operation takes a `ClientToken`: the call then sends
    /// the caller's, or one generated from its seed, on every attempt.
    const IDEMPOTENT: bool;
    /// True when a success body holds secrets: a malformed one is then
    /// reported without an excerpt of the body or the values in it.
    const SECRET_OUTPUT: bool = false;

    /// Checks every rule of the input, in field order; the first broken
    /// one names its field and rule. Nothing is sent for an invalid input.
    fn validate(&self) -> Result<(), InvalidInput>;

    /// The token sent in `X-Amz-Bearer` (a credential: never log it).
    fn bearer(&self) -> &str;

    /// The caller-given client token, if any. An empty one counts as none
    /// given (docs/spec.md#idempotency).
    fn client_token(&self) -> Option<&str> {
        None
    }

    /// Appends the JSON request body, with `client_token` as the
    /// `ClientToken` member when the operation takes one.
    fn write_body(&self, client_token: Option<&str>, out: &mut Vec<u8>);

    /// The shape of a 2xx body, as serde's derive reads it. The core reads
    /// it in one strict pass (docs/spec.md#success): an empty body as `{}`,
    /// the whole body a JSON object, unknown members skipped but still read
    /// as JSON, `null` as absent, a named member given twice refused, a
    /// struct only from a JSON object.
    type Body: serde::de::DeserializeOwned;

    /// The output from the body read and what the response carries besides it.
    fn output(body: Self::Body, meta: ResponseMeta) -> Self::Output;
}
