//! The paced senders on both transports, over the simulated service with a
//! token bucket per connection token (as the real service throttles): the
//! same semantics on both (issue 15).

use std::collections::HashMap;
use std::time::Duration;

use connect_participant::pacing::{DropReason, Fate, OfferId, PacedEvent, PacerConfig, Report};
use connect_participant::{Config, ConnectionToken, SendEvent, ServiceErrorKind};
use connect_participant_mock::{MockServer, MockService, TokenBucket};

/// Short windows, so the tests run in real time.
fn config() -> PacerConfig {
    PacerConfig::default()
        .with_typing_window(Duration::from_millis(400))
        .with_receipt_window(Duration::from_millis(300))
        .with_delivered_hold(Duration::from_millis(50))
}

/// A paced sender of either transport, driven the same way.
enum Sender {
    Blocking(
        connect_participant_ureq::PacedSender,
        std::sync::mpsc::Receiver<Report>,
    ),
    Async(
        connect_participant_hyper::PacedSender,
        connect_participant_hyper::Reports,
        tokio::runtime::Runtime,
    ),
}

impl Sender {
    fn start(which: &str, url: &str, pacer: PacerConfig) -> Sender {
        let config = Config::builder()
            .endpoint_url(url)
            .max_attempts(1)
            .build()
            .expect("config");
        match which {
            "ureq" => {
                let client = connect_participant_ureq::Client::new(config).expect("client");
                let (s, r) = connect_participant_ureq::PacedSender::spawn(client, pacer);
                Sender::Blocking(s, r)
            }
            _ => {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("runtime");
                let (s, r) = rt.block_on(async {
                    let client = connect_participant_hyper::Client::new(config).expect("client");
                    connect_participant_hyper::PacedSender::spawn(client, pacer)
                });
                Sender::Async(s, r, rt)
            }
        }
    }

    fn offer(&self, chat: &ConnectionToken, event: PacedEvent) -> OfferId {
        match self {
            Sender::Blocking(s, _) => s.offer(chat.clone(), event),
            Sender::Async(s, _, rt) => {
                let _guard = rt.enter();
                s.offer(chat.clone(), event)
            }
        }
    }

    /// Shuts down and gives every report, by offer.
    fn finish(self) -> HashMap<OfferId, Report> {
        match self {
            Sender::Blocking(s, reports) => {
                s.shutdown();
                reports.iter().map(|r| (r.offer, r)).collect()
            }
            Sender::Async(s, mut reports, rt) => rt.block_on(async {
                s.shutdown().await;
                let mut all = HashMap::new();
                while let Some(r) = reports.recv().await {
                    all.insert(r.offer, r);
                }
                all
            }),
        }
    }
}

impl Sender {
    /// Drops the sender without a shutdown and gives every report, by
    /// offer; the reports must end by themselves (within 10 s).
    fn drop_and_collect(self) -> HashMap<OfferId, Report> {
        match self {
            Sender::Blocking(s, reports) => {
                drop(s);
                reports.iter().map(|r| (r.offer, r)).collect()
            }
            Sender::Async(s, mut reports, rt) => rt.block_on(async {
                drop(s);
                let mut all = HashMap::new();
                let collect = async {
                    while let Some(r) = reports.recv().await {
                        all.insert(r.offer, r);
                    }
                };
                tokio::time::timeout(Duration::from_secs(10), collect)
                    .await
                    .expect("the reports end once the sender is dropped");
                all
            }),
        }
    }
}

fn sent_ok(r: &Report) -> bool {
    matches!(r.fate, Fate::Sent(Ok(_)))
}

#[test]
fn a_typing_storm_and_a_burst_of_reads_stay_under_the_throttle_when_paced() {
    for which in ["ureq", "hyper"] {
        let service = MockService::new();
        service.set_token_bucket(Some(TokenBucket::new(3, Duration::from_millis(500))));
        let server = MockServer::start(service).expect("server");
        let chat = server.service().open_chat();
        let token = ConnectionToken::new(&chat.customer);

        // Unpaced, the same burst is throttled by the service.
        let client = connect_participant_ureq::Client::new(
            Config::builder()
                .endpoint_url(server.url())
                .max_attempts(1)
                .build()
                .expect("config"),
        )
        .expect("client");
        let throttled = (0..20)
            .filter(|_| {
                client
                    .send_event(SendEvent::typing(&chat.customer))
                    .err()
                    .and_then(|e| e.service_error().map(|s| s.kind()))
                    == Some(ServiceErrorKind::Throttling)
            })
            .count();
        assert!(
            throttled >= 15,
            "{which}: unpaced, {throttled} of 20 throttled"
        );
        std::thread::sleep(Duration::from_millis(1600)); // the bucket refills

        let sender = Sender::start(which, &server.url(), config());
        let mut offers = Vec::new();
        for i in 0..200 {
            offers.push(sender.offer(&token, PacedEvent::Typing));
            if i % 10 == 0 {
                let id = format!("m-{}", i / 10);
                offers.push(sender.offer(&token, PacedEvent::read(id)));
            }
        }
        let reports = sender.finish();
        assert_eq!(reports.len(), offers.len(), "{which}: one report an offer");
        let sent: Vec<&Report> = reports
            .values()
            .filter(|r| matches!(r.fate, Fate::Sent(_)))
            .collect();
        assert!(
            sent.iter().all(|r| sent_ok(r)),
            "{which}: a paced call failed: {sent:?}"
        );
        assert!(
            sent.len() <= 3,
            "{which}: {} calls for one burst",
            sent.len()
        );
        // The newest read receipt reached the service.
        let last = r#"{"messageId":"m-19"}"#;
        let transcript = server.service().transcript(chat.id);
        assert!(
            transcript
                .iter()
                .any(|e| e.content.as_deref() == Some(last)),
            "{which}: the last read receipt was not sent"
        );
        let throttled_offers = reports
            .values()
            .filter(|r| r.fate == Fate::Dropped(DropReason::Throttled))
            .count();
        assert_eq!(throttled_offers, 199, "{which}: typing kept to one");
    }
}

