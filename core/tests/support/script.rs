//! Scripted attempt outcomes, an HTTP client that answers from a script and
//! records the waits instead of sleeping, and a record of a whole call.

use std::cell::RefCell;
use std::time::Duration;

use connect_participant_core::retry::RetryClass;
use connect_participant_core::{
    Client, Error, Next, SendEvent, SendEventOutput, SyncHttpClient, TransportError,
    TransportErrorKind,
};
use proptest::prelude::*;

use super::oracle;

/// How one attempt ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 200 with an output (`Id` `ev-N`), or with an empty body.
    Success { empty: bool },
    /// 200 with a body that is not an output.
    Malformed,
    /// An error answer: the code goes in `__type` with a namespace.
    Service {
        status: u16,
        code: Option<&'static str>,
        retry_after_ms: Option<u64>,
    },
    /// The transport fails.
    Transport(TransportErrorKind),
}

/// Every transport failure kind.
pub const TRANSPORT_KINDS: [TransportErrorKind; 6] = [
    TransportErrorKind::Connect,
    TransportErrorKind::Timeout,
    TransportErrorKind::Io,
    TransportErrorKind::Tls,
    TransportErrorKind::BodyTooLarge,
    TransportErrorKind::Other,
];

/// Realistic status and code pairs.
pub const SERVICE_ANSWERS: &[(u16, Option<&str>)] = &[
    (429, None),
    (429, Some("ThrottlingException")),
    (429, Some("TooManyRequestsException")),
    (400, Some("ThrottlingException")),
    (400, Some("SlowDown")),
    (400, Some("RequestTimeout")),
    (400, Some("ValidationException")),
    (400, None),
    (403, Some("AccessDeniedException")),
    (409, Some("ConflictException")),
    (404, None),
    (500, None),
    (500, Some("InternalServerException")),
    (500, Some("PriorRequestNotComplete")),
    (500, Some("ConflictException")),
    (502, None),
    (503, None),
    (503, Some("ServiceUnavailable")),
    (504, None),
    (501, None),
];

/// Any outcome, errors the likeliest.
pub fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        2 => any::<bool>().prop_map(|empty| Outcome::Success { empty }),
        1 => Just(Outcome::Malformed),
        8 => (
            prop::sample::select(SERVICE_ANSWERS),
            proptest::option::weighted(0.3, 0u64..=60_000),
        )
            .prop_map(|((status, code), retry_after_ms)| Outcome::Service {
                status,
                code,
                retry_after_ms
            }),
        3 => prop::sample::select(&TRANSPORT_KINDS[..]).prop_map(Outcome::Transport),
    ]
}

/// An outcome that is always retried (throttling or transient), with or
/// without a hint.
pub fn retryable_outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        (
            prop::sample::select(
                &[
                    (429, None),
                    (400, Some("SlowDown")),
                    (503, None),
                    (500, Some("InternalServerException")),
                    (400, Some("RequestTimeout")),
                ][..]
            ),
            proptest::option::weighted(0.3, 0u64..=60_000),
        )
            .prop_map(|((status, code), retry_after_ms)| Outcome::Service {
                status,
                code,
                retry_after_ms
            }),
        prop::sample::select(
            &[
                TransportErrorKind::Connect,
                TransportErrorKind::Timeout,
                TransportErrorKind::Io
            ][..]
        )
        .prop_map(Outcome::Transport),
    ]
}

impl Outcome {
    /// The response or transport error of attempt `attempt`, with a request
    /// id (or message) naming the attempt.
    pub fn to_result(&self, attempt: u32) -> Result<http::Response<Vec<u8>>, TransportError> {
        let request_id = format!("req-{attempt}");
        let builder = http::Response::builder().header("x-amzn-RequestId", request_id.as_str());
        let response = match self {
            Outcome::Success { empty: true } => builder.status(200).body(Vec::new()),
            Outcome::Success { empty: false } => builder
                .status(200)
                .body(format!("{{\"Id\":\"ev-{attempt}\",\"AbsoluteTime\":\"t\"}}").into_bytes()),
            Outcome::Malformed => builder.status(200).body(b"[\"not an output\"]".to_vec()),
            Outcome::Service {
                status,
                code,
                retry_after_ms,
            } => {
                let mut b = builder.status(*status);
                if let Some(ms) = retry_after_ms {
                    b = b.header("x-amz-retry-after", ms.to_string());
                }
                let body = match code {
                    Some(c) => format!("{{\"__type\":\"ns#{c}\",\"message\":\"m{attempt}\"}}"),
                    None => String::new(),
                };
                b.body(body.into_bytes())
            }
            Outcome::Transport(kind) => {
                return Err(TransportError::new(*kind, format!("failure {attempt}")))
            }
        };
        Ok(response.expect("response"))
    }

