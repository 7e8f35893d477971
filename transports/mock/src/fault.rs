//! Faults: answers the service gives instead of its normal one, to test how
//! a client copes. Queue them with [`MockService::inject`](crate::MockService::inject).

use std::time::Duration;

use connect_participant_core::{TransportError, TransportErrorKind};
use http::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use http::{Response, StatusCode};

use crate::wire::{self, Rejection};

/// What the start of an oversized or endless body looks like: a JSON object
/// whose `Id` string never closes.
pub(crate) const JSON_PREFIX: &[u8] = br#"{"Id":""#;

/// The byte that fills oversized and endless bodies after [`JSON_PREFIX`].
pub(crate) const FILLER: u8 = b'a';

/// The body of a [`Fault::TruncatedBody`] answer: what is sent of it.
pub(crate) const TRUNCATED_PREFIX: &[u8] = br#"{"Id":"truncated-event-id","Absolu"#;

/// How many bytes more than [`TRUNCATED_PREFIX`] the `Content-Length` of a
/// [`Fault::TruncatedBody`] answer announces.
pub(crate) const TRUNCATED_MISSING: usize = 64;

/// A fault the service applies to one request instead of its normal answer.
///
/// Each behaves over HTTP ([`MockServer`](crate::MockServer)) as written on
/// its variant; in memory ([`MockService::send`](crate::MockService::send))
/// the outcome a real transport would report is given at once. Faulted
/// requests never reach the rules: nothing is recorded, no rate budget is
/// used (except [`Fault::Stall`] over HTTP, which answers normally after
/// its wait).
///
/// ```
/// use connect_participant::http;
/// use connect_participant::mock::{Fault, MockService};
///
/// let service = MockService::new();
/// let chat = service.open_chat();
/// service.inject(Fault::InternalError, 1);
/// let request = http::Request::builder()
///     .method("POST")
///     .uri("http://mock/participant/event")
///     .header("x-amz-bearer", &chat.customer)
///     .body(br#"{"ContentType":"application/vnd.amazonaws.connect.event.typing"}"#.to_vec())
///     .unwrap();
/// assert_eq!(service.send(request.clone()).unwrap().status(), 500); // the fault
/// assert_eq!(service.send(request).unwrap().status(), 200);         // normal again
/// assert_eq!(service.requests_received(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Exactly this answer: status, headers and body as given, nothing added
    /// (no request id). An invalid status becomes 500; a header `http`
    /// refuses is left out.
    Status {
        /// The HTTP status.
        status: u16,
        /// Headers, in order (repeated names are all sent).
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// `429 ThrottlingException`, restJson1-shaped.
    Throttle,
    /// `500 InternalServerException`, restJson1-shaped.
    InternalError,
    /// Over HTTP: wait this long, then answer normally. The request is
    /// processed after the wait even if the client has hung up by then (the
    /// work was done, the answer came too late), so a retry with the same
    /// `ClientToken` meets an idempotent repeat. In memory: a
    /// [`TransportErrorKind::Timeout`] at once; nothing is recorded.
    Stall(Duration),
    /// Over HTTP: the connection is closed without an answer. In memory: a
    /// [`TransportErrorKind::Io`].
    CloseBeforeAnswer,
    /// Over HTTP: a 200 whose `Content-Length` announces more bytes than are
    /// sent, then the connection is closed. In memory: a
    /// [`TransportErrorKind::Io`].
    TruncatedBody,
    /// A 200 whose body is this many bytes (with a matching
    /// `Content-Length`): the start of a JSON object whose `Id` string never
    /// ends. Over HTTP it is streamed, so a client may stop early; in memory
    /// the whole body is returned (the in-memory transport has no size
    /// limit), which the core reads as a malformed response.
    OversizedBody(usize),
    /// Over HTTP: a chunked 200 whose body never ends; the server streams
    /// until the client hangs up (or the server is dropped), without
    /// spinning: it only writes as fast as the client reads. In memory: a
    /// [`TransportErrorKind::BodyTooLarge`], what a transport with a body
    /// limit reports.
    EndlessBody,
    /// `307 Temporary Redirect` with `Location:` the given URL.
    Redirect(String),
    /// A 200 whose body is not JSON.
    MalformedJson,
    /// `502 Bad Gateway` with an HTML page (`content-type: text/html`), as a
    /// proxy in front of the service would give: no error-type header, no
    /// request id.
    Html502,
}

