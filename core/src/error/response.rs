//! A 2xx answer that could not be read, and what a response that is not a
//! success turned into.

use std::fmt;

use crate::error::ServiceError;

/// Longest body excerpt kept in a [`MalformedResponse`], in bytes.
pub const MAX_EXCERPT_BYTES: usize = 1024;

/// A 2xx response whose body is not the operation's output.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed response (HTTP {}): {reason}; body starts {excerpt:?}", status.as_u16())]
pub struct MalformedResponse {
    pub(crate) status: http::StatusCode,
    pub(crate) reason: String,
    pub(crate) excerpt: String,
    pub(crate) request_id: Option<String>,
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

pub(crate) fn excerpt(body: &[u8]) -> String {
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
