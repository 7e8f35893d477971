//! Unit tests of the pacer's rules, with exact times (in milliseconds).

use std::collections::HashMap;
use std::time::Duration;

use super::*;

const fn ms(t: u64) -> Duration {
    Duration::from_millis(t)
}

/// Drives a pacer as a sender would, keeping what was sent and decided.
struct Driver {
    pacer: Pacer<&'static str>,
    /// (time ms, chat, "kind id") of every event handed out.
    sent: Vec<(u64, &'static str, String)>,
    decisions: HashMap<OfferId, (Action, u64)>,
    /// The outcome the "service" gives each transmit.
    outcome: fn(&Transmit<&'static str>) -> Outcome,
}

fn label(event: &PacedEvent) -> String {
    match event.message_id() {
        Some(id) => format!("{} {id}", event.name()),
        None => event.name().to_owned(),
    }
}

impl Driver {
    fn new(config: PacerConfig) -> Self {
        Driver {
            pacer: Pacer::new(config),
            sent: Vec::new(),
            decisions: HashMap::new(),
            outcome: |_| Outcome::Sent,
        }
    }

    fn default() -> Self {
        Driver::new(PacerConfig::default())
    }

    /// Runs every timer due up to `t`, at its own time.
    fn run_to(&mut self, t: u64) {
        while let Some(due) = self.pacer.poll_timeout().filter(|&d| d <= ms(t)) {
            self.pacer.handle_timeout(due);
            self.drain(due);
        }
    }

    fn drain(&mut self, now: Duration) {
        let at = u64::try_from(now.as_millis()).unwrap();
        while let Some(transmit) = self.pacer.poll_transmit(now) {
            self.sent.push((at, transmit.chat, label(&transmit.event)));
            let outcome = (self.outcome)(&transmit);
            self.pacer.handle_outcome(now, &transmit, outcome);
        }
        while let Some(d) = self.pacer.poll_decision() {
            let at = u64::try_from(d.at.as_millis()).unwrap();
            let before = self.decisions.insert(d.offer, (d.action, at));
            assert!(before.is_none(), "two decisions for {:?}", d.offer);
        }
    }

    fn offer(&mut self, t: u64, chat: &'static str, event: PacedEvent) -> OfferId {
        self.run_to(t);
        let id = self.pacer.offer(ms(t), chat, event);
        self.drain(ms(t));
        id
    }

    fn end(&mut self, t: u64, chat: &'static str) {
        self.run_to(t);
        self.pacer.end_chat(ms(t), &chat);
        self.drain(ms(t));
    }

    fn flush(&mut self, t: u64) {
        self.run_to(t);
        self.pacer.flush(ms(t));
        self.drain(ms(t));
    }

    /// Lets time run until nothing is pending.
    fn finish(&mut self) {
        while self.pacer.pending() > 0 {
            let due = self.pacer.poll_timeout().expect("a timer while pending");
            self.pacer.handle_timeout(due);
            self.drain(due);
        }
    }

    fn decision(&self, id: OfferId) -> (Action, u64) {
        *self.decisions.get(&id).expect("decided")
    }

    fn sent(&self) -> Vec<(u64, &'static str, &str)> {
        self.sent
            .iter()
            .map(|(t, c, e)| (*t, *c, e.as_str()))
            .collect()
    }
}

const SEND: Action = Action::Send;
const DUPLICATE: Action = Action::Drop(DropReason::Duplicate);
const SUPERSEDED: Action = Action::Drop(DropReason::Superseded);
const THROTTLED: Action = Action::Drop(DropReason::Throttled);
const ENDED: Action = Action::Drop(DropReason::Ended);

#[test]
fn typing_leading_edge_one_a_window() {
    let mut d = Driver::default();
    let ids: Vec<_> = [0, 5_000, 9_999, 10_000, 15_000, 19_999, 25_000]
        .into_iter()
        .map(|t| d.offer(t, "a", PacedEvent::Typing))
        .collect();
    let got: Vec<_> = ids.iter().map(|&id| d.decision(id)).collect();
    assert_eq!(
        got,
        [
            (SEND, 0),
            (THROTTLED, 5_000),
            (THROTTLED, 9_999),
            (SEND, 10_000),
            (THROTTLED, 15_000),
            (THROTTLED, 19_999),
            (SEND, 25_000),
        ]
    );
    assert_eq!(
        d.sent(),
        [
            (0, "a", "typing"),
            (10_000, "a", "typing"),
            (25_000, "a", "typing")
        ]
    );
}

#[test]
fn typing_windows_are_per_chat() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::Typing);
    d.offer(1, "b", PacedEvent::Typing);
    d.offer(2, "a", PacedEvent::Typing);
    assert_eq!(d.sent(), [(0, "a", "typing"), (1, "b", "typing")]);
}

