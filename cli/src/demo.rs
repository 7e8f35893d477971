//! `demo`: a short story against the simulated service, through both transports.
//!
//! Every step checks what it shows; a step that goes otherwise ends the demo
//! with a non-zero exit code.

use connect_participant_core::{
    Config, ContentType, Error, SendEvent, SendEventOutput, ServiceErrorKind,
};
use connect_participant_mock::{Fault, MockServer, MockService, Role};

use crate::report::{self, EXIT_OK, EXIT_OTHER};

struct Story {
    server: MockServer,
    blocking: connect_participant_ureq::Client,
    asynchronous: connect_participant_hyper::Client,
    runtime: tokio::runtime::Runtime,
    step: u32,
}

type Step = Result<(), String>;

impl Story {
    fn say(&mut self, what: &str) {
        self.step += 1;
        println!("\n{}. {what}", self.step);
    }

    fn via_ureq(&self, event: SendEvent) -> Result<SendEventOutput, Error> {
        self.blocking.send_event(event)
    }

    fn via_hyper(&self, event: SendEvent) -> Result<SendEventOutput, Error> {
        self.runtime.block_on(self.asynchronous.send_event(event))
    }
}

fn shown(out: &SendEventOutput) -> String {
    format!(
        "accepted: Id {} at {} ({} attempt{})",
        out.id.as_deref().unwrap_or("-"),
        out.absolute_time.as_deref().unwrap_or("-"),
        out.attempts,
        if out.attempts == 1 { "" } else { "s" }
    )
}

fn expect_ok(
    transport: &str,
    result: Result<SendEventOutput, Error>,
) -> Result<SendEventOutput, String> {
    match result {
        Ok(out) => {
            println!("   [{transport}] {}", shown(&out));
            Ok(out)
        }
        Err(e) => Err(format!("[{transport}] expected success, got: {e}")),
    }
}

/// Runs the demo; returns the exit code.
pub fn run() -> u8 {
    match play() {
        Ok(()) => {
            println!("\nThe demo ran as expected.");
            EXIT_OK
        }
        Err(e) => {
            eprintln!("\ndemo failed: {e}");
            EXIT_OTHER
        }
    }
}

fn play() -> Step {
    let server = MockServer::start(MockService::new())
        .map_err(|e| format!("starting the simulated service: {e}"))?;
    let chat = server.service().open_chat();
    let config = Config::for_endpoint(&server.url()).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let asynchronous = runtime
        .block_on(async { connect_participant_hyper::Client::new(config.clone()) })
        .map_err(|e| e.to_string())?;
    let blocking = connect_participant_ureq::Client::new(config).map_err(|e| e.to_string())?;
    let mut story = Story {
        server,
        blocking,
        asynchronous,
        runtime,
        step: 0,
    };
    println!(
        "Simulated Amazon Connect Participant Service at {}",
        story.server.url()
    );
    println!("A chat opens with a customer and an agent (each holds a connection token; tokens are never printed by the client).");

    story.say("The customer starts typing (blocking client, ureq).");
    expect_ok(
        "ureq",
        story.via_ureq(SendEvent::typing(chat.customer.as_str())),
    )?;

    story.say("The agent's message reaches the customer: a delivered receipt, then a read receipt (async client, hyper).");
    expect_ok(
        "hyper",
        story.via_hyper(SendEvent::delivered_receipt(
            chat.customer.as_str(),
            "msg-0001",
        )),
    )?;
    expect_ok(
        "hyper",
        story.via_hyper(SendEvent::read_receipt(chat.customer.as_str(), "msg-0001")),
    )?;

    story.say("The service throttles once; the client retries with the same client token, and the event is recorded once.");
    for (name, use_hyper) in [("ureq", false), ("hyper", true)] {
        let before_events = story.server.service().transcript(chat.id).len();
        let before_requests = story.server.service().requests_received();
        story.server.service().inject(Fault::Throttle, 1);
        let event = SendEvent::typing(chat.agent.as_str());
        let out = expect_ok(
            name,
            if use_hyper {
                story.via_hyper(event)
            } else {
                story.via_ureq(event)
            },
        )?;
        let transcript = story.server.service().transcript(chat.id);
        let requests = story.server.service().requests_received() - before_requests;
        let last = transcript.last().ok_or("the transcript is empty")?;
        println!(
            "   [{name}] {requests} requests reached the service, {} event recorded, client token {}",
            transcript.len() - before_events,
            last.client_token.as_deref().unwrap_or("-")
        );
        if out.attempts != 2 || requests != 2 || transcript.len() != before_events + 1 {
            return Err(format!(
                "[{name}] expected 2 attempts and one recorded event"
            ));
        }
    }

    story.say(
        "A supervisor barges in; a read receipt is now refused with a conflict, and not retried.",
    );
    story.server.service().join(chat.id, Role::Supervisor);
    for (name, use_hyper) in [("ureq", false), ("hyper", true)] {
        let event = SendEvent::read_receipt(chat.customer.as_str(), "msg-0002");
        match if use_hyper {
            story.via_hyper(event)
        } else {
            story.via_ureq(event)
        } {
            Err(err @ Error::Service { .. })
                if err.service_error().map(|e| e.kind()) == Some(ServiceErrorKind::Conflict)
                    && err.attempts() == 1 =>
            {
                println!("   [{name}] {}", report::error_report(&err).0);
            }
            other => {
                return Err(format!(
                    "[{name}] expected ConflictException, got {other:?}"
                ))
            }
        }
    }

    story.say(
        "A malformed receipt (an object without messageId) is caught before anything is sent.",
    );
    let before = story.server.service().requests_received();
    let bad = SendEvent::new(
        chat.customer.as_str(),
        ContentType::MessageRead,
        Some(r#"{"id":"msg-0003"}"#.into()),
    );
    match story.via_ureq(bad) {
        Err(err @ Error::InvalidInput(_)) => println!("   [ureq] {err}"),
        other => return Err(format!("expected invalid input, got {other:?}")),
    }
    if story.server.service().requests_received() != before {
        return Err("the malformed receipt reached the service".into());
    }
    println!("   (requests that reached the service: unchanged at {before})");

    println!("\nThe chat's transcript:");
    for (i, e) in story
        .server
        .service()
        .transcript(chat.id)
        .iter()
        .enumerate()
    {
        let kind = e.content_type.rsplit('.').next().unwrap_or(&e.content_type);
        println!(
            "  {:>2}. {}  {:<9} from {:<8}  {:<25}  client token {}",
            i + 1,
            e.absolute_time,
            kind,
            format!("{:?}", e.participant),
            e.content.as_deref().unwrap_or(""),
            e.client_token.as_deref().unwrap_or("-"),
        );
    }
    Ok(())
}
