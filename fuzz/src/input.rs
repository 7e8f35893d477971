//! The byte formats of the fuzz targets' inputs.
//!
//! Every input is read front to back with [`Unstructured`]'s fixed-size
//! primitives (`u8`, `u16` and `u64` little-endian, zero-padded when the data
//! runs out), so the format is simple enough to write by hand:
//!
//! - *bytes*: a `u16` length, then that many bytes (fewer if the data ends);
//! - *text* ([`Text`]): a tag byte; `0xff` is followed by a `u16` repeat
//!   count; then *bytes*, decoded as lossy UTF-8 and repeated (capped at
//!   [`MAX_TEXT_BYTES`]). The repeat reaches the 16384-character limits with
//!   a short input;
//! - *option*: a byte, odd for `Some` (then the value), even for `None`.
//!
//! Each input type has an `encode` that writes exactly what its `Arbitrary`
//! impl reads; the seed generator checks the round trip.

use arbitrary::{Arbitrary, Result, Unstructured};
use connect_participant_core::retry::RetryClass;
use connect_participant_core::TransportErrorKind;

/// The longest text a [`Text`] expands to, in bytes.
pub const MAX_TEXT_BYTES: usize = 70_000;

/// The tag byte that announces a repeat count in a [`Text`].
const REPEAT_TAG: u8 = 0xff;

fn take_bytes<'a>(u: &mut Unstructured<'a>) -> Result<&'a [u8]> {
    let n = usize::from(u16::arbitrary(u)?).min(u.len());
    u.bytes(n)
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    let n = u16::try_from(bytes.len()).expect("a length-prefixed field holds at most 65535 bytes");
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(bytes);
}

fn take_option<'a, T>(
    u: &mut Unstructured<'a>,
    f: impl FnOnce(&mut Unstructured<'a>) -> Result<T>,
) -> Result<Option<T>> {
    if u8::arbitrary(u)? & 1 == 1 {
        f(u).map(Some)
    } else {
        Ok(None)
    }
}

fn put_option<T>(out: &mut Vec<u8>, value: &Option<T>, f: impl FnOnce(&mut Vec<u8>, &T)) {
    match value {
        Some(v) => {
            out.push(1);
            f(out, v);
        }
        None => out.push(0),
    }
}

/// A string: `base` repeated `times` times (0 counts as 1), at most
/// [`MAX_TEXT_BYTES`] bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The text repeated.
    pub base: String,
    /// How many times.
    pub times: u16,
}

impl Text {
    /// `s` once.
    pub fn new(s: impl Into<String>) -> Self {
        Text::repeated(s, 1)
    }

    /// `s` repeated `times` times.
    pub fn repeated(s: impl Into<String>, times: u16) -> Self {
        Text {
            base: s.into(),
            times,
        }
    }

    /// The expanded string.
    pub fn value(&self) -> String {
        if self.base.is_empty() {
            return String::new();
        }
        let most = (MAX_TEXT_BYTES / self.base.len()).max(1);
        self.base.repeat(usize::from(self.times.max(1)).min(most))
    }

    fn decode(u: &mut Unstructured<'_>) -> Result<Self> {
        let times = if u8::arbitrary(u)? == REPEAT_TAG {
            u16::arbitrary(u)?
        } else {
            1
        };
        let base = String::from_utf8_lossy(take_bytes(u)?).into_owned();
        Ok(Text { base, times })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        if self.times == 1 {
            out.push(0);
        } else {
            out.push(REPEAT_TAG);
            out.extend_from_slice(&self.times.to_le_bytes());
        }
        put_bytes(out, self.base.as_bytes());
    }
}

// ---------------------------------------------------------------- responses

/// Header names the `parse_response` input can pick by index (the rest are
/// raw bytes): the ones the core reads, in two spellings where case matters
/// to nobody but the fuzzer.
pub const KNOWN_HEADERS: &[&str] = &[
    "x-amzn-errortype",
    "X-Amzn-Errortype",
    "x-amzn-requestid",
    "x-amzn-RequestId",
    "x-amz-retry-after",
    "content-type",
];

/// A header name: one of [`KNOWN_HEADERS`] or raw bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderChoice {
    /// Index into [`KNOWN_HEADERS`].
    Known(u8),
    /// Any bytes (invalid names are skipped when the response is built).
    Raw(Vec<u8>),
}

