//! Every service rule and fault, checked in memory and over HTTP, by driving
//! real core calls (and raw requests that bypass the client's validation).

#[macro_use]
mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::*;
use connect_participant_core::{Error, SendEvent, ServiceErrorKind, TransportErrorKind};
use connect_participant_mock::{
    Fault, MockServer, MockService, RateLimit, Role, ACCESS_DENIED_MESSAGE, CONFLICT_MESSAGE,
    THROTTLING_MESSAGE,
};

both!(
    typing_is_recorded_with_id_and_time,
    receipts_are_recorded,
    unknown_or_malformed_token_is_403,
    ended_chat_is_403,
    participant_who_left_is_403,
    idempotent_repeat_returns_the_same_event,
    client_token_with_other_parameters_is_400,
    receipt_with_supervisor_is_409,
    receipt_with_three_active_participants_is_409,
    invalid_inputs_are_400,
    routing_404_405_and_base_paths,
    every_answer_has_a_unique_request_id,
    rate_limit_throttles_then_the_core_retries,
    internal_error_then_success_records_once,
    faults_apply_in_order,
    raw_status_fault_is_sent_as_given,
    html_502_is_transient,
    malformed_json_is_a_malformed_response,
    redirect_is_a_307_not_followed,
    stall_times_out_then_the_retry_succeeds,
    close_before_answer_is_an_io_error,
    truncated_body_is_an_io_error,
    oversized_body,
    endless_body,
    concurrent_calls_are_all_recorded,
);

fn service_error(
    result: Result<impl std::fmt::Debug, Error>,
) -> (ServiceErrorKind, u16, Option<String>, Option<String>, u32) {
    let error = result.unwrap_err();
    let attempts = error.attempts();
    let e = error
        .service_error()
        .unwrap_or_else(|| panic!("not a service error: {error:?}"));
    (
        e.kind(),
        e.status().as_u16(),
        e.code().map(str::to_owned),
        e.message().map(str::to_owned),
        attempts,
    )
}

fn transport_error(
    result: Result<http::Response<Vec<u8>>, connect_participant_core::TransportError>,
) -> connect_participant_core::TransportError {
    match result {
        Ok(r) => panic!("expected a transport error, got HTTP {}", r.status()),
        Err(e) => e,
    }
}

fn typing_is_recorded_with_id_and_time(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let out = call(h, SendEvent::typing(chat.customer.as_str())).unwrap();
    assert_eq!(out.attempts, 1);
    assert!(out.request_id.as_deref().is_some_and(is_uuid));
    let transcript = s.transcript(chat.id);
    assert_eq!(transcript.len(), 1);
    let e = &transcript[0];
    assert_eq!(out.id.as_deref(), Some(e.id.as_str()));
    assert_eq!(out.absolute_time.as_deref(), Some(e.absolute_time.as_str()));
    assert!(is_uuid(&e.id), "{}", e.id);
    assert!(is_absolute_time(&e.absolute_time), "{}", e.absolute_time);
    let now = connect_participant_mock::absolute_time(std::time::SystemTime::now());
    assert_eq!(e.absolute_time[..4], now[..4]);
    assert_eq!(e.content_type, TYPING);
    assert_eq!(e.content, None);
    // The core fills in a UUID v4 client token.
    assert!(e.client_token.as_deref().is_some_and(is_uuid));
    assert_eq!(e.participant, Role::Customer);
    assert!(is_uuid(&e.participant_id));
    assert_eq!(s.requests_received(), 1);
    // Another chat's transcript is untouched.
    assert!(s.transcript(s.create_chat()).is_empty());
}

