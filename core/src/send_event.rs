//! The SendEvent operation: its input, constructors and validation, its
//! request body and its output (docs/spec.md#requests).

use serde::{Deserialize, Serialize};

use crate::error::{Field, InvalidInput, ReceiptProblem, Rule};
use crate::operation::{Operation, ResponseMeta};
use crate::validate::{check_length, check_token};
use crate::{ConnectionToken, ContentType};

/// Length limits, in Unicode scalar values, from the service model.
pub(crate) mod limits {
    pub const CONNECTION_TOKEN: (usize, usize) = (1, 1000);
    pub const CONTENT_TYPE: (usize, usize) = (1, 100);
    pub const CONTENT: (usize, usize) = (1, 16384);
    pub const CLIENT_TOKEN: (usize, usize) = (0, 500);
}

/// One SendEvent call's input: the connection token, the content type, and
/// the optional content and client token.
///
/// Build it with a constructor; the client [validates](SendEvent::validate)
/// it before anything is built or sent.
///
/// ```
/// use connect_participant::{ContentType, SendEvent};
///
/// let typing = SendEvent::typing("connection-token");
/// let read = SendEvent::read_receipt("connection-token", "11111111-aaaa-bbbb-cccc-EXAMPLE01234");
/// assert_eq!(read.content(), Some(r#"{"messageId":"11111111-aaaa-bbbb-cccc-EXAMPLE01234"}"#));
///
/// let custom = SendEvent::new("connection-token", "application/x-future", Some("{}".into()))
///     .with_client_token("my-idempotency-token");
/// assert_eq!(custom.content_type(), &ContentType::Other("application/x-future".into()));
/// assert!(custom.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendEvent {
    connection_token: ConnectionToken,
    content_type: ContentType,
    content: Option<String>,
    client_token: Option<String>,
}

impl SendEvent {
    /// An event of any content type with optional content.
    pub fn new(
        connection_token: impl Into<ConnectionToken>,
        content_type: impl Into<ContentType>,
        content: Option<String>,
    ) -> Self {
        SendEvent {
            connection_token: connection_token.into(),
            content_type: content_type.into(),
            content,
            client_token: None,
        }
    }

    /// A typing event (no content).
    pub fn typing(connection_token: impl Into<ConnectionToken>) -> Self {
        SendEvent::new(connection_token, ContentType::Typing, None)
    }

    /// A delivery receipt for the message with this id.
    pub fn delivered_receipt(
        connection_token: impl Into<ConnectionToken>,
        message_id: impl AsRef<str>,
    ) -> Self {
        SendEvent::new(
            connection_token,
            ContentType::MessageDelivered,
            Some(receipt_content(message_id.as_ref())),
        )
    }

    /// A read receipt for the message with this id.
    pub fn read_receipt(
        connection_token: impl Into<ConnectionToken>,
        message_id: impl AsRef<str>,
    ) -> Self {
        SendEvent::new(
            connection_token,
            ContentType::MessageRead,
            Some(receipt_content(message_id.as_ref())),
        )
    }

    /// Sets the idempotency token sent as `ClientToken` (unchanged, on every
    /// attempt). Without one, or with an empty one, the call generates a
    /// UUID v4 once and sends it on every attempt (docs/spec.md#idempotency).
    pub fn with_client_token(mut self, client_token: impl Into<String>) -> Self {
        self.client_token = Some(client_token.into());
        self
    }

    /// The connection token.
    pub fn connection_token(&self) -> &ConnectionToken {
        &self.connection_token
    }

    /// The content type.
    pub fn content_type(&self) -> &ContentType {
        &self.content_type
    }

    /// The content, if any.
    pub fn content(&self) -> Option<&str> {
        self.content.as_deref()
    }

