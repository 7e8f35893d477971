//! The in-memory transport: requests answered by a [`MockService`] directly.

use std::time::Duration;

use connect_participant_core::{SyncHttpClient, TransportError};
use http::{Request, Response};

use crate::MockService;

impl MockService {
    /// The in-memory transport: the answer to `request`, with queued faults
    /// applied (see [`Fault`](crate::Fault) for what each becomes in memory).
    /// Plug it in where a transport would send a request:
    /// `let outcome = service.send(call.next_request());` then
    /// `call.finish_attempt(outcome)`, or hand the service to
    /// [`Client::call`](connect_participant_core::Client::call) as a
    /// [`SyncHttpClient`].
    ///
    /// ```
    /// use connect_participant::mock::{Fault, MockService};
    /// use connect_participant::{http, TransportErrorKind};
    ///
    /// let service = MockService::new();
    /// service.inject(Fault::CloseBeforeAnswer, 1);
    /// let request = http::Request::new(Vec::new());
    /// assert_eq!(service.send(request).unwrap_err().kind(), TransportErrorKind::Io);
    /// ```
    pub fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        match self.arrive() {
            Some((fault, request_id)) => fault.in_memory(&request_id),
            None => Ok(self.answer(&request)),
        }
    }
}

/// The service as an HTTP client of the core's retry loop, in memory: each
/// attempt is answered at once, and the waits between attempts are recorded
/// ([`MockService::waits`]) instead of slept, so a test of the retry policy
/// never waits for real.
impl SyncHttpClient for MockService {
    type Body = Vec<u8>;

    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        MockService::send(self, request)
    }

    fn sleep(&self, wait: Duration) {
        self.record_wait(wait);
    }
}
