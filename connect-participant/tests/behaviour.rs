//! One behavioural suite, run against both transports over the simulated
//! service on loopback: the same scenarios, the same expectations.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use connect_participant::{
    Error, SendEvent, SendEventOutput, ServiceErrorKind, TransportErrorKind, TransportOptions,
};
use connect_participant_mock::{Chat, Fault, MockServer, MockService, Role};

mod common;

use common::{config, each_transport, runtime, service_error, Async, Blocking, Transport};

fn defaults(scenario: impl Fn(&dyn Transport, &MockServer, &Chat)) {
    each_transport(TransportOptions::default(), 3, scenario)
}

#[test]
fn success_records_the_event_once() {
    defaults(|t, server, chat| {
        let out = t
            .send(SendEvent::typing(chat.customer.as_str()))
            .expect("typing");
        assert_eq!(out.attempts, 1, "{}", t.name());
        assert!(out.request_id.is_some(), "{}", t.name());
        let transcript = server.service().transcript(chat.id);
        assert_eq!(transcript.len(), 1, "{}", t.name());
        assert_eq!(out.id.as_deref(), Some(transcript[0].id.as_str()));
        assert_eq!(
            out.absolute_time.as_deref(),
            Some(transcript[0].absolute_time.as_str())
        );
        assert_eq!(
            transcript[0].content_type,
            "application/vnd.amazonaws.connect.event.typing"
        );

        let read = t
            .send(
                SendEvent::read_receipt(chat.agent.as_str(), "msg-1")
                    .with_client_token("given-token"),
            )
            .expect("read receipt");
        let transcript = server.service().transcript(chat.id);
        assert_eq!(transcript.len(), 2);
        assert_eq!(read.id.as_deref(), Some(transcript[1].id.as_str()));
        assert_eq!(transcript[1].client_token.as_deref(), Some("given-token"));
        assert_eq!(
            transcript[1].content.as_deref(),
            Some(r#"{"messageId":"msg-1"}"#)
        );
    });
}

#[test]
fn modeled_errors_keep_kind_and_message() {
    defaults(|t, server, chat| {
        let (e, attempts) = service_error(t, t.send(SendEvent::typing("no-such-token")));
        assert_eq!(
            (e.kind(), e.status().as_u16(), attempts),
            (ServiceErrorKind::AccessDenied, 403, 1),
            "{}",
            t.name()
        );
        assert!(
            e.message().is_some_and(|m| !m.is_empty()),
            "{}: {e:?}",
            t.name()
        );

        let reused = SendEvent::typing(chat.customer.as_str()).with_client_token("tok-1");
        t.send(reused).expect("first use of tok-1");
        let changed =
            SendEvent::read_receipt(chat.customer.as_str(), "m").with_client_token("tok-1");
        let (e, attempts) = service_error(t, t.send(changed));
        assert_eq!(
            (e.kind(), attempts),
            (ServiceErrorKind::Validation, 1),
            "{}",
            t.name()
        );

        server.service().inject(Fault::Throttle, 3);
        let (e, attempts) = service_error(t, t.send(SendEvent::typing(chat.customer.as_str())));
        assert_eq!(
            (e.kind(), attempts),
            (ServiceErrorKind::Throttling, 3),
            "{}",
            t.name()
        );
        assert!(e.is_throttling());

        server.service().inject(Fault::InternalError, 3);
        let (e, attempts) = service_error(t, t.send(SendEvent::typing(chat.customer.as_str())));
        assert_eq!(
            (e.kind(), attempts),
            (ServiceErrorKind::InternalServer, 3),
            "{}",
            t.name()
        );
        assert_eq!(e.status().as_u16(), 500);

        server.service().join(chat.id, Role::Supervisor);
        let before = server.service().requests_received();
        let (e, attempts) = service_error(
            t,
            t.send(SendEvent::delivered_receipt(chat.agent.as_str(), "m")),
        );
        assert_eq!(
            (e.kind(), attempts),
            (ServiceErrorKind::Conflict, 1),
            "{}",
            t.name()
        );
        assert_eq!(
            e.message(),
            Some("Operation can not be performed due to the state of the contact.")
        );
        assert_eq!(
            server.service().requests_received(),
            before + 1,
            "a final error is not retried"
        );
        assert_eq!(
            server.service().transcript(chat.id).len(),
            1,
            "only tok-1's event"
        );
    });
}

#[test]
fn retried_call_after_500_records_one_event_with_one_token() {
    defaults(|t, server, chat| {
        server.service().inject(Fault::InternalError, 1);
        let out = t
            .send(SendEvent::typing(chat.customer.as_str()))
            .expect("retried");
        assert_eq!(out.attempts, 2, "{}", t.name());
        let transcript = server.service().transcript(chat.id);
        assert_eq!(transcript.len(), 1, "{}", t.name());
        assert!(transcript[0]
            .client_token
            .as_deref()
            .is_some_and(|tok| tok.len() == 36));
        assert_eq!(server.service().requests_received(), 2);
    });
}

#[test]
fn throttling_then_success() {
    defaults(|t, server, chat| {
        server.service().inject(Fault::Throttle, 1);
        let out = t
            .send(SendEvent::typing(chat.customer.as_str()))
            .expect("retried");
        assert_eq!(out.attempts, 2, "{}", t.name());
        assert_eq!(server.service().transcript(chat.id).len(), 1);
    });
}

#[test]
fn attempts_exhausted_says_three() {
    defaults(|t, server, chat| {
        server.service().inject(Fault::Html502, 3);
        let err = t
            .send(SendEvent::typing(chat.customer.as_str()))
            .expect_err("exhausted");
        assert_eq!(err.attempts(), 3, "{}", t.name());
        assert!(err.to_string().contains("3 attempt"), "{err}");
        let e = err.service_error().expect("service error");
        assert_eq!(
            (e.status().as_u16(), e.kind()),
            (502, ServiceErrorKind::Unmodeled)
        );
        assert!(server.service().transcript(chat.id).is_empty());
    });
}

#[test]
fn stalled_response_times_out_within_the_bound() {
    let options = TransportOptions::default().with_attempt_timeout(Duration::from_millis(300));
    each_transport(options, 1, |t, server, chat| {
        server
            .service()
            .inject(Fault::Stall(Duration::from_secs(5)), 1);
        let started = Instant::now();
        let err = t
            .send(SendEvent::typing(chat.customer.as_str()))
            .expect_err("timeout");
        let elapsed = started.elapsed();
        match &err {
            Error::Transport { error, attempts: 1 } => {
                assert_eq!(
                    error.kind(),
                    TransportErrorKind::Timeout,
                    "{}: {error:?}",
                    t.name()
                )
            }
            other => panic!("{}: {other:?}", t.name()),
        }
        assert!(
            elapsed < Duration::from_secs(3),
            "{}: took {elapsed:?}",
            t.name()
        );
    });
}

#[test]
fn oversized_and_endless_bodies_end_in_an_error() {
    let options = TransportOptions::default()
        .with_max_response_bytes(4096)
        .with_attempt_timeout(Duration::from_secs(5));
    each_transport(options, 3, |t, server, chat| {
        for fault in [Fault::OversizedBody(100_000), Fault::EndlessBody] {
            server.service().inject(fault, 1);
            let err = t
                .send(SendEvent::typing(chat.customer.as_str()))
                .expect_err("too large");
            match &err {
                Error::Transport { error, attempts: 1 } => {
                    assert_eq!(
                        error.kind(),
                        TransportErrorKind::BodyTooLarge,
                        "{}: {error:?}",
                        t.name()
                    )
                }
                other => panic!("{}: {other:?}", t.name()),
            }
        }
    });
}

#[test]
fn redirect_is_not_followed_and_the_token_stays_home() {
    defaults(|t, server, chat| {
        let elsewhere = MockServer::start(MockService::new()).expect("second server");
        server.service().inject(
            Fault::Redirect(format!("{}/participant/event", elsewhere.url())),
            1,
        );
        let (e, attempts) = service_error(t, t.send(SendEvent::typing(chat.customer.as_str())));
        assert_eq!((e.status().as_u16(), attempts), (307, 1), "{}", t.name());
        let location = format!("{}/participant/event", elsewhere.url());
        assert_eq!(
            e.redirect_location(),
            Some(location.as_str()),
            "{}",
            t.name()
        );
        assert!(
            e.to_string().contains(&location),
            "{}: the error names where it pointed: {e}",
            t.name()
        );
        assert_eq!(
            elsewhere.service().requests_received(),
            0,
            "{}: followed the redirect",
            t.name()
        );
    });
}

#[test]
fn connection_refused_is_a_retried_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let config = config(&url, 2);
    let blocking = connect_participant_ureq::Client::new(config.clone()).expect("client");
    let rt = runtime();
    let asynchronous =
        rt.block_on(async { connect_participant_hyper::Client::new(config).expect("client") });
    let transports: [Box<dyn Transport>; 2] = [
        Box::new(Blocking(blocking)),
        Box::new(Async(asynchronous, rt)),
    ];
    for t in &transports {
        match t.send(SendEvent::typing("token")) {
            Err(Error::Transport { error, attempts: 2 }) => {
                assert_eq!(
                    error.kind(),
                    TransportErrorKind::Connect,
                    "{}: {error:?}",
                    t.name()
                )
            }
            other => panic!("{}: {other:?}", t.name()),
        }
    }
}

