//! Properties of the core over generated inputs, responses and retry
//! histories. Every property runs at least 1000 cases.
//!
//! The retry properties compare the call state machine with a small model
//! written here from SPEC.md (classes, backoff, quota), not from the code.

use std::collections::HashSet;
use std::time::Duration;

use connect_participant_core::{
    build_request, parse_response, sanitize_error_code, Client, Config, ConnectionToken,
    ContentType, Endpoint, Error, Field, Next, ReceiptProblem, RedactedRequest, ResponseError,
    RetryQuota, Rule, SendEvent, ServiceErrorKind, TransportError, TransportErrorKind,
    BEARER_HEADER, INVOCATION_ID_HEADER, MAX_EXCERPT_BYTES, SDK_REQUEST_HEADER,
};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value};

const CASES: u32 = 1000;
const ENDPOINT: &str = "http://127.0.0.1:8080/base";

/// 1000 cases each. XorShift instead of the default ChaCha: in a debug
/// build the generator's own cost dominated the run time.
fn config() -> ProptestConfig {
    ProptestConfig {
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::with_cases(CASES)
    }
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

fn visible_ascii() -> impl Strategy<Value = char> + Clone {
    (0x20u8..=0x7e).prop_map(char::from)
}

fn visible_no_space() -> impl Strategy<Value = char> + Clone {
    (0x21u8..=0x7e).prop_map(char::from)
}

/// `n` characters made by cycling a short random chunk: long strings at
/// little generation cost.
fn cycled(chunk: &[char], n: usize) -> String {
    chunk.iter().cycle().take(n).collect()
}

/// A string of exactly `len` characters from `chars`, cheap for any length.
fn string_of_len<S>(chars: S, len: impl Strategy<Value = usize>) -> impl Strategy<Value = String>
where
    S: Strategy<Value = char> + Clone,
{
    (vec(chars, 1..=12), len).prop_map(|(chunk, n)| cycled(&chunk, n))
}

/// Mostly short strings of `chars` (fully random), sometimes long ones up to
/// `max` and the exact bounds (cycled chunks).
fn sized_string<S>(chars: S, min: usize, max: usize) -> impl Strategy<Value = String>
where
    S: Strategy<Value = char> + Clone + 'static,
{
    let short_max = max.min(min + 40);
    prop_oneof![
        6 => vec(chars.clone(), min..=short_max).prop_map(|v| v.into_iter().collect()),
        2 => string_of_len(chars.clone(), min..=max),
        1 => string_of_len(chars.clone(), Just(max)),
        1 => string_of_len(chars, Just(min.max(1))),
    ]
}

/// A valid connection token: 1..=1000 visible ASCII, no space at either end.
fn valid_token() -> impl Strategy<Value = String> {
    (
        visible_no_space(),
        sized_string(visible_ascii(), 0, 998),
        visible_no_space(),
    )
        .prop_map(|(first, middle, last)| {
            if middle.is_empty() && first == last {
                first.to_string()
            } else {
                format!("{first}{middle}{last}")
            }
        })
}

/// A token that is easy to spot in any text: its characters are never
/// escaped by `Debug`, and it is long enough never to occur by chance.
fn secret_token() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9._~+/=-]{16,80}")
        .expect("regex")
        .prop_map(|s| format!("Sec{s}"))
}

fn any_string(min: usize, max: usize) -> impl Strategy<Value = String> {
    sized_string(any::<char>(), min, max)
}

fn open_content_type() -> impl Strategy<Value = String> {
    any_string(1, 100).prop_filter("not a known content type", |s| {
        matches!(ContentType::from(s.as_str()), ContentType::Other(_))
    })
}

/// What the request body must hold for `Content`.
#[derive(Debug, Clone)]
enum ExpectContent {
    Absent,
    Exact(String),
    Receipt(String),
}

#[derive(Debug, Clone)]
struct ValidCase {
    event: SendEvent,
    token: String,
    content_type: String,
    content: ExpectContent,
    client_token: Option<String>,
}

#[allow(deprecated)]
fn non_receipt_type() -> impl Strategy<Value = ContentType> {
    prop_oneof![
        Just(ContentType::Typing),
        Just(ContentType::ConnectionAcknowledged),
        open_content_type().prop_map(ContentType::Other),
    ]
}