impl HeaderChoice {
    /// The name's bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            HeaderChoice::Known(i) => KNOWN_HEADERS[usize::from(*i)].as_bytes(),
            HeaderChoice::Raw(b) => b,
        }
    }
}

/// Input of `parse_response`: `u16` status (mapped into 100..=999), a header
/// count byte (mod 16), per header a name (a byte: an index below
/// `KNOWN_HEADERS.len()`, else raw *bytes* follow) and value *bytes*; the
/// rest is the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseInput {
    /// The status, 100..=999.
    pub status: u16,
    /// Headers in order (repeats are appended).
    pub headers: Vec<(HeaderChoice, Vec<u8>)>,
    /// The body.
    pub body: Vec<u8>,
}

impl ResponseInput {
    /// A response with this status (100..=999), no headers and no body.
    pub fn new(status: u16) -> Self {
        assert!((100..=999).contains(&status));
        ResponseInput {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        let choice = match KNOWN_HEADERS.iter().position(|k| *k == name) {
            Some(i) => HeaderChoice::Known(i as u8),
            None => HeaderChoice::Raw(name.as_bytes().to_vec()),
        };
        self.headers.push((choice, value.as_ref().to_vec()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl AsRef<[u8]>) -> Self {
        self.body = body.as_ref().to_vec();
        self
    }

    /// The HTTP response; headers whose name or value `http` refuses are left out.
    pub fn to_response(&self) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(self.body.clone());
        *response.status_mut() =
            http::StatusCode::from_u16(self.status).expect("status is within 100..=999");
        for (name, value) in &self.headers {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(name.bytes()),
                http::HeaderValue::from_bytes(value),
            ) {
                response.headers_mut().append(n, v);
            }
        }
        response
    }

    /// The bytes the fuzz target decodes into `self`.
    pub fn encode(&self) -> Vec<u8> {
        assert!(self.headers.len() < 16, "at most 15 headers");
        let mut out = Vec::new();
        out.extend_from_slice(&(self.status - 100).to_le_bytes());
        out.push(self.headers.len() as u8);
        for (name, value) in &self.headers {
            match name {
                HeaderChoice::Known(i) => out.push(*i),
                HeaderChoice::Raw(b) => {
                    out.push(0xff);
                    put_bytes(&mut out, b);
                }
            }
            put_bytes(&mut out, value);
        }
        out.extend_from_slice(&self.body);
        out
    }
}

impl<'a> Arbitrary<'a> for ResponseInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let status = 100 + u16::arbitrary(u)? % 900;
        let count = u8::arbitrary(u)? % 16;
        let mut headers = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            let tag = u8::arbitrary(u)?;
            let name = if usize::from(tag) < KNOWN_HEADERS.len() {
                HeaderChoice::Known(tag)
            } else {
                HeaderChoice::Raw(take_bytes(u)?.to_vec())
            };
            headers.push((name, take_bytes(u)?.to_vec()));
        }
        let body = u.bytes(u.len())?.to_vec();
        Ok(ResponseInput {
            status,
            headers,
            body,
        })
    }
}

// ----------------------------------------------------------------- requests

/// The content types a `request_builder` input can pick by index.
pub const KNOWN_CONTENT_TYPES: [&str; 4] = [
    "application/vnd.amazonaws.connect.event.typing",
    "application/vnd.amazonaws.connect.event.message.delivered",
    "application/vnd.amazonaws.connect.event.message.read",
    "application/vnd.amazonaws.connect.event.connection.acknowledged",
];

/// Contents a `request_builder` input can pick by index: receipts that are
/// almost right, and other shapes.
pub const FIXED_CONTENTS: &[&str] = &[
    r#"{"messageId":"11111111-aaaa-bbbb-cccc-EXAMPLE01234"}"#,
    r#"{"messageId":5}"#,
    r#"{"messageId":""}"#,
    r#"{"messageId":null}"#,
    r#"{"messageId":{"id":"a"}}"#,
    r#"{"messageid":"a"}"#,
    r#"{"messageId":"a","messageId":""}"#,
    r#"{"messageId":"a"} trailing"#,
    "{}",
    "[]",
    r#""{\"messageId\":\"a\"}""#,
    "not json",
    "",
];

/// The endpoints a `request_builder` input can pick by index.
pub const REQUEST_ENDPOINTS: &[&str] = &[
    "https://participant.connect.us-west-2.amazonaws.com",
    "https://example.com/base/",
    "http://127.0.0.1:8080",
    "http://[::1]:99/a/b",
];