#[test]
fn malformed_json_on_200_is_a_malformed_response() {
    defaults(|t, server, chat| {
        server.service().inject(Fault::MalformedJson, 1);
        match t.send(SendEvent::typing(chat.customer.as_str())) {
            Err(Error::MalformedResponse { error, attempts: 1 }) => {
                assert_eq!(error.status().as_u16(), 200);
                assert!(!error.excerpt().is_empty());
            }
            other => panic!("{}: {other:?}", t.name()),
        }
    });
}

#[test]
fn invalid_input_is_refused_before_any_request() {
    defaults(|t, server, chat| {
        let err = t
            .send(SendEvent::new(
                chat.customer.as_str(),
                connect_participant::ContentType::MessageRead,
                Some("{}".into()),
            ))
            .expect_err("invalid");
        assert!(
            matches!(err, Error::InvalidInput(_)),
            "{}: {err:?}",
            t.name()
        );
        assert_eq!(err.attempts(), 0);
        assert_eq!(server.service().requests_received(), 0);
    });
}

fn assert_all_recorded(
    server: &MockServer,
    chat: &Chat,
    outputs: &[SendEventOutput],
    expected: usize,
) {
    assert_eq!(outputs.len(), expected);
    let transcript = server.service().transcript(chat.id);
    assert_eq!(
        transcript.len(),
        expected,
        "every event recorded exactly once"
    );
    let ids: HashSet<_> = transcript.iter().map(|e| e.id.clone()).collect();
    let tokens: HashSet<_> = transcript.iter().map(|e| e.client_token.clone()).collect();
    assert_eq!(
        (ids.len(), tokens.len()),
        (expected, expected),
        "no duplicate event"
    );
    let answered: HashSet<_> = outputs.iter().filter_map(|o| o.id.clone()).collect();
    assert_eq!(answered, ids);
}

