//! Our two clients beside the raw floor and the core floor, over loopback
//! HTTP/1.1 keep-alive.
//!
//! Groups `sequential`, `concurrent_16` and `concurrent_64`; in each, the
//! wall time per call (elapsed / calls, so at 16 or 64 in flight it is the
//! inverse of the throughput) of each contender in `src/contenders.rs`. The goal is each client
//! within 1.1x of its floor. Run: `cd benches && cargo bench --bench transports`.
//! CPU time per call: `cargo run --release --example transport_cpu`.

use std::time::Duration;

use connect_participant_benches::contenders::{client_runtime, Contender, Contenders};
use connect_participant_benches::load::Load;
use connect_participant_benches::server::Server;
use criterion::{criterion_group, criterion_main, Criterion};

fn transports(c: &mut Criterion) {
    let server = Server::start(0, 1, Duration::from_secs(1800)).expect("loopback server");
    let rt = client_runtime();
    let contenders = Contenders::new(&server.url(), &rt);
    contenders.check(&rt);
    for (group, concurrency) in [
        ("sequential", 1),
        ("concurrent_16", 16),
        ("concurrent_64", 64),
    ] {
        let mut g = c.benchmark_group(group);
        g.warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3))
            .sample_size(20);
        for which in Contender::ALL {
            g.bench_function(which.name(), |b| {
                b.iter_custom(|iters| {
                    let load = Load::new(concurrency, iters).time_limit(Duration::from_secs(120));
                    let run = contenders.run(which, load, &rt);
                    assert_eq!(run.failures, 0, "{which}: failed calls");
                    run.elapsed
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, transports);
criterion_main!(benches);