fn valid_case() -> impl Strategy<Value = ValidCase> {
    let body = prop_oneof![
        (
            non_receipt_type(),
            proptest::option::of(any_string(1, 16384))
        )
            .prop_map(|(ct, content)| (ct, content, None)),
        (any::<bool>(), any_string(1, 200)).prop_map(|(read, id)| (
            read_or_delivered(read),
            None,
            Some(id)
        )),
    ];
    let client_token = prop_oneof![
        Just(None),
        any_string(0, 500).prop_map(Some),
        Just(Some(String::new())),
    ];
    (valid_token(), body, client_token).prop_map(
        |(token, (content_type, content, receipt_id), client_token)| {
            let mut event = match &receipt_id {
                Some(id) if content_type == ContentType::MessageRead => {
                    SendEvent::read_receipt(token.as_str(), id)
                }
                Some(id) => SendEvent::delivered_receipt(token.as_str(), id),
                None => SendEvent::new(token.as_str(), content_type.clone(), content.clone()),
            };
            if let Some(ct) = &client_token {
                event = event.with_client_token(ct.as_str());
            }
            let expect = match (receipt_id, content) {
                (Some(id), _) => ExpectContent::Receipt(id),
                (None, Some(c)) => ExpectContent::Exact(c),
                (None, None) => ExpectContent::Absent,
            };
            ValidCase {
                event,
                token,
                content_type: content_type.as_str().to_owned(),
                content: expect,
                client_token,
            }
        },
    )
}

fn read_or_delivered(read: bool) -> ContentType {
    if read {
        ContentType::MessageRead
    } else {
        ContentType::MessageDelivered
    }
}

fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// Checks a request's body and headers against the case. `client_token`:
/// `Some(Some(t))` ClientToken must be `t`; `Some(None)` it must be absent;
/// `None` any UUID v4.
fn check_request(
    request: &http::Request<Vec<u8>>,
    case: &ValidCase,
    client_token: Option<Option<&str>>,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(request.method(), http::Method::POST);
    prop_assert_eq!(
        request.uri().to_string(),
        "http://127.0.0.1:8080/base/participant/event"
    );
    prop_assert_eq!(
        request.headers()[BEARER_HEADER].to_str().ok(),
        Some(case.token.as_str())
    );
    prop_assert_eq!(&request.headers()["content-type"], "application/json");
    let length = request.body().len().to_string();
    prop_assert_eq!(
        request.headers()["content-length"].to_str().ok(),
        Some(length.as_str())
    );
    let body: Value = serde_json::from_slice(request.body())
        .map_err(|e| TestCaseError::fail(format!("body is not JSON: {e}")))?;
    let Value::Object(members) = body else {
        return Err(TestCaseError::fail("body is not an object"));
    };
    for key in members.keys() {
        prop_assert!(
            ["ContentType", "Content", "ClientToken"].contains(&key.as_str()),
            "extra member {}",
            key
        );
    }
    prop_assert_eq!(
        members.get("ContentType"),
        Some(&Value::from(case.content_type.as_str()))
    );
    // Byte for byte: compact, members in this order, strings escaped as
    // serde_json writes them.
    let mut want = String::from("{");
    for key in ["ContentType", "Content", "ClientToken"] {
        if let Some(value) = members.get(key) {
            if want.len() > 1 {
                want.push(',');
            }
            want.push_str(&format!("\"{key}\":{value}"));
        }
    }
    want.push('}');
    prop_assert_eq!(
        std::str::from_utf8(request.body()).ok(),
        Some(want.as_str())
    );
    match &case.content {
        ExpectContent::Absent => prop_assert!(!members.contains_key("Content")),
        ExpectContent::Exact(c) => {
            prop_assert_eq!(members.get("Content"), Some(&Value::from(c.as_str())))
        }
        ExpectContent::Receipt(id) => {
            let Some(Value::String(content)) = members.get("Content") else {
                return Err(TestCaseError::fail("receipt content is not a JSON string"));
            };
            let inner: Value = serde_json::from_str(content)
                .map_err(|e| TestCaseError::fail(format!("receipt content not JSON: {e}")))?;
            let mut want = Map::new();
            want.insert("messageId".into(), Value::from(id.as_str()));
            prop_assert_eq!(inner, Value::Object(want));
        }
    }
    match client_token {
        Some(Some(t)) => prop_assert_eq!(members.get("ClientToken"), Some(&Value::from(t))),
        Some(None) => prop_assert!(!members.contains_key("ClientToken")),
        None => {
            let Some(Value::String(t)) = members.get("ClientToken") else {
                return Err(TestCaseError::fail("no generated ClientToken"));
            };
            prop_assert!(is_uuid_v4(t), "not a UUID v4: {}", t);
        }
    }
    Ok(())
}

fn client() -> Client {
    Client::new(Config::for_endpoint(ENDPOINT).expect("config"))
}