#[test]
fn zero_typing_window_sends_every_one() {
    let mut d = Driver::new(PacerConfig::default().with_typing_window(Duration::ZERO));
    d.offer(0, "a", PacedEvent::Typing);
    d.offer(0, "a", PacedEvent::Typing);
    assert_eq!(d.sent().len(), 2);
}

#[test]
fn delivered_is_held_then_sent() {
    let mut d = Driver::default();
    let id = d.offer(0, "a", PacedEvent::delivered("m1"));
    assert!(d.sent.is_empty());
    assert_eq!(d.pacer.pending(), 1);
    assert_eq!(d.pacer.poll_timeout(), Some(ms(300)));
    d.finish();
    assert_eq!(d.sent(), [(300, "a", "delivered m1")]);
    assert_eq!(d.decision(id), (SEND, 300));
}

#[test]
fn zero_hold_sends_delivered_at_once_in_a_quiet_window() {
    let mut d = Driver::new(PacerConfig::default().with_delivered_hold(Duration::ZERO));
    d.offer(7, "a", PacedEvent::delivered("m1"));
    assert_eq!(d.sent(), [(7, "a", "delivered m1")]);
    // The window is open now: the next one waits for its end.
    d.offer(8, "a", PacedEvent::delivered("m2"));
    d.finish();
    assert_eq!(d.sent()[1], (5_007, "a", "delivered m2"));
}

#[test]
fn read_replaces_held_delivered_of_same_message() {
    let mut d = Driver::default();
    let delivered = d.offer(0, "a", PacedEvent::delivered("m1"));
    let read = d.offer(100, "a", PacedEvent::read("m1"));
    d.finish();
    assert_eq!(d.decision(delivered), (SUPERSEDED, 100));
    assert_eq!(d.decision(read), (SEND, 100));
    assert_eq!(d.sent(), [(100, "a", "read m1")]);
}

#[test]
fn read_of_another_message_leaves_held_delivered() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::delivered("m2"));
    d.offer(100, "a", PacedEvent::read("m1"));
    d.finish();
    assert_eq!(
        d.sent(),
        [(100, "a", "read m1"), (300, "a", "delivered m2")]
    );
}

#[test]
fn no_delivered_once_read_sent_or_pending() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::read("m1")); // sent at once
    let after_sent = d.offer(1_000, "a", PacedEvent::delivered("m1"));
    d.offer(1_000, "a", PacedEvent::read("m2")); // pending: the window is open
    let after_pending = d.offer(2_000, "a", PacedEvent::delivered("m2"));
    d.finish();
    assert_eq!(d.decision(after_sent), (SUPERSEDED, 1_000));
    assert_eq!(d.decision(after_pending), (SUPERSEDED, 2_000));
    assert_eq!(d.sent(), [(0, "a", "read m1"), (5_000, "a", "read m2")]);
}

#[test]
fn never_two_receipts_of_a_kind_for_a_message() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::read("m1"));
    d.offer(0, "a", PacedEvent::delivered("m2"));
    let pending_again = d.offer(100, "a", PacedEvent::delivered("m2"));
    let again = d.offer(60_000, "a", PacedEvent::read("m1"));
    d.offer(60_000, "a", PacedEvent::read("m3"));
    d.offer(60_001, "a", PacedEvent::read("m4")); // pending until 65 s
    let read_pending_again = d.offer(61_000, "a", PacedEvent::read("m4"));
    let sent_again = d.offer(70_000, "a", PacedEvent::delivered("m2"));
    d.finish();
    assert_eq!(d.decision(again), (DUPLICATE, 60_000));
    assert_eq!(d.decision(pending_again), (DUPLICATE, 100));
    assert_eq!(d.decision(sent_again), (DUPLICATE, 70_000));
    assert_eq!(d.decision(read_pending_again), (DUPLICATE, 61_000));
    assert_eq!(
        d.sent(),
        [
            (0, "a", "read m1"),
            (300, "a", "delivered m2"),
            (60_000, "a", "read m3"),
            (65_000, "a", "read m4"),
        ]
    );
}

