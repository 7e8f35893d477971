//! A small loop over one benchmark path, for profilers that want a plain
//! binary (`valgrind --tool=callgrind`, `perf record`).
//!
//! `cargo build --release --example profile_loop`, then
//! `valgrind --tool=callgrind target/release/examples/profile_loop <path> [iterations]`
//! with `<path>` one of: typing, typing-base, receipt, receipt-base, parse200,
//! parse200-base, parse409, parse409-base, call, call-base.

use std::hint::black_box;

use connect_participant_benches as fx;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "typing".to_owned());
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    fx::check_equivalence();
    let (endpoint, uri, client) = (fx::endpoint(), fx::event_uri(), fx::client());
    let (ok, conflict) = (fx::ok_response(), fx::conflict_response());
    for _ in 0..n {
        match path.as_str() {
            "typing" => drop(black_box(fx::core_typing(black_box(&endpoint)))),
            "typing-base" => drop(black_box(fx::baseline_typing(black_box(&uri)))),
            "receipt" => drop(black_box(fx::core_read_receipt(black_box(&endpoint)))),
            "receipt-base" => drop(black_box(fx::baseline_read_receipt(black_box(&uri)))),
            "parse200" => drop(black_box(fx::core_parse(black_box(&ok)))),
            "parse200-base" => drop(black_box(fx::baseline_parse_ok(black_box(&ok)))),
            "parse409" => drop(black_box(fx::core_parse(black_box(&conflict)))),
            "parse409-base" => drop(black_box(fx::baseline_parse_error(black_box(&conflict)))),
            "call" => drop(black_box(fx::core_call(black_box(&client), ok.clone()))),
            "call-base" => drop(black_box(fx::baseline_call(black_box(&uri), ok.clone()))),
            other => panic!("unknown path {other:?}"),
        }
    }
}
