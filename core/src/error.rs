//! The error of a whole SendEvent call.

use crate::{
    ErrorClass, InvalidInput, MalformedResponse, ResponseError, ServiceError, TransportError,
};

/// Why a SendEvent call failed. Each family says where the failure arose:
/// before any I/O, in the service's answer, in a malformed answer, or in the
/// transport; all but the first carry the number of attempts made.
///
/// ```
/// use connect_participant_core::{Error, SendEvent};
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
    /// Attempts made before the call ended (0 for invalid input).
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

    /// How the last failure was classed (invalid input and malformed answers
    /// are final).
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Service { error, .. } => error.class(),
            Error::Transport { error, .. } => error.class(),
            _ => ErrorClass::Final,
        }
    }

    pub(crate) fn from_response(error: ResponseError, attempts: u32) -> Self {
        match error {
            ResponseError::Service(error) => Error::Service { error, attempts },
            ResponseError::Malformed(error) => Error::MalformedResponse { error, attempts },
        }
    }
}
