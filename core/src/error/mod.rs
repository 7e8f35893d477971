//! Errors: the error of a whole call ([`Error`]) and the families it holds,
//! each saying where a failure arose: an input that broke a rule (nothing
//! was sent), the service's error answer, a malformed answer, or a
//! transport failure.

mod code;
mod invalid_input;
mod response;
mod service;
mod transport;

pub(crate) use code::code_and_message;
pub use code::sanitize_error_code;
pub use invalid_input::{Field, InvalidInput, ReceiptProblem, Rule};
pub(crate) use response::excerpt;
pub use response::{MalformedResponse, ResponseError, MAX_EXCERPT_BYTES};
pub use service::{ServiceError, ServiceErrorKind};
pub use transport::{TransportError, TransportErrorKind};

use crate::retry::RetryClass;

/// Why a call failed. Each family says where the failure arose: before any
/// I/O, in the service's answer, in a malformed answer, or in the transport;
/// all but the first carry the number of attempts made.
///
/// ```
/// use connect_participant::{Error, SendEvent};
///
/// let err: Error = SendEvent::typing("").validate().unwrap_err().into();
/// assert_eq!(err.attempts(), 0);
/// assert!(err.to_string().starts_with("invalid input: ConnectionToken"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input broke a rule; nothing was sent.
    #[error("invalid input: {0}")]
    InvalidInput(#[from] InvalidInput),
    /// The service answered with an error.
    #[error("service error after {attempts} attempt(s): {error}")]
    Service {
        /// The last attempt's error.
        #[source]
        error: ServiceError,
        /// Attempts made.
        attempts: u32,
    },
    /// The service's success answer could not be read.
    #[error("{error} (after {attempts} attempt(s))")]
    MalformedResponse {
        /// What was wrong.
        #[source]
        error: MalformedResponse,
        /// Attempts made.
        attempts: u32,
    },
    /// No usable answer came back.
    #[error("transport error after {attempts} attempt(s): {error}")]
    Transport {
        /// The last attempt's failure.
        #[source]
        error: TransportError,
        /// Attempts made.
        attempts: u32,
    },
}

impl Error {
    /// Attempts made before the call ended (0 for invalid input, or for a
    /// transport that failed before its first attempt).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::InvalidInput(_) => 0,
            Error::Service { attempts, .. }
            | Error::MalformedResponse { attempts, .. }
            | Error::Transport { attempts, .. } => *attempts,
        }
    }

    /// The service error, if the service answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service { error, .. } => Some(error),
            _ => None,
        }
    }

    /// How the retry policy classed the last failure (invalid input and
    /// malformed answers are final).
    pub fn retry_class(&self) -> RetryClass {
        match self {
            Error::Service { error, .. } => error.retry_class(),
            Error::Transport { error, .. } => error.retry_class(),
            _ => RetryClass::Final,
        }
    }

    pub(crate) fn from_response(error: ResponseError, attempts: u32) -> Self {
        match error {
            ResponseError::Service(error) => Error::Service { error, attempts },
            ResponseError::Malformed(error) => Error::MalformedResponse { error, attempts },
        }
    }
}