fn receipts_are_recorded(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    call(h, SendEvent::delivered_receipt(chat.agent.as_str(), "m-1")).unwrap();
    call(
        h,
        SendEvent::read_receipt(chat.customer.as_str(), "m-2").with_client_token("mine"),
    )
    .unwrap();
    let t = s.transcript(chat.id);
    assert_eq!(t.len(), 2);
    assert_eq!(
        (
            t[0].content_type.as_str(),
            t[0].content.as_deref(),
            t[0].participant
        ),
        (DELIVERED, Some(r#"{"messageId":"m-1"}"#), Role::Agent)
    );
    assert_eq!(
        (
            t[1].content_type.as_str(),
            t[1].content.as_deref(),
            t[1].participant
        ),
        (READ, Some(r#"{"messageId":"m-2"}"#), Role::Customer)
    );
    assert_eq!(t[1].client_token.as_deref(), Some("mine"));
    assert_ne!(t[0].participant_id, t[1].participant_id);
    assert_ne!(t[0].id, t[1].id);
    assert!(t[0].absolute_time <= t[1].absolute_time);
}

fn unknown_or_malformed_token_is_403(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let (kind, status, code, message, attempts) =
        service_error(call(h, SendEvent::typing("not-a-real-token")));
    assert_eq!(
        (kind, status, attempts),
        (ServiceErrorKind::AccessDenied, 403, 1)
    );
    assert_eq!(code.as_deref(), Some("AccessDeniedException"));
    assert_eq!(message.as_deref(), Some(ACCESS_DENIED_MESSAGE));
    let typing = format!(r#"{{"ContentType":"{TYPING}"}}"#);
    // Missing, too long, or sent twice: refused too.
    assert_eq!(raw(h, None, &typing).status(), 403);
    let long = format!("{}{}", chat.customer, "a".repeat(1000));
    assert_eq!(raw(h, Some(&long), &typing).status(), 403);
    let twice = request(
        h,
        "POST",
        "/participant/event",
        &[
            ("x-amz-bearer", &chat.customer),
            ("x-amz-bearer", &chat.customer),
        ],
        &typing,
    );
    assert_eq!(h.send(twice).unwrap().status(), 403);
    // A token's case matters.
    assert_eq!(
        raw(h, Some(&chat.customer.to_uppercase()), &typing).status(),
        403
    );
    assert!(s.transcript(chat.id).is_empty());
    assert_eq!(raw(h, Some(&chat.customer), &typing).status(), 200);
}

fn ended_chat_is_403(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    call(h, SendEvent::typing(chat.customer.as_str())).unwrap();
    assert!(!s.is_ended(chat.id));
    s.end_chat(chat.id);
    assert!(s.is_ended(chat.id));
    for token in [&chat.customer, &chat.agent] {
        let (kind, status, _, _, attempts) =
            service_error(call(h, SendEvent::typing(token.as_str())));
        assert_eq!(
            (kind, status, attempts),
            (ServiceErrorKind::AccessDenied, 403, 1)
        );
        let (kind, ..) = service_error(call(h, SendEvent::read_receipt(token.as_str(), "m")));
        assert_eq!(kind, ServiceErrorKind::AccessDenied);
    }
    let late = s.join(chat.id, Role::Agent);
    assert_eq!(
        service_error(call(h, SendEvent::typing(late.connection_token.as_str()))).1,
        403
    );
    assert_eq!(s.transcript(chat.id).len(), 1);
    // Other chats go on.
    let other = s.open_chat();
    call(h, SendEvent::typing(other.customer.as_str())).unwrap();
}

fn participant_who_left_is_403(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.leave(&chat.customer);
    s.leave("never-issued"); // ignored
    assert_eq!(s.active_participants(chat.id), [Role::Agent]);
    assert_eq!(
        service_error(call(h, SendEvent::typing(chat.customer.as_str()))).1,
        403
    );
    call(h, SendEvent::typing(chat.agent.as_str())).unwrap();
    assert_eq!(s.transcript(chat.id).len(), 1);
}

fn idempotent_repeat_returns_the_same_event(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let event = SendEvent::read_receipt(chat.customer.as_str(), "m-1").with_client_token("idem-1");
    let first = call(h, event.clone()).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let second = call(h, event).unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(first.absolute_time, second.absolute_time);
    assert_ne!(first.request_id, second.request_id);
    // Raw repeats too.
    let body = format!(r#"{{"ContentType":"{TYPING}","ClientToken":"idem-2"}}"#);
    let a = body_json(&raw(h, Some(&chat.customer), &body));
    let b = body_json(&raw(h, Some(&chat.customer), &body));
    assert_eq!(a, b);
    assert_eq!(s.transcript(chat.id).len(), 2);
    // The same token in another chat is another event.
    let other = s.open_chat();
    let c = body_json(&raw(h, Some(&other.customer), &body));
    assert_ne!(a["Id"], c["Id"]);
    // An empty ClientToken gives no idempotency.
    let empty = format!(r#"{{"ContentType":"{TYPING}","ClientToken":""}}"#);
    let x = body_json(&raw(h, Some(&chat.customer), &empty));
    let y = body_json(&raw(h, Some(&chat.customer), &empty));
    assert_ne!(x["Id"], y["Id"]);
    assert_eq!(s.transcript(chat.id).len(), 4);
}

fn client_token_with_other_parameters_is_400(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    call(
        h,
        SendEvent::typing(chat.customer.as_str()).with_client_token("t-1"),
    )
    .unwrap();
    for event in [
        SendEvent::delivered_receipt(chat.customer.as_str(), "m"),
        SendEvent::new(chat.customer.as_str(), TYPING, Some("extra".into())),
        SendEvent::typing(chat.agent.as_str()), // another participant
    ] {
        let (kind, status, _, message, attempts) =
            service_error(call(h, event.with_client_token("t-1")));
        assert_eq!(
            (kind, status, attempts),
            (ServiceErrorKind::Validation, 400, 1)
        );
        assert!(message.unwrap().contains("ClientToken"));
    }
    assert_eq!(s.transcript(chat.id).len(), 1);
}

fn receipt_with_supervisor_is_409(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let supervisor = s.join(chat.id, Role::Supervisor);
    for event in [
        SendEvent::read_receipt(chat.customer.as_str(), "m-1"),
        SendEvent::delivered_receipt(chat.agent.as_str(), "m-1"),
    ] {
        let (kind, status, code, message, attempts) = service_error(call(h, event));
        assert_eq!(
            (kind, status, attempts),
            (ServiceErrorKind::Conflict, 409, 1)
        );
        assert_eq!(code.as_deref(), Some("ConflictException"));
        assert_eq!(
            message.as_deref(),
            Some("Operation can not be performed due to the state of the contact.")
        );
        assert_eq!(message.as_deref(), Some(CONFLICT_MESSAGE));
    }
    // Typing is fine; so is a receipt once the supervisor leaves.
    call(h, SendEvent::typing(chat.customer.as_str())).unwrap();
    s.leave(&supervisor.connection_token);
    call(h, SendEvent::read_receipt(chat.customer.as_str(), "m-1")).unwrap();
    let types: Vec<_> = s
        .transcript(chat.id)
        .into_iter()
        .map(|e| e.content_type)
        .collect();
    assert_eq!(types, [TYPING, READ]);
    // A supervisor alone with one other participant still blocks receipts.
    let pair = s.create_chat();
    let customer = s.join(pair, Role::Customer);
    s.join(pair, Role::Supervisor);
    assert_eq!(
        service_error(call(
            h,
            SendEvent::read_receipt(customer.connection_token.as_str(), "m")
        ))
        .1,
        409
    );
}

fn receipt_with_three_active_participants_is_409(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let second_agent = s.join(chat.id, Role::Agent);
    assert_eq!(s.active_participants(chat.id).len(), 3);
    let (kind, status, _, message, attempts) = service_error(call(
        h,
        SendEvent::delivered_receipt(chat.customer.as_str(), "m"),
    ));
    assert_eq!(
        (kind, status, attempts),
        (ServiceErrorKind::Conflict, 409, 1)
    );
    assert_eq!(message.as_deref(), Some(CONFLICT_MESSAGE));
    // Raw, the body says the same in lower-case `message`.
    let body = format!(r#"{{"ContentType":"{READ}","Content":"{{\"messageId\":\"m\"}}"}}"#);
    let response = raw(h, Some(&chat.customer), &body);
    assert_eq!(
        header(&response, "x-amzn-errortype"),
        Some("ConflictException")
    );
    assert_eq!(
        body_json(&response),
        serde_json::json!({ "message": CONFLICT_MESSAGE })
    );
    s.leave(&second_agent.participant_token); // either token will do
    call(h, SendEvent::delivered_receipt(chat.customer.as_str(), "m")).unwrap();
    assert_eq!(s.transcript(chat.id).len(), 1);
}

fn invalid_inputs_are_400(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let long = |n: usize, c: &str| c.repeat(n);
    let cases: Vec<(String, &str, &str)> = vec![
        ("not json".into(), "SerializationException", "not valid JSON"),
        ("[1,2]".into(), "SerializationException", "JSON object"),
        (r#"{"ContentType":7}"#.into(), "SerializationException", "ContentType must be a JSON string"),
        (
            format!(r#"{{"ContentType":"{READ}","Content":{{"messageId":"m"}}}}"#),
            "SerializationException",
            "Content must be a JSON string, not an object",
        ),
        ("".into(), "ValidationException", "Value null at 'contentType'"),
        (r#"{"Content":"x"}"#.into(), "ValidationException", "Member must not be null"),
        (r#"{"ContentType":""}"#.into(), "ValidationException", "greater than or equal to 1"),
        (
            format!(r#"{{"ContentType":"{}"}}"#, long(101, "x")),
            "ValidationException",
            "'contentType' failed to satisfy constraint: Member must have length less than or equal to 100",
        ),
        (
            format!(r#"{{"ContentType":"{TYPING}","Content":""}}"#),
            "ValidationException",
            "'content' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
        (
            format!(r#"{{"ContentType":"{TYPING}","Content":"{}"}}"#, long(16385, "é")),
            "ValidationException",
            "less than or equal to 16384",
        ),
        (
            format!(r#"{{"ContentType":"{TYPING}","ClientToken":"{}"}}"#, long(501, "t")),
            "ValidationException",
            "'clientToken' failed to satisfy constraint: Member must have length less than or equal to 500",
        ),
        (
            r#"{"ContentType":"","Content":""}"#.into(),
            "ValidationException",
            "2 validation errors detected",
        ),
        (format!(r#"{{"ContentType":"{READ}"}}"#), "ValidationException", "Content is required"),
        (
            format!(r#"{{"ContentType":"{DELIVERED}","Content":"messageId m"}}"#),
            "ValidationException",
            "Content is not valid JSON",
        ),
        (
            format!(r#"{{"ContentType":"{DELIVERED}","Content":"[\"m\"]"}}"#),
            "ValidationException",
            "Content is not a JSON object",
        ),
        (
            format!(r#"{{"ContentType":"{READ}","Content":"{{\"id\":\"m\"}}"}}"#),
            "ValidationException",
            "messageId is missing",
        ),
        (
            format!(r#"{{"ContentType":"{READ}","Content":"{{\"messageId\":\"\"}}"}}"#),
            "ValidationException",
            "messageId is empty",
        ),
        (
            format!(r#"{{"ContentType":"{READ}","Content":"{{\"messageId\":42}}"}}"#),
            "ValidationException",
            "messageId is not a string",
        ),
    ];
    for (body, code, needle) in &cases {
        let response = raw(h, Some(&chat.customer), body);
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(header(&response, "x-amzn-errortype"), Some(*code), "{body}");
        assert_eq!(header(&response, "content-type"), Some("application/json"));
        let message = body_json(&response)["message"].as_str().unwrap().to_owned();
        assert!(message.contains(needle), "{body}: {message}");
    }
    // At the limits, with characters of several bytes: accepted.
    for body in [
        format!(
            r#"{{"ContentType":"{TYPING}","Content":"{}"}}"#,
            long(16384, "é")
        ),
        format!(r#"{{"ContentType":"{}"}}"#, long(100, "😀")),
        format!(
            r#"{{"ContentType":"{TYPING}","ClientToken":"{}"}}"#,
            long(500, "t")
        ),
        format!(r#"{{"ContentType":"{TYPING}","Content":null,"Future":{{"x":1}}}}"#),
        r#"{"ContentType":"application/vnd.amazonaws.connect.event.future"}"#.to_owned(),
    ] {
        assert_eq!(raw(h, Some(&chat.customer), &body).status(), 200, "{body}");
    }
    // A wrong media type.
    let text = request(
        h,
        "POST",
        "/participant/event",
        &[
            ("x-amz-bearer", &chat.customer),
            ("content-type", "text/plain"),
        ],
        &format!(r#"{{"ContentType":"{TYPING}"}}"#),
    );
    let response = h.send(text).unwrap();
    assert_eq!(response.status(), 415);
    assert_eq!(
        header(&response, "x-amzn-errortype"),
        Some("UnsupportedMediaTypeException")
    );
    assert_eq!(s.transcript(chat.id).len(), 5);
    assert_eq!(s.requests_received(), cases.len() + 6);
}

fn routing_404_405_and_base_paths(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let body = format!(r#"{{"ContentType":"{TYPING}"}}"#);
    let token = ("x-amz-bearer", chat.customer.as_str());
    for path in [
        "/",
        "/participant/events",
        "/participant/event/",
        "/participant/connections",
        "/xparticipant/event",
    ] {
        let response = h.send(request(h, "POST", path, &[token], &body)).unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            header(&response, "x-amzn-errortype"),
            Some("UnknownOperationException")
        );
        assert!(body_json(&response)["message"].is_string());
    }
    for method in ["GET", "PUT", "DELETE"] {
        let response = h
            .send(request(h, method, "/participant/event", &[token], &body))
            .unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(header(&response, "allow"), Some("POST"));
    }
    for path in ["/base/participant/event", "/a/b/c/participant/event?x=1"] {
        let response = h.send(request(h, "POST", path, &[token], &body)).unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    // The core appends the path to an endpoint with a base path.
    let client = connect_participant_core::Client::new(
        connect_participant_core::Config::for_endpoint(&format!("{}/some/base", h.endpoint()))
            .unwrap(),
    );
    call_with(h, &client, SendEvent::typing(chat.customer.as_str())).unwrap();
    assert_eq!(s.transcript(chat.id).len(), 3);
}

fn every_answer_has_a_unique_request_id(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.inject(Fault::Throttle, 1);
    s.inject(Fault::InternalError, 1);
    s.inject(Fault::MalformedJson, 1);
    s.inject(Fault::Redirect("https://elsewhere.example/".into()), 1);
    let typing = format!(r#"{{"ContentType":"{TYPING}"}}"#);
    let mut seen = HashSet::new();
    let mut statuses = Vec::new();
    for token in [
        Some(chat.customer.as_str()),
        Some(chat.customer.as_str()),
        Some(chat.customer.as_str()),
        Some(chat.customer.as_str()),
        Some(chat.customer.as_str()),
        Some("bad"),
        None,
    ] {
        let response = raw(h, token, &typing);
        statuses.push(response.status().as_u16());
        let id = header(&response, "x-amzn-RequestId").unwrap().to_owned();
        assert!(is_uuid(&id));
        assert!(seen.insert(id));
        if !response.status().is_success() && response.status() != 307 {
            assert_eq!(header(&response, "content-type"), Some("application/json"));
            let body = body_json(&response);
            assert!(body["message"].is_string(), "{body}");
            assert!(body.get("Message").is_none());
        }
    }
    assert_eq!(statuses, [429, 500, 200, 307, 200, 403, 403]);
}

fn rate_limit_throttles_then_the_core_retries(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.set_rate_limit(Some(RateLimit::new(1, Duration::from_millis(250))));
    let first = call(h, SendEvent::typing(chat.customer.as_str())).unwrap();
    assert_eq!(first.attempts, 1);
    // Raw: the next request in the window is throttled, restJson1-shaped.
    let typing = format!(r#"{{"ContentType":"{TYPING}"}}"#);
    let response = raw(h, Some(&chat.customer), &typing);
    assert_eq!(response.status(), 429);
    assert_eq!(
        header(&response, "x-amzn-errortype"),
        Some("ThrottlingException")
    );
    assert_eq!(body_json(&response)["message"], THROTTLING_MESSAGE);
    // The limit is per token: the agent is not throttled.
    call(h, SendEvent::typing(chat.agent.as_str())).unwrap();
    // The core retries after its backoff until the 0.25 s window has passed
    // (the jitter comes from the call's seed: allow enough attempts).
    let patient = connect_participant_core::Client::new(
        connect_participant_core::Config::builder()
            .endpoint_url(h.endpoint())
            .max_attempts(10)
            .build()
            .unwrap(),
    );
    let start = Instant::now();
    let second = call_with(h, &patient, SendEvent::typing(chat.customer.as_str())).unwrap();
    assert!(second.attempts >= 2, "{second:?}");
    assert!(start.elapsed() >= Duration::from_millis(250));
    assert_eq!(s.transcript(chat.id).len(), 3);
    // Off again: no throttling.
    s.set_rate_limit(None);
    for _ in 0..3 {
        assert_eq!(
            call(h, SendEvent::typing(chat.customer.as_str()))
                .unwrap()
                .attempts,
            1
        );
    }
}

fn internal_error_then_success_records_once(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.inject(Fault::InternalError, 1);
    let out = call(h, SendEvent::read_receipt(chat.customer.as_str(), "m")).unwrap();
    assert_eq!(out.attempts, 2);
    assert_eq!(s.transcript(chat.id).len(), 1);
    assert_eq!(s.requests_received(), 2);
    assert_eq!(s.pending_faults(), 0);
    // Three in a row use up the attempts.
    s.inject(Fault::InternalError, 3);
    let (kind, status, _, _, attempts) =
        service_error(call(h, SendEvent::typing(chat.customer.as_str())));
    assert_eq!(
        (kind, status, attempts),
        (ServiceErrorKind::InternalServer, 500, 3)
    );
    assert_eq!(s.transcript(chat.id).len(), 1);
}

fn faults_apply_in_order(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.inject(Fault::Throttle, 1);
    s.inject(Fault::Html502, 1);
    s.inject(Fault::MalformedJson, 2);
    assert_eq!(s.pending_faults(), 4);
    let typing = format!(r#"{{"ContentType":"{TYPING}"}}"#);
    let statuses: Vec<u16> = (0..5)
        .map(|_| raw(h, Some(&chat.customer), &typing).status().as_u16())
        .collect();
    assert_eq!(statuses, [429, 502, 200, 200, 200]);
    assert_eq!(s.transcript(chat.id).len(), 1);
    assert_eq!(s.requests_received(), 5);
    // `handle` applies none; `clear_faults` drops them.
    s.inject(Fault::Throttle, 2);
    let direct = s.handle(&request(
        h,
        "POST",
        "/participant/event",
        &[("x-amz-bearer", &chat.customer)],
        &typing,
    ));
    assert_eq!(direct.status(), 200);
    assert_eq!((s.pending_faults(), s.requests_received()), (2, 6));
    s.clear_faults();
    assert_eq!(raw(h, Some(&chat.customer), &typing).status(), 200);
    // Faulted requests do not use the rate budget.
    s.set_rate_limit(Some(RateLimit::new(1, Duration::from_secs(60))));
    s.inject(Fault::InternalError, 2);
    let out = call(h, SendEvent::typing(chat.agent.as_str())).unwrap();
    assert_eq!(out.attempts, 3);
}

fn raw_status_fault_is_sent_as_given(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.inject(
        Fault::Status {
            status: 418,
            headers: vec![
                (
                    "X-Amzn-Errortype".into(),
                    "aws.example#TeapotException:http://x/".into(),
                ),
                ("x-extra".into(), "1".into()),
            ],
            body: br#"{"Message":"short and stout"}"#.to_vec(),
        },
        1,
    );
    let (kind, status, code, message, attempts) =
        service_error(call(h, SendEvent::typing(chat.customer.as_str())));
    assert_eq!(
        (kind, status, attempts),
        (ServiceErrorKind::Unmodeled, 418, 1)
    );
    assert_eq!(code.as_deref(), Some("TeapotException"));
    assert_eq!(message.as_deref(), Some("short and stout"));
    s.inject(
        Fault::Status {
            status: 503,
            headers: vec![],
            body: Vec::new(),
        },
        1,
    );
    let response = raw(
        h,
        Some(&chat.customer),
        &format!(r#"{{"ContentType":"{TYPING}"}}"#),
    );
    assert_eq!(response.status(), 503);
    assert_eq!(header(&response, "x-amzn-requestid"), None);
    assert!(response.body().is_empty());
}

fn html_502_is_transient(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.inject(Fault::Html502, 1);
    let response = raw(
        h,
        Some(&chat.customer),
        &format!(r#"{{"ContentType":"{TYPING}"}}"#),
    );
    assert_eq!(response.status(), 502);
    assert_eq!(header(&response, "x-amzn-errortype"), None);
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(String::from_utf8_lossy(response.body()).contains("<html>"));
    s.inject(Fault::Html502, 1);
    let out = call(h, SendEvent::typing(chat.customer.as_str())).unwrap();
    assert_eq!(out.attempts, 2);
    assert_eq!(s.transcript(chat.id).len(), 1);
}

fn malformed_json_is_a_malformed_response(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.inject(Fault::MalformedJson, 1);
    match call(h, SendEvent::typing(chat.customer.as_str())) {
        Err(Error::MalformedResponse { error, attempts }) => {
            assert_eq!((error.status().as_u16(), attempts), (200, 1));
            assert!(error.request_id().is_some_and(is_uuid));
            assert!(error.excerpt().contains("not JSON"));
        }
        other => panic!("{other:?}"),
    }
    assert!(s.transcript(chat.id).is_empty());
}

fn redirect_is_a_307_not_followed(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let target = "https://elsewhere.example/participant/event";
    s.inject(Fault::Redirect(target.into()), 1);
    let response = raw(
        h,
        Some(&chat.customer),
        &format!(r#"{{"ContentType":"{TYPING}"}}"#),
    );
    assert_eq!(response.status(), 307);
    assert_eq!(header(&response, "location"), Some(target));
    s.inject(Fault::Redirect(target.into()), 1);
    let (kind, status, code, _, attempts) =
        service_error(call(h, SendEvent::typing(chat.customer.as_str())));
    assert_eq!(
        (kind, status, code, attempts),
        (ServiceErrorKind::Unmodeled, 307, None, 1)
    );
    assert!(s.transcript(chat.id).is_empty());
    assert_eq!(s.requests_received(), 2);
}

fn stall_times_out_then_the_retry_succeeds(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    h.set_timeout(Duration::from_millis(200));
    let stall = Duration::from_millis(700);
    let start = Instant::now();
    s.inject(Fault::Stall(stall), 1);
    let typing = request(
        h,
        "POST",
        "/participant/event",
        &[("x-amz-bearer", &chat.customer)],
        &format!(r#"{{"ContentType":"{TYPING}","ClientToken":"raw-stall"}}"#),
    );
    let error = transport_error(h.send(typing));
    assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error:?}");
    if h.server().is_none() {
        assert!(
            start.elapsed() < Duration::from_millis(100),
            "in memory: at once"
        );
        assert!(s.transcript(chat.id).is_empty());
    }
    // Through the core: the timed-out attempt is retried with the same token.
    s.inject(Fault::Stall(stall), 1);
    let out = call(
        h,
        SendEvent::typing(chat.customer.as_str()).with_client_token("stalled"),
    )
    .unwrap();
    assert_eq!(out.attempts, 2);
    if h.server().is_some() {
        // Over HTTP the stalled requests are answered late, normally; the
        // late copy of the core's call is an idempotent repeat.
        std::thread::sleep(
            (start + stall * 2 + Duration::from_millis(150))
                .saturating_duration_since(Instant::now()),
        );
        let t = s.transcript(chat.id);
        let mut tokens: Vec<_> = t
            .iter()
            .map(|e| e.client_token.as_deref().unwrap())
            .collect();
        tokens.sort();
        assert_eq!(tokens, ["raw-stall", "stalled"]);
    } else {
        assert_eq!(s.transcript(chat.id).len(), 1);
    }
    assert_eq!(s.requests_received(), 3);
}

fn close_before_answer_is_an_io_error(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.inject(Fault::CloseBeforeAnswer, 1);
    let req = request(
        h,
        "POST",
        "/participant/event",
        &[("x-amz-bearer", &chat.customer)],
        &format!(r#"{{"ContentType":"{TYPING}"}}"#),
    );
    let error = transport_error(h.send(req));
    assert_eq!(error.kind(), TransportErrorKind::Io, "{error:?}");
    assert!(!error.message().contains("body"), "{error:?}");
    s.inject(Fault::CloseBeforeAnswer, 1);
    let out = call(h, SendEvent::typing(chat.customer.as_str())).unwrap();
    assert_eq!(out.attempts, 2);
    assert_eq!(s.transcript(chat.id).len(), 1);
}

fn truncated_body_is_an_io_error(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.inject(Fault::TruncatedBody, 1);
    let req = request(
        h,
        "POST",
        "/participant/event",
        &[("x-amz-bearer", &chat.customer)],
        &format!(r#"{{"ContentType":"{TYPING}"}}"#),
    );
    let error = transport_error(h.send(req));
    assert_eq!(error.kind(), TransportErrorKind::Io, "{error:?}");
    // The answer had started: the body is what was cut.
    assert!(error.message().contains("body"), "{error:?}");
    s.inject(Fault::TruncatedBody, 1);
    assert_eq!(
        call(h, SendEvent::typing(chat.customer.as_str()))
            .unwrap()
            .attempts,
        2
    );
    assert_eq!(s.transcript(chat.id).len(), 1);
}

fn oversized_body(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let typing = format!(r#"{{"ContentType":"{TYPING}"}}"#);
    // Under the client's limit: a 200 of exactly that size, malformed JSON.
    s.inject(Fault::OversizedBody(2000), 1);
    let response = raw(h, Some(&chat.customer), &typing);
    assert_eq!(response.status(), 200);
    assert_eq!(response.body().len(), 2000);
    assert!(response.body().starts_with(br#"{"Id":"aaaa"#));
    s.inject(Fault::OversizedBody(2000), 1);
    assert!(matches!(
        call(h, SendEvent::typing(chat.customer.as_str())),
        Err(Error::MalformedResponse { attempts: 1, .. })
    ));
    // Over it.
    let size = 4 * 1024 * 1024;
    s.inject(Fault::OversizedBody(size), 1);
    let req = request(
        h,
        "POST",
        "/participant/event",
        &[("x-amz-bearer", &chat.customer)],
        &typing,
    );
    match h.server() {
        Some(server) => {
            let error = transport_error(h.send(req));
            assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
            // The client hung up: the server's connection ends too.
            assert!(eventually(Duration::from_secs(3), || server
                .open_connections()
                == 0));
        }
        None => {
            let response = h.send(req).unwrap();
            assert_eq!(response.body().len(), size);
        }
    }
    assert!(s.transcript(chat.id).is_empty());
}

fn endless_body(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    s.inject(Fault::EndlessBody, 1);
    let req = request(
        h,
        "POST",
        "/participant/event",
        &[("x-amz-bearer", &chat.customer)],
        &format!(r#"{{"ContentType":"{TYPING}"}}"#),
    );
    let error = transport_error(h.send(req));
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
    if let Some(server) = h.server() {
        // The client read BODY_LIMIT bytes and hung up; the server stops
        // streaming and its connection task ends.
        assert!(eventually(Duration::from_secs(3), || server
            .open_connections()
            == 0));
    }
    // Through the core: too large is final, not retried.
    s.inject(Fault::EndlessBody, 1);
    match call(h, SendEvent::typing(chat.customer.as_str())) {
        Err(Error::Transport { error, attempts: 1 }) => {
            assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge)
        }
        other => panic!("{other:?}"),
    }
    assert!(s.transcript(chat.id).is_empty());
    assert_eq!(
        call(h, SendEvent::typing(chat.customer.as_str()))
            .unwrap()
            .attempts,
        1
    );
}

fn concurrent_calls_are_all_recorded(h: &dyn Harness) {
    let s = h.service();
    let chat = s.open_chat();
    let endpoint = h.endpoint();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let (s, token, endpoint) = (s.clone(), chat.customer.clone(), endpoint.clone());
            let server_addr = h.server().map(MockServer::addr);
            scope.spawn(move || {
                let client = connect_participant_core::Client::new(
                    connect_participant_core::Config::for_endpoint(&endpoint).unwrap(),
                );
                let mut raw_client = server_addr.map(RawClient::new);
                for _ in 0..10 {
                    let mut call = client
                        .start(SendEvent::typing(token.as_str()), random())
                        .unwrap();
                    loop {
                        let request = call.next_request();
                        let outcome = match raw_client.as_mut() {
                            Some(c) => c.send(&request),
                            None => s.send(request),
                        };
                        match call.finish_attempt(outcome) {
                            connect_participant_core::Next::Done(r) => {
                                r.unwrap();
                                break;
                            }
                            connect_participant_core::Next::RetryAfter { wait, call: next } => {
                                std::thread::sleep(wait);
                                call = next;
                            }
                        }
                    }
                }
            });
        }
    });
    let t = s.transcript(chat.id);
    assert_eq!(t.len(), 40);
    assert_eq!(t.iter().map(|e| &e.id).collect::<HashSet<_>>().len(), 40);
}

// ---- HTTP only ----

#[test]
fn http_keeps_connections_alive() {
    let h = Http::new();
    let chat = h.service().open_chat();
    for _ in 0..5 {
        call(&h, SendEvent::typing(chat.customer.as_str())).unwrap();
    }
    assert_eq!(h.connections_made(), 1);
    assert_eq!(h.server().unwrap().open_connections(), 1);
    h.disconnect();
    assert!(eventually(Duration::from_secs(2), || h
        .server()
        .unwrap()
        .open_connections()
        == 0));
}

#[test]
fn dropping_the_server_is_prompt_and_cuts_open_connections() {
    use std::io::{Read, Write};
    let server = MockServer::start(MockService::new()).unwrap();
    let addr = server.addr();
    let chat = server.service().open_chat();
    server
        .service()
        .inject(Fault::Stall(Duration::from_secs(30)), 1);
    server.service().inject(Fault::EndlessBody, 1);
    let body = format!(r#"{{"ContentType":"{TYPING}"}}"#);
    let head = format!(
        "POST /participant/event HTTP/1.1\r\nhost: x\r\nx-amz-bearer: {}\r\ncontent-length: {}\r\n\r\n{body}",
        chat.customer,
        body.len()
    );
    // One stalled, one streaming an endless body that nobody reads.
    let mut stalled = std::net::TcpStream::connect(addr).unwrap();
    stalled.write_all(head.as_bytes()).unwrap();
    assert!(eventually(Duration::from_secs(2), || server
        .service()
        .requests_received()
        == 1));
    let mut streaming = std::net::TcpStream::connect(addr).unwrap();
    streaming.write_all(head.as_bytes()).unwrap();
    assert!(eventually(Duration::from_secs(2), || server
        .service()
        .requests_received()
        == 2));
    let start = Instant::now();
    drop(server);
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    // Both connections are closed: reads end (EOF or reset), never hang.
    stalled
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut sink = Vec::new();
    let r = stalled.read_to_end(&mut sink);
    assert!(r.is_ok() || r.unwrap_err().kind() != std::io::ErrorKind::WouldBlock);
    assert!(sink.is_empty());
    streaming
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buf = vec![0; 64 * 1024];
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match streaming.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => assert!(Instant::now() < deadline, "still streaming after drop"),
        }
    }
    // Nobody listens any more.
    let mut client = RawClient::new(addr);
    let error = client.send(&http::Request::new(Vec::new())).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect);
}

#[test]
fn start_on_a_given_address() {
    let server = MockServer::start_on(MockService::new(), "127.0.0.1:0".parse().unwrap()).unwrap();
    assert_eq!(
        server.url(),
        format!("http://127.0.0.1:{}", server.addr().port())
    );
    // The port is taken now.
    let again = MockServer::start_on(MockService::new(), server.addr());
    assert_eq!(again.unwrap_err().kind(), std::io::ErrorKind::AddrInUse);
    // A wildcard address is shown as loopback.
    let wild = MockServer::start_on(MockService::new(), "0.0.0.0:0".parse().unwrap()).unwrap();
    assert!(wild.url().starts_with("http://127.0.0.1:"));
    let h = format!("{server:?}");
    assert!(h.contains("MockServer"));
}

#[test]
fn a_shared_service_serves_memory_and_http_alike() {
    let service = MockService::new();
    let server = MockServer::start(service.clone()).unwrap();
    let chat = service.open_chat();
    let typing = format!(r#"{{"ContentType":"{TYPING}","ClientToken":"shared"}}"#);
    let in_memory = service
        .send(
            http::Request::builder()
                .method("POST")
                .uri("/participant/event")
                .header("x-amz-bearer", &chat.customer)
                .body(typing.clone().into_bytes())
                .unwrap(),
        )
        .unwrap();
    let mut client = RawClient::new(server.addr());
    let over_http = client
        .send(
            &http::Request::builder()
                .method("POST")
                .uri(format!("{}/participant/event", server.url()))
                .header("x-amz-bearer", &chat.customer)
                .body(typing.into_bytes())
                .unwrap(),
        )
        .unwrap();
    assert_eq!(body_json(&in_memory), body_json(&over_http));
    assert_eq!(server.service().transcript(chat.id).len(), 1);
    assert_eq!(service.requests_received(), 2);
}

#[test]
fn oversized_request_body_is_413() {
    let h = Http::new();
    let chat = h.service().open_chat();
    let huge = format!(
        r#"{{"ContentType":"{TYPING}","Content":"{}"}}"#,
        "x".repeat(connect_participant_mock::MAX_REQUEST_BODY)
    );
    let response = raw(&h, Some(&chat.customer), &huge);
    assert_eq!(response.status(), 413);
    assert_eq!(h.service().requests_received(), 1);
}

#[test]
fn the_server_starts_and_stops_inside_async_code() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = MockServer::start(MockService::new()).unwrap();
        let chat = server.service().open_chat();
        let addr = server.addr();
        let token = chat.customer.clone();
        let status = tokio::task::spawn_blocking(move || {
            let mut client = RawClient::new(addr);
            let body = format!(r#"{{"ContentType":"{TYPING}"}}"#).into_bytes();
            let request = http::Request::builder()
                .method("POST")
                .uri("/participant/event")
                .header("x-amz-bearer", token)
                .body(body)
                .unwrap();
            client.send(&request).unwrap().status()
        })
        .await
        .unwrap();
        assert_eq!(status, 200);
        drop(server); // in async context: must not panic
    });
}
