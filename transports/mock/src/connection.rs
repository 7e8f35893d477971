//! CreateParticipantConnection (`POST .../participant/connection`): the body
//! read and checked, then the answer: a pre-signed WebSocket URL, a fresh
//! connection token with its expiry, and WebRTC meeting details, each when
//! asked for; `ConnectParticipant: true` marks the participant connected.

use std::time::{Duration, Instant, SystemTime};

use serde_json::{json, Map, Value};

use crate::absolute_time;
use crate::rules::json_kind;
use crate::state::{Participant, State};
use crate::wire::Rejection;

/// How long a pre-signed WebSocket URL may be used to connect
/// (`Websocket.ConnectionExpiry`): about 100 s, as docs/spec.md says.
pub(crate) const WEBSOCKET_URL_LIFETIME: Duration = Duration::from_secs(100);

/// The connection types the service knows, in the model's order, with
/// their wire names.
const KNOWN_TYPES: [(&str, Kind); 3] = [
    ("WEBSOCKET", Kind::Websocket),
    ("CONNECTION_CREDENTIALS", Kind::ConnectionCredentials),
    ("WEBRTC_CONNECTION", Kind::WebrtcConnection),
];

/// A connection type asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Websocket,
    ConnectionCredentials,
    WebrtcConnection,
}

impl Kind {
    fn from_wire(text: &str) -> Option<Kind> {
        KNOWN_TYPES
            .iter()
            .find(|(name, _)| *name == text)
            .map(|&(_, kind)| kind)
    }
}

/// A validated CreateParticipantConnection input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConnectionInput {
    /// The types asked for, without repeats; `None` when no `Type` was sent.
    pub(crate) types: Option<Vec<Kind>>,
    pub(crate) connect_participant: bool,
}

impl ConnectionInput {
    /// What is answered. **Decision**: with no `Type` (how an agent
    /// acknowledges, `ConnectParticipant: true` alone), the answer holds
    /// both `Websocket` and `ConnectionCredentials`; docs/spec.md does not
    /// say what the real service answers then.
    pub(crate) fn answered(&self) -> Vec<Kind> {
        self.types
            .clone()
            .unwrap_or_else(|| vec![Kind::Websocket, Kind::ConnectionCredentials])
    }
}

/// Reads the body: empty means `{}`; text that is not a JSON object is a
/// `SerializationException` (as on the SendEvent path); a member of the
/// wrong JSON type, an empty `Type` list and an unknown type are a
/// `ValidationException` listing every violation. `null` members are
/// absent, unknown members ignored.
pub(crate) fn read_body(body: &[u8]) -> Result<ConnectionInput, Rejection> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ConnectionInput {
            types: None,
            connect_participant: false,
        });
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Rejection::serialization(format!("The request body is not valid JSON: {e}"))
    })?;
    let Value::Object(members) = value else {
        return Err(Rejection::serialization(
            "The request body must be a JSON object",
        ));
    };
    let mut violations = Vec::new();
    let types = read_types(&members, &mut violations);
    let connect_participant = match members.get("ConnectParticipant") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            violations.push(format!(
                "Value at 'connectParticipant' failed to satisfy constraint: Member must be a \
                 boolean, not {}",
                json_kind(other)
            ));
            false
        }
    };
    if violations.is_empty() {
        Ok(ConnectionInput {
            types,
            connect_participant,
        })
    } else {
        let n = violations.len();
        let plural = if n == 1 { "error" } else { "errors" };
        Err(Rejection::validation(format!(
            "{n} validation {plural} detected: {}",
            violations.join("; ")
        )))
    }
}

fn read_types(members: &Map<String, Value>, violations: &mut Vec<String>) -> Option<Vec<Kind>> {
    let list = match members.get("Type") {
        None | Some(Value::Null) => return None,
        Some(Value::Array(list)) => list,
        Some(other) => {
            violations.push(format!(
                "Value at 'type' failed to satisfy constraint: Member must be a list of \
                 strings, not {}",
                json_kind(other)
            ));
            return None;
        }
    };
    if list.is_empty() {
        violations.push(
            "Value '[]' at 'type' failed to satisfy constraint: Member must have length \
             greater than or equal to 1"
                .to_owned(),
        );
        return None;
    }
    let mut kinds = Vec::new();
    let mut unknown = Vec::new();
    for item in list {
        match item {
            Value::String(text) => match Kind::from_wire(text) {
                Some(kind) if !kinds.contains(&kind) => kinds.push(kind),
                Some(_) => {}
                None => unknown.push(text.as_str()),
            },
            other => {
                violations.push(format!(
                    "Value at 'type' failed to satisfy constraint: Member must be a list of \
                     strings, not a list holding {}",
                    json_kind(other)
                ));
                return None;
            }
        }
    }
    if !unknown.is_empty() {
        violations.push(format!(
            "Value '[{}]' at 'type' failed to satisfy constraint: Member must satisfy \
             constraint: [Member must satisfy enum value set: [{}]]",
            unknown.join(", "),
            KNOWN_TYPES.map(|(name, _)| name).join(", ")
        ));
        return None;
    }
    Some(kinds)
}