/// The content type of a `request_builder` input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentTypeChoice {
    /// Index into [`KNOWN_CONTENT_TYPES`].
    Known(u8),
    /// Any text.
    Other(Text),
}

/// The content of a `request_builder` input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentChoice {
    /// No content.
    None,
    /// Any text.
    Raw(Text),
    /// `{"messageId": <the text, JSON-escaped>}`.
    Receipt(Text),
    /// Index into [`FIXED_CONTENTS`].
    Fixed(u8),
}

/// Input of `request_builder`: token *text*; content type (a byte mod 5:
/// 0..=3 a known type, 4 then *text*); content (a byte mod 4: none, *text*,
/// receipt with *text* id, then a byte indexing [`FIXED_CONTENTS`]); client
/// token *option* of *text*; endpoint byte (index mod
/// `REQUEST_ENDPOINTS.len()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestInput {
    /// The connection token.
    pub token: Text,
    /// The content type.
    pub content_type: ContentTypeChoice,
    /// The content.
    pub content: ContentChoice,
    /// The client token.
    pub client_token: Option<Text>,
    /// Index into [`REQUEST_ENDPOINTS`].
    pub endpoint: u8,
}

impl RequestInput {
    /// The content type string.
    pub fn content_type(&self) -> String {
        match &self.content_type {
            ContentTypeChoice::Known(i) => KNOWN_CONTENT_TYPES[usize::from(*i)].to_owned(),
            ContentTypeChoice::Other(t) => t.value(),
        }
    }

    /// The content string, if any.
    pub fn content(&self) -> Option<String> {
        match &self.content {
            ContentChoice::None => None,
            ContentChoice::Raw(t) => Some(t.value()),
            ContentChoice::Receipt(t) => Some(format!(
                r#"{{"messageId":{}}}"#,
                serde_json::Value::String(t.value())
            )),
            ContentChoice::Fixed(i) => Some(FIXED_CONTENTS[usize::from(*i)].to_owned()),
        }
    }

    /// The endpoint URL.
    pub fn endpoint(&self) -> &'static str {
        REQUEST_ENDPOINTS[usize::from(self.endpoint)]
    }

    /// The bytes the fuzz target decodes into `self`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.token.encode(&mut out);
        match &self.content_type {
            ContentTypeChoice::Known(i) => out.push(*i),
            ContentTypeChoice::Other(t) => {
                out.push(4);
                t.encode(&mut out);
            }
        }
        match &self.content {
            ContentChoice::None => out.push(0),
            ContentChoice::Raw(t) => {
                out.push(1);
                t.encode(&mut out);
            }
            ContentChoice::Receipt(t) => {
                out.push(2);
                t.encode(&mut out);
            }
            ContentChoice::Fixed(i) => {
                out.push(3);
                out.push(*i);
            }
        }
        put_option(&mut out, &self.client_token, |o, t| t.encode(o));
        out.push(self.endpoint);
        out
    }
}

impl<'a> Arbitrary<'a> for RequestInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let token = Text::decode(u)?;
        let content_type = match u8::arbitrary(u)? % 5 {
            4 => ContentTypeChoice::Other(Text::decode(u)?),
            i => ContentTypeChoice::Known(i),
        };
        let content = match u8::arbitrary(u)? % 4 {
            0 => ContentChoice::None,
            1 => ContentChoice::Raw(Text::decode(u)?),
            2 => ContentChoice::Receipt(Text::decode(u)?),
            _ => ContentChoice::Fixed(u8::arbitrary(u)? % FIXED_CONTENTS.len() as u8),
        };
        let client_token = take_option(u, Text::decode)?;
        let endpoint = u8::arbitrary(u)? % REQUEST_ENDPOINTS.len() as u8;
        Ok(RequestInput {
            token,
            content_type,
            content,
            client_token,
            endpoint,
        })
    }
}

// ---------------------------------------------------------------- endpoints

/// The environment names an `endpoints` input can set, by index: the spec's
/// standard settings, and one the configuration must ignore.
pub const ENV_NAMES: [&str; 8] = [
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL_CONNECTPARTICIPANT",
    "AWS_ENDPOINT_URL",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_MAX_ATTEMPTS",
    "AWS_PROFILE",
];

/// One environment setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvEntry {
    /// Index into [`ENV_NAMES`].
    pub name: u8,
    /// The value.
    pub value: Text,
}

