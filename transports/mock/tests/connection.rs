//! CreateParticipantConnection on the simulated service, in memory and over
//! HTTP: participant tokens turned into connection tokens that expire, the
//! types asked for, `ConnectParticipant`, the body's rules, and the 403s.

#[macro_use]
mod common;

use std::time::{Duration, Instant, SystemTime};

use common::*;
use connect_participant_core::connection::ConnectionType;
use connect_participant_core::{
    CreateParticipantConnection, CreateParticipantConnectionOutput, Error, SendEvent,
    ServiceErrorKind,
};
use connect_participant_mock::{absolute_time, Fault, RateLimit, Role, ACCESS_DENIED_MESSAGE};

both!(
    a_participant_token_gives_a_connection_token_that_sends,
    each_type_is_answered_only_when_asked,
    no_type_answers_websocket_and_credentials,
    connect_participant_marks_the_participant_connected,
    tokens_are_not_interchangeable,
    ended_chat_and_participant_who_left_are_403_on_both_paths,
    an_expired_connection_token_is_403,
    invalid_bodies_are_400_and_change_nothing,
    routing_405_415_and_base_paths,
    throttling_and_internal_errors_are_retried,
);

const BOTH: [ConnectionType; 2] = [
    ConnectionType::Websocket,
    ConnectionType::ConnectionCredentials,
];

fn service_kind<T: std::fmt::Debug>(result: Result<T, Error>) -> (ServiceErrorKind, u16, u32) {
    let error = result.unwrap_err();
    let e = error
        .service_error()
        .unwrap_or_else(|| panic!("not a service error: {error:?}"));
    (e.kind(), e.status().as_u16(), error.attempts())
}

fn token_of(out: &CreateParticipantConnectionOutput) -> String {
    out.connection_token()
        .expect("a connection token")
        .expose()
        .to_owned()
}

fn typing(
    h: &dyn Harness,
    token: &str,
) -> Result<connect_participant_core::SendEventOutput, Error> {
    call(h, SendEvent::typing(token))
}

fn a_participant_token_gives_a_connection_token_that_sends(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let before = SystemTime::now();
    let out = connect(
        h,
        CreateParticipantConnection::new(chat.customer_participant_token.as_str()).with_types(BOTH),
    )
    .unwrap();
    let after = SystemTime::now();
    assert_eq!(out.attempts, 1);
    assert!(out.request_id.as_deref().is_some_and(is_uuid));
    // The WebSocket URL: pre-signed in shape, expiring 100 s after issue.
    let ws = out.websocket.as_ref().expect("Websocket");
    let url = ws.url.as_ref().expect("Url").expose();
    assert!(url.starts_with("wss://"), "{url}");
    assert!(
        url.contains("X-Amz-Signature=") && url.len() <= 2000,
        "{url}"
    );
    let expiry = ws.connection_expiry.as_deref().expect("ConnectionExpiry");
    assert!(is_absolute_time(expiry), "{expiry}");
    let (hundred, day) = (Duration::from_secs(100), Duration::from_secs(24 * 3600));
    assert!(absolute_time(before + hundred).as_str() <= expiry);
    assert!(expiry <= absolute_time(after + hundred).as_str());
    // The connection token, a day by default.
    let credentials = out.connection_credentials.as_ref().expect("credentials");
    let expiry = credentials.expiry.as_deref().expect("Expiry");
    assert!(absolute_time(before + day).as_str() <= expiry, "{expiry}");
    assert!(expiry <= absolute_time(after + day).as_str(), "{expiry}");
    let token = token_of(&out);
    assert_eq!(token.len(), 64);
    assert!(token != chat.customer && token != chat.customer_participant_token);
    assert!(out.webrtc_connection.is_none());
    // Secrets stay out of Debug.
    let shown = format!("{out:?}");
    assert!(!shown.contains(&token) && !shown.contains(url), "{shown}");
    // The token sends, as the customer: the same participant as the
    // connection token issued on joining.
    typing(h, &token).unwrap();
    typing(h, &chat.customer).unwrap();
    let t = s.transcript(chat.id);
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].participant, Role::Customer);
    assert_eq!(t[0].participant_id, t[1].participant_id);
    // Each call issues a fresh token; the earlier ones keep working.
    let again = token_of(
        &connect(
            h,
            CreateParticipantConnection::new(chat.customer_participant_token.as_str())
                .with_types([ConnectionType::ConnectionCredentials]),
        )
        .unwrap(),
    );
    assert_ne!(again, token);
    typing(h, &again).unwrap();
    typing(h, &token).unwrap();
    // The agent's token is the agent's.
    let agent = token_of(
        &connect(
            h,
            CreateParticipantConnection::new(chat.agent_participant_token.as_str())
                .with_types(BOTH),
        )
        .unwrap(),
    );
    typing(h, &agent).unwrap();
    assert_eq!(
        s.transcript(chat.id).last().unwrap().participant,
        Role::Agent
    );
    // Nothing is marked connected without ConnectParticipant.
    assert!(!s.is_connected(&chat.customer_participant_token));
}

