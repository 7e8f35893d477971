//! Load test: many events through the async client (64 in flight) and the
//! blocking client (16 threads) against the simulated service on loopback.
//!
//! ```text
//! cargo run --release -p connect-participant --example load -- --events 100000
//! ```
//!
//! The service runs in a child process (this program, re-run with `--serve`),
//! so the resident memory measured here is the client's own. Checks: zero
//! errors, zero duplicate events in the service's transcript, and (with at
//! least 100,000 events, so that the checkpoint is the 10,000th call, after
//! pools and threads have warmed up) resident memory at the end within 10% of
//! what it was at the checkpoint. Smaller runs report the growth without
//! judging it. Exits 1 if a check fails. Bounded in count and time (the child
//! serves loopback only and ends when its stdin closes).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use connect_participant::{Config, SendEvent};
use connect_participant_mock::{MockServer, MockService, Role};

/// Resident memory of this process, in KiB (Linux), if known.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The child: serve, print the URL and tokens, and on stdin's end print the
/// transcript's statistics.
fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(MockService::new())?;
    let chat = server.service().open_chat();
    println!(
        "{}",
        serde_json::json!({"url": server.url(), "customer": chat.customer, "agent": chat.agent})
    );
    std::io::stdout().flush()?;
    std::io::copy(&mut std::io::stdin(), &mut std::io::sink())?;
    let transcript = server.service().transcript(chat.id);
    let ids: HashSet<_> = transcript.iter().map(|e| e.id.as_str()).collect();
    let tokens: HashSet<_> = transcript
        .iter()
        .map(|e| e.client_token.as_deref())
        .collect();
    let count = |role| transcript.iter().filter(|e| e.participant == role).count();
    println!(
        "{}",
        serde_json::json!({
            "events": transcript.len(),
            "unique_ids": ids.len(),
            "unique_client_tokens": tokens.len(),
            "customer_events": count(Role::Customer),
            "agent_events": count(Role::Agent),
            "requests_received": server.service().requests_received(),
        })
    );
    Ok(())
}

struct Run {
    name: &'static str,
    errors: usize,
    seconds: f64,
    rss_checkpoint: Option<u64>,
    rss_end: Option<u64>,
}

/// Runs `events` calls in two phases (up to the checkpoint, then the rest)
/// with `workers` parallel workers pulling from one counter.
fn phases(
    events: usize,
    checkpoint: usize,
    mut batch: impl FnMut(usize) -> usize,
) -> (usize, f64, Option<u64>, Option<u64>) {
    let started = Instant::now();
    let mut errors = batch(checkpoint);
    let at_checkpoint = rss_kib();
    errors += batch(events - checkpoint);
    (
        errors,
        started.elapsed().as_secs_f64(),
        at_checkpoint,
        rss_kib(),
    )
}

fn run_async(
    url: &str,
    token: &str,
    events: usize,
    checkpoint: usize,
    in_flight: usize,
) -> Result<Run, Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let client =
        rt.block_on(async { connect_participant_hyper::Client::new(Config::for_endpoint(url)?) })?;
    let (errors, seconds, rss_checkpoint, rss_end) = phases(events, checkpoint, |n| {
        let next = Arc::new(AtomicUsize::new(0));
        rt.block_on(async {
            let tasks: Vec<_> = (0..in_flight)
                .map(|_| {
                    let (client, next, token) = (client.clone(), next.clone(), token.to_owned());
                    tokio::spawn(async move {
                        let mut errors = 0;
                        while next.fetch_add(1, Ordering::Relaxed) < n {
                            if let Err(e) =
                                client.send_event(SendEvent::typing(token.as_str())).await
                            {
                                errors += 1;
                                eprintln!("hyper: {e}");
                            }
                        }
                        errors
                    })
                })
                .collect();
            let mut errors = 0;
            for t in tasks {
                errors += t.await.unwrap_or(1);
            }
            errors
        })
    });
    Ok(Run {
        name: "hyper (async, 64 in flight)",
        errors,
        seconds,
        rss_checkpoint,
        rss_end,
    })
}