#[test]
fn blocking_client_is_shared_by_8_threads() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let client = connect_participant_ureq::Client::new(config(&server.url(), 3)).expect("client");
    let outputs: Vec<SendEventOutput> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (client, token) = (client.clone(), chat.customer.clone());
                s.spawn(move || {
                    (0..50)
                        .map(|_| {
                            client
                                .send_event(SendEvent::typing(token.as_str()))
                                .expect("send")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    assert_all_recorded(&server, &chat, &outputs, 400);
}

#[test]
fn async_client_is_shared_by_64_tasks() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let rt = runtime();
    let outputs = rt.block_on(async {
        let client =
            connect_participant_hyper::Client::new(config(&server.url(), 3)).expect("client");
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let (client, token) = (client.clone(), chat.customer.clone());
                tokio::spawn(async move {
                    let mut out = Vec::with_capacity(50);
                    for _ in 0..50 {
                        out.push(
                            client
                                .send_event(SendEvent::typing(token.as_str()))
                                .await
                                .expect("send"),
                        );
                    }
                    out
                })
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.expect("task"));
        }
        all
    });
    assert_all_recorded(&server, &chat, &outputs, 64 * 50);
}

#[test]
fn dropping_a_pending_async_call_cancels_it() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    server
        .service()
        .inject(Fault::Stall(Duration::from_secs(2)), 1);
    let rt = runtime();
    rt.block_on(async {
        let client =
            connect_participant_hyper::Client::new(config(&server.url(), 3)).expect("client");
        let pending = client.send_event(SendEvent::typing(chat.customer.as_str()));
        let timed_out = tokio::time::timeout(Duration::from_millis(200), pending).await;
        assert!(timed_out.is_err(), "the call was still pending");
        // The client stays usable after the cancelled call.
        let out = client
            .send_event(SendEvent::typing(chat.customer.as_str()))
            .await
            .expect("send");
        assert_eq!(out.attempts, 1);
    });
}

