//! The CreateParticipantConnection operation (docs/spec.md#createparticipantconnection):
//! a participant token turned into the connection token SendEvent needs, a
//! WebSocket URL and WebRTC details; with `ConnectParticipant`, the
//! connection acknowledgement that replaced the retired
//! `connection.acknowledged` event.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Field, InvalidInput, Rule};
use crate::operation::{Operation, ResponseMeta};
pub use crate::token::{JoinToken, PresignedUrl};
use crate::validate::{check_length, check_token};
use crate::{ConnectionToken, ParticipantToken};

const PARTICIPANT_TOKEN_LIMITS: (usize, usize) = (1, 1000);
const TYPE_LIMITS: (usize, usize) = (1, 100);

/// A kind of connection to ask for, sent in the `Type` list.
///
/// The wire field is an open string: a type the service adds later stays
/// sendable through [`ConnectionType::Other`].
///
/// ```
/// use connect_participant::connection::ConnectionType;
///
/// assert_eq!(ConnectionType::Websocket.as_str(), "WEBSOCKET");
/// assert_eq!(ConnectionType::from("CONNECTION_CREDENTIALS"), ConnectionType::ConnectionCredentials);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionType {
    /// `WEBSOCKET`: a pre-signed WebSocket URL for the chat's messages.
    Websocket,
    /// `CONNECTION_CREDENTIALS`: the connection token for SendEvent and the
    /// other participant calls.
    ConnectionCredentials,
    /// `WEBRTC_CONNECTION`: the details to join the chat's WebRTC meeting.
    WebrtcConnection,
    /// Any other type, sent as given.
    Other(String),
}

impl ConnectionType {
    /// The wire text.
    pub fn as_str(&self) -> &str {
        match self {
            ConnectionType::Websocket => "WEBSOCKET",
            ConnectionType::ConnectionCredentials => "CONNECTION_CREDENTIALS",
            ConnectionType::WebrtcConnection => "WEBRTC_CONNECTION",
            ConnectionType::Other(s) => s,
        }
    }
}

impl From<&str> for ConnectionType {
    fn from(s: &str) -> Self {
        match s {
            "WEBSOCKET" => ConnectionType::Websocket,
            "CONNECTION_CREDENTIALS" => ConnectionType::ConnectionCredentials,
            "WEBRTC_CONNECTION" => ConnectionType::WebrtcConnection,
            other => ConnectionType::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for ConnectionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One CreateParticipantConnection call's input: the participant token, the
/// connection types asked for (optional), and `ConnectParticipant`
/// (optional). The operation takes no client token.
///
/// ```
/// use connect_participant::connection::ConnectionType;
/// use connect_participant::CreateParticipantConnection;
///
/// // A customer, as Amazon's browser library asks:
/// let customer = CreateParticipantConnection::new("participant-token")
///     .with_types([ConnectionType::Websocket, ConnectionType::ConnectionCredentials]);
/// assert!(customer.validate().is_ok());
/// // An agent acknowledging the connection (what `connection.acknowledged` did):
/// let ack = CreateParticipantConnection::new("participant-token").acknowledge();
/// assert_eq!(ack.connect_participant(), Some(true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateParticipantConnection {
    participant_token: ParticipantToken,
    types: Option<Vec<ConnectionType>>,
    connect_participant: Option<bool>,
}

impl CreateParticipantConnection {
    /// A call with the participant token and no other member.
    pub fn new(participant_token: impl Into<ParticipantToken>) -> Self {
        CreateParticipantConnection {
            participant_token: participant_token.into(),
            types: None,
            connect_participant: None,
        }
    }

    /// Asks for these connection types (`Type`; at least one).
    pub fn with_types(mut self, types: impl IntoIterator<Item = ConnectionType>) -> Self {
        self.types = Some(types.into_iter().collect());
        self
    }

    /// Sets `ConnectParticipant`: `true` marks the participant as connected.
    pub fn with_connect_participant(mut self, connect: bool) -> Self {
        self.connect_participant = Some(connect);
        self
    }

    /// Acknowledges the connection: `ConnectParticipant: true`. The
    /// replacement for the retired `connection.acknowledged` event.
    pub fn acknowledge(self) -> Self {
        self.with_connect_participant(true)
    }

    /// The participant token.
    pub fn participant_token(&self) -> &ParticipantToken {
        &self.participant_token
    }

    /// The connection types asked for, if a list was given.
    pub fn types(&self) -> Option<&[ConnectionType]> {
        self.types.as_deref()
    }

    /// `ConnectParticipant`, if given.
    pub fn connect_participant(&self) -> Option<bool> {
        self.connect_participant
    }

    /// Checks every rule, in field order (participant token, types), and
    /// returns the first broken one.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        check_token(
            Field::ParticipantToken,
            self.participant_token.expose(),
            PARTICIPANT_TOKEN_LIMITS,
        )?;
        if let Some(types) = &self.types {
            if types.is_empty() {
                return Err(InvalidInput::new(Field::Type, Rule::EmptyList));
            }
            for t in types {
                check_length(Field::Type, t.as_str(), TYPE_LIMITS)?;
            }
        }
        Ok(())
    }
}

