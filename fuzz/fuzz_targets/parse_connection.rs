//! `wire::parse_response` for CreateParticipantConnection on any status,
//! headers and body (the input format of `parse_response`), checked against
//! docs/spec.md#createparticipantconnection with `serde_json::Value` as the
//! independent reading: never a panic; a 2xx body reads as an output exactly
//! when it is blank, or a JSON object whose members are of the model's
//! shape and that names no member twice; what is read equals what the body
//! says; and no secret of the body
//! (the connection token, the WebSocket URL, the join token) ever shows in
//! an error or in the output's `Debug`.
#![no_main]

use connect_participant_core::error::ResponseError;
use connect_participant_core::wire::parse_response;
use connect_participant_core::connection::{JoinToken, PresignedUrl};
use connect_participant_core::{ConnectionToken, CreateParticipantConnection};
use connect_participant_fuzz::input::ResponseInput;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Where the model puts objects, and the strings in each (secrets marked).
const SHAPE: &[(&[&str], &[(&str, bool)])] = &[
    (&["Websocket"], &[("Url", true), ("ConnectionExpiry", false)]),
    (
        &["ConnectionCredentials"],
        &[("ConnectionToken", true), ("Expiry", false)],
    ),
    (&["WebRTCConnection"], &[]),
    (
        &["WebRTCConnection", "Attendee"],
        &[("AttendeeId", false), ("JoinToken", true)],
    ),
    (&["WebRTCConnection", "Meeting"], &[("MeetingId", false)]),
    (
        &["WebRTCConnection", "Meeting", "MediaPlacement"],
        &[
            ("AudioHostUrl", false),
            ("AudioFallbackUrl", false),
            ("SignalingUrl", false),
            ("EventIngestionUrl", false),
        ],
    ),
    (&["WebRTCConnection", "Meeting", "MeetingFeatures"], &[]),
    (
        &["WebRTCConnection", "Meeting", "MeetingFeatures", "Audio"],
        &[("EchoReduction", false)],
    ),
];

/// True when `body` reads as an output by the spec: a JSON object, each
/// modeled member null/absent or of its type. Repeated keys are judged by
/// the core alone (serde_json's Value keeps the last); see the caller.
fn expected_ok(body: &[u8]) -> Option<Value> {
    if body.iter().all(|b| b" \t\r\n".contains(b)) {
        return Some(Value::Object(Default::default()));
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    value.as_object()?;
    for (path, strings) in SHAPE {
        let Some(at) = path.iter().try_fold(&value, |v, k| v.get(k)) else {
            continue;
        };
        if at.is_null() {
            continue;
        }
        let object = at.as_object()?;
        for (name, _) in *strings {
            match object.get(*name) {
                None | Some(Value::Null) | Some(Value::String(_)) => {}
                Some(_) => return None,
            }
        }
    }
    Some(value)
}

/// Whether some object in the body (a JSON text) names a member twice.
fn repeats_a_key(body: &[u8]) -> bool {
    use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
    use std::collections::HashSet;
    struct Repeats;
    impl<'de> serde::de::DeserializeSeed<'de> for Repeats {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Repeats {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> { Ok(false) }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> { Ok(false) }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> { Ok(false) }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> { Ok(false) }
        fn visit_str<E>(self, _: &str) -> Result<bool, E> { Ok(false) }
        fn visit_unit<E>(self) -> Result<bool, E> { Ok(false) }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            let mut any = false;
            while let Some(r) = seq.next_element_seed(Repeats)? {
                any |= r;
            }
            Ok(any)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let (mut seen, mut any) = (HashSet::new(), false);
            while let Some(key) = map.next_key::<String>()? {
                any |= !seen.insert(key);
                any |= map.next_value_seed(Repeats)?;
            }
            Ok(any)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde::de::DeserializeSeed::deserialize(Repeats, &mut de).unwrap_or(false)
}

/// Every secret string in the body (any JSON string under a secret member,
/// and, to be safe, every string of 6 or more characters anywhere).
fn secrets(body: &[u8]) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s.chars().count() >= 6 => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            Value::Object(o) => o.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        walk(&v, &mut out);
    }
    out
}

fuzz_target!(|input: ResponseInput| {
    let response = input.to_response();
    let body = response.body().as_slice();
    let status = response.status().as_u16();
    let result = parse_response::<CreateParticipantConnection, _>(&response);
    if !(200..300).contains(&status) {
        assert!(matches!(result, Err(ResponseError::Service(_))), "{status}");
        return;
    }
    match (&result, expected_ok(body)) {
        (Ok(out), Some(value)) => {
            let text = |path: &[&str]| -> Option<String> {
                path.iter()
                    .try_fold(&value, |v, k| v.get(k))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            assert_eq!(
                out.connection_token().map(|t| t.expose().to_owned()),
                text(&["ConnectionCredentials", "ConnectionToken"])
            );
            assert_eq!(
                out.websocket
                    .as_ref()
                    .and_then(|w| w.url.as_ref())
                    .map(|u| u.expose().to_owned()),
                text(&["Websocket", "Url"])
            );
            assert_eq!(
                out.webrtc_connection
                    .as_ref()
                    .and_then(|w| w.attendee.as_ref())
                    .and_then(|a| a.join_token.as_ref())
                    .map(|j| j.expose().to_owned()),
                text(&["WebRTCConnection", "Attendee", "JoinToken"])
            );
            assert_eq!(
                out.webrtc_connection
                    .as_ref()
                    .and_then(|w| w.meeting.as_ref())
                    .and_then(|m| m.meeting_id.clone()),
                text(&["WebRTCConnection", "Meeting", "MeetingId"])
            );
            // Debug does not depend on the secrets at all: the same output
            // with other secret values shows the same.
            let mut other = out.clone();
            if let Some(ws) = other.websocket.as_mut() {
                ws.url = ws.url.as_ref().map(|_| PresignedUrl::new("another"));
            }
            if let Some(cc) = other.connection_credentials.as_mut() {
                cc.connection_token = cc.connection_token.as_ref().map(|_| ConnectionToken::new("another"));
            }
            if let Some(a) = other
                .webrtc_connection
                .as_mut()
                .and_then(|w| w.attendee.as_mut())
            {
                a.join_token = a.join_token.as_ref().map(|_| JoinToken::new("another"));
            }
            assert_eq!(format!("{out:?}"), format!("{other:?}"), "a secret shows in Debug");
        }
        // A repeated modeled member: ambiguous, so malformed, though
        // serde_json's Value (last wins) reads it. Any other body of the
        // model's shape must be read.
        (Err(ResponseError::Malformed(m)), Some(_)) => {
            assert!(repeats_a_key(body), "a body of the model's shape refused: {m}");
        }
        (Err(ResponseError::Malformed(m)), None) => {
            let shown = format!("{m} {m:?}");
            assert!(m.excerpt().is_empty(), "an excerpt of a body with secrets");
            // The error's own words (the operation's name among them) are
            // not the body's.
            const OWN_WORDS: &str = "MalformedResponse malformed response (HTTP ): body is \
                not a CreateParticipantConnection output: Syntax Data Eof Io error at line \
                column (the body is withheld: it may hold secrets); body starts status \
                reason excerpt request_id";
            for s in secrets(body) {
                if !OWN_WORDS.contains(s.as_str()) {
                    assert!(!shown.contains(&s), "a body string shows in the error");
                }
            }
        }
        (Ok(out), None) => panic!("read {out:?} from a malformed body"),
        (Err(e), _) => panic!("a 2xx gave {e:?}"),
    }
});
