//! The bookkeeping every paced sender shares, whatever runs it (a thread, a
//! task, your own loop): the pacer keyed by connection token, the events
//! offered and not yet decided, and the reports.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use crate::pacing::{
    outcome_of, Action, Fate, OfferId, PacedEvent, Pacer, PacerConfig, Report, Transmit,
};
use crate::{ConnectionToken, Error, SendEventOutput};

/// A pacer for chats keyed by their connection token, with what a sender
/// needs around it: each offer's event kept until it is decided, so that
/// every offer gets exactly one [`Report`]; shutting down (flush, then
/// finished once nothing is pending). A sender holds one behind a lock,
/// sends what [`release`](PacedQueue::release) gives, and hands each call's
/// result to [`complete`](PacedQueue::complete).
///
/// ```
/// use std::time::Duration;
/// use connect_participant::pacing::{Fate, PacedEvent, PacedQueue, PacerConfig};
/// use connect_participant::{ConnectionToken, SendEventOutput};
///
/// let mut queue = PacedQueue::new(PacerConfig::default());
/// let chat = ConnectionToken::new("token");
/// let now = Duration::ZERO;
/// queue.offer(now, chat.clone(), PacedEvent::Typing);
/// queue.offer(now, chat.clone(), PacedEvent::Typing);
/// let (transmits, dropped) = queue.release(now);
/// assert_eq!((transmits.len(), dropped.len()), (1, 1)); // the second one: throttled
/// let report = queue.complete(now, transmits[0].clone(), Ok(SendEventOutput::default()));
/// assert!(matches!(report[0].fate, Fate::Sent(Ok(_))));
/// queue.close();
/// assert!(queue.is_finished());
///
/// // A drop is reported even when the configuration turns decisions off.
/// let mut queue = PacedQueue::new(PacerConfig::default().with_decisions(false));
/// queue.offer(now, chat.clone(), PacedEvent::Typing);
/// queue.offer(now, chat.clone(), PacedEvent::Typing);
/// assert_eq!(queue.release(now).1.len(), 1);
/// ```
pub struct PacedQueue {
    pacer: Pacer<ConnectionToken>,
    /// The events offered and not yet decided, for their reports.
    offered: HashMap<OfferId, PacedEvent>,
    closing: bool,
}

impl fmt::Debug for PacedQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacedQueue")
            .field("pacer", &self.pacer)
            .field("undecided", &self.offered.len())
            .field("closing", &self.closing)
            .finish()
    }
}

impl PacedQueue {
    /// An empty queue with this pacing. The queue reads the pacer's
    /// decisions for its reports, so they stay on whatever
    /// [`PacerConfig::with_decisions`] says.
    pub fn new(config: PacerConfig) -> Self {
        PacedQueue {
            pacer: Pacer::new(config.with_decisions(true)),
            offered: HashMap::new(),
            closing: false,
        }
    }

    /// Offers an event of a chat at `now`; its fate comes as a report.
    pub fn offer(&mut self, now: Duration, chat: ConnectionToken, event: PacedEvent) -> OfferId {
        let offer = self.pacer.offer(now, chat, event.clone());
        self.offered.insert(offer, event);
        offer
    }

    /// The chat has ended ([`Pacer::end_chat`]).
    pub fn end_chat(&mut self, now: Duration, chat: &ConnectionToken) {
        self.pacer.end_chat(now, chat);
    }

    /// Marks what a resumed session's transcript shows ([`Pacer::seed_receipts`]).
    pub fn seed_receipts<R, D>(
        &mut self,
        now: Duration,
        chat: ConnectionToken,
        read: R,
        delivered: D,
    ) where
        R: IntoIterator,
        R::Item: AsRef<str>,
        D: IntoIterator,
        D::Item: AsRef<str>,
    {
        self.pacer.seed_receipts(now, chat, read, delivered);
    }

    /// Starts shutting down: from the next [`release`](PacedQueue::release)
    /// on, every pending receipt goes out at once.
    pub fn close(&mut self) {
        self.closing = true;
    }

    /// Runs the timers due at `now` (and flushes when closing); gives the
    /// events to send now and the reports of the offers dropped so far.
    pub fn release(&mut self, now: Duration) -> (Vec<Transmit<ConnectionToken>>, Vec<Report>) {
        if self.pacer.poll_timeout().is_some_and(|t| t <= now) {
            self.pacer.handle_timeout(now);
        }
        if self.closing {
            self.pacer.flush(now);
        }
        let mut transmits = Vec::new();
        while let Some(t) = self.pacer.poll_transmit(now) {
            transmits.push(t);
        }
        (transmits, self.dropped())
    }

    /// A call ended: tells the pacer (a 403 ends the chat) and gives its
    /// report, with the reports of offers dropped because of it.
    pub fn complete(
        &mut self,
        now: Duration,
        transmit: Transmit<ConnectionToken>,
        result: Result<SendEventOutput, Error>,
    ) -> Vec<Report> {
        self.pacer
            .handle_outcome(now, &transmit, outcome_of(&result));
        self.offered.remove(&transmit.offer);
        let mut reports = vec![Report::new(
            transmit.offer,
            transmit.event,
            Fate::Sent(result),
        )];
        reports.extend(self.dropped());
        reports
    }

    /// When [`release`](PacedQueue::release) has something to do next, if
    /// anything is pending.
    pub fn next_timeout(&self) -> Option<Duration> {
        self.pacer.poll_timeout()
    }

    /// True once closing and nothing is pending (calls in flight are the
    /// sender's to wait for).
    pub fn is_finished(&self) -> bool {
        self.closing && self.pacer.pending() == 0
    }

    /// Reports of the offers the pacer dropped; sent ones are reported by
    /// [`complete`](PacedQueue::complete).
    fn dropped(&mut self) -> Vec<Report> {
        let mut reports = Vec::new();
        while let Some(decision) = self.pacer.poll_decision() {
            if let Action::Drop(reason) = decision.action {
                if let Some(event) = self.offered.remove(&decision.offer) {
                    reports.push(Report::new(decision.offer, event, Fate::Dropped(reason)));
                }
            }
        }
        reports
    }
}