#[test]
fn read_window_sends_the_newest_pending_at_its_end() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::read("m1"));
    let m2 = d.offer(1_000, "a", PacedEvent::read("m2"));
    let m3 = d.offer(2_000, "a", PacedEvent::read("m3"));
    let m4 = d.offer(6_000, "a", PacedEvent::read("m4")); // window 5 s..10 s
    let m5 = d.offer(16_000, "a", PacedEvent::read("m5")); // quiet again
    d.finish();
    assert_eq!(d.decision(m2), (SUPERSEDED, 2_000));
    assert_eq!(d.decision(m3), (SEND, 5_000));
    assert_eq!(d.decision(m4), (SEND, 10_000));
    assert_eq!(d.decision(m5), (SEND, 16_000));
    assert_eq!(
        d.sent(),
        [
            (0, "a", "read m1"),
            (5_000, "a", "read m3"),
            (10_000, "a", "read m4"),
            (16_000, "a", "read m5"),
        ]
    );
}

#[test]
fn superseded_read_counts_as_handled() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::read("m1"));
    d.offer(1_000, "a", PacedEvent::read("m2"));
    d.offer(2_000, "a", PacedEvent::read("m3")); // m2 superseded
    let m2_again = d.offer(3_000, "a", PacedEvent::read("m2"));
    d.finish();
    assert_eq!(d.decision(m2_again), (DUPLICATE, 3_000));
    assert_eq!(d.sent().last(), Some(&(5_000, "a", "read m3")));
}

#[test]
fn delivered_window_with_hold() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::delivered("m1")); // sent at 300, window to 5.3 s
    let m2 = d.offer(1_000, "a", PacedEvent::delivered("m2")); // due 5.3 s
    let m3 = d.offer(5_200, "a", PacedEvent::delivered("m3")); // due 5.5 s (its hold)
    d.finish();
    assert_eq!(d.decision(m2), (SUPERSEDED, 5_200));
    assert_eq!(d.decision(m3), (SEND, 5_500));
    assert_eq!(
        d.sent(),
        [(300, "a", "delivered m1"), (5_500, "a", "delivered m3")]
    );
}

#[test]
fn a_stream_of_delivered_receipts_does_not_starve() {
    let mut d = Driver::default();
    let ids: Vec<_> = (0..50)
        .map(|i| d.offer(i * 200, "a", PacedEvent::delivered(format!("m{i}"))))
        .collect();
    d.finish();
    // Each replaces the one before; the first pending came at 0, so one goes
    // out at 5 s, and the next one window later.
    assert_eq!(
        d.sent(),
        [
            (5_000, "a", "delivered m24"),
            (10_000, "a", "delivered m49")
        ]
    );
    assert_eq!(d.decision(ids[0]), (SUPERSEDED, 200));
    assert_eq!(d.decision(ids[24]), (SEND, 5_000));
}

#[test]
fn receipt_windows_are_per_kind() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::delivered("m1"));
    d.offer(400, "a", PacedEvent::read("m2"));
    d.offer(500, "a", PacedEvent::delivered("m3"));
    d.finish();
    assert_eq!(
        d.sent(),
        [
            (300, "a", "delivered m1"),
            (400, "a", "read m2"),
            (5_300, "a", "delivered m3"),
        ]
    );
}

#[test]
fn due_together_released_in_offer_order() {
    let mut d = Driver::new(PacerConfig::default().with_delivered_hold(Duration::ZERO));
    d.offer(0, "a", PacedEvent::read("r0"));
    d.offer(0, "a", PacedEvent::delivered("d0"));
    d.offer(1_000, "a", PacedEvent::read("r1"));
    d.offer(2_000, "a", PacedEvent::delivered("d1"));
    d.finish();
    assert_eq!(
        &d.sent()[2..],
        [(5_000, "a", "read r1"), (5_000, "a", "delivered d1")]
    );
}

