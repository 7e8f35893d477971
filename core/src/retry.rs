//! The retry policy (docs/spec.md#retries): AWS "standard" mode, or no
//! retries: which failures are retried ([`RetryClass`]), how long to wait
//! ([`backoff`]), and the quota every call of one client shares
//! ([`RetryQuota`]).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Attempts made by default (the first one included).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Retry tokens a client starts with.
pub const INITIAL_RETRY_TOKENS: u32 = 500;
/// Tokens a retry takes.
pub const RETRY_COST: u32 = 5;
/// Tokens a retry after a timeout takes.
pub const RETRY_TIMEOUT_COST: u32 = 10;
/// Tokens a success at the first attempt gives back.
pub const NO_RETRY_INCREMENT: u32 = 1;
/// Longest backoff before the service's retry-after hint is applied.
pub const MAX_BACKOFF: Duration = Duration::from_secs(20);
/// How far past the computed backoff an `x-amz-retry-after` hint may push the wait.
pub const MAX_RETRY_AFTER_EXTENSION: Duration = Duration::from_secs(5);

/// What the retry policy decides about a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// The service asked the caller to slow down; retried.
    Throttling,
    /// A passing failure (5xx, timeouts, connection failures); retried.
    Transient,
    /// Retrying cannot help (e.g. access denied, conflict, validation); not retried.
    Final,
}

impl RetryClass {
    /// True unless [`RetryClass::Final`].
    pub fn is_retryable(self) -> bool {
        !matches!(self, RetryClass::Final)
    }
}

/// Error codes that mean "slow down" (docs/spec.md#retries).
pub(crate) const THROTTLING_CODES: &[&str] = &[
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
/// Error codes of passing failures.
pub(crate) const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];
/// Statuses of passing failures, whatever the code.
pub(crate) const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// Modeled client errors: retrying cannot help, whatever the status says.
const FINAL_CODES: &[&str] = &[
    "AccessDeniedException",
    "ConflictException",
    "ValidationException",
];

/// Classifies a non-2xx answer by code and status. A 429 with no code is
/// throttling; the modeled client errors (access denied, conflict,
/// validation) are final even on a 5xx status.
pub(crate) fn retry_class(status: http::StatusCode, code: Option<&str>) -> RetryClass {
    match code {
        Some(c) if FINAL_CODES.contains(&c) => return RetryClass::Final,
        Some(c) if THROTTLING_CODES.contains(&c) => return RetryClass::Throttling,
        None if status == http::StatusCode::TOO_MANY_REQUESTS => return RetryClass::Throttling,
        Some(c) if TRANSIENT_CODES.contains(&c) => return RetryClass::Transient,
        _ => {}
    }
    if TRANSIENT_STATUSES.contains(&status.as_u16()) {
        RetryClass::Transient
    } else {
        RetryClass::Final
    }
}

/// How failed attempts are retried.
///
/// ```
/// use connect_participant::retry::RetryConfig;
///
/// assert_eq!(RetryConfig::standard().max_attempts(), 3);
/// assert_eq!(RetryConfig::standard().with_max_attempts(5).unwrap().max_attempts(), 5);
/// assert_eq!(RetryConfig::disabled().max_attempts(), 1);
/// assert!(RetryConfig::standard().with_max_attempts(0).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
}

impl RetryConfig {
    /// The AWS SDKs' "standard" mode: 3 attempts, exponential backoff with
    /// full jitter capped at 20 s, a shared retry quota.
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// One attempt, never retried.
    pub fn disabled() -> Self {
        RetryConfig { max_attempts: 1 }
    }

    /// The same mode with another attempt count (at least 1; `None` for 0).
    pub fn with_max_attempts(self, max_attempts: u32) -> Option<Self> {
        (max_attempts >= 1).then_some(RetryConfig { max_attempts })
    }

    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::standard()
    }
}

