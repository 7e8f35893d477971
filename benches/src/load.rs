//! Load drivers: a number of calls, a number in flight, a time limit.
//! Blocking calls run on threads, async calls on Tokio tasks; each worker
//! takes the next call from a shared counter until all are taken or the time
//! is up.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Calls in flight at once (1: sequential).
    pub concurrency: usize,
    /// Calls in all.
    pub calls: u64,
    /// Keep each call's latency (for percentiles).
    pub record: bool,
    /// Stop taking new calls after this long.
    pub time_limit: Duration,
}

impl Load {
    /// `calls` calls, `concurrency` in flight, no latencies kept, 10 minutes at most.
    pub fn new(concurrency: usize, calls: u64) -> Load {
        Load {
            concurrency: concurrency.max(1),
            calls,
            record: false,
            time_limit: Duration::from_secs(600),
        }
    }

    /// Keeps each call's latency.
    pub fn recorded(mut self) -> Load {
        self.record = true;
        self
    }

    /// Stops taking new calls after `limit`.
    pub fn time_limit(mut self, limit: Duration) -> Load {
        self.time_limit = limit;
        self
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// Calls made.
    pub calls: u64,
    /// Calls that did not succeed.
    pub failures: u64,
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// Each call's latency in nanoseconds, sorted (empty unless recorded).
    pub latencies_ns: Vec<u64>,
}

impl Run {
    /// Calls per second.
    pub fn rate(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64()
    }

    /// Wall time per call (elapsed / calls): the inverse of the rate.
    pub fn wall_per_call(&self) -> Duration {
        self.elapsed.div_f64(self.calls.max(1) as f64)
    }

    /// The `p`-th percentile latency (`p` in 0..=100), if recorded.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        let n = self.latencies_ns.len();
        if n == 0 {
            return None;
        }
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        Some(Duration::from_nanos(
            self.latencies_ns[rank.clamp(1, n) - 1],
        ))
    }

    fn merge(&mut self, mut other: Worker) {
        self.calls += other.calls;
        self.failures += other.failures;
        self.latencies_ns.append(&mut other.latencies_ns);
    }
}

#[derive(Default)]
struct Worker {
    calls: u64,
    failures: u64,
    latencies_ns: Vec<u64>,
}

impl Worker {
    fn done(&mut self, ok: bool, started: Option<Instant>) {
        self.calls += 1;
        self.failures += u64::from(!ok);
        if let Some(started) = started {
            self.latencies_ns.push(started.elapsed().as_nanos() as u64);
        }
    }
}

struct Plan {
    next: AtomicU64,
    calls: u64,
    deadline: Instant,
    record: bool,
}

impl Plan {
    fn new(load: &Load) -> Plan {
        Plan {
            next: AtomicU64::new(0),
            calls: load.calls,
            deadline: Instant::now() + load.time_limit,
            record: load.record,
        }
    }

    /// Takes the next call, if any is left and there is time.
    fn take(&self) -> Option<Option<Instant>> {
        if self.next.fetch_add(1, Ordering::Relaxed) >= self.calls {
            return None;
        }
        let now = Instant::now();
        if now >= self.deadline {
            return None;
        }
        Some(self.record.then_some(now))
    }
}

/// Runs blocking calls: `concurrency` threads (the caller's own when 1).
/// `call` returns true on success.
pub fn blocking<F>(load: Load, call: F) -> Run
where
    F: Fn() -> bool + Sync,
{
    let plan = Plan::new(&load);
    let work = || {
        let mut w = Worker::default();
        while let Some(started) = plan.take() {
            let ok = call();
            w.done(ok, started);
        }
        w
    };
    let start = Instant::now();
    let mut run = Run::default();
    if load.concurrency == 1 {
        run.merge(work());
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..load.concurrency).map(|_| s.spawn(work)).collect();
            for h in handles {
                run.merge(h.join().expect("worker thread"));
            }
        });
    }
    run.elapsed = start.elapsed();
    run.latencies_ns.sort_unstable();
    run
}

/// Runs async calls: `concurrency` Tokio tasks on the current runtime.
/// `call` returns true on success.
pub async fn tasks<F, Fut>(load: Load, call: F) -> Run
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let plan = Arc::new(Plan::new(&load));
    let start = Instant::now();
    let handles: Vec<_> = (0..load.concurrency)
        .map(|_| {
            let (plan, call) = (plan.clone(), call.clone());
            tokio::spawn(async move {
                let mut w = Worker::default();
                while let Some(started) = plan.take() {
                    let ok = call().await;
                    w.done(ok, started);
                }
                w
            })
        })
        .collect();
    let mut run = Run::default();
    for h in handles {
        run.merge(h.await.expect("worker task"));
    }
    run.elapsed = start.elapsed();
    run.latencies_ns.sort_unstable();
    run
}
