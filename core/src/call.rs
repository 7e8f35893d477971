//! One logical SendEvent call across its attempts: a small state machine.

use std::time::Duration;

use http::{HeaderName, HeaderValue};

use crate::request::{body_with_token, request_with_body};
use crate::retry::{backoff, NO_RETRY_INCREMENT, RETRY_COST, RETRY_TIMEOUT_COST};
use crate::uuid::uuid_v4_bytes;
use crate::{
    parse_response, Client, Error, ErrorClass, ResponseError, SendEventOutput, TransportError,
    TransportErrorKind, ValidSendEvent,
};

/// The header with the per-call invocation id.
pub const INVOCATION_ID_HEADER: &str = "amz-sdk-invocation-id";
/// The header with the attempt number and the maximum.
pub const SDK_REQUEST_HEADER: &str = "amz-sdk-request";

const INVOCATION_ID: HeaderName = HeaderName::from_static(INVOCATION_ID_HEADER);
const SDK_REQUEST: HeaderName = HeaderName::from_static(SDK_REQUEST_HEADER);

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Next {
    /// The call is over: the output or the error, each with the attempts made.
    Done(Result<SendEventOutput, Error>),
    /// Sleep this long, then send [`Call::next_request`] again.
    RetryAfter(Duration),
}

/// One logical SendEvent call. It owns the validated input, the client token
/// and invocation id fixed at the start, and the attempt count; a transport
/// only sends its requests, reports the outcomes, and sleeps when told.
///
/// ```
/// use connect_participant_core::{Client, Config, Next, SendEvent};
///
/// let client = Client::new(Config::for_endpoint("http://127.0.0.1:8080").unwrap());
/// let mut call = client.start(SendEvent::typing("token"), [1; 32]).unwrap();
/// // A fake service: throttles once, then succeeds.
/// let mut answers = vec![(200, r#"{"Id":"e1"}"#), (429, "")];
/// let output = loop {
///     let request = call.next_request();
///     assert!(request.headers()["amz-sdk-request"].to_str().unwrap().ends_with("max=3"));
///     let (status, body) = answers.pop().unwrap();
///     let response = http::Response::builder().status(status).body(body).unwrap();
///     match call.finish_attempt(Ok(response), 0.5) {
///         Next::Done(result) => break result.unwrap(),
///         Next::RetryAfter(wait) => assert_eq!(wait.as_millis(), 500), // sleep here
///     }
/// };
/// assert_eq!((output.id.as_deref(), output.attempts), (Some("e1"), 2));
/// ```
pub struct Call {
    client: Client,
    event: ValidSendEvent,
    /// The client token when the caller gave none (ASCII); a given one is
    /// read from the event.
    generated_token: Option<[u8; 36]>,
    /// ASCII: hex digits and dashes.
    invocation_id: [u8; 36],
    attempts: u32,
    last_retry_cost: Option<u32>,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("endpoint", self.client.config().endpoint())
            .field("content_type", self.event.event().content_type())
            .field("client_token", &self.client_token())
            .field("invocation_id", &self.invocation_id())
            .field("attempts", &self.attempts)
            .field("max_attempts", &self.max_attempts())
            .field("body", &String::from_utf8_lossy(&self.body()))
            .finish_non_exhaustive()
    }
}

impl Call {
    pub(crate) fn new(client: Client, event: ValidSendEvent, random: [u8; 32]) -> Self {
        let (token_bytes, id_bytes) = random.split_at(16);
        let mut a = [0u8; 16];
        a.copy_from_slice(token_bytes);
        let mut b = [0u8; 16];
        b.copy_from_slice(id_bytes);
        let generated_token = match event.event().client_token() {
            Some(_) => None,
            None => Some(uuid_v4_bytes(a)),
        };
        let invocation_id = uuid_v4_bytes(b);
        Call {
            client,
            event,
            generated_token,
            invocation_id,
            attempts: 0,
            last_retry_cost: None,
        }
    }

    /// The `ClientToken` sent on every attempt.
    pub fn client_token(&self) -> &str {
        std::str::from_utf8(self.client_token_bytes()).unwrap_or_default()
    }

    /// [`Call::client_token`] as UTF-8 bytes, for the body (no check needed).
    fn client_token_bytes(&self) -> &[u8] {
        match &self.generated_token {
            Some(bytes) => bytes,
            None => self
                .event
                .event()
                .client_token()
                .unwrap_or_default()
                .as_bytes(),
        }
    }

