//! Independent statements of SPEC's rules, to check the core against.
//!
//! These are written from `SPEC.md`, not copied from the core. They still
//! use `serde_json` and `http` for JSON and header syntax: the targets check
//! the core's logic (shapes, precedence, limits, sanitizing), not those
//! crates.

use std::fmt;
use std::time::Duration;

use connect_participant_core::ErrorClass;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

// -------------------------------------------------------------------- codes

/// SPEC: cut everything from the first `:` on, then keep what follows the
/// last `#`.
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

/// SPEC's throttling codes.
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

/// SPEC's transient codes.
pub const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];

/// SPEC's codes that are never retried (the modeled client errors).
pub const FINAL_CODES: &[&str] = &[
    "AccessDeniedException",
    "ConflictException",
    "ValidationException",
];

/// SPEC's retry classes: the modeled client errors are never retried (on any
/// status); throttling codes (and a 429 without a code), transient codes and
/// statuses 500/502/503/504 are; the rest is final.
pub fn expected_class(status: u16, code: Option<&str>) -> ErrorClass {
    match code {
        Some(c) if FINAL_CODES.contains(&c) => ErrorClass::Final,
        Some(c) if THROTTLING_CODES.contains(&c) => ErrorClass::Throttling,
        None if status == 429 => ErrorClass::Throttling,
        Some(c) if TRANSIENT_CODES.contains(&c) => ErrorClass::Transient,
        _ if matches!(status, 500 | 502 | 503 | 504) => ErrorClass::Transient,
        _ => ErrorClass::Final,
    }
}

/// SPEC's modeled errors, by code: the name of the kind.
pub fn expected_kind(code: Option<&str>) -> &'static str {
    match code {
        Some("AccessDeniedException") => "AccessDenied",
        Some("ConflictException") => "Conflict",
        Some("InternalServerException") => "InternalServer",
        Some("ThrottlingException") => "Throttling",
        Some("ValidationException") => "Validation",
        _ => "Unmodeled",
    }
}

// --------------------------------------------------------------------- JSON

/// A top-level member's value, as far as code and message lookup care.
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

/// The named top-level members of a body that is exactly one JSON object
/// (whitespace around it allowed); `None` for anything else, and for an
/// object that repeats one of the named members (an ambiguous answer).
/// Other members are skipped without being checked beyond JSON syntax.
pub fn object_members(body: &[u8], keys: &'static [&'static str]) -> Option<Vec<Option<Member>>> {
    members_of(body, keys, true)
}

/// As [`object_members`], but a repeated member keeps its last value (how
/// the core reads error bodies, so a repeat never hides code or message).
pub fn error_members(body: &[u8]) -> Option<Vec<Option<Member>>> {
    members_of(body, ERROR_MEMBERS, false)
}

fn members_of(
    body: &[u8],
    keys: &'static [&'static str],
    refuse_repeats: bool,
) -> Option<Vec<Option<Member>>> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = Members(keys, refuse_repeats).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(found)
}

/// The members an error body is searched for: code, then message.
pub const ERROR_MEMBERS: &[&str] = &[
    "code",
    "Code",
    "__type",
    "message",
    "Message",
    "errorMessage",
];

/// The members of a success body.
pub const OUTPUT_MEMBERS: &[&str] = &["Id", "AbsoluteTime"];

fn non_empty_code(raw: &str) -> Option<String> {
    // The core trims around the raw and the sanitized code; SPEC says
    // nothing about whitespace.
    let code = sanitize_code(raw.trim()).trim();
    (!code.is_empty()).then(|| code.to_owned())
}

/// SPEC's code lookup: the `X-Amzn-Errortype` header, then the body's
/// `code`, `Code`, `__type` (top-level strings only), sanitized; a value that
/// sanitizes to nothing does not count.
pub fn expected_code(headers: &http::HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(code) = headers
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .and_then(non_empty_code)
    {
        return Some(code);
    }
    let members = error_members(body)?;
    members[..3].iter().find_map(|m| match m {
        Some(Member::Str(s)) => non_empty_code(s),
        _ => None,
    })
}

/// SPEC's message lookup: `message`, else `Message`, else `errorMessage`.
pub fn expected_message(body: &[u8]) -> Option<String> {
    let members = error_members(body)?;
    members[3..].iter().find_map(|m| match m {
        Some(Member::Str(s)) => Some(s.clone()),
        _ => None,
    })
}

