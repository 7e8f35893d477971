//! The paced sender over the async client: offers never wait on the
//! network; a background task sends what the core's pacer releases
//! (docs/spec.md#pacing) and reports every offer's fate.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use connect_participant_core::pacing::{
    self, OfferId, PacedEvent, PacedQueue, PacerConfig, Report, Transmit,
};
use connect_participant_core::{ConnectionToken, Error, SendEventOutput};
use tokio::sync::{mpsc, Notify};
use tokio::time::Instant;

use crate::Client;

/// Sends typing events and receipts for many chats, paced per chat as
/// Amazon's chat clients pace them, over an async [`Client`]. A chat is
/// keyed by its connection token (kept secret: never in `Debug` or errors).
///
/// [`offer`](PacedSender::offer) never waits on the network: a background
/// task on the current Tokio runtime sends what the pacer releases, each
/// call in a task of its own (one chat's slow call never delays another's),
/// and reports every offer's fate on [`Reports`]. [`shutdown`](PacedSender::shutdown)
/// sends the pending receipts (a pending read receipt is sent, not lost),
/// waits for the calls in flight, and ends the reports.
///
/// Time is Tokio's: under `tokio::time::pause()` the windows pass as the
/// test advances the clock.
///
/// ```
/// use connect_participant::hyper::{Client, PacedSender};
/// use connect_participant::mock::{MockServer, MockService};
/// use connect_participant::pacing::{Fate, PacedEvent, PacerConfig};
/// use connect_participant::{Config, ConnectionToken};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = MockServer::start(MockService::new())?;
/// let chat = server.service().open_chat();
/// let client = Client::new(Config::for_endpoint(&server.url())?)?;
/// let (sender, mut reports) = PacedSender::spawn(client, PacerConfig::default());
/// let token = ConnectionToken::new(&chat.customer);
/// for _ in 0..50 {
///     sender.offer(token.clone(), PacedEvent::Typing); // a keystroke each
/// }
/// sender.offer(token.clone(), PacedEvent::read("m-1"));
/// sender.shutdown().await;
/// let mut sent = 0;
/// while let Some(report) = reports.recv().await {
///     if matches!(report.fate, Fate::Sent(Ok(_))) {
///         sent += 1;
///     }
/// }
/// assert_eq!(sent, 2); // one typing event, one read receipt
/// assert_eq!(server.service().transcript(chat.id).len(), 2);
/// # Ok(()) }
/// ```
pub struct PacedSender {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

/// The reports of a [`PacedSender`], one per offer, in the order the fates
/// are known. Ends after [`PacedSender::shutdown`].
pub struct Reports(mpsc::UnboundedReceiver<Report>);

impl Reports {
    /// The next report; `None` once the sender has shut down and every
    /// report was read.
    pub async fn recv(&mut self) -> Option<Report> {
        self.0.recv().await
    }
}

struct Shared {
    queue: Mutex<PacedQueue>,
    wake: Notify,
    start: Instant,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, PacedQueue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

impl std::fmt::Debug for PacedSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacedSender")
            .field("queue", &*self.shared.lock())
            .finish_non_exhaustive()
    }
}

impl PacedSender {
    /// Starts the sender's task on the current Tokio runtime (with the time
    /// driver, as the client needs). Panics outside a runtime, as
    /// `tokio::spawn` does.
    pub fn spawn(client: Client, config: PacerConfig) -> (PacedSender, Reports) {
        let shared = Arc::new(Shared {
            queue: Mutex::new(PacedQueue::new(config)),
            wake: Notify::new(),
            start: Instant::now(),
        });
        let (reports_tx, reports_rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(shared.clone(), client, reports_tx));
        (PacedSender { shared, task }, Reports(reports_rx))
    }

    /// Offers an event of the chat with this connection token; returns at
    /// once. Its fate comes as a [`Report`] with the returned id.
    pub fn offer(&self, chat: ConnectionToken, event: PacedEvent) -> OfferId {
        let now = self.shared.now();
        let offer = self.shared.lock().offer(now, chat, event);
        self.shared.wake.notify_one();
        offer
    }

    /// The chat has ended: its pending events are dropped and later offers
    /// for it too.
    pub fn end_chat(&self, chat: &ConnectionToken) {
        let now = self.shared.now();
        self.shared.lock().end_chat(now, chat);
        self.shared.wake.notify_one();
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
        self.shared.lock().seed_receipts(now, chat, read, delivered);
    }

    /// Sends every pending receipt now (the newest read receipt of each
    /// chat included), waits for the calls in flight, and stops; the
    /// reports end after the last one.
    pub async fn shutdown(mut self) {
        self.close();
        let _ = (&mut self.task).await;
    }

    fn close(&self) {
        self.shared.lock().close();
        self.shared.wake.notify_one();
    }
}

/// Dropped without [`shutdown`](PacedSender::shutdown): the task still
/// sends what is pending, in the background, and then ends (and so do the
/// reports); nothing waits for it.
impl Drop for PacedSender {
    fn drop(&mut self) {
        self.close();
    }
}

type Done = (Transmit<ConnectionToken>, Result<SendEventOutput, Error>);

/// The background task: release, send, report, sleep until the next timer.
async fn run(shared: Arc<Shared>, client: Client, reports: mpsc::UnboundedSender<Report>) {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Done>();
    let mut in_flight = 0usize;
    loop {
        let (transmits, next, finished) = {
            let mut queue = shared.lock();
            let (transmits, dropped) = queue.release(shared.now());
            send_all(&reports, dropped);
            (transmits, queue.next_timeout(), queue.is_finished())
        };
        for transmit in transmits {
            in_flight += 1;
            let (client, done) = (client.clone(), done_tx.clone());
            tokio::spawn(async move {
                let result = client.send_event(pacing::send_event(&transmit)).await;
                let _ = done.send((transmit, result));
            });
        }
        if finished && in_flight == 0 {
            return;
        }
        let timer = async {
            match next {
                Some(at) => tokio::time::sleep_until(shared.start + at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = shared.wake.notified() => {}
            _ = timer => {}
            Some((transmit, result)) = done_rx.recv() => {
                in_flight -= 1;
                let done = shared.lock().complete(shared.now(), transmit, result);
                send_all(&reports, done);
            }
        }
    }
}

fn send_all(to: &mpsc::UnboundedSender<Report>, reports: Vec<Report>) {
    for report in reports {
        let _ = to.send(report);
    }
}