    /// The `amz-sdk-invocation-id` sent on every attempt.
    pub fn invocation_id(&self) -> &str {
        std::str::from_utf8(&self.invocation_id).unwrap_or_default()
    }

    /// Attempts started so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The most attempts this call makes.
    pub fn max_attempts(&self) -> u32 {
        self.client.config().retry().max_attempts()
    }

    /// The input being sent.
    pub fn event(&self) -> &ValidSendEvent {
        &self.event
    }

    /// The request body. Written again for each attempt rather than kept
    /// and copied: the same bytes every time (the client token is fixed), and
    /// a call that succeeds at once, the usual case, writes it once.
    fn body(&self) -> Vec<u8> {
        body_with_token(&self.event, Some(self.client_token_bytes()))
    }

    /// Starts the next attempt and gives its request: the same body and
    /// client token every time, with `amz-sdk-request: attempt=N; max=M`.
    pub fn next_request(&mut self) -> http::Request<Vec<u8>> {
        self.attempts = (self.attempts + 1).min(self.max_attempts());
        let mut request =
            request_with_body(&self.event, self.client.config().endpoint(), self.body());
        let headers = request.headers_mut();
        // A fresh value per attempt (one small copy): cloning a kept one
        // would allocate as well, to share it.
        if let Ok(id) = HeaderValue::from_bytes(&self.invocation_id) {
            headers.insert(INVOCATION_ID, id);
        }
        if let Some(v) = sdk_request_value(self.attempts, self.max_attempts()) {
            headers.insert(SDK_REQUEST, v);
        }
        request
    }

    /// Takes the outcome of the attempt started by [`Call::next_request`]
    /// and decides: done, or retry after a wait. `jitter` is a random value
    /// in `[0, 1)` from the caller, used only if a retry follows.
    pub fn finish_attempt<B: AsRef<[u8]>>(
        &mut self,
        outcome: Result<http::Response<B>, TransportError>,
        jitter: f64,
    ) -> Next {
        let attempts = self.attempts.max(1);
        self.attempts = attempts;
        let quota = self.client.quota();
        let (error, class, retry_after, cost) = match outcome {
            Ok(response) => match parse_response(&response) {
                Ok(mut output) => {
                    quota.release(self.last_retry_cost.unwrap_or(NO_RETRY_INCREMENT));
                    output.attempts = attempts;
                    return Next::Done(Ok(output));
                }
                Err(ResponseError::Service(e)) => {
                    let (class, hint) = (e.class(), e.retry_after());
                    (
                        Error::Service { error: e, attempts },
                        class,
                        hint,
                        RETRY_COST,
                    )
                }
                Err(e) => (
                    Error::from_response(e, attempts),
                    ErrorClass::Final,
                    None,
                    0,
                ),
            },
            Err(e) => {
                let cost = if e.kind() == TransportErrorKind::Timeout {
                    RETRY_TIMEOUT_COST
                } else {
                    RETRY_COST
                };
                let class = e.class();
                (Error::Transport { error: e, attempts }, class, None, cost)
            }
        };
        if !class.is_retryable() || attempts >= self.max_attempts() || !quota.try_acquire(cost) {
            return Next::Done(Err(error));
        }
        self.last_retry_cost = Some(cost);
        Next::RetryAfter(backoff(attempts, jitter, retry_after))
    }
}

/// `amz-sdk-request: attempt=N; max=M`, without formatting for the usual
/// limits (up to 3 attempts, the default).
fn sdk_request_value(attempt: u32, max: u32) -> Option<HeaderValue> {
    const STATIC: [&[&str]; 3] = [
        &["attempt=1; max=1"],
        &["attempt=1; max=2", "attempt=2; max=2"],
        &["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"],
    ];
    let known = usize::try_from(max)
        .ok()
        .and_then(|m| STATIC.get(m.checked_sub(1)?))
        .and_then(|row| row.get(usize::try_from(attempt).ok()?.checked_sub(1)?));
    match known {
        Some(text) => Some(HeaderValue::from_static(text)),
        None => HeaderValue::from_str(&format!("attempt={attempt}; max={max}")).ok(),
    }
}