/// The JSON request body: only the members that are set.
#[derive(Serialize)]
struct WireInput<'a> {
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    types: Option<Vec<&'a str>>,
    #[serde(rename = "ConnectParticipant", skip_serializing_if = "Option::is_none")]
    connect_participant: Option<bool>,
}

/// A successful CreateParticipantConnection answer; every member optional.
/// Its secrets (the connection token, the WebSocket URL, the join token)
/// are redacted in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct CreateParticipantConnectionOutput {
    /// `Websocket`: the URL to read the chat's messages from.
    #[serde(rename = "Websocket")]
    pub websocket: Option<Websocket>,
    /// `ConnectionCredentials`: the connection token for SendEvent.
    #[serde(rename = "ConnectionCredentials")]
    pub connection_credentials: Option<ConnectionCredentials>,
    /// `WebRTCConnection`: how to join the chat's WebRTC meeting.
    #[serde(rename = "WebRTCConnection")]
    pub webrtc_connection: Option<WebRtcConnection>,
    /// The `x-amzn-RequestId` header.
    #[serde(skip)]
    pub request_id: Option<String>,
    /// How many attempts the call took.
    #[serde(skip)]
    pub attempts: u32,
}

impl CreateParticipantConnectionOutput {
    /// The connection token, if the answer has one: hand it to
    /// [`SendEvent`](crate::SendEvent) as it is.
    pub fn connection_token(&self) -> Option<&ConnectionToken> {
        self.connection_credentials
            .as_ref()
            .and_then(|c| c.connection_token.as_ref())
    }
}

/// `Websocket`: a pre-signed URL and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct Websocket {
    /// `Url`: pre-signed, a secret; connect within about 100 s.
    #[serde(rename = "Url")]
    pub url: Option<PresignedUrl>,
    /// `ConnectionExpiry`: ISO 8601 text, as given.
    #[serde(rename = "ConnectionExpiry")]
    pub connection_expiry: Option<String>,
}

/// `ConnectionCredentials`: the connection token and its expiry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct ConnectionCredentials {
    /// `ConnectionToken`: SendEvent's credential (a secret).
    #[serde(rename = "ConnectionToken")]
    pub connection_token: Option<ConnectionToken>,
    /// `Expiry`: ISO 8601 text, as given (a connection token lives about a day).
    #[serde(rename = "Expiry")]
    pub expiry: Option<String>,
}

/// `WebRTCConnection`: the attendee and the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct WebRtcConnection {
    /// `Attendee`.
    #[serde(rename = "Attendee")]
    pub attendee: Option<Attendee>,
    /// `Meeting`.
    #[serde(rename = "Meeting")]
    pub meeting: Option<Meeting>,
}

/// `Attendee`: who joins the meeting, and the token to join with.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct Attendee {
    /// `AttendeeId`.
    #[serde(rename = "AttendeeId")]
    pub attendee_id: Option<String>,
    /// `JoinToken` (a secret).
    #[serde(rename = "JoinToken")]
    pub join_token: Option<JoinToken>,
}

