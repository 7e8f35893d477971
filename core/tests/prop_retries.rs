//! Properties of calls and retries (docs/spec.md#retries,
//! docs/spec.md#idempotency): a call, driven by hand or through
//! `Client::call`, follows a model of the spec's rules (classes, attempts,
//! the shared quota, waits within the bounds its seed's jitter allows); the
//! same seed replays the same call and different seeds give different ones.
//!
//! The model is written here from the spec, with the rules of the oracle
//! (`support/oracle.rs`), not from the core's code. No test waits: the
//! in-test HTTP client records the waits it is asked for.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use connect_participant_core::retry::{backoff, RetryClass};
use connect_participant_core::{Client, Error, Next, SendEvent};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;

use support::oracle;
use support::script::{drive, outcome, retryable_outcome, Event, Outcome, Run, ScriptedHttp};
use support::{client_with, config};

/// The quota as the spec describes it.
struct Model {
    tokens: u32,
}

#[derive(Debug)]
enum ModelNext {
    DoneOk,
    DoneErr,
    Retry { hint: Option<Duration> },
}

impl Model {
    /// What the spec says follows attempt `attempts_made` ending in
    /// `outcome`, and the quota after it.
    fn step(
        &mut self,
        outcome: &Outcome,
        attempts_made: u32,
        max_attempts: u32,
        last_retry_cost: &mut Option<u32>,
    ) -> ModelNext {
        let Some(class) = outcome.class() else {
            self.tokens = oracle::refunded(self.tokens, *last_retry_cost);
            return ModelNext::DoneOk;
        };
        if class == RetryClass::Final || attempts_made >= max_attempts {
            return ModelNext::DoneErr;
        }
        let cost = outcome.retry_cost();
        if self.tokens < cost {
            return ModelNext::DoneErr;
        }
        self.tokens -= cost;
        *last_retry_cost = Some(cost);
        ModelNext::Retry {
            hint: outcome.hint(),
        }
    }
}

fn event_with(given_client_token: Option<&str>) -> SendEvent {
    let event = SendEvent::typing("retry-token");
    match given_client_token {
        Some(t) => event.with_client_token(t),
        None => event,
    }
}

/// The error is the one attempt `n` ended with.
fn check_last_error(err: &Error, outcome: &Outcome, n: u32) -> Result<(), TestCaseError> {
    prop_assert_eq!(err.attempts(), n);
    let request_id = format!("req-{n}");
    let last = match err {
        Error::Service { error, .. } => {
            prop_assert_eq!(error.request_id(), Some(request_id.as_str()));
            matches!(outcome, Outcome::Service { .. })
        }
        Error::Transport { error, .. } => {
            prop_assert_eq!(error.message(), format!("failure {n}"));
            matches!(outcome, Outcome::Transport(k) if *k == error.kind())
        }
        Error::MalformedResponse { error, .. } => {
            prop_assert_eq!(error.request_id(), Some(request_id.as_str()));
            matches!(outcome, Outcome::Malformed)
        }
        _ => false,
    };
    prop_assert!(last, "error {:?} is not from outcome {:?}", err, outcome);
    prop_assert_eq!(Some(err.retry_class()), outcome.class());
    Ok(())
}

