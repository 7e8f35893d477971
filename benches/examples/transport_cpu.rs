//! CPU time per call of our clients, the raw floor and the core floor (the same
//! six contenders as `benches/transports.rs`), with the loopback server in a child
//! process so that `getrusage(RUSAGE_SELF)` counts the client side alone.
//!
//! ```sh
//! cd benches && cargo run --release --example transport_cpu -- [--calls N] [--rounds R] [--concurrency 1,16,64] [--only ureq-client,...]
//! ```
//!
//! Each round runs every contender once, on the same warmed pools, each
//! client right beside its raw floor and its core floor (which of the three
//! goes first rotates from round to round). The table gives the median over rounds of the wall time per
//! call (elapsed / calls) and of the CPU time per call (user + system of this
//! process, all threads: the client library, Tokio or the worker threads, and
//! the kernel's share of loopback TCP on the client side). A client's ratios
//! to its floor are taken **per round** (the two ran seconds apart) and the
//! table gives their median and quartiles: on a shared machine the load
//! drifts over a run, and a ratio of two medians taken at different moments
//! carries that drift. Many short rounds beat few long ones. Prints a
//! markdown table on stdout.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use connect_participant_benches::contenders::{client_runtime, Contender, Contenders};
use connect_participant_benches::cpu::Usage;
use connect_participant_benches::load::Load;
use connect_participant_benches::server::Server;

/// The server child serves for at most this long.
const SERVER_LIMIT: Duration = Duration::from_secs(900);

struct Args {
    calls: u64,
    rounds: usize,
    concurrency: Vec<usize>,
    only: Vec<Contender>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        calls: 4_000,
        rounds: 15,
        concurrency: vec![1, 16, 64],
        only: Contender::ALL.to_vec(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "serve" => return Ok(None),
            "--calls" => args.calls = value()?.parse().map_err(|e| format!("--calls: {e}"))?,
            "--rounds" => args.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--concurrency" => {
                args.concurrency = value()?
                    .split(',')
                    .map(|s| s.trim().parse().map_err(|e| format!("--concurrency: {e}")))
                    .collect::<Result<_, _>>()?
            }
            "--only" => {
                args.only = value()?
                    .split(',')
                    .map(|s| Contender::from_name(s.trim()).ok_or(format!("--only: {s:?}?")))
                    .collect::<Result<_, _>>()?
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(args))
}

/// The child: serve, print the URL, wait for the parent to end it.
fn serve() {
    let server = Server::start(0, 1, SERVER_LIMIT).expect("loopback server");
    println!("{}", server.url());
    std::thread::sleep(SERVER_LIMIT);
}

fn spawn_server() -> (Child, String) {
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .expect("server child");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("child stdout"))
        .read_line(&mut line)
        .expect("server URL");
    (child, line.trim().to_owned())
}

/// A contender's place in [`Contender::ALL`].
fn index(which: Contender) -> usize {
    Contender::ALL.iter().position(|c| *c == which).unwrap_or(0)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// First quartile, median, third quartile (nearest rank).
fn quartiles(mut xs: Vec<f64>) -> (f64, f64, f64) {
    if xs.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    xs.sort_by(f64::total_cmp);
    let at = |q: f64| xs[((xs.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

fn median_or_nan(xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        f64::NAN
    } else {
        median(xs)
    }
}

fn main() {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => return serve(),
        Err(e) => {
            eprintln!("transport_cpu: {e}");
            std::process::exit(2);
        }
    };
    let (mut child, url) = spawn_server();
    let rt = client_runtime();
    let contenders = Contenders::new(&url, &rt);
    contenders.check(&rt);

    println!(
        "| in flight | contender | calls/s | wall/call | CPU/call | p50 | p99 | wall vs floor [quartiles] | CPU vs floor [quartiles] | CPU vs core floor [quartiles] |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &concurrency in &args.concurrency {
        // Warm every pool at this concurrency first.
        for &which in &args.only {
            contenders.run(which, Load::new(concurrency, args.calls / 10), &rt);
        }
        let mut wall = vec![Vec::new(); Contender::ALL.len()];
        let mut cpu = vec![Vec::new(); Contender::ALL.len()];
        let mut p50 = vec![Vec::new(); Contender::ALL.len()];
        let mut p99 = vec![Vec::new(); Contender::ALL.len()];
        for round in 0..args.rounds {
            // Each client beside its two floors; which goes first rotates.
            let mut order = Vec::new();
            for group in Contender::ALL.chunks(3) {
                let mut group = group.to_vec();
                let turn = round % group.len();
                group.rotate_left(turn);
                order.extend(group);
            }
            for which in order {
                if !args.only.contains(&which) {
                    continue;
                }
                let i = index(which);
                let load = Load::new(concurrency, args.calls)
                    .recorded()
                    .time_limit(Duration::from_secs(120));
                let before = Usage::now();
                let run = contenders.run(which, load, &rt);
                let used = Usage::now().cpu_since(&before);
                assert_eq!(run.failures, 0, "{which}: failed calls");
                let calls = run.calls as f64;
                wall[i].push(run.elapsed.as_secs_f64() * 1e6 / calls);
                cpu[i].push(used.as_secs_f64() * 1e6 / calls);
                p50[i].push(run.percentile(50.0).unwrap_or_default().as_secs_f64() * 1e6);
                p99[i].push(run.percentile(99.0).unwrap_or_default().as_secs_f64() * 1e6);
            }
        }
        for which in Contender::ALL {
            if !args.only.contains(&which) {
                continue;
            }
            let i = index(which);
            let ratios = |xs: &[Vec<f64>], f: usize| -> String {
                if f == i {
                    return String::new();
                }
                if xs[f].len() != xs[i].len() {
                    return "(not run)".to_owned();
                }
                let per_round: Vec<f64> = xs[i].iter().zip(&xs[f]).map(|(c, f)| c / f).collect();
                let (q1, q2, q3) = quartiles(per_round);
                format!("{q2:.2}x [{q1:.2}-{q3:.2}]")
            };
            let (floor, core_floor) = (index(which.floor()), index(which.core_floor()));
            println!(
                "| {concurrency} | `{which}` | {:.0} | {:.1} µs | {:.1} µs | {:.1} µs | {:.1} µs | {} | {} | {} |",
                1e6 / median_or_nan(wall[i].clone()),
                median_or_nan(wall[i].clone()),
                median_or_nan(cpu[i].clone()),
                median_or_nan(p50[i].clone()),
                median_or_nan(p99[i].clone()),
                ratios(&wall, floor),
                ratios(&cpu, floor),
                if which.floor() == which || which.core_floor() == which {
                    String::new()
                } else {
                    ratios(&cpu, core_floor)
                },
            );
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}