// ---------------------------------------------------------------------------
// (a) valid inputs build exactly the request they describe
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn valid_inputs_build_their_request(case in valid_case(), random in any::<[u8; 32]>()) {
        let valid = case.event.clone().validate();
        prop_assert!(valid.is_ok(), "rejected: {:?}", valid);
        let valid = valid.unwrap();
        prop_assert_eq!(valid.event(), &case.event);

        // Through the call state machine.
        let mut call = client().start(case.event.clone(), random).expect("valid input");
        let request = call.next_request();
        match &case.client_token {
            Some(t) => {
                prop_assert_eq!(call.client_token(), t.as_str());
                check_request(&request, &case, Some(Some(t)))?;
            }
            None => {
                prop_assert!(is_uuid_v4(call.client_token()));
                check_request(&request, &case, None)?;
                let body: Value = serde_json::from_slice(request.body()).unwrap();
                prop_assert_eq!(&body["ClientToken"], &Value::from(call.client_token()));
            }
        }

        // Through build_request, with and without a client token.
        let endpoint = Endpoint::parse(ENDPOINT).expect("endpoint");
        let given = case.client_token.as_deref();
        check_request(&build_request(&valid, &endpoint, given), &case, Some(given))?;
        check_request(&build_request(&valid, &endpoint, Some("ct-1")), &case, Some(Some("ct-1")))?;
    }
}

// ---------------------------------------------------------------------------
// (b) an input that breaks exactly one rule is refused, naming the field
// ---------------------------------------------------------------------------

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

proptest! {
    #![proptest_config(config())]

    #[test]
    fn an_input_breaking_one_rule_is_refused(case in broken_case(), random in any::<[u8; 32]>()) {
        let err = case.event.clone().validate();
        prop_assert!(err.is_err(), "accepted: {:?}", case.event);
        let err = err.unwrap_err();
        prop_assert_eq!(err.field(), case.field);
        prop_assert_eq!(err.rule(), &case.rule);
        prop_assert!(err.to_string().starts_with(case.field.as_str()));
        // No call starts, so no request can be built.
        match client().start(case.event.clone(), random) {
            Err(Error::InvalidInput(e)) => prop_assert_eq!(e, err),
            Err(other) => prop_assert!(false, "wrong error {:?}", other),
            Ok(call) => prop_assert!(false, "a call started: {:?}", call),
        }
    }
}

// ---------------------------------------------------------------------------
// (c) parse_response never panics and reads what the body says
// ---------------------------------------------------------------------------

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any_string(0, 20).prop_map(Value::from),
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(Value::from),
            vec(("[a-zA-Z_]{1,8}", inner), 0..3)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("Id".to_owned()),
        3 => Just("AbsoluteTime".to_owned()),
        1 => Just("code".to_owned()),
        1 => Just("__type".to_owned()),
        1 => Just("message".to_owned()),
        1 => Just("id".to_owned()),
        2 => "[a-zA-Z_]{1,12}",
    ]
}

fn member_value(name: &str) -> BoxedStrategy<Value> {
    match name {
        "Id" | "AbsoluteTime" => prop_oneof![
            6 => any_string(0, 40).prop_map(Value::from),
            2 => Just(Value::Null),
            1 => json_value(),
        ]
        .boxed(),
        _ => json_value().boxed(),
    }
}

/// A JSON object written by hand (so duplicate names can occur), with
/// optional surrounding whitespace and trailing junk.
fn object_body() -> impl Strategy<Value = Vec<u8>> {
    let member = member_name().prop_flat_map(|n| {
        let v = member_value(&n);
        (Just(n), v)
    });
    (
        vec(member, 0..6),
        "[ \t\r\n]{0,3}",
        prop_oneof![
            6 => Just(String::new()),
            1 => "[ \t\r\n]{1,3}",
            1 => any_string(1, 10),
        ],
    )
        .prop_map(|(members, ws, tail)| {
            let inner: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), v))
                .collect();
            format!("{ws}{{{}}}{tail}", inner.join(",")).into_bytes()
        })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => object_body(),
        2 => vec(any::<u8>(), 0..300),
        1 => vec(any::<u8>(), 1000..3000),
        1 => "[ \t\r\n\u{c}]{0,5}".prop_map(String::into_bytes),
        1 => json_value().prop_map(|v| v.to_string().into_bytes()),
    ]
}

fn header() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let name = prop_oneof![
        Just(b"x-amzn-requestid".to_vec()),
        Just(b"X-Amzn-RequestId".to_vec()),
        Just(b"x-amzn-errortype".to_vec()),
        Just(b"x-amz-retry-after".to_vec()),
        Just(b"content-type".to_vec()),
        vec(any::<u8>(), 0..16),
        "[a-zA-Z0-9-]{1,16}".prop_map(String::into_bytes),
    ];
    let value = prop_oneof![
        vec(any::<u8>(), 0..40),
        "[ -~]{0,40}".prop_map(String::into_bytes),
        any::<u32>().prop_map(|n| n.to_string().into_bytes()),
        "([a-z.]{1,10}#)?[A-Za-z]{1,20}(:[ -~]{0,20})?".prop_map(String::into_bytes),
    ];
    (name, value)
}

/// `Some` for a JSON string, `None` for null or absent.
fn text_member(members: &Map<String, Value>, name: &str) -> Option<Option<String>> {
    match members.get(name) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    }
}