/// Drives one call by hand through `outcomes` (cycled) against the model,
/// checking every request, decision, wait and the quota after every attempt.
/// Returns the attempts made and the waits.
fn drive_call(
    client: &Client,
    model: &mut Model,
    outcomes: &[Outcome],
    seed: [u8; 32],
    given_client_token: Option<&str>,
) -> Result<(u32, Vec<Duration>), TestCaseError> {
    let mut call = client
        .start(event_with(given_client_token), seed)
        .expect("valid");
    let max = client.config().retry().max_attempts();
    prop_assert_eq!(call.max_attempts(), max);
    let token = call.client_token().map(str::to_owned);
    match oracle::sent_client_token(given_client_token) {
        Some(t) => prop_assert_eq!(token.as_deref(), Some(t)),
        None => prop_assert!(
            token.as_deref().is_some_and(oracle::is_uuid_v4),
            "{:?}",
            token
        ),
    }
    prop_assert!(oracle::is_uuid_v4(call.invocation_id()));
    let mut last_retry_cost = None;
    let mut bodies = HashSet::new();
    let mut ids = HashSet::new();
    let mut waits = Vec::new();
    // A correct call ends within max attempts; the bound catches a loop.
    for n in 1..=max + 2 {
        prop_assert!(n <= max, "attempt {} of at most {}", n, max);
        prop_assert_eq!(call.attempts(), n - 1);
        let request = call.next_request();
        let body: Value = serde_json::from_slice(request.body()).expect("JSON body");
        prop_assert_eq!(body["ClientToken"].as_str(), token.as_deref());
        bodies.insert(request.body().clone());
        let id = request.headers()["amz-sdk-invocation-id"]
            .to_str()
            .expect("ascii")
            .to_owned();
        prop_assert_eq!(id.as_str(), call.invocation_id());
        ids.insert(id);
        prop_assert_eq!(bodies.len(), 1, "the body changed");
        prop_assert_eq!(ids.len(), 1, "the invocation id changed");
        let attempt_header = oracle::sdk_request_header(n, max);
        prop_assert_eq!(
            request.headers()["amz-sdk-request"].to_str().ok(),
            Some(attempt_header.as_str())
        );

        let outcome = &outcomes[(n as usize - 1) % outcomes.len()];
        let before = client.quota().available();
        let want = model.step(outcome, n, max, &mut last_retry_cost);
        let got = call.finish_attempt(outcome.to_result(n));
        let after = client.quota().available();
        prop_assert!(after <= oracle::QUOTA_MAX);
        prop_assert_eq!(
            after,
            model.tokens,
            "quota after attempt {} ({:?})",
            n,
            outcome
        );
        match (want, got) {
            (ModelNext::DoneOk, Next::Done(Ok(out))) => {
                prop_assert_eq!(out.attempts, n);
                prop_assert_eq!(out.request_id, Some(format!("req-{n}")));
                let id =
                    matches!(outcome, Outcome::Success { empty: false }).then(|| format!("ev-{n}"));
                prop_assert_eq!(out.id, id);
                return Ok((n, waits));
            }
            (ModelNext::DoneErr, Next::Done(Err(err))) => {
                check_last_error(&err, outcome, n)?;
                // Ending the call never charges the quota.
                prop_assert_eq!(after, before);
                return Ok((n, waits));
            }
            (ModelNext::Retry { hint }, Next::RetryAfter { wait, call: next }) => {
                let (lo, hi) = oracle::wait_bounds(n, hint);
                prop_assert!(
                    oracle::wait_within(wait, n, hint),
                    "wait {:?} outside [{}, {}] s (attempt {}, {:?})",
                    wait,
                    lo,
                    hi,
                    n,
                    outcome
                );
                prop_assert!(wait <= Duration::from_secs(25));
                prop_assert_eq!(next.attempts(), n);
                waits.push(wait);
                call = next;
            }
            (want, got) => {
                return Err(TestCaseError::fail(format!(
                    "attempt {n}: {outcome:?} gave {got:?}, the model says {want:?}"
                )))
            }
        }
    }
    Err(TestCaseError::fail("the call never ended"))
}

fn given_client_token() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(String::new())),
        2 => "[a-z0-9-]{1,40}".prop_map(Some),
    ]
}

fn jitter() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => 0.0..1.0f64,
        1 => Just(f64::NAN),
        1 => -10.0..0.0f64,
        1 => 1.0..10.0f64,
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(0.0),
        1 => Just(1.0 - f64::EPSILON),
    ]
}

/// The run's values that come from the seed.
fn seeded(run: &Run) -> (Option<String>, String, Vec<Duration>) {
    (
        run.client_token.clone(),
        run.invocation_id.clone(),
        run.waits.clone(),
    )
}

const ALWAYS_503: [Outcome; 1] = [Outcome::Service {
    status: 503,
    code: None,
    retry_after_ms: None,
}];