#[test]
fn chats_are_independent() {
    // A noisy chat's typing, receipts and end, in time with a quiet one's.
    let mut interleaved = Driver::default();
    let mut quiet_only = Driver::default();
    for t in (0..20_000).step_by(100) {
        interleaved.offer(t, "noisy", PacedEvent::Typing);
        interleaved.offer(t, "noisy", PacedEvent::read(format!("n{t}")));
        interleaved.offer(t, "noisy", PacedEvent::delivered(format!("x{t}")));
        if t == 1_000 {
            for d in [&mut interleaved, &mut quiet_only] {
                d.offer(t, "quiet", PacedEvent::Typing);
                d.offer(t, "quiet", PacedEvent::read("q1"));
            }
        }
        if t == 2_000 {
            for d in [&mut interleaved, &mut quiet_only] {
                d.offer(t, "quiet", PacedEvent::delivered("q2"));
            }
        }
    }
    interleaved.end(20_000, "noisy");
    interleaved.finish();
    quiet_only.finish();
    let quiet = |d: &Driver| -> Vec<(u64, &str, String)> {
        d.sent
            .iter()
            .filter(|(_, c, _)| *c == "quiet")
            .cloned()
            .collect()
    };
    assert_eq!(quiet(&interleaved), quiet(&quiet_only));
    assert_eq!(
        quiet(&quiet_only),
        [
            (1_000, "quiet", "typing".to_owned()),
            (1_000, "quiet", "read q1".to_owned()),
            (2_300, "quiet", "delivered q2".to_owned()),
        ]
    );
}

#[test]
fn end_chat_drops_pending_and_later_events() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::read("m1"));
    let m2 = d.offer(1_000, "a", PacedEvent::read("m2"));
    let m3 = d.offer(1_000, "a", PacedEvent::delivered("m3")); // held to 1.3 s
    d.offer(1_000, "b", PacedEvent::read("b1"));
    d.end(1_200, "a");
    let later = d.offer(3_000, "a", PacedEvent::Typing);
    d.finish();
    assert_eq!(d.decision(m2), (ENDED, 1_200));
    assert_eq!(d.decision(m3), (ENDED, 1_200));
    assert_eq!(d.decision(later), (ENDED, 3_000));
    assert_eq!(d.sent(), [(0, "a", "read m1"), (1_000, "b", "read b1")]);
    assert_eq!((d.pacer.chats(), d.pacer.pending()), (1, 0));
    assert_eq!(d.pacer.stats().ended_chats, 1);
}

#[test]
fn end_chat_drops_released_events_not_yet_taken() {
    let mut pacer = Pacer::new(PacerConfig::default());
    let typing = pacer.offer(ms(0), "a", PacedEvent::Typing);
    let other = pacer.offer(ms(0), "b", PacedEvent::Typing);
    pacer.end_chat(ms(0), &"a");
    let t = pacer.poll_transmit(ms(0)).unwrap();
    assert_eq!((t.chat, t.offer), ("b", other));
    assert!(pacer.poll_transmit(ms(0)).is_none());
    let d = pacer.poll_decision().unwrap();
    assert_eq!((d.offer, d.action), (typing, ENDED));
}

#[test]
fn chat_ended_outcome_ends_the_chat() {
    let mut d = Driver::default();
    d.outcome = |t| {
        if t.chat == "gone" {
            Outcome::ChatEnded
        } else {
            Outcome::Sent
        }
    };
    d.offer(0, "gone", PacedEvent::Typing);
    let pending = d.offer(0, "gone", PacedEvent::delivered("m1"));
    let after = d.offer(20_000, "gone", PacedEvent::Typing);
    d.offer(20_000, "here", PacedEvent::Typing);
    assert_eq!(d.decision(pending), (ENDED, 0));
    assert_eq!(d.decision(after), (ENDED, 20_000));
    assert_eq!(
        d.sent(),
        [(0, "gone", "typing"), (20_000, "here", "typing")]
    );
}

