//! Time as the pacer keeps it: whole nanoseconds since the caller's epoch.
//!
//! The public API takes [`Duration`]s; inside, one `u64` a time keeps the
//! per-chat state small and the arithmetic simple (584 years of range, then
//! saturating).

use std::time::Duration;

/// Nanoseconds since the caller's epoch.
pub(super) type Nanos = u64;

/// A deadline that never comes (also "no timer scheduled").
pub(super) const NEVER: Nanos = u64::MAX;

/// A caller's time or length of time in nanoseconds, saturating.
pub(super) fn to_nanos(d: Duration) -> Nanos {
    u64::try_from(d.as_nanos()).unwrap_or(NEVER)
}

/// Back to the caller's type.
pub(super) fn to_duration(t: Nanos) -> Duration {
    Duration::from_nanos(t)
}
