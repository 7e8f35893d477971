//! Properties of secrecy (docs/spec.md#secrets): the connection token never
//! shows in `Debug` or `Display` of anything the core makes, valid or not,
//! at any point of a call, nor in its errors.

mod support;

use connect_participant_core::endpoint::Endpoint;
use connect_participant_core::error::Field;
use connect_participant_core::wire::{build_request, RedactedRequest};
use connect_participant_core::{ConnectionToken, Next, SendEvent};
use proptest::collection::vec;
use proptest::prelude::*;

use support::script::{outcome, Outcome, ScriptedHttp};
use support::strategies::secret_token;
use support::{client_with, config, ENDPOINT};

/// Every text an error shows: `Display`, `Debug`, and its sources'.
fn error_texts(err: &dyn std::error::Error) -> String {
    let mut text = format!("{err} {err:?}");
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(&format!(" {s} {s:?}"));
        source = s.source();
    }
    text
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_token_never_shows(
        token in secret_token(),
        message_id in "[a-z0-9-]{1,36}",
        seed in any::<[u8; 32]>(),
        spoil in 0usize..6,
        outcomes in vec(outcome(), 1..5),
    ) {
        let hidden = |what: &str, text: String| -> Result<(), TestCaseError> {
            prop_assert!(!text.contains(token.as_str()), "{} shows the token: {}", what, text);
            Ok(())
        };
        let ct = ConnectionToken::new(token.as_str());
        hidden("ConnectionToken Debug", format!("{ct:?}"))?;
        hidden("ConnectionToken Display", format!("{ct}"))?;

        let event = SendEvent::read_receipt(token.as_str(), &message_id);
        hidden("SendEvent Debug", format!("{event:?}"))?;
        prop_assert!(event.validate().is_ok());

        let endpoint = Endpoint::parse(ENDPOINT).expect("endpoint");
        let request = build_request(&event, &endpoint, None);
        prop_assert!(request.headers()["x-amz-bearer"].is_sensitive());
        hidden("request Debug", format!("{request:?}"))?;
        hidden("RedactedRequest Display", format!("{}", RedactedRequest(&request)))?;
        hidden("RedactedRequest Debug", format!("{:?}", RedactedRequest(&request)))?;
        let json = RedactedRequest(&request).to_json();
        prop_assert_eq!(&json["headers"]["x-amz-bearer"], "<redacted>");
        hidden("RedactedRequest JSON", json.to_string())?;

        // A call by hand, through every state.
        let client = client_with(3, 500);
        hidden("Client Debug", format!("{client:?}"))?;
        let mut call = client.start(event.clone(), seed).expect("valid");
        hidden("Call Debug", format!("{call:?}"))?;
        let request = call.next_request();
        hidden("call request Debug", format!("{request:?}"))?;
        hidden("call RedactedRequest", RedactedRequest(&request).to_string())?;
        hidden("Call Debug after a request", format!("{call:?}"))?;
        let mut n = 0;
        loop {
            n += 1;
            let outcome = &outcomes[(n - 1) % outcomes.len()];
            let next = call.finish_attempt(outcome.to_result(n as u32));
            hidden("Next Debug", format!("{next:?}"))?;
            match next {
                Next::Done(Ok(out)) => {
                    hidden("output Debug", format!("{out:?}"))?;
                    break;
                }
                Next::Done(Err(err)) => {
                    hidden("call error", error_texts(&err))?;
                    break;
                }
                Next::RetryAfter { call: next, .. } => {
                    call = next;
                    let request = call.next_request();
                    hidden("retry request Debug", format!("{request:?}"))?;
                }
            }
        }

        // The same through Client::call.
        let http = ScriptedHttp::new(&outcomes);
        match client.call(&http, event, seed) {
            Ok(out) => hidden("Client::call output", format!("{out:?}"))?,
            Err(err) => hidden("Client::call error", error_texts(&err))?,
        }
        for request in http.requests.borrow().iter() {
            hidden("sent request Debug", format!("{request:?}"))?;
        }

        // Invalid tokens: the error and the event never show them either.
        let bad = match spoil {
            0 => format!("{token}\r\n"),
            1 => format!(" {token}"),
            2 => format!("{token} "),
            3 => format!("{token}é"),
            4 => format!("{token}\u{0}x"),
            _ => token.repeat(1001 / token.len() + 1),
        };
        let event = SendEvent::typing(bad.as_str());
        hidden("invalid SendEvent Debug", format!("{event:?}"))?;
        let err = event.validate().expect_err("invalid");
        prop_assert_eq!(err.field(), Field::ConnectionToken);
        hidden("InvalidInput", error_texts(&err))?;
        let err = client.start(event.clone(), seed).expect_err("invalid");
        hidden("start error", error_texts(&err))?;
        let http = ScriptedHttp::new(&[Outcome::Success { empty: true }]);
        let err = client.call(&http, event, seed).expect_err("invalid");
        hidden("Client::call error", error_texts(&err))?;
        prop_assert_eq!(http.sent(), 0);
    }
}
