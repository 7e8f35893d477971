//! `wire::parse_response` on any status, headers and body, checked against
//! docs/spec.md (the oracle in core/tests/support/oracle.rs).
#![no_main]

use std::sync::Once;

use connect_participant_core::error::{sanitize_error_code, ResponseError, MAX_EXCERPT_BYTES};
use connect_participant_core::retry::RetryClass;
use connect_participant_core::wire::parse_response;
use connect_participant_core::SendEvent;
use connect_participant_fuzz::input::ResponseInput;
use connect_participant_fuzz::oracle::{
    error_members, excerpt_ok, expected_class, expected_code, expected_kind, expected_message,
    expected_output, expected_retry_after, header_text, sanitize_code,
};
use libfuzzer_sys::fuzz_target;

/// The spec's restJson1 compliance cases: status 500, all resolve to `FooError`.
fn compliance_cases() {
    assert_eq!(
        MAX_EXCERPT_BYTES,
        connect_participant_fuzz::oracle::MAX_EXCERPT_BYTES
    );
    const U: &str = "http://internal.amazon.com/coral/com.amazon.coral.validate/";
    let header = |v: String| ResponseInput::new(500).header("X-Amzn-Errortype", v);
    let body = |b: &str| ResponseInput::new(500).body(b);
    let cases = [
        header("FooError".into()),
        header(format!("FooError:{U}")),
        header(format!("aws.protocoltests.restjson#FooError:{U}")),
        header(format!("aws.different.namespace#FooError:{U}")),
        body(r#"{"code": "FooError"}"#),
        body(r#"{"code": "aws.protocoltests.restjson#FooError"}"#),
        body(&format!(
            r#"{{"code": "aws.protocoltests.restjson#FooError:{U}"}}"#
        )),
        body(r#"{"__type": "FooError"}"#),
        body(r#"{"__type": "aws.protocoltests.restjson#FooError"}"#),
        body(&format!(
            r#"{{"__type": "aws.protocoltests.restjson#FooError:{U}"}}"#
        )),
        body(
            r#"{"__type":"aws.protocoltests.restjson#FooError","ErrorDetails":[{"__type":"com.amazon.internal#ErrorDetails","reason":"Some reason"}]}"#,
        ),
    ];
    for case in cases {
        let Err(ResponseError::Service(e)) = parse_response::<SendEvent, _>(&case.to_response())
        else {
            panic!("compliance case {case:?} is not a service error");
        };
        assert_eq!(e.code(), Some("FooError"), "compliance case {case:?}");
        assert_eq!(e.status(), 500);
    }
}

fn check_sanitize(raw: &str) {
    let got = sanitize_error_code(raw);
    assert_eq!(got, sanitize_code(raw), "sanitize {raw:?}");
    assert!(!got.contains(':') && !got.contains('#'), "sanitize {raw:?}");
}

fuzz_target!(|input: ResponseInput| {
    static COMPLIANCE: Once = Once::new();
    COMPLIANCE.call_once(compliance_cases);

    let response = input.to_response();
    let headers = response.headers();
    let body = response.body().as_slice();
    let status = response.status().as_u16();
    let request_id = header_text(headers, "x-amzn-requestid");

    for (_, value) in headers {
        check_sanitize(&String::from_utf8_lossy(value.as_bytes()));
    }
    check_sanitize(&String::from_utf8_lossy(body));

    let result = parse_response::<SendEvent, _>(&response);
    if (200..300).contains(&status) {
        match (&result, expected_output(body)) {
            (Ok(out), Some((id, time))) => {
                assert_eq!(out.id, id, "Id");
                assert_eq!(out.absolute_time, time, "AbsoluteTime");
                assert_eq!(out.request_id.as_deref(), request_id);
                assert_eq!(out.attempts, 1);
                // The same, read with serde_json::Value.
                if let Ok(serde_json::Value::Object(map)) =
                    serde_json::from_slice::<serde_json::Value>(body)
                {
                    let member = |k: &str| map.get(k).and_then(|v| v.as_str()).map(str::to_owned);
                    assert_eq!(out.id, member("Id"));
                    assert_eq!(out.absolute_time, member("AbsoluteTime"));
                }
            }
            (Err(ResponseError::Malformed(m)), None) => {
                assert_eq!(m.status().as_u16(), status);
                assert!(
                    excerpt_ok(body, m.excerpt()),
                    "excerpt of {} bytes is not the start of the body",
                    m.excerpt().len()
                );
                assert_eq!(m.request_id(), request_id);
                assert!(!m.reason().is_empty());
                let _ = (m.to_string(), format!("{m:?}"));
            }
            (got, expected) => panic!("2xx: got {got:?}, the spec reads {expected:?}"),
        }
        return;
    }

    let Err(ResponseError::Service(e)) = &result else {
        panic!("a non-2xx must be a service error, got {result:?}");
    };
    assert_eq!(e.status().as_u16(), status);
    assert_eq!(e.request_id(), request_id);
    let code = expected_code(headers, body);
    assert_eq!(e.code(), code.as_deref(), "code");
    if let Some(c) = e.code() {
        assert!(
            !c.is_empty() && !c.contains(':') && !c.contains('#'),
            "unsanitized code {c:?}"
        );
    }
    assert_eq!(e.message(), expected_message(body).as_deref(), "message");
    assert_eq!(e.kind(), expected_kind(e.code()), "kind");
    let class = e.retry_class();
    assert_eq!(class, expected_class(status, e.code()), "class");
    assert_eq!(e.is_throttling(), class == RetryClass::Throttling);
    assert_eq!(
        e.retry_after(),
        expected_retry_after(headers),
        "retry-after"
    );
    assert_eq!(
        e.has_json_body(),
        error_members(body).is_some(),
        "JSON body"
    );
    let _ = (e.to_string(), format!("{e:?}"));
});
