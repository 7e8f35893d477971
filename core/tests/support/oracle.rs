//! The rules of `docs/spec.md`, restated independently, to check the core
//! against. The one copy: the property tests (`core/tests/prop_*.rs`) and the
//! fuzz targets (`fuzz/`, through `#[path]`) both use this file.
//!
//! Written from the spec, not from the core's code: the lists of codes and
//! statuses, the lookup order of codes and messages, the sanitizing, the
//! endpoint templates, the waits and the quota are all stated again here.
//! The oracle still uses `serde_json` and `http` for JSON and header syntax,
//! and the core's public types (`RetryClass`, `Field`, ...) to name results:
//! the checks are about the core's logic, not those crates.
//!
//! Where the spec leaves something open and the project made a choice, the
//! function says so.
#![allow(dead_code)]

use std::fmt;
use std::time::Duration;

use connect_participant_core::error::{Field, ReceiptProblem, Rule};
use connect_participant_core::retry::RetryClass;
use connect_participant_core::{ServiceErrorKind, TransportErrorKind};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

// ----------------------------------------------------------------- requests

/// docs/spec.md#content-types: the typing event.
pub const TYPING: &str = "application/vnd.amazonaws.connect.event.typing";
/// The delivery receipt.
pub const DELIVERED: &str = "application/vnd.amazonaws.connect.event.message.delivered";
/// The read receipt.
pub const READ: &str = "application/vnd.amazonaws.connect.event.message.read";
/// The deprecated connection acknowledgement.
pub const ACKNOWLEDGED: &str = "application/vnd.amazonaws.connect.event.connection.acknowledged";
/// The four content types the spec names.
pub const KNOWN_CONTENT_TYPES: [&str; 4] = [TYPING, DELIVERED, READ, ACKNOWLEDGED];

/// The operation path of SendEvent (docs/spec.md#sendevent-on-the-wire).
pub const SEND_EVENT_PATH: &str = "/participant/event";
/// The operation path of CreateParticipantConnection.
pub const CONNECTION_PATH: &str = "/participant/connection";

/// docs/spec.md#body-members: length limits, in Unicode scalar values.
pub const CONNECTION_TOKEN_LEN: (usize, usize) = (1, 1000);
/// `ContentType`.
pub const CONTENT_TYPE_LEN: (usize, usize) = (1, 100);
/// `Content`.
pub const CONTENT_LEN: (usize, usize) = (1, 16384);
/// `ClientToken`.
pub const CLIENT_TOKEN_LEN: (usize, usize) = (0, 500);

/// The body members, in the order the core writes them.
pub const BODY_MEMBERS: [&str; 3] = ["ContentType", "Content", "ClientToken"];

/// The headers of every attempt of a call (names in lower case).
pub const ATTEMPT_HEADERS: [&str; 6] = [
    "content-type",
    "content-length",
    "user-agent",
    "x-amz-bearer",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
];

/// What `user-agent` starts with (then the crate's version).
pub const USER_AGENT_PREFIX: &str = "connect-participant-core/";

/// A length in Unicode scalar values.
pub fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `min..=max` Unicode scalar values.
pub fn length_ok(s: &str, (min, max): (usize, usize)) -> bool {
    (min..=max).contains(&chars(s))
}

/// A receipt type: its content must name a message.
pub fn is_receipt_type(content_type: &str) -> bool {
    content_type == DELIVERED || content_type == READ
}

/// Printable ASCII, `0x20`-`0x7E`.
pub fn printable(c: char) -> bool {
    (' '..='~').contains(&c)
}

/// docs/spec.md#validation-before-sending: a token is printable ASCII only,
/// with no leading or trailing space.
pub fn token_is_header_safe(token: &str) -> bool {
    token.chars().all(printable) && !token.starts_with(' ') && !token.ends_with(' ')
}