/// The members named `name` in a hand-written object body, counted.
fn count_member(body: &[u8], name: &str) -> usize {
    let needle = format!("{}:", Value::from(name));
    String::from_utf8_lossy(body).matches(&needle).count()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parse_response_never_panics_and_reads_the_body(
        status in prop_oneof![4 => 100u16..=999, 3 => 200u16..300, 1 => Just(200u16)],
        headers in vec(header(), 0..5),
        body in body(),
    ) {
        let mut response = http::Response::new(body.clone());
        *response.status_mut() = http::StatusCode::from_u16(status).expect("100..=999");
        for (name, value) in &headers {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(name),
                http::HeaderValue::from_bytes(value),
            ) {
                response.headers_mut().append(n, v);
            }
        }
        let request_id = response
            .headers()
            .get("x-amzn-requestid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let parsed = parse_response(&response);
        let parsed_json = serde_json::from_slice::<Value>(&body).ok();
        let well_formed = match &parsed_json {
            Some(Value::Object(m)) => {
                text_member(m, "Id").is_some()
                    && text_member(m, "AbsoluteTime").is_some()
                    && count_member(&body, "Id") <= 1
                    && count_member(&body, "AbsoluteTime") <= 1
            }
            _ => false,
        };
        let blank = body.iter().all(|b| b" \t\n\r".contains(b));
        match parsed {
            Ok(out) => {
                prop_assert!((200..300).contains(&status), "output for status {}", status);
                prop_assert_eq!(&out.request_id, &request_id);
                prop_assert_eq!(out.attempts, 1);
                if blank {
                    prop_assert_eq!((out.id, out.absolute_time), (None, None));
                } else {
                    let Some(Value::Object(m)) = parsed_json else {
                        return Err(TestCaseError::fail("output from a body that is not a JSON object"));
                    };
                    prop_assert_eq!(Some(out.id), text_member(&m, "Id"));
                    prop_assert_eq!(Some(out.absolute_time), text_member(&m, "AbsoluteTime"));
                }
            }
            Err(ResponseError::Malformed(m)) => {
                prop_assert!((200..300).contains(&status));
                prop_assert!(!blank && !well_formed, "a well-formed body was refused: {:?}", m);
                prop_assert!(m.excerpt().len() <= MAX_EXCERPT_BYTES);
                prop_assert_eq!(m.status().as_u16(), status);
                prop_assert_eq!(m.request_id(), request_id.as_deref());
            }
            Err(ResponseError::Service(e)) => {
                prop_assert!(!(200..300).contains(&status), "error for status {}", status);
                prop_assert_eq!(e.status().as_u16(), status);
                prop_assert_eq!(e.request_id(), request_id.as_deref());
                if let Some(code) = e.code() {
                    prop_assert!(!code.is_empty() && !code.contains([':', '#']), "{:?}", code);
                }
                prop_assert_eq!(e.kind(), ServiceErrorKind::from_code(e.code()));
                prop_assert_eq!(e.class(), model_class(status, e.code()));
            }
            Err(other) => prop_assert!(false, "unknown variant {:?}", other),
        }
    }
}

// ---------------------------------------------------------------------------
// (d) error code sanitizing
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sanitize_is_idempotent_and_strips_namespace_and_uri(raw in any_string(0, 60)) {
        let once = sanitize_error_code(&raw);
        prop_assert_eq!(sanitize_error_code(once), once);
        prop_assert!(!once.contains(':') && !once.contains('#'));
        prop_assert!(raw.contains(once));
    }

    #[test]
    fn sanitize_finds_the_name(
        namespace in proptest::option::of("[a-z][a-z0-9.]{0,20}"),
        name in "[A-Za-z][A-Za-z0-9_]{0,30}",
        uri in proptest::option::of("[ -~]{0,40}"),
    ) {
        let mut raw = String::new();
        if let Some(ns) = &namespace {
            raw.push_str(ns);
            raw.push('#');
        }
        raw.push_str(&name);
        if let Some(u) = &uri {
            raw.push(':');
            raw.push_str(u);
        }
        prop_assert_eq!(sanitize_error_code(&raw), name.as_str());
        // The same through the header and through each body member.
        let via_header = http::Response::builder()
            .status(400)
            .header("X-Amzn-Errortype", raw.as_str())
            .body(Vec::new())
            .unwrap();
        let Err(ResponseError::Service(e)) = parse_response(&via_header) else {
            return Err(TestCaseError::fail("not a service error"));
        };
        prop_assert_eq!(e.code(), Some(name.as_str()));
        for member in ["code", "Code", "__type"] {
            let mut obj = Map::new();
            obj.insert(member.into(), Value::from(raw.as_str()));
            let via_body = http::Response::builder()
                .status(400)
                .body(Value::Object(obj).to_string())
                .unwrap();
            let Err(ResponseError::Service(e)) = parse_response(&via_body) else {
                return Err(TestCaseError::fail("not a service error"));
            };
            prop_assert_eq!(e.code(), Some(name.as_str()));
        }
    }
}