/// The body of [`Fault::MalformedJson`].
pub(crate) const MALFORMED_BODY: &[u8] = b"<EventResponse>this is not JSON</EventResponse>";

/// The body of [`Fault::Html502`].
pub(crate) const HTML_502_BODY: &[u8] =
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n\
<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

impl Fault {
    /// The answer of a fault that is a plain response, the same over HTTP
    /// and in memory; `None` for the faults that act on the connection.
    pub(crate) fn canned_response(&self, request_id: &str) -> Option<Response<Vec<u8>>> {
        let response = match self {
            Fault::Status {
                status,
                headers,
                body,
            } => {
                let mut response = Response::new(body.clone());
                *response.status_mut() =
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                for (name, value) in headers {
                    wire::append(&mut response, name, value);
                }
                response
            }
            Fault::Throttle => Rejection::throttling().into_response(request_id),
            Fault::InternalError => Rejection::internal().into_response(request_id),
            Fault::Redirect(url) => {
                let mut response =
                    wire::json_response(StatusCode::TEMPORARY_REDIRECT, Vec::new(), request_id);
                response.headers_mut().remove(CONTENT_TYPE);
                wire::insert(&mut response, LOCATION.as_str(), url);
                response
            }
            Fault::MalformedJson => {
                wire::json_response(StatusCode::OK, MALFORMED_BODY.to_vec(), request_id)
            }
            Fault::Html502 => {
                let mut response = Response::new(HTML_502_BODY.to_vec());
                *response.status_mut() = StatusCode::BAD_GATEWAY;
                response.headers_mut().insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                response
            }
            Fault::Stall(_)
            | Fault::CloseBeforeAnswer
            | Fault::TruncatedBody
            | Fault::OversizedBody(_)
            | Fault::EndlessBody => return None,
        };
        Some(response)
    }

    /// The outcome of this fault for the in-memory transport.
    pub(crate) fn in_memory(&self, request_id: &str) -> Result<Response<Vec<u8>>, TransportError> {
        match self {
            Fault::Stall(wait) => Err(TransportError::new(
                TransportErrorKind::Timeout,
                format!("the mock service stalled for {wait:?} (simulated timeout)"),
            )),
            Fault::CloseBeforeAnswer => Err(TransportError::new(
                TransportErrorKind::Io,
                "the mock service closed the connection before answering",
            )),
            Fault::TruncatedBody => Err(TransportError::new(
                TransportErrorKind::Io,
                "the mock service closed the connection before the body was complete",
            )),
            Fault::OversizedBody(size) => Ok(wire::json_response(
                StatusCode::OK,
                oversized_body(*size),
                request_id,
            )),
            Fault::EndlessBody => Err(TransportError::new(
                TransportErrorKind::BodyTooLarge,
                "the mock service sent a body that never ends",
            )),
            other => Ok(other
                .canned_response(request_id)
                .unwrap_or_else(|| Rejection::internal().into_response(request_id))),
        }
    }
}

/// `size` bytes: [`JSON_PREFIX`] (cut if `size` is smaller), then [`FILLER`].
pub(crate) fn oversized_body(size: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(&JSON_PREFIX[..size.min(JSON_PREFIX.len())]);
    body.resize(size, FILLER);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_bodies_have_the_exact_size() {
        assert_eq!(oversized_body(0), b"");
        assert_eq!(oversized_body(3), br#"{"I"#);
        assert_eq!(oversized_body(9), br#"{"Id":"aa"#);
    }

    #[test]
    fn raw_status_is_sent_as_given() {
        let fault = Fault::Status {
            status: 503,
            headers: vec![
                ("x-a".into(), "1".into()),
                ("x-a".into(), "2".into()),
                ("bad name".into(), "x".into()),
            ],
            body: b"slow down".to_vec(),
        };
        let r = fault.canned_response("rid").unwrap();
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers().get_all("x-a").iter().count(), 2);
        assert_eq!(r.headers().len(), 2);
        assert_eq!(r.body(), b"slow down");
        let odd = Fault::Status {
            status: 1000,
            headers: vec![],
            body: vec![],
        };
        assert_eq!(odd.canned_response("rid").unwrap().status(), 500);
    }
}