proptest! {
    #![proptest_config(config())]

    /// A call driven by hand through any outcomes follows the model: the
    /// right decision, the quota, waits within their bounds, one client
    /// token and invocation id, the last attempt's error.
    #[test]
    fn a_call_follows_the_retry_model(
        max_attempts in 1u32..=8,
        tokens in prop_oneof![Just(500u32), 0u32..=30, 0u32..=500],
        outcomes in vec(outcome(), 1..10),
        seed in any::<[u8; 32]>(),
        given in given_client_token(),
    ) {
        let client = client_with(max_attempts, tokens);
        let mut model = Model { tokens };
        let (attempts, waits) = drive_call(&client, &mut model, &outcomes, seed, given.as_deref())?;
        prop_assert!(attempts >= 1 && attempts <= max_attempts);
        prop_assert_eq!(waits.len() as u32, attempts - 1);
    }

    #[test]
    fn the_quota_stays_in_bounds_across_many_calls(
        max_attempts in 1u32..=5,
        tokens in 0u32..=500,
        calls in vec((vec(outcome(), 1..6), any::<[u8; 32]>()), 1..25),
    ) {
        let client = client_with(max_attempts, tokens);
        let mut model = Model { tokens };
        for (outcomes, seed) in &calls {
            drive_call(&client, &mut model, outcomes, *seed, None)?;
            prop_assert!(client.quota().available() <= oracle::QUOTA_MAX);
        }
    }

    /// The call's loop in the core, over an HTTP client that answers from a
    /// script: as many sends as the model's attempts, a wait (within its
    /// bounds) between each two and never after the last, the model's result
    /// and quota.
    #[test]
    fn client_call_follows_the_retry_model(
        max_attempts in 1u32..=8,
        tokens in prop_oneof![Just(500u32), 0u32..=30, 0u32..=500],
        outcomes in vec(outcome(), 1..10),
        seed in any::<[u8; 32]>(),
    ) {
        let client = client_with(max_attempts, tokens);
        let http = ScriptedHttp::new(&outcomes);
        let result = client.call(&http, SendEvent::typing("retry-token"), seed);

        let mut model = Model { tokens };
        let mut last_retry_cost = None;
        let mut expected_log = Vec::new();
        let mut n = 0;
        let end = loop {
            n += 1;
            expected_log.push(Event::Send(n));
            let outcome = &outcomes[(n as usize - 1) % outcomes.len()];
            match model.step(outcome, n, max_attempts, &mut last_retry_cost) {
                // The wait itself is checked against its bounds below.
                ModelNext::Retry { .. } => expected_log.push(Event::Sleep(Duration::ZERO)),
                done => break (done, outcome.clone()),
            }
        };
        let log = http.log.borrow();
        prop_assert_eq!(log.len(), expected_log.len(), "log {:?}", log);
        for (i, (got, want)) in log.iter().zip(&expected_log).enumerate() {
            match (got, want) {
                (Event::Send(a), Event::Send(b)) => prop_assert_eq!(a, b),
                (Event::Sleep(wait), Event::Sleep(_)) => {
                    // The wait after attempt k, in the log's slot 2k - 1.
                    let k = (i as u32).div_ceil(2);
                    let hint = hint_of(&outcomes, k);
                    prop_assert!(oracle::wait_within(*wait, k, hint), "wait {:?} after attempt {}", wait, k);
                }
                _ => prop_assert!(false, "log {:?}, expected {:?}", log, expected_log),
            }
        }
        prop_assert_eq!(client.quota().available(), model.tokens);
        match (end.0, result) {
            (ModelNext::DoneOk, Ok(out)) => {
                prop_assert_eq!(out.attempts, n);
                prop_assert_eq!(out.request_id, Some(format!("req-{n}")));
            }
            (ModelNext::DoneErr, Err(err)) => check_last_error(&err, &end.1, n)?,
            (want, got) => prop_assert!(false, "the model says {:?}, Client::call gave {:?}", want, got),
        }
    }

    /// `Client::call` is the hand-driven call: with the same seed and
    /// answers, the same requests, the waits as sleeps, the same result.
    #[test]
    fn client_call_is_the_hand_driven_call(
        max_attempts in 1u32..=6,
        tokens in prop_oneof![Just(500u32), 0u32..=30],
        outcomes in vec(outcome(), 1..8),
        seed in any::<[u8; 32]>(),
        given in given_client_token(),
    ) {
        let by_hand = drive(&client_with(max_attempts, tokens), event_with(given.as_deref()), seed, &outcomes);
        let client = client_with(max_attempts, tokens);
        let http = ScriptedHttp::new(&outcomes);
        let result = client.call(&http, event_with(given.as_deref()), seed);
        let sent: Vec<_> = http.requests.borrow().iter().map(support::script::view).collect();
        prop_assert_eq!(&sent, &by_hand.requests);
        prop_assert_eq!(http.sleeps(), by_hand.waits);
        prop_assert_eq!(result, by_hand.result);
    }

    /// The attempt that ends a call takes no tokens, whether the attempt
    /// limit or an empty quota ends it; and nothing about a finished call
    /// (or one started and dropped) charges the quota afterwards.
    #[test]
    fn the_attempt_that_ends_a_call_never_charges_the_quota(
        max_attempts in 1u32..=6,
        tokens in prop_oneof![Just(500u32), 0u32..=40],
        outcomes in vec(retryable_outcome(), 1..6),
        seed in any::<[u8; 32]>(),
    ) {
        let client = client_with(max_attempts, tokens);
        let mut call = client.start(SendEvent::typing("t"), seed).expect("valid");
        let mut n = 0;
        let done_at = loop {
            n += 1;
            let _ = call.next_request();
            let outcome = &outcomes[(n as usize - 1) % outcomes.len()];
            let before = client.quota().available();
            match call.finish_attempt(outcome.to_result(n)) {
                Next::Done(result) => {
                    prop_assert!(result.is_err());
                    prop_assert_eq!(client.quota().available(), before, "the last attempt charged");
                    prop_assert!(n == max_attempts || before < outcome.retry_cost());
                    break client.quota().available();
                }
                Next::RetryAfter { call: next, .. } => {
                    prop_assert_eq!(client.quota().available(), before - outcome.retry_cost());
                    call = next;
                }
            }
        };
        // Another call started, asked for its request and dropped: no charge.
        let mut other = client.start(SendEvent::typing("t"), seed).expect("valid");
        let _ = other.next_request();
        drop(other);
        prop_assert_eq!(client.quota().available(), done_at);
    }

    #[test]
    fn a_final_error_ends_the_call_after_one_attempt(
        answer in prop::sample::select(&[
            (403u16, "AccessDeniedException"),
            (409, "ConflictException"),
            (400, "ValidationException"),
            (500, "ConflictException"),
            (503, "AccessDeniedException"),
            (429, "ValidationException"),
        ][..]),
        in_header in any::<bool>(),
        max_attempts in 1u32..=10,
        seed in any::<[u8; 32]>(),
    ) {
        let client = client_with(max_attempts, 500);
        let mut call = client.start(SendEvent::read_receipt("t", "m"), seed).expect("valid");
        let _ = call.next_request();
        let (status, code) = answer;
        let mut b = http::Response::builder().status(status);
        let body = if in_header {
            b = b.header("X-Amzn-Errortype", code);
            "{\"message\":\"no\"}".to_owned()
        } else {
            format!("{{\"__type\":\"{code}\",\"message\":\"no\"}}")
        };
        match call.finish_attempt(Ok(b.body(body).unwrap())) {
            Next::Done(Err(Error::Service { error, attempts })) => {
                prop_assert_eq!(attempts, 1);
                prop_assert_eq!(error.code(), Some(code));
                prop_assert_eq!(error.message(), Some("no"));
                prop_assert_eq!(error.retry_class(), RetryClass::Final);
            }
            other => prop_assert!(false, "{:?}", other),
        }
        prop_assert_eq!(client.quota().available(), 500);
    }

    #[test]
    fn all_throttling_ends_with_the_last_error_after_max_attempts(
        max_attempts in 1u32..=10,
        throttles in vec(
            prop_oneof![
                Just((429u16, None)),
                Just((429, Some("ThrottlingException"))),
                Just((400, Some("SlowDown"))),
                Just((503, Some("RequestLimitExceeded"))),
            ],
            1..5,
        ),
        seed in any::<[u8; 32]>(),
    ) {
        let client = client_with(max_attempts, 500);
        let mut call = client.start(SendEvent::typing("t"), seed).expect("valid");
        let mut sent = 0u32;
        let result = loop {
            prop_assert!(sent < max_attempts, "more than {} attempts", max_attempts);
            let _ = call.next_request();
            sent += 1;
            let (status, code) = throttles[(sent as usize - 1) % throttles.len()];
            let outcome = Outcome::Service { status, code, retry_after_ms: None };
            match call.finish_attempt(outcome.to_result(sent)) {
                Next::Done(result) => break result,
                Next::RetryAfter { wait, call: next } => {
                    prop_assert!(oracle::wait_within(wait, sent, None), "{:?}", wait);
                    prop_assert!(wait <= Duration::from_secs(20));
                    call = next;
                }
            }
        };
        prop_assert_eq!(sent, max_attempts);
        match result {
            Err(Error::Service { error, attempts }) => {
                prop_assert_eq!(attempts, max_attempts);
                prop_assert!(error.is_throttling());
                let last = format!("req-{max_attempts}");
                prop_assert_eq!(error.request_id(), Some(last.as_str()));
            }
            other => prop_assert!(false, "{:?}", other),
        }
        prop_assert_eq!(
            client.quota().available(),
            oracle::QUOTA_MAX - oracle::RETRY_COST * (max_attempts - 1)
        );
    }

    /// `retry::backoff` is the spec's formula for any jitter (clamped, NaN
    /// as 0), attempt count and hint, and grows with the jitter.
    #[test]
    fn backoff_follows_the_spec_formula(
        attempts_made in prop_oneof![4 => 1u32..=8, 1 => 1u32..=100, 1 => Just(u32::MAX)],
        jitter in jitter(),
        hint_ms in proptest::option::weighted(0.4, prop_oneof![0u64..=30_000, Just(u64::MAX / 2)]),
    ) {
        let hint = hint_ms.map(Duration::from_millis);
        let wait = backoff(attempts_made, jitter, hint);
        let want = oracle::expected_wait(attempts_made, jitter, hint);
        prop_assert!(
            (wait.as_secs_f64() - want).abs() < 1e-6,
            "backoff({}, {}, {:?}) = {:?}, the spec gives {} s", attempts_made, jitter, hint, wait, want
        );
        prop_assert!(oracle::wait_within(wait, attempts_made, hint));
        if (0.0..1.0).contains(&jitter) {
            prop_assert!(backoff(attempts_made, jitter / 2.0, hint) <= wait);
        }
    }

    /// The same seed and the same answers give the same call: client token,
    /// invocation id, every request, every wait, the result.
    #[test]
    fn the_same_seed_replays_the_same_call(
        max_attempts in 1u32..=8,
        tokens in prop_oneof![Just(500u32), 0u32..=30],
        outcomes in vec(outcome(), 1..10),
        seed in any::<[u8; 32]>(),
        given in given_client_token(),
    ) {
        let first = drive(&client_with(max_attempts, tokens), event_with(given.as_deref()), seed, &outcomes);
        let second = drive(&client_with(max_attempts, tokens), event_with(given.as_deref()), seed, &outcomes);
        prop_assert_eq!(first, second);
    }

    /// Two independent seeds give different generated client tokens,
    /// invocation ids and waits; a seed with one bit flipped gives a call
    /// that differs in at least one of them.
    #[test]
    fn different_seeds_give_different_calls(
        a in any::<[u8; 32]>(),
        b in any::<[u8; 32]>(),
        bit in 0usize..256,
    ) {
        prop_assume!(a != b);
        let run = |seed| drive(&client_with(3, 500), SendEvent::typing("t"), seed, &ALWAYS_503);
        let (ra, rb) = (run(a), run(b));
        prop_assert_eq!(ra.waits.len(), 2);
        prop_assert_ne!(&ra.client_token, &rb.client_token);
        prop_assert_ne!(&ra.invocation_id, &rb.invocation_id);
        prop_assert_ne!(&ra.waits, &rb.waits);
        let mut flipped = a;
        flipped[bit / 8] ^= 1 << (bit % 8);
        prop_assert_ne!(seeded(&ra), seeded(&run(flipped)), "flipping bit {} changed nothing", bit);
    }
}

/// The hint attempt `n` (from 1) carried.
fn hint_of(outcomes: &[Outcome], n: u32) -> Option<Duration> {
    outcomes[(n as usize - 1) % outcomes.len()].hint()
}