/// The first value of a header as text.
pub fn header_text<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

// ---------------------------------------------------------------- endpoints

/// `[A-Za-z0-9][A-Za-z0-9-]{0,62}`.
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

/// SPEC's endpoint for a valid region: partition by pattern (falling back to
/// `aws`), then the FIPS/dual-stack template.
pub fn expected_endpoint(region: &str, fips: bool, dual_stack: bool) -> String {
    // (prefix, dnsSuffix, dualStackDnsSuffix, is aws-us-gov)
    const PARTITIONS: &[(&str, &str, &str, bool)] = &[
        ("us-gov-", "amazonaws.com", "api.aws", true),
        ("us-iso-", "c2s.ic.gov", "api.aws.ic.gov", false),
        ("us-isob-", "sc2s.sgov.gov", "api.aws.scloud", false),
        ("us-isof-", "csp.hci.ic.gov", "api.aws.hci.ic.gov", false),
        (
            "eu-isoe-",
            "cloud.adc-e.uk",
            "api.cloud-aws.adc-e.uk",
            false,
        ),
        (
            "eusc-de-",
            "amazonaws.eu",
            "api.amazonwebservices.eu",
            false,
        ),
        (
            "cn-",
            "amazonaws.com.cn",
            "api.amazonwebservices.com.cn",
            false,
        ),
    ];
    let (dns, dual_dns, gov) = PARTITIONS
        .iter()
        .find(|(prefix, ..)| region.strip_prefix(prefix).is_some_and(word_dash_digits))
        .map(|&(_, d, dd, g)| (d, dd, g))
        .unwrap_or(("amazonaws.com", "api.aws", false));
    match (fips, dual_stack) {
        (true, true) => format!("https://participant.connect-fips.{region}.{dual_dns}"),
        (true, false) if gov => format!("https://participant.connect.{region}.amazonaws.com"),
        (true, false) => format!("https://participant.connect-fips.{region}.{dns}"),
        (false, true) => format!("https://participant.connect.{region}.{dual_dns}"),
        (false, false) => format!("https://participant.connect.{region}.{dns}"),
    }
}

/// `true`/`false`, any ASCII case, surrounding whitespace ignored.
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

/// A whole number of attempts, 1..=u32::MAX, surrounding whitespace ignored
/// (an optional leading `+`, as Rust's integer parsing accepts).
pub fn parse_attempts_setting(value: &str) -> Option<u32> {
    let v = value.trim();
    let digits = v.strip_prefix('+').unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        n = n * 10 + u64::from(b - b'0');
        if n > u64::from(u32::MAX) {
            return None;
        }
    }
    u32::try_from(n).ok().filter(|&n| n >= 1)
}

// -------------------------------------------------------------------- calls

/// A UUID v4 (lower-case hex, `8-4-4-4-12`) made from these bytes, with the
/// version and variant bits set (RFC 9562).
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

/// SPEC's wait before attempt `n + 1`: `jitter * min(2^(n-1), 20)` seconds
/// (jitter clamped to [0, 1], NaN as 0), raised by a retry-after hint to
/// `max(t, min(hint, t + 5 s))`. In seconds.
pub fn expected_wait(attempts_made: u32, jitter: f64, hint: Option<Duration>) -> f64 {
    let cap = 2f64.powi(attempts_made as i32 - 1).min(20.0);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        assert_eq!(
            sanitize_code("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
            "FooError"
        );
        assert_eq!(sanitize_code("a:b#c"), "a");
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
        assert!(!is_host_label("us east 1") && is_host_label(&"a".repeat(63)));
        assert!(!is_host_label(&"a".repeat(64)) && !is_host_label("-a"));
        assert_eq!(
            uuid_v4_text(&[0xff; 16]),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        assert_eq!(parse_attempts_setting(" 5 "), Some(5));
        assert_eq!(parse_attempts_setting("0"), None);
        assert_eq!(parse_attempts_setting("4294967296"), None);
        assert_eq!(
            object_members(br#"{"Id":"a","x":[1]}"#, OUTPUT_MEMBERS),
            Some(vec![Some(Member::Str("a".into())), None])
        );
        assert_eq!(
            object_members(br#"{"Id":"a","Id":null}"#, OUTPUT_MEMBERS),
            None
        );
        assert_eq!(object_members(b"[]", OUTPUT_MEMBERS), None);
    }
}