/// Input of `endpoints`: region *option* of *text*; a flags byte (bit 0
/// FIPS, bit 1 dual-stack, bit 2 also set region/endpoint/FIPS/dual-stack
/// explicitly on the builder with the environment, bit 3 do that after
/// `with_env` rather than before); endpoint URL *option* of *text*; an entry
/// count byte (mod 12), per entry a name byte (index mod 8 into
/// [`ENV_NAMES`]) and a value *text*. Lookups take the first entry with the
/// name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointInput {
    /// The region.
    pub region: Option<Text>,
    /// Use FIPS.
    pub use_fips: bool,
    /// Use dual-stack.
    pub use_dual_stack: bool,
    /// Also set the settings above explicitly on the builder that reads `env`.
    pub explicit: bool,
    /// Set them after `with_env` (else before).
    pub explicit_after_env: bool,
    /// A custom endpoint URL.
    pub endpoint: Option<Text>,
    /// The environment.
    pub env: Vec<EnvEntry>,
}

impl EndpointInput {
    /// The environment lookup: the first entry with the name.
    pub fn lookup(&self, name: &str) -> Option<String> {
        self.env
            .iter()
            .find(|e| ENV_NAMES[usize::from(e.name)] == name)
            .map(|e| e.value.value())
    }

    /// The bytes the fuzz target decodes into `self`.
    pub fn encode(&self) -> Vec<u8> {
        assert!(self.env.len() < 12, "at most 11 environment entries");
        let mut out = Vec::new();
        put_option(&mut out, &self.region, |o, t| t.encode(o));
        out.push(
            u8::from(self.use_fips)
                | u8::from(self.use_dual_stack) << 1
                | u8::from(self.explicit) << 2
                | u8::from(self.explicit_after_env) << 3,
        );
        put_option(&mut out, &self.endpoint, |o, t| t.encode(o));
        out.push(self.env.len() as u8);
        for e in &self.env {
            out.push(e.name);
            e.value.encode(&mut out);
        }
        out
    }
}

impl<'a> Arbitrary<'a> for EndpointInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let region = take_option(u, Text::decode)?;
        let flags = u8::arbitrary(u)?;
        let endpoint = take_option(u, Text::decode)?;
        let count = u8::arbitrary(u)? % 12;
        let mut env = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            let name = u8::arbitrary(u)? % ENV_NAMES.len() as u8;
            env.push(EnvEntry {
                name,
                value: Text::decode(u)?,
            });
        }
        Ok(EndpointInput {
            region,
            use_fips: flags & 1 != 0,
            use_dual_stack: flags & 2 != 0,
            explicit: flags & 4 != 0,
            explicit_after_env: flags & 8 != 0,
            endpoint,
            env,
        })
    }
}

// -------------------------------------------------------------------- calls

/// What the `call` target expects an outcome to end as, from docs/spec.md
/// (not from the core's classification).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A success with this `Id`.
    Output(Option<&'static str>),
    /// A 2xx whose body is not an output: final.
    Malformed,
    /// An error of this class.
    Error(RetryClass),
}

/// How an attempt ends.
#[derive(Clone, Copy, Debug)]
pub enum OutcomeKind {
    /// The service answers.
    Response {
        /// Status.
        status: u16,
        /// Headers.
        headers: &'static [(&'static str, &'static str)],
        /// Body.
        body: &'static str,
        /// Adds `x-amz-retry-after: <the step's retry_after_ms>`.
        retry_after: bool,
    },
    /// The transport fails.
    Transport(TransportErrorKind),
}

/// One entry of [`OUTCOMES`].
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    /// Name, used by the seed generator.
    pub name: &'static str,
    /// What happens.
    pub kind: OutcomeKind,
    /// What the spec says it is.
    pub expect: Expect,
}

const fn response(
    name: &'static str,
    status: u16,
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
    expect: Expect,
) -> Outcome {
    Outcome {
        name,
        kind: OutcomeKind::Response {
            status,
            headers,
            body,
            retry_after: false,
        },
        expect,
    }
}

const fn with_retry_after(mut o: Outcome) -> Outcome {
    if let OutcomeKind::Response {
        status,
        headers,
        body,
        ..
    } = o.kind
    {
        o.kind = OutcomeKind::Response {
            status,
            headers,
            body,
            retry_after: true,
        };
    }
    o
}

const fn transport(name: &'static str, kind: TransportErrorKind, expect: RetryClass) -> Outcome {
    Outcome {
        name,
        kind: OutcomeKind::Transport(kind),
        expect: Expect::Error(expect),
    }
}