fn run_blocking(
    url: &str,
    token: &str,
    events: usize,
    checkpoint: usize,
    threads: usize,
) -> Result<Run, Box<dyn std::error::Error>> {
    let client = connect_participant_ureq::Client::new(Config::for_endpoint(url)?)?;
    let (errors, seconds, rss_checkpoint, rss_end) = phases(events, checkpoint, |n| {
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut errors = 0;
                        while next.fetch_add(1, Ordering::Relaxed) < n {
                            if let Err(e) = client.send_event(SendEvent::typing(token)) {
                                errors += 1;
                                eprintln!("ureq: {e}");
                            }
                        }
                        errors
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap_or(1)).sum()
        })
    });
    Ok(Run {
        name: "ureq (blocking, 16 threads)",
        errors,
        seconds,
        rss_checkpoint,
        rss_end,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--serve") {
        return serve();
    }
    let events: usize = match args.iter().position(|a| a == "--events") {
        Some(i) => args.get(i + 1).ok_or("--events needs a number")?.parse()?,
        None => 100_000,
    };
    if events == 0 {
        return Err("--events must be at least 1".into());
    }
    let checkpoint = (events / 10).clamp(1, 10_000);
    // Memory is judged only from the 10,000th call on: before that, pools
    // and thread stacks are still growing to their working size.
    let judge_memory = checkpoint == 10_000;

    let mut child = Command::new(std::env::current_exe()?)
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut out = BufReader::new(child.stdout.take().ok_or("no child stdout")?);
    let mut line = String::new();
    out.read_line(&mut line)?;
    let info: serde_json::Value = serde_json::from_str(&line)?;
    let url = info["url"].as_str().ok_or("no url")?.to_owned();
    let (customer, agent) = (
        info["customer"].as_str().unwrap_or_default(),
        info["agent"].as_str().unwrap_or_default(),
    );

    println!(
        "{events} events per client against {url} (simulated service in process {})",
        child.id()
    );
    let runs = [
        run_async(&url, customer, events, checkpoint, 64)?,
        run_blocking(&url, agent, events, checkpoint, 16)?,
    ];
    drop(child.stdin.take());
    line.clear();
    out.read_line(&mut line)?;
    child.wait()?;
    let stats: serde_json::Value = serde_json::from_str(&line)?;

    let mut ok = true;
    println!("\n| client | events | errors | seconds | events/s | RSS after {checkpoint} (KiB) | RSS at end (KiB) | growth |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for run in &runs {
        let growth = match (run.rss_checkpoint, run.rss_end) {
            (Some(a), Some(b)) if a > 0 => {
                let g = (b as f64 - a as f64) / a as f64 * 100.0;
                if judge_memory {
                    ok &= g <= 10.0;
                    format!("{g:+.1}%")
                } else {
                    format!("{g:+.1}% (not judged)")
                }
            }
            _ => "n/a".to_owned(),
        };
        ok &= run.errors == 0;
        println!(
            "| {} | {events} | {} | {:.2} | {:.0} | {} | {} | {growth} |",
            run.name,
            run.errors,
            run.seconds,
            events as f64 / run.seconds,
            run.rss_checkpoint.map_or("n/a".into(), |v| v.to_string()),
            run.rss_end.map_or("n/a".into(), |v| v.to_string()),
        );
    }
    let recorded = stats["events"].as_u64().unwrap_or(0) as usize;
    let unique = stats["unique_client_tokens"].as_u64().unwrap_or(0) as usize;
    let unique_ids = stats["unique_ids"].as_u64().unwrap_or(0) as usize;
    println!("\nservice transcript: {stats}");
    ok &= recorded == 2 * events && unique == recorded && unique_ids == recorded;
    ok &= stats["customer_events"].as_u64() == Some(events as u64)
        && stats["agent_events"].as_u64() == Some(events as u64);
    if ok {
        let memory = if judge_memory {
            "memory flat"
        } else {
            "memory not judged below 100,000 events"
        };
        println!("PASS: zero errors, zero duplicates, {memory}");
        Ok(())
    } else {
        println!("FAIL");
        std::process::exit(1);
    }
}
