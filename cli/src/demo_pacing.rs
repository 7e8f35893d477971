//! The demo's pacing scene: one customer typing 200 keystrokes and reading
//! a burst of 30 messages, sent unpaced and then paced, against a simulated
//! service that throttles each connection token with a token bucket.

use std::time::Duration;

use connect_participant_core::pacing::{Fate, PacedEvent, PacerConfig};
use connect_participant_core::{Config, ConnectionToken, SendEvent, ServiceErrorKind};
use connect_participant_mock::{MockServer, MockService, TokenBucket};

const KEYSTROKES: usize = 200;
const MESSAGES: usize = 30;

/// What reached the service from one way of sending.
#[derive(Default)]
struct Tally {
    requests: usize,
    throttled: usize,
    last_read_recorded: bool,
}

/// The burst, as a chat UI fires it: a keystroke each time, a read receipt
/// for every seventh keystroke's message, in order.
fn burst() -> impl Iterator<Item = PacedEvent> {
    (0..KEYSTROKES)
        .flat_map(|i| {
            let read = (i % 7 == 6 && i / 7 < MESSAGES)
                .then(|| PacedEvent::read(format!("msg-{:02}", i / 7)));
            std::iter::once(PacedEvent::Typing).chain(read)
        })
        .chain((KEYSTROKES / 7..MESSAGES).map(|m| PacedEvent::read(format!("msg-{m:02}"))))
}

fn last_read_recorded(server: &MockServer, chat: connect_participant_mock::ChatId) -> bool {
    let last = format!(r#"{{"messageId":"msg-{:02}"}}"#, MESSAGES - 1);
    server
        .service()
        .transcript(chat)
        .iter()
        .any(|e| e.content.as_deref() == Some(last.as_str()))
}

fn unpaced(server: &MockServer, client: &connect_participant_ureq::Client) -> Tally {
    let chat = server.service().open_chat();
    let mut tally = Tally::default();
    for event in burst() {
        let token = chat.customer.as_str();
        let call = match &event {
            PacedEvent::Read { message_id } => SendEvent::read_receipt(token, message_id),
            _ => SendEvent::typing(token),
        };
        tally.requests += 1;
        if let Err(e) = client.send_event(call) {
            if e.service_error().map(|s| s.kind()) == Some(ServiceErrorKind::Throttling) {
                tally.throttled += 1;
            }
        }
    }
    tally.last_read_recorded = last_read_recorded(server, chat.id);
    tally
}

fn paced(server: &MockServer, client: &connect_participant_ureq::Client) -> Result<Tally, String> {
    let chat = server.service().open_chat();
    let token = ConnectionToken::new(&chat.customer);
    let (sender, reports) =
        connect_participant_ureq::PacedSender::spawn(client.clone(), PacerConfig::default());
    let mut offered = 0;
    for event in burst() {
        sender.offer(token.clone(), event);
        offered += 1;
    }
    sender.shutdown(); // sends the pending read receipt
    let mut tally = Tally::default();
    let mut reported = 0;
    for report in reports.iter() {
        reported += 1;
        if let Fate::Sent(result) = &report.fate {
            tally.requests += 1;
            if let Err(e) = result {
                if e.service_error().map(|s| s.kind()) == Some(ServiceErrorKind::Throttling) {
                    tally.throttled += 1;
                }
            }
        }
    }
    if reported != offered {
        return Err(format!("{offered} events offered, {reported} reported"));
    }
    tally.last_read_recorded = last_read_recorded(server, chat.id);
    Ok(tally)
}

fn show(way: &str, t: &Tally) {
    println!(
        "   {way:<8} {:>3} requests, {:>3} throttled; msg-{:02}'s read receipt {}",
        t.requests,
        t.throttled,
        MESSAGES - 1,
        if t.last_read_recorded {
            "recorded: all 30 messages read"
        } else {
            "LOST: the service never learned the messages were read"
        }
    );
}

/// Plays the scene; fails if pacing did not keep under the throttle and
/// deliver the read state.
pub fn scene() -> Result<(), String> {
    let service = MockService::new();
    // 5 requests at once, then one a second, per connection token.
    service.set_token_bucket(Some(TokenBucket::new(5, Duration::from_secs(1))));
    let server = MockServer::start(service).map_err(|e| e.to_string())?;
    let config = Config::builder()
        .endpoint_url(server.url())
        .max_attempts(1)
        .build()
        .map_err(|e| e.to_string())?;
    let client = connect_participant_ureq::Client::new(config).map_err(|e| e.to_string())?;
    let offered = burst().count();
    println!(
        "   {offered} events from the UI: {KEYSTROKES} keystrokes and {MESSAGES} read receipts, in a burst; \
         the service allows 5 requests at once, then 1 a second"
    );
    let raw = unpaced(&server, &client);
    show("unpaced", &raw);
    let kept = paced(&server, &client)?;
    show("paced", &kept);
    if raw.throttled == 0 {
        return Err("the unpaced burst was not throttled".into());
    }
    if kept.throttled != 0 || !kept.last_read_recorded {
        return Err("the paced burst was throttled or lost the read state".into());
    }
    Ok(())
}