#[test]
fn ended_chats_are_remembered_boundedly() {
    let config = PacerConfig::default()
        .with_max_ended_chats(2)
        .with_idle_after(Duration::from_secs(60));
    let mut d = Driver::new(config);
    d.end(0, "a");
    d.end(0, "b");
    d.end(0, "c"); // "a" is forgotten: only two are remembered
    let a = d.offer(1, "a", PacedEvent::Typing);
    let b = d.offer(1, "b", PacedEvent::Typing);
    let c = d.offer(60_000, "c", PacedEvent::Typing); // remembered 60 s only
    assert_eq!(d.decision(a), (SEND, 1));
    assert_eq!(d.decision(b), (ENDED, 1));
    assert_eq!(d.decision(c), (SEND, 60_000));
    assert!(d.pacer.stats().ended_chats <= 2);
}

#[test]
fn ended_chats_are_remembered_at_least_the_longest_window() {
    let config = PacerConfig::default().with_idle_after(Duration::from_secs(1));
    let mut d = Driver::new(config);
    d.offer(0, "a", PacedEvent::Typing);
    d.end(0, "a");
    let early = d.offer(9_999, "a", PacedEvent::Typing);
    let after = d.offer(10_000, "a", PacedEvent::Typing);
    assert_eq!(d.decision(early), (ENDED, 9_999));
    assert_eq!(d.decision(after), (SEND, 10_000));
}

#[test]
fn seeded_receipts_count_as_sent() {
    let mut d = Driver::default();
    d.pacer.seed_receipts(ms(0), "a", ["m1"], ["m1", "m2"]);
    let delivered_read = d.offer(0, "a", PacedEvent::delivered("m1"));
    let delivered_again = d.offer(0, "a", PacedEvent::delivered("m2"));
    let read_again = d.offer(0, "a", PacedEvent::read("m1"));
    d.offer(0, "a", PacedEvent::read("m2"));
    d.offer(0, "a", PacedEvent::delivered("m3"));
    d.finish();
    assert_eq!(d.decision(delivered_read), (SUPERSEDED, 0));
    assert_eq!(d.decision(delivered_again), (DUPLICATE, 0));
    assert_eq!(d.decision(read_again), (DUPLICATE, 0));
    assert_eq!(d.sent(), [(0, "a", "read m2"), (300, "a", "delivered m3")]);
}

#[test]
fn seeding_drops_pending_receipts_it_shows_sent() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::read("m0"));
    let read = d.offer(100, "a", PacedEvent::read("m1"));
    let delivered = d.offer(100, "a", PacedEvent::delivered("m2"));
    d.pacer
        .seed_receipts(ms(200), "a", ["m1", "m2"], std::iter::empty::<&str>());
    d.drain(ms(200));
    d.finish();
    assert_eq!(d.decision(read), (DUPLICATE, 200));
    assert_eq!(d.decision(delivered), (SUPERSEDED, 200));
    assert_eq!(d.pacer.pending(), 0);
}

#[test]
fn seeding_an_ended_chat_is_ignored() {
    let mut d = Driver::default();
    d.end(0, "a");
    d.pacer.seed_receipts(ms(0), "a", ["m1"], ["m1"]);
    assert_eq!(d.pacer.chats(), 0);
}

#[test]
fn flush_releases_every_pending_receipt_now() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::read("m1"));
    let m2 = d.offer(1_000, "a", PacedEvent::read("m2"));
    let m3 = d.offer(1_000, "a", PacedEvent::delivered("m3")); // held to 1.3 s
    d.offer(1_100, "b", PacedEvent::delivered("b1"));
    d.flush(1_200);
    assert_eq!(d.decision(m2), (SEND, 1_200));
    assert_eq!(d.decision(m3), (SEND, 1_200));
    assert_eq!(d.pacer.pending(), 0);
    assert_eq!(
        &d.sent()[1..],
        [
            (1_200, "a", "read m2"),
            (1_200, "a", "delivered m3"),
            (1_200, "b", "delivered b1"),
        ]
    );
    // The windows restart at the flush.
    d.offer(3_000, "a", PacedEvent::read("m4"));
    d.finish();
    assert_eq!(d.sent().last(), Some(&(6_200, "a", "read m4")));
}

