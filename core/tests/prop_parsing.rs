//! Properties of reading responses (docs/spec.md#responses,
//! docs/spec.md#errors): `wire::parse_response` never panics, whatever the
//! status, headers and body, and reads exactly what the spec says the
//! answer holds: the output, a malformed answer with a bounded excerpt, or
//! a service error with its code, message, kind, class and hint.

mod support;

use connect_participant_core::error::ResponseError;
use connect_participant_core::retry::RetryClass;
use connect_participant_core::wire::parse_response;
use connect_participant_core::SendEvent;
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;

use support::config;
use support::oracle;
use support::strategies::{any_string, json_value, object_text, string_of_len};

fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("Id".to_owned()),
        3 => Just("AbsoluteTime".to_owned()),
        2 => prop::sample::select(oracle::ERROR_MEMBERS).prop_map(str::to_owned),
        1 => Just("id".to_owned()),
        2 => "[a-zA-Z_]{1,12}",
    ]
}

fn member_value(name: &str) -> BoxedStrategy<Value> {
    match name {
        "Id" | "AbsoluteTime" | "code" | "Code" | "__type" | "message" | "Message"
        | "errorMessage" => prop_oneof![
            6 => any_string(0, 40).prop_map(Value::from),
            2 => "([a-z.]{1,10}#)?[A-Za-z]{0,20}(:[ -~]{0,20})?".prop_map(Value::from),
            2 => Just(Value::Null),
            1 => json_value(),
        ]
        .boxed(),
        _ => json_value().boxed(),
    }
}

/// A JSON object written by hand (so names can repeat), with optional
/// surrounding whitespace and trailing junk.
fn object_body() -> impl Strategy<Value = Vec<u8>> {
    let member = member_name().prop_flat_map(|n| {
        let v = member_value(&n);
        (Just(n), v)
    });
    (
        vec(member, 0..6),
        "[ \t\r\n]{0,3}",
        prop_oneof![
            6 => Just(String::new()),
            1 => "[ \t\r\n]{1,3}",
            1 => any_string(1, 10),
        ],
    )
        .prop_map(|(members, ws, tail)| object_text(&members, &ws, &tail))
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => object_body(),
        2 => vec(any::<u8>(), 0..300),
        1 => vec(any::<u8>(), 1000..3000),
        // Multi-byte characters across the excerpt's 1024-byte limit.
        1 => string_of_len(any::<char>(), 250usize..=1100).prop_map(|s| format!("!{s}").into_bytes()),
        1 => "[ \t\r\n\u{c}]{0,5}".prop_map(String::into_bytes),
        // Any bytes, escapes or numbers in a member the client skips.
        1 => vec(any::<u8>().prop_filter("inside a string", |b| *b != b'"' && *b != b'\\'), 0..6)
            .prop_map(|bytes| [&b"{\"Id\":\"a\",\"x\":\""[..], &bytes, b"\"}"].concat()),
        1 => prop::sample::select(&["\\ud83d", "\\udc00x", "\\ud83d\\ude00", "\\u00e9", "\\q"][..])
            .prop_map(|esc| format!("{{\"Id\":\"a\",\"x\":\"{esc}\"}}").into_bytes()),
        1 => "-?[0-9]{1,3}(\\.[0-9]{1,3})?[eE][+-]?[0-9]{1,4}"
            .prop_map(|n| format!("{{\"AbsoluteTime\":\"t\",\"n\":{n}}}").into_bytes()),
        1 => json_value().prop_map(|v| v.to_string().into_bytes()),
    ]
}

fn header() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let name = prop_oneof![
        Just(b"x-amzn-requestid".to_vec()),
        Just(b"X-Amzn-RequestId".to_vec()),
        Just(b"x-amzn-errortype".to_vec()),
        Just(b"X-Amzn-Errortype".to_vec()),
        Just(b"x-amz-retry-after".to_vec()),
        Just(b"content-type".to_vec()),
        vec(any::<u8>(), 0..16),
        "[a-zA-Z0-9-]{1,16}".prop_map(String::into_bytes),
    ];
    let value = prop_oneof![
        vec(any::<u8>(), 0..40),
        "[ -~]{0,40}".prop_map(String::into_bytes),
        any::<u32>().prop_map(|n| n.to_string().into_bytes()),
        "[ \t]{0,2}\\+?[0-9]{1,22}[ \t]{0,2}".prop_map(String::into_bytes),
        "([a-z.]{1,10}#)?[A-Za-z]{1,20}(:[ -~]{0,20})?".prop_map(String::into_bytes),
    ];
    (name, value)
}

/// A response; headers whose name or value `http` refuses are left out.
fn response(status: u16, headers: &[(Vec<u8>, Vec<u8>)], body: Vec<u8>) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(status).expect("100..=999");
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value),
        ) {
            response.headers_mut().append(n, v);
        }
    }
    response
}

