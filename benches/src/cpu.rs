//! CPU time and peak memory of this process, from `getrusage(RUSAGE_SELF)`
//! (all threads, microsecond resolution).
#![allow(unsafe_code)]

use std::time::Duration;

/// A reading of this process's resource usage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// User CPU time, all threads.
    pub user: Duration,
    /// System CPU time, all threads.
    pub system: Duration,
    /// Peak resident set size, KiB (Linux's `ru_maxrss` unit).
    pub max_rss_kib: u64,
}

impl Usage {
    /// Now.
    pub fn now() -> Usage {
        let mut ru = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: `ru` is a valid, writable `rusage`; RUSAGE_SELF is a valid
        // `who`; getrusage writes the whole struct on success.
        let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, ru.as_mut_ptr()) };
        if rc != 0 {
            return Usage::default();
        }
        // SAFETY: getrusage succeeded, so the struct is initialized (and it
        // was zeroed before anyway).
        let ru = unsafe { ru.assume_init() };
        let time = |tv: libc::timeval| {
            Duration::from_secs(tv.tv_sec.max(0) as u64)
                + Duration::from_micros(tv.tv_usec.max(0) as u64)
        };
        Usage {
            user: time(ru.ru_utime),
            system: time(ru.ru_stime),
            max_rss_kib: ru.ru_maxrss.max(0) as u64,
        }
    }

    /// User + system CPU time.
    pub fn cpu(&self) -> Duration {
        self.user + self.system
    }

    /// CPU time spent since `earlier`.
    pub fn cpu_since(&self, earlier: &Usage) -> Duration {
        self.cpu().saturating_sub(earlier.cpu())
    }
}
