//! CreateParticipantConnection through both transports over the simulated
//! service on loopback: success and its output, each modeled error, retries,
//! the connection token handed straight to SendEvent, and expiry.

use std::time::{Duration, Instant};

use connect_participant::connection::ConnectionType;
use connect_participant::{
    CreateParticipantConnection, Error, SendEvent, ServiceErrorKind, TransportOptions,
};
use connect_participant_mock::{Chat, Fault, MockService, RateLimit, Role};

mod common;

use common::{service_error, Transport};

/// [`common::each_transport`] with default options, the scenario given
/// the service.
fn each_transport(max_attempts: u32, scenario: impl Fn(&dyn Transport, &MockService, &Chat)) {
    common::each_transport(
        TransportOptions::default(),
        max_attempts,
        |t, server, chat| scenario(t, server.service(), chat),
    )
}

fn defaults(scenario: impl Fn(&dyn Transport, &MockService, &Chat)) {
    each_transport(3, scenario)
}

const BOTH: [ConnectionType; 2] = [
    ConnectionType::Websocket,
    ConnectionType::ConnectionCredentials,
];

/// What a customer asks, as Amazon's browser library does.
fn customer(chat: &Chat) -> CreateParticipantConnection {
    CreateParticipantConnection::new(chat.customer_participant_token.as_str()).with_types(BOTH)
}

#[test]
fn success_reads_the_output_and_keeps_the_secrets_out_of_debug() {
    defaults(|t, service, chat| {
        let name = t.name();
        let out = t.connect(customer(chat)).expect("connection");
        assert_eq!(out.attempts, 1, "{name}");
        assert!(out.request_id.is_some(), "{name}");
        let ws = out.websocket.as_ref().expect("Websocket");
        let url = ws.url.as_ref().expect("Url").expose().to_owned();
        assert!(url.starts_with("wss://"), "{name}: {url}");
        assert!(ws
            .connection_expiry
            .as_deref()
            .is_some_and(|e| e.ends_with('Z')));
        let credentials = out.connection_credentials.as_ref().expect("credentials");
        let token = credentials
            .connection_token
            .as_ref()
            .expect("ConnectionToken")
            .expose()
            .to_owned();
        assert_eq!(token.len(), 64, "{name}");
        let expiry = credentials.expiry.as_deref().expect("Expiry");
        assert!(expiry > ws.connection_expiry.as_deref().unwrap(), "{name}");
        assert!(out.webrtc_connection.is_none(), "{name}");
        let shown = format!("{out:?}");
        assert!(
            !shown.contains(&token) && !shown.contains(&url),
            "{name}: {shown}"
        );
        assert!(shown.contains("<redacted>"), "{name}: {shown}");

        // Only what is asked comes back.
        let only_ws = t
            .connect(
                CreateParticipantConnection::new(chat.customer_participant_token.as_str())
                    .with_types([ConnectionType::Websocket]),
            )
            .expect("websocket only");
        assert!(only_ws.websocket.is_some() && only_ws.connection_token().is_none());
        let rtc = t
            .connect(
                CreateParticipantConnection::new(chat.agent_participant_token.as_str())
                    .with_types([ConnectionType::WebrtcConnection]),
            )
            .expect("webrtc");
        let attendee = rtc
            .webrtc_connection
            .as_ref()
            .and_then(|w| w.attendee.as_ref())
            .expect("Attendee");
        let join = attendee.join_token.as_ref().expect("JoinToken").expose();
        assert!(!format!("{rtc:?}").contains(join), "{name}");
        let meeting = rtc
            .webrtc_connection
            .as_ref()
            .and_then(|w| w.meeting.as_ref());
        assert!(meeting.and_then(|m| m.meeting_id.as_ref()).is_some());
        assert!(!service.is_connected(&chat.customer_participant_token));
    });
}

