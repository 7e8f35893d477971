//! Finding an error's code and message in a restJson1 error response.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::wire::{Checked, CheckedSeed};

/// Sanitizes a restJson1 error code: everything from the first `:` is cut,
/// then what follows the last `#` is kept.
///
/// ```
/// use connect_participant::error::sanitize_error_code;
///
/// assert_eq!(
///     sanitize_error_code("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
///     "FooError"
/// );
/// ```
pub fn sanitize_error_code(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or(code);
    code.rsplit('#').next().unwrap_or(code)
}

const ERROR_TYPE: http::HeaderName = http::HeaderName::from_static("x-amzn-errortype");

/// The code and message of an error response, both sanitized and owned.
pub(crate) struct CodeAndMessage {
    pub code: Option<String>,
    pub message: Option<String>,
    /// The body was a JSON object (a missing message then stays empty
    /// rather than falling back to the status's reason phrase).
    pub json_body: bool,
}

fn non_empty_code(raw: &str) -> Option<String> {
    let code = sanitize_error_code(raw.trim()).trim();
    (!code.is_empty()).then(|| code.to_owned())
}

/// The members an error body may name its code in (in the order they are
/// looked at), then those it may name its message in.
const KEYS: [&str; 6] = [
    "code",
    "Code",
    "__type",
    "message",
    "Message",
    "errorMessage",
];

/// Finds the code (header, then `code`/`Code`, then `__type`) and the message
/// (`message`, `Message`, `errorMessage`). A body that is not a JSON object
/// gives no code and no message; it is never an error.
pub(crate) fn code_and_message(headers: &http::HeaderMap, body: &[u8]) -> CodeAndMessage {
    let header_code = headers
        .get(&ERROR_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(non_empty_code);
    let members = serde_json::from_slice::<Members>(body).ok();
    let text = |i: usize| members.as_ref().and_then(|m| m.0[i].as_deref());
    let code = header_code.or_else(|| (0..3).find_map(|i| text(i).and_then(non_empty_code)));
    let message = (3..6).find_map(text).map(str::to_owned);
    CodeAndMessage {
        code,
        message,
        json_body: members.is_some(),
    }
}

/// The string value of each of [`KEYS`] in a JSON object (`None` for a
/// member that is absent or not a string). A repeated key keeps its last
/// value, so a repeated key never hides the code or the message. Every
/// other member is still read as JSON: a body that is not one JSON object
/// is refused whole.
struct Members<'de>([Option<Cow<'de, str>>; 6]);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
        let mut found = Members(Default::default());
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Some(i) => found.0[i] = map.next_value_seed(TextSeed)?,
                None => map.next_value_seed(CheckedSeed)?,
            }
        }
        Ok(found)
    }
}

/// A key: its place in [`KEYS`], or `None` for any other.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(KEYS.iter().position(|k| *k == key))
    }
}

/// A value: its text if it is a string (borrowed from the body when it has
/// no escapes), else `None` once it is read in full.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Checked.visit_seq(seq).map(|_| None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Checked.visit_map(map).map(|_| None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_examples() {
        assert_eq!(sanitize_error_code("FooError"), "FooError");
        assert_eq!(sanitize_error_code("FooError:http://x/y"), "FooError");
        assert_eq!(sanitize_error_code("a.b#FooError"), "FooError");
        assert_eq!(sanitize_error_code("a:b#c"), "a");
        assert_eq!(sanitize_error_code(""), "");
    }

    #[test]
    fn odd_bodies_give_nothing_and_never_fail() {
        let h = http::HeaderMap::new();
        for body in [
            &b""[..],
            b"<html>",
            b"[1]",
            b"[\"FooError\", \"msg\"]",
            b"{\"code\": 5, \"message\": {\"a\": 1}}",
            b"{\"code\":\"A\"} junk",
        ] {
            let cm = code_and_message(&h, body);
            assert!(
                cm.code.is_none() && cm.message.is_none(),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
        let cm = code_and_message(
            &h,
            br#"{"Code":"x#Y","errorMessage":"m","other":[1,{"a":null}]}"#,
        );
        assert_eq!(
            (cm.code.as_deref(), cm.message.as_deref()),
            (Some("Y"), Some("m"))
        );
    }

    #[test]
    fn the_last_value_of_a_key_counts_and_the_whole_body_is_json() {
        let h = http::HeaderMap::new();
        let read = |body: &[u8]| {
            let cm = code_and_message(&h, body);
            (cm.code, cm.message, cm.json_body)
        };
        let s = |v: &str| Some(v.to_owned());
        // A later non-string value hides an earlier string; a later string
        // replaces a non-string; an empty code gives way to the next key.
        assert_eq!(
            read(br#"{"code":"A","code":5,"Code":"B"}"#),
            (s("B"), None, true)
        );
        assert_eq!(
            read(br#"{"message":[1],"message":"m2"}"#),
            (None, s("m2"), true)
        );
        assert_eq!(read(br#"{"code":" ","__type":"T"}"#), (s("T"), None, true));
        // Escaped text is decoded; an empty message is still a message.
        assert_eq!(
            read(br#"{"__type":"a#B\u00e9","Message":""}"#),
            (s("Bé"), s(""), true)
        );
        // Any member that is not JSON, skipped or not, refuses the whole body.
        for body in [
            &br#"{"code":"A","x":"\ud800"}"#[..],
            br#"{"code":"A","x":[1e400]}"#,
            b"{\"code\":\"A\",\"x\":\"\xff\"}",
            br#"{"code":"A"} {}"#,
            br#"{"message":{"a":-1e999}}"#,
        ] {
            let shown = String::from_utf8_lossy(body);
            assert_eq!(read(body), (None, None, false), "{shown}");
        }
    }
}
