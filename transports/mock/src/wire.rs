//! Response shapes: restJson1 errors and the SendEvent success body.

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};

/// The message of the service's `409 ConflictException` for a receipt sent
/// in a chat with more than two active participants or a barged-in
/// supervisor.
pub const CONFLICT_MESSAGE: &str =
    "Operation can not be performed due to the state of the contact.";

/// The message of every `403 AccessDeniedException` (missing, unknown,
/// expired or malformed token; participant left; chat ended).
pub const ACCESS_DENIED_MESSAGE: &str = "You do not have sufficient access to perform this action.";

/// The message of a `429 ThrottlingException`.
pub const THROTTLING_MESSAGE: &str = "Rate exceeded";

/// The message of a `500 InternalServerException`.
pub const INTERNAL_ERROR_MESSAGE: &str = "An internal error occurred. Please try again.";

/// The header carrying the request id on every answer.
pub(crate) const REQUEST_ID_HEADER: &str = "x-amzn-requestid";
/// The restJson1 error-code header.
pub(crate) const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";

/// An error the service answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejection {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl Rejection {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Rejection {
            status,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn access_denied() -> Self {
        Rejection::new(
            StatusCode::FORBIDDEN,
            "AccessDeniedException",
            ACCESS_DENIED_MESSAGE,
        )
    }

    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Rejection::new(StatusCode::BAD_REQUEST, "ValidationException", message)
    }

    pub(crate) fn serialization(message: impl Into<String>) -> Self {
        Rejection::new(StatusCode::BAD_REQUEST, "SerializationException", message)
    }

    pub(crate) fn conflict() -> Self {
        Rejection::new(StatusCode::CONFLICT, "ConflictException", CONFLICT_MESSAGE)
    }

    pub(crate) fn throttling() -> Self {
        Rejection::new(
            StatusCode::TOO_MANY_REQUESTS,
            "ThrottlingException",
            THROTTLING_MESSAGE,
        )
    }

    pub(crate) fn internal() -> Self {
        Rejection::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerException",
            INTERNAL_ERROR_MESSAGE,
        )
    }

    /// The restJson1 answer: `X-Amzn-Errortype: <code>`, a JSON body
    /// `{"message": "..."}` (lower-case, as the real service sends it).
    pub(crate) fn into_response(self, request_id: &str) -> Response<Vec<u8>> {
        let body = serde_json::json!({ "message": self.message }).to_string();
        let mut response = json_response(self.status, body.into_bytes(), request_id);
        insert(&mut response, ERROR_TYPE_HEADER, self.code);
        response
    }
}

/// The SendEvent success body: `{"Id": ..., "AbsoluteTime": ...}`.
pub(crate) fn event_body(id: &str, absolute_time: &str) -> Vec<u8> {
    serde_json::json!({ "Id": id, "AbsoluteTime": absolute_time })
        .to_string()
        .into_bytes()
}

/// A response with `content-type: application/json` and the request id.
pub(crate) fn json_response(
    status: StatusCode,
    body: Vec<u8>,
    request_id: &str,
) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    insert(&mut response, REQUEST_ID_HEADER, request_id);
    response
}

/// Sets a header; a name or value `http` refuses is left out.
pub(crate) fn insert<B>(response: &mut Response<B>, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        response.headers_mut().insert(name, value);
    }
}

/// Adds a header (keeping earlier values of the same name); a name or value
/// `http` refuses is left out.
pub(crate) fn append<B>(response: &mut Response<B>, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        response.headers_mut().append(name, value);
    }
}
