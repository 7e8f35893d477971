//! The official `aws-sdk-connectparticipant` beside our clients and the raw
//! floor, all sending the same typing event to one neutral loopback server.
//!
//! ```text
//! peers serve [--seconds S]
//!     Serves on 127.0.0.1 (a free port) for at most S seconds (default 1800);
//!     prints its URL on the first line of stdout.
//! peers run --client C --url URL [--concurrency K] [--calls N] [--warmup W] [--seconds S]
//!     C is sdk, hyper-client, ureq-client, hyper-floor or ureq-floor. Makes
//!     W unmeasured calls, then N measured calls with K in flight (stopping
//!     after S seconds at most), and prints one tab-separated line: client,
//!     in flight, calls, failures, seconds, calls/s, p50 µs, p99 µs, CPU µs
//!     per call (getrusage RUSAGE_SELF, all threads, over the measured calls),
//!     peak RSS KiB (of the whole process).
//! peers report FILE
//!     Reads such lines (several rounds of each row) and prints a markdown
//!     table of the medians, with each client's throughput against the SDK
//!     and its wall time per call against its raw floor.
//! peers cold C URL [--since EPOCH]
//!     The cold start: C (sdk, ureq-client or hyper-client) is built as a
//!     user builds it, then sends one typing event; prints one tab-separated
//!     line: `cold`, client, µs to `main`, µs to the client built, µs to the event
//!     acknowledged (a 200 with an `Id`), CPU µs (getrusage RUSAGE_SELF, all
//!     threads, from exec), peak RSS KiB. EPOCH is the Unix time in seconds
//!     (`$EPOCHREALTIME` in bash) just before the process was started; the
//!     times count from it (without it, from the start of `main`). The SDK
//!     reads its credentials from the environment (AWS_ACCESS_KEY_ID,
//!     AWS_SECRET_ACCESS_KEY), as its guide has it.
//! peers cold-report FILE
//!     Reads such lines (several runs of each client) and prints a markdown
//!     table of the medians, each client against the SDK.
//! ```
//!
//! `run.sh` runs each row in its own process, so that CPU time and peak RSS
//! are that client's alone.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_connectparticipant::config::{BehaviorVersion, Credentials, Region};
use connect_participant_benches::contenders::{client_runtime, Contender, Contenders};
use connect_participant_benches::cpu::Usage;
use connect_participant_benches::load::{self, Load, Run};
use connect_participant_benches::server::Server;
use connect_participant_benches::{CONNECTION_TOKEN, TYPING};

fn usage() -> ! {
    eprintln!(
        "usage: peers serve [--seconds S]\n       peers run --client sdk|hyper-client|ureq-client|hyper-floor|ureq-floor --url URL [--concurrency K] [--calls N] [--warmup W] [--seconds S]\n       peers report FILE\n       peers cold sdk|ureq-client|hyper-client URL [--since EPOCH]\n       peers cold-report FILE"
    );
    std::process::exit(2)
}

/// `--name value` pairs after the subcommand.
fn options(args: &[String]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut it = args.iter();
    while let Some(name) = it.next() {
        let (Some(name), Some(value)) = (name.strip_prefix("--"), it.next()) else {
            usage()
        };
        map.insert(name.to_owned(), value.clone());
    }
    map
}

