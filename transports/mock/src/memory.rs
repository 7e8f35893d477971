//! The in-memory transport: requests answered by a [`MockService`] directly.

use connect_participant_core::TransportError;
use http::{Request, Response};

use crate::MockService;

impl MockService {
    /// The in-memory transport: the answer to `request`, with queued faults
    /// applied (see [`Fault`](crate::Fault) for what each becomes in memory).
    /// Plug it in where a transport would send a request:
    /// `let outcome = service.send(call.next_request());` then
    /// `call.finish_attempt(outcome, jitter)`.
    ///
    /// ```
    /// use connect_participant_core::TransportErrorKind;
    /// use connect_participant_mock::{Fault, MockService};
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