/// The answer to a valid request of an authenticated participant; marks
/// them connected on `ConnectParticipant: true`. Members in the model's
/// order (`Websocket`, `ConnectionCredentials`, `WebRTCConnection`), each
/// only when asked for.
pub(crate) fn create(
    state: &mut State,
    participant: &Participant,
    input: &ConnectionInput,
    wall: SystemTime,
    mono: Instant,
) -> Vec<u8> {
    if input.connect_participant {
        state.mark_connected(&participant.id);
    }
    let kinds = input.answered();
    let mut members = Vec::new();
    if kinds.contains(&Kind::Websocket) {
        members.push(("Websocket", websocket(state, wall)));
    }
    if kinds.contains(&Kind::ConnectionCredentials) {
        let token = state.issue_connection_token(&participant.id, mono);
        let expiry = state.connection_token_expiry(wall);
        members.push((
            "ConnectionCredentials",
            json!({ "ConnectionToken": token, "Expiry": expiry }),
        ));
    }
    if kinds.contains(&Kind::WebrtcConnection) {
        members.push(("WebRTCConnection", webrtc(state, participant)));
    }
    // Written by hand to keep the model's order (serde_json's map sorts).
    let mut body = String::from("{");
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!("{}:{value}", Value::from(*name)));
    }
    body.push('}');
    body.into_bytes()
}

/// `Websocket`: a URL shaped like a SigV4 pre-signed one (on a host that
/// does not resolve: the mock serves no WebSocket), and its expiry.
fn websocket(state: &mut State, wall: SystemTime) -> Value {
    let now = absolute_time(wall);
    // 2019-11-08T02:41:28.172Z -> 20191108T024128Z
    let amz_date: String = now[..19]
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .collect();
    let credential = format!("MOCK{}", &state.ids.token()[..16].to_ascii_uppercase());
    let url = format!(
        "wss://transport.participant.mock.invalid/?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential={credential}%2F{}%2Fus-west-2%2Fexecute-api%2Faws4_request\
         &X-Amz-Date={amz_date}Z&X-Amz-Expires={}&X-Amz-Security-Token={}\
         &X-Amz-SignedHeaders=host&X-Amz-Signature={}",
        &amz_date[..8],
        WEBSOCKET_URL_LIFETIME.as_secs(),
        state.ids.token(),
        state.ids.token(),
    );
    let expiry = absolute_time(wall.checked_add(WEBSOCKET_URL_LIFETIME).unwrap_or(wall));
    json!({ "Url": url, "ConnectionExpiry": expiry })
}

/// `WebRTCConnection`: the participant as an attendee of the chat's
/// meeting, on hosts that do not resolve.
fn webrtc(state: &mut State, participant: &Participant) -> Value {
    let meeting = state.meeting_id(participant.chat);
    let (attendee, join_token) = state.attendee(&participant.id);
    json!({
        "Attendee": { "AttendeeId": attendee, "JoinToken": join_token },
        "Meeting": {
            "MeetingId": meeting,
            "MediaPlacement": {
                "AudioHostUrl": format!("audio.meetings.mock.invalid:3478/{meeting}"),
                "AudioFallbackUrl": format!("wss://audio.meetings.mock.invalid:443/calls/{meeting}"),
                "SignalingUrl": format!("wss://signal.meetings.mock.invalid/control/{meeting}"),
                "EventIngestionUrl": "https://events.meetings.mock.invalid/v1/client-events",
            },
            "MeetingFeatures": { "Audio": { "EchoReduction": "AVAILABLE" } },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(body: &str) -> (&'static str, String) {
        let r = read_body(body.as_bytes()).unwrap_err();
        (r.code, r.message)
    }

    #[test]
    fn reads_types_and_connect_participant() {
        let read = |body: &str| read_body(body.as_bytes()).unwrap();
        assert_eq!(read("").types, None);
        assert_eq!(
            read(" \n").answered(),
            [Kind::Websocket, Kind::ConnectionCredentials]
        );
        let input = read(
            r#"{"Type":["WEBRTC_CONNECTION","WEBSOCKET","WEBSOCKET"],"ConnectParticipant":true,"X":1}"#,
        );
        assert_eq!(
            input.types.as_deref(),
            Some(&[Kind::WebrtcConnection, Kind::Websocket][..])
        );
        assert!(input.connect_participant);
        let input = read(r#"{"Type":null,"ConnectParticipant":null}"#);
        assert_eq!((input.types, input.connect_participant), (None, false));
    }

    #[test]
    fn names_every_problem() {
        assert_eq!(refusal("nope").0, "SerializationException");
        assert_eq!(refusal("[]").0, "SerializationException");
        for (body, needle) in [
            (r#"{"Type":[]}"#, "Value '[]' at 'type'"),
            (r#"{"Type":"WEBSOCKET"}"#, "list of strings, not a string"),
            (r#"{"Type":[1]}"#, "not a list holding a number"),
            (r#"{"Type":["WEBSOCKET","CHAT","VIDEO"]}"#, "Value '[CHAT, VIDEO]' at 'type'"),
            (r#"{"Type":["websocket"]}"#, "enum value set: [WEBSOCKET, CONNECTION_CREDENTIALS, WEBRTC_CONNECTION]"),
            (r#"{"ConnectParticipant":"true"}"#, "'connectParticipant' failed to satisfy constraint: Member must be a boolean, not a string"),
        ] {
            let (code, message) = refusal(body);
            assert_eq!(code, "ValidationException", "{body}");
            assert!(message.starts_with("1 validation error detected: "), "{message}");
            assert!(message.contains(needle), "{body}: {message}");
        }
        let (_, message) = refusal(r#"{"Type":[],"ConnectParticipant":1}"#);
        assert!(
            message.starts_with("2 validation errors detected: "),
            "{message}"
        );
    }
}