/// `Meeting`: its id, where its media goes, and its features.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct Meeting {
    /// `MeetingId`.
    #[serde(rename = "MeetingId")]
    pub meeting_id: Option<String>,
    /// `MediaPlacement`.
    #[serde(rename = "MediaPlacement")]
    pub media_placement: Option<MediaPlacement>,
    /// `MeetingFeatures`.
    #[serde(rename = "MeetingFeatures")]
    pub meeting_features: Option<MeetingFeatures>,
}

/// `MediaPlacement`: the meeting's media URLs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct MediaPlacement {
    /// `AudioHostUrl`.
    #[serde(rename = "AudioHostUrl")]
    pub audio_host_url: Option<String>,
    /// `AudioFallbackUrl`.
    #[serde(rename = "AudioFallbackUrl")]
    pub audio_fallback_url: Option<String>,
    /// `SignalingUrl`.
    #[serde(rename = "SignalingUrl")]
    pub signaling_url: Option<String>,
    /// `EventIngestionUrl`.
    #[serde(rename = "EventIngestionUrl")]
    pub event_ingestion_url: Option<String>,
}

/// `MeetingFeatures`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct MeetingFeatures {
    /// `Audio`.
    #[serde(rename = "Audio")]
    pub audio: Option<AudioFeatures>,
}

/// `Audio` meeting features.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct AudioFeatures {
    /// `EchoReduction` (e.g. `AVAILABLE`, `UNAVAILABLE`).
    #[serde(rename = "EchoReduction")]
    pub echo_reduction: Option<String>,
}

impl Operation for CreateParticipantConnection {
    type Output = CreateParticipantConnectionOutput;
    type Body = CreateParticipantConnectionOutput;
    const NAME: &'static str = "CreateParticipantConnection";
    const PATH: &'static str = "/participant/connection";
    const IDEMPOTENT: bool = false;
    const SECRET_OUTPUT: bool = true;

    fn validate(&self) -> Result<(), InvalidInput> {
        CreateParticipantConnection::validate(self)
    }

    fn bearer(&self) -> &str {
        self.participant_token.expose()
    }

    fn write_body(&self, _client_token: Option<&str>, out: &mut Vec<u8>) {
        let body = WireInput {
            types: self
                .types
                .as_ref()
                .map(|t| t.iter().map(ConnectionType::as_str).collect()),
            connect_participant: self.connect_participant,
        };
        // Writing strings and booleans into a Vec cannot fail.
        let _ = serde_json::to_writer(out, &body);
    }

    fn output(
        mut output: CreateParticipantConnectionOutput,
        meta: ResponseMeta,
    ) -> CreateParticipantConnectionOutput {
        output.request_id = meta.request_id;
        output.attempts = meta.attempts;
        output
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::parse_response;

    const FULL: &str = r#"{
        "Websocket": {"Url": "wss://ws.example/?X-Amz-Signature=SIG-SECRET", "ConnectionExpiry": "2019-11-08T02:43:08.172Z"},
        "ConnectionCredentials": {"ConnectionToken": "CONN-SECRET", "Expiry": "2019-11-09T02:41:28.172Z"},
        "WebRTCConnection": {
            "Attendee": {"AttendeeId": "att-1", "JoinToken": "JOIN-SECRET"},
            "Meeting": {"MeetingId": "meet-1",
                "MediaPlacement": {"AudioHostUrl": "a", "AudioFallbackUrl": "b", "SignalingUrl": "c", "EventIngestionUrl": "d"},
                "MeetingFeatures": {"Audio": {"EchoReduction": "AVAILABLE"}}}
        },
        "Unknown": [1, {"x": null}]
    }"#;

    fn parse(
        status: u16,
        body: &str,
    ) -> Result<CreateParticipantConnectionOutput, crate::error::ResponseError> {
        let response = http::Response::builder()
            .status(status)
            .header("x-amzn-RequestId", "req-9")
            .body(body)
            .unwrap();
        parse_response::<CreateParticipantConnection, _>(&response)
    }