// ---------------------------------------------------------------------------
// (e) the connection token never shows
// ---------------------------------------------------------------------------

fn assert_hidden(token: &str, what: &str, text: &str) -> Result<(), TestCaseError> {
    prop_assert!(!text.contains(token), "{} shows the token: {}", what, text);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_token_never_shows(
        token in secret_token(),
        message_id in "[a-z0-9-]{1,36}",
        random in any::<[u8; 32]>(),
        spoil in 0usize..6,
    ) {
        let hidden = |what: &str, text: String| assert_hidden(&token, what, &text);
        let ct = ConnectionToken::new(token.as_str());
        hidden("ConnectionToken Debug", format!("{ct:?}"))?;
        hidden("ConnectionToken Display", format!("{ct}"))?;

        let event = SendEvent::read_receipt(token.as_str(), &message_id);
        hidden("SendEvent Debug", format!("{event:?}"))?;
        let valid = event.clone().validate().expect("valid");
        hidden("ValidSendEvent Debug", format!("{valid:?}"))?;

        let endpoint = Endpoint::parse(ENDPOINT).expect("endpoint");
        let request = build_request(&valid, &endpoint, None);
        prop_assert!(request.headers()[BEARER_HEADER].is_sensitive());
        hidden("request Debug", format!("{request:?}"))?;
        hidden("RedactedRequest Display", format!("{}", RedactedRequest(&request)))?;
        hidden("RedactedRequest Debug", format!("{:?}", RedactedRequest(&request)))?;
        hidden("RedactedRequest JSON", RedactedRequest(&request).to_json().to_string())?;

        let client = client();
        hidden("Client Debug", format!("{client:?}"))?;
        let mut call = client.start(event, random).expect("valid");
        hidden("Call Debug", format!("{call:?}"))?;
        let request = call.next_request();
        hidden("call request Debug", format!("{request:?}"))?;
        hidden("call RedactedRequest", RedactedRequest(&request).to_string())?;
        hidden("Call Debug after a request", format!("{call:?}"))?;

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
        let err = event.clone().validate().expect_err("invalid");
        prop_assert_eq!(err.field(), Field::ConnectionToken);
        hidden("InvalidInput Debug", format!("{err:?}"))?;
        hidden("InvalidInput Display", format!("{err}"))?;
        let err = client.start(event, random).expect_err("invalid");
        hidden("Error Debug", format!("{err:?}"))?;
        hidden("Error Display", format!("{err}"))?;
        if let Some(source) = std::error::Error::source(&err) {
            hidden("Error source", source.to_string())?;
        }
    }
}

// ---------------------------------------------------------------------------
// Retries and the call: a model from SPEC.md
// ---------------------------------------------------------------------------

const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];
const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ModelClass {
    Throttling,
    Transient,
    Final,
}

impl PartialEq<ModelClass> for connect_participant_core::ErrorClass {
    fn eq(&self, other: &ModelClass) -> bool {
        use connect_participant_core::ErrorClass as C;
        matches!(
            (self, other),
            (C::Throttling, ModelClass::Throttling)
                | (C::Transient, ModelClass::Transient)
                | (C::Final, ModelClass::Final)
        )
    }
}

/// SPEC, Retries: throttling codes, a bare 429, transient codes, then
/// statuses 500/502/503/504; everything else is final.
fn model_class(status: u16, code: Option<&str>) -> ModelClass {
    match code {
        Some(c) if THROTTLING_CODES.contains(&c) => ModelClass::Throttling,
        None if status == 429 => ModelClass::Throttling,
        Some(c) if TRANSIENT_CODES.contains(&c) => ModelClass::Transient,
        _ if [500, 502, 503, 504].contains(&status) => ModelClass::Transient,
        _ => ModelClass::Final,
    }
}

#[derive(Debug, Clone)]
enum Outcome {
    Success {
        empty: bool,
    },
    Malformed,
    Service {
        status: u16,
        code: Option<&'static str>,
        retry_after_ms: Option<u64>,
    },
    Transport(TransportErrorKind),
}

const ALL_TRANSPORT_KINDS: [TransportErrorKind; 7] = [
    TransportErrorKind::Connect,
    TransportErrorKind::Timeout,
    TransportErrorKind::Io,
    TransportErrorKind::Tls,
    TransportErrorKind::BodyTooLarge,
    TransportErrorKind::Refused,
    TransportErrorKind::Other,
];

