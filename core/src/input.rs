//! The SendEvent input, its constructors and its validation.

use crate::invalid_input::{Field, InvalidInput, ReceiptProblem, Rule};
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
/// Build it with a constructor, then [`validate`](SendEvent::validate) it (the
/// client does that for you) to get a [`ValidSendEvent`], the only thing a
/// request can be built from.
///
/// ```
/// use connect_participant_core::{ContentType, SendEvent};
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
        message_id: &str,
    ) -> Self {
        SendEvent::new(
            connection_token,
            ContentType::MessageDelivered,
            Some(receipt_content(message_id)),
        )
    }

    /// A read receipt for the message with this id.
    pub fn read_receipt(connection_token: impl Into<ConnectionToken>, message_id: &str) -> Self {
        SendEvent::new(
            connection_token,
            ContentType::MessageRead,
            Some(receipt_content(message_id)),
        )
    }

    /// Sets the idempotency token sent as `ClientToken` (unchanged, on every
    /// attempt). Without one, the client generates a UUID v4 once per call.
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

    /// The caller-given client token, if any.
    pub fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref()
    }

    /// Checks every rule of the contract, in field order (connection token,
    /// content type, content, client token), and returns the first broken one.
    pub fn validate(self) -> Result<ValidSendEvent, InvalidInput> {
        check_length(
            Field::ConnectionToken,
            self.connection_token.expose(),
            limits::CONNECTION_TOKEN,
        )?;
        check_header_value(Field::ConnectionToken, self.connection_token.expose())?;
        check_length(
            Field::ContentType,
            self.content_type.as_str(),
            limits::CONTENT_TYPE,
        )?;
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
        Ok(ValidSendEvent(self))
    }
}

/// A [`SendEvent`] that passed every rule; requests are built from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSendEvent(SendEvent);

impl ValidSendEvent {
    /// The validated input.
    pub fn event(&self) -> &SendEvent {
        &self.0
    }

    /// Gives the input back.
    pub fn into_inner(self) -> SendEvent {
        self.0
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

fn check_length(field: Field, value: &str, (min, max): (usize, usize)) -> Result<(), InvalidInput> {
    // Fast path: a UTF-8 string of n bytes holds between ceil(n / 4) and n
    // characters, so counting is only needed near the bounds.
    let bytes = value.len();
    if bytes <= max && bytes.div_ceil(4) >= min {
        return Ok(());
    }
    let actual = value.chars().count();
    if actual < min || actual > max {
        return Err(InvalidInput::new(field, Rule::Length { min, max, actual }));
    }
    Ok(())
}

fn check_header_value(field: Field, value: &str) -> Result<(), InvalidInput> {
    let bad = |position| Err(InvalidInput::new(field, Rule::HeaderValue { position }));
    // Every allowed character is ASCII. A pass without early exit, which the
    // compiler vectorizes, clears a good value; a bad one is walked again for
    // its first bad byte, whose index is also its character index (every byte
    // before it is a one-byte character).
    let clean = value
        .bytes()
        .fold(true, |ok, b| ok & (b' '..=b'~').contains(&b));
    if !clean {
        if let Some(position) = value.bytes().position(|b| !(b' '..=b'~').contains(&b)) {
            return bad(position);
        }
    }
    if value.starts_with(' ') {
        return bad(0);
    }
    if value.ends_with(' ') {
        return bad(value.len() - 1);
    }
    Ok(())
}

/// True for `{"messageId":"<id>"}` with a non-empty id that needs no JSON
/// escape (the form the receipt constructors write): valid as it stands, so
/// the full parse below is skipped. Anything else takes the full parse.
fn is_plain_receipt(content: &str) -> bool {
    content
        .strip_prefix("{\"messageId\":\"")
        .and_then(|rest| rest.strip_suffix("\"}"))
        .is_some_and(|id| {
            !id.is_empty() && id.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\')
        })
}

fn check_receipt(content: &str) -> Result<(), InvalidInput> {
    if is_plain_receipt(content) {
        return Ok(());
    }
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
    fn plain_receipt_fast_path_agrees_with_the_full_parse() {
        for id in [
            "m",
            "a\"b",
            "x\\y",
            "é😀",
            "\u{7f}",
            "tab\there",
            "nl\n",
            "",
        ] {
            let content = receipt_content(id);
            assert_eq!(check_receipt(&content).is_ok(), !id.is_empty(), "{id:?}");
        }
        for content in [
            r#"{"messageId":"m"} "#,
            r#"{"messageId":"m","messageId":"n"}"#,
            r#"{"messageId":"m"}"}"#,
            r#"{"messageId":"\u0041"}"#,
        ] {
            let full = serde_json::from_str::<serde_json::Value>(content)
                .ok()
                .and_then(|v| {
                    v.get("messageId")
                        .and_then(|m| m.as_str().map(|s| !s.is_empty()))
                });
            assert_eq!(
                check_receipt(content).is_ok(),
                full == Some(true),
                "{content}"
            );
        }
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
    fn errors_never_show_the_token() {
        let err = SendEvent::typing("sekrit\n").validate().unwrap_err();
        assert!(!format!("{err} {err:?}").contains("sekrit"));
    }
}