/// The wait before attempt `attempts_made + 1`:
/// `jitter * min(2^(attempts_made - 1), 20)` seconds, then, with a service
/// hint `retry_after`, `max(t, min(retry_after, t + 5 s))`.
///
/// `jitter` is a random value in `[0, 1)` from the caller; values outside are
/// clamped (NaN counts as 0).
///
/// ```
/// use std::time::Duration;
/// use connect_participant::retry::backoff;
///
/// assert_eq!(backoff(1, 0.5, None), Duration::from_millis(500));
/// assert_eq!(backoff(3, 0.5, None), Duration::from_secs(2));
/// assert_eq!(backoff(10, 0.5, None), Duration::from_secs(10));
/// assert_eq!(backoff(1, 0.0, Some(Duration::from_secs(60))), Duration::from_secs(5));
/// ```
pub fn backoff(attempts_made: u32, jitter: f64, retry_after: Option<Duration>) -> Duration {
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    let exponent = attempts_made.saturating_sub(1).min(31);
    let cap = Duration::from_secs(1u64 << exponent).min(MAX_BACKOFF);
    let t = cap.mul_f64(jitter).min(cap);
    match retry_after {
        Some(hint) => t.max(hint.min(t + MAX_RETRY_AFTER_EXTENSION)),
        None => t,
    }
}

/// The retry tokens shared by all calls of one client. Lock-free: share it
/// between threads and tasks as it is (the client keeps it in an `Arc`).
///
/// ```
/// use connect_participant::retry::RetryQuota;
///
/// let quota = RetryQuota::new();
/// assert!(quota.try_acquire(5));
/// assert_eq!(quota.available(), 495);
/// quota.release(100);
/// assert_eq!(quota.available(), 500);
/// ```
#[derive(Debug)]
pub struct RetryQuota {
    tokens: AtomicU32,
}

impl RetryQuota {
    /// A full quota of [`INITIAL_RETRY_TOKENS`].
    pub fn new() -> Self {
        RetryQuota::with_tokens(INITIAL_RETRY_TOKENS)
    }

    /// A quota starting at `tokens` (at most [`INITIAL_RETRY_TOKENS`]).
    pub fn with_tokens(tokens: u32) -> Self {
        RetryQuota {
            tokens: AtomicU32::new(tokens.min(INITIAL_RETRY_TOKENS)),
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    /// Takes `cost` tokens if that many are left.
    pub fn try_acquire(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Gives `amount` tokens back, never above [`INITIAL_RETRY_TOKENS`].
    pub fn release(&self, amount: u32) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(amount).min(INITIAL_RETRY_TOKENS))
            });
    }
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_bounds() {
        assert_eq!(
            backoff(1, 0.999, None),
            Duration::from_secs(1).mul_f64(0.999)
        );
        assert_eq!(backoff(100, 1.5, None), MAX_BACKOFF);
        assert_eq!(backoff(2, f64::NAN, None), Duration::ZERO);
        assert_eq!(backoff(2, -1.0, None), Duration::ZERO);
        // The hint raises the wait but only up to t + 5 s.
        assert_eq!(
            backoff(1, 0.5, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            backoff(1, 0.5, Some(Duration::from_millis(100))),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn quota_never_goes_negative() {
        let q = RetryQuota::with_tokens(7);
        assert!(q.try_acquire(5));
        assert!(!q.try_acquire(5));
        assert_eq!(q.available(), 2);
    }

    #[test]
    fn classification() {
        use http::StatusCode as S;
        assert_eq!(
            retry_class(S::TOO_MANY_REQUESTS, None),
            RetryClass::Throttling
        );
        assert_eq!(
            retry_class(S::TOO_MANY_REQUESTS, Some("Foo")),
            RetryClass::Final
        );
        assert_eq!(
            retry_class(S::BAD_REQUEST, Some("SlowDown")),
            RetryClass::Throttling
        );
        assert_eq!(
            retry_class(S::BAD_REQUEST, Some("RequestTimeout")),
            RetryClass::Transient
        );
        assert_eq!(retry_class(S::BAD_GATEWAY, None), RetryClass::Transient);
        assert_eq!(retry_class(S::NOT_IMPLEMENTED, None), RetryClass::Final);
        assert_eq!(
            retry_class(S::CONFLICT, Some("ConflictException")),
            RetryClass::Final
        );
        assert_eq!(
            retry_class(S::INTERNAL_SERVER_ERROR, Some("AccessDeniedException")),
            RetryClass::Final
        );
    }
}
