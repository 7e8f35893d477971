//! Proptest strategies shared by the property tests: strings of any length
//! at little cost, tokens, content types, valid `SendEvent` inputs, JSON.

use connect_participant_core::{ContentType, SendEvent};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;

pub fn visible_ascii() -> impl Strategy<Value = char> + Clone {
    (0x20u8..=0x7e).prop_map(char::from)
}

pub fn visible_no_space() -> impl Strategy<Value = char> + Clone {
    (0x21u8..=0x7e).prop_map(char::from)
}

/// `n` characters made by cycling a short random chunk: long strings at
/// little generation cost.
pub fn cycled(chunk: &[char], n: usize) -> String {
    chunk.iter().cycle().take(n).collect()
}

/// A string of exactly `len` characters from `chars`, cheap for any length.
pub fn string_of_len<S>(
    chars: S,
    len: impl Strategy<Value = usize>,
) -> impl Strategy<Value = String>
where
    S: Strategy<Value = char> + Clone,
{
    (vec(chars, 1..=12), len).prop_map(|(chunk, n)| cycled(&chunk, n))
}

/// Mostly short strings of `chars` (fully random), sometimes long ones up to
/// `max` and the exact bounds (cycled chunks).
pub fn sized_string<S>(chars: S, min: usize, max: usize) -> impl Strategy<Value = String>
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

/// Any characters, `min..=max` of them.
pub fn any_string(min: usize, max: usize) -> impl Strategy<Value = String> {
    sized_string(any::<char>(), min, max)
}

/// A valid connection token: 1..=1000 visible ASCII, no space at either end.
pub fn valid_token() -> impl Strategy<Value = String> {
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
pub fn secret_token() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9._~+/=-]{16,80}")
        .expect("regex")
        .prop_map(|s| format!("Sec{s}"))
}

/// A content type the spec does not name.
pub fn open_content_type() -> impl Strategy<Value = String> {
    any_string(1, 100).prop_filter("not a known content type", |s| {
        matches!(ContentType::from(s.as_str()), ContentType::Other(_))
    })
}

#[allow(deprecated)]
pub fn non_receipt_type() -> impl Strategy<Value = ContentType> {
    prop_oneof![
        Just(ContentType::Typing),
        Just(ContentType::ConnectionAcknowledged),
        open_content_type().prop_map(ContentType::Other),
    ]
}

pub fn read_or_delivered(read: bool) -> ContentType {
    if read {
        ContentType::MessageRead
    } else {
        ContentType::MessageDelivered
    }
}

/// What the request body must hold for `Content`.
#[derive(Debug, Clone)]
pub enum ExpectContent {
    Absent,
    Exact(String),
    /// A receipt naming this message id.
    Receipt(String),
}

/// A valid input and what it says.
#[derive(Debug, Clone)]
pub struct ValidCase {
    pub event: SendEvent,
    pub token: String,
    pub content_type: String,
    pub content: ExpectContent,
    /// The client token as the caller gave it (maybe empty).
    pub client_token: Option<String>,
}

/// Valid inputs: typing, acknowledgements and open types with any content,
/// receipts built by their constructors, with no, any or an empty client
/// token.
pub fn valid_case() -> impl Strategy<Value = ValidCase> {
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

/// Any JSON value, two levels deep at most.
pub fn json_value() -> impl Strategy<Value = Value> {
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

/// A JSON object written by hand from `members` (so a name can repeat),
/// with `ws` before it and `tail` after it.
pub fn object_text(members: &[(String, Value)], ws: &str, tail: &str) -> Vec<u8> {
    let inner: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), v))
        .collect();
    format!("{ws}{{{}}}{tail}", inner.join(",")).into_bytes()
}

/// One of a few endpoints: with and without a base path, trailing slashes,
/// IPv6, https.
pub fn endpoint_url() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        &[
            "http://127.0.0.1:8080/base",
            "https://example.com/base/",
            "https://participant.connect.us-west-2.amazonaws.com",
            "http://[::1]:99/a/b//",
            "http://localhost",
        ][..],
    )
}