fn each_type_is_answered_only_when_asked(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let ask = |token: &str, types: &[ConnectionType]| {
        connect(
            h,
            CreateParticipantConnection::new(token).with_types(types.to_vec()),
        )
        .unwrap()
    };
    let customer = chat.customer_participant_token.as_str();
    let out = ask(customer, &[ConnectionType::Websocket]);
    assert!(out.websocket.is_some());
    assert!(out.connection_credentials.is_none() && out.webrtc_connection.is_none());
    let out = ask(customer, &[ConnectionType::ConnectionCredentials]);
    assert!(out.websocket.is_none() && out.webrtc_connection.is_none());
    assert!(out.connection_token().is_some());
    // WebRTC: the participant as an attendee of the chat's meeting.
    let mine = ask(customer, &[ConnectionType::WebrtcConnection]);
    assert!(mine.websocket.is_none() && mine.connection_credentials.is_none());
    let theirs = ask(
        &chat.agent_participant_token,
        &[ConnectionType::WebrtcConnection],
    );
    let again = ask(customer, &[ConnectionType::WebrtcConnection]);
    let rtc = |out: &CreateParticipantConnectionOutput| {
        let rtc = out.webrtc_connection.clone().expect("WebRTCConnection");
        let attendee = rtc.attendee.expect("Attendee");
        let meeting = rtc.meeting.expect("Meeting");
        let placement = meeting.media_placement.expect("MediaPlacement");
        for url in [
            &placement.audio_host_url,
            &placement.audio_fallback_url,
            &placement.signaling_url,
            &placement.event_ingestion_url,
        ] {
            assert!(url.as_deref().is_some_and(|u| !u.is_empty()));
        }
        let echo = meeting
            .meeting_features
            .and_then(|f| f.audio)
            .and_then(|a| a.echo_reduction);
        assert_eq!(echo.as_deref(), Some("AVAILABLE"));
        (
            meeting.meeting_id.expect("MeetingId"),
            attendee.attendee_id.expect("AttendeeId"),
            attendee.join_token.expect("JoinToken").expose().to_owned(),
        )
    };
    let (meeting, attendee, join) = rtc(&mine);
    let (their_meeting, their_attendee, their_join) = rtc(&theirs);
    assert_eq!(meeting, their_meeting);
    assert!(attendee != their_attendee && join != their_join);
    assert_eq!(rtc(&again), (meeting.clone(), attendee, join.clone()));
    assert!(!format!("{mine:?}").contains(&join));
    // Another chat has another meeting.
    let other = s.open_chat();
    let (other_meeting, ..) = rtc(&ask(
        &other.customer_participant_token,
        &[ConnectionType::WebrtcConnection],
    ));
    assert_ne!(other_meeting, meeting);
    // All three, repeats ignored; raw, the members come in the model's order.
    let all = r#"{"Type":["WEBRTC_CONNECTION","CONNECTION_CREDENTIALS","WEBSOCKET","WEBSOCKET"]}"#;
    let response = raw_connection(h, Some(customer), all);
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    assert!(header(&response, "x-amzn-requestid").is_some_and(is_uuid));
    let text = String::from_utf8(response.body().clone()).unwrap();
    let at = |member: &str| text.find(member).unwrap_or_else(|| panic!("{text}"));
    assert!(
        at("\"Websocket\"") < at("\"ConnectionCredentials\""),
        "{text}"
    );
    assert!(
        at("\"ConnectionCredentials\"") < at("\"WebRTCConnection\""),
        "{text}"
    );
    let json = body_json(&response);
    assert_eq!(json.as_object().unwrap().len(), 3);
}

