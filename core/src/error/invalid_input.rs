//! The error for an input that breaks a rule, found before any request exists.

use std::fmt;

/// The input field an [`InvalidInput`] is about, named as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The `ConnectionToken` (sent as the `X-Amz-Bearer` header).
    ConnectionToken,
    /// The `ContentType` body member.
    ContentType,
    /// The `Content` body member.
    Content,
    /// The `ClientToken` body member.
    ClientToken,
    /// The `ParticipantToken` of CreateParticipantConnection (sent as the
    /// `X-Amz-Bearer` header).
    ParticipantToken,
    /// The `Type` body member of CreateParticipantConnection.
    Type,
}

impl Field {
    /// The field's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::ConnectionToken => "ConnectionToken",
            Field::ContentType => "ContentType",
            Field::Content => "Content",
            Field::ClientToken => "ClientToken",
            Field::ParticipantToken => "ParticipantToken",
            Field::Type => "Type",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule an input broke. Never carries the value of a connection token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// The field is required for this content type but is absent.
    Required,
    /// The length, in Unicode scalar values, is outside `min..=max`.
    Length {
        /// Smallest length allowed.
        min: usize,
        /// Largest length allowed.
        max: usize,
        /// The length given.
        actual: usize,
    },
    /// The value cannot be sent as an HTTP header value: only printable ASCII
    /// is allowed, with no leading or trailing space.
    HeaderValue {
        /// Index (in characters) of the first character not allowed.
        position: usize,
    },
    /// A receipt's content is not a JSON object with a non-empty string
    /// `messageId`.
    ReceiptContent(ReceiptProblem),
    /// A list that, when given, must hold at least one value is empty.
    EmptyList,
}

/// What is wrong with a receipt's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReceiptProblem {
    /// The content is not valid JSON.
    NotJson,
    /// The content is JSON, but not an object.
    NotObject,
    /// The object has no `messageId` member.
    MissingMessageId,
    /// `messageId` is not a string.
    MessageIdNotString,
    /// `messageId` is the empty string.
    EmptyMessageId,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("is required for this content type"),
            Rule::EmptyList => f.write_str("must hold at least one value when given"),
            Rule::Length { min, max, actual } => write!(
                f,
                "length must be {min}..={max} characters (Unicode scalar values), got {actual}"
            ),
            Rule::HeaderValue { position } => write!(
                f,
                "must be a valid header value: printable ASCII only, no control characters \
                 and no leading or trailing space (bad character at index {position})"
            ),
            Rule::ReceiptContent(p) => {
                f.write_str(
                    "a receipt's content must be a JSON object (sent as a string) with a \
                     non-empty string \"messageId\", e.g. {\"messageId\":\"...\"}: ",
                )?;
                f.write_str(match p {
                    ReceiptProblem::NotJson => "it is not valid JSON",
                    ReceiptProblem::NotObject => "it is not a JSON object",
                    ReceiptProblem::MissingMessageId => "\"messageId\" is missing",
                    ReceiptProblem::MessageIdNotString => "\"messageId\" is not a string",
                    ReceiptProblem::EmptyMessageId => "\"messageId\" is empty",
                })
            }
        }
    }
}

/// An input that breaks a rule of its operation's contract. Raised before any
/// request is built, so nothing was sent.
///
/// ```
/// use connect_participant::error::Field;
/// use connect_participant::SendEvent;
///
/// let err = SendEvent::read_receipt("token", "").validate().unwrap_err();
/// assert_eq!(err.field(), Field::Content);
/// assert!(err.to_string().starts_with("Content: a receipt's content"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct InvalidInput {
    field: Field,
    rule: Rule,
}

impl InvalidInput {
    pub(crate) fn new(field: Field, rule: Rule) -> Self {
        InvalidInput { field, rule }
    }

    /// The field that broke a rule.
    pub fn field(&self) -> Field {
        self.field
    }

    /// The rule it broke.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }
}
