//! The core beside bare `serde_json` + `http` baselines.
//!
//! Each group holds a `core` and a `baseline` figure for one job; the goal is
//! the core within 1.3x of its baseline. Run: `cd benches && cargo bench --bench core`.

use std::hint::black_box;
use std::time::Duration;

use connect_participant_benches as fx;
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion};

/// Short runs: the benches share a small, busy machine.
fn configure<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50);
    group
}

fn build_typing(c: &mut Criterion) {
    let (endpoint, uri) = (fx::endpoint(), fx::event_uri());
    let mut g = configure(c, "build_typing");
    g.bench_function("core", |b| b.iter(|| fx::core_typing(black_box(&endpoint))));
    g.bench_function("baseline", |b| {
        b.iter(|| fx::baseline_typing(black_box(&uri)))
    });
    g.finish();
}

fn build_read_receipt(c: &mut Criterion) {
    let (endpoint, uri) = (fx::endpoint(), fx::event_uri());
    let mut g = configure(c, "build_read_receipt");
    g.bench_function("core", |b| {
        b.iter(|| fx::core_read_receipt(black_box(&endpoint)))
    });
    g.bench_function("baseline", |b| {
        b.iter(|| fx::baseline_read_receipt(black_box(&uri)))
    });
    g.finish();
}

fn parse_200(c: &mut Criterion) {
    let response = fx::ok_response();
    let mut g = configure(c, "parse_200");
    g.bench_function("core", |b| b.iter(|| fx::core_parse(black_box(&response))));
    g.bench_function("baseline", |b| {
        b.iter(|| fx::baseline_parse_ok(black_box(&response)))
    });
    g.finish();
}

fn parse_409(c: &mut Criterion) {
    let response = fx::conflict_response();
    let mut g = configure(c, "parse_409");
    g.bench_function("core", |b| b.iter(|| fx::core_parse(black_box(&response))));
    g.bench_function("baseline", |b| {
        b.iter(|| fx::baseline_parse_error(black_box(&response)))
    });
    g.finish();
}

/// Start, one request, one 200: the state machine against build + parse.
/// The response is cloned in untimed setup, since `finish_attempt` takes it.
fn call_200(c: &mut Criterion) {
    let (client, uri, response) = (fx::client(), fx::event_uri(), fx::ok_response());
    let mut g = configure(c, "call_200");
    g.bench_function("core", |b| {
        b.iter_batched(
            || response.clone(),
            |r| fx::core_call(black_box(&client), r),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("baseline", |b| {
        b.iter_batched(
            || response.clone(),
            |r| fx::baseline_call(black_box(&uri), r),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn equivalence(_: &mut Criterion) {
    fx::check_equivalence();
}

criterion_group!(
    benches,
    equivalence,
    build_typing,
    build_read_receipt,
    parse_200,
    parse_409,
    call_200
);
criterion_main!(benches);