/// **Decision** (docs/spec.md says nothing of it): with no `Type`, as an
/// agent acknowledging sends, the answer holds a WebSocket URL and
/// connection credentials.
fn no_type_answers_websocket_and_credentials(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    for op in [
        CreateParticipantConnection::new(chat.agent_participant_token.as_str()).acknowledge(),
        CreateParticipantConnection::new(chat.agent_participant_token.as_str()),
    ] {
        let out = connect(h, op).unwrap();
        assert!(out.websocket.as_ref().is_some_and(|w| w.url.is_some()));
        assert!(out.webrtc_connection.is_none());
        typing(h, &token_of(&out)).unwrap();
    }
    for body in ["", "{}", r#"{"Type":null}"#] {
        let json = body_json(&raw_connection(
            h,
            Some(&chat.agent_participant_token),
            body,
        ));
        let mut members: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        members.sort();
        assert_eq!(members, ["ConnectionCredentials", "Websocket"], "{body}");
    }
}

fn connect_participant_marks_the_participant_connected(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let customer = chat.customer_participant_token.as_str();
    assert!(!s.is_connected(customer));
    connect(
        h,
        CreateParticipantConnection::new(customer)
            .with_types(BOTH)
            .with_connect_participant(false),
    )
    .unwrap();
    assert!(!s.is_connected(customer));
    let out = connect(
        h,
        CreateParticipantConnection::new(customer)
            .with_types(BOTH)
            .acknowledge(),
    )
    .unwrap();
    // Asked by either token; the other participant is untouched.
    assert!(s.is_connected(customer));
    assert!(s.is_connected(&chat.customer));
    assert!(s.is_connected(&token_of(&out)));
    assert!(!s.is_connected(&chat.agent_participant_token));
    assert!(!s.is_connected(&chat.agent));
    assert!(!s.is_connected("never-issued"));
    // It stays connected; `false` later does not undo it.
    connect(
        h,
        CreateParticipantConnection::new(customer).with_connect_participant(false),
    )
    .unwrap();
    assert!(s.is_connected(customer));
    // The agent acknowledges the way Amazon's library does: no Type.
    connect(
        h,
        CreateParticipantConnection::new(chat.agent_participant_token.as_str()).acknowledge(),
    )
    .unwrap();
    assert!(s.is_connected(&chat.agent));
}

fn tokens_are_not_interchangeable(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    // A participant token does not send events...
    assert_eq!(
        service_kind(typing(h, &chat.customer_participant_token)),
        (ServiceErrorKind::AccessDenied, 403, 1)
    );
    // ...and a connection token does not open connections.
    for token in [chat.customer.as_str(), "never-issued"] {
        let result = connect(h, CreateParticipantConnection::new(token).with_types(BOTH));
        let error = result.unwrap_err();
        let e = error.service_error().expect("service error");
        assert_eq!(
            (e.kind(), e.status().as_u16(), error.attempts()),
            (ServiceErrorKind::AccessDenied, 403, 1)
        );
        assert_eq!(e.code(), Some("AccessDeniedException"));
        assert_eq!(e.message(), Some(ACCESS_DENIED_MESSAGE));
    }
    // Missing, sent twice, or another case: refused too.
    let body = r#"{"Type":["WEBSOCKET"]}"#;
    assert_eq!(raw_connection(h, None, body).status(), 403);
    let twice = request(
        h,
        "POST",
        "/participant/connection",
        &[
            ("x-amz-bearer", &chat.customer_participant_token),
            ("x-amz-bearer", &chat.customer_participant_token),
        ],
        body,
    );
    assert_eq!(h.send(twice).unwrap().status(), 403);
    let upper = chat.customer_participant_token.to_uppercase();
    assert_eq!(raw_connection(h, Some(&upper), body).status(), 403);
    assert!(s.transcript(chat.id).is_empty());
    assert!(!s.is_connected(&chat.customer));
}

