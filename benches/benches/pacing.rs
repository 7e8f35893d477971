//! The pacer: offers decided per second, on a realistic mix across many chats.
//!
//! Each iteration plays 400,000 events of 10,000 chats (40 each, starting
//! 10 ms apart; see `src/pacing.rs` for the mix) through a fresh pacer as a
//! sender would: timers run at their due times, every transmit is taken and
//! answered, every decision read. Criterion's throughput is offers decided
//! per second. Keys: plain numbers, and connection tokens (300 bytes) shared
//! as `Arc<str>`, as a server keyed by token would hold them.
//! Run: `cd benches && cargo bench --bench pacing`.

use std::sync::Arc;
use std::time::Duration;

use connect_participant_benches::pacing::{play, Traffic};
use connect_participant_benches::CONNECTION_TOKEN;
use connect_participant_core::pacing::{PacedEvent, Pacer, PacerConfig};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const CHATS: u32 = 10_000;
const EVENTS_PER_CHAT: u32 = 40;
const STAGGER_MS: u64 = 10;

fn events<K>(key: impl Fn(u32) -> K) -> Vec<(Duration, K, PacedEvent)> {
    Traffic::new(CHATS, EVENTS_PER_CHAT, STAGGER_MS)
        .map(|(at, chat, event)| (at, key(chat), event))
        .collect()
}

fn offers(c: &mut Criterion) {
    let numbers = events(u64::from);
    let tokens: Vec<Arc<str>> = (0..CHATS)
        .map(|c| Arc::from(format!("{CONNECTION_TOKEN}{c:08}")))
        .collect();
    let by_token = events(|c| Arc::clone(&tokens[c as usize]));
    let n = numbers.len() as u64;

    let mut group = c.benchmark_group("pacing_offers");
    group
        .throughput(Throughput::Elements(n))
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10);
    group.bench_function("u64_keys", |b| {
        b.iter_batched(
            || (Pacer::new(PacerConfig::default()), numbers.clone()),
            |(mut pacer, events)| play(&mut pacer, events),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("token_keys", |b| {
        b.iter_batched(
            || (Pacer::new(PacerConfig::default()), by_token.clone()),
            |(mut pacer, events)| play(&mut pacer, events),
            BatchSize::PerIteration,
        )
    });
    group.finish();

    // The mix, once, for the record.
    let mut pacer = Pacer::new(PacerConfig::default());
    let played = play(&mut pacer, numbers.clone());
    let typing = numbers
        .iter()
        .filter(|(_, _, e)| *e == PacedEvent::Typing)
        .count();
    eprintln!(
        "mix: {} offers ({} typing), {} sent, {} decisions, {} chats",
        played.offers,
        typing,
        played.sent,
        played.decisions,
        pacer.chats()
    );
}

criterion_group!(benches, offers);
criterion_main!(benches);
