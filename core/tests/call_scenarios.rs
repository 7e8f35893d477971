//! One test per path through a call: what a transport sees (requests,
//! waits) and what the caller gets (output or error, attempts), plus the
//! shared retry quota after each path. The calls run through the core's one
//! retry loop ([`Client::call`]) over a scripted HTTP client whose sleep
//! returns at once and records the wait; a few drive a [`Call`] by hand.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use connect_participant_core::retry::{RetryClass, RetryConfig, RetryQuota};
use connect_participant_core::wire::{INVOCATION_ID_HEADER, SDK_REQUEST_HEADER};
use connect_participant_core::{
    Call, Client, Config, Error, Next, SendEvent, SendEventOutput, ServiceErrorKind,
    SyncHttpClient, TransportError, TransportErrorKind,
};

type Outcome = Result<http::Response<Vec<u8>>, TransportError>;

const TOKEN: &str = "connection-token-for-tests";
const SUCCESS: &str = r#"{"Id":"ev-1","AbsoluteTime":"2019-11-08T02:41:28.172Z"}"#;

fn config() -> Config {
    Config::for_endpoint("http://127.0.0.1:8080").expect("config")
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Outcome {
    let mut b = http::Response::builder().status(status);
    for (name, value) in headers {
        b = b.header(*name, *value);
    }
    Ok(b.body(body.as_bytes().to_vec()).expect("response"))
}

fn success(request_id: &str) -> Outcome {
    response(200, &[("x-amzn-RequestId", request_id)], SUCCESS)
}

fn error(status: u16, code: &str, request_id: &str) -> Outcome {
    response(
        status,
        &[("x-amzn-RequestId", request_id), ("X-Amzn-Errortype", code)],
        r#"{"message":"from the service"}"#,
    )
}

fn transport(kind: TransportErrorKind) -> Outcome {
    Err(TransportError::new(kind, "simulated"))
}

/// What a transport saw while driving one call.
struct Run {
    result: Result<SendEventOutput, Error>,
    requests: Vec<http::Request<Vec<u8>>>,
    waits: Vec<Duration>,
}

impl Run {
    fn client_tokens(&self) -> Vec<String> {
        self.requests
            .iter()
            .map(|r| {
                let body: serde_json::Value = serde_json::from_slice(r.body()).expect("JSON");
                body["ClientToken"]
                    .as_str()
                    .expect("ClientToken")
                    .to_owned()
            })
            .collect()
    }

    fn header(&self, name: &str) -> Vec<String> {
        self.requests
            .iter()
            .map(|r| r.headers()[name].to_str().expect("ascii").to_owned())
            .collect()
    }
}

/// A scripted HTTP client: answers with the outcomes in order, records
/// every request and every wait (and never sleeps).
struct Script {
    outcomes: RefCell<std::vec::IntoIter<Outcome>>,
    requests: RefCell<Vec<http::Request<Vec<u8>>>>,
    waits: RefCell<Vec<Duration>>,
}

impl Script {
    fn new(outcomes: Vec<Outcome>) -> Self {
        Script {
            outcomes: RefCell::new(outcomes.into_iter()),
            requests: RefCell::default(),
            waits: RefCell::default(),
        }
    }
}

impl SyncHttpClient for Script {
    type Body = Vec<u8>;

    fn send(&self, request: http::Request<Vec<u8>>) -> Outcome {
        self.requests.borrow_mut().push(request);
        let n = self.requests.borrow().len();
        self.outcomes
            .borrow_mut()
            .next()
            .unwrap_or_else(|| panic!("attempt {n} was not expected"))
    }

    fn sleep(&self, wait: Duration) {
        self.waits.borrow_mut().push(wait);
    }
}

const SEED: [u8; 32] = [0x5a; 32];

fn event() -> SendEvent {
    SendEvent::read_receipt(TOKEN, "message-1")
}

/// Runs one call through [`Client::call`] with the outcomes in order; fails
/// if the call asks for more attempts than there are outcomes, or fewer.
fn drive(client: &Client, outcomes: Vec<Outcome>) -> Run {
    let script = Script::new(outcomes);
    let result = client.call(&script, event(), SEED);
    assert!(
        script.outcomes.borrow_mut().next().is_none(),
        "the call ended early"
    );
    Run {
        result,
        requests: script.requests.into_inner(),
        waits: script.waits.into_inner(),
    }
}

/// Drives a started `call` by hand with the outcomes in order.
fn drive_call(mut call: Call<SendEvent>, outcomes: Vec<Outcome>) -> Run {
    let mut requests = Vec::new();
    let mut waits = Vec::new();
    let mut outcomes = outcomes.into_iter();
    loop {
        requests.push(call.next_request());
        let outcome = outcomes
            .next()
            .unwrap_or_else(|| panic!("attempt {} was not expected", requests.len()));
        match call.finish_attempt(outcome) {
            Next::Done(result) => {
                assert!(outcomes.next().is_none(), "the call ended early");
                return Run {
                    result,
                    requests,
                    waits,
                };
            }
            Next::RetryAfter { wait, call: next } => {
                waits.push(wait);
                call = next;
            }
        }
    }
}

fn start(client: &Client) -> Call<SendEvent> {
    client.start(event(), SEED).expect("valid input")
}

/// The wait after one failed attempt of a call started with [`SEED`].
fn first_wait(client: &Client, outcome: Outcome) -> Duration {
    let mut call = start(client);
    let _ = call.next_request();
    match call.finish_attempt(outcome) {
        Next::RetryAfter { wait, .. } => wait,
        Next::Done(result) => panic!("expected a retry, got {result:?}"),
    }
}

fn assert_same_call_headers(run: &Run, max: u32) {
    let tokens = run.client_tokens();
    assert!(tokens.windows(2).all(|w| w[0] == w[1]), "{tokens:?}");
    let ids = run.header(INVOCATION_ID_HEADER);
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    let want: Vec<String> = (1..=run.requests.len())
        .map(|n| format!("attempt={n}; max={max}"))
        .collect();
    assert_eq!(run.header(SDK_REQUEST_HEADER), want);
    for r in &run.requests {
        assert_eq!(r.headers()["x-amz-bearer"], TOKEN);
    }
}

/// Each wait is the backoff of its attempt: under `min(2^(n-1), 20)` s.
fn assert_backoff_bounds(waits: &[Duration]) {
    for (i, wait) in waits.iter().enumerate() {
        let cap = Duration::from_secs(1 << i).min(Duration::from_secs(20));
        assert!(*wait < cap, "wait {} is {wait:?}, cap {cap:?}", i + 1);
    }
}

#[test]
fn success_at_once() {
    let client = Client::with_quota(config(), RetryQuota::with_tokens(495));
    let run = drive(&client, vec![success("req-1")]);
    let out = run.result.clone().expect("output");
    assert_eq!(out.attempts, 1);
    assert_eq!(out.id.as_deref(), Some("ev-1"));
    assert_eq!(
        out.absolute_time.as_deref(),
        Some("2019-11-08T02:41:28.172Z")
    );
    assert_eq!(out.request_id.as_deref(), Some("req-1"));
    assert!(run.waits.is_empty());
    assert_eq!(
        client.quota().available(),
        496,
        "a first-try success refunds 1"
    );

    // The refund never takes the quota above 500.
    let full = Client::new(config());
    drive(&full, vec![success("req-2")]).result.expect("output");
    assert_eq!(full.quota().available(), 500);
}

#[test]
fn success_after_a_server_error() {
    let client = Client::with_quota(config(), RetryQuota::with_tokens(400));
    let mut call = start(&client);
    let generated = call.client_token().expect("generated").to_owned();
    let _ = call.next_request();
    let Next::RetryAfter { wait, call } =
        call.finish_attempt(error(500, "InternalServerException", "req-1"))
    else {
        panic!("a server error is retried")
    };
    assert!(wait < Duration::from_secs(1));
    assert_eq!(client.quota().available(), 395, "a retry takes 5");

    let run = drive_call(call, vec![success("req-2")]);
    let out = run.result.clone().expect("output");
    assert_eq!(out.attempts, 2);
    assert_eq!(out.request_id.as_deref(), Some("req-2"));
    assert_eq!(run.client_tokens(), vec![generated]);
    assert_eq!(run.header(SDK_REQUEST_HEADER), vec!["attempt=2; max=3"]);
    assert_eq!(
        client.quota().available(),
        400,
        "a success after a retry refunds what the retry took"
    );
}

#[test]
fn success_after_a_throttle() {
    let client = Client::with_quota(config(), RetryQuota::with_tokens(300));
    let run = drive(
        &client,
        vec![error(429, "ThrottlingException", "req-1"), success("req-2")],
    );
    assert_eq!(run.result.clone().expect("output").attempts, 2);
    assert_eq!(run.waits.len(), 1);
    assert_backoff_bounds(&run.waits);
    assert_same_call_headers(&run, 3);
    assert_eq!(client.quota().available(), 300);
}

#[test]
fn attempts_run_out() {
    let client = Client::new(config());
    let run = drive(
        &client,
        vec![
            error(503, "ServiceUnavailable", "req-1"),
            error(503, "ServiceUnavailable", "req-2"),
            error(503, "ServiceUnavailable", "req-3"),
        ],
    );
    // Backoff caps: 1 s before attempt 2, 2 s before attempt 3.
    assert_eq!(run.waits.len(), 2);
    assert_backoff_bounds(&run.waits);
    assert_same_call_headers(&run, 3);
    match run.result {
        Err(Error::Service { error, attempts }) => {
            assert_eq!(attempts, 3);
            assert_eq!(error.status(), 503);
            assert_eq!(error.code(), Some("ServiceUnavailable"));
            assert_eq!(error.request_id(), Some("req-3"), "the last error");
            assert_eq!(error.retry_class(), RetryClass::Transient);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(client.quota().available(), 490, "two retries, no refund");
}

#[test]
fn empty_quota_means_no_retry() {
    let client = Client::with_quota(config(), RetryQuota::with_tokens(4));
    let run = drive(&client, vec![error(500, "", "req-1")]);
    let err = run.result.clone().expect_err("error");
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        err.retry_class(),
        RetryClass::Transient,
        "retryable, but no tokens"
    );
    assert_eq!(client.quota().available(), 4);

    // A timeout needs 10: 9 tokens are not enough, 10 are.
    let client = Client::with_quota(config(), RetryQuota::with_tokens(9));
    let run = drive(&client, vec![transport(TransportErrorKind::Timeout)]);
    assert_eq!(run.result.clone().expect_err("error").attempts(), 1);
    let client = Client::with_quota(config(), RetryQuota::with_tokens(10));
    let run = drive(
        &client,
        vec![transport(TransportErrorKind::Timeout), success("req-2")],
    );
    assert_eq!(run.result.clone().expect("output").attempts, 2);
}

#[test]
fn a_final_error_ends_the_call_at_once() {
    let client = Client::new(config());
    let run = drive(
        &client,
        vec![response(
            409,
            &[
                ("x-amzn-RequestId", "req-409"),
                ("X-Amzn-Errortype", "ConflictException"),
            ],
            r#"{"message":"Operation can not be performed due to the state of the contact."}"#,
        )],
    );
    match run.result {
        Err(Error::Service { error, attempts }) => {
            assert_eq!(attempts, 1);
            assert_eq!(error.kind(), ServiceErrorKind::Conflict);
            assert_eq!(
                error.message(),
                Some("Operation can not be performed due to the state of the contact.")
            );
            assert_eq!(error.request_id(), Some("req-409"));
            assert_eq!(error.retry_class(), RetryClass::Final);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(client.quota().available(), 500);

    // The same for the chat-ended and validation answers.
    for (status, code) in [(403, "AccessDeniedException"), (400, "ValidationException")] {
        let run = drive(&client, vec![error(status, code, "r")]);
        assert_eq!(
            run.result.clone().expect_err("error").attempts(),
            1,
            "{code}"
        );
    }
}

#[test]
fn a_timeout_costs_ten_and_is_refunded_on_success() {
    let client = Client::new(config());
    let mut call = start(&client);
    let _ = call.next_request();
    let Next::RetryAfter { call, .. } =
        call.finish_attempt::<Vec<u8>>(transport(TransportErrorKind::Timeout))
    else {
        panic!("a timeout is retried")
    };
    assert_eq!(client.quota().available(), 490);
    let run = drive_call(call, vec![success("req-2")]);
    assert_eq!(run.result.clone().expect("output").attempts, 2);
    assert_eq!(client.quota().available(), 500);

    // Connection failures and broken exchanges cost 5.
    for kind in [TransportErrorKind::Connect, TransportErrorKind::Io] {
        let client = Client::new(config());
        let run = drive(&client, vec![transport(kind), success("r")]);
        assert_eq!(run.result.clone().expect("output").attempts, 2);
        assert_eq!(client.quota().available(), 500);
        let client = Client::new(config());
        let _ = first_wait(&client, transport(kind));
        assert_eq!(client.quota().available(), 495, "{kind:?}");
    }
}

#[test]
fn transport_failures_that_cannot_heal_are_not_retried() {
    for kind in [
        TransportErrorKind::Tls,
        TransportErrorKind::BodyTooLarge,
        TransportErrorKind::Other,
    ] {
        let client = Client::new(config());
        let run = drive(&client, vec![transport(kind)]);
        match run.result {
            Err(Error::Transport { error, attempts }) => {
                assert_eq!((error.kind(), attempts), (kind, 1));
            }
            other => panic!("{kind:?}: {other:?}"),
        }
        assert_eq!(client.quota().available(), 500);
    }
}

#[test]
fn a_malformed_success_is_not_retried() {
    let client = Client::new(config());
    let run = drive(
        &client,
        vec![response(200, &[("x-amzn-RequestId", "req-m")], "{\"Id\":")],
    );
    match run.result {
        Err(Error::MalformedResponse { error, attempts }) => {
            assert_eq!(attempts, 1);
            assert_eq!(error.request_id(), Some("req-m"));
            assert_eq!(error.excerpt(), "{\"Id\":");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn retry_after_header_is_honoured() {
    let wait_for = |hint_ms: &str| {
        first_wait(
            &Client::new(config()),
            response(503, &[("x-amz-retry-after", hint_ms)], ""),
        )
    };
    let backoff = wait_for("soon"); // not a whole number of milliseconds: ignored
    assert!(backoff < Duration::from_secs(1));
    // The hint raises the backoff (under 1 s) ...
    assert_eq!(wait_for("3000"), Duration::from_secs(3));
    // ... but never beyond backoff + 5 s.
    assert_eq!(wait_for("60000"), backoff + Duration::from_secs(5));
    // A hint below the backoff does not shorten it.
    assert_eq!(wait_for("100"), backoff.max(Duration::from_millis(100)));

    // On a later attempt the hint applies to that attempt's backoff.
    let client = Client::new(config());
    let run = drive(
        &client,
        vec![
            response(429, &[("x-amz-retry-after", "1500")], ""),
            response(429, &[("x-amz-retry-after", "1500")], ""),
            success("r"),
        ],
    );
    assert_eq!(run.waits[0], Duration::from_millis(1500));
    assert!(run.waits[1] >= Duration::from_millis(1500) && run.waits[1] < Duration::from_secs(2));
}

#[test]
fn the_seed_decides_tokens_and_waits() {
    let outcomes = || {
        vec![
            error(500, "InternalServerException", "1"),
            error(503, "", "2"),
            success("3"),
        ]
    };
    let a = drive(&Client::new(config()), outcomes());
    let b = drive(&Client::new(config()), outcomes());
    assert_eq!(a.waits, b.waits, "the same seed, the same waits");
    assert_eq!(a.client_tokens(), b.client_tokens());
    assert_eq!(
        a.header(INVOCATION_ID_HEADER),
        b.header(INVOCATION_ID_HEADER)
    );
    assert_ne!(a.waits[0], a.waits[1], "each retry draws its own jitter");

    let client = Client::new(config());
    let script = Script::new(outcomes());
    client.call(&script, event(), [0x17; 32]).expect("output");
    assert_ne!(
        script.waits.into_inner(),
        a.waits,
        "another seed, other waits"
    );
}

#[test]
fn an_empty_client_token_counts_as_none() {
    let client = Client::new(config());
    let script = Script::new(vec![error(500, "", "1"), success("2")]);
    client
        .call(&script, event().with_client_token(""), SEED)
        .expect("output");
    let requests = script.requests.into_inner();
    let tokens: Vec<String> = requests
        .iter()
        .map(|r| {
            let body: serde_json::Value = serde_json::from_slice(r.body()).expect("JSON");
            body["ClientToken"]
                .as_str()
                .expect("a generated token")
                .to_owned()
        })
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0], tokens[1]);
    assert_eq!(tokens[0].len(), 36, "a UUID: {}", tokens[0]);
    // A given token is sent unchanged.
    let call = client
        .start(event().with_client_token("mine"), SEED)
        .expect("valid");
    assert_eq!(call.client_token(), Some("mine"));
}

#[test]
fn retries_disabled() {
    let config = Config::builder()
        .endpoint_url("http://127.0.0.1:8080")
        .retry(RetryConfig::disabled())
        .build()
        .expect("config");
    let client = Client::new(config);
    let run = drive(&client, vec![error(429, "ThrottlingException", "req-1")]);
    assert_eq!(run.result.clone().expect_err("error").attempts(), 1);
    assert_eq!(run.header(SDK_REQUEST_HEADER), vec!["attempt=1; max=1"]);
    assert_eq!(client.quota().available(), 500);
}

#[test]
fn five_attempts_from_config() {
    let by_option = Config::builder()
        .endpoint_url("http://127.0.0.1:8080")
        .max_attempts(5)
        .build()
        .expect("config");
    let by_env = Config::builder()
        .with_env(|name| match name {
            "AWS_MAX_ATTEMPTS" => Some("5".to_owned()),
            "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:8080".to_owned()),
            _ => None,
        })
        .expect("env")
        .build()
        .expect("config");
    assert_eq!(by_option, by_env);
    for config in [by_option, by_env] {
        let client = Client::new(config);
        let run = drive(
            &client,
            vec![
                error(500, "InternalServerException", "1"),
                error(502, "", "2"),
                transport(TransportErrorKind::Connect),
                error(429, "", "4"),
                success("5"),
            ],
        );
        assert_eq!(run.result.clone().expect("output").attempts, 5);
        assert_eq!(run.waits.len(), 4);
        assert_backoff_bounds(&run.waits);
        assert_same_call_headers(&run, 5);
        assert_eq!(client.quota().available(), 500 - 4 * 5 + 5);
    }
}

/// A stand-in for the Participant Service that records events by client
/// token, as the real service does for idempotency, and fails the first
/// two requests after recording them (lost answers).
struct FakeService {
    events: HashMap<String, Vec<serde_json::Value>>,
    requests: usize,
    script: Vec<Outcome>,
}

impl FakeService {
    fn handle(&mut self, request: &http::Request<Vec<u8>>) -> Outcome {
        self.requests += 1;
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri().path(), "/participant/event");
        assert_eq!(request.headers()["x-amz-bearer"], TOKEN);
        let body: serde_json::Value = serde_json::from_slice(request.body()).expect("JSON body");
        let token = body["ClientToken"]
            .as_str()
            .expect("ClientToken")
            .to_owned();
        self.events.entry(token).or_default().push(body);
        if self.script.is_empty() {
            success(&format!("req-{}", self.requests))
        } else {
            self.script.remove(0)
        }
    }
}

#[test]
fn a_retried_call_is_one_logical_event() {
    let client = Client::new(config());
    let mut service = FakeService {
        events: HashMap::new(),
        requests: 0,
        script: vec![
            error(500, "InternalServerException", "req-1"),
            error(429, "ThrottlingException", "req-2"),
        ],
    };
    let mut call = start(&client);
    let token = call.client_token().expect("generated").to_owned();
    let mut rounds = 0;
    let output = loop {
        rounds += 1;
        assert!(rounds <= 3, "more attempts than allowed");
        let request = call.next_request();
        match call.finish_attempt(service.handle(&request)) {
            Next::Done(result) => break result.expect("output"),
            Next::RetryAfter { call: next, .. } => call = next,
        }
    };
    assert_eq!(output.attempts, 3);
    assert_eq!(output.request_id.as_deref(), Some("req-3"));
    assert_eq!(service.requests, 3);
    assert_eq!(
        service.events.len(),
        1,
        "one logical event: {:?}",
        service.events
    );
    let (recorded, sends) = service.events.iter().next().expect("one event");
    assert_eq!(sends.len(), 3);
    assert!(sends.windows(2).all(|w| w[0] == w[1]), "identical bodies");
    assert_eq!(*recorded, token, "the call's own client token");

    // A second call is a second logical event with its own token.
    let mut second = client
        .start(SendEvent::read_receipt(TOKEN, "message-2"), [0x17; 32])
        .expect("valid");
    let _ = service.handle(&second.next_request());
    assert_eq!(service.events.len(), 2);
    assert!(service
        .events
        .contains_key(second.client_token().expect("generated")));
}
