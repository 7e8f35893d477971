//! The `Call` state machine driven through any sequence of outcomes, checked
//! against a model of docs/spec.md's retry rules (attempts, the shared
//! quota, waits within the bounds the seed's jitter allows, the per-call
//! client token and invocation id and headers), with the oracle in
//! core/tests/support/oracle.rs. Each call is also run through
//! `Client::call` on a twin client: the same seed and answers must give the
//! same requests, the waits as sleeps, the same result and quota.
#![no_main]

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use connect_participant_core::retry::{backoff, RetryClass, RetryQuota};
use connect_participant_core::{
    Client, Config, Error, Next, SendEvent, SyncHttpClient, TransportError, TransportErrorKind,
};
use connect_participant_fuzz::input::{
    CallInput, EventChoice, Expect, OutcomeKind, Step, OUTCOMES,
};
use connect_participant_fuzz::oracle::{
    expected_wait, is_uuid_v4, refunded, retry_cost, sdk_request_header, sent_client_token,
    view, wait_bounds, wait_within, RequestView, QUOTA_MAX,
};
use libfuzzer_sys::fuzz_target;

/// The connection token; distinctive, so that seeing it in text is a leak.
const TOKEN: &str = "SECRET-connection-token-7f3a";

fn assert_hidden(text: String) {
    assert!(!text.contains(TOKEN), "the connection token shows: {text}");
}
const LONGEST_WAIT: Duration = Duration::from_secs(25);

fn event_of(choice: &EventChoice) -> (SendEvent, Option<String>) {
    match choice {
        EventChoice::Typing => (SendEvent::typing(TOKEN), None),
        EventChoice::ReadReceipt => (SendEvent::read_receipt(TOKEN, "msg-1"), None),
        EventChoice::TypingWithToken(t) => {
            let t = t.value();
            (
                SendEvent::typing(TOKEN).with_client_token(t.as_str()),
                Some(t),
            )
        }
        EventChoice::DeliveredWithToken(t) => {
            let t = t.value();
            (
                SendEvent::delivered_receipt(TOKEN, "msg-2").with_client_token(t.as_str()),
                Some(t),
            )
        }
    }
}

type Outcome = Result<http::Response<Vec<u8>>, TransportError>;

/// The outcome of a step, what the spec says it is, its hint (if it sends
/// one) and its retry cost.
fn outcome_of(step: &Step) -> (Outcome, Expect, Option<Duration>, u32) {
    let o = &OUTCOMES[usize::from(step.outcome) % OUTCOMES.len()];
    match o.kind {
        OutcomeKind::Response {
            status,
            headers,
            body,
            retry_after,
        } => {
            let mut b = http::Response::builder().status(status);
            for (k, v) in headers {
                b = b.header(*k, *v);
            }
            let hint = retry_after.then(|| Duration::from_millis(u64::from(step.retry_after_ms)));
            if retry_after {
                b = b.header("x-amz-retry-after", step.retry_after_ms.to_string());
            }
            let response = b.body(body.as_bytes().to_vec()).expect("a valid response");
            (Ok(response), o.expect, hint, retry_cost(false))
        }
        OutcomeKind::Transport(kind) => (
            Err(TransportError::new(kind, o.name)),
            o.expect,
            None,
            retry_cost(kind == TransportErrorKind::Timeout),
        ),
    }
}


/// A `SyncHttpClient` answering attempt N with step N (missing steps are
/// the default one), recording requests and waits; it never sleeps.
struct Scripted<'a> {
    steps: &'a [Step],
    requests: RefCell<Vec<RequestView>>,
    sleeps: RefCell<Vec<Duration>>,
}

impl SyncHttpClient for Scripted<'_> {
    type Body = Vec<u8>;

    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let mut requests = self.requests.borrow_mut();
        requests.push(view(&request));
        let step = self
            .steps
            .get(requests.len() - 1)
            .copied()
            .unwrap_or_default();
        outcome_of(&step).0
    }

    fn sleep(&self, wait: Duration) {
        self.sleeps.borrow_mut().push(wait);
    }
}

