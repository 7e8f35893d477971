//! Parsing a SendEvent response into an output or an error.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use serde_core::Deserialize;

use crate::error_code::code_and_message;
use crate::service_error::{ServiceError, ServiceErrorKind};

const REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-amzn-requestid");
const RETRY_AFTER: http::HeaderName = http::HeaderName::from_static("x-amz-retry-after");

/// Longest body excerpt kept in a [`MalformedResponse`], in bytes.
pub const MAX_EXCERPT_BYTES: usize = 1024;

/// The bytes JSON counts as whitespace (RFC 8259): space, tab, LF, CR.
const JSON_WHITESPACE: &[u8] = b" \t\n\r";

/// A successful SendEvent answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SendEventOutput {
    /// The event's `Id`.
    pub id: Option<String>,
    /// The `AbsoluteTime` text as the service gave it (ISO 8601, e.g.
    /// `2019-11-08T02:41:28.172Z`).
    pub absolute_time: Option<String>,
    /// The `x-amzn-RequestId` header.
    pub request_id: Option<String>,
    /// How many attempts the call took (1 when parsed on its own).
    pub attempts: u32,
}

/// A 2xx response whose body is not a SendEvent output.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed response (HTTP {}): {reason}; body starts {excerpt:?}", status.as_u16())]
pub struct MalformedResponse {
    status: http::StatusCode,
    reason: String,
    excerpt: String,
    request_id: Option<String>,
}

impl MalformedResponse {
    /// The HTTP status.
    pub fn status(&self) -> http::StatusCode {
        self.status
    }
    /// What was wrong.
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// The start of the body (at most [`MAX_EXCERPT_BYTES`], lossily decoded).
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
    /// The `x-amzn-RequestId` header, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Debug for MalformedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MalformedResponse")
            .field("status", &self.status.as_u16())
            .field("reason", &self.reason)
            .field("excerpt", &self.excerpt)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// What a response that is not a success turned into.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// The service answered with an error (any non-2xx status).
    #[error("service error: {0}")]
    Service(ServiceError),
    /// A 2xx answer whose body could not be read as an output.
    #[error("{0}")]
    Malformed(MalformedResponse),
}

/// The output members of a success body: strings, borrowed from the body
/// where no escape needs decoding; `null` or absent is `None`; a repeated
/// member is refused (an ambiguous answer); other members are skipped.
#[derive(Default)]
struct WireOutput<'a> {
    id: Option<Cow<'a, str>>,
    absolute_time: Option<Cow<'a, str>>,
}