/// Realistic status and code pairs.
const SERVICE_ANSWERS: &[(u16, Option<&str>)] = &[
    (429, None),
    (429, Some("ThrottlingException")),
    (429, Some("TooManyRequestsException")),
    (400, Some("ThrottlingException")),
    (400, Some("SlowDown")),
    (400, Some("RequestTimeout")),
    (400, Some("ValidationException")),
    (400, None),
    (403, Some("AccessDeniedException")),
    (409, Some("ConflictException")),
    (404, None),
    (500, None),
    (500, Some("InternalServerException")),
    (500, Some("PriorRequestNotComplete")),
    (502, None),
    (503, None),
    (503, Some("ServiceUnavailable")),
    (504, None),
    (501, None),
];

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        2 => any::<bool>().prop_map(|empty| Outcome::Success { empty }),
        1 => Just(Outcome::Malformed),
        8 => (
            prop::sample::select(SERVICE_ANSWERS),
            proptest::option::weighted(0.3, 0u64..=60_000),
        )
            .prop_map(|((status, code), retry_after_ms)| Outcome::Service {
                status,
                code,
                retry_after_ms
            }),
        3 => prop::sample::select(&ALL_TRANSPORT_KINDS[..]).prop_map(Outcome::Transport),
    ]
}

fn jitter() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => 0.0..1.0f64,
        1 => Just(f64::NAN),
        1 => -10.0..0.0f64,
        1 => 1.0..10.0f64,
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
    ]
}

impl Outcome {
    /// The response or transport error, with a request id naming the attempt.
    fn to_result(&self, attempt: u32) -> Result<http::Response<Vec<u8>>, TransportError> {
        let request_id = format!("req-{attempt}");
        let builder = http::Response::builder().header("x-amzn-RequestId", request_id.as_str());
        let response = match self {
            Outcome::Success { empty: true } => builder.status(200).body(Vec::new()),
            Outcome::Success { empty: false } => builder
                .status(200)
                .body(format!("{{\"Id\":\"ev-{attempt}\",\"AbsoluteTime\":\"t\"}}").into_bytes()),
            Outcome::Malformed => builder.status(200).body(b"[\"not an output\"]".to_vec()),
            Outcome::Service {
                status,
                code,
                retry_after_ms,
            } => {
                let mut b = builder.status(*status);
                if let Some(ms) = retry_after_ms {
                    b = b.header("x-amz-retry-after", ms.to_string());
                }
                let body = match code {
                    Some(c) => format!("{{\"__type\":\"ns#{c}\",\"message\":\"m{attempt}\"}}"),
                    None => String::new(),
                };
                b.body(body.into_bytes())
            }
            Outcome::Transport(kind) => {
                return Err(TransportError::new(*kind, format!("failure {attempt}")))
            }
        };
        Ok(response.expect("response"))
    }

    fn model_class(&self) -> Option<ModelClass> {
        match self {
            Outcome::Success { .. } => None,
            Outcome::Malformed => Some(ModelClass::Final),
            Outcome::Service { status, code, .. } => Some(model_class(*status, *code)),
            Outcome::Transport(
                TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io,
            ) => Some(ModelClass::Transient),
            Outcome::Transport(_) => Some(ModelClass::Final),
        }
    }
}

/// The quota as SPEC describes it.
struct ModelQuota {
    tokens: u32,
}

enum ModelNext {
    DoneOk,
    DoneErr,
    Retry { wait_secs: f64, cap_secs: f64 },
}

/// The wait SPEC gives before attempt n+1: jitter (clamped to [0, 1], NaN
/// as 0) times min(2^(n-1), 20) s, raised by a hint to at most t + 5 s.
fn model_wait(attempts_made: u32, jitter: f64, hint_ms: Option<u64>) -> (f64, f64) {
    let j = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    let cap = 2f64.powi(attempts_made as i32 - 1).min(20.0);
    let t = cap * j;
    let wait = match hint_ms {
        Some(ms) => t.max((ms as f64 / 1000.0).min(t + 5.0)),
        None => t,
    };
    (wait, cap)
}

impl ModelQuota {
    fn step(
        &mut self,
        outcome: &Outcome,
        attempts_made: u32,
        max_attempts: u32,
        jitter: f64,
        last_retry_cost: &mut Option<u32>,
    ) -> ModelNext {
        let Some(class) = outcome.model_class() else {
            self.tokens = (self.tokens + last_retry_cost.unwrap_or(1)).min(500);
            return ModelNext::DoneOk;
        };
        if class == ModelClass::Final || attempts_made >= max_attempts {
            return ModelNext::DoneErr;
        }
        let cost = match outcome {
            Outcome::Transport(TransportErrorKind::Timeout) => 10,
            _ => 5,
        };
        if self.tokens < cost {
            return ModelNext::DoneErr;
        }
        self.tokens -= cost;
        *last_retry_cost = Some(cost);
        let hint = match outcome {
            Outcome::Service { retry_after_ms, .. } => *retry_after_ms,
            _ => None,
        };
        let (wait_secs, cap_secs) = model_wait(attempts_made, jitter, hint);
        ModelNext::Retry {
            wait_secs,
            cap_secs,
        }
    }
}