/// Both clients over a port that accepts TCP and never answers the TLS
/// handshake: the connect timeout (TCP and TLS) bounds the attempt on both,
/// with the same kind and text.
#[test]
fn a_stalled_tls_handshake_is_bounded_by_the_connect_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    // Accept and hold every connection, silent.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let options = TransportOptions::default()
        .with_connect_timeout(Duration::from_millis(500))
        .with_attempt_timeout(Duration::from_secs(10));
    let config = config(&url, 1);
    let blocking = connect_participant_ureq::Client::builder(config.clone())
        .options(options.clone())
        .build()
        .expect("client");
    let rt = runtime();
    let asynchronous = rt.block_on(async {
        connect_participant_hyper::Client::builder(config)
            .options(options)
            .build()
            .expect("client")
    });
    let transports: [Box<dyn Transport>; 2] = [
        Box::new(Blocking(blocking)),
        Box::new(Async(asynchronous, rt)),
    ];
    for t in &transports {
        let started = Instant::now();
        let result = t.send(SendEvent::typing("token"));
        let elapsed = started.elapsed();
        match result {
            Err(Error::Transport { error, attempts: 1 }) => {
                assert_eq!(
                    error.kind(),
                    TransportErrorKind::Timeout,
                    "{}: {error:?}",
                    t.name()
                );
                assert!(
                    error
                        .message()
                        .contains("connect (TCP and TLS) timed out after 500ms"),
                    "{}: {}",
                    t.name(),
                    error.message()
                );
            }
            other => panic!("{}: {other:?}", t.name()),
        }
        assert!(
            elapsed < Duration::from_secs(3),
            "{}: took {elapsed:?}",
            t.name()
        );
    }
}

/// The same fault gives the same error kind and retry count on both clients,
/// and the same text where the text is the transports' own (a malformed
/// answer keeps each HTTP library's own words).
#[test]
fn the_same_fault_gives_the_same_error_on_both_clients() {
    type Expect = (TransportErrorKind, u32, Option<&'static str>);
    let huge_header = Fault::Status {
        status: 200,
        headers: vec![("x-padding".to_owned(), "p".repeat(600 * 1024))],
        body: Vec::new(),
    };
    let cases: Vec<(&str, Vec<Fault>, TransportOptions, Expect)> = vec![
        (
            "response headers over the limit",
            vec![huge_header.clone(), huge_header.clone(), huge_header],
            TransportOptions::default(),
            (TransportErrorKind::Io, 3, None),
        ),
        (
            "stalled answer",
            vec![Fault::Stall(Duration::from_secs(5))],
            TransportOptions::default().with_attempt_timeout(Duration::from_millis(300)),
            (
                TransportErrorKind::Timeout,
                1,
                Some("attempt timed out after 300ms"),
            ),
        ),
        (
            "body over the limit",
            vec![Fault::OversizedBody(100_000)],
            TransportOptions::default().with_max_response_bytes(4096),
            (
                TransportErrorKind::BodyTooLarge,
                1,
                Some("response body is over the limit of 4096 bytes"),
            ),
        ),
    ];
    for (what, faults, options, (kind, attempts, text)) in cases {
        let max = if attempts == 1 { 1 } else { 3 };
        each_transport(options, max, |t, server, chat| {
            for fault in &faults {
                server.service().inject(fault.clone(), 1);
            }
            match t.send(SendEvent::typing(chat.customer.as_str())) {
                Err(Error::Transport { error, attempts: n }) => {
                    assert_eq!(
                        (error.kind(), n),
                        (kind, attempts),
                        "{what}, {}: {error:?}",
                        t.name()
                    );
                    assert!(
                        text.is_none_or(|text| error.message() == text),
                        "{what}, {}: {}",
                        t.name(),
                        error.message()
                    );
                }
                other => panic!("{what}, {}: {other:?}", t.name()),
            }
            server.service().clear_faults();
        });
    }
}
