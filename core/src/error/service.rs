//! Errors the service answered with: modeled kinds, codes and retry classes.

use std::fmt;
use std::time::Duration;

use crate::retry::{retry_class, RetryClass};

/// Which modeled error a [`ServiceError`] is, chosen by its code (not status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceErrorKind {
    /// `AccessDeniedException` (403): bad token, or the chat has ended.
    AccessDenied,
    /// `ConflictException` (409): e.g. a receipt while a supervisor is barged in,
    /// or in a chat with more than two active participants.
    Conflict,
    /// `InternalServerException` (500).
    InternalServer,
    /// `ThrottlingException` (429).
    Throttling,
    /// `ValidationException` (400): the service refused the input.
    Validation,
    /// Any other code, or none.
    Unmodeled,
}

impl ServiceErrorKind {
    /// The kind for a sanitized error code.
    pub fn from_code(code: Option<&str>) -> Self {
        match code {
            Some("AccessDeniedException") => ServiceErrorKind::AccessDenied,
            Some("ConflictException") => ServiceErrorKind::Conflict,
            Some("InternalServerException") => ServiceErrorKind::InternalServer,
            Some("ThrottlingException") => ServiceErrorKind::Throttling,
            Some("ValidationException") => ServiceErrorKind::Validation,
            _ => ServiceErrorKind::Unmodeled,
        }
    }
}

/// An error answer from the service (any non-2xx status).
///
/// ```
/// use connect_participant::error::ResponseError;
/// use connect_participant::retry::RetryClass;
/// use connect_participant::wire::parse_response;
/// use connect_participant::{http, SendEvent, ServiceErrorKind};
///
/// let response = http::Response::builder()
///     .status(409)
///     .header("x-amzn-RequestId", "req-1")
///     .header("X-Amzn-Errortype", "ConflictException")
///     .body(r#"{"message":"Operation can not be performed due to the state of the contact."}"#)
///     .unwrap();
/// let Err(ResponseError::Service(err)) = parse_response::<SendEvent, _>(&response) else { panic!() };
/// assert_eq!(err.kind(), ServiceErrorKind::Conflict);
/// assert_eq!(err.message(), Some("Operation can not be performed due to the state of the contact."));
/// assert_eq!(err.request_id(), Some("req-1"));
/// assert_eq!(err.retry_class(), RetryClass::Final);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub(crate) kind: ServiceErrorKind,
    pub(crate) status: http::StatusCode,
    // Boxed text keeps the call's `Error` small (it is returned by value).
    pub(crate) code: Option<Box<str>>,
    pub(crate) message: Option<Box<str>>,
    pub(crate) request_id: Option<Box<str>>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) json_body: bool,
    pub(crate) location: Option<Box<str>>,
}

impl ServiceError {
    /// The modeled kind, chosen by code.
    pub fn kind(&self) -> ServiceErrorKind {
        self.kind
    }
    /// The HTTP status.
    pub fn status(&self) -> http::StatusCode {
        self.status
    }
    /// The sanitized error code, if the response named one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// The error message, if the body had one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// The `x-amzn-RequestId` of the response.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The service's `x-amz-retry-after` hint, if it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// The `Location` of a redirect answer (3xx), which is never followed:
    /// the bearer token must not travel to another address.
    pub fn redirect_location(&self) -> Option<&str> {
        self.location.as_deref()
    }
    /// True when the body was a JSON object (the AWS CLI then prints an
    /// empty message when it has none, rather than the status's reason phrase).
    pub fn has_json_body(&self) -> bool {
        self.json_body
    }
    /// How the retry policy treats it: throttling, transient or final.
    pub fn retry_class(&self) -> RetryClass {
        retry_class(self.status, self.code.as_deref())
    }
    /// Shorthand for `retry_class() == RetryClass::Throttling`.
    pub fn is_throttling(&self) -> bool {
        self.retry_class() == RetryClass::Throttling
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("kind", &self.kind)
            .field("status", &self.status.as_u16())
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("redirect_location", &self.location)
            .field("retry_class", &self.retry_class())
            .finish()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (HTTP {})",
            self.code.as_deref().unwrap_or("unknown error"),
            self.status.as_u16()
        )?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(location) = &self.location {
            write!(f, " (redirect to {location:?} not followed)")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}
