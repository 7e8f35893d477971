//! Properties of input validation (docs/spec.md#validation-before-sending):
//! an input that breaks one rule is refused, naming the field and the rule,
//! and nothing is sent; on any input, validation agrees with the spec's
//! rules restated in the oracle.

mod support;

use connect_participant_core::error::{Field, ReceiptProblem, Rule};
use connect_participant_core::{ContentType, Error, SendEvent};
use proptest::prelude::*;
use serde_json::Value;

use support::oracle;
use support::script::{Outcome, ScriptedHttp};
use support::strategies::{
    any_string, non_receipt_type, read_or_delivered, sized_string, string_of_len, valid_token,
    visible_no_space,
};
use support::{client, config};

#[derive(Debug, Clone)]
struct BrokenCase {
    event: SendEvent,
    field: Field,
    rule: Rule,
}

fn length(min: usize, max: usize, s: &str) -> Rule {
    Rule::Length {
        min,
        max,
        actual: s.chars().count(),
    }
}

fn bad_header_char() -> impl Strategy<Value = char> {
    prop_oneof![
        (0u8..0x20).prop_map(char::from),
        Just('\u{7f}'),
        any::<char>().prop_filter("not ASCII", |c| !c.is_ascii()),
    ]
}

fn receipt_problem() -> impl Strategy<Value = (String, ReceiptProblem)> {
    let extra = || proptest::string::string_regex("[a-zA-Z]{1,10}").expect("regex");
    prop_oneof![
        any_string(1, 40)
            .prop_filter("not JSON", |s| serde_json::from_str::<Value>(s).is_err())
            .prop_map(|s| (s, ReceiptProblem::NotJson)),
        Just(("{\"messageId\":\"x\"".to_owned(), ReceiptProblem::NotJson)),
        Just(("\"messageId\"".to_owned(), ReceiptProblem::NotObject)),
        Just((
            "[{\"messageId\":\"x\"}]".to_owned(),
            ReceiptProblem::NotObject
        )),
        Just(("null".to_owned(), ReceiptProblem::NotObject)),
        any::<i32>().prop_map(|n| (n.to_string(), ReceiptProblem::NotObject)),
        extra()
            .prop_filter("not messageId", |k| k != "messageId")
            .prop_map(|k| (
                format!("{{\"{k}\":\"x\"}}"),
                ReceiptProblem::MissingMessageId
            )),
        Just((
            "{\"MessageId\":\"x\"}".to_owned(),
            ReceiptProblem::MissingMessageId
        )),
        prop_oneof![
            Just("1"),
            Just("null"),
            Just("true"),
            Just("[\"x\"]"),
            Just("{\"id\":\"x\"}")
        ]
        .prop_map(|v| (
            format!("{{\"messageId\":{v}}}"),
            ReceiptProblem::MessageIdNotString
        )),
        extra().prop_map(|k| (
            format!("{{\"{k}\":1,\"messageId\":\"\"}}"),
            ReceiptProblem::EmptyMessageId
        )),
    ]
}

