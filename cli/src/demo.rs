//! `demo`: a short story against the simulated service, through both transports.
//!
//! It starts where a real participant starts, from a participant token: each
//! side creates its connection (acknowledging it) and sends its events with
//! the connection token it got. Every step checks what it shows; a step that
//! goes otherwise ends the demo with a non-zero exit code.

use connect_participant_core::connection::ConnectionType;
use connect_participant_core::operation::Operation;
use connect_participant_core::{
    Config, ConnectionToken, ContentType, CreateParticipantConnection,
    CreateParticipantConnectionOutput, Error, SendEvent, SendEventOutput, ServiceErrorKind,
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

    fn connect(
        &self,
        use_hyper: bool,
        input: CreateParticipantConnection,
    ) -> Result<CreateParticipantConnectionOutput, Error> {
        if use_hyper {
            self.runtime
                .block_on(self.asynchronous.create_participant_connection(input))
        } else {
            self.blocking.create_participant_connection(input)
        }
    }

    /// Creates a participant's connection, acknowledging it, and checks the
    /// service marked them connected; gives their connection token.
    fn connect_participant(
        &self,
        transport: &str,
        who: &str,
        participant_token: &str,
        types: Option<[ConnectionType; 2]>,
    ) -> Result<ConnectionToken, String> {
        let mut input = CreateParticipantConnection::new(participant_token).acknowledge();
        if let Some(types) = types {
            input = input.with_types(types);
        }
        let out = self
            .connect(transport == "hyper", input)
            .map_err(|e| format!("[{transport}] expected a connection, got: {e}"))?;
        let token = out
            .connection_token()
            .ok_or_else(|| format!("[{transport}] the answer has no connection token"))?
            .clone();
        let expiry = out
            .connection_credentials
            .as_ref()
            .and_then(|c| c.expiry.as_deref())
            .unwrap_or("-");
        println!("   [{transport}] {who}'s connection token {token}, valid until {expiry}");
        if let Some(ws) = &out.websocket {
            println!(
                "   [{transport}] {who}'s WebSocket URL {}, to connect to before {}",
                ws.url
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), ToString::to_string),
                ws.connection_expiry.as_deref().unwrap_or("-")
            );
        }
        if !self.server.service().is_connected(participant_token) {
            return Err(format!(
                "[{transport}] the service did not mark the {who} connected"
            ));
        }
        println!("   [{transport}] the service marks the {who} connected");
        Ok(token)
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
    println!(
        "A chat opens with a customer and an agent. Each holds a participant token, as \
         StartChatContact and the agent's side give them (tokens are never printed by the client)."
    );

    story.say(
        "The customer connects (blocking client, ureq): CreateParticipantConnection asks for a \
         WebSocket URL and connection credentials, with ConnectParticipant: true.",
    );
    let customer = story.connect_participant(
        "ureq",
        "customer",
        &chat.customer_participant_token,
        Some([
            ConnectionType::Websocket,
            ConnectionType::ConnectionCredentials,
        ]),
    )?;

    story.say(
        "The agent acknowledges the connection (async client, hyper): ConnectParticipant: true, \
         no Type, as Amazon's library sends it.",
    );
    let agent = story.connect_participant("hyper", "agent", &chat.agent_participant_token, None)?;

    story.say("The customer starts typing, with the connection token just received (blocking client, ureq).");
    expect_ok("ureq", story.via_ureq(SendEvent::typing(customer.clone())))?;

    story.say("The agent's message reaches the customer: a delivered receipt, then a read receipt (async client, hyper).");
    expect_ok(
        "hyper",
        story.via_hyper(SendEvent::delivered_receipt(customer.clone(), "msg-0001")),
    )?;
    expect_ok(
        "hyper",
        story.via_hyper(SendEvent::read_receipt(customer.clone(), "msg-0001")),
    )?;

    story.say("The service throttles once; the client retries with the same client token, and the event is recorded once.");
    for (name, use_hyper) in [("ureq", false), ("hyper", true)] {
        let before_events = story.server.service().transcript(chat.id).len();
        let before_requests = story.server.service().requests_received();
        story.server.service().inject(Fault::Throttle, 1);
        let event = SendEvent::typing(agent.clone());
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
        let event = SendEvent::read_receipt(customer.clone(), "msg-0002");
        match if use_hyper {
            story.via_hyper(event)
        } else {
            story.via_ureq(event)
        } {
            Err(err @ Error::Service { .. })
                if err.service_error().map(|e| e.kind()) == Some(ServiceErrorKind::Conflict)
                    && err.attempts() == 1 =>
            {
                println!(
                    "   [{name}] {}",
                    report::error_report(SendEvent::NAME, &err).0
                );
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
        customer.clone(),
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

    story.say(
        "The chat ends: a new connection is refused with AccessDeniedException (not retried), \
         and so is the customer's connection token.",
    );
    story.server.service().end_chat(chat.id);
    for (name, use_hyper) in [("ureq", false), ("hyper", true)] {
        let input = CreateParticipantConnection::new(chat.customer_participant_token.as_str())
            .with_types([ConnectionType::ConnectionCredentials]);
        match story.connect(use_hyper, input) {
            Err(err @ Error::Service { .. })
                if err.service_error().map(|e| e.kind())
                    == Some(ServiceErrorKind::AccessDenied)
                    && err.attempts() == 1 =>
            {
                println!(
                    "   [{name}] {}",
                    report::error_report(CreateParticipantConnection::NAME, &err).0
                );
            }
            other => {
                return Err(format!(
                    "[{name}] expected AccessDeniedException, got {other:?}"
                ))
            }
        }
    }
    match story.via_ureq(SendEvent::typing(customer.clone())) {
        Err(err)
            if err.service_error().map(|e| e.kind()) == Some(ServiceErrorKind::AccessDenied) =>
        {
            println!(
                "   [ureq] {}",
                report::error_report(SendEvent::NAME, &err).0
            );
        }
        other => return Err(format!("expected AccessDeniedException, got {other:?}")),
    }

    story.say(
        "A customer types 200 keystrokes and reads a burst of 30 messages: sent one to one, \
         then paced per chat as Amazon's chat clients pace them (a new chat each, blocking client).",
    );
    crate::demo_pacing::scene()?;

    println!("\nThe first chat's transcript:");
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