fuzz_target!(|input: CallInput| {
    let max = u32::from(input.max_attempts);
    let config = Config::builder()
        .endpoint_url("https://example.com/base")
        .max_attempts(max)
        .build()
        .expect("a valid configuration");
    let client = Client::with_quota(
        config.clone(),
        RetryQuota::with_tokens(u32::from(input.quota)),
    );
    let mut quota = u32::from(input.quota).min(QUOTA_MAX);
    assert_eq!(client.quota().available(), quota);
    // Seed -> (generated client token, invocation id): the same seed always
    // gives the same ones.
    let mut by_seed: HashMap<[u8; 32], (Option<String>, String)> = HashMap::new();

    for spec in &input.calls {
        let (event, given_token) = event_of(&spec.event);
        let twin = Client::with_quota(config.clone(), RetryQuota::with_tokens(quota));
        let http = Scripted {
            steps: &spec.steps,
            requests: RefCell::new(Vec::new()),
            sleeps: RefCell::new(Vec::new()),
        };
        let twin_result = twin.call(&http, event.clone(), spec.random);
        let mut call = match client.start(event, spec.random) {
            Ok(call) => call,
            Err(e) => {
                // Only a caller's client token over 500 characters is refused.
                assert_hidden(format!("{e} {e:?}"));
                assert!(
                    given_token
                        .as_ref()
                        .is_some_and(|t| t.chars().count() > 500),
                    "{e}"
                );
                assert_eq!(e.attempts(), 0);
                assert_eq!(twin_result, Err(e));
                assert!(http.requests.borrow().is_empty());
                assert_eq!(client.quota().available(), quota);
                continue;
            }
        };
        let client_token = match sent_client_token(given_token.as_deref()) {
            Some(t) => t.to_owned(),
            None => {
                let t = call.client_token().expect("a generated token").to_owned();
                assert!(is_uuid_v4(&t), "generated client token {t:?}");
                t
            }
        };
        let invocation_id = call.invocation_id().to_owned();
        assert!(
            is_uuid_v4(&invocation_id),
            "invocation id {invocation_id:?}"
        );
        let generated = given_token.as_deref().is_none_or(str::is_empty);
        let seeded = (
            generated.then(|| client_token.clone()),
            invocation_id.clone(),
        );
        let earlier = by_seed.entry(spec.random).or_insert_with(|| seeded.clone());
        if earlier.0.is_some() == seeded.0.is_some() {
            assert_eq!(*earlier, seeded, "the same seed gave another call");
        } else {
            assert_eq!(
                earlier.1, seeded.1,
                "the same seed gave another invocation id"
            );
        }
        assert_eq!(call.client_token(), Some(client_token.as_str()));
        assert_eq!(call.max_attempts(), max);
        assert_hidden(format!("{call:?}"));

        let mut requests: Vec<RequestView> = Vec::new();
        let mut waits = Vec::new();
        let mut last_retry_cost: Option<u32> = None;
        let mut steps = spec.steps.iter().copied();
        let mut attempt = 0;
        let result = loop {
            attempt += 1;
            assert!(attempt <= max, "attempt {attempt} of at most {max}");
            assert_eq!(call.attempts(), attempt - 1);
            let request = call.next_request();
            let h = request.headers();
            assert_eq!(h["amz-sdk-invocation-id"], invocation_id.as_str());
            assert_eq!(
                h["amz-sdk-request"],
                sdk_request_header(attempt, max).as_str()
            );
            assert_eq!(h["x-amz-bearer"], TOKEN);
            assert_hidden(format!("{request:?}"));
            match requests.first() {
                Some((.., first_body)) => assert_eq!(
                    request.body(),
                    first_body,
                    "the body changed between attempts"
                ),
                None => {
                    let v: serde_json::Value =
                        serde_json::from_slice(request.body()).expect("JSON body");
                    assert_eq!(v["ClientToken"], client_token.as_str());
                }
            }
            requests.push(view(&request));

            let step = steps.next().unwrap_or_default();
            let (outcome, expect, hint, cost) = outcome_of(&step);
            // The spec's formula, exactly, for any jitter.
            let exact = backoff(attempt, step.jitter, hint);
            let want = expected_wait(attempt, step.jitter, hint);
            assert!(
                (exact.as_secs_f64() - want).abs() <= 1e-6,
                "backoff({attempt}, {}, {hint:?}) = {exact:?}, the spec gives {want} s",
                step.jitter
            );
            let before = client.quota().available();
            let next = call.finish_attempt(outcome);
            assert_hidden(format!("{next:?}"));
            if let Next::Done(Err(e)) = &next {
                assert_hidden(e.to_string());
            }
            let (result, next_call) = match (expect, next) {
                (Expect::Output(id), Next::Done(Ok(out))) => {
                    assert_eq!(out.id.as_deref(), id);
                    assert_eq!(out.attempts, attempt);
                    quota = refunded(quota, last_retry_cost);
                    (Some(Ok(out)), None)
                }
                (Expect::Malformed, Next::Done(Err(e))) => {
                    assert!(matches!(e, Error::MalformedResponse { .. }), "{e:?}");
                    assert_eq!(e.attempts(), attempt);
                    (Some(Err(e)), None)
                }
                (Expect::Error(class), next) => {
                    let retry = class != RetryClass::Final && attempt < max && quota >= cost;
                    let state = format!(
                        "{class:?} error, attempt {attempt}/{max}, quota {quota}, cost {cost}"
                    );
                    match next {
                        Next::RetryAfter { wait, call } => {
                            assert!(retry, "retried: {state}");
                            assert!(wait <= LONGEST_WAIT, "waits {wait:?}");
                            assert!(
                                wait_within(wait, attempt, hint),
                                "waits {wait:?}, outside {:?} s ({state}, hint {hint:?})",
                                wait_bounds(attempt, hint)
                            );
                            assert_eq!(call.attempts(), attempt);
                            quota -= cost;
                            last_retry_cost = Some(cost);
                            waits.push(wait);
                            (None, Some(call))
                        }
                        Next::Done(Err(e)) => {
                            assert!(!retry, "gave up: {state}: {e:?}");
                            assert_eq!(e.attempts(), attempt, "{e:?}");
                            assert_eq!(e.retry_class(), class, "{e:?}");
                            assert!(matches!(e, Error::Service { .. } | Error::Transport { .. }));
                            // The attempt that ends a call takes no tokens.
                            assert_eq!(client.quota().available(), before);
                            (Some(Err(e)), None)
                        }
                        Next::Done(Ok(out)) => panic!("an error became {out:?}"),
                    }
                }
                (expect, next) => panic!("expected {expect:?}, got {next:?}"),
            };
            assert_eq!(client.quota().available(), quota, "quota");
            assert!(quota <= QUOTA_MAX);
            match (result, next_call) {
                (Some(result), _) => break result,
                (None, Some(next)) => call = next,
                (None, None) => unreachable!(),
            }
        };

        // Client::call on the twin: the same call.
        assert_eq!(*http.requests.borrow(), requests, "Client::call's requests");
        assert_eq!(*http.sleeps.borrow(), waits, "Client::call's sleeps");
        assert_eq!(twin_result, result, "Client::call's result");
        assert_eq!(twin.quota().available(), quota, "Client::call's quota");
    }
});