#[test]
fn a_failed_receipt_can_be_offered_again() {
    let mut d = Driver::default();
    d.outcome = |t| match t.event.message_id() {
        Some("lost") => Outcome::Failed,
        _ => Outcome::Sent,
    };
    d.offer(0, "a", PacedEvent::read("lost"));
    d.outcome = |_| Outcome::Sent;
    let again = d.offer(10_000, "a", PacedEvent::read("lost"));
    assert_eq!(d.decision(again), (SEND, 10_000));
    // A failed typing event keeps its window.
    d.outcome = |_| Outcome::Failed;
    d.offer(20_000, "a", PacedEvent::Typing);
    let typing = d.offer(21_000, "a", PacedEvent::Typing);
    assert_eq!(d.decision(typing), (THROTTLED, 21_000));
}

#[test]
fn idle_chats_are_forgotten_after_their_windows() {
    let config = PacerConfig::default().with_idle_after(Duration::from_secs(1));
    let mut d = Driver::new(config);
    d.offer(0, "a", PacedEvent::Typing);
    d.offer(0, "a", PacedEvent::read("m1"));
    assert_eq!(d.pacer.chats(), 1);
    // Quiet for 1 s, but the typing window lasts 10 s.
    assert_eq!(d.pacer.poll_timeout(), Some(ms(10_000)));
    d.run_to(9_999);
    assert_eq!(d.pacer.chats(), 1);
    d.run_to(10_000);
    assert_eq!((d.pacer.chats(), d.pacer.poll_timeout()), (0, None));
    // Forgotten: its message ids too.
    let again = d.offer(10_000, "a", PacedEvent::read("m1"));
    assert_eq!(d.decision(again), (SEND, 10_000));
}

#[test]
fn activity_keeps_a_chat() {
    let config = PacerConfig::default()
        .with_idle_after(Duration::from_secs(20))
        .with_typing_window(Duration::ZERO);
    let mut d = Driver::new(config);
    d.offer(0, "a", PacedEvent::Typing);
    d.offer(15_000, "a", PacedEvent::Typing);
    d.run_to(34_999);
    assert_eq!(d.pacer.chats(), 1);
    d.run_to(35_000);
    assert_eq!(d.pacer.chats(), 0);
}

#[test]
fn message_ids_remembered_are_bounded() {
    let mut d = Driver::new(PacerConfig::default().with_max_message_ids(2));
    for (i, t) in [0, 10_000, 20_000].into_iter().enumerate() {
        d.offer(t, "a", PacedEvent::read(format!("m{i}")));
    }
    assert_eq!(d.pacer.stats().max_remembered_ids, 2);
    // The oldest id is forgotten: its receipt may go again.
    let m0 = d.offer(30_000, "a", PacedEvent::read("m0"));
    let m2 = d.offer(40_000, "a", PacedEvent::read("m2"));
    assert_eq!(d.decision(m0), (SEND, 30_000));
    assert_eq!(d.decision(m2), (DUPLICATE, 40_000));
}

#[test]
fn time_never_goes_back() {
    let mut pacer = Pacer::new(PacerConfig::default());
    pacer.offer(ms(10_000), "a", PacedEvent::Typing);
    let late = pacer.offer(ms(5_000), "a", PacedEvent::Typing);
    let d = std::iter::from_fn(|| pacer.poll_decision())
        .find(|d| d.offer == late)
        .unwrap();
    assert_eq!((d.action, d.at), (THROTTLED, ms(10_000)));
}

#[test]
fn poll_timeout_may_be_early_never_late() {
    let mut d = Driver::default();
    d.offer(0, "a", PacedEvent::delivered("m1"));
    d.offer(200, "a", PacedEvent::delivered("m2")); // held to 500 ms
    assert_eq!(d.pacer.poll_timeout(), Some(ms(300)));
    d.pacer.handle_timeout(ms(300));
    d.drain(ms(300));
    assert!(d.sent.is_empty());
    assert_eq!(d.pacer.poll_timeout(), Some(ms(500)));
    d.finish();
    assert_eq!(d.sent(), [(500, "a", "delivered m2")]);
}

#[test]
fn late_handle_timeout_releases_at_its_own_time() {
    let mut pacer = Pacer::new(PacerConfig::default());
    let id = pacer.offer(ms(0), "a", PacedEvent::delivered("m1"));
    // The sender was busy: it handles the 300 ms timer at 2 s.
    pacer.handle_timeout(ms(2_000));
    assert_eq!(pacer.poll_transmit(ms(2_000)).map(|t| t.offer), Some(id));
    // An offer also releases what is due first.
    pacer.offer(ms(2_000), "b", PacedEvent::delivered("m2"));
    let late = pacer.offer(ms(9_000), "b", PacedEvent::Typing);
    let offers: Vec<_> = std::iter::from_fn(|| pacer.poll_transmit(ms(9_000)))
        .map(|t| t.event)
        .collect();
    assert_eq!(offers, [PacedEvent::delivered("m2"), PacedEvent::Typing]);
    assert!(late.get() > id.get());
}

