//! Properties of finding an error's code and message
//! (docs/spec.md#finding-the-error-code, docs/spec.md#finding-the-message):
//! sanitizing, and the precedence of the header and the body's members.

mod support;

use connect_participant_core::error::{sanitize_error_code, ResponseError, ServiceError};
use connect_participant_core::wire::parse_response;
use connect_participant_core::SendEvent;
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value};

use support::config;
use support::oracle;
use support::strategies::{any_string, json_value, object_text};

fn service_error(response: &http::Response<Vec<u8>>) -> Result<ServiceError, TestCaseError> {
    match parse_response::<SendEvent, _>(response) {
        Err(ResponseError::Service(e)) => Ok(e),
        other => Err(TestCaseError::fail(format!(
            "not a service error: {other:?}"
        ))),
    }
}

/// Text that may or may not make a code: namespaced, with a URI, blank,
/// padded, empty after sanitizing, or a code the retry rules name.
fn raw_code() -> impl Strategy<Value = String> {
    let named = oracle::THROTTLING_CODES
        .iter()
        .chain(oracle::TRANSIENT_CODES)
        .chain(oracle::FINAL_CODES)
        .chain(&["InternalServerException", "FooError"])
        .copied()
        .collect::<Vec<_>>();
    prop_oneof![
        4 => "([a-z.]{1,10}#)?[A-Za-z]{0,20}(:[ -~]{0,20})?",
        2 => (
            "[ \t]{0,2}",
            proptest::option::of("[a-z.]{1,8}#[ ]?"),
            prop::sample::select(named),
            proptest::option::of(":[ -~]{0,12}"),
            "[ \t]{0,2}",
        )
            .prop_map(|(a, ns, code, uri, b)| {
                format!("{a}{}{code}{}{b}", ns.unwrap_or_default(), uri.unwrap_or_default())
            }),
        1 => prop::sample::select(&["", " ", "ns#", ":x", "#", "a#:b", "ns# :uri"][..]).prop_map(str::to_owned),
        1 => any_string(0, 20),
    ]
}

/// An error body: a hand-written object of the code and message members
/// (repeats allowed, any JSON values) and others, a nested `__type`
/// sometimes; or a body that is not a JSON object.
fn error_body() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        5 => raw_code().prop_map(Value::from),
        2 => Just(Value::Null),
        2 => json_value(),
    ];
    let name = prop_oneof![
        6 => prop::sample::select(oracle::ERROR_MEMBERS).prop_map(str::to_owned),
        1 => Just("ErrorDetails".to_owned()),
        1 => "[a-zA-Z_]{1,10}",
    ];
    let member = (name, value).prop_map(|(n, v)| {
        if n == "ErrorDetails" {
            let nested = serde_json::json!([{ "__type": "com.amazon.internal#ErrorDetails", "code": "Nested" }]);
            (n, nested)
        } else {
            (n, v)
        }
    });
    prop_oneof![
        8 => vec(member, 0..7).prop_map(|m| object_text(&m, "", "")),
        1 => Just(Vec::new()),
        1 => prop::sample::select(&["<html>503</html>", "[\"FooError\"]", "{\"code\":\"A\"} junk", "null"][..])
            .prop_map(|s| s.as_bytes().to_vec()),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Sanitizing is the spec's cut (at the first `:`, after the last `#`),
    /// idempotent, and leaves a piece of the text.
    #[test]
    fn sanitize_is_idempotent_and_strips_namespace_and_uri(raw in prop_oneof![any_string(0, 60), raw_code()]) {
        let once = sanitize_error_code(&raw);
        prop_assert_eq!(once, oracle::sanitize_code(&raw));
        prop_assert_eq!(sanitize_error_code(once), once);
        prop_assert!(!once.contains(':') && !once.contains('#'));
        prop_assert!(raw.contains(once));
    }

    /// `namespace#Name:uri` gives `Name`, from the header and from each of
    /// the body's code members.
    #[test]
    fn sanitize_finds_the_name(
        namespace in proptest::option::of("[a-z][a-z0-9.]{0,20}"),
        name in "[A-Za-z][A-Za-z0-9_]{0,30}",
        uri in proptest::option::of("[ -~]{0,40}"),
        status in prop_oneof![300u16..=599, 600u16..=999],
    ) {
        let mut raw = String::new();
        if let Some(ns) = &namespace {
            raw.push_str(ns);
            raw.push('#');
        }
        raw.push_str(&name);
        if let Some(u) = &uri {
            raw.push(':');
            raw.push_str(u);
        }
        prop_assert_eq!(sanitize_error_code(&raw), name.as_str());
        let via_header = http::Response::builder()
            .status(status)
            .header("X-Amzn-Errortype", raw.as_str())
            .body(Vec::new())
            .unwrap();
        let e = service_error(&via_header)?;
        prop_assert_eq!(e.code(), Some(name.as_str()));
        for member in ["code", "Code", "__type"] {
            let mut obj = Map::new();
            obj.insert(member.into(), Value::from(raw.as_str()));
            let via_body = http::Response::builder()
                .status(status)
                .body(Value::Object(obj).to_string().into_bytes())
                .unwrap();
            let e = service_error(&via_body)?;
            prop_assert_eq!(e.code(), Some(name.as_str()));
        }
    }

    /// With the header and the body's members in any combination (repeated,
    /// null, of the wrong type, empty after sanitizing, nested), the code is
    /// the first non-empty one in the spec's order, the message the first
    /// string one, and kind and class follow the code.
    #[test]
    fn the_code_and_message_follow_the_spec_precedence(
        status in prop_oneof![3 => 400u16..=599, 1 => 300u16..=999],
        header in proptest::option::of(raw_code()),
        body in error_body(),
    ) {
        let mut builder = http::Response::builder().status(status);
        if let Some(h) = header.as_deref().filter(|h| http::HeaderValue::from_str(h).is_ok()) {
            builder = builder.header("x-amzn-errortype", h);
        }
        let response = builder.body(body.clone()).unwrap();
        let e = service_error(&response)?;
        let code = oracle::expected_code(response.headers(), &body);
        prop_assert_eq!(e.code(), code.as_deref());
        let message = oracle::expected_message(&body);
        prop_assert_eq!(e.message(), message.as_deref());
        prop_assert_eq!(e.kind(), oracle::expected_kind(code.as_deref()));
        prop_assert_eq!(e.retry_class(), oracle::expected_class(status, code.as_deref()));
    }
}