const THROTTLING: Expect = Expect::Error(RetryClass::Throttling);
const TRANSIENT: Expect = Expect::Error(RetryClass::Transient);
const FINAL: Expect = Expect::Error(RetryClass::Final);

/// The outcomes a `call` step picks from (index mod the length). Entry 0 is
/// what a step missing from the input gets.
pub const OUTCOMES: &[Outcome] = &[
    response("503", 503, &[], "", TRANSIENT),
    response(
        "200-output",
        200,
        &[("x-amzn-RequestId", "req-1")],
        r#"{"Id":"ev-1","AbsoluteTime":"2019-11-08T02:41:28.172Z"}"#,
        Expect::Output(Some("ev-1")),
    ),
    response("429", 429, &[], "", THROTTLING),
    with_retry_after(response("429-retry-after", 429, &[], "", THROTTLING)),
    response(
        "400-throttling-header",
        400,
        &[("X-Amzn-Errortype", "ThrottlingException")],
        "",
        THROTTLING,
    ),
    response(
        "400-slowdown-body",
        400,
        &[],
        r#"{"__type":"com.amazonaws.s3#SlowDown:http://internal/"}"#,
        THROTTLING,
    ),
    response(
        "500-internal",
        500,
        &[],
        r#"{"__type":"InternalServerException","message":"boom"}"#,
        TRANSIENT,
    ),
    response("502-html", 502, &[], "<html>bad gateway</html>", TRANSIENT),
    response("504", 504, &[], "", TRANSIENT),
    response("501", 501, &[], "", FINAL),
    response(
        "409-conflict",
        409,
        &[("x-amzn-errortype", "ConflictException")],
        r#"{"message":"Operation can not be performed due to the state of the contact."}"#,
        FINAL,
    ),
    response(
        "403-access-denied",
        403,
        &[],
        r#"{"code":"AccessDeniedException","message":"chat ended"}"#,
        FINAL,
    ),
    response(
        "400-validation",
        400,
        &[],
        r#"{"__type":"ValidationException"}"#,
        FINAL,
    ),
    response(
        "408-request-timeout",
        408,
        &[],
        r#"{"code":"RequestTimeout"}"#,
        TRANSIENT,
    ),
    response("429-with-code", 429, &[], r#"{"code":"FooError"}"#, FINAL),
    response("200-empty", 200, &[], "", Expect::Output(None)),
    response("200-array", 200, &[], "[]", Expect::Malformed),
    response("200-bad-id", 200, &[], r#"{"Id":5}"#, Expect::Malformed),
    response("204-empty", 204, &[], "", Expect::Output(None)),
    transport(
        "connect",
        TransportErrorKind::Connect,
        RetryClass::Transient,
    ),
    transport(
        "timeout",
        TransportErrorKind::Timeout,
        RetryClass::Transient,
    ),
    transport("io", TransportErrorKind::Io, RetryClass::Transient),
    transport("tls", TransportErrorKind::Tls, RetryClass::Final),
    transport(
        "body-too-large",
        TransportErrorKind::BodyTooLarge,
        RetryClass::Final,
    ),
    // Index 24 was the transport's "refused" kind, gone with the reshape
    // (issue 13); an array success body takes its place, so the indices of
    // the committed seeds keep their meaning.
    response(
        "200-array-pair",
        200,
        &[],
        r#"["ev-1","2019-11-08T02:41:28.172Z"]"#,
        Expect::Malformed,
    ),
    transport("other", TransportErrorKind::Other, RetryClass::Final),
    response(
        "400-prior-request",
        400,
        &[],
        r#"{"code":"PriorRequestNotComplete"}"#,
        THROTTLING,
    ),
    with_retry_after(response("503-retry-after", 503, &[], "", TRANSIENT)),
    response(
        "500-html-header",
        500,
        &[("X-Amzn-Errortype", "FooError")],
        "<html>oops</html>",
        TRANSIENT,
    ),
    response(
        "503-conflict",
        503,
        &[("x-amzn-errortype", "ConflictException")],
        "",
        FINAL,
    ),
];

/// The index of the outcome with this name.
pub fn outcome(name: &str) -> u8 {
    OUTCOMES
        .iter()
        .position(|o| o.name == name)
        .unwrap_or_else(|| panic!("no outcome named {name}")) as u8
}

/// The event a call sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventChoice {
    /// A typing event, client token generated.
    Typing,
    /// A read receipt, client token generated.
    ReadReceipt,
    /// A typing event with a caller's client token.
    TypingWithToken(Text),
    /// A delivered receipt with a caller's client token.
    DeliveredWithToken(Text),
}

/// One attempt's outcome, and a jitter for checking `retry::backoff`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Step {
    /// Index into [`OUTCOMES`] (mod its length).
    pub outcome: u8,
    /// Any `f64`, NaN included. A call's own jitter comes from its seed (the
    /// target checks its waits against their bounds); this one is given to
    /// `retry::backoff` for the same attempt and hint, checked against the
    /// spec's formula exactly.
    pub jitter: f64,
    /// The `x-amz-retry-after` value for outcomes that send one.
    pub retry_after_ms: u16,
}

