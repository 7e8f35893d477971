//! The service's rules: routing, authentication, rate limiting, and the
//! server-side validation of every rule of docs/spec.md (the client is not trusted).
//!
//! Order of checks, first failure wins:
//! 1. path ends in `/participant/event` (SendEvent) or
//!    `/participant/connection` (CreateParticipantConnection), else
//!    `404 UnknownOperationException`;
//! 2. method `POST`, else `405 UnknownOperationException` (with `Allow: POST`);
//! 3. exactly one `x-amz-bearer` header naming, for SendEvent, a connection
//!    token the service issued that has not expired, for
//!    CreateParticipantConnection, a participant token; in either case of an
//!    active participant of a chat that has not ended; else
//!    `403 AccessDeniedException`;
//! 4. the token's rate limit, if set, else `429 ThrottlingException`;
//! 5. `Content-Type`, when present, is `application/json`, else
//!    `415 UnsupportedMediaTypeException`;
//! 6. the body is a JSON object (empty means `{}`), else
//!    `400 SerializationException`;
//! 7. SendEvent: members of the right JSON types, else
//!    `400 SerializationException`; lengths and required members, else
//!    `400 ValidationException` listing every violation; then receipt
//!    content, else `400 ValidationException`; then idempotency (same
//!    `ClientToken` in the chat), then the receipt conflict rule
//!    (`409 ConflictException`); then the event is recorded.
//!    CreateParticipantConnection: `Type` a non-empty list of known types
//!    and `ConnectParticipant` a boolean, else `400 ValidationException`
//!    listing every violation; then the answer (see [`crate::connection`]).

use std::time::{Instant, SystemTime};

use http::header::CONTENT_TYPE;
use http::{Method, Request, Response, StatusCode};
use serde_json::Value;

use crate::connection;
use crate::state::{EventInput, State};
use crate::wire::{self, Rejection};

const EVENT_PATH_SUFFIX: &str = "/participant/event";
const CONNECTION_PATH_SUFFIX: &str = "/participant/connection";
const BEARER_HEADER: &str = "x-amz-bearer";
const DELIVERED: &str = "application/vnd.amazonaws.connect.event.message.delivered";
const READ: &str = "application/vnd.amazonaws.connect.event.message.read";

/// The limits of the service model, in Unicode scalar values.
const CONTENT_TYPE_LEN: (usize, usize) = (1, 100);
const CONTENT_LEN: (usize, usize) = (1, 16384);
const CLIENT_TOKEN_LEN: (usize, usize) = (0, 500);

/// The operations the service answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    SendEvent,
    CreateParticipantConnection,
}

impl Operation {
    fn at(path: &str) -> Option<Operation> {
        if path.ends_with(EVENT_PATH_SUFFIX) {
            Some(Operation::SendEvent)
        } else if path.ends_with(CONNECTION_PATH_SUFFIX) {
            Some(Operation::CreateParticipantConnection)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Operation::SendEvent => "SendEvent",
            Operation::CreateParticipantConnection => "CreateParticipantConnection",
        }
    }
}

/// The service's answer to one request (faults are applied elsewhere).
pub(crate) fn answer<B: AsRef<[u8]>>(
    state: &mut State,
    request: &Request<B>,
    wall: SystemTime,
    mono: Instant,
) -> Response<Vec<u8>> {
    let request_id = state.ids.uuid();
    let mut response = match decide(state, request, wall, mono) {
        Ok(body) => return wire::json_response(StatusCode::OK, body, &request_id),
        Err(rejection) => rejection.into_response(&request_id),
    };
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        wire::insert(&mut response, "allow", "POST");
    }
    response
}

