//! The client: a configuration, the retry quota its calls share, and the one
//! retry loop every transport runs.

use std::sync::Arc;

use crate::operation::Operation;
use crate::retry::RetryQuota;
use crate::{AsyncHttpClient, Call, Config, Error, Next, SyncHttpClient};

/// What every call of one client shares: its configuration and retry quota.
/// Cheap to clone (one `Arc`), safe to share across threads and tasks.
///
/// This client decides; it does not send. The clients that send are
/// `connect_participant::ureq::Client` (blocking, feature `ureq`) and
/// `connect_participant::hyper::Client` (async, feature `hyper`); with any
/// other HTTP stack, implement [`SyncHttpClient`] or [`AsyncHttpClient`] and
/// use [`Client::call`] or [`Client::call_async`].
///
/// ```
/// use connect_participant::{Client, Config, SendEvent};
///
/// let client = Client::new(Config::for_endpoint("http://127.0.0.1:8080").unwrap());
/// let call = client.start(SendEvent::typing("token"), [7; 32]).unwrap();
/// assert_eq!(call.client_token(), Some("07070707-0707-4707-8707-070707070707"));
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    quota: RetryQuota,
}

impl Client {
    /// A client with a full retry quota.
    pub fn new(config: Config) -> Self {
        Client::with_quota(config, RetryQuota::new())
    }

    /// A client whose retry quota starts as given.
    pub fn with_quota(config: Config, quota: RetryQuota) -> Self {
        Client {
            inner: Arc::new(Inner { config, quota }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The retry quota shared by this client's calls.
    pub fn quota(&self) -> &RetryQuota {
        &self.inner.quota
    }

    /// Validates `operation` and starts one logical call of it.
    ///
    /// `seed` is 32 fresh random bytes (from the OS: `getrandom::fill`, or
    /// your platform's source). The call derives from it the client token
    /// (when the operation takes one and the caller gave none), the
    /// invocation id and every retry jitter; all stay fixed for the call.
    pub fn start<O: Operation>(&self, operation: O, seed: [u8; 32]) -> Result<Call<O>, Error> {
        operation.validate()?;
        Ok(Call::new(self.clone(), operation, seed))
    }

    /// Runs one whole call over a blocking HTTP client: validate, then
    /// request, send, decide and sleep until the call is done.
    pub fn call<O: Operation, H: SyncHttpClient + ?Sized>(
        &self,
        http: &H,
        operation: O,
        seed: [u8; 32],
    ) -> Result<O::Output, Error> {
        let mut call = self.start(operation, seed)?;
        loop {
            let request = call.next_request();
            match call.finish_attempt(http.send(request)) {
                Next::Done(result) => return result,
                Next::RetryAfter { wait, call: next } => {
                    http.sleep(wait);
                    call = next;
                }
            }
        }
    }

    /// [`Client::call`] over an async HTTP client. Dropping the future
    /// cancels the call between or during attempts.
    pub async fn call_async<O: Operation, H: AsyncHttpClient + ?Sized>(
        &self,
        http: &H,
        operation: O,
        seed: [u8; 32],
    ) -> Result<O::Output, Error> {
        let mut call = self.start(operation, seed)?;
        loop {
            let request = call.next_request();
            match call.finish_attempt(http.send(request).await) {
                Next::Done(result) => return result,
                Next::RetryAfter { wait, call: next } => {
                    http.sleep(wait).await;
                    call = next;
                }
            }
        }
    }
}