/// Drives one call through `outcomes` (cycled) against the model, checking
/// every request and decision. Returns the attempts made.
fn drive_call(
    client: &Client,
    model: &mut ModelQuota,
    outcomes: &[Outcome],
    jitters: &[f64],
    random: [u8; 32],
    given_client_token: Option<&str>,
) -> Result<u32, TestCaseError> {
    let mut event = SendEvent::typing("retry-token");
    if let Some(t) = given_client_token {
        event = event.with_client_token(t);
    }
    let mut call = client.start(event, random).expect("valid");
    let max = client.config().retry().max_attempts();
    prop_assert_eq!(call.max_attempts(), max);
    let mut last_retry_cost = None;
    let mut seen_tokens = HashSet::new();
    let mut seen_ids = HashSet::new();
    // A correct call ends within max attempts; the bound catches a loop.
    for n in 1..=max + 2 {
        prop_assert!(n <= max, "attempt {} of at most {}", n, max);
        let request = call.next_request();
        prop_assert_eq!(call.attempts(), n);
        let body: Value = serde_json::from_slice(request.body()).expect("JSON body");
        let token = body["ClientToken"]
            .as_str()
            .expect("ClientToken")
            .to_owned();
        prop_assert_eq!(token.as_str(), call.client_token());
        if let Some(t) = given_client_token {
            prop_assert_eq!(token.as_str(), t);
        }
        seen_tokens.insert(token);
        let id = request.headers()[INVOCATION_ID_HEADER]
            .to_str()
            .expect("ascii")
            .to_owned();
        prop_assert!(is_uuid_v4(&id));
        prop_assert_eq!(id.as_str(), call.invocation_id());
        seen_ids.insert(id);
        prop_assert_eq!(seen_tokens.len(), 1, "client token changed");
        prop_assert_eq!(seen_ids.len(), 1, "invocation id changed");
        let attempt_header = format!("attempt={n}; max={max}");
        prop_assert_eq!(
            request.headers()[SDK_REQUEST_HEADER].to_str().ok(),
            Some(attempt_header.as_str())
        );

        let outcome = &outcomes[(n as usize - 1) % outcomes.len()];
        let jitter = jitters[(n as usize - 1) % jitters.len()];
        let want = model.step(outcome, n, max, jitter, &mut last_retry_cost);
        let got = call.finish_attempt(outcome.to_result(n), jitter);
        prop_assert!(client.quota().available() <= 500);
        prop_assert_eq!(
            client.quota().available(),
            model.tokens,
            "quota after attempt {} ({:?})",
            n,
            outcome
        );
        match (want, got) {
            (ModelNext::DoneOk, Next::Done(Ok(out))) => {
                prop_assert_eq!(out.attempts, n);
                prop_assert_eq!(out.request_id, Some(format!("req-{n}")));
                return Ok(n);
            }
            (ModelNext::DoneErr, Next::Done(Err(err))) => {
                prop_assert_eq!(err.attempts(), n);
                // The error is the last attempt's.
                let request_id = format!("req-{n}");
                let last = match &err {
                    Error::Service { error, .. } => {
                        prop_assert_eq!(error.request_id(), Some(request_id.as_str()));
                        matches!(outcome, Outcome::Service { .. })
                    }
                    Error::Transport { error, .. } => {
                        prop_assert_eq!(error.message(), format!("failure {n}"));
                        matches!(outcome, Outcome::Transport(k) if *k == error.kind())
                    }
                    Error::MalformedResponse { error, .. } => {
                        prop_assert_eq!(error.request_id(), Some(request_id.as_str()));
                        matches!(outcome, Outcome::Malformed)
                    }
                    _ => false,
                };
                prop_assert!(last, "error {:?} is not from outcome {:?}", err, outcome);
                if let Some(class) = outcome.model_class() {
                    prop_assert_eq!(err.class(), class);
                }
                return Ok(n);
            }
            (
                ModelNext::Retry {
                    wait_secs,
                    cap_secs,
                },
                Next::RetryAfter(wait),
            ) => {
                let w = wait.as_secs_f64();
                prop_assert!(
                    (w - wait_secs).abs() < 1e-6,
                    "wait {:?}, model {} s (attempt {}, jitter {}, {:?})",
                    wait,
                    wait_secs,
                    n,
                    jitter,
                    outcome
                );
                let hinted = matches!(
                    outcome,
                    Outcome::Service {
                        retry_after_ms: Some(_),
                        ..
                    }
                );
                let bound = if hinted { cap_secs + 5.0 } else { cap_secs };
                prop_assert!(w <= bound + 1e-9 && wait <= Duration::from_secs(25));
            }
            (_, got) => {
                return Err(TestCaseError::fail(format!(
                    "attempt {n}: {outcome:?} with jitter {jitter} gave {got:?}, model disagrees"
                )))
            }
        }
    }
    Err(TestCaseError::fail("the call never ended"))
}