proptest! {
    #![proptest_config(config())]

    /// Any status 100..=999, headers and body: never a panic, and exactly
    /// what the spec reads from them.
    #[test]
    fn parse_response_never_panics_and_reads_the_body(
        status in prop_oneof![4 => 100u16..=999, 3 => 200u16..300, 1 => Just(200u16)],
        headers in vec(header(), 0..5),
        body in body(),
    ) {
        let response = response(status, &headers, body.clone());
        let headers = response.headers();
        let request_id = oracle::header_text(headers, "x-amzn-requestid");
        let parsed = parse_response::<SendEvent, _>(&response);
        if (200..300).contains(&status) {
            match (parsed, oracle::expected_output(&body)) {
                (Ok(out), Some((id, time))) => {
                    prop_assert_eq!(out.id, id);
                    prop_assert_eq!(out.absolute_time, time);
                    prop_assert_eq!(out.request_id.as_deref(), request_id);
                    prop_assert_eq!(out.attempts, 1);
                }
                (Err(ResponseError::Malformed(m)), None) => {
                    prop_assert_eq!(m.status().as_u16(), status);
                    prop_assert_eq!(m.request_id(), request_id);
                    prop_assert!(!m.reason().is_empty());
                    prop_assert!(
                        oracle::excerpt_ok(&body, m.excerpt()),
                        "excerpt of {} bytes: {:?}", m.excerpt().len(), m.excerpt()
                    );
                }
                (got, want) => prop_assert!(false, "2xx: got {:?}, the spec reads {:?}", got, want),
            }
            return Ok(());
        }
        let Err(ResponseError::Service(e)) = parsed else {
            return Err(TestCaseError::fail(format!("a {status} is not a service error: {parsed:?}")));
        };
        prop_assert_eq!(e.status().as_u16(), status);
        prop_assert_eq!(e.request_id(), request_id);
        let code = oracle::expected_code(headers, &body);
        prop_assert_eq!(e.code(), code.as_deref());
        let message = oracle::expected_message(&body);
        prop_assert_eq!(e.message(), message.as_deref());
        prop_assert_eq!(e.kind(), oracle::expected_kind(code.as_deref()));
        let class = oracle::expected_class(status, code.as_deref());
        prop_assert_eq!(e.retry_class(), class);
        prop_assert_eq!(e.is_throttling(), class == RetryClass::Throttling);
        prop_assert_eq!(e.retry_after(), oracle::expected_retry_after(headers));
        prop_assert_eq!(e.has_json_body(), oracle::error_members(&body).is_some());
        let _ = (e.to_string(), format!("{e:?}"));
    }
}

/// Found by the property above: docs/spec.md#malformed-answers names an
/// array as malformed, and an array of two strings or nulls must not read
/// as `Id` and `AbsoluteTime` by position.
#[test]
fn a_success_body_that_is_an_array_is_malformed() {
    for body in [
        &b"[]"[..],
        br#"["",""]"#,
        br#"["ev-1","2019-11-08T02:41:28.172Z"]"#,
        b"[null,null]",
        br#"["ev-1"]"#,
    ] {
        let response = http::Response::builder().status(200).body(body).unwrap();
        let parsed = parse_response::<SendEvent, _>(&response);
        assert!(
            matches!(parsed, Err(ResponseError::Malformed(_))),
            "{}: {parsed:?}",
            String::from_utf8_lossy(body)
        );
    }
}

/// Found by the fuzz target `parse_response`: a body is JSON, or not, as a
/// whole. The core's error path reads it so (a body with an invalid byte, a
/// lone surrogate escape or an out-of-range number anywhere gives no code
/// and no message); on success, such a body must then be malformed too, in
/// a member the client skips as well.
#[test]
fn a_success_body_that_is_not_json_throughout_is_malformed() {
    for body in [
        &b"{\"Id\":\"a\",\"x\":\"\xff\"}"[..],
        b"{\"Id\":\"a\",\"x\":[\"\xc3\"]}",
        br#"{"Id":"a","x":"\ud83d\u0041"}"#,
        br#"{"Id":"a","x":{"y":1e400}}"#,
        b"{\"Id\":\"a\",\"\xff\":1}",
        b"{\"Id\":\"\xff\"}",
    ] {
        let response = http::Response::builder().status(200).body(body).unwrap();
        let parsed = parse_response::<SendEvent, _>(&response);
        assert!(
            matches!(parsed, Err(ResponseError::Malformed(_))),
            "{}: {parsed:?}",
            String::from_utf8_lossy(body)
        );
        // The same body on an error status: not JSON, so no code.
        let response = http::Response::builder().status(400).body(body).unwrap();
        let Err(ResponseError::Service(e)) = parse_response::<SendEvent, _>(&response) else {
            panic!("not a service error");
        };
        assert!(!e.has_json_body(), "{}", String::from_utf8_lossy(body));
    }
}