#[test]
fn decisions_can_be_turned_off() {
    let mut pacer = Pacer::new(PacerConfig::default().with_decisions(false));
    pacer.offer(ms(0), "a", PacedEvent::Typing);
    pacer.offer(ms(0), "a", PacedEvent::Typing);
    assert!(pacer.poll_transmit(ms(0)).is_some());
    assert!(pacer.poll_decision().is_none());
    assert_eq!(pacer.stats().decisions, 0);
}

#[test]
fn a_pacer_moves_between_threads() {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Pacer<String>>();
    send_and_sync::<Pacer<std::sync::Arc<str>>>();
}

#[test]
fn ending_drops_pending_in_offer_order() {
    let mut pacer = Pacer::new(PacerConfig::default());
    pacer.offer(ms(0), "a", PacedEvent::read("m0"));
    assert!(pacer.poll_transmit(ms(0)).is_some());
    let read = pacer.offer(ms(100), "a", PacedEvent::read("m1"));
    let delivered = pacer.offer(ms(200), "a", PacedEvent::delivered("m2"));
    pacer.end_chat(ms(250), &"a");
    let order: Vec<_> = std::iter::from_fn(|| pacer.poll_decision())
        .filter(|d| d.action == ENDED)
        .map(|d| d.offer)
        .collect();
    assert_eq!(order, [read, delivered]);
}

#[test]
fn keys_never_shown() {
    let secret = "AQIDAHh-secret-connection-token".to_owned();
    let mut pacer: Pacer<String> = Pacer::new(PacerConfig::default());
    pacer.offer(ms(0), secret.clone(), PacedEvent::read("m1"));
    pacer.offer(ms(0), secret.clone(), PacedEvent::delivered("m2"));
    pacer.end_chat(ms(1), &"other-secret".to_owned());
    let shown = format!("{pacer:?} {pacer:#?} {:?}", pacer.stats());
    let transmit = pacer.poll_transmit(ms(0)).unwrap();
    let decision = pacer.poll_decision().unwrap();
    let shown = format!("{shown} {transmit:?} {transmit:#?} {decision:?}");
    assert!(!shown.contains("secret"), "{shown}");
    assert!(shown.contains("chats: 1"), "{shown}");
}

#[test]
fn every_offer_decided_once_with_many_chats() {
    let mut d = Driver::default();
    let mut ids = Vec::new();
    let chats = ["a", "b", "c", "d"];
    for t in (0..30_000).step_by(37) {
        let chat = chats[(t as usize / 37) % chats.len()];
        let event = match t % 3 {
            0 => PacedEvent::Typing,
            1 => PacedEvent::read(format!("m{}", t / 500)),
            _ => PacedEvent::delivered(format!("m{}", t / 300)),
        };
        ids.push(d.offer(t, chat, event));
        if t % 7_000 == 0 {
            d.end(t, chats[t as usize % chats.len()]);
        }
    }
    d.finish();
    assert_eq!(d.decisions.len(), ids.len());
    assert!(ids.iter().all(|id| d.decisions.contains_key(id)));
    let stats = d.pacer.stats();
    assert_eq!(stats.pending_receipts, d.pacer.pending());
    assert!(stats.timers <= 2 * stats.chats + 1024);
}

#[test]
fn timers_stay_bounded_under_churn() {
    let mut d = Driver::new(PacerConfig::default().with_idle_after(Duration::from_secs(3_600)));
    // Each delivered receipt moves the chat's deadline earlier than its idle
    // timer, leaving a stale entry: they must not pile up.
    for i in 0..20_000u64 {
        let chat = ["a", "b", "c"][(i % 3) as usize];
        d.offer(i * 6_000, chat, PacedEvent::delivered(format!("m{i}")));
        assert!(d.pacer.stats().timers <= 2 * 3 + 1024 + 1);
    }
}