fn broken_case() -> impl Strategy<Value = BrokenCase> {
    // Valid parts, short so that adding one character keeps them in bounds.
    let token = || sized_string(visible_no_space(), 1, 64);
    let typing = |t: &str| SendEvent::typing(t);
    prop_oneof![
        Just(BrokenCase {
            event: SendEvent::typing(""),
            field: Field::ConnectionToken,
            rule: length(1, 1000, ""),
        }),
        string_of_len(visible_no_space(), 1001usize..=1300).prop_map(move |t| BrokenCase {
            rule: length(1, 1000, &t),
            event: typing(&t),
            field: Field::ConnectionToken,
        }),
        (token(), bad_header_char(), any::<prop::sample::Index>()).prop_map(move |(t, bad, at)| {
            let chars: Vec<char> = t.chars().collect();
            let position = at.index(chars.len() + 1);
            let mut broken: String = chars[..position].iter().collect();
            broken.push(bad);
            broken.extend(&chars[position..]);
            BrokenCase {
                event: typing(&broken),
                field: Field::ConnectionToken,
                rule: Rule::HeaderValue { position },
            }
        }),
        token().prop_map(move |t| BrokenCase {
            event: typing(&format!(" {t}")),
            field: Field::ConnectionToken,
            rule: Rule::HeaderValue { position: 0 },
        }),
        token().prop_map(move |t| BrokenCase {
            rule: Rule::HeaderValue {
                position: t.chars().count()
            },
            event: typing(&format!("{t} ")),
            field: Field::ConnectionToken,
        }),
        token().prop_map(|t| BrokenCase {
            event: SendEvent::new(t.as_str(), "", None),
            field: Field::ContentType,
            rule: length(1, 100, ""),
        }),
        (token(), any_string(101, 300)).prop_map(|(t, ct)| BrokenCase {
            rule: length(1, 100, &ct),
            event: SendEvent::new(t.as_str(), ct, None),
            field: Field::ContentType,
        }),
        (token(), non_receipt_type()).prop_map(|(t, ct)| BrokenCase {
            event: SendEvent::new(t.as_str(), ct, Some(String::new())),
            field: Field::Content,
            rule: length(1, 16384, ""),
        }),
        (token(), any::<bool>()).prop_map(|(t, read)| BrokenCase {
            event: SendEvent::new(t.as_str(), read_or_delivered(read), Some(String::new())),
            field: Field::Content,
            rule: length(1, 16384, ""),
        }),
        (
            token(),
            non_receipt_type(),
            string_of_len(any::<char>(), 16385usize..=17000)
        )
            .prop_map(|(t, ct, c)| BrokenCase {
                rule: length(1, 16384, &c),
                event: SendEvent::new(t.as_str(), ct, Some(c)),
                field: Field::Content,
            }),
        (token(), any::<bool>()).prop_map(|(t, read)| BrokenCase {
            event: SendEvent::new(t.as_str(), read_or_delivered(read), None),
            field: Field::Content,
            rule: Rule::Required,
        }),
        (token(), any::<bool>(), receipt_problem()).prop_map(|(t, read, (c, p))| BrokenCase {
            event: SendEvent::new(t.as_str(), read_or_delivered(read), Some(c)),
            field: Field::Content,
            rule: Rule::ReceiptContent(p),
        }),
        (token(), any_string(501, 700)).prop_map(|(t, ct)| BrokenCase {
            rule: length(0, 500, &ct),
            event: SendEvent::typing(t.as_str()).with_client_token(ct),
            field: Field::ClientToken,
        }),
    ]
}

/// The spec's statement of the first broken rule of `event`.
fn oracle_says(event: &SendEvent) -> Option<(Field, oracle::Broken)> {
    oracle::first_broken(
        event.connection_token().expose(),
        event.content_type().as_str(),
        event.content(),
        event.client_token(),
    )
}

/// The text of `field` in `event`.
fn field_text(event: &SendEvent, field: Field) -> Option<&str> {
    match field {
        Field::ConnectionToken => Some(event.connection_token().expose()),
        Field::ContentType => Some(event.content_type().as_str()),
        Field::Content => event.content(),
        _ => event.client_token(),
    }
}

/// Receipt contents near the rule, and other shapes.
const FIXED_CONTENTS: &[&str] = &[
    r#"{"messageId":"11111111-aaaa-bbbb-cccc-EXAMPLE01234"}"#,
    r#"{"messageId":5}"#,
    r#"{"messageId":""}"#,
    r#"{"messageId":null}"#,
    r#"{"messageId":{"id":"a"}}"#,
    r#"{"messageid":"a"}"#,
    r#"{"messageId":"a","messageId":""}"#,
    r#"{"messageId":"","messageId":"a"}"#,
    r#"{"messageId":"a"} trailing"#,
    " {\"messageId\":\"a\"}\n",
    "{}",
    "[]",
    r#""{\"messageId\":\"a\"}""#,
    "not json",
    "",
];