#[test]
fn the_token_goes_straight_to_send_event() {
    defaults(|t, service, chat| {
        let output = t.connect(customer(chat).acknowledge()).expect("connection");
        assert!(service.is_connected(&chat.customer_participant_token));
        // No unwrapping of the secret: the token is handed over as it is.
        t.send(SendEvent::typing(
            output.connection_token().unwrap().clone(),
        ))
        .expect("typing");
        t.send(SendEvent::read_receipt(
            output.connection_token().unwrap().clone(),
            "msg-1",
        ))
        .expect("read receipt");
        let transcript = service.transcript(chat.id);
        assert_eq!(transcript.len(), 2, "{}", t.name());
        assert!(transcript.iter().all(|e| e.participant == Role::Customer));
    });
}

#[test]
fn an_agent_acknowledges_with_no_type() {
    defaults(|t, service, chat| {
        assert!(!service.is_connected(&chat.agent_participant_token));
        let out = t
            .connect(
                CreateParticipantConnection::new(chat.agent_participant_token.as_str())
                    .acknowledge(),
            )
            .expect("acknowledged");
        assert!(
            service.is_connected(&chat.agent_participant_token),
            "{}",
            t.name()
        );
        assert!(!service.is_connected(&chat.customer_participant_token));
        // The simulated service answers both a URL and credentials then.
        assert!(out.websocket.is_some());
        t.send(SendEvent::typing(out.connection_token().unwrap().clone()))
            .expect("typing");
        assert_eq!(service.transcript(chat.id)[0].participant, Role::Agent);
    });
}

#[test]
fn access_denied_for_an_unknown_token_and_an_ended_chat() {
    defaults(|t, service, chat| {
        let name = t.name();
        for token in ["no-such-token", chat.customer.as_str()] {
            let (e, attempts) = service_error(
                t,
                t.connect(CreateParticipantConnection::new(token).with_types(BOTH)),
            );
            assert_eq!(
                (e.kind(), e.status().as_u16(), attempts),
                (ServiceErrorKind::AccessDenied, 403, 1),
                "{name}"
            );
            assert_eq!(e.code(), Some("AccessDeniedException"));
            assert!(e.message().is_some_and(|m| !m.is_empty()), "{name}");
        }
        let issued = t.connect(customer(chat)).expect("connection");
        service.end_chat(chat.id);
        let (e, attempts) = service_error(t, t.connect(customer(chat).acknowledge()));
        assert_eq!(
            (e.kind(), attempts),
            (ServiceErrorKind::AccessDenied, 1),
            "{name}"
        );
        assert!(!service.is_connected(&chat.customer_participant_token));
        let (e, _) = service_error(
            t,
            t.send(SendEvent::typing(
                issued.connection_token().unwrap().clone(),
            )),
        );
        assert_eq!(e.kind(), ServiceErrorKind::AccessDenied, "{name}");
        // A participant token is no connection token.
        let (e, _) = service_error(
            t,
            t.send(SendEvent::typing(chat.agent_participant_token.as_str())),
        );
        assert_eq!(e.status().as_u16(), 403, "{name}");
    });
}

#[test]
fn throttling_is_retried_then_succeeds_or_runs_out() {
    defaults(|t, service, chat| {
        let name = t.name();
        service.inject(Fault::Throttle, 1);
        let before = service.requests_received();
        let out = t.connect(customer(chat)).expect("after one throttle");
        assert_eq!(out.attempts, 2, "{name}");
        assert_eq!(service.requests_received() - before, 2, "{name}");
        t.send(SendEvent::typing(out.connection_token().unwrap().clone()))
            .expect("typing");

        service.inject(Fault::Throttle, 3);
        let (e, attempts) = service_error(t, t.connect(customer(chat)));
        assert_eq!(
            (e.kind(), e.status().as_u16(), attempts),
            (ServiceErrorKind::Throttling, 429, 3),
            "{name}"
        );
        assert!(e.is_throttling());
    });
}

#[test]
fn the_rate_limit_is_waited_out() {
    each_transport(10, |t, service, chat| {
        service.set_rate_limit(Some(RateLimit::new(1, Duration::from_millis(200))));
        t.connect(customer(chat)).expect("first");
        let start = Instant::now();
        let out = t
            .connect(customer(chat))
            .expect("retried until the window passed");
        assert!(out.attempts >= 2, "{}: {out:?}", t.name());
        assert!(
            start.elapsed() >= Duration::from_millis(150),
            "{}",
            t.name()
        );
    });
}

