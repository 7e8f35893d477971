//! The limits every transport enforces, with one set of defaults
//! (docs/spec.md#transports).

use std::time::Duration;

use crate::config::Proxy;

/// Timeouts and limits a transport applies to every attempt. The same type
/// and defaults for every transport, so clients behave alike.
///
/// ```
/// use std::time::Duration;
/// use connect_participant::TransportOptions;
///
/// let options = TransportOptions::default().with_attempt_timeout(Duration::from_secs(2));
/// assert_eq!(options.attempt_timeout(), Duration::from_secs(2));
/// assert_eq!(options.connect_timeout(), TransportOptions::DEFAULT_CONNECT_TIMEOUT);
/// assert_eq!(options.max_response_bytes(), 1024 * 1024);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportOptions {
    connect_timeout: Duration,
    attempt_timeout: Duration,
    max_response_bytes: u64,
    proxy: Option<Proxy>,
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions {
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: Self::DEFAULT_ATTEMPT_TIMEOUT,
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            proxy: None,
        }
    }
}

impl TransportOptions {
    /// Default time to establish a connection, TCP and TLS together: 3 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
    /// Default time for one attempt as a whole (connect, send, headers and
    /// body): 10 s.
    pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default largest response body read: 1 MiB (a real answer is ~100 bytes).
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 1024 * 1024;

    /// Time to establish a connection, TCP and TLS together.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time for one attempt as a whole, headers and body. A stalled server
    /// ends in a [`TransportErrorKind::Timeout`](crate::TransportErrorKind::Timeout).
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Largest response body read; a longer or endless body ends in
    /// [`TransportErrorKind::BodyTooLarge`](crate::TransportErrorKind::BodyTooLarge).
    pub fn with_max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends through this proxy, in a `CONNECT` tunnel (unless the
    /// endpoint's host is on its bypass list). None by default; the
    /// environment's proxy settings are never read unless you pass
    /// [`Proxy::from_env`]'s result here.
    pub fn with_proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// The proxy, if one was set.
    pub fn proxy(&self) -> Option<&Proxy> {
        self.proxy.as_ref()
    }

    /// The proxy to use for `host`: the one set, unless `host` bypasses it.
    pub fn proxy_for(&self, host: &str) -> Option<&Proxy> {
        self.proxy.as_ref().filter(|p| p.applies_to(host))
    }

    /// The connect timeout (TCP and TLS).
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The attempt timeout.
    pub fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }

    /// The response body limit, in bytes.
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }
}
