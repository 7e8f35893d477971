//! The limits every transport enforces, with one set of defaults.

use std::time::Duration;

/// Default time to establish a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Default time for one attempt as a whole: connect, send, headers and body.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest response body read (1 MiB; a real answer is ~100 bytes).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 1024 * 1024;

/// Timeouts and limits a transport applies to every attempt. The same type
/// and defaults for every transport, so clients behave alike.
///
/// ```
/// use std::time::Duration;
/// use connect_participant_core::TransportOptions;
///
/// let options = TransportOptions::default().attempt_timeout(Duration::from_secs(2));
/// assert_eq!(options.get_attempt_timeout(), Duration::from_secs(2));
/// assert_eq!(options.get_max_response_bytes(), 1024 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportOptions {
    connect_timeout: Duration,
    attempt_timeout: Duration,
    max_response_bytes: u64,
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl TransportOptions {
    /// Time to establish a connection ([`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time for one attempt as a whole, headers and body
    /// ([`DEFAULT_ATTEMPT_TIMEOUT`]). A stalled server ends in a
    /// [`TransportErrorKind::Timeout`](crate::TransportErrorKind::Timeout).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Largest response body read ([`DEFAULT_MAX_RESPONSE_BYTES`]); a longer
    /// or endless body ends in
    /// [`TransportErrorKind::BodyTooLarge`](crate::TransportErrorKind::BodyTooLarge).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The connect timeout.
    pub fn get_connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The attempt timeout.
    pub fn get_attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }

    /// The response body limit, in bytes.
    pub fn get_max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }
}

/// Turns 8 random bytes into a jitter value uniform in `[0, 1)` (53 bits).
///
/// ```
/// use connect_participant_core::jitter_from_bytes;
///
/// assert_eq!(jitter_from_bytes([0; 8]), 0.0);
/// assert!(jitter_from_bytes([0xff; 8]) < 1.0);
/// ```
pub fn jitter_from_bytes(bytes: [u8; 8]) -> f64 {
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// Bytes a transport draws once per call: 32 for [`Client::start`](crate::Client::start)
/// and 8 for the jitter of a first retry, in one read of the OS's randomness.
pub const CALL_ENTROPY_BYTES: usize = 40;

/// Splits a call's [`CALL_ENTROPY_BYTES`] random bytes into the 32 bytes
/// [`Client::start`](crate::Client::start) takes and the jitter of a first retry.
///
/// ```
/// use connect_participant_core::split_call_entropy;
///
/// let (seed, jitter) = split_call_entropy([0; 40]);
/// assert_eq!((seed, jitter), ([0; 32], 0.0));
/// ```
pub fn split_call_entropy(bytes: [u8; CALL_ENTROPY_BYTES]) -> ([u8; 32], f64) {
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&bytes[..32]);
    let mut jitter = [0u8; 8];
    jitter.copy_from_slice(&bytes[32..]);
    (seed, jitter_from_bytes(jitter))
}
