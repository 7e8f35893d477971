//! The HTTP shapes every operation shares (docs/spec.md#requests,
//! docs/spec.md#responses): the request of one attempt, the response read
//! into an output or an error, and a request shown with its secrets redacted.

pub(crate) mod request;
mod response;
mod strict;

pub use request::{
    build_request, RedactedRequest, BEARER_HEADER, INVOCATION_ID_HEADER, SDK_REQUEST_HEADER,
    USER_AGENT_VALUE,
};
pub(crate) use response::parse_attempt;
pub use response::parse_response;
pub(crate) use strict::{Checked, CheckedSeed};