fn number<T: std::str::FromStr>(opts: &BTreeMap<String, String>, name: &str, default: T) -> T {
    match opts.get(name) {
        None => default,
        Some(v) => v.parse().unwrap_or_else(|_| {
            eprintln!("peers: --{name} {v:?} is not a number");
            usage()
        }),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else { usage() };
    match command.as_str() {
        "serve" => serve(&options(&args[1..])),
        "run" => run(&options(&args[1..])),
        "report" => match args.get(1) {
            Some(file) => report(file),
            None => usage(),
        },
        "cold" => cold(&args[1..]),
        "cold-report" => match args.get(1) {
            Some(file) => cold_report(file),
            None => usage(),
        },
        _ => usage(),
    }
}

fn serve(opts: &BTreeMap<String, String>) {
    let limit = Duration::from_secs(number(opts, "seconds", 1800));
    let server = Server::start(0, 1, limit).expect("loopback server");
    println!("{}", server.url());
    std::thread::sleep(limit);
}

/// The official SDK's client for a loopback endpoint: a region, static dummy
/// credentials (it signs every call with SigV4, although the service reads
/// only the connection token), the latest behavior version, its default
/// HTTPS client and retry policy.
fn sdk_client(url: &str) -> aws_sdk_connectparticipant::Client {
    let config = aws_sdk_connectparticipant::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-west-2"))
        .endpoint_url(url)
        .credentials_provider(Credentials::new(
            "AKIDPEERSBENCHMARK00",
            "peers-benchmark-dummy-secret",
            None,
            None,
            "peers",
        ))
        .build();
    aws_sdk_connectparticipant::Client::from_conf(config)
}

fn run(opts: &BTreeMap<String, String>) {
    let (Some(client), Some(url)) = (opts.get("client"), opts.get("url")) else {
        usage()
    };
    let concurrency = number(opts, "concurrency", 1usize);
    let calls = number(opts, "calls", 20_000u64);
    let warmup = number(opts, "warmup", (calls / 10).max(concurrency as u64));
    let limit = Duration::from_secs(number(opts, "seconds", 120));
    let rt = client_runtime();
    let load = Load::new(concurrency, calls).recorded().time_limit(limit);
    let warm = Load::new(concurrency, warmup).time_limit(limit);

    let (run, cpu) = if client == "sdk" {
        let sdk = sdk_client(url);
        let call = move || {
            let sdk = sdk.clone();
            async move {
                sdk.send_event()
                    .connection_token(CONNECTION_TOKEN)
                    .content_type(TYPING)
                    .send()
                    .await
                    .is_ok_and(|out| out.id().is_some())
            }
        };
        let warmed = rt.block_on(load::tasks(warm, call.clone()));
        assert_eq!(warmed.failures, 0, "sdk: failed calls while warming up");
        let before = Usage::now();
        let run = rt.block_on(load::tasks(load, call));
        (run, Usage::now().cpu_since(&before))
    } else {
        let Some(which) = Contender::from_name(client) else {
            usage()
        };
        let contenders = Contenders::only(url, &[which], &rt);
        let warmed = contenders.run(which, warm, &rt);
        assert_eq!(warmed.failures, 0, "{which}: failed calls while warming up");
        let before = Usage::now();
        let run = contenders.run(which, load, &rt);
        (run, Usage::now().cpu_since(&before))
    };
    print_row(client, concurrency, &run, cpu, Usage::now().max_rss_kib);
}

fn print_row(client: &str, concurrency: usize, run: &Run, cpu: Duration, rss: u64) {
    let us = |d: Option<Duration>| d.unwrap_or_default().as_secs_f64() * 1e6;
    println!(
        "{client}\t{concurrency}\t{}\t{}\t{:.3}\t{:.0}\t{:.1}\t{:.1}\t{:.2}\t{rss}",
        run.calls,
        run.failures,
        run.elapsed.as_secs_f64(),
        run.rate(),
        us(run.percentile(50.0)),
        us(run.percentile(99.0)),
        cpu.as_secs_f64() * 1e6 / run.calls.max(1) as f64,
    );
}

/// One row's rounds.
#[derive(Default)]
struct Rounds {
    calls: u64,
    failures: u64,
    rate: Vec<f64>,
    p50: Vec<f64>,
    p99: Vec<f64>,
    cpu: Vec<f64>,
    rss: Vec<f64>,
}

fn median(xs: &[f64]) -> f64 {
    let mut xs = xs.to_vec();
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => f64::NAN,
        n => xs[n / 2],
    }
}

const ORDER: [&str; 5] = [
    "sdk",
    "hyper-client",
    "ureq-client",
    "hyper-floor",
    "ureq-floor",
];

