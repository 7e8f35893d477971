//! Errors the service answered with: modeled kinds, codes and retry classes.

use std::fmt;
use std::time::Duration;

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

/// How the retry policy treats an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// The service asked the caller to slow down; retried.
    Throttling,
    /// A passing failure (5xx, timeouts, connection failures); retried.
    Transient,
    /// Retrying cannot help (e.g. access denied, conflict, validation); not retried.
    Final,
}

impl ErrorClass {
    /// True unless [`ErrorClass::Final`].
    pub fn is_retryable(self) -> bool {
        !matches!(self, ErrorClass::Final)
    }
}

const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];
const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];
const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// Modeled client errors: retrying cannot help, whatever the status says.
const FINAL_CODES: &[&str] = &[
    "AccessDeniedException",
    "ConflictException",
    "ValidationException",
];

/// Classifies a non-2xx answer by code and status (SPEC, Retries). A 429 with
/// no code is throttling; the modeled client errors (access denied, conflict,
/// validation) are final even on a 5xx status.
pub fn classify(status: http::StatusCode, code: Option<&str>) -> ErrorClass {
    match code {
        Some(c) if FINAL_CODES.contains(&c) => return ErrorClass::Final,
        Some(c) if THROTTLING_CODES.contains(&c) => return ErrorClass::Throttling,
        None if status == http::StatusCode::TOO_MANY_REQUESTS => return ErrorClass::Throttling,
        Some(c) if TRANSIENT_CODES.contains(&c) => return ErrorClass::Transient,
        _ => {}
    }
    if TRANSIENT_STATUSES.contains(&status.as_u16()) {
        ErrorClass::Transient
    } else {
        ErrorClass::Final
    }
}

/// An error answer from the service (any non-2xx status).
///
/// ```
/// use connect_participant_core::{parse_response, ErrorClass, ResponseError, ServiceErrorKind};
///
/// let response = http::Response::builder()
///     .status(409)
///     .header("x-amzn-RequestId", "req-1")
///     .header("X-Amzn-Errortype", "ConflictException")
///     .body(r#"{"message":"Operation can not be performed due to the state of the contact."}"#)
///     .unwrap();
/// let Err(ResponseError::Service(err)) = parse_response(&response) else { panic!() };
/// assert_eq!(err.kind(), ServiceErrorKind::Conflict);
/// assert_eq!(err.message(), Some("Operation can not be performed due to the state of the contact."));
/// assert_eq!(err.request_id(), Some("req-1"));
/// assert_eq!(err.class(), ErrorClass::Final);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub(crate) kind: ServiceErrorKind,
    pub(crate) status: http::StatusCode,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
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
    /// Throttling, transient or final.
    pub fn class(&self) -> ErrorClass {
        classify(self.status, self.code.as_deref())
    }
    /// Shorthand for `class() == ErrorClass::Throttling`.
    pub fn is_throttling(&self) -> bool {
        self.class() == ErrorClass::Throttling
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
            .field("class", &self.class())
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
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode as S;

    #[test]
    fn classification() {
        assert_eq!(classify(S::TOO_MANY_REQUESTS, None), ErrorClass::Throttling);
        assert_eq!(
            classify(S::TOO_MANY_REQUESTS, Some("Foo")),
            ErrorClass::Final
        );
        assert_eq!(
            classify(S::BAD_REQUEST, Some("SlowDown")),
            ErrorClass::Throttling
        );
        assert_eq!(
            classify(S::BAD_REQUEST, Some("RequestTimeout")),
            ErrorClass::Transient
        );
        assert_eq!(classify(S::BAD_GATEWAY, None), ErrorClass::Transient);
        assert_eq!(classify(S::NOT_IMPLEMENTED, None), ErrorClass::Final);
        assert_eq!(
            classify(S::CONFLICT, Some("ConflictException")),
            ErrorClass::Final
        );
        assert_eq!(
            classify(S::FORBIDDEN, Some("AccessDeniedException")),
            ErrorClass::Final
        );
    }
}