fn ended_chat_and_participant_who_left_are_403_on_both_paths(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let issued = token_of(
        &connect(
            h,
            CreateParticipantConnection::new(chat.customer_participant_token.as_str())
                .with_types(BOTH),
        )
        .unwrap(),
    );
    // The agent leaves (named by the participant token): both paths refuse them.
    s.leave(&chat.agent_participant_token);
    assert_eq!(s.active_participants(chat.id), [Role::Customer]);
    assert_eq!(service_kind(typing(h, &chat.agent)).1, 403);
    let refused = connect(
        h,
        CreateParticipantConnection::new(chat.agent_participant_token.as_str()).acknowledge(),
    );
    assert_eq!(
        service_kind(refused),
        (ServiceErrorKind::AccessDenied, 403, 1)
    );
    assert!(!s.is_connected(&chat.agent_participant_token));
    // The chat ends: every token of it is refused, on both paths.
    s.end_chat(chat.id);
    for token in [issued.as_str(), chat.customer.as_str()] {
        assert_eq!(
            service_kind(typing(h, token)),
            (ServiceErrorKind::AccessDenied, 403, 1)
        );
    }
    let refused = connect(
        h,
        CreateParticipantConnection::new(chat.customer_participant_token.as_str())
            .with_types(BOTH)
            .acknowledge(),
    );
    assert_eq!(
        service_kind(refused),
        (ServiceErrorKind::AccessDenied, 403, 1)
    );
    assert!(!s.is_connected(&chat.customer_participant_token));
    // Joining an ended chat gives tokens that are refused.
    let late = s.join(chat.id, Role::Agent);
    assert_eq!(
        raw_connection(h, Some(&late.participant_token), "{}").status(),
        403
    );
    assert_eq!(service_kind(typing(h, &late.connection_token)).1, 403);
    // Other chats go on.
    let other = s.open_chat();
    connect(
        h,
        CreateParticipantConnection::new(other.customer_participant_token.as_str()),
    )
    .unwrap();
}