/// A JSON string, borrowed when it can be.
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde_core::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde_core::de::Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for WireOutput<'a> {
    fn deserialize<D: serde_core::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde_core::de::Visitor<'de> for V {
            type Value = WireOutput<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde_core::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = WireOutput::default();
                let (mut seen_id, mut seen_time) = (false, false);
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    let (slot, seen) = match key.0.as_ref() {
                        "Id" => (&mut out.id, &mut seen_id),
                        "AbsoluteTime" => (&mut out.absolute_time, &mut seen_time),
                        _ => {
                            map.next_value::<serde_core::de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    if std::mem::replace(seen, true) {
                        return Err(serde_core::de::Error::custom(format_args!(
                            "duplicate field `{}`",
                            key.0
                        )));
                    }
                    *slot = map.next_value::<Option<Str<'de>>>()?.map(|s| s.0);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// The usual success body, `{"Id":"…","AbsoluteTime":"…"}` in either order,
/// with no whitespace and no escapes, read without the JSON parser. Anything
/// else gives `None` and takes the full parse, which gives the same output
/// for these bodies (the unit tests and the parse property hold them equal).
fn plain_output(body: &[u8]) -> Option<(&str, &str)> {
    /// `name":"value"` at the start of `input`, the value free of quotes,
    /// backslashes and control characters; and what follows.
    fn member<'a>(input: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
        let rest = input.strip_prefix(name)?.strip_prefix("\":\"")?;
        let end = rest.find('"')?;
        let value = &rest[..end];
        // One pass without early exit, which the compiler vectorizes.
        if !value
            .bytes()
            .fold(true, |ok, b| ok & (b != b'\\') & (b >= 0x20))
        {
            return None;
        }
        Some((value, &rest[end + 1..]))
    }
    // One UTF-8 check of the whole body (word at a time for ASCII) costs
    // less than one per member.
    let rest = std::str::from_utf8(body).ok()?.strip_prefix("{\"")?;
    let (first, second) = if rest.starts_with("Id\"") {
        ("Id", "AbsoluteTime")
    } else {
        ("AbsoluteTime", "Id")
    };
    let (a, rest) = member(rest, first)?;
    let (b, rest) = member(rest.strip_prefix(",\"")?, second)?;
    if rest != "}" {
        return None;
    }
    Some(if first == "Id" { (a, b) } else { (b, a) })
}

fn header_text(headers: &http::HeaderMap, name: &http::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(MAX_EXCERPT_BYTES)];
    // Drop a character split by the cut; replace other invalid bytes, then
    // bound the text again (a replacement character takes 3 bytes).
    let cut = match std::str::from_utf8(cut) {
        Err(e) if e.error_len().is_none() => &cut[..e.valid_up_to()],
        _ => cut,
    };
    let mut text = String::from_utf8_lossy(cut).into_owned();
    let mut end = text.len().min(MAX_EXCERPT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

/// Parses a SendEvent response. The body is borrowed, never copied.
///
/// 2xx: an output (an empty body gives an output with both members absent;
/// `null` is absent; unknown members are ignored; a member given twice makes
/// the answer ambiguous, hence malformed). Any other status: a
/// [`ServiceError`]. A 2xx body that is not a JSON object of the right shape:
/// a [`MalformedResponse`]. Never panics.
///
/// ```
/// use connect_participant_core::parse_response;
///
/// let response = http::Response::builder()
///     .status(200)
///     .header("x-amzn-RequestId", "req-1")
///     .body(br#"{"Id":"ev-1","AbsoluteTime":"2019-11-08T02:41:28.172Z","New":1}"#)
///     .unwrap();
/// let output = parse_response(&response).unwrap();
/// assert_eq!(output.id.as_deref(), Some("ev-1"));
/// assert_eq!(output.absolute_time.as_deref(), Some("2019-11-08T02:41:28.172Z"));
/// assert_eq!(output.request_id.as_deref(), Some("req-1"));
/// ```
pub fn parse_response<B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<SendEventOutput, ResponseError> {
    let status = response.status();
    let headers = response.headers();
    let body = response.body().as_ref();
    let request_id = header_text(headers, &REQUEST_ID);
    if status.is_success() {
        if body.iter().all(|b| JSON_WHITESPACE.contains(b)) {
            return Ok(SendEventOutput {
                request_id,
                attempts: 1,
                ..SendEventOutput::default()
            });
        }
        if let Some((id, absolute_time)) = plain_output(body) {
            return Ok(SendEventOutput {
                id: Some(id.to_owned()),
                absolute_time: Some(absolute_time.to_owned()),
                request_id,
                attempts: 1,
            });
        }
        let parsed = serde_json::from_slice::<WireOutput<'_>>(body).map_err(|e| e.to_string());
        return match parsed {
            Ok(wire) => Ok(SendEventOutput {
                id: wire.id.map(Cow::into_owned),
                absolute_time: wire.absolute_time.map(Cow::into_owned),
                request_id,
                attempts: 1,
            }),
            Err(e) => Err(ResponseError::Malformed(MalformedResponse {
                status,
                reason: format!("body is not a SendEvent output: {e}"),
                excerpt: excerpt(body),
                request_id,
            })),
        };
    }
    let found = code_and_message(headers, body);
    let retry_after = headers
        .get(&RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis);
    Err(ResponseError::Service(ServiceError {
        kind: ServiceErrorKind::from_code(found.code.as_deref()),
        status,
        code: found.code,
        message: found.message,
        request_id,
        retry_after,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &[u8]) -> http::Response<&[u8]> {
        http::Response::builder().status(status).body(body).unwrap()
    }

    /// The full parse of a 2xx body, without the plain fast path.
    fn full_parse(body: &[u8]) -> Option<(Option<String>, Option<String>)> {
        serde_json::from_slice::<WireOutput<'_>>(body)
            .ok()
            .map(|w| {
                (
                    w.id.map(Cow::into_owned),
                    w.absolute_time.map(Cow::into_owned),
                )
            })
    }

    #[test]
    fn the_plain_fast_path_agrees_with_the_full_parse() {
        let bodies: &[&[u8]] = &[
            br#"{"Id":"ev-1","AbsoluteTime":"2019-11-08T02:41:28.172Z"}"#,
            br#"{"AbsoluteTime":"t","Id":"i"}"#,
            br#"{"Id":"","AbsoluteTime":""}"#,
            "{\"Id\":\"\u{e9}\u{1F600}\",\"AbsoluteTime\":\"t\"}".as_bytes(),
            // Each of these must leave the fast path (and some fail the full parse).
            br#"{"Id":"a\"b","AbsoluteTime":"t"}"#,
            br#"{"Id":"a\u0041","AbsoluteTime":"t"}"#,
            b"{\"Id\":\"a\x01\",\"AbsoluteTime\":\"t\"}",
            b"{\"Id\":\"\xff\",\"AbsoluteTime\":\"t\"}",
            br#"{"Id":"a","Id":"b"}"#,
            br#"{"Id":"a","AbsoluteTime":"t","Id":"b"}"#,
            br#"{"Id":"a","AbsoluteTime":"t"} "#,
            br#"{"Id":"a","AbsoluteTime":"t"}}"#,
            br#"{"Id":"a","AbsoluteTime":"t""#,
            br#"{"Id":"a", "AbsoluteTime":"t"}"#,
            br#"{"Id":"a","AbsoluteTime":null}"#,
            br#"{"Id":"a","AbsoluteTimeX":"t"}"#,
            br#"{"Id":"a"}"#,
            br#"{"Idx":"a","AbsoluteTime":"t"}"#,
            br#"{"Id":"a","AbsoluteTime":"t"#,
        ];
        for (i, body) in bodies.iter().enumerate() {
            let fast = plain_output(body).map(|(a, b)| (Some(a.to_owned()), Some(b.to_owned())));
            if i < 4 {
                assert!(fast.is_some(), "body {i} takes the fast path");
            } else {
                assert!(fast.is_none(), "body {i} leaves the fast path");
            }
            if let Some(fast) = fast {
                assert_eq!(Some(fast), full_parse(body), "body {i}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_bodies_read_the_same_either_way(
            id in ".{0,40}",
            time in ".{0,40}",
            id_first in proptest::bool::ANY,
        ) {
            let (id_json, time_json) = (
                serde_json::to_string(&id).unwrap(),
                serde_json::to_string(&time).unwrap(),
            );
            let body = if id_first {
                format!("{{\"Id\":{id_json},\"AbsoluteTime\":{time_json}}}")
            } else {
                format!("{{\"AbsoluteTime\":{time_json},\"Id\":{id_json}}}")
            };
            let out = parse_response(&resp(200, body.as_bytes())).unwrap();
            proptest::prop_assert_eq!(out.id, Some(id));
            proptest::prop_assert_eq!(out.absolute_time, Some(time));
            if let Some((a, b)) = plain_output(body.as_bytes()) {
                proptest::prop_assert_eq!(
                    Some((Some(a.to_owned()), Some(b.to_owned()))),
                    full_parse(body.as_bytes())
                );
            }
        }
    }

    #[test]
    fn success_shapes() {
        let out = parse_response(&resp(200, b"")).unwrap();
        assert_eq!((out.id, out.absolute_time), (None, None));
        let out = parse_response(&resp(
            200,
            br#"{"Id":null,"AbsoluteTime":"t","X":{"y":[1]}}"#,
        ))
        .unwrap();
        assert_eq!(
            (out.id.as_deref(), out.absolute_time.as_deref()),
            (None, Some("t"))
        );
        let out = parse_response(&resp(200, br#"{"Id":"a\"b\u00e9"}"#)).unwrap();
        assert_eq!(out.id.as_deref(), Some("a\"bé"));
        assert!(parse_response(&resp(200, b" \r\n\t")).is_ok());
        assert!(
            parse_response(&resp(200, b"\x0c")).is_err(),
            "a form feed is not JSON whitespace"
        );
    }

    #[test]
    fn malformed_success_keeps_a_bounded_excerpt() {
        for body in [
            &b"{\"Id\":\"x\"} trailing"[..],
            b"[]",
            b"{\"Id\":5}",
            b"\xff\xfe",
            b"{\"Id\":\"x\",\"Id\":\"y\"}",
        ] {
            let Err(ResponseError::Malformed(m)) = parse_response(&resp(200, body)) else {
                panic!("{body:?} should be malformed");
            };
            assert_eq!(m.status(), 200);
        }
        let big = vec![b'x'; 10_000];
        let Err(ResponseError::Malformed(m)) = parse_response(&resp(200, &big)) else {
            panic!()
        };
        assert_eq!(m.excerpt().len(), MAX_EXCERPT_BYTES);
        let mut multi = "é".repeat(1000).into_bytes();
        multi.insert(0, b'!');
        let Err(ResponseError::Malformed(m)) = parse_response(&resp(200, &multi)) else {
            panic!()
        };
        assert!(m.excerpt().len() <= MAX_EXCERPT_BYTES && !m.excerpt().contains('\u{fffd}'));
        let Err(ResponseError::Malformed(m)) = parse_response(&resp(200, &[0xff; 5000])) else {
            panic!()
        };
        assert!(m.excerpt().len() <= MAX_EXCERPT_BYTES && m.excerpt().starts_with('\u{fffd}'));
    }

    #[test]
    fn retry_after_header_is_read() {
        let r = http::Response::builder()
            .status(429)
            .header("x-amz-retry-after", "1500")
            .body(&b""[..])
            .unwrap();
        let Err(ResponseError::Service(e)) = parse_response(&r) else {
            panic!()
        };
        assert_eq!(e.retry_after(), Some(Duration::from_millis(1500)));
        assert!(e.is_throttling());
    }
}
