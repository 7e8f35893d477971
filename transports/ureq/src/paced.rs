//! The paced sender over the blocking client: offers never wait on the
//! network; worker threads send what the core's pacer releases
//! (docs/spec.md#pacing) and report every offer's fate.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use connect_participant_core::pacing::{
    self, OfferId, PacedEvent, PacedQueue, PacerConfig, Report, Transmit,
};
use connect_participant_core::ConnectionToken;

use crate::Client;

/// Threads that make the calls: one chat's slow call delays another's only
/// when this many calls are slow at once.
const DEFAULT_WORKERS: usize = 4;

/// Sends typing events and receipts for many chats, paced per chat as
/// Amazon's chat clients pace them, over a blocking [`Client`]. A chat is
/// keyed by its connection token (kept secret: never in `Debug` or errors).
///
/// The same semantics as the async sender: [`offer`](PacedSender::offer)
/// returns at once; a pacing thread releases events when their time comes
/// and worker threads (4 by default) make the calls; every offer's fate
/// arrives as a [`Report`] on the channel [`spawn`](PacedSender::spawn)
/// returns. [`shutdown`](PacedSender::shutdown) sends the pending receipts
/// (a pending read receipt is sent, not lost), waits for the calls in
/// flight, and closes the channel.
///
/// ```
/// use connect_participant::mock::{MockServer, MockService};
/// use connect_participant::pacing::{Fate, PacedEvent, PacerConfig};
/// use connect_participant::ureq::{Client, PacedSender};
/// use connect_participant::{Config, ConnectionToken};
///
/// let server = MockServer::start(MockService::new())?;
/// let chat = server.service().open_chat();
/// let client = Client::new(Config::for_endpoint(&server.url())?)?;
/// let (sender, reports) = PacedSender::spawn(client, PacerConfig::default());
/// let token = ConnectionToken::new(&chat.customer);
/// for _ in 0..50 {
///     sender.offer(token.clone(), PacedEvent::Typing); // a keystroke each
/// }
/// sender.offer(token.clone(), PacedEvent::read("m-1"));
/// sender.shutdown();
/// let sent = reports.iter().filter(|r| matches!(r.fate, Fate::Sent(Ok(_)))).count();
/// assert_eq!(sent, 2); // one typing event, one read receipt
/// assert_eq!(server.service().transcript(chat.id).len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PacedSender {
    shared: Arc<Shared>,
    pump: Option<JoinHandle<()>>,
    workers: Vec<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    start: Instant,
}

struct State {
    queue: PacedQueue,
    in_flight: usize,
    reports: Sender<Report>,
}

impl State {
    fn report(&self, reports: Vec<Report>) {
        for report in reports {
            let _ = self.reports.send(report);
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

impl std::fmt::Debug for PacedSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacedSender")
            .field("queue", &self.shared.lock().queue)
            .field("workers", &self.workers.len())
            .finish_non_exhaustive()
    }
}

impl PacedSender {
    /// Starts the pacing thread and 4 worker threads; returns the sender and
    /// the channel of reports (one per offer).
    pub fn spawn(client: Client, config: PacerConfig) -> (PacedSender, Receiver<Report>) {
        PacedSender::with_workers(client, config, DEFAULT_WORKERS)
    }

    /// [`spawn`](PacedSender::spawn) with this many worker threads (at least 1).
    pub fn with_workers(
        client: Client,
        config: PacerConfig,
        workers: usize,
    ) -> (PacedSender, Receiver<Report>) {
        let (reports_tx, reports_rx) = mpsc::channel();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: PacedQueue::new(config),
                in_flight: 0,
                reports: reports_tx,
            }),
            changed: Condvar::new(),
            start: Instant::now(),
        });
        let (work_tx, work_rx) = mpsc::channel::<Transmit<ConnectionToken>>();
        let work_rx = Arc::new(Mutex::new(work_rx));
        let workers = (0..workers.max(1))
            .map(|_| {
                let (shared, client, work) = (shared.clone(), client.clone(), work_rx.clone());
                std::thread::spawn(move || send_loop(&shared, &client, &work))
            })
            .collect();
        let pump_shared = shared.clone();
        let pump = Some(std::thread::spawn(move || pump(&pump_shared, work_tx)));
        (
            PacedSender {
                shared,
                pump,
                workers,
            },
            reports_rx,
        )
    }

    /// Offers an event of the chat with this connection token; returns at
    /// once. Its fate comes as a [`Report`] with the returned id.
    pub fn offer(&self, chat: ConnectionToken, event: PacedEvent) -> OfferId {
        let now = self.shared.now();
        let offer = self.shared.lock().queue.offer(now, chat, event);
        self.shared.changed.notify_all();
        offer
    }

    /// The chat has ended: its pending events are dropped and later offers
    /// for it too.
    pub fn end_chat(&self, chat: &ConnectionToken) {
        let now = self.shared.now();
        self.shared.lock().queue.end_chat(now, chat);
        self.shared.changed.notify_all();
    }

    /// Marks what a resumed session's transcript shows as read or delivered.
    pub fn seed_receipts<R, D>(&self, chat: ConnectionToken, read: R, delivered: D)
    where
        R: IntoIterator,
        R::Item: AsRef<str>,
        D: IntoIterator,
        D::Item: AsRef<str>,
    {
        let now = self.shared.now();
        self.shared
            .lock()
            .queue
            .seed_receipts(now, chat, read, delivered);
    }

    /// Sends every pending receipt now (the newest read receipt of each
    /// chat included), waits for the calls in flight, and stops the
    /// threads; the reports channel closes after the last report.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.lock().queue.close();
        self.shared.changed.notify_all();
        if let Some(pump) = self.pump.take() {
            let _ = pump.join();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl Drop for PacedSender {
    /// Dropping the sender shuts it down as [`PacedSender::shutdown`] does.
    fn drop(&mut self) {
        self.stop();
    }
}

/// The pacing thread: release, hand out, report drops, sleep until the next
/// timer or a change. Returns (closing the work channel) once closing and
/// nothing is pending or in flight.
fn pump(shared: &Shared, work: Sender<Transmit<ConnectionToken>>) {
    let mut state = shared.lock();
    loop {
        let now = shared.now();
        let (transmits, dropped) = state.queue.release(now);
        state.report(dropped);
        for transmit in transmits {
            state.in_flight += 1;
            if work.send(transmit).is_err() {
                state.in_flight -= 1;
            }
        }
        if state.queue.is_finished() && state.in_flight == 0 {
            return;
        }
        let wait = match state.queue.next_timeout() {
            Some(at) => at.saturating_sub(now),
            None => Duration::from_secs(3600),
        };
        state = shared
            .changed
            .wait_timeout(state, wait)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}

/// A worker: make the call of each transmit, tell the pacer, report.
fn send_loop(shared: &Shared, client: &Client, work: &Mutex<Receiver<Transmit<ConnectionToken>>>) {
    loop {
        let next = work.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(transmit) = next else {
            return;
        };
        let result = client.send_event(pacing::send_event(&transmit));
        let mut state = shared.lock();
        let done = state.queue.complete(shared.now(), transmit, result);
        state.in_flight -= 1;
        state.report(done);
        drop(state);
        shared.changed.notify_all();
    }
}
