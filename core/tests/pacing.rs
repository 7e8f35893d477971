//! Properties of the pacer over random scripts: many chats, interleaved, at
//! random times, with ends, flushes, failed sends and chats the service says
//! have ended. Each script is played exactly as a sender would: offer, then
//! take every transmit (reporting its outcome) and decision; before each step
//! run every timer due, at its own time (`poll_timeout` / `handle_timeout`);
//! at the end let time run until nothing is pending.
//!
//! The checks come from the rules in SPEC.md ("Pacing") and the pacing
//! module's documentation, not from the code.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use connect_participant_core::pacing::{
    Action, DropReason, OfferId, Outcome, PacedEvent, Pacer, PacerConfig,
};
use proptest::collection::vec;
use proptest::prelude::*;

const CASES: u32 = 1000;
const CHATS: u8 = 5;
const MESSAGES: u8 = 12;

fn config() -> ProptestConfig {
    ProptestConfig {
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::with_cases(CASES)
    }
}

// ---------------------------------------------------------------------------
// Scripts
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ev {
    Typing,
    Delivered(u8),
    Read(u8),
}

impl Ev {
    fn event(self) -> PacedEvent {
        match self {
            Ev::Typing => PacedEvent::Typing,
            Ev::Delivered(m) => PacedEvent::delivered(format!("m{m}")),
            Ev::Read(m) => PacedEvent::read(format!("m{m}")),
        }
    }
}

/// What the service answers when the offer's event is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Sent,
    Failed,
    ChatEnded,
}