#[test]
fn shutdown_sends_the_pending_read_receipt_and_chats_are_independent() {
    for which in ["ureq", "hyper"] {
        let server = MockServer::start(MockService::new()).expect("server");
        let (a, b) = (server.service().open_chat(), server.service().open_chat());
        let (ta, tb) = (
            ConnectionToken::new(&a.customer),
            ConnectionToken::new(&b.customer),
        );
        let long = PacerConfig::default(); // 10 s typing, 5 s receipt windows
        let sender = Sender::start(which, &server.url(), long);
        let first = sender.offer(&ta, PacedEvent::read("m-1")); // at once
        std::thread::sleep(Duration::from_millis(200));
        let pending = sender.offer(&ta, PacedEvent::read("m-2")); // waits for the window
        let typing_a = sender.offer(&ta, PacedEvent::Typing);
        let typing_b = sender.offer(&tb, PacedEvent::Typing); // chat B: its own window
        let reports = sender.finish();
        for offer in [first, pending, typing_a, typing_b] {
            assert!(sent_ok(&reports[&offer]), "{which}: {:?}", reports[&offer]);
        }
        let reads: Vec<_> = server
            .service()
            .transcript(a.id)
            .into_iter()
            .filter_map(|e| e.content)
            .collect();
        assert_eq!(
            reads,
            [r#"{"messageId":"m-1"}"#, r#"{"messageId":"m-2"}"#],
            "{which}"
        );
        assert_eq!(server.service().transcript(b.id).len(), 1, "{which}");
    }
}

#[test]
fn a_dropped_sender_still_sends_the_pending_receipt_and_its_reports_end() {
    for which in ["ureq", "hyper"] {
        let server = MockServer::start(MockService::new()).expect("server");
        let chat = server.service().open_chat();
        let token = ConnectionToken::new(&chat.customer);
        let sender = Sender::start(which, &server.url(), PacerConfig::default());
        let first = sender.offer(&token, PacedEvent::read("m-1"));
        std::thread::sleep(Duration::from_millis(200));
        let pending = sender.offer(&token, PacedEvent::read("m-2")); // waits for the window
        let reports = sender.drop_and_collect();
        for offer in [first, pending] {
            assert!(sent_ok(&reports[&offer]), "{which}: {:?}", reports[&offer]);
        }
        assert_eq!(server.service().transcript(chat.id).len(), 2, "{which}");
    }
}

#[test]
fn a_403_on_an_ended_chat_ends_it_in_the_pacer() {
    for which in ["ureq", "hyper"] {
        let server = MockServer::start(MockService::new()).expect("server");
        let chat = server.service().open_chat();
        let token = ConnectionToken::new(&chat.customer);
        server.service().end_chat(chat.id);
        let sender = Sender::start(which, &server.url(), config());
        let refused = sender.offer(&token, PacedEvent::read("m-1"));
        std::thread::sleep(Duration::from_millis(500)); // the 403 comes back
        let after = sender.offer(&token, PacedEvent::read("m-2"));
        let reports = sender.finish();
        match &reports[&refused].fate {
            Fate::Sent(Err(e)) => assert_eq!(
                e.service_error().map(|s| s.kind()),
                Some(ServiceErrorKind::AccessDenied),
                "{which}"
            ),
            other => panic!("{which}: {other:?}"),
        }
        assert_eq!(
            reports[&after].fate,
            Fate::Dropped(DropReason::Ended),
            "{which}"
        );
        assert!(
            !format!("{:?}", reports.values().collect::<Vec<_>>()).contains(&chat.customer),
            "{which}: a report shows the token"
        );
    }
}
