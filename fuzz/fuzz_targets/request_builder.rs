//! `SendEvent::validate` and `build_request` on any input, checked against
//! SPEC's rules (lengths in Unicode scalar values, header-safe token,
//! receipts) and the wire shape of the request.
#![no_main]

use connect_participant_core::{
    build_request, request_body, Endpoint, Field, ReceiptProblem, RedactedRequest, Rule, SendEvent,
};
use connect_participant_fuzz::input::RequestInput;
use libfuzzer_sys::fuzz_target;

const DELIVERED: &str = "application/vnd.amazonaws.connect.event.message.delivered";
const READ: &str = "application/vnd.amazonaws.connect.event.message.read";

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn length_ok(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&chars(s))
}

/// A printable-ASCII character (what a clean header value may hold).
fn printable(c: char) -> bool {
    (' '..='~').contains(&c)
}

fn token_is_header_safe(token: &str) -> bool {
    token.chars().all(printable) && !token.starts_with(' ') && !token.ends_with(' ')
}

/// SPEC: receipt content is a JSON object with a non-empty string `messageId`.
fn receipt_problem(content: &str) -> Option<ReceiptProblem> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(content) else {
        return Some(ReceiptProblem::NotJson);
    };
    let Some(object) = value.as_object() else {
        return Some(ReceiptProblem::NotObject);
    };
    match object.get("messageId") {
        None => Some(ReceiptProblem::MissingMessageId),
        Some(serde_json::Value::String(s)) if s.is_empty() => Some(ReceiptProblem::EmptyMessageId),
        Some(serde_json::Value::String(_)) => None,
        Some(_) => Some(ReceiptProblem::MessageIdNotString),
    }
}

/// How a field breaks a rule.
#[derive(Debug)]
enum Broken {
    Length { min: usize, max: usize },
    HeaderValue,
    Receipt(ReceiptProblem),
    Required,
}

/// The first field (in SPEC's order) that breaks a rule, and how.
fn first_broken(
    token: &str,
    content_type: &str,
    content: Option<&str>,
    client_token: Option<&str>,
) -> Option<(Field, Broken)> {
    let length = |min, max| Broken::Length { min, max };
    if !length_ok(token, 1, 1000) {
        return Some((Field::ConnectionToken, length(1, 1000)));
    }
    if !token_is_header_safe(token) {
        return Some((Field::ConnectionToken, Broken::HeaderValue));
    }
    if !length_ok(content_type, 1, 100) {
        return Some((Field::ContentType, length(1, 100)));
    }
    let receipt = content_type == DELIVERED || content_type == READ;
    match content {
        Some(c) if !length_ok(c, 1, 16384) => return Some((Field::Content, length(1, 16384))),
        Some(c) if receipt => {
            if let Some(p) = receipt_problem(c) {
                return Some((Field::Content, Broken::Receipt(p)));
            }
        }
        None if receipt => return Some((Field::Content, Broken::Required)),
        _ => {}
    }
    match client_token {
        Some(t) if !length_ok(t, 0, 500) => Some((Field::ClientToken, length(0, 500))),
        _ => None,
    }
}

/// Whether the rule the core names is the one `value` breaks.
fn rule_matches(broken: &Broken, rule: &Rule, value: Option<&str>) -> bool {
    match (broken, rule) {
        (
            Broken::Length { min, max },
            Rule::Length {
                min: m,
                max: x,
                actual,
            },
        ) => (min, max) == (m, x) && value.map(chars) == Some(*actual),
        (Broken::HeaderValue, Rule::HeaderValue { position }) => {
            let token = value.unwrap_or_default();
            let c = token.chars().nth(*position);
            c.is_some_and(|c| !printable(c))
                || (c == Some(' ') && (*position == 0 || *position + 1 == chars(token)))
        }
        (Broken::Receipt(p), Rule::ReceiptContent(q)) => p == q,
        (Broken::Required, Rule::Required) => true,
        _ => false,
    }
}

