//! One logical call across its attempts: a small state machine that ends.

use std::fmt;
use std::time::Duration;

use crate::error::{Error, ResponseError};
use crate::operation::Operation;
use crate::retry::{backoff, NO_RETRY_INCREMENT, RETRY_COST, RETRY_TIMEOUT_COST};
use crate::seed::{CallSeed, Uuid};
use crate::wire::{parse_attempt, request::AttemptHeaders};
use crate::{Client, TransportError, TransportErrorKind};

/// What to do after an attempt.
#[must_use]
pub enum Next<O: Operation> {
    /// The call is over: the output or the error, each with the attempts
    /// made. The call was consumed: nothing more can be sent or charged.
    Done(Result<O::Output, Error>),
    /// Sleep `wait`, then send `call`'s next request.
    RetryAfter {
        /// How long to wait before the next attempt.
        wait: Duration,
        /// The call, ready for its next attempt.
        call: Call<O>,
    },
}

impl<O: Operation> fmt::Debug for Next<O>
where
    O::Output: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Next::Done(result) => f.debug_tuple("Done").field(result).finish(),
            Next::RetryAfter { wait, call } => f
                .debug_struct("RetryAfter")
                .field("wait", wait)
                .field("call", call)
                .finish(),
        }
    }
}

/// One logical call of operation `O`: the validated input, the client token
/// and invocation id fixed at the start, the attempt count and the retry
/// jitter, all derived from the one seed given to [`Client::start`]. A
/// transport only sends its requests, reports the outcomes and sleeps when
/// told; [`Client::call`] and [`Client::call_async`] do exactly that.
///
/// [`Call::finish_attempt`] consumes the call: once it is done, no request
/// can be made and no outcome charged to the retry quota.
///
/// ```
/// use connect_participant::{http, Client, Config, Next, SendEvent};
///
/// let client = Client::new(Config::for_endpoint("http://127.0.0.1:8080").unwrap());
/// let mut call = client.start(SendEvent::typing("token"), [1; 32]).unwrap();
/// // A fake service: throttles once, then succeeds.
/// let mut answers = vec![(200, r#"{"Id":"e1"}"#), (429, "")];
/// let output = loop {
///     let request = call.next_request();
///     assert!(request.headers()["amz-sdk-request"].to_str().unwrap().ends_with("max=3"));
///     let (status, body) = answers.pop().unwrap();
///     let response = http::Response::builder().status(status).body(body).unwrap();
///     match call.finish_attempt(Ok(response)) {
///         Next::Done(result) => break result.unwrap(),
///         Next::RetryAfter { wait, call: next } => {
///             assert!(wait.as_secs_f64() < 1.0); // sleep here
///             call = next;
///         }
///     }
/// };
/// assert_eq!((output.id.as_deref(), output.attempts), (Some("e1"), 2));
/// ```
pub struct Call<O: Operation> {
    client: Client,
    operation: O,
    /// The client token when the operation takes one and the caller gave none.
    generated_token: Option<Uuid>,
    /// The invocation id, the same on every attempt.
    invocation_id: Uuid,
    seed: CallSeed,
    /// Attempts finished so far.
    attempts: u32,
    last_retry_cost: Option<u32>,
}

impl<O: Operation> fmt::Debug for Call<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The operation is left out: it holds the bearer token.
        f.debug_struct("Call")
            .field("operation", &O::NAME)
            .field("endpoint", self.client.config().endpoint())
            .field("client_token", &self.client_token())
            .field("invocation_id", &self.invocation_id())
            .field("attempts", &self.attempts)
            .field("max_attempts", &self.max_attempts())
            .finish_non_exhaustive()
    }
}

impl<O: Operation> Call<O> {
    pub(crate) fn new(client: Client, operation: O, seed: [u8; 32]) -> Self {
        let seed = CallSeed::new(seed);
        let generated_token =
            (O::IDEMPOTENT && operation.client_token().is_none()).then(|| Uuid::v4(seed.token));
        let invocation_id = Uuid::v4(seed.invocation);
        Call {
            client,
            operation,
            generated_token,
            invocation_id,
            seed,
            attempts: 0,
            last_retry_cost: None,
        }
    }

    /// The `ClientToken` sent on every attempt: the caller's, else one
    /// generated from the seed; `None` for an operation without one.
    pub fn client_token(&self) -> Option<&str> {
        if !O::IDEMPOTENT {
            return None;
        }
        self.operation
            .client_token()
            .or(self.generated_token.as_ref().map(Uuid::as_str))
    }

    /// The `amz-sdk-invocation-id` sent on every attempt.
    pub fn invocation_id(&self) -> &str {
        self.invocation_id.as_str()
    }

    /// Attempts finished so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The most attempts this call makes.
    pub fn max_attempts(&self) -> u32 {
        self.client.config().retry().max_attempts()
    }

    /// The (validated) input being sent.
    pub fn operation(&self) -> &O {
        &self.operation
    }

    /// The request of the next attempt: the same body and client token every
    /// time, with `amz-sdk-request: attempt=N; max=M`. Asking twice before
    /// [`Call::finish_attempt`] gives the same request again.
    pub fn next_request(&mut self) -> http::Request<Vec<u8>> {
        crate::wire::request::attempt_request(
            &self.operation,
            self.client.config().endpoint(),
            self.client_token(),
            AttemptHeaders {
                invocation_id: self.invocation_id.as_bytes(),
                attempt: (self.attempts + 1).min(self.max_attempts()),
                max_attempts: self.max_attempts(),
            },
        )
    }

    /// Takes the outcome of the attempt whose request [`Call::next_request`]
    /// gave, and decides: done, or retry after a wait (the jitter comes from
    /// the call's seed).
    pub fn finish_attempt<B: AsRef<[u8]>>(
        mut self,
        outcome: Result<http::Response<B>, TransportError>,
    ) -> Next<O> {
        let attempts = (self.attempts + 1).min(self.max_attempts());
        self.attempts = attempts;
        let quota = self.client.quota();
        let (error, cost, retry_after) = match outcome {
            Ok(response) => match parse_attempt::<O, B>(&response, attempts) {
                Ok(output) => {
                    quota.release(self.last_retry_cost.unwrap_or(NO_RETRY_INCREMENT));
                    return Next::Done(Ok(output));
                }
                Err(ResponseError::Service(e)) => {
                    let hint = e.retry_after();
                    (Error::Service { error: e, attempts }, RETRY_COST, hint)
                }
                Err(e) => (Error::from_response(e, attempts), RETRY_COST, None),
            },
            Err(e) => {
                let cost = if e.kind() == TransportErrorKind::Timeout {
                    RETRY_TIMEOUT_COST
                } else {
                    RETRY_COST
                };
                (Error::Transport { error: e, attempts }, cost, None)
            }
        };
        if !error.retry_class().is_retryable()
            || attempts >= self.max_attempts()
            || !quota.try_acquire(cost)
        {
            return Next::Done(Err(error));
        }
        self.last_retry_cost = Some(cost);
        let wait = backoff(attempts, self.seed.next_jitter(), retry_after);
        Next::RetryAfter { wait, call: self }
    }
}
