//! Reading a response into an operation's output or an error
//! (docs/spec.md#responses, docs/spec.md#errors).

use std::time::Duration;

use crate::error::{
    code_and_message, excerpt, MalformedResponse, ResponseError, ServiceError, ServiceErrorKind,
};
use crate::operation::{Operation, ResponseMeta};

const REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-amzn-requestid");
const RETRY_AFTER: http::HeaderName = http::HeaderName::from_static("x-amz-retry-after");

/// The bytes JSON counts as whitespace (RFC 8259): space, tab, LF, CR.
const JSON_WHITESPACE: &[u8] = b" \t\n\r";

/// Parses a response to operation `O`. The body is borrowed, never copied.
///
/// 2xx: the output (an empty body gives an output with every member absent;
/// `null` is absent; unknown members are ignored; a member given twice makes
/// the answer ambiguous, hence malformed). Any other status: a
/// [`ServiceError`]. A 2xx body that is not a JSON object of the right shape:
/// a [`MalformedResponse`]. Never panics.
///
/// ```
/// use connect_participant::wire::parse_response;
/// use connect_participant::{http, SendEvent};
///
/// let response = http::Response::builder()
///     .status(200)
///     .header("x-amzn-RequestId", "req-1")
///     .body(br#"{"Id":"ev-1","AbsoluteTime":"2019-11-08T02:41:28.172Z","New":1}"#)
///     .unwrap();
/// let output = parse_response::<SendEvent, _>(&response).unwrap();
/// assert_eq!(output.id.as_deref(), Some("ev-1"));
/// assert_eq!(output.absolute_time.as_deref(), Some("2019-11-08T02:41:28.172Z"));
/// assert_eq!(output.request_id.as_deref(), Some("req-1"));
/// ```
pub fn parse_response<O: Operation, B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<O::Output, ResponseError> {
    parse_attempt::<O, B>(response, 1)
}

/// [`parse_response`] for the `attempts`-th attempt of a call.
pub(crate) fn parse_attempt<O: Operation, B: AsRef<[u8]>>(
    response: &http::Response<B>,
    attempts: u32,
) -> Result<O::Output, ResponseError> {
    let status = response.status();
    let headers = response.headers();
    let body = response.body().as_ref();
    let request_id = || {
        headers
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    if status.is_success() {
        let meta = ResponseMeta {
            request_id: request_id(),
            attempts,
        };
        // A blank body reads as `{}`; every operation's output is an
        // object, whatever its body type.
        let read = match body.iter().find(|b| !JSON_WHITESPACE.contains(b)) {
            None => super::strict::from_slice::<O::Body>(b"{}"),
            Some(b'{') => super::strict::from_slice::<O::Body>(body),
            Some(_) => Err(serde::de::Error::custom("the body is not a JSON object")),
        }
        .map(|b| O::output(b, meta));
        return read.map_err(|e: serde_json::Error| {
            let (reason, excerpt) = if O::SECRET_OUTPUT {
                // serde_json's message may quote a value: give only where.
                let reason = format!(
                    "body is not a {} output: {:?} error at line {} column {} \
                     (the body is withheld: it may hold secrets)",
                    O::NAME,
                    e.classify(),
                    e.line(),
                    e.column()
                );
                (reason, String::new())
            } else {
                let reason = format!("body is not a {} output: {e}", O::NAME);
                (reason, excerpt(body))
            };
            ResponseError::Malformed(MalformedResponse {
                status,
                reason,
                excerpt,
                request_id: request_id(),
            })
        });
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
        code: found.code.map(Into::into),
        message: found.message.map(Into::into),
        request_id: request_id().map(Into::into),
        retry_after,
        json_body: found.json_body,
        location: status
            .is_redirection()
            .then(|| headers.get(http::header::LOCATION))
            .flatten()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::MAX_EXCERPT_BYTES;
    use crate::SendEvent;

    fn resp(status: u16, body: &[u8]) -> http::Response<&[u8]> {
        http::Response::builder().status(status).body(body).unwrap()
    }

    fn parse(r: &http::Response<&[u8]>) -> Result<crate::SendEventOutput, ResponseError> {
        parse_response::<SendEvent, _>(r)
    }

    #[test]
    fn success_shapes() {
        let out = parse(&resp(200, b"")).unwrap();
        assert_eq!((out.id, out.absolute_time), (None, None));
        let out = parse(&resp(
            200,
            br#"{"Id":null,"AbsoluteTime":"t","X":{"y":[1]}}"#,
        ))
        .unwrap();
        assert_eq!(
            (out.id.as_deref(), out.absolute_time.as_deref()),
            (None, Some("t"))
        );
        let out = parse(&resp(200, br#"{"Id":"a\"b\u00e9"}"#)).unwrap();
        assert_eq!(out.id.as_deref(), Some("a\"bé"));
        assert!(parse(&resp(200, b" \r\n\t")).is_ok());
        assert!(
            parse(&resp(200, b"\x0c")).is_err(),
            "a form feed is not JSON whitespace"
        );
    }

    #[test]
    fn malformed_success_keeps_a_bounded_excerpt() {
        for body in [
            &b"{\"Id\":\"x\"} trailing"[..],
            b"[]",
            b"[\"id\", \"time\"]",
            b" [\"id\"]",
            b"{\"Id\":\"a\",\"x\":\"\xff\"}",
            b"{\"Id\":\"a\",\"x\":\"\\ud800\"}",
            b"{\"Id\":\"a\",\"x\":[1e400]}",
            b"{\"Id\":5}",
            b"\xff\xfe",
            b"{\"Id\":\"x\",\"Id\":\"y\"}",
        ] {
            let Err(ResponseError::Malformed(m)) = parse(&resp(200, body)) else {
                panic!("{body:?} should be malformed");
            };
            assert_eq!(m.status(), 200);
        }
        let big = vec![b'x'; 10_000];
        let Err(ResponseError::Malformed(m)) = parse(&resp(200, &big)) else {
            panic!()
        };
        assert_eq!(m.excerpt().len(), MAX_EXCERPT_BYTES);
        let mut multi = "é".repeat(1000).into_bytes();
        multi.insert(0, b'!');
        let Err(ResponseError::Malformed(m)) = parse(&resp(200, &multi)) else {
            panic!()
        };
        assert!(m.excerpt().len() <= MAX_EXCERPT_BYTES && !m.excerpt().contains('\u{fffd}'));
        let Err(ResponseError::Malformed(m)) = parse(&resp(200, &[0xff; 5000])) else {
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
        let Err(ResponseError::Service(e)) = parse(&r) else {
            panic!()
        };
        assert_eq!(e.retry_after(), Some(Duration::from_millis(1500)));
        assert!(e.is_throttling());
    }

    #[test]
    fn a_redirect_names_its_location() {
        let r = http::Response::builder()
            .status(307)
            .header("location", "https://elsewhere.example/participant/event")
            .body(&b""[..])
            .unwrap();
        let Err(ResponseError::Service(e)) = parse(&r) else {
            panic!()
        };
        assert_eq!(
            e.redirect_location(),
            Some("https://elsewhere.example/participant/event")
        );
        assert!(e
            .to_string()
            .contains("redirect to \"https://elsewhere.example/participant/event\" not followed"));
    }

    #[test]
    fn error_bodies_say_whether_they_were_json() {
        for (body, json) in [(&b""[..], false), (b"<html>", false), (b"{}", true)] {
            let Err(ResponseError::Service(e)) = parse(&resp(400, body)) else {
                panic!()
            };
            assert_eq!(e.has_json_body(), json, "{body:?}");
        }
    }
}
