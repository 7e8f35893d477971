//! The main job of the core, start to end, with no network:
//!
//! ```sh
//! cargo run --release -p connect-participant-core --example walkthrough
//! ```
//!
//! 1. builds a typing event and a read receipt into requests for us-west-2
//!    and shows them with the connection token redacted;
//! 2. shows the error a malformed receipt gets before anything is sent;
//! 3. parses a success answer and a 409 `ConflictException` answer;
//! 4. runs one call with a retry against a scripted stand-in for the service.

use connect_participant_core::error::ResponseError;
use connect_participant_core::wire::{parse_response, RedactedRequest};
use connect_participant_core::{Client, Config, ContentType, Next, SendEvent};

/// A made-up connection token; a real one comes from CreateParticipantConnection.
const TOKEN: &str = "AQIDAHjExampleConnectionToken-not-a-real-one";

fn heading(text: &str) {
    println!("\n== {text} ==");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(Config::builder().region("us-west-2").build()?);
    println!("endpoint: {}", client.config().endpoint());
    println!(
        "retries:  up to {} attempts",
        client.config().retry().max_attempts()
    );

    // Real code fills the seed from the OS (a transport does it for you); it
    // makes the client token, the invocation id and the retry jitter. Fixed
    // here so the output is the same on every run.
    let random: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(11));

    heading("1. A typing event");
    let mut call = client.start(SendEvent::typing(TOKEN), random)?;
    let request = call.next_request();
    println!("{}", RedactedRequest(&request));

    heading("1. A read receipt");
    let receipt = SendEvent::read_receipt(TOKEN, "11111111-aaaa-bbbb-cccc-EXAMPLE01234");
    let mut call = client.start(receipt, random)?;
    println!(
        "client token (same on every retry): {}",
        call.client_token().unwrap_or("-")
    );
    let request = call.next_request();
    println!("{}", RedactedRequest(&request));

    heading("2. A malformed receipt is refused before anything is sent");
    // A common mistake: an id under the wrong name.
    let bad = SendEvent::new(
        TOKEN,
        ContentType::MessageRead,
        Some(r#"{"id":"11111111-aaaa-bbbb-cccc-EXAMPLE01234"}"#.to_owned()),
    );
    match client.start(bad, random) {
        Ok(_) => return Err("a malformed receipt was accepted".into()),
        Err(e) => println!("error: {e}"),
    }
    match SendEvent::typing("token with a line break\r\n").validate() {
        Ok(_) => return Err("a token with a line break was accepted".into()),
        Err(e) => println!("error: {e} (field {:?})", e.field()),
    }

    heading("3. A success answer");
    let ok = http::Response::builder()
        .status(200)
        .header("x-amzn-RequestId", "5f2c6b4e-7f0e-4a8b-9a55-000000000001")
        .body(r#"{"Id":"d9f1c3a2-0000-4000-8000-EXAMPLE00001","AbsoluteTime":"2019-11-08T02:41:28.172Z"}"#)?;
    let output = parse_response::<SendEvent, _>(&ok)?;
    println!("id:            {}", output.id.as_deref().unwrap_or("-"));
    println!(
        "absolute time: {}",
        output.absolute_time.as_deref().unwrap_or("-")
    );
    println!(
        "request id:    {}",
        output.request_id.as_deref().unwrap_or("-")
    );

    heading("3. A 409 ConflictException answer");
    let conflict = http::Response::builder()
        .status(409)
        .header("x-amzn-RequestId", "5f2c6b4e-7f0e-4a8b-9a55-000000000002")
        .header(
            "X-Amzn-Errortype",
            "ConflictException:http://internal.amazon.com/coral/com.amazonaws.connectparticipant/",
        )
        .body(r#"{"message":"Operation can not be performed due to the state of the contact."}"#)?;
    match parse_response::<SendEvent, _>(&conflict) {
        Err(ResponseError::Service(e)) => {
            println!("kind:       {:?}", e.kind());
            println!("status:     {}", e.status().as_u16());
            println!("code:       {}", e.code().unwrap_or("-"));
            println!("message:    {}", e.message().unwrap_or("-"));
            println!("request id: {}", e.request_id().unwrap_or("-"));
            println!(
                "class:      {:?} (retried: {})",
                e.retry_class(),
                e.retry_class().is_retryable()
            );
            println!("shown as:   {e}");
        }
        other => return Err(format!("expected a service error, got {other:?}").into()),
    }

    heading("4. A call with a retry (scripted service: 503, then success)");
    let mut answers = vec![
        (
            200,
            r#"{"Id":"ev-2","AbsoluteTime":"2019-11-08T02:41:29.000Z"}"#,
        ),
        (503, r#"{"message":"Service Unavailable"}"#),
    ];
    let mut call = client.start(SendEvent::typing(TOKEN), random)?;
    let output = loop {
        let request = call.next_request();
        let attempt = request.headers()["amz-sdk-request"].to_str()?.to_owned();
        let (status, body) = answers
            .pop()
            .ok_or("the call asked for too many attempts")?;
        println!("{attempt}: the service answers {status}");
        let response = http::Response::builder().status(status).body(body)?;
        match call.finish_attempt(Ok(response)) {
            Next::Done(result) => break result?,
            // A transport would sleep here; the walkthrough only reports it.
            Next::RetryAfter { wait, call: next } => {
                println!("retry after {wait:?}");
                call = next;
            }
        }
    };
    println!(
        "done: id {} after {} attempts; retry quota left {}",
        output.id.as_deref().unwrap_or("-"),
        output.attempts,
        client.quota().available()
    );
    Ok(())
}