/// The success body, or the refusal.
fn decide<B: AsRef<[u8]>>(
    state: &mut State,
    request: &Request<B>,
    wall: SystemTime,
    mono: Instant,
) -> Result<Vec<u8>, Rejection> {
    let path = request.uri().path();
    let Some(operation) = Operation::at(path) else {
        return Err(Rejection::new(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            format!(
                "No operation at {path}: SendEvent is POST .../participant/event, \
                 CreateParticipantConnection is POST .../participant/connection"
            ),
        ));
    };
    if request.method() != Method::POST {
        return Err(Rejection::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "UnknownOperationException",
            format!(
                "Method {} is not allowed on {path}: {} is POST",
                request.method(),
                operation.name()
            ),
        ));
    }
    let token = bearer(request)?;
    match operation {
        Operation::SendEvent => {
            let sender = state.authenticate_connection(token, mono)?;
            state.check_rate(token, mono)?;
            check_media_type(request)?;
            let input = read_body(request.body().as_ref())?;
            let input = validate(input)?;
            let (id, time) = state.submit(&sender, input, wall)?;
            Ok(wire::event_body(&id, &time))
        }
        Operation::CreateParticipantConnection => {
            let participant = state.authenticate_participant(token)?;
            state.check_rate(token, mono)?;
            check_media_type(request)?;
            let input = connection::read_body(request.body().as_ref())?;
            Ok(connection::create(state, &participant, &input, wall, mono))
        }
    }
}

/// The token: exactly one `x-amz-bearer` header, 1..=1000
/// visible ASCII characters. Anything else is refused as access denied.
fn bearer<B>(request: &Request<B>) -> Result<&str, Rejection> {
    let mut values = request.headers().get_all(BEARER_HEADER).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(Rejection::access_denied());
    };
    let token = value.to_str().map_err(|_| Rejection::access_denied())?;
    let well_formed = (1..=1000).contains(&token.len())
        && token.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !token.starts_with(' ')
        && !token.ends_with(' ');
    if !well_formed {
        return Err(Rejection::access_denied());
    }
    Ok(token)
}

fn check_media_type<B>(request: &Request<B>) -> Result<(), Rejection> {
    let Some(value) = request.headers().get(CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = value
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(Rejection::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaTypeException",
            "Content-Type must be application/json",
        ))
    }
}

/// The members as sent, before the length rules.
#[derive(Debug, Default)]
struct WireInput {
    content_type: Option<String>,
    content: Option<String>,
    client_token: Option<String>,
}

fn read_body(body: &[u8]) -> Result<WireInput, Rejection> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(WireInput::default());
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Rejection::serialization(format!("The request body is not valid JSON: {e}"))
    })?;
    let Value::Object(mut members) = value else {
        return Err(Rejection::serialization(
            "The request body must be a JSON object",
        ));
    };
    let mut take = |name: &str| match members.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Rejection::serialization(format!(
            "{name} must be a JSON string, not {}",
            json_kind(&other)
        ))),
    };
    Ok(WireInput {
        content_type: take("ContentType")?,
        content: take("Content")?,
        client_token: take("ClientToken")?,
    })
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn length_violation(member: &str, value: &str, (min, max): (usize, usize)) -> Option<String> {
    let n = value.chars().count();
    if n < min {
        Some(format!(
            "Value at '{member}' failed to satisfy constraint: Member must have length greater than or equal to {min}"
        ))
    } else if n > max {
        Some(format!(
            "Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}"
        ))
    } else {
        None
    }
}

/// The model's constraints, reported all at once in the service's style
/// (`2 validation errors detected: ...; ...`), then the receipt rule.
fn validate(input: WireInput) -> Result<EventInput, Rejection> {
    let mut violations = Vec::new();
    match &input.content_type {
        None => violations.push(
            "Value null at 'contentType' failed to satisfy constraint: Member must not be null"
                .to_owned(),
        ),
        Some(ct) => violations.extend(length_violation("contentType", ct, CONTENT_TYPE_LEN)),
    }
    if let Some(content) = &input.content {
        violations.extend(length_violation("content", content, CONTENT_LEN));
    }
    if let Some(token) = &input.client_token {
        violations.extend(length_violation("clientToken", token, CLIENT_TOKEN_LEN));
    }
    let content_type = match (input.content_type, violations.is_empty()) {
        (Some(ct), true) => ct,
        _ => {
            let n = violations.len();
            let plural = if n == 1 { "error" } else { "errors" };
            return Err(Rejection::validation(format!(
                "{n} validation {plural} detected: {}",
                violations.join("; ")
            )));
        }
    };
    let is_receipt = content_type == DELIVERED || content_type == READ;
    if is_receipt {
        check_receipt(&content_type, input.content.as_deref())?;
    }
    Ok(EventInput {
        content_type,
        content: input.content,
        client_token: input.client_token,
        is_receipt,
    })
}

