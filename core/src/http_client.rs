//! The two things a transport does for a call: send one request, and sleep.
//! Implement one of these traits over any HTTP stack and
//! [`Client::call`](crate::Client::call) or
//! [`Client::call_async`](crate::Client::call_async) runs the whole call on it:
//! validation, the request, retries with backoff and the shared quota,
//! parsing and typed errors.

use std::future::Future;
use std::time::Duration;

use crate::TransportError;

/// A blocking HTTP client the core's retry loop can drive.
///
/// `send` makes one attempt: it sends the request as it is (never following
/// a redirect), reads the whole response body within the transport's limits
/// and returns it; a failure below HTTP (connect, TLS, timeout, body too
/// large) is a [`TransportError`] of the matching kind. `sleep` waits
/// between attempts.
///
/// See the crate's front page for an implementation, and
/// `core/examples/tcp_call.rs` for one over a bare `TcpStream`.
pub trait SyncHttpClient {
    /// The response body (`Vec<u8>`, `Bytes`, ...).
    type Body: AsRef<[u8]>;

    /// Sends one request and reads its whole response.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Self::Body>, TransportError>;

    /// Waits `wait` before the next attempt.
    fn sleep(&self, wait: Duration);
}

/// An async HTTP client the core's retry loop can drive; the same contract
/// as [`SyncHttpClient`]. The call's future is `Send` when these futures are.
///
/// ```
/// use std::future::Future;
/// use std::time::Duration;
/// use connect_participant::{http, AsyncHttpClient, Client, Config, SendEvent, TransportError};
///
/// struct Canned;
///
/// impl AsyncHttpClient for Canned {
///     type Body = &'static [u8];
///     fn send(&self, _request: http::Request<Vec<u8>>)
///         -> impl Future<Output = Result<http::Response<Self::Body>, TransportError>> {
///         async { Ok(http::Response::new(&br#"{"Id":"e1"}"#[..])) }
///     }
///     fn sleep(&self, _wait: Duration) -> impl Future<Output = ()> {
///         async {} // e.g. tokio::time::sleep(wait)
///     }
/// }
///
/// let client = Client::new(Config::for_endpoint("http://127.0.0.1:1").unwrap());
/// let call = client.call_async(&Canned, SendEvent::typing("token"), [3; 32]);
/// # let output = futures_lite_block_on(call).unwrap();
/// # assert_eq!(output.id.as_deref(), Some("e1"));
/// # fn futures_lite_block_on<F: Future>(f: F) -> F::Output {
/// #     use std::task::{Context, Poll, Waker};
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = Context::from_waker(Waker::noop());
/// #     loop { if let Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// ```
pub trait AsyncHttpClient {
    /// The response body (`Vec<u8>`, `Bytes`, ...).
    type Body: AsRef<[u8]>;

    /// Sends one request and reads its whole response.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> impl Future<Output = Result<http::Response<Self::Body>, TransportError>>;

    /// Waits `wait` before the next attempt.
    fn sleep(&self, wait: Duration) -> impl Future<Output = ()>;
}
