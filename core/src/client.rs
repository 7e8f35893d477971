//! The client: a configuration and the retry quota its calls share.

use std::sync::Arc;

use crate::{Call, Config, Error, RetryQuota, SendEvent};

/// What every call of one client shares: its configuration and retry quota.
/// Cheap to clone (one `Arc`), safe to share across threads and tasks.
///
/// ```
/// use connect_participant_core::{Client, Config, SendEvent};
///
/// let client = Client::new(Config::for_endpoint("http://127.0.0.1:8080").unwrap());
/// let call = client.start(SendEvent::typing("token"), [7; 32]).unwrap();
/// assert_eq!(call.client_token(), "07070707-0707-4707-8707-070707070707");
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

    /// Validates `event` and starts one logical call.
    ///
    /// `random` is 32 fresh random bytes from the caller: the first 16 make
    /// the client token (when the event has none), the last 16 the invocation
    /// id. Both stay fixed for every attempt of the call.
    pub fn start(&self, event: SendEvent, random: [u8; 32]) -> Result<Call, Error> {
        let event = event.validate()?;
        Ok(Call::new(self.clone(), event, random))
    }
}