    #[test]
    fn every_member_is_read_and_secrets_never_show() {
        let out = parse(200, FULL).unwrap();
        assert_eq!(out.connection_token().unwrap().expose(), "CONN-SECRET");
        let ws = out.websocket.as_ref().unwrap();
        assert_eq!(
            ws.url.as_ref().unwrap().expose(),
            "wss://ws.example/?X-Amz-Signature=SIG-SECRET"
        );
        assert_eq!(
            ws.connection_expiry.as_deref(),
            Some("2019-11-08T02:43:08.172Z")
        );
        let rtc = out.webrtc_connection.as_ref().unwrap();
        let attendee = rtc.attendee.as_ref().unwrap();
        assert_eq!(
            attendee.join_token.as_ref().unwrap().expose(),
            "JOIN-SECRET"
        );
        let meeting = rtc.meeting.as_ref().unwrap();
        assert_eq!(
            meeting
                .media_placement
                .as_ref()
                .unwrap()
                .event_ingestion_url
                .as_deref(),
            Some("d")
        );
        let echo = meeting
            .meeting_features
            .as_ref()
            .and_then(|f| f.audio.as_ref());
        assert_eq!(
            echo.and_then(|a| a.echo_reduction.as_deref()),
            Some("AVAILABLE")
        );
        assert_eq!(
            (out.request_id.as_deref(), out.attempts),
            (Some("req-9"), 1)
        );
        let shown = format!("{out:?}");
        for secret in ["CONN-SECRET", "SIG-SECRET", "JOIN-SECRET"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn members_are_optional() {
        for body in ["", "{}", r#"{"Websocket":null,"ConnectionCredentials":{}}"#] {
            let out = parse(200, body).unwrap();
            assert!(
                out.connection_token().is_none() && out.websocket.is_none(),
                "{body}"
            );
        }
    }

    #[test]
    fn a_malformed_answer_keeps_no_secret() {
        for body in [
            r#"{"Websocket":"wss://x/?X-Amz-Signature=SIG-SECRET"}"#,
            r#"{"ConnectionCredentials":{"ConnectionToken":"CONN-SECRET","ConnectionToken":"CONN-SECRET"}}"#,
            r#"{"ConnectionCredentials":{"ConnectionToken":5,"Expiry":"CONN-SECRET"}} trailing CONN-SECRET"#,
            r#"{"ConnectionCredentials":["CONN-SECRET","2019"]}"#,
            r#"{"WebRTCConnection":{"Attendee":["a","JOIN-SECRET"]}}"#,
        ] {
            let err = parse(200, body).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("SECRET"), "{shown}");
        }
    }

    #[test]
    fn the_body_holds_only_what_is_set() {
        let body = |op: &CreateParticipantConnection| {
            let mut out = Vec::new();
            op.write_body(None, &mut out);
            String::from_utf8(out).unwrap()
        };
        let op = CreateParticipantConnection::new("t");
        assert_eq!(body(&op), "{}");
        let op = op
            .with_types([
                ConnectionType::Websocket,
                ConnectionType::Other("NEW".into()),
            ])
            .acknowledge();
        assert_eq!(
            body(&op),
            r#"{"Type":["WEBSOCKET","NEW"],"ConnectParticipant":true}"#
        );
    }

    #[test]
    fn validation_names_field_and_rule() {
        let rule = |op: CreateParticipantConnection| {
            let e = op.validate().unwrap_err();
            (e.field(), e.rule().clone())
        };
        assert_eq!(
            rule(CreateParticipantConnection::new("")),
            (
                Field::ParticipantToken,
                Rule::Length {
                    min: 1,
                    max: 1000,
                    actual: 0
                }
            )
        );
        assert_eq!(
            rule(CreateParticipantConnection::new("a\nb")).0,
            Field::ParticipantToken
        );
        assert_eq!(
            rule(CreateParticipantConnection::new("t").with_types([])),
            (Field::Type, Rule::EmptyList)
        );
        assert_eq!(
            rule(
                CreateParticipantConnection::new("t")
                    .with_types([ConnectionType::Other(String::new())])
            )
            .0,
            Field::Type
        );
        let err = CreateParticipantConnection::new("sekrit\n")
            .validate()
            .unwrap_err();
        assert!(!format!("{err} {err:?}").contains("sekrit"));
    }
}
