//! Every fault the simulated service can inject, through both transports:
//! the outcome is the right error or a successful retry, the transcript never
//! holds a duplicate event, and no call hangs past its bound.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use connect_participant::{Config, Error, SendEvent, TransportErrorKind, TransportOptions};
use connect_participant_mock::{Fault, MockServer, MockService};

const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(400);
/// One attempt timeout, one backoff (at most 1 s before the second attempt), one answer, slack.
const CALL_BOUND: Duration = Duration::from_millis(400 + 1000 + 400 + 1200);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Retried once, then recorded.
    RetriedThenOk,
    /// A service error with this status, not retried.
    FinalStatus(u16),
    /// A transport failure of this kind, not retried.
    FinalTransport(TransportErrorKind),
    /// A 2xx whose body is not an output, not retried.
    Malformed,
}

fn matrix(redirect_to: &str) -> Vec<(Fault, Expect)> {
    use Expect::*;
    let status = |status: u16, headers: &[(&str, &str)], body: &str| Fault::Status {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    };
    vec![
        (Fault::Throttle, RetriedThenOk),
        (Fault::InternalError, RetriedThenOk),
        (Fault::Html502, RetriedThenOk),
        (status(503, &[], ""), RetriedThenOk),
        (
            status(504, &[], "<html>gateway timeout</html>"),
            RetriedThenOk,
        ),
        (status(429, &[], ""), RetriedThenOk),
        (
            status(400, &[("x-amzn-errortype", "SlowDown")], "{}"),
            RetriedThenOk,
        ),
        (
            status(408, &[], r#"{"__type":"RequestTimeoutException"}"#),
            RetriedThenOk,
        ),
        (Fault::Stall(Duration::from_millis(1500)), RetriedThenOk),
        (Fault::CloseBeforeAnswer, RetriedThenOk),
        (Fault::TruncatedBody, RetriedThenOk),
        (
            status(
                400,
                &[],
                r#"{"code":"ValidationException","message":"bad"}"#,
            ),
            FinalStatus(400),
        ),
        (status(418, &[], "teapot"), FinalStatus(418)),
        (status(501, &[], ""), FinalStatus(501)),
        (Fault::Redirect(redirect_to.to_owned()), FinalStatus(307)),
        (
            Fault::OversizedBody(200_000),
            FinalTransport(TransportErrorKind::BodyTooLarge),
        ),
        (
            Fault::EndlessBody,
            FinalTransport(TransportErrorKind::BodyTooLarge),
        ),
        (Fault::MalformedJson, Malformed),
        (status(200, &[], r#"{"Id": 42}"#), Malformed),
    ]
}

fn check(
    transport: &str,
    fault: &Fault,
    expect: Expect,
    result: &Result<connect_participant::SendEventOutput, Error>,
) {
    let what = format!("{transport} {fault:?}");
    match (expect, result) {
        (Expect::RetriedThenOk, Ok(out)) => assert_eq!(out.attempts, 2, "{what}"),
        (Expect::FinalStatus(s), Err(Error::Service { error, attempts: 1 })) => {
            assert_eq!(error.status().as_u16(), s, "{what}")
        }
        (Expect::FinalTransport(k), Err(Error::Transport { error, attempts: 1 })) => {
            assert_eq!(error.kind(), k, "{what}")
        }
        (Expect::Malformed, Err(Error::MalformedResponse { attempts: 1, .. })) => {}
        (_, other) => panic!("{what}: expected {expect:?}, got {other:?}"),
    }
}

#[test]
fn every_fault_through_both_transports() {
    let server = MockServer::start(MockService::new()).expect("server");
    let elsewhere = MockServer::start(MockService::new()).expect("redirect target");
    let chat = server.service().open_chat();
    let config = Config::for_endpoint(&server.url()).expect("config");
    let options = TransportOptions::default()
        .with_attempt_timeout(ATTEMPT_TIMEOUT)
        .with_max_response_bytes(64 * 1024);
    let blocking = connect_participant_ureq::Client::builder(config.clone())
        .options(options.clone())
        .build()
        .expect("ureq");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let asynchronous = rt.block_on(async {
        connect_participant_hyper::Client::builder(config)
            .options(options)
            .build()
            .expect("hyper")
    });
    let redirect_to = format!("{}/participant/event", elsewhere.url());
    let mut expected_events = 0;
    for (fault, expect) in matrix(&redirect_to) {
        for transport in ["ureq", "hyper"] {
            server.service().inject(fault.clone(), 1);
            let event = SendEvent::typing(chat.customer.as_str());
            let started = Instant::now();
            let result = match transport {
                "ureq" => blocking.send_event(event),
                _ => rt.block_on(asynchronous.send_event(event)),
            };
            let elapsed = started.elapsed();
            check(transport, &fault, expect, &result);
            assert!(
                elapsed < CALL_BOUND,
                "{transport} {fault:?} took {elapsed:?}"
            );
            assert_eq!(
                server.service().pending_faults(),
                0,
                "{transport} {fault:?}: the fault was used"
            );
            if expect == Expect::RetriedThenOk {
                expected_events += 1;
            }
            if let Fault::Stall(d) = fault {
                // The stalled request is still answered by the service after
                // its wait; let it land before counting.
                std::thread::sleep(d.saturating_sub(elapsed) + Duration::from_millis(200));
            }
            let transcript = server.service().transcript(chat.id);
            assert_eq!(
                transcript.len(),
                expected_events,
                "{transport} {fault:?}: one event per successful call"
            );
        }
    }
    let transcript = server.service().transcript(chat.id);
    let tokens: HashSet<_> = transcript.iter().map(|e| e.client_token.clone()).collect();
    assert_eq!(tokens.len(), transcript.len(), "no event recorded twice");
    assert_eq!(
        elsewhere.service().requests_received(),
        0,
        "no redirect followed"
    );
}