fn report(file: &str) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| {
        eprintln!("peers: {file}: {e}");
        std::process::exit(1)
    });
    let mut rows: BTreeMap<(usize, usize), Rounds> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let [client, k, calls, failures, _secs, rate, p50, p99, cpu, rss] = f[..] else {
            eprintln!("peers: skipping line {line:?}");
            continue;
        };
        let Some(order) = ORDER.iter().position(|c| *c == client) else {
            continue;
        };
        let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
        let r = rows.entry((k.parse().unwrap_or(0), order)).or_default();
        r.calls += calls.parse::<u64>().unwrap_or(0);
        r.failures += failures.parse::<u64>().unwrap_or(0);
        r.rate.push(num(rate));
        r.p50.push(num(p50));
        r.p99.push(num(p99));
        r.cpu.push(num(cpu));
        r.rss.push(num(rss));
    }
    println!("| in flight | client | calls/s | vs SDK | wall/call vs floor | CPU/call vs floor | p50 | p99 | CPU/call | peak RSS | rounds (calls, failures) |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    let get = |k, name: &str| {
        let order = ORDER.iter().position(|c| *c == name).unwrap_or(0);
        rows.get(&(k, order))
    };
    for (&(k, order), r) in &rows {
        let name = ORDER[order];
        let this = median(&r.rate);
        let vs_sdk = match get(k, "sdk") {
            Some(sdk) if name != "sdk" => format!("{:.2}x", paired(&r.rate, &sdk.rate)),
            _ => "1.00x".to_owned(),
        };
        let floor = match name {
            "hyper-client" => get(k, "hyper-floor"),
            "ureq-client" => get(k, "ureq-floor"),
            _ => None,
        };
        // Wall time per call is the inverse of the rate.
        let (vs_floor, cpu_vs_floor) = floor.map_or((String::new(), String::new()), |f| {
            (
                format!("{:.2}x", paired(&f.rate, &r.rate)),
                format!("{:.2}x", paired(&r.cpu, &f.cpu)),
            )
        });
        println!(
            "| {k} | `{name}` | {this:.0} | {vs_sdk} | {vs_floor} | {cpu_vs_floor} | {:.0} µs | {:.0} µs | {:.1} µs | {:.1} MiB | {} ({}, {}) |",
            median(&r.p50),
            median(&r.p99),
            median(&r.cpu),
            median(&r.rss) / 1024.0,
            r.rate.len(),
            r.calls,
            r.failures,
        );
    }
}

/// The median over rounds of `a[i] / b[i]`: each ratio from two rows of the
/// same round, run one after the other, so that the machine's load drifting
/// over the run does not enter it. NaN if the two did not run equally often.
fn paired(a: &[f64], b: &[f64]) -> f64 {
    if a.len() != b.len() {
        return f64::NAN;
    }
    let ratios: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
    median(&ratios)
}

/// Now, as time since the Unix epoch.
fn epoch_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// `$EPOCHREALTIME` (seconds, a `.` or `,` and microseconds) as a duration.
fn parse_epoch(text: &str) -> Option<Duration> {
    let (secs, frac) = text.split_once(['.', ',']).unwrap_or((text, ""));
    let micros = format!("{frac:0<6}");
    Some(Duration::from_secs(secs.parse().ok()?) + Duration::from_micros(micros[..6].parse().ok()?))
}

/// A fresh process to its first acknowledged event: the client built as its
/// guide shows, one typing event sent, then one line printed (see the
/// module's documentation). Exits 1 if the event was not acknowledged.
fn cold(args: &[String]) {
    let at_main = epoch_now();
    let (Some(client), Some(url)) = (args.first(), args.get(1)) else {
        usage()
    };
    let opts = options(&args[2..]);
    let since = match opts.get("since") {
        Some(t) => parse_epoch(t).unwrap_or_else(|| {
            eprintln!("peers: --since {t:?} is not a Unix time");
            usage()
        }),
        None => at_main,
    };
    let at_main = at_main.saturating_sub(since);
    let mut ready = Duration::ZERO;
    let mut mark = || ready = epoch_now().saturating_sub(since);
    let outcome: Result<(), String> = match client.as_str() {
        "ureq-client" => (|| {
            let config =
                connect_participant_core::Config::for_endpoint(url).map_err(|e| e.to_string())?;
            let client =
                connect_participant_ureq::Client::new(config).map_err(|e| e.to_string())?;
            mark();
            let out = client
                .send_event(connect_participant_core::SendEvent::typing(
                    CONNECTION_TOKEN,
                ))
                .map_err(|e| e.to_string())?;
            out.id.map(drop).ok_or_else(|| "no Id".to_owned())
        })(),
        // Both async clients on the runtime `#[tokio::main]` gives: multi-threaded,
        // a worker per core.
        "hyper-client" => client_runtime().block_on(async {
            let config =
                connect_participant_core::Config::for_endpoint(url).map_err(|e| e.to_string())?;
            let client =
                connect_participant_hyper::Client::new(config).map_err(|e| e.to_string())?;
            mark();
            let out = client
                .send_event(connect_participant_core::SendEvent::typing(
                    CONNECTION_TOKEN,
                ))
                .await
                .map_err(|e| e.to_string())?;
            out.id.map(drop).ok_or_else(|| "no Id".to_owned())
        }),
        "sdk" => client_runtime().block_on(async {
            // As the SDK's developer guide configures it: aws-config's defaults
            // (credentials from the environment), a region and the endpoint.
            let config = aws_config::defaults(BehaviorVersion::latest())
                .region(Region::new("us-west-2"))
                .endpoint_url(url)
                .load()
                .await;
            let client = aws_sdk_connectparticipant::Client::new(&config);
            mark();
            let out = client
                .send_event()
                .connection_token(CONNECTION_TOKEN)
                .content_type(TYPING)
                .send()
                .await
                .map_err(|e| format!("{e:?}"))?;
            out.id().map(drop).ok_or_else(|| "no Id".to_owned())
        }),
        _ => usage(),
    };
    let acked = epoch_now().saturating_sub(since);
    let rusage = Usage::now();
    if let Err(e) = outcome {
        eprintln!("peers: cold {client}: the event was not acknowledged: {e}");
        std::process::exit(1)
    }
    println!(
        "cold\t{client}\t{}\t{}\t{}\t{}\t{}",
        at_main.as_micros(),
        ready.as_micros(),
        acked.as_micros(),
        rusage.cpu().as_micros(),
        rusage.max_rss_kib,
    );
}