/// A receipt's content: JSON, an object, with a `messageId` member that is a
/// non-empty string; each failure has its own reason.
pub fn receipt_problem(content: &str) -> Option<ReceiptProblem> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(content) else {
        return Some(ReceiptProblem::NotJson);
    };
    let Some(object) = value.as_object() else {
        return Some(ReceiptProblem::NotObject);
    };
    match object.get("messageId") {
        None => Some(ReceiptProblem::MissingMessageId),
        Some(serde_json::Value::String(s)) if s.is_empty() => Some(ReceiptProblem::EmptyMessageId),
        Some(serde_json::Value::String(_)) => None,
        Some(_) => Some(ReceiptProblem::MessageIdNotString),
    }
}

/// How a field breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// Its length is outside `min..=max`.
    Length {
        /// Smallest allowed.
        min: usize,
        /// Largest allowed.
        max: usize,
    },
    /// The token is not a clean header value.
    HeaderValue,
    /// A receipt's content is wrong.
    Receipt(ReceiptProblem),
    /// A receipt has no content.
    Required,
}

/// The first field, in the spec's order (connection token, content type,
/// content, client token), that breaks a rule, and how; `None` for a valid
/// `SendEvent`.
pub fn first_broken(
    token: &str,
    content_type: &str,
    content: Option<&str>,
    client_token: Option<&str>,
) -> Option<(Field, Broken)> {
    let length = |(min, max): (usize, usize)| Broken::Length { min, max };
    if !length_ok(token, CONNECTION_TOKEN_LEN) {
        return Some((Field::ConnectionToken, length(CONNECTION_TOKEN_LEN)));
    }
    if !token_is_header_safe(token) {
        return Some((Field::ConnectionToken, Broken::HeaderValue));
    }
    if !length_ok(content_type, CONTENT_TYPE_LEN) {
        return Some((Field::ContentType, length(CONTENT_TYPE_LEN)));
    }
    let receipt = is_receipt_type(content_type);
    match content {
        Some(c) if !length_ok(c, CONTENT_LEN) => {
            return Some((Field::Content, length(CONTENT_LEN)))
        }
        Some(c) if receipt => {
            if let Some(p) = receipt_problem(c) {
                return Some((Field::Content, Broken::Receipt(p)));
            }
        }
        None if receipt => return Some((Field::Content, Broken::Required)),
        _ => {}
    }
    match client_token {
        Some(t) if !length_ok(t, CLIENT_TOKEN_LEN) => {
            Some((Field::ClientToken, length(CLIENT_TOKEN_LEN)))
        }
        _ => None,
    }
}

/// Whether the rule the core names is the one `value` (the field's text)
/// breaks: the same limits and the real length, the index of a character
/// that is not allowed there, the same receipt problem.
pub fn rule_matches(broken: &Broken, rule: &Rule, value: Option<&str>) -> bool {
    match (broken, rule) {
        (
            Broken::Length { min, max },
            Rule::Length {
                min: m,
                max: x,
                actual,
            },
        ) => (min, max) == (m, x) && value.map(chars) == Some(*actual),
        (Broken::HeaderValue, Rule::HeaderValue { position }) => {
            let token = value.unwrap_or_default();
            let c = token.chars().nth(*position);
            c.is_some_and(|c| !printable(c))
                || (c == Some(' ') && (*position == 0 || *position + 1 == chars(token)))
        }
        (Broken::Receipt(p), Rule::ReceiptContent(q)) => p == q,
        (Broken::Required, Rule::Required) => true,
        _ => false,
    }
}

/// docs/spec.md#the-client-token: the token a call sends when the caller
/// gave `given`: the caller's, except that an empty one counts as none
/// (`None`: a generated UUID v4 goes out).
pub fn sent_client_token(given: Option<&str>) -> Option<&str> {
    given.filter(|t| !t.is_empty())
}

/// The exact body of a `SendEvent` request: one compact JSON object with
/// only the members that are set, in the order `ContentType`, `Content`,
/// `ClientToken` (strings escaped as `serde_json` writes them).
pub fn expected_body(
    content_type: &str,
    content: Option<&str>,
    client_token: Option<&str>,
) -> String {
    let text = |s: &str| serde_json::Value::from(s).to_string();
    let mut out = format!("{{\"ContentType\":{}", text(content_type));
    if let Some(c) = content {
        out.push_str(&format!(",\"Content\":{}", text(c)));
    }
    if let Some(t) = client_token {
        out.push_str(&format!(",\"ClientToken\":{}", text(t)));
    }
    out.push('}');
    out
}

