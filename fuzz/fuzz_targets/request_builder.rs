//! `SendEvent::validate`, `wire::build_request` and a call's first request
//! on any input, checked against docs/spec.md's rules (lengths in Unicode
//! scalar values, header-safe token, receipts, the empty client token) and
//! the wire shape of the request, with the oracle in
//! core/tests/support/oracle.rs.
#![no_main]

use std::collections::BTreeSet;

use connect_participant_core::endpoint::Endpoint;
use connect_participant_core::error::Field;
use connect_participant_core::operation::Operation;
use connect_participant_core::wire::{build_request, RedactedRequest};
use connect_participant_core::{Client, Config, Error, SendEvent};
use connect_participant_fuzz::input::RequestInput;
use connect_participant_fuzz::oracle::{
    chars, expected_body, expected_operation_uri, first_broken, is_uuid_v4, length_ok,
    rule_matches, sdk_request_header, sent_client_token, token_is_header_safe, ATTEMPT_HEADERS,
    CLIENT_TOKEN_LEN, CONNECTION_TOKEN_LEN, CONTENT_LEN, CONTENT_TYPE_LEN, SEND_EVENT_PATH,
    USER_AGENT_PREFIX,
};
use libfuzzer_sys::fuzz_target;

fn event_of(
    token: &str,
    content_type: &str,
    content: &Option<String>,
    client_token: &Option<String>,
) -> SendEvent {
    let event = SendEvent::new(token, content_type, content.clone());
    match client_token {
        Some(t) => event.with_client_token(t.as_str()),
        None => event,
    }
}

/// The request's header names are exactly `want`, each once, and the
/// common ones hold what the spec says.
fn check_headers(request: &http::Request<Vec<u8>>, token: &str, want: &[&str]) {
    let headers = request.headers();
    let names: BTreeSet<&str> = headers.keys().map(|k| k.as_str()).collect();
    assert_eq!(names, want.iter().copied().collect::<BTreeSet<_>>());
    assert_eq!(headers.len(), want.len(), "a header is repeated");
    assert_eq!(headers["x-amz-bearer"].as_bytes(), token.as_bytes());
    assert!(headers["x-amz-bearer"].is_sensitive());
    assert_eq!(headers["content-type"], "application/json");
    let length = request.body().len().to_string();
    assert_eq!(headers["content-length"], length.as_str());
    assert!(headers["user-agent"]
        .to_str()
        .is_ok_and(|v| v.starts_with(USER_AGENT_PREFIX)));
}

fuzz_target!(|input: RequestInput| {
    let token = input.token.value();
    let content_type = input.content_type();
    let content = input.content();
    let client_token = input.client_token.as_ref().map(|t| t.value());

    let event = event_of(&token, &content_type, &content, &client_token);
    assert_eq!(event.content_type().as_str(), content_type);
    assert_eq!(event.client_token(), client_token.as_deref());
    assert_eq!(
        Operation::client_token(&event),
        sent_client_token(client_token.as_deref())
    );

    let expected = first_broken(
        &token,
        &content_type,
        content.as_deref(),
        client_token.as_deref(),
    );
    let client = Client::new(Config::for_endpoint(input.endpoint()).expect("a valid endpoint"));
    match (event.validate(), expected) {
        (Ok(()), None) => {}
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
            // No call starts.
            match client.start(event, [0; 32]) {
                Err(Error::InvalidInput(s)) => assert_eq!(s, e),
                other => panic!("an invalid input started {other:?}"),
            }
            if field != Field::ConnectionToken {
                // Same error with another valid token: same text, so no token in it.
                if let Some(other) = other_token(&token) {
                    let again = event_of(&other, &content_type, &content, &client_token)
                        .validate()
                        .expect_err("the same input fails again");
                    assert_eq!(format!("{e} {e:?}"), format!("{again} {again:?}"));
                }
            } else {
                let _ = format!("{e} {e:?}");
            }
            return;
        }
        (Ok(()), Some((field, _))) => panic!("accepted although {field:?} breaks a rule"),
        (Err(e), None) => panic!("refused a valid input: {e}"),
    }

    // build_request writes the client token it is given, as given.
    let endpoint = Endpoint::parse(input.endpoint()).expect("the endpoints are valid");
    let request = build_request(&event, &endpoint, client_token.as_deref());
    assert_eq!(request.method(), http::Method::POST);
    let uri = expected_operation_uri(input.endpoint(), SEND_EVENT_PATH);
    assert_eq!(request.uri().to_string(), uri);
    assert_eq!(&endpoint.operation_uri(SEND_EVENT_PATH), request.uri());
    check_headers(&request, &token, &ATTEMPT_HEADERS[..4]);
    let body = std::str::from_utf8(request.body()).expect("the body is UTF-8");
    let want = expected_body(&content_type, content.as_deref(), client_token.as_deref());
    assert_eq!(body, want, "body");

    // A call's first request: the caller's token unless empty, else a
    // generated UUID v4; the call's headers too.
    let mut call = client.start(event.clone(), [0x5a; 32]).expect("valid");
    let first = call.next_request();
    let max = call.max_attempts();
    check_headers(&first, &token, &ATTEMPT_HEADERS);
    assert_eq!(first.uri().to_string(), uri);
    let sent = match sent_client_token(client_token.as_deref()) {
        Some(t) => t.to_owned(),
        None => {
            let t = call.client_token().expect("a generated token").to_owned();
            assert!(is_uuid_v4(&t), "generated {t:?}");
            t
        }
    };
    assert_eq!(call.client_token(), Some(sent.as_str()));
    let want = expected_body(&content_type, content.as_deref(), Some(&sent));
    assert_eq!(std::str::from_utf8(first.body()).ok(), Some(want.as_str()));
    assert!(is_uuid_v4(call.invocation_id()));
    assert_eq!(
        first.headers()["amz-sdk-invocation-id"],
        call.invocation_id()
    );
    assert_eq!(
        first.headers()["amz-sdk-request"],
        sdk_request_header(1, max).as_str()
    );

    // Every length rule holds on what is sent.
    assert!(length_ok(&token, CONNECTION_TOKEN_LEN) && token_is_header_safe(&token));
    assert!(length_ok(&content_type, CONTENT_TYPE_LEN));
    assert!(content.as_deref().is_none_or(|c| length_ok(c, CONTENT_LEN)));
    assert!(client_token
        .as_deref()
        .is_none_or(|t| length_ok(t, CLIENT_TOKEN_LEN)));

    let shown = RedactedRequest(&request).to_json();
    assert_eq!(shown["headers"]["x-amz-bearer"], "<redacted>");

    // The token never shows in Debug or Display: what they print with this
    // token contains it only where it also does with another token.
    let with_token = |t: &str| -> String {
        let e = event_of(t, &content_type, &content, &client_token);
        let r = build_request(&e, &endpoint, client_token.as_deref());
        let mut call = client.start(e.clone(), [0x5a; 32]).expect("valid");
        let first = call.next_request();
        format!(
            "{e:?} {r:?} {} {call:?} {first:?} {}",
            RedactedRequest(&r),
            RedactedRequest(&first)
        )
    };
    if let Some(other) = other_token(&token) {
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