#[test]
fn internal_server_errors_and_broken_connections_are_retried() {
    defaults(|t, service, chat| {
        let name = t.name();
        service.inject(Fault::InternalError, 2);
        let out = t.connect(customer(chat)).expect("after two 500s");
        assert_eq!(out.attempts, 3, "{name}");

        service.inject(Fault::InternalError, 3);
        let (e, attempts) = service_error(t, t.connect(customer(chat)));
        assert_eq!(
            (e.kind(), e.status().as_u16(), attempts),
            (ServiceErrorKind::InternalServer, 500, 3),
            "{name}"
        );

        // The connection closed before any answer: retried, and the one
        // answer that came holds a working token.
        service.inject(Fault::CloseBeforeAnswer, 1);
        let out = t
            .connect(customer(chat))
            .expect("after a broken connection");
        assert_eq!(out.attempts, 2, "{name}");
        t.send(SendEvent::typing(out.connection_token().unwrap().clone()))
            .expect("typing");
    });
}

#[test]
fn validation_errors_are_final_and_empty_lists_are_never_sent() {
    defaults(|t, service, chat| {
        let name = t.name();
        let before = service.requests_received();
        let (e, attempts) = service_error(
            t,
            t.connect(
                CreateParticipantConnection::new(chat.customer_participant_token.as_str())
                    .with_types([
                        ConnectionType::Websocket,
                        ConnectionType::Other("CHAT".into()),
                    ])
                    .acknowledge(),
            ),
        );
        assert_eq!(
            (e.kind(), e.status().as_u16(), attempts),
            (ServiceErrorKind::Validation, 400, 1),
            "{name}"
        );
        assert!(
            e.message().is_some_and(|m| m.contains("CHAT")),
            "{name}: {e:?}"
        );
        assert_eq!(service.requests_received() - before, 1, "{name}");
        assert!(!service.is_connected(&chat.customer_participant_token));
        // An empty list breaks the model's rule: caught before sending.
        match t.connect(
            CreateParticipantConnection::new(chat.customer_participant_token.as_str())
                .with_types([]),
        ) {
            Err(Error::InvalidInput(e)) => {
                assert_eq!(e.field(), connect_participant::error::Field::Type)
            }
            other => panic!("{name}: expected invalid input, got {other:?}"),
        }
        assert_eq!(service.requests_received() - before, 1, "{name}");
    });
}

#[test]
fn an_expired_connection_token_is_refused_with_403() {
    defaults(|t, service, chat| {
        service.set_connection_token_lifetime(Duration::ZERO);
        let out = t.connect(customer(chat)).expect("connection");
        let (e, attempts) = service_error(
            t,
            t.send(SendEvent::typing(out.connection_token().unwrap().clone())),
        );
        assert_eq!(
            (e.kind(), e.status().as_u16(), attempts),
            (ServiceErrorKind::AccessDenied, 403, 1),
            "{}",
            t.name()
        );
        // A fresh token, with a lifetime again, works.
        service.set_connection_token_lifetime(Duration::from_secs(3600));
        let out = t.connect(customer(chat)).expect("connection");
        t.send(SendEvent::typing(out.connection_token().unwrap().clone()))
            .expect("typing");
    });
}

#[test]
fn a_malformed_answer_keeps_no_secret() {
    defaults(|t, service, chat| {
        service.inject(
            Fault::Status {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: br#"{"ConnectionCredentials":{"ConnectionToken":7,"Expiry":"SECRET-1"}} SECRET-2"#
                    .to_vec(),
            },
            1,
        );
        match t.connect(customer(chat)) {
            Err(e @ Error::MalformedResponse { .. }) => {
                let shown = format!("{e} {e:?}");
                assert!(!shown.contains("SECRET"), "{}: {shown}", t.name());
            }
            other => panic!("{}: expected a malformed answer, got {other:?}", t.name()),
        }
    });
}