/// `amz-sdk-request` of attempt `n` of at most `max`.
pub fn sdk_request_header(attempt: u32, max: u32) -> String {
    format!("attempt={attempt}; max={max}")
}

// -------------------------------------------------------------------- UUIDs

/// docs/spec.md#the-client-token: a UUID version 4 as text: lower-case hex,
/// `8-4-4-4-12`, version nibble 4, variant bits `10`.
pub fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// The UUID v4 text of 16 bytes, with the version and variant bits set
/// (RFC 9562).
pub fn uuid_v4_text(bytes: &[u8]) -> String {
    let mut b = [0u8; 16];
    b.copy_from_slice(&bytes[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

// ---------------------------------------------------------------- responses

/// docs/spec.md#success: only JSON whitespace (space, tab, LF, CR) makes a
/// body empty.
pub fn is_blank(body: &[u8]) -> bool {
    body.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// docs/spec.md#malformed-answers: the longest excerpt, in bytes.
pub const MAX_EXCERPT_BYTES: usize = 1024;

/// An excerpt the spec allows for `body`: at most 1024 bytes, the start of
/// the body decoded lossily (never splitting a character), the whole body
/// when it is short valid UTF-8.
pub fn excerpt_ok(body: &[u8], excerpt: &str) -> bool {
    excerpt.len() <= MAX_EXCERPT_BYTES
        && String::from_utf8_lossy(body).starts_with(excerpt)
        && (body.len() > MAX_EXCERPT_BYTES
            || std::str::from_utf8(body).is_err()
            || excerpt.as_bytes() == body)
}

/// A top-level member's value, as far as the lookups care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Member {
    /// `null`.
    Null,
    /// A string.
    Str(String),
    /// Anything else.
    Other,
}

impl<'de> de::Deserialize<'de> for Member {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Member;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Member, E> {
                Ok(Member::Str(v.to_owned()))
            }
            fn visit_unit<E>(self) -> Result<Member, E> {
                Ok(Member::Null)
            }
            fn visit_none<E>(self) -> Result<Member, E> {
                Ok(Member::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Member, E> {
                Ok(Member::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Member, E> {
                Ok(Member::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Member, E> {
                Ok(Member::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Member, E> {
                Ok(Member::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Member, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Member::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Member, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Member::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// The named members to look for, and whether a repeated one is refused
/// (`true`: a success body, where it is ambiguous) or keeps its last value
/// (`false`: an error body, read as a JSON object map would).
struct Members(&'static [&'static str], bool);

impl<'de> DeserializeSeed<'de> for Members {
    type Value = Vec<Option<Member>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Members {
    type Value = Vec<Option<Member>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = vec![None; self.0.len()];
        while let Some(key) = map.next_key::<String>()? {
            match self.0.iter().position(|k| *k == key) {
                Some(i) if found[i].is_some() && self.1 => {
                    return Err(de::Error::custom(format_args!("duplicate member {key}")))
                }
                Some(i) => found[i] = Some(map.next_value::<Member>()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// Whether `body` is one JSON value (whitespace around it allowed), as
/// `serde_json` reads it: UTF-8 throughout (RFC 8259), every string valid
/// Unicode (no lone surrogate escape), every number within `f64`. The spec
/// says "JSON"; this is the JSON a Rust client can read, and the reading the
/// core's error path takes.
pub fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok()
}

/// The named top-level members of a body that is exactly one JSON object
/// ([`is_json`]); `None` for anything else, and for an object that repeats
/// one of the named members (an ambiguous answer). Other members can be
/// anything.
pub fn object_members(body: &[u8], keys: &'static [&'static str]) -> Option<Vec<Option<Member>>> {
    members_of(body, keys, true)
}

/// As [`object_members`], but a repeated member keeps its last value
/// (docs/spec.md#finding-the-message: a repeated key never hides the code or
/// the message).
pub fn error_members(body: &[u8]) -> Option<Vec<Option<Member>>> {
    members_of(body, ERROR_MEMBERS, false)
}

fn members_of(
    body: &[u8],
    keys: &'static [&'static str],
    refuse_repeats: bool,
) -> Option<Vec<Option<Member>>> {
    // The whole body must be JSON, the members skipped too (serde_json
    // checks only what it reads, not what it skips).
    if !is_json(body) {
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = Members(keys, refuse_repeats).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(found)
}

/// The members an error body is searched for: the code's, then the message's.
pub const ERROR_MEMBERS: &[&str] = &[
    "code",
    "Code",
    "__type",
    "message",
    "Message",
    "errorMessage",
];

/// The members of a `SendEvent` success body.
pub const OUTPUT_MEMBERS: &[&str] = &["Id", "AbsoluteTime"];

/// docs/spec.md#success: what a 2xx body reads as, `(Id, AbsoluteTime)`;
/// `None` when it is malformed. A blank body has both absent; otherwise one
/// JSON object whose `Id` and `AbsoluteTime` are strings, `null` or absent,
/// each at most once; other members anything.
#[allow(clippy::type_complexity)]
pub fn expected_output(body: &[u8]) -> Option<(Option<String>, Option<String>)> {
    if is_blank(body) {
        return Some((None, None));
    }
    let m = object_members(body, OUTPUT_MEMBERS)?;
    let text = |m: &Option<Member>| match m {
        None | Some(Member::Null) => Ok(None),
        Some(Member::Str(s)) => Ok(Some(s.clone())),
        Some(Member::Other) => Err(()),
    };
    Some((text(&m[0]).ok()?, text(&m[1]).ok()?))
}

// ------------------------------------------------------------------- errors

/// docs/spec.md#finding-the-error-code: cut everything from the first `:`
/// on, then keep what follows the last `#`.
pub fn sanitize_code(raw: &str) -> &str {
    let head = match raw.find(':') {
        Some(i) => &raw[..i],
        None => raw,
    };
    match head.rfind('#') {
        Some(i) => &head[i + 1..],
        None => head,
    }
}

/// The code a raw text gives: trimmed, sanitized, and absent when empty.
///
/// The spec says "trimmed and then sanitized"; the project also trims the
/// sanitized code (`ns# FooError` gives `FooError`, as fuzz/README records),
/// so this does too.
pub fn code_of(raw: &str) -> Option<String> {
    let code = sanitize_code(raw.trim()).trim();
    (!code.is_empty()).then(|| code.to_owned())
}

/// The first value of a header as text (names are case-insensitive).
pub fn header_text<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The code: the `X-Amzn-Errortype` header, then the body's top-level
/// `code`, `Code`, `__type` (strings only), the first that gives a
/// non-empty code. A body that is not a JSON object gives none.
pub fn expected_code(headers: &http::HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(code) = header_text(headers, "x-amzn-errortype").and_then(code_of) {
        return Some(code);
    }
    let members = error_members(body)?;
    members[..3].iter().find_map(|m| match m {
        Some(Member::Str(s)) => code_of(s),
        _ => None,
    })
}

/// docs/spec.md#finding-the-message: `message`, else `Message`, else
/// `errorMessage`, the first that is a string (even an empty one).
pub fn expected_message(body: &[u8]) -> Option<String> {
    let members = error_members(body)?;
    members[3..].iter().find_map(|m| match m {
        Some(Member::Str(s)) => Some(s.clone()),
        _ => None,
    })
}

/// docs/spec.md#modeled-errors: the kind, by code only.
pub fn expected_kind(code: Option<&str>) -> ServiceErrorKind {
    match code {
        Some("AccessDeniedException") => ServiceErrorKind::AccessDenied,
        Some("ConflictException") => ServiceErrorKind::Conflict,
        Some("InternalServerException") => ServiceErrorKind::InternalServer,
        Some("ThrottlingException") => ServiceErrorKind::Throttling,
        Some("ValidationException") => ServiceErrorKind::Validation,
        _ => ServiceErrorKind::Unmodeled,
    }
}

/// A whole number, surrounding whitespace allowed (and an optional `+`, as
/// integer parsing usually accepts); `None` for anything else or an overflow.
pub fn parse_whole_number(value: &str) -> Option<u64> {
    let v = value.trim();
    let digits = v.strip_prefix('+').unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.bytes().try_fold(0u64, |n, b| {
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// The `x-amz-retry-after` hint: whole milliseconds; any other value is
/// ignored.
pub fn expected_retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    header_text(headers, "x-amz-retry-after")
        .and_then(parse_whole_number)
        .map(Duration::from_millis)
}

// ------------------------------------------------------------------ retries

/// docs/spec.md#what-is-retried: the throttling codes.
pub const THROTTLING_CODES: &[&str] = &[
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

/// The transient codes.
pub const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];

/// The transient statuses, whatever the code.
pub const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// The codes that are never retried (the modeled client errors), on any status.
pub const FINAL_CODES: &[&str] = &[
    "AccessDeniedException",
    "ConflictException",
    "ValidationException",
];

/// The retry class of an error answer, decided in the spec's order: final
/// codes, throttling codes, a 429 without code, transient codes, then the
/// status (500, 502, 503, 504 transient; the rest final).
pub fn expected_class(status: u16, code: Option<&str>) -> RetryClass {
    match code {
        Some(c) if FINAL_CODES.contains(&c) => RetryClass::Final,
        Some(c) if THROTTLING_CODES.contains(&c) => RetryClass::Throttling,
        None if status == 429 => RetryClass::Throttling,
        Some(c) if TRANSIENT_CODES.contains(&c) => RetryClass::Transient,
        _ if TRANSIENT_STATUSES.contains(&status) => RetryClass::Transient,
        _ => RetryClass::Final,
    }
}

/// docs/spec.md#failure-kinds: connection failures, timeouts and broken
/// connections are transient; TLS, a body over the limit and anything else
/// are final.
pub fn transport_class(kind: TransportErrorKind) -> RetryClass {
    match kind {
        TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io => {
            RetryClass::Transient
        }
        _ => RetryClass::Final,
    }
}

/// docs/spec.md#attempts: attempts per call by default.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// docs/spec.md#retry-quota: the quota's start and ceiling.
pub const QUOTA_MAX: u32 = 500;
/// What a retry costs.
pub const RETRY_COST: u32 = 5;
/// What a retry after a timeout costs.
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// What a success at the first attempt gives back.
pub const FIRST_TRY_REFUND: u32 = 1;

/// The cost of retrying after a failure (a timeout or not).
pub fn retry_cost(timeout: bool) -> u32 {
    if timeout {
        TIMEOUT_RETRY_COST
    } else {
        RETRY_COST
    }
}

/// The quota after a success, given what the call's last retry cost.
pub fn refunded(quota: u32, last_retry_cost: Option<u32>) -> u32 {
    (quota + last_retry_cost.unwrap_or(FIRST_TRY_REFUND)).min(QUOTA_MAX)
}

/// docs/spec.md#waiting: the wait before attempt `n + 1`, in seconds:
/// `t = jitter * min(2^(n-1), 20)` (jitter clamped to [0, 1], NaN as 0),
/// then with a hint `max(t, min(hint, t + 5 s))`.
pub fn expected_wait(attempts_made: u32, jitter: f64, hint: Option<Duration>) -> f64 {
    let cap = 2f64.powi(attempts_made.clamp(1, 64) as i32 - 1).min(20.0);
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    let t = cap * jitter;
    match hint {
        Some(h) => t.max(h.as_secs_f64().min(t + 5.0)),
        None => t,
    }
}

/// The range a wait must fall in when the jitter is unknown (it comes from
/// the call's seed): from the wait with jitter 0 to the wait with jitter 1,
/// in seconds. The wait grows with the jitter, so these are its bounds.
pub fn wait_bounds(attempts_made: u32, hint: Option<Duration>) -> (f64, f64) {
    (
        expected_wait(attempts_made, 0.0, hint),
        expected_wait(attempts_made, 1.0, hint),
    )
}

/// `wait` lies within [`wait_bounds`] (to the nanosecond a `Duration` keeps).
pub fn wait_within(wait: Duration, attempts_made: u32, hint: Option<Duration>) -> bool {
    let (lo, hi) = wait_bounds(attempts_made, hint);
    let w = wait.as_secs_f64();
    lo - 1e-9 <= w && w <= hi + 1e-9
}

// ---------------------------------------------------------------- endpoints

/// `[A-Za-z0-9][A-Za-z0-9-]{0,62}`: a DNS host label.
pub fn is_host_label(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() => {}
        _ => return false,
    }
    let mut n = 1;
    for c in chars {
        if !(c.is_ascii_alphanumeric() || c == '-') {
            return false;
        }
        n += 1;
    }
    n <= 63
}

/// `\w+-\d+` (ASCII), all of `rest`.
fn word_dash_digits(rest: &str) -> bool {
    match rest.split_once('-') {
        Some((w, d)) => {
            !w.is_empty()
                && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !d.is_empty()
                && d.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// docs/spec.md#partitions: (name, region prefix, dnsSuffix,
/// dualStackDnsSuffix), the specific patterns before the generic `aws`.
const PARTITIONS: &[(&str, &str, &str, &str)] = &[
    ("aws-us-gov", "us-gov-", "amazonaws.com", "api.aws"),
    ("aws-iso", "us-iso-", "c2s.ic.gov", "api.aws.ic.gov"),
    ("aws-iso-b", "us-isob-", "sc2s.sgov.gov", "api.aws.scloud"),
    (
        "aws-iso-f",
        "us-isof-",
        "csp.hci.ic.gov",
        "api.aws.hci.ic.gov",
    ),
    (
        "aws-iso-e",
        "eu-isoe-",
        "cloud.adc-e.uk",
        "api.cloud-aws.adc-e.uk",
    ),
    (
        "aws-eusc",
        "eusc-de-",
        "amazonaws.eu",
        "api.amazonwebservices.eu",
    ),
    (
        "aws-cn",
        "cn-",
        "amazonaws.com.cn",
        "api.amazonwebservices.com.cn",
    ),
];

/// The pseudo-regions the partitions list by name, and their partition.
pub const NAMED_REGIONS: &[(&str, &str)] = &[
    ("aws-global", "aws"),
    ("aws-cn-global", "aws-cn"),
    ("aws-us-gov-global", "aws-us-gov"),
    ("aws-iso-global", "aws-iso"),
    ("aws-iso-b-global", "aws-iso-b"),
    ("aws-iso-e-global", "aws-iso-e"),
    ("aws-iso-f-global", "aws-iso-f"),
];

/// A region's partition: by name first, then by pattern, else `aws`.
pub fn partition_of(region: &str) -> &'static str {
    if let Some((_, p)) = NAMED_REGIONS.iter().find(|(name, _)| *name == region) {
        return p;
    }
    PARTITIONS
        .iter()
        .find(|(_, prefix, ..)| region.strip_prefix(prefix).is_some_and(word_dash_digits))
        .map_or("aws", |(name, ..)| name)
}

/// docs/spec.md#resolution: the endpoint of a valid region.
pub fn expected_endpoint(region: &str, fips: bool, dual_stack: bool) -> String {
    let partition = partition_of(region);
    let (dns, dual_dns) = PARTITIONS
        .iter()
        .find(|(name, ..)| *name == partition)
        .map_or(("amazonaws.com", "api.aws"), |&(_, _, d, dd)| (d, dd));
    match (fips, dual_stack) {
        (true, true) => format!("https://participant.connect-fips.{region}.{dual_dns}"),
        (true, false) if partition == "aws-us-gov" => {
            format!("https://participant.connect.{region}.amazonaws.com")
        }
        (true, false) => format!("https://participant.connect-fips.{region}.{dns}"),
        (false, true) => format!("https://participant.connect.{region}.{dual_dns}"),
        (false, false) => format!("https://participant.connect.{region}.{dns}"),
    }
}

/// docs/spec.md#resolution: the texts of the configuration errors.
pub const FIPS_WITH_CUSTOM_TEXT: &str =
    "Invalid Configuration: FIPS and custom endpoint are not supported";
/// Dual-stack with a custom endpoint.
pub const DUAL_STACK_WITH_CUSTOM_TEXT: &str =
    "Invalid Configuration: Dualstack and custom endpoint are not supported";
/// Neither region nor endpoint.
pub const MISSING_REGION_TEXT: &str = "Invalid Configuration: Missing Region";
/// What every custom-endpoint error starts with.
pub const INVALID_CONFIGURATION: &str = "Invalid Configuration:";

/// docs/spec.md#custom-endpoint-urls: an absolute `http` or `https` URL with
/// a host, a port (if any) of 1 to 65535, no user information, query or
/// fragment.
///
/// Also refused, a choice of the reshape (issue 13) not yet written in the
/// spec: a base path that already ends with an operation's path
/// (`/participant/event` or `/participant/connection`, trailing slashes
/// aside).
pub fn custom_endpoint_ok(url: &str) -> bool {
    let Ok(uri) = url.parse::<http::Uri>() else {
        return false;
    };
    let path = uri.path().trim_end_matches('/');
    matches!(uri.scheme_str(), Some("http" | "https"))
        && uri
            .authority()
            .is_some_and(|a| !a.host().is_empty() && !a.as_str().contains('@'))
        && uri
            .authority()
            .is_some_and(|a| a.as_str() == a.host() || a.port_u16().is_some_and(|p| p != 0))
        && uri.query().is_none()
        && !url.contains('#')
        && !path.ends_with(SEND_EVENT_PATH)
        && !path.ends_with(CONNECTION_PATH)
}

/// The URI of the operation at `path` for a usable custom endpoint: the
/// base path without its trailing slashes, then the operation's path.
pub fn expected_operation_uri(url: &str, path: &str) -> String {
    let uri: http::Uri = url.parse().expect("a usable endpoint URL");
    let scheme = uri.scheme_str().expect("absolute");
    let authority = uri.authority().expect("a host");
    let base = uri.path().trim_end_matches('/');
    format!("{scheme}://{authority}{base}{path}")
}

/// docs/spec.md#plain-http: a loopback host: `localhost` in any case,
/// `127.0.0.0/8`, `::1` (brackets around an IPv6 address aside).
pub fn is_loopback_host(host: &str) -> bool {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.octets()[0] == 127)
        || host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip == std::net::Ipv6Addr::LOCALHOST)
}

// ------------------------------------------------------------ configuration

/// docs/spec.md#the-environment: an empty or blank variable counts as unset.
pub fn non_blank(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Booleans: `true` or `false` in any case, surrounding whitespace ignored.
pub fn parse_bool_setting(value: &str) -> Option<bool> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An attempt count: a whole number of at least 1 that fits in `u32`,
/// surrounding whitespace ignored.
pub fn parse_attempts_setting(value: &str) -> Option<u32> {
    parse_whole_number(value)
        .and_then(|n| u32::try_from(n).ok())
        .filter(|&n| n >= 1)
}

/// A request as comparable data: method, URI, headers (name, value bytes)
/// in order, body.
pub type RequestView = (String, String, Vec<(String, Vec<u8>)>, Vec<u8>);

pub fn view(request: &http::Request<Vec<u8>>) -> RequestView {
    (
        request.method().to_string(),
        request.uri().to_string(),
        request
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec()))
            .collect(),
        request.body().clone(),
    )
}

#[cfg(test)]
mod oracle_tests {
    use super::*;

    #[test]
    fn the_oracle_gives_the_spec_examples() {
        assert_eq!(
            sanitize_code("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
            "FooError"
        );
        assert_eq!(sanitize_code("a:b#c"), "a");
        assert_eq!(code_of("ns# FooError"), Some("FooError".into()));
        assert_eq!(code_of("ns#:x"), None);
        assert_eq!(
            expected_endpoint("us-west-2", false, false),
            "https://participant.connect.us-west-2.amazonaws.com"
        );
        assert_eq!(
            expected_endpoint("cn-north-1", false, true),
            "https://participant.connect.cn-north-1.api.amazonwebservices.com.cn"
        );
        assert_eq!(
            expected_endpoint("us-gov-west-1", true, false),
            "https://participant.connect.us-gov-west-1.amazonaws.com"
        );
        assert_eq!(
            expected_endpoint("us-iso-east-1", true, true),
            "https://participant.connect-fips.us-iso-east-1.api.aws.ic.gov"
        );
        assert_eq!(
            expected_endpoint("aws-cn-global", false, false),
            "https://participant.connect.aws-cn-global.amazonaws.com.cn"
        );
        assert!(!is_host_label("us east 1") && is_host_label(&"a".repeat(63)));
        assert!(!is_host_label(&"a".repeat(64)) && !is_host_label("-a"));
        assert_eq!(
            expected_operation_uri("https://example.com/base/", SEND_EVENT_PATH),
            "https://example.com/base/participant/event"
        );
        assert!(custom_endpoint_ok("http://[::1]:99/a"));
        assert!(!custom_endpoint_ok("http://127.0.0.1:0"));
        assert!(!custom_endpoint_ok("https://h/participant/event/"));
        assert!(is_loopback_host("[::1]") && is_loopback_host("LocalHost"));
        assert!(is_loopback_host("127.9.9.9") && !is_loopback_host("127.0.0.1.evil.com"));
        assert_eq!(
            uuid_v4_text(&[0xff; 16]),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        assert!(is_uuid_v4(&uuid_v4_text(&[0; 16])));
        assert!(!is_uuid_v4("00000000-0000-0000-0000-000000000000"));
        assert_eq!(parse_attempts_setting(" 5 "), Some(5));
        assert_eq!(parse_attempts_setting("0"), None);
        assert_eq!(parse_attempts_setting("4294967296"), None);
        assert_eq!(parse_whole_number(" 1500 "), Some(1500));
        assert_eq!(parse_whole_number("1.5"), None);
        assert_eq!(
            object_members(br#"{"Id":"a","x":[1]}"#, OUTPUT_MEMBERS),
            Some(vec![Some(Member::Str("a".into())), None])
        );
        assert_eq!(
            object_members(br#"{"Id":"a","Id":null}"#, OUTPUT_MEMBERS),
            None
        );
        assert_eq!(object_members(b"[]", OUTPUT_MEMBERS), None);
        assert_eq!(expected_output(b" \r\n"), Some((None, None)));
        assert_eq!(expected_output(b"\x0c"), None);
        assert_eq!(expected_output(b"{\"Id\":\"a\",\"x\":\"\xff\"}"), None);
        assert_eq!(expected_output(br#"{"Id":"a","x":"\ud83d"}"#), None);
        assert_eq!(expected_output(br#"{"Id":"a","x":1e400}"#), None);
        assert_eq!(
            expected_code(&http::HeaderMap::new(), b"{\"code\":\"A\",\"x\":\"\xff\"}"),
            None
        );
        assert_eq!(
            expected_message(br#"{"message":"a","message":"b"}"#),
            Some("b".into())
        );
        // The spec's wait examples.
        assert_eq!(expected_wait(1, 0.5, None), 0.5);
        assert_eq!(expected_wait(3, 0.5, None), 2.0);
        assert_eq!(expected_wait(6, 0.5, None), 10.0);
        assert_eq!(expected_wait(1, 0.0, Some(Duration::from_secs(60))), 5.0);
        assert_eq!(wait_bounds(2, None), (0.0, 2.0));
        assert_eq!(expected_class(429, None), RetryClass::Throttling);
        assert_eq!(expected_class(429, Some("Foo")), RetryClass::Final);
        assert_eq!(
            expected_class(503, Some("ConflictException")),
            RetryClass::Final
        );
        assert_eq!(
            expected_class(400, Some("PriorRequestNotComplete")),
            RetryClass::Throttling
        );
        assert_eq!(
            expected_body(TYPING, None, Some("t")),
            format!("{{\"ContentType\":\"{TYPING}\",\"ClientToken\":\"t\"}}")
        );
        assert_eq!(
            first_broken("t", READ, None, None),
            Some((Field::Content, Broken::Required))
        );
        assert_eq!(first_broken("t", TYPING, None, Some("")), None);
    }
}