/// Any input: tokens valid or not, known and other content types (empty and
/// too long included), contents of every shape and length, client tokens of
/// any length.
fn any_event() -> impl Strategy<Value = SendEvent> {
    let token = prop_oneof![
        3 => valid_token(),
        2 => any_string(0, 1100),
        1 => sized_string(visible_no_space(), 995, 1005),
    ];
    let content_type = prop_oneof![
        3 => prop::sample::select(&oracle::KNOWN_CONTENT_TYPES[..]).prop_map(str::to_owned),
        2 => any_string(0, 110),
    ];
    let content = prop_oneof![
        2 => Just(None),
        2 => prop::sample::select(FIXED_CONTENTS).prop_map(|c| Some(c.to_owned())),
        2 => any_string(0, 60).prop_map(|id| Some(serde_json::json!({ "messageId": id }).to_string())),
        1 => any_string(0, 16390).prop_map(Some),
    ];
    let client_token = proptest::option::of(any_string(0, 510));
    (token, content_type, content, client_token).prop_map(|(t, ct, c, k)| {
        let event = SendEvent::new(t, ct, c);
        match k {
            Some(k) => event.with_client_token(k),
            None => event,
        }
    })
}

proptest! {
    #![proptest_config(config())]

    /// One broken rule: validation names its field and rule, no call starts,
    /// and `Client::call` sends nothing and sleeps never (0 attempts).
    #[test]
    fn an_input_breaking_one_rule_is_refused(case in broken_case(), seed in any::<[u8; 32]>()) {
        let err = case.event.validate();
        prop_assert!(err.is_err(), "accepted: {:?}", case.event);
        let err = err.unwrap_err();
        prop_assert_eq!(err.field(), case.field);
        prop_assert_eq!(err.rule(), &case.rule);
        prop_assert!(err.to_string().starts_with(case.field.as_str()));
        let said = oracle_says(&case.event);
        prop_assert_eq!(said.as_ref().map(|s| s.0), Some(case.field));

        match client().start(case.event.clone(), seed) {
            Err(Error::InvalidInput(e)) => prop_assert_eq!(&e, &err),
            Err(other) => prop_assert!(false, "wrong error {:?}", other),
            Ok(call) => prop_assert!(false, "a call started: {:?}", call),
        }
        let http = ScriptedHttp::new(&[Outcome::Success { empty: true }]);
        match client().call(&http, case.event.clone(), seed) {
            Err(e @ Error::InvalidInput(_)) => {
                prop_assert_eq!(e.attempts(), 0);
                prop_assert_eq!(e, Error::InvalidInput(err));
            }
            Err(other) => prop_assert!(false, "wrong error {:?}", other),
            Ok(out) => prop_assert!(false, "sent: {:?}", out),
        }
        prop_assert_eq!(http.sent(), 0);
        prop_assert!(http.log.borrow().is_empty());
    }

    /// Any input: valid exactly when the oracle finds no broken rule; else
    /// the error names the oracle's first broken field and a rule that field
    /// really breaks, and no call starts.
    #[test]
    fn validation_agrees_with_the_spec_rules(event in any_event(), seed in any::<[u8; 32]>()) {
        // A known text is always the typed content type.
        let ct = event.content_type().as_str();
        prop_assert_eq!(
            matches!(event.content_type(), ContentType::Other(_)),
            !oracle::KNOWN_CONTENT_TYPES.contains(&ct)
        );
        let started = client().start(event.clone(), seed);
        match (event.validate(), oracle_says(&event)) {
            (Ok(()), None) => prop_assert!(started.is_ok()),
            (Err(e), Some((field, broken))) => {
                prop_assert_eq!(e.field(), field, "wrong field for {:?}", e.rule());
                prop_assert!(
                    oracle::rule_matches(&broken, e.rule(), field_text(&event, field)),
                    "{:?} breaks {:?}, not {:?}", field, broken, e.rule()
                );
                prop_assert!(matches!(started, Err(Error::InvalidInput(ref s)) if *s == e));
            }
            (Ok(()), Some((field, broken))) => {
                prop_assert!(false, "accepted although {:?} breaks {:?}", field, broken)
            }
            (Err(e), None) => prop_assert!(false, "refused a valid input: {}", e),
        }
    }
}