    /// The caller-given client token, as given (an empty one counts as none:
    /// the call then sends a generated UUID, see [`Call::client_token`](crate::Call::client_token)).
    pub fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref()
    }

    /// Checks every rule of the contract, in field order (connection token,
    /// content type, content, client token), and returns the first broken one.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        check_token(
            Field::ConnectionToken,
            self.connection_token.expose(),
            limits::CONNECTION_TOKEN,
        )?;
        // The named content types meet the length rule by construction
        // (tested below); only a caller's text is counted.
        if let ContentType::Other(text) = &self.content_type {
            check_length(Field::ContentType, text, limits::CONTENT_TYPE)?;
        }
        match &self.content {
            Some(content) => {
                check_length(Field::Content, content, limits::CONTENT)?;
                if self.content_type.is_receipt() {
                    check_receipt(content)?;
                }
            }
            None if self.content_type.is_receipt() => {
                return Err(InvalidInput::new(Field::Content, Rule::Required));
            }
            None => {}
        }
        if let Some(token) = &self.client_token {
            check_length(Field::ClientToken, token, limits::CLIENT_TOKEN)?;
        }
        Ok(())
    }
}

/// The JSON request body: only the members that are set (never `null`).
#[derive(Serialize)]
struct WireInput<'a> {
    #[serde(rename = "ContentType")]
    content_type: &'a str,
    #[serde(rename = "Content", skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
    #[serde(rename = "ClientToken", skip_serializing_if = "Option::is_none")]
    client_token: Option<&'a str>,
}

/// A successful SendEvent answer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct SendEventOutput {
    /// The event's `Id`.
    #[serde(rename = "Id")]
    pub id: Option<String>,
    /// The `AbsoluteTime` text as the service gave it (ISO 8601, e.g.
    /// `2019-11-08T02:41:28.172Z`).
    #[serde(rename = "AbsoluteTime")]
    pub absolute_time: Option<String>,
    /// The `x-amzn-RequestId` header.
    #[serde(skip)]
    pub request_id: Option<String>,
    /// How many attempts the call took.
    #[serde(skip)]
    pub attempts: u32,
}

impl Operation for SendEvent {
    type Output = SendEventOutput;
    type Body = SendEventOutput;
    const NAME: &'static str = "SendEvent";
    const PATH: &'static str = "/participant/event";
    const IDEMPOTENT: bool = true;

    fn validate(&self) -> Result<(), InvalidInput> {
        SendEvent::validate(self)
    }

    fn bearer(&self) -> &str {
        self.connection_token.expose()
    }

    fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref().filter(|t| !t.is_empty())
    }

    fn write_body(&self, client_token: Option<&str>, out: &mut Vec<u8>) {
        let body = WireInput {
            content_type: self.content_type.as_str(),
            content: self.content.as_deref(),
            client_token,
        };
        // Writing strings into a Vec cannot fail.
        let _ = serde_json::to_writer(out, &body);
    }

    fn output(mut output: SendEventOutput, meta: ResponseMeta) -> SendEventOutput {
        output.request_id = meta.request_id;
        output.attempts = meta.attempts;
        output
    }
}

/// Writes `{"messageId":"..."}` with the id escaped as JSON.
fn receipt_content(message_id: &str) -> String {
    let mut out = String::with_capacity(message_id.len() + 16);
    out.push_str("{\"messageId\":");
    // Serializing a &str to JSON cannot fail.
    out.push_str(&serde_json::to_string(message_id).unwrap_or_default());
    out.push('}');
    out
}

