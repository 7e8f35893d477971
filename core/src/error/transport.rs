//! Failures a transport reports for an attempt that got no response.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::retry::RetryClass;

/// What went wrong below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, DNS, unreachable). Retried.
    Connect,
    /// The attempt ran past its time limit. Retried (at a higher quota cost).
    Timeout,
    /// The connection failed mid-exchange (reset, closed early, truncated
    /// body). Retried: the client token makes a resent event safe.
    Io,
    /// TLS failed (e.g. an untrusted certificate). Not retried.
    Tls,
    /// The response body was larger than the configured limit. Not retried.
    BodyTooLarge,
    /// Anything else. Not retried.
    Other,
}

/// A transport failure: no usable response came back for an attempt.
#[derive(Clone, thiserror::Error)]
#[error("{kind:?} error: {message}")]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    #[source]
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl TransportError {
    /// A failure of this kind, described for people.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// The connect phase (TCP, a proxy's tunnel and TLS) outlasted its
    /// timeout. Both clients word it so.
    pub fn connect_timeout(timeout: Duration) -> Self {
        let message = format!("connect (TCP and TLS) timed out after {timeout:?}");
        TransportError::new(TransportErrorKind::Timeout, message)
    }

    /// The attempt outlasted its timeout. Both clients word it so.
    pub fn attempt_timeout(timeout: Duration) -> Self {
        let message = format!("attempt timed out after {timeout:?}");
        TransportError::new(TransportErrorKind::Timeout, message)
    }

    /// The response body was over `limit` bytes. Both clients word it so.
    pub fn body_too_large(limit: u64) -> Self {
        let message = format!("response body is over the limit of {limit} bytes");
        TransportError::new(TransportErrorKind::BodyTooLarge, message)
    }

    /// Keeps the underlying error as the source.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The description.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How the retry policy treats it: connection failures and timeouts are
    /// transient, the rest final.
    pub fn retry_class(&self) -> RetryClass {
        match self.kind {
            TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io => {
                RetryClass::Transient
            }
            _ => RetryClass::Final,
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("source", &self.source.as_ref().map(|s| s.to_string()))
            .finish()
    }
}

impl PartialEq for TransportError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}

impl Eq for TransportError {}