impl Answer {
    fn outcome(self) -> Outcome {
        match self {
            Answer::Sent => Outcome::Sent,
            Answer::Failed => Outcome::Failed,
            Answer::ChatEnded => Outcome::ChatEnded,
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Offer { chat: u8, ev: Ev, answer: Answer },
    End(u8),
    Flush,
}

impl Op {
    fn chat(&self) -> Option<u8> {
        match self {
            Op::Offer { chat, .. } | Op::End(chat) => Some(*chat),
            Op::Flush => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Step {
    /// Milliseconds since the step before.
    dt: u64,
    op: Op,
}

/// A resumed session's transcript for a chat, seeded before any step.
#[derive(Debug, Clone)]
struct Seed {
    chat: u8,
    read: Vec<u8>,
    delivered: Vec<u8>,
}

#[derive(Debug, Clone)]
struct Script {
    seeds: Vec<Seed>,
    steps: Vec<Step>,
}

fn ev() -> impl Strategy<Value = Ev> {
    prop_oneof![
        3 => Just(Ev::Typing),
        2 => (0..MESSAGES).prop_map(Ev::Delivered),
        2 => (0..MESSAGES).prop_map(Ev::Read),
    ]
}

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        90 => Just(Answer::Sent),
        6 => Just(Answer::Failed),
        4 => Just(Answer::ChatEnded),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        60 => (0..CHATS, ev(), answer()).prop_map(|(chat, ev, answer)| Op::Offer { chat, ev, answer }),
        1 => (0..CHATS).prop_map(Op::End),
        1 => Just(Op::Flush),
    ]
}

fn dt() -> impl Strategy<Value = u64> {
    prop_oneof![3 => Just(0u64), 4 => 1..600u64, 2 => 600..12_000u64]
}

fn script() -> impl Strategy<Value = Script> {
    let seed = (0..CHATS, vec(0..MESSAGES, 0..4), vec(0..MESSAGES, 0..4)).prop_map(
        |(chat, read, delivered)| Seed {
            chat,
            read,
            delivered,
        },
    );
    let step = (dt(), op()).prop_map(|(dt, op)| Step { dt, op });
    (vec(seed, 0..3), vec(step, 1..150)).prop_map(|(seeds, steps)| Script { seeds, steps })
}

/// Random windows and hold, with memory large enough that no id or chat is
/// forgotten within a script (scripts last at most about 30 minutes).
fn exact_config() -> impl Strategy<Value = PacerConfig> {
    (0..15_000u64, 0..8_000u64, 0..1_000u64).prop_map(|(typing, receipt, hold)| {
        PacerConfig::default()
            .with_typing_window(Duration::from_millis(typing))
            .with_receipt_window(Duration::from_millis(receipt))
            .with_delivered_hold(Duration::from_millis(hold))
    })
}

/// Random windows and tight memory: few ids, chats forgotten quickly, few
/// ended chats remembered.
fn tight_config() -> impl Strategy<Value = PacerConfig> {
    (exact_config(), 0..4usize, 0..30_000u64, 0..3usize).prop_map(|(c, ids, idle, ended)| {
        c.with_max_message_ids(ids)
            .with_idle_after(Duration::from_millis(idle))
            .with_max_ended_chats(ended)
    })
}

// ---------------------------------------------------------------------------
// Playing a script
// ---------------------------------------------------------------------------

fn key(chat: u8) -> String {
    format!("connection-token-{chat}")
}

fn ms(t: u64) -> Duration {
    Duration::from_millis(t)
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Sent {
    /// Position in the log (offers, sends and failures share one counter).
    seq: u64,
    at: Duration,
    chat: u8,
    ev: Ev,
    step: usize,
    answer: Answer,
    by_flush: bool,
    /// How many times the chat had ended before (a chat ended and forgotten
    /// may start afresh: its windows start afresh too).
    life: u32,
}

#[derive(Debug, Default)]
struct Log {
    /// Step index -> (decision, time).
    decisions: BTreeMap<usize, (Action, Duration)>,
    sends: Vec<Sent>,
    /// Step index -> seq of the offer.
    offered_at: HashMap<usize, u64>,
    /// Step index -> seq of the failure of its send.
    failed_at: HashMap<usize, u64>,
    /// Chats that ended (by a step or an answer), and how many times.
    ended: HashMap<u8, u32>,
    /// The most chats the pacer held at once.
    peak_chats: usize,
}

struct Player<'a> {
    pacer: Pacer<String>,
    config: &'a PacerConfig,
    script: &'a Script,
    steps_of: HashMap<OfferId, usize>,
    log: Log,
    seq: u64,
}

impl<'a> Player<'a> {
    fn new(config: &'a PacerConfig, script: &'a Script) -> Self {
        Player {
            pacer: Pacer::new(config.clone()),
            config,
            script,
            steps_of: HashMap::new(),
            log: Log::default(),
            seq: 0,
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Takes every transmit (answering it) and every decision.
    fn drain(&mut self, now: Duration, by_flush: bool) {
        while let Some(transmit) = self.pacer.poll_transmit(now) {
            let step = self.steps_of[&transmit.offer];
            let Op::Offer { chat, ev, answer } = self.script.steps[step].op else {
                panic!("a transmit for a step that offered nothing");
            };
            assert_eq!(transmit.chat, key(chat), "the offer's chat");
            assert_eq!(transmit.event, ev.event(), "the offer's event");
            let seq = self.next_seq();
            self.log.sends.push(Sent {
                seq,
                at: now,
                chat,
                ev,
                step,
                answer,
                by_flush,
                life: self.log.ended.get(&chat).copied().unwrap_or(0),
            });
            self.pacer.handle_outcome(now, &transmit, answer.outcome());
            match answer {
                Answer::Failed => {
                    let seq = self.next_seq();
                    self.log.failed_at.insert(step, seq);
                }
                Answer::ChatEnded => {
                    *self.log.ended.entry(chat).or_default() += 1;
                }
                Answer::Sent => {}
            }
        }
        while let Some(decision) = self.pacer.poll_decision() {
            let step = self.steps_of[&decision.offer];
            let before = self
                .log
                .decisions
                .insert(step, (decision.action, decision.at));
            assert!(before.is_none(), "two decisions for step {step}");
            assert_eq!(decision.at, now, "a decision is taken at the call's time");
        }
        self.check_bounds();
    }

    fn check_bounds(&mut self) {
        let stats = self.pacer.stats();
        self.log.peak_chats = self.log.peak_chats.max(stats.chats);
        assert!(stats.max_remembered_ids <= self.config.max_message_ids());
        assert!(stats.ended_chats <= self.config.max_ended_chats());
        assert_eq!(stats.pending_receipts, self.pacer.pending());
        assert!(stats.pending_receipts <= 2 * stats.chats);
        assert!(stats.timers <= 2 * self.log.peak_chats + 1025);
        assert!(stats.chats <= usize::from(CHATS));
        assert_eq!((stats.ready, stats.decisions), (0, 0));
        assert_eq!(self.pacer.chats(), stats.chats);
    }

    /// Runs every timer due up to `t`, each at its own time.
    fn run_to(&mut self, t: Duration) {
        while let Some(due) = self.pacer.poll_timeout().filter(|&d| d <= t) {
            self.pacer.handle_timeout(due);
            self.drain(due, false);
        }
    }

    /// Plays the script's steps (only one chat's, and the flushes, if `only`).
    fn play_steps(&mut self, only: Option<u8>) {
        let keep = |chat: u8| only.is_none_or(|c| c == chat);
        for seed in self.script.seeds.iter().filter(|s| keep(s.chat)) {
            let read = seed.read.iter().map(|m| format!("m{m}"));
            let delivered = seed.delivered.iter().map(|m| format!("m{m}"));
            self.pacer
                .seed_receipts(Duration::ZERO, key(seed.chat), read, delivered);
            self.drain(Duration::ZERO, false);
        }
        let mut t = 0;
        for (i, step) in self.script.steps.iter().enumerate() {
            t += step.dt;
            if step.op.chat().is_some_and(|c| !keep(c)) {
                continue;
            }
            let now = ms(t);
            self.run_to(now);
            match step.op {
                Op::Offer { chat, ev, .. } => {
                    let seq = self.next_seq();
                    self.log.offered_at.insert(i, seq);
                    let id = self.pacer.offer(now, key(chat), ev.event());
                    self.steps_of.insert(id, i);
                    self.drain(now, false);
                }
                Op::End(chat) => {
                    self.pacer.end_chat(now, &key(chat));
                    *self.log.ended.entry(chat).or_default() += 1;
                    self.drain(now, false);
                }
                Op::Flush => {
                    self.pacer.flush(now);
                    self.drain(now, true);
                    assert_eq!(self.pacer.pending(), 0, "flush leaves nothing pending");
                }
            }
        }
    }

    /// Plays the script, then lets time run until nothing is pending.
    fn play(mut self, only: Option<u8>) -> Log {
        self.play_steps(only);
        while self.pacer.pending() > 0 {
            let due = self.pacer.poll_timeout().expect("a timer while pending");
            self.pacer.handle_timeout(due);
            self.drain(due, false);
        }
        self.log
    }

    /// Plays the script, then runs every timer left: every chat is forgotten.
    fn play_until_forgotten(mut self) {
        self.play_steps(None);
        let mut rounds = 0;
        while let Some(due) = self.pacer.poll_timeout() {
            self.pacer.handle_timeout(due);
            self.drain(due, false);
            rounds += 1;
            assert!(rounds < 10_000, "timers never run out");
        }
        assert_eq!(self.pacer.chats(), 0, "idle chats are forgotten");
        assert_eq!(self.pacer.pending(), 0);
        assert_eq!(self.pacer.stats().timers, 0);
    }
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

fn offers(script: &Script) -> impl Iterator<Item = (usize, u8, Ev)> + '_ {
    script
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s.op {
            Op::Offer { chat, ev, .. } => Some((i, chat, ev)),
            _ => None,
        })
}

/// Exactly one decision an offer; sends match the offers decided `Send`.
fn every_offer_decided_once(script: &Script, log: &Log) {
    let offered: Vec<usize> = offers(script).map(|(i, _, _)| i).collect();
    let decided: Vec<usize> = log.decisions.keys().copied().collect();
    assert_eq!(offered, decided, "one decision an offer");
    let mut sent: Vec<usize> = log.sends.iter().map(|s| s.step).collect();
    sent.sort_unstable();
    let decided_send: Vec<usize> = log
        .decisions
        .iter()
        .filter(|(_, (a, _))| *a == Action::Send)
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(sent, decided_send, "sent exactly the offers decided Send");
    for s in &log.sends {
        assert_eq!(
            log.decisions[&s.step].1, s.at,
            "Send decided when handed out"
        );
    }
}

/// Typing at most once a typing window a chat; receipts at most once a
/// receipt window a chat and kind (a flush may send early: it ends the
/// window). A chat that ended, was forgotten and came back is a new chat.
fn windows_respected(config: &PacerConfig, log: &Log) {
    let mut last: HashMap<(u8, u32, u8), Duration> = HashMap::new();
    for s in &log.sends {
        let (kind, window) = match s.ev {
            Ev::Typing => (0, config.typing_window()),
            Ev::Delivered(_) => (1, config.receipt_window()),
            Ev::Read(_) => (2, config.receipt_window()),
        };
        if let Some(prev) = last.insert((s.chat, s.life, kind), s.at) {
            let exempt = kind != 0 && s.by_flush;
            assert!(
                exempt || s.at - prev >= window,
                "{:?} at {:?} within {window:?} of the one at {prev:?}",
                s.ev,
                s.at
            );
        }
    }
}

/// No receipt of the same kind and message sent successfully twice.
fn no_duplicate_receipts(log: &Log) {
    let mut seen = HashSet::new();
    for s in log.sends.iter().filter(|s| s.answer != Answer::Failed) {
        if s.ev != Ev::Typing {
            assert!(
                seen.insert((s.chat, s.ev)),
                "{:?} sent twice in chat {}",
                s.ev,
                s.chat
            );
        }
    }
}

/// No delivered receipt sent once a read receipt for the same message was
/// offered and accepted (sent, pending or superseded by a newer read), or
/// seeded, unless that read's send failed before.
fn no_delivered_after_read(script: &Script, log: &Log) {
    // (chat, message) -> intervals [from, to) of the log covered by a read.
    let mut covered: HashMap<(u8, u8), Vec<(u64, u64)>> = HashMap::new();
    for seed in &script.seeds {
        for &m in &seed.read {
            covered
                .entry((seed.chat, m))
                .or_default()
                .push((0, u64::MAX));
        }
    }
    for (i, chat, ev) in offers(script) {
        let Ev::Read(m) = ev else { continue };
        let (action, _) = log.decisions[&i];
        if matches!(
            action,
            Action::Drop(DropReason::Duplicate | DropReason::Ended)
        ) {
            continue;
        }
        let from = log.offered_at[&i];
        let to = log.failed_at.get(&i).copied().unwrap_or(u64::MAX);
        covered.entry((chat, m)).or_default().push((from, to));
    }
    for s in log.sends.iter().filter(|s| s.answer != Answer::Failed) {
        let Ev::Delivered(m) = s.ev else { continue };
        let hit = covered
            .get(&(s.chat, m))
            .into_iter()
            .flatten()
            .find(|(from, to)| *from < s.seq && s.seq < *to);
        assert!(
            hit.is_none(),
            "delivered m{m} sent in chat {} after its read",
            s.chat
        );
    }
}

/// In every chat that did not end, the newest read receipt accepted is sent.
fn newest_read_sent(script: &Script, log: &Log) {
    let mut newest: HashMap<u8, usize> = HashMap::new();
    for (i, chat, ev) in offers(script) {
        let is_read = matches!(ev, Ev::Read(_));
        if is_read && log.decisions[&i].0 != Action::Drop(DropReason::Duplicate) {
            newest.insert(chat, i);
        }
    }
    for (chat, i) in newest {
        if !log.ended.contains_key(&chat) {
            assert_eq!(
                log.decisions[&i].0,
                Action::Send,
                "chat {chat}'s newest read"
            );
        }
    }
}

/// Chat `chat`'s decisions and sends.
fn chat_view(script: &Script, log: &Log, chat: u8) -> (Vec<(usize, Action, Duration)>, Vec<Sent>) {
    let decisions = offers(script)
        .filter(|(_, c, _)| *c == chat)
        .map(|(i, _, _)| (i, log.decisions[&i].0, log.decisions[&i].1))
        .collect();
    let sends = log
        .sends
        .iter()
        .filter(|s| s.chat == chat)
        .map(|s| Sent {
            seq: 0,
            ..s.clone()
        })
        .collect();
    (decisions, sends)
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// The rules, with memory large enough to remember everything.
    #[test]
    fn rules_hold(config in exact_config(), script in script()) {
        let log = Player::new(&config, &script).play(None);
        every_offer_decided_once(&script, &log);
        windows_respected(&config, &log);
        no_duplicate_receipts(&log);
        no_delivered_after_read(&script, &log);
        newest_read_sent(&script, &log);
    }

    /// A chat's decisions and sends are the same whether or not the other
    /// chats' events are interleaved with its own.
    #[test]
    fn chats_are_independent(config in exact_config(), script in script()) {
        let all = Player::new(&config, &script).play(None);
        for chat in 0..CHATS {
            let alone = Player::new(&config, &script).play(Some(chat));
            prop_assert_eq!(chat_view(&script, &all, chat), chat_view(&script, &alone, chat));
        }
    }

    /// With tight memory (few ids, chats forgotten quickly, few ended chats
    /// remembered) memory stays within its bounds (checked after every
    /// step), every offer is still decided once, the windows hold, the newest
    /// read receipt is not lost, and once time runs on every chat is
    /// forgotten.
    #[test]
    fn bounded_memory(config in tight_config(), script in script()) {
        let log = Player::new(&config, &script).play(None);
        every_offer_decided_once(&script, &log);
        windows_respected(&config, &log);
        newest_read_sent(&script, &log);
        Player::new(&config, &script).play_until_forgotten();
    }
}