/// One logical call.
#[derive(Clone, Debug)]
pub struct CallSpec {
    /// The event.
    pub event: EventChoice,
    /// The seed given to `Client::start`.
    pub random: [u8; 32],
    /// The attempts' outcomes; missing ones are `Step::default()` (a 503).
    pub steps: Vec<Step>,
}

/// Input of `call`: max-attempts byte (1 + b mod 10); `u16` starting quota;
/// then calls until the data ends (at most 8), each: an event byte (mod 4;
/// 2 and 3 are followed by a client token *text*), 32 random bytes, a step
/// count byte (mod 11), per step an outcome byte, a jitter (`u64` bits
/// of an `f64`) and a `u16` retry-after in milliseconds.
#[derive(Clone, Debug)]
pub struct CallInput {
    /// 1..=10.
    pub max_attempts: u8,
    /// Starting retry tokens (the core caps them at 500).
    pub quota: u16,
    /// The calls, made one after the other on one client.
    pub calls: Vec<CallSpec>,
}

/// The most calls one `call` input makes.
pub const MAX_CALLS: usize = 8;

impl CallInput {
    /// The bytes the fuzz target decodes into `self`.
    pub fn encode(&self) -> Vec<u8> {
        assert!((1..=10).contains(&self.max_attempts));
        assert!(!self.calls.is_empty() && self.calls.len() <= MAX_CALLS);
        let mut out = vec![self.max_attempts - 1];
        out.extend_from_slice(&self.quota.to_le_bytes());
        for c in &self.calls {
            match &c.event {
                EventChoice::Typing => out.push(0),
                EventChoice::ReadReceipt => out.push(1),
                EventChoice::TypingWithToken(t) => {
                    out.push(2);
                    t.encode(&mut out);
                }
                EventChoice::DeliveredWithToken(t) => {
                    out.push(3);
                    t.encode(&mut out);
                }
            }
            out.extend_from_slice(&c.random);
            assert!(c.steps.len() <= 10, "at most 10 steps a call");
            out.push(c.steps.len() as u8);
            for s in &c.steps {
                out.push(s.outcome);
                out.extend_from_slice(&s.jitter.to_bits().to_le_bytes());
                out.extend_from_slice(&s.retry_after_ms.to_le_bytes());
            }
        }
        out
    }
}

impl<'a> Arbitrary<'a> for CallInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let max_attempts = 1 + u8::arbitrary(u)? % 10;
        let quota = u16::arbitrary(u)?;
        let mut calls = Vec::new();
        while !u.is_empty() && calls.len() < MAX_CALLS {
            let event = match u8::arbitrary(u)? % 4 {
                0 => EventChoice::Typing,
                1 => EventChoice::ReadReceipt,
                2 => EventChoice::TypingWithToken(Text::decode(u)?),
                _ => EventChoice::DeliveredWithToken(Text::decode(u)?),
            };
            let mut random = [0u8; 32];
            u.fill_buffer(&mut random)?;
            let count = u8::arbitrary(u)? % 11;
            let mut steps = Vec::with_capacity(usize::from(count));
            for _ in 0..count {
                steps.push(Step {
                    outcome: u8::arbitrary(u)?,
                    jitter: f64::arbitrary(u)?,
                    retry_after_ms: u16::arbitrary(u)?,
                });
            }
            calls.push(CallSpec {
                event,
                random,
                steps,
            });
        }
        if calls.is_empty() {
            calls.push(CallSpec {
                event: EventChoice::Typing,
                random: [0; 32],
                steps: Vec::new(),
            });
        }
        Ok(CallInput {
            max_attempts,
            quota,
            calls,
        })
    }
}