fn client_with(max_attempts: u32, tokens: u32) -> Client {
    let config = Config::builder()
        .endpoint_url(ENDPOINT)
        .max_attempts(max_attempts)
        .build()
        .expect("config");
    Client::with_quota(config, RetryQuota::with_tokens(tokens))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_call_follows_the_retry_model(
        max_attempts in 1u32..=8,
        tokens in prop_oneof![Just(500u32), 0u32..=30, 0u32..=500],
        outcomes in vec(outcome(), 1..10),
        jitters in vec(jitter(), 1..8),
        random in any::<[u8; 32]>(),
        given in proptest::option::of("[a-z0-9-]{0,40}"),
    ) {
        let client = client_with(max_attempts, tokens);
        let mut model = ModelQuota { tokens };
        let attempts = drive_call(&client, &mut model, &outcomes, &jitters, random, given.as_deref())?;
        prop_assert!(attempts >= 1 && attempts <= max_attempts);
    }

    #[test]
    fn the_quota_stays_in_bounds_across_many_calls(
        max_attempts in 1u32..=5,
        tokens in 0u32..=500,
        calls in vec((vec(outcome(), 1..6), vec(jitter(), 1..3), any::<[u8; 32]>()), 1..25),
    ) {
        let client = client_with(max_attempts, tokens);
        let mut model = ModelQuota { tokens };
        for (outcomes, jitters, random) in &calls {
            drive_call(&client, &mut model, outcomes, jitters, *random, None)?;
            prop_assert!(client.quota().available() <= 500);
        }
    }

    #[test]
    fn a_final_error_ends_the_call_after_one_attempt(
        answer in prop::sample::select(&[
            (403u16, "AccessDeniedException"),
            (409, "ConflictException"),
            (400, "ValidationException"),
        ][..]),
        in_header in any::<bool>(),
        max_attempts in 1u32..=10,
        jitter in jitter(),
    ) {
        let client = client_with(max_attempts, 500);
        let mut call = client.start(SendEvent::read_receipt("t", "m"), [9; 32]).expect("valid");
        let _ = call.next_request();
        let (status, code) = answer;
        let mut b = http::Response::builder().status(status);
        let body = if in_header {
            b = b.header("X-Amzn-Errortype", code);
            "{\"message\":\"no\"}".to_owned()
        } else {
            format!("{{\"__type\":\"{code}\",\"message\":\"no\"}}")
        };
        match call.finish_attempt(Ok(b.body(body).unwrap()), jitter) {
            Next::Done(Err(Error::Service { error, attempts })) => {
                prop_assert_eq!(attempts, 1);
                prop_assert_eq!(error.code(), Some(code));
                prop_assert_eq!(error.message(), Some("no"));
            }
            other => prop_assert!(false, "{:?}", other),
        }
        prop_assert_eq!(client.quota().available(), 500);
    }

    #[test]
    fn all_throttling_ends_with_the_last_error_after_max_attempts(
        max_attempts in 1u32..=10,
        throttles in vec(
            prop_oneof![
                Just((429u16, None)),
                Just((429, Some("ThrottlingException"))),
                Just((400, Some("SlowDown"))),
                Just((503, Some("RequestLimitExceeded"))),
            ],
            1..5,
        ),
        jitter in jitter(),
    ) {
        let client = client_with(max_attempts, 500);
        let mut call = client.start(SendEvent::typing("t"), [1; 32]).expect("valid");
        let mut sent = 0u32;
        let result = loop {
            prop_assert!(sent < max_attempts, "more than {} attempts", max_attempts);
            let _ = call.next_request();
            sent += 1;
            let (status, code) = throttles[(sent as usize - 1) % throttles.len()];
            let outcome = Outcome::Service { status, code, retry_after_ms: None };
            match call.finish_attempt(outcome.to_result(sent), jitter) {
                Next::Done(result) => break result,
                Next::RetryAfter(wait) => prop_assert!(wait <= Duration::from_secs(20)),
            }
        };
        prop_assert_eq!(sent, max_attempts);
        match result {
            Err(Error::Service { error, attempts }) => {
                prop_assert_eq!(attempts, max_attempts);
                prop_assert!(error.is_throttling());
                let last = format!("req-{max_attempts}");
                prop_assert_eq!(error.request_id(), Some(last.as_str()));
            }
            other => prop_assert!(false, "{:?}", other),
        }
        prop_assert_eq!(client.quota().available(), 500 - 5 * (max_attempts - 1));
    }
}