fn an_expired_connection_token_is_403(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    assert_eq!(
        s.connection_token_lifetime(),
        Duration::from_secs(24 * 3600)
    );
    // A lifetime of zero: every token issued from now on is expired at once.
    s.set_connection_token_lifetime(Duration::ZERO);
    let before = SystemTime::now();
    let out = connect(
        h,
        CreateParticipantConnection::new(chat.customer_participant_token.as_str()).with_types(BOTH),
    )
    .unwrap();
    let expiry = out.connection_credentials.as_ref().unwrap().expiry.clone();
    let expiry = expiry.expect("Expiry");
    assert!(absolute_time(before).as_str() <= expiry.as_str());
    assert!(expiry.as_str() <= absolute_time(SystemTime::now()).as_str());
    let expired = token_of(&out);
    let (kind, status, attempts) = service_kind(typing(h, &expired));
    assert_eq!(
        (kind, status, attempts),
        (ServiceErrorKind::AccessDenied, 403, 1)
    );
    let response = raw(
        h,
        Some(&expired),
        &format!(r#"{{"ContentType":"{TYPING}"}}"#),
    );
    assert_eq!(
        header(&response, "x-amzn-errortype"),
        Some("AccessDeniedException")
    );
    assert_eq!(body_json(&response)["message"], ACCESS_DENIED_MESSAGE);
    // Tokens issued earlier keep their expiry; the participant token still
    // connects (it does not expire with its connection tokens).
    typing(h, &chat.customer).unwrap();
    let late = s.join(chat.id, Role::Agent);
    assert_eq!(service_kind(typing(h, &late.connection_token)).1, 403);
    // A lifetime long enough again: the next token works, the expired one
    // stays refused.
    s.set_connection_token_lifetime(Duration::from_secs(3600));
    let fresh = token_of(
        &connect(
            h,
            CreateParticipantConnection::new(chat.customer_participant_token.as_str())
                .with_types(BOTH),
        )
        .unwrap(),
    );
    typing(h, &fresh).unwrap();
    assert_eq!(service_kind(typing(h, &expired)).1, 403);
    assert_eq!(s.transcript(chat.id).len(), 2);
}

fn invalid_bodies_are_400_and_change_nothing(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let token = chat.customer_participant_token.as_str();
    let cases = [
        ("not json", "SerializationException", "not valid JSON"),
        ("[1]", "SerializationException", "JSON object"),
        (
            r#"{"Type":[],"ConnectParticipant":true}"#,
            "ValidationException",
            "Value '[]' at 'type' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
        (
            r#"{"Type":["WEBSOCKET","CHAT"],"ConnectParticipant":true}"#,
            "ValidationException",
            "Value '[CHAT]' at 'type' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [WEBSOCKET, CONNECTION_CREDENTIALS, WEBRTC_CONNECTION]]",
        ),
        (
            r#"{"Type":["websocket"]}"#,
            "ValidationException",
            "Value '[websocket]' at 'type'",
        ),
        (
            r#"{"Type":"WEBSOCKET","ConnectParticipant":true}"#,
            "ValidationException",
            "Member must be a list of strings, not a string",
        ),
        (
            r#"{"Type":[null]}"#,
            "ValidationException",
            "not a list holding null",
        ),
        (
            r#"{"Type":{"WEBSOCKET":true}}"#,
            "ValidationException",
            "not an object",
        ),
        (
            r#"{"Type":["WEBSOCKET"],"ConnectParticipant":"yes"}"#,
            "ValidationException",
            "'connectParticipant' failed to satisfy constraint: Member must be a boolean, not a string",
        ),
        (
            r#"{"Type":[],"ConnectParticipant":1}"#,
            "ValidationException",
            "2 validation errors detected",
        ),
    ];
    for (body, code, needle) in cases {
        let response = raw_connection(h, Some(token), body);
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(header(&response, "x-amzn-errortype"), Some(code), "{body}");
        let message = body_json(&response)["message"].as_str().unwrap().to_owned();
        assert!(message.contains(needle), "{body}: {message}");
    }
    // Nothing was marked: the refused bodies asked to connect.
    assert!(!s.is_connected(token));
    // Through the core, a validation error is the modeled kind, final.
    let other = connect(
        h,
        CreateParticipantConnection::new(token).with_types([ConnectionType::Other("CHAT".into())]),
    );
    assert_eq!(service_kind(other), (ServiceErrorKind::Validation, 400, 1));
    assert_eq!(s.requests_received(), cases.len() + 1);
}

fn routing_405_415_and_base_paths(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let token = ("x-amz-bearer", chat.customer_participant_token.as_str());
    for method in ["GET", "PUT"] {
        let response = h
            .send(request(
                h,
                method,
                "/participant/connection",
                &[token],
                "{}",
            ))
            .unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(header(&response, "allow"), Some("POST"));
        let message = body_json(&response)["message"].as_str().unwrap().to_owned();
        assert!(message.contains("CreateParticipantConnection"), "{message}");
    }
    let response = h
        .send(request(
            h,
            "POST",
            "/participant/connection",
            &[token, ("content-type", "text/plain")],
            "{}",
        ))
        .unwrap();
    assert_eq!(response.status(), 415);
    for path in ["/participant/connection/", "/participant/connect"] {
        let response = h.send(request(h, "POST", path, &[token], "{}")).unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let message = body_json(&response)["message"].as_str().unwrap().to_owned();
        assert!(message.contains("/participant/connection"), "{message}");
    }
    let response = h
        .send(request(
            h,
            "POST",
            "/base/participant/connection?x=1",
            &[token],
            "",
        ))
        .unwrap();
    assert_eq!(response.status(), 200);
    // The core appends the path to an endpoint with a base path.
    let client = connect_participant_core::Client::new(
        connect_participant_core::Config::for_endpoint(&format!("{}/some/base", h.endpoint()))
            .unwrap(),
    );
    let out = call_op(
        h,
        &client,
        CreateParticipantConnection::new(chat.customer_participant_token.as_str()).with_types(BOTH),
    )
    .unwrap();
    typing(h, &token_of(&out)).unwrap();
}

fn throttling_and_internal_errors_are_retried(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let op = || {
        CreateParticipantConnection::new(chat.customer_participant_token.as_str()).with_types(BOTH)
    };
    // Faults: a throttle, then an internal error, then the answer.
    s.inject(Fault::Throttle, 1);
    s.inject(Fault::InternalError, 1);
    let out = connect(h, op()).unwrap();
    assert_eq!(out.attempts, 3);
    typing(h, &token_of(&out)).unwrap();
    // Out of attempts: the last error, with the attempts made.
    s.inject(Fault::InternalError, 3);
    assert_eq!(
        service_kind(connect(h, op())),
        (ServiceErrorKind::InternalServer, 500, 3)
    );
    // The rate limit counts per participant token, as per connection token.
    s.set_rate_limit(Some(RateLimit::new(1, Duration::from_millis(250))));
    connect(h, op()).unwrap();
    let response = raw_connection(h, Some(&chat.customer_participant_token), "{}");
    assert_eq!(response.status(), 429);
    assert_eq!(
        header(&response, "x-amzn-errortype"),
        Some("ThrottlingException")
    );
    connect(
        h,
        CreateParticipantConnection::new(chat.agent_participant_token.as_str()),
    )
    .unwrap();
    let patient = connect_participant_core::Client::new(
        connect_participant_core::Config::builder()
            .endpoint_url(h.endpoint())
            .max_attempts(10)
            .build()
            .unwrap(),
    );
    let start = Instant::now();
    let out = call_op(h, &patient, op()).unwrap();
    assert!(out.attempts >= 2, "{out:?}");
    assert!(start.elapsed() >= Duration::from_millis(250));
    s.set_rate_limit(None);
}