/// The quartiles (25th, 50th, 75th percentiles, nearest rank) of `xs`.
fn quartiles(xs: &[f64]) -> (f64, f64, f64) {
    let mut xs = xs.to_vec();
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let at = |q: f64| xs[((xs.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

const COLD_ORDER: [&str; 3] = ["sdk", "hyper-client", "ureq-client"];

fn cold_report(file: &str) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| {
        eprintln!("peers: {file}: {e}");
        std::process::exit(1)
    });
    // Per client: main, ready, acked, cpu, rss; one entry per run, in run order.
    let mut runs: BTreeMap<usize, [Vec<f64>; 5]> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let ["cold", client, main, ready, acked, cpu, rss] = f[..] else {
            eprintln!("peers: skipping line {line:?}");
            continue;
        };
        let Some(order) = COLD_ORDER.iter().position(|c| *c == client) else {
            continue;
        };
        let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
        let r = runs.entry(order).or_default();
        for (v, x) in r.iter_mut().zip([main, ready, acked, cpu, rss]) {
            v.push(num(x));
        }
    }
    let ms = |us: f64| us / 1000.0;
    println!("| client | first event acknowledged (wall) [quartiles] | at `main` | client built | `main` to the event | CPU to the first event [quartiles] | peak RSS | wall vs SDK | `main` to the event vs SDK | CPU vs SDK | runs |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let sdk = runs.get(&0).cloned();
    for (&order, [main, ready, acked, cpu, rss]) in &runs {
        let (a1, a2, a3) = quartiles(acked);
        let (c1, c2, c3) = quartiles(cpu);
        // The client's own part: from `main` to the acknowledgement.
        let own =
            |m: &[f64], a: &[f64]| -> Vec<f64> { a.iter().zip(m).map(|(a, m)| a - m).collect() };
        let (wall_vs, own_vs, cpu_vs) = match &sdk {
            Some([sm, _, sa, sc, _]) if order != 0 => (
                format!("{:.2}x", paired(acked, sa)),
                format!("{:.2}x", paired(&own(main, acked), &own(sm, sa))),
                format!("{:.2}x", paired(cpu, sc)),
            ),
            _ => ("1.00x".to_owned(), "1.00x".to_owned(), "1.00x".to_owned()),
        };
        println!(
            "| `{}` | {:.1} ms [{:.1}-{:.1}] | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms [{:.1}-{:.1}] | {:.1} MiB | {wall_vs} | {own_vs} | {cpu_vs} | {} |",
            COLD_ORDER[order],
            ms(a2),
            ms(a1),
            ms(a3),
            ms(median(main)),
            ms(median(ready)),
            ms(median(&own(main, acked))),
            ms(c2),
            ms(c1),
            ms(c3),
            median(rss) / 1024.0,
            acked.len(),
        );
    }
}
