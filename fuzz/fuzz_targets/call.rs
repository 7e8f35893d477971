//! The `Call` state machine driven through any sequence of outcomes and
//! jitters, checked against a model of SPEC's retry rules (attempts, backoff,
//! the shared quota, the per-call tokens and headers).
#![no_main]

use std::time::Duration;

use connect_participant_core::{
    Client, Config, Error, ErrorClass, Next, RetryQuota, SendEvent, TransportError,
    TransportErrorKind,
};
use connect_participant_fuzz::input::{
    CallInput, EventChoice, Expect, OutcomeKind, Step, OUTCOMES,
};
use connect_participant_fuzz::oracle::{expected_wait, uuid_v4_text};
use libfuzzer_sys::fuzz_target;

/// The connection token; distinctive, so that seeing it in text is a leak.
const TOKEN: &str = "SECRET-connection-token-7f3a";

fn assert_hidden(text: String) {
    assert!(!text.contains(TOKEN), "the connection token shows: {text}");
}
const QUOTA_MAX: u32 = 500;
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

/// The outcome of a step, its hint (if it sends one) and its retry cost.
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
            (Ok(response), o.expect, hint, 5)
        }
        OutcomeKind::Transport(kind) => {
            let cost = if kind == TransportErrorKind::Timeout {
                10
            } else {
                5
            };
            (Err(TransportError::new(kind, o.name)), o.expect, None, cost)
        }
    }
}

fuzz_target!(|input: CallInput| {
    let max = u32::from(input.max_attempts);
    let config = Config::builder()
        .endpoint_url("https://example.com/base")
        .max_attempts(max)
        .build()
        .expect("a valid configuration");
    let client = Client::with_quota(config, RetryQuota::with_tokens(u32::from(input.quota)));
    let mut quota = u32::from(input.quota).min(QUOTA_MAX);
    assert_eq!(client.quota().available(), quota);

    for spec in &input.calls {
        let (event, given_token) = event_of(&spec.event);
        let mut call = match client.start(event, spec.random) {
            Ok(call) => call,
            Err(e) => {
                // Only a caller's client token over 500 characters is refused.
                assert_hidden(format!("{e} {e:?}"));
                assert!(given_token.is_some_and(|t| t.chars().count() > 500), "{e}");
                assert_eq!(e.attempts(), 0);
                assert_eq!(client.quota().available(), quota);
                continue;
            }
        };
        let client_token = given_token.unwrap_or_else(|| uuid_v4_text(&spec.random[..16]));
        let invocation_id = uuid_v4_text(&spec.random[16..]);
        assert_eq!(call.client_token(), client_token);
        assert_eq!(call.invocation_id(), invocation_id);
        assert_eq!(call.max_attempts(), max);
        assert_hidden(format!("{call:?}"));

        let mut first_body: Option<Vec<u8>> = None;
        let mut last_retry_cost: Option<u32> = None;
        let mut steps = spec.steps.iter().copied();
        let mut attempt = 0;
        loop {
            attempt += 1;
            assert!(attempt <= max, "attempt {attempt} of at most {max}");
            let request = call.next_request();
            assert_eq!(call.attempts(), attempt);
            let h = request.headers();
            assert_eq!(h["amz-sdk-invocation-id"], invocation_id.as_str());
            assert_eq!(
                h["amz-sdk-request"],
                format!("attempt={attempt}; max={max}").as_str()
            );
            assert_eq!(h["x-amz-bearer"], TOKEN);
            assert_hidden(format!("{request:?}"));
            let body = request.body().clone();
            match &first_body {
                Some(first) => assert_eq!(&body, first, "the body changed between attempts"),
                None => {
                    let v: serde_json::Value = serde_json::from_slice(&body).expect("JSON body");
                    assert_eq!(v["ClientToken"], client_token.as_str());
                    first_body = Some(body);
                }
            }

            let step = steps.next().unwrap_or_default();
            let (outcome, expect, hint, cost) = outcome_of(&step);
            let next = call.finish_attempt(outcome, step.jitter);
            assert_hidden(format!("{next:?}"));
            if let Next::Done(Err(e)) = &next {
                assert_hidden(e.to_string());
            }
            assert!(call.attempts() <= max);
            let done = match (expect, next) {
                (Expect::Output(id), Next::Done(Ok(out))) => {
                    assert_eq!(out.id.as_deref(), id);
                    assert_eq!(out.attempts, attempt);
                    quota = (quota + last_retry_cost.unwrap_or(1)).min(QUOTA_MAX);
                    true
                }
                (Expect::Malformed, Next::Done(Err(e))) => {
                    assert!(matches!(e, Error::MalformedResponse { .. }), "{e:?}");
                    assert_eq!(e.attempts(), attempt);
                    true
                }
                (Expect::Error(class), next) => {
                    let retry = class != ErrorClass::Final && attempt < max && quota >= cost;
                    let state = format!(
                        "{class:?} error, attempt {attempt}/{max}, quota {quota}, cost {cost}"
                    );
                    match next {
                        Next::RetryAfter(wait) => {
                            assert!(retry, "retried: {state}");
                            assert!(wait <= LONGEST_WAIT, "waits {wait:?}");
                            let want = expected_wait(attempt, step.jitter, hint);
                            assert!(
                                (wait.as_secs_f64() - want).abs() <= 1e-6,
                                "waits {wait:?}, expected {want} s ({state}, jitter {}, hint {hint:?})",
                                step.jitter
                            );
                            quota -= cost;
                            last_retry_cost = Some(cost);
                            false
                        }
                        Next::Done(Err(e)) => {
                            assert!(!retry, "gave up: {state}: {e:?}");
                            assert_eq!(e.attempts(), attempt, "{e:?}");
                            assert_eq!(e.class(), class, "{e:?}");
                            assert!(matches!(e, Error::Service { .. } | Error::Transport { .. }));
                            true
                        }
                        Next::Done(Ok(out)) => panic!("an error became {out:?}"),
                    }
                }
                (expect, next) => panic!("expected {expect:?}, got {next:?}"),
            };
            assert_eq!(
                call.attempts(),
                attempt,
                "finish_attempt changed the attempt count"
            );
            assert_eq!(client.quota().available(), quota, "quota");
            assert!(quota <= QUOTA_MAX);
            if done {
                break;
            }
        }
    }
});
