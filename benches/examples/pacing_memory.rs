//! The pacer's memory with 100,000 active chats of typical traffic.
//!
//! Plays 120 events a chat (see `src/pacing.rs` for the mix: about 90 typing
//! events and a dozen messages delivered and read, with repeats) for 100,000
//! chats starting 1 ms apart, so that every chat is active (none idle, none
//! ended) when memory is read; then reports the bytes the pacer holds, from a
//! counting allocator (bytes requested, live) and from the resident set size.
//!
//! `cargo run --release --example pacing_memory -- [u64|arc|string] [chats]`:
//! - `u64`: chats keyed by number;
//! - `arc`: keyed by connection token (300 bytes) as `Arc<str>`, which the
//!   caller holds anyway: the pacer's share excludes the tokens;
//! - `string` (default): keyed by connection token as `String`: the pacer
//!   owns a copy of each token, counted.
#![allow(unsafe_code)] // the counting allocator only

use std::alloc::{GlobalAlloc, Layout, System};
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use connect_participant_benches::pacing::{drain, run_timers, Played, Traffic};
use connect_participant_benches::CONNECTION_TOKEN;
use connect_participant_core::pacing::{Pacer, PacerConfig};

/// Counts the bytes live (as requested from the allocator).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator with the same
// arguments; the counter is only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const EVENTS_PER_CHAT: u32 = 120;
const STAGGER_MS: u64 = 1;

/// Resident set size in bytes, from /proc/self/statm (0 elsewhere).
fn rss() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn measure<K: Eq + Hash + Clone>(label: &str, chats: u32, key: impl Fn(u32) -> K) {
    let (live_before, rss_before) = (LIVE.load(Ordering::Relaxed), rss());
    let started = Instant::now();
    let mut pacer = Pacer::new(PacerConfig::default());
    let mut played = Played::default();
    let mut last = std::time::Duration::ZERO;
    {
        let traffic = Traffic::new(chats, EVENTS_PER_CHAT, STAGGER_MS);
        for (at, chat, event) in traffic {
            run_timers(&mut pacer, at, &mut played);
            pacer.offer(at, key(chat), event);
            played.offers += 1;
            drain(&mut pacer, at, &mut played);
            last = at;
        }
    } // the traffic generator is gone: what is left is the pacer's
    let elapsed = started.elapsed();
    let (live, rss_after) = (LIVE.load(Ordering::Relaxed) - live_before, rss());
    let stats = pacer.stats();
    println!("keys: {label}");
    println!(
        "  {} chats, {} offers ({} sent) over {:.0} s of chat time, played in {:.2} s",
        stats.chats,
        played.offers,
        played.sent,
        last.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    println!(
        "  pending receipts {}, message ids remembered {} (at most {} a chat), timers {}",
        stats.pending_receipts, stats.remembered_ids, stats.max_remembered_ids, stats.timers
    );
    println!(
        "  live heap held by the pacer: {:.1} MiB ({} bytes a chat); the pacer's own estimate: {:.1} MiB",
        mib(live),
        live / stats.chats.max(1),
        mib(stats.approx_bytes)
    );
    println!(
        "  resident set: {:.1} MiB before, {:.1} MiB after (+{:.1} MiB)",
        mib(rss_before),
        mib(rss_after),
        mib(rss_after.saturating_sub(rss_before))
    );
    drop(pacer);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "string".to_owned());
    let chats: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    // A token as a parser would hand it over: its capacity is its length.
    let token = |c: u32| {
        let mut t = format!("{CONNECTION_TOKEN}{c:08}");
        t.shrink_to_fit();
        t
    };
    match mode.as_str() {
        "u64" => measure("u64", chats, u64::from),
        "arc" => {
            // The caller's tokens exist before the pacer: not counted.
            let tokens: Vec<Arc<str>> = (0..chats).map(|c| Arc::from(token(c))).collect();
            measure("Arc<str> tokens (shared with the caller)", chats, |c| {
                Arc::clone(&tokens[c as usize])
            });
        }
        "string" => measure("String tokens (the pacer's own copies)", chats, token),
        other => panic!("unknown mode {other:?}: u64, arc or string"),
    }
}