    /// The spec's class of this outcome; `None` for a success.
    pub fn class(&self) -> Option<RetryClass> {
        match self {
            Outcome::Success { .. } => None,
            Outcome::Malformed => Some(RetryClass::Final),
            Outcome::Service { status, code, .. } => Some(oracle::expected_class(*status, *code)),
            Outcome::Transport(kind) => Some(oracle::transport_class(*kind)),
        }
    }

    /// The `x-amz-retry-after` hint it carries.
    pub fn hint(&self) -> Option<Duration> {
        match self {
            Outcome::Service {
                retry_after_ms: Some(ms),
                ..
            } => Some(Duration::from_millis(*ms)),
            _ => None,
        }
    }

    /// What retrying after it costs.
    pub fn retry_cost(&self) -> u32 {
        oracle::retry_cost(matches!(
            self,
            Outcome::Transport(TransportErrorKind::Timeout)
        ))
    }
}

/// What an in-test HTTP client saw, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A request was sent (attempt number, from 1).
    Send(u32),
    /// The loop asked for a wait.
    Sleep(Duration),
}

/// A `SyncHttpClient` that answers attempt N with `outcomes[N-1]` (cycled),
/// records every request and every wait, and never sleeps.
pub struct ScriptedHttp {
    outcomes: Vec<Outcome>,
    pub requests: RefCell<Vec<http::Request<Vec<u8>>>>,
    pub log: RefCell<Vec<Event>>,
}

impl ScriptedHttp {
    pub fn new(outcomes: &[Outcome]) -> Self {
        assert!(!outcomes.is_empty());
        ScriptedHttp {
            outcomes: outcomes.to_vec(),
            requests: RefCell::new(Vec::new()),
            log: RefCell::new(Vec::new()),
        }
    }

    /// The waits asked for, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.log
            .borrow()
            .iter()
            .filter_map(|e| match e {
                Event::Sleep(d) => Some(*d),
                Event::Send(_) => None,
            })
            .collect()
    }

    /// The requests sent so far.
    pub fn sent(&self) -> usize {
        self.requests.borrow().len()
    }
}

impl SyncHttpClient for ScriptedHttp {
    type Body = Vec<u8>;

    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let mut requests = self.requests.borrow_mut();
        requests.push(request);
        let n = requests.len();
        self.log.borrow_mut().push(Event::Send(n as u32));
        self.outcomes[(n - 1) % self.outcomes.len()].to_result(n as u32)
    }

    fn sleep(&self, wait: Duration) {
        self.log.borrow_mut().push(Event::Sleep(wait));
    }
}

pub use super::oracle::{view, RequestView};

/// Everything observable about one call driven by hand.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub client_token: Option<String>,
    pub invocation_id: String,
    pub requests: Vec<RequestView>,
    pub waits: Vec<Duration>,
    pub result: Result<SendEventOutput, Error>,
}

/// Drives a call of `event` with `seed` by hand, answering attempt N with
/// `outcomes[N-1]` (cycled), and records it. Checks nothing.
pub fn drive(client: &Client, event: SendEvent, seed: [u8; 32], outcomes: &[Outcome]) -> Run {
    let mut call = client.start(event, seed).expect("a valid event");
    let client_token = call.client_token().map(str::to_owned);
    let invocation_id = call.invocation_id().to_owned();
    let mut requests = Vec::new();
    let mut waits = Vec::new();
    loop {
        let request = call.next_request();
        requests.push(view(&request));
        let n = requests.len();
        assert!(n <= 100, "the call never ends");
        match call.finish_attempt(outcomes[(n - 1) % outcomes.len()].to_result(n as u32)) {
            Next::Done(result) => {
                return Run {
                    client_token,
                    invocation_id,
                    requests,
                    waits,
                    result,
                }
            }
            Next::RetryAfter { wait, call: next } => {
                waits.push(wait);
                call = next;
            }
        }
    }
}