fn check_receipt(content_type: &str, content: Option<&str>) -> Result<(), Rejection> {
    let fail = |problem: &str| {
        Err(Rejection::validation(format!(
            "Invalid Content for ContentType {content_type}: {problem}; a receipt's Content \
             must be a JSON string holding an object such as {{\"messageId\":\"...\"}}"
        )))
    };
    let Some(content) = content else {
        return fail("Content is required");
    };
    let Ok(value) = serde_json::from_str::<Value>(content) else {
        return fail("Content is not valid JSON");
    };
    let Value::Object(map) = value else {
        return fail("Content is not a JSON object");
    };
    match map.get("messageId") {
        None => fail("messageId is missing"),
        Some(Value::String(id)) if id.is_empty() => fail("messageId is empty"),
        Some(Value::String(_)) => Ok(()),
        Some(_) => fail("messageId is not a string"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(body: &str) -> Result<EventInput, Rejection> {
        read_body(body.as_bytes()).and_then(validate)
    }

    fn refusal(body: &str) -> (&'static str, String) {
        let r = input(body).unwrap_err();
        (r.code, r.message)
    }

    #[test]
    fn accepts_valid_inputs() {
        let ok =
            input(r#"{"ContentType":"x","Content":null,"Unknown":5,"ClientToken":""}"#).unwrap();
        assert_eq!(ok.content_type, "x");
        assert_eq!((ok.content, ok.client_token.as_deref()), (None, Some("")));
        let r = input(&format!(
            r#"{{"ContentType":"{READ}","Content":"{{\"messageId\":\"m\"}}"}}"#
        ))
        .unwrap();
        assert!(r.is_receipt);
        // Lengths count scalar values, not bytes.
        let wide = "é".repeat(16384);
        assert!(input(&format!(r#"{{"ContentType":"x","Content":"{wide}"}}"#)).is_ok());
        assert!(input(&format!(r#"{{"ContentType":"{}"}}"#, "😀".repeat(100))).is_ok());
    }

    #[test]
    fn names_every_problem() {
        assert_eq!(refusal("nope").0, "SerializationException");
        assert_eq!(refusal("[]").0, "SerializationException");
        let (code, msg) = refusal(r#"{"ContentType":5}"#);
        assert_eq!(code, "SerializationException");
        assert!(msg.contains("ContentType must be a JSON string, not a number"));
        let (code, msg) = refusal("");
        assert_eq!(code, "ValidationException");
        assert!(msg.starts_with("1 validation error detected: Value null at 'contentType'"));
        let (_, msg) = refusal(&format!(
            r#"{{"ContentType":"","Content":"","ClientToken":"{}"}}"#,
            "t".repeat(501)
        ));
        assert!(msg.starts_with("3 validation errors detected:"), "{msg}");
        assert!(msg.contains("'contentType'") && msg.contains("'content'"));
        assert!(msg.contains("'clientToken' failed to satisfy constraint: Member must have length less than or equal to 500"));
        let (_, msg) = refusal(&format!(
            r#"{{"ContentType":"x","Content":"{}"}}"#,
            "é".repeat(16385)
        ));
        assert!(msg.contains("less than or equal to 16384"));
        for (content, problem) in [
            (None, "Content is required"),
            (Some(r#""x""#), "not valid JSON"),
            (Some(r#""[1]""#), "not a JSON object"),
            (Some(r#""{}""#), "messageId is missing"),
            (Some(r#""{\"messageId\":\"\"}""#), "messageId is empty"),
            (Some(r#""{\"messageId\":1}""#), "messageId is not a string"),
        ] {
            let body = match content {
                Some(c) => format!(r#"{{"ContentType":"{DELIVERED}","Content":{c}}}"#),
                None => format!(r#"{{"ContentType":"{DELIVERED}"}}"#),
            };
            let (code, msg) = refusal(&body);
            assert_eq!(code, "ValidationException");
            assert!(msg.contains(problem), "{msg}");
        }
        let (code, _) = refusal(&format!(
            r#"{{"ContentType":"{READ}","Content":{{"messageId":"m"}}}}"#
        ));
        assert_eq!(code, "SerializationException");
    }
}