fn check_receipt(content: &str) -> Result<(), InvalidInput> {
    let problem = |p| Err(InvalidInput::new(Field::Content, Rule::ReceiptContent(p)));
    let value: serde_json::Value = match serde_json::from_str(content) {
        Ok(v) => v,
        Err(_) => return problem(ReceiptProblem::NotJson),
    };
    let serde_json::Value::Object(map) = value else {
        return problem(ReceiptProblem::NotObject);
    };
    match map.get("messageId") {
        None => problem(ReceiptProblem::MissingMessageId),
        Some(serde_json::Value::String(id)) if id.is_empty() => {
            problem(ReceiptProblem::EmptyMessageId)
        }
        Some(serde_json::Value::String(_)) => Ok(()),
        Some(_) => problem(ReceiptProblem::MessageIdNotString),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(deprecated)]
    fn named_content_types_meet_the_length_rule() {
        let (min, max) = limits::CONTENT_TYPE;
        for ct in [
            ContentType::Typing,
            ContentType::MessageDelivered,
            ContentType::MessageRead,
            ContentType::ConnectionAcknowledged,
        ] {
            let n = ct.as_str().chars().count();
            assert!((min..=max).contains(&n), "{ct:?}");
        }
        for (text, ok) in [
            (String::new(), false),
            ("x".repeat(max), true),
            ("é".repeat(max + 1), false),
        ] {
            let event = SendEvent::new("t", ContentType::Other(text), None);
            assert_eq!(event.validate().is_ok(), ok);
            if !ok {
                assert_eq!(rule_of(event).0, Field::ContentType);
            }
        }
    }

    fn rule_of(e: SendEvent) -> (Field, Rule) {
        let err = e.validate().unwrap_err();
        (err.field(), err.rule().clone())
    }

    #[test]
    fn lengths_count_scalar_values_not_bytes() {
        let ok = "é".repeat(16384);
        assert!(SendEvent::new("t", ContentType::Typing, Some(ok))
            .validate()
            .is_ok());
        let long = "é".repeat(16385);
        assert_eq!(
            rule_of(SendEvent::new("t", ContentType::Typing, Some(long))),
            (
                Field::Content,
                Rule::Length {
                    min: 1,
                    max: 16384,
                    actual: 16385
                }
            )
        );
        let emoji = "😀".repeat(100);
        assert!(SendEvent::new("t", emoji.as_str(), None).validate().is_ok());
    }

    #[test]
    fn receipts_need_a_message_id() {
        let r = |c: &str| {
            rule_of(SendEvent::new(
                "t",
                ContentType::MessageRead,
                Some(c.into()),
            ))
            .1
        };
        assert_eq!(r("nope"), Rule::ReceiptContent(ReceiptProblem::NotJson));
        assert_eq!(r("\"x\""), Rule::ReceiptContent(ReceiptProblem::NotObject));
        assert_eq!(
            r("{}"),
            Rule::ReceiptContent(ReceiptProblem::MissingMessageId)
        );
        assert_eq!(
            r(r#"{"messageId":1}"#),
            Rule::ReceiptContent(ReceiptProblem::MessageIdNotString)
        );
        assert_eq!(
            r(r#"{"messageId":""}"#),
            Rule::ReceiptContent(ReceiptProblem::EmptyMessageId)
        );
        assert_eq!(
            rule_of(SendEvent::new("t", ContentType::MessageDelivered, None)),
            (Field::Content, Rule::Required)
        );
        assert!(SendEvent::delivered_receipt("t", "a\"b\\c")
            .validate()
            .is_ok());
    }

    #[test]
    fn token_must_be_a_clean_header_value() {
        for bad in ["a\r\nb", "a\0", "é", " lead", "trail ", "tab\t"] {
            assert_eq!(
                rule_of(SendEvent::typing(bad)).0,
                Field::ConnectionToken,
                "{bad:?}"
            );
        }
        assert_eq!(
            rule_of(SendEvent::typing("")).1,
            Rule::Length {
                min: 1,
                max: 1000,
                actual: 0
            }
        );
        assert!(SendEvent::typing("a".repeat(1000)).validate().is_ok());
        assert!(SendEvent::typing("a".repeat(1001)).validate().is_err());
    }

    #[test]
    fn client_token_up_to_500() {
        assert!(SendEvent::typing("t")
            .with_client_token("")
            .validate()
            .is_ok());
        assert!(SendEvent::typing("t")
            .with_client_token("x".repeat(500))
            .validate()
            .is_ok());
        assert_eq!(
            rule_of(SendEvent::typing("t").with_client_token("x".repeat(501))).0,
            Field::ClientToken
        );
    }

    #[test]
    fn owned_and_borrowed_strings_are_taken_as_they_come() {
        let token: String = "t".into();
        let message: String = "m-1".into();
        let by_ref = SendEvent::read_receipt(&token, &message);
        let by_value = SendEvent::read_receipt(token.clone(), message.clone());
        assert_eq!(by_ref, by_value);
        assert_eq!(SendEvent::typing(&token), SendEvent::typing(token.as_str()));
        assert_eq!(
            SendEvent::delivered_receipt(&token, message.as_str()).content(),
            Some(r#"{"messageId":"m-1"}"#)
        );
    }

    #[test]
    fn errors_never_show_the_token() {
        let err = SendEvent::typing("sekrit\n").validate().unwrap_err();
        assert!(!format!("{err} {err:?}").contains("sekrit"));
    }
}