fuzz_target!(|input: RequestInput| {
    let token = input.token.value();
    let content_type = input.content_type();
    let content = input.content();
    let client_token = input.client_token.as_ref().map(|t| t.value());

    let mut event = SendEvent::new(token.as_str(), content_type.as_str(), content.clone());
    if let Some(t) = &client_token {
        event = event.with_client_token(t.as_str());
    }
    assert_eq!(event.content_type().as_str(), content_type);

    let expected = first_broken(
        &token,
        &content_type,
        content.as_deref(),
        client_token.as_deref(),
    );
    let valid = match (event.validate(), expected) {
        (Ok(valid), None) => valid,
        (Err(e), Some((field, broken))) => {
            assert_eq!(e.field(), field, "wrong field for {:?}", e.rule());
            let value = match field {
                Field::ConnectionToken => Some(token.as_str()),
                Field::ContentType => Some(content_type.as_str()),
                Field::Content => content.as_deref(),
                _ => client_token.as_deref(),
            };
            assert!(
                rule_matches(&broken, e.rule(), value),
                "{field:?} breaks {broken:?}, not {:?}",
                e.rule()
            );
            if field != Field::ConnectionToken {
                // Same error with another valid token: same text, so no token in it.
                if let Some(other) = other_token(&token) {
                    let mut again = SendEvent::new(other, content_type.as_str(), content.clone());
                    if let Some(c) = &client_token {
                        again = again.with_client_token(c.as_str());
                    }
                    let again = again.validate().expect_err("the same input fails again");
                    assert_eq!(format!("{e} {e:?}"), format!("{again} {again:?}"));
                }
            } else {
                let _ = format!("{e} {e:?}");
            }
            return;
        }
        (Ok(_), Some((field, _))) => panic!("accepted although {field:?} breaks a rule"),
        (Err(e), None) => panic!("refused a valid input: {e}"),
    };

    let endpoint = Endpoint::parse(input.endpoint()).expect("the endpoints are valid");
    let request = build_request(&valid, &endpoint, client_token.as_deref());
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri(), endpoint.event_uri());
    assert!(request.uri().path().ends_with("/participant/event"));
    let headers = request.headers();
    assert_eq!(headers["x-amz-bearer"].as_bytes(), token.as_bytes());
    assert!(headers["x-amz-bearer"].is_sensitive());
    assert_eq!(headers["content-type"], "application/json");
    let body = request.body();
    assert_eq!(headers["content-length"], body.len().to_string().as_str());
    assert_eq!(
        body,
        &request_body(&valid, client_token.as_deref()),
        "build_request and request_body disagree"
    );

    // The body is a JSON object with exactly the members that are set.
    let value: serde_json::Value = serde_json::from_slice(body).expect("the body is JSON");
    let members = value.as_object().expect("the body is a JSON object");
    let mut expected = serde_json::Map::new();
    expected.insert("ContentType".into(), content_type.clone().into());
    if let Some(c) = &content {
        expected.insert("Content".into(), c.clone().into());
    }
    if let Some(t) = &client_token {
        expected.insert("ClientToken".into(), t.clone().into());
    }
    assert_eq!(members, &expected, "body members");

    // Every length rule holds on what is sent.
    assert!(length_ok(&token, 1, 1000) && token_is_header_safe(&token));
    assert!(length_ok(&content_type, 1, 100));
    assert!(content.as_deref().is_none_or(|c| length_ok(c, 1, 16384)));
    assert!(client_token.as_deref().is_none_or(|t| length_ok(t, 0, 500)));

    let shown = RedactedRequest(&request).to_json();
    assert_eq!(shown["headers"]["x-amz-bearer"], "<redacted>");

    // The token never shows in Debug or Display: what they print with this
    // token contains it only where it also does with another token.
    let other = other_token(&token);
    let with_token = |t: &str| -> String {
        let mut e = SendEvent::new(t, content_type.as_str(), content.clone());
        if let Some(c) = &client_token {
            e = e.with_client_token(c.as_str());
        }
        let valid = e
            .validate()
            .expect("the same input with another valid token");
        let r = build_request(&valid, &endpoint, client_token.as_deref());
        format!("{valid:?} {r:?} {}", RedactedRequest(&r))
    };
    if let Some(other) = other {
        assert!(
            !with_token(&token).contains(&token) || with_token(&other).contains(&token),
            "the token shows in Debug or Display"
        );
    }
});

/// A header-safe token of the same length as `token` sharing none of its
/// characters, if there is one.
fn other_token(token: &str) -> Option<String> {
    let c = ['x', 'y', 'z', 'q']
        .into_iter()
        .find(|c| !token.contains(*c))?;
    Some(c.to_string().repeat(chars(token)))
}
