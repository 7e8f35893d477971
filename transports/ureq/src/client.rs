//! The blocking client: the core's call loop over a ureq agent.

use std::sync::Arc;
use std::time::Duration;

use connect_participant_core::operation::Operation;
use connect_participant_core::{
    self as core, Config, ConfigError, CreateParticipantConnection,
    CreateParticipantConnectionOutput, Error, SendEvent, SendEventOutput, SyncHttpClient,
    TransportError, TransportErrorKind, TransportOptions,
};
use ureq::config::AutoHeaderValue;

use crate::error_map::transport_error;
use crate::resolver::CachingResolver;

/// A blocking SendEvent client. Cheap to clone (shared connection pool and
/// retry quota); safe to use from many threads at once.
///
/// ```
/// use connect_participant::ureq::Client;
/// use connect_participant::{Config, TransportOptions};
/// use std::time::Duration;
///
/// let client = Client::builder(Config::builder().region("eu-west-2").build()?)
///     .options(TransportOptions::default().with_attempt_timeout(Duration::from_secs(5)))
///     .build()?;
/// assert_eq!(client.config().endpoint().as_str(), "https://participant.connect.eu-west-2.amazonaws.com");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Client {
    core: core::Client,
    http: UreqHttp,
}

/// The agent as the core's [`SyncHttpClient`]: one attempt, and sleeping.
#[derive(Clone)]
struct UreqHttp {
    agent: ureq::Agent,
    options: TransportOptions,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", self.core.config())
            .field("options", &self.http.options)
            .finish()
    }
}

/// Builds a [`Client`] from a configuration and transport options.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    config: Config,
    options: TransportOptions,
    root_certs: Option<Arc<Vec<ureq::tls::Certificate<'static>>>>,
}

impl ClientBuilder {
    /// Timeouts and the response body limit.
    pub fn options(mut self, options: TransportOptions) -> Self {
        self.options = options;
        self
    }

    /// Trusts these DER certificates instead of the built-in Mozilla roots
    /// (for a private CA). Certificates are always verified.
    pub fn root_certificates(mut self, der_certs: Vec<Vec<u8>>) -> Self {
        let certs = der_certs
            .iter()
            .map(|der| ureq::tls::Certificate::from_der(der).to_owned())
            .collect();
        self.root_certs = Some(Arc::new(certs));
        self
    }

    /// The client. (Returns a `Result` to keep the same shape as the async
    /// client; ureq checks certificates when connecting.)
    pub fn build(self) -> Result<Client, ConfigError> {
        let mut tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .disable_verification(false);
        if let Some(certs) = self.root_certs {
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(certs));
        }
        let options = self.options;
        let proxy = match options.proxy_for(self.config.endpoint().host()) {
            Some(p) => Some(ureq::Proxy::new(&p.expose_url()).map_err(|e| {
                ConfigError::InvalidSetting {
                    name: "proxy".to_owned(),
                    value: p.authority(),
                    expected: if matches!(e, ureq::Error::InvalidProxyUrl) {
                        "an http:// proxy URL"
                    } else {
                        "a proxy ureq can use"
                    },
                }
            })?),
            None => None,
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            // Only the proxy the options name (never the environment's): a
            // CONNECT tunnel, so TLS stays end to end with the service.
            .proxy(proxy)
            .https_only(false)
            .user_agent(AutoHeaderValue::None)
            .accept(AutoHeaderValue::None)
            .accept_encoding(AutoHeaderValue::None)
            // One client usually talks to one host from many threads: keep a
            // connection per thread rather than ureq's 3 (closing and
            // reopening the rest on every call).
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
            .timeout_connect(Some(options.connect_timeout()))
            .timeout_per_call(Some(options.attempt_timeout()))
            .tls_config(tls.build())
            .build();
        // ureq resolves the host before it looks in its pool; with a timeout
        // set, its own resolver does that on a new thread every call.
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            CachingResolver::default(),
        );
        Ok(Client {
            core: core::Client::new(self.config),
            http: UreqHttp { agent, options },
        })
    }
}

/// Idle connections kept for reuse (ureq's default is 3 per host).
const MAX_IDLE_CONNECTIONS: usize = 64;

/// The seed of one call: 32 bytes of OS randomness.
fn seed() -> Result<[u8; 32], Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Transport {
        error: TransportError::new(TransportErrorKind::Other, format!("no OS randomness: {e}")),
        attempts: 0,
    })?;
    Ok(bytes)
}

impl Client {
    /// A client with default [`TransportOptions`].
    pub fn new(config: Config) -> Result<Client, ConfigError> {
        Client::builder(config).build()
    }

    /// Starts a client with options.
    pub fn builder(config: Config) -> ClientBuilder {
        ClientBuilder {
            config,
            options: TransportOptions::default(),
            root_certs: None,
        }
    }

    /// A client configured from the standard environment settings
    /// (`AWS_REGION`, `AWS_ENDPOINT_URL_CONNECTPARTICIPANT`, ...).
    pub fn from_env() -> Result<Client, ConfigError> {
        let config = Config::builder()
            .with_env(|name| std::env::var(name).ok())?
            .build()?;
        Client::new(config)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        self.core.config()
    }

    /// The transport options.
    pub fn options(&self) -> &TransportOptions {
        &self.http.options
    }

    /// Sends one event, retrying as the core's policy decides (the same
    /// client token on every attempt), and returns the output or the error
    /// with the number of attempts made.
    pub fn send_event(&self, event: SendEvent) -> Result<SendEventOutput, Error> {
        self.call(event)
    }

    /// Turns a participant token into a connection token (and, as asked, a
    /// WebSocket URL and WebRTC details); with
    /// [`acknowledge`](CreateParticipantConnection::acknowledge), marks the
    /// participant connected. Retried as the core's policy decides.
    pub fn create_participant_connection(
        &self,
        input: CreateParticipantConnection,
    ) -> Result<CreateParticipantConnectionOutput, Error> {
        self.call(input)
    }

    /// Runs one call of any operation of the service with the core's retry
    /// policy ([`core::Client::call`]), seeded from the OS.
    pub fn call<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        #[cfg(feature = "tracing")]
        let _span = tracing::debug_span!("call", operation = O::NAME).entered();
        self.core.call(&self.http, operation, seed()?)
    }
}

impl SyncHttpClient for UreqHttp {
    type Body = Vec<u8>;

    /// One attempt: send the request, read the body up to the limit.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        #[cfg(feature = "tracing")]
        let _attempt = tracing::debug_span!("attempt", sdk_request = ?request.headers().get(core::wire::SDK_REQUEST_HEADER)).entered();
        let response = self
            .agent
            .run(request)
            .map_err(|e| transport_error(e, &self.options))?;
        let (parts, mut body) = response.into_parts();
        let bytes = body
            .with_config()
            .limit(self.options.max_response_bytes())
            .read_to_vec()
            .map_err(|e| transport_error(e, &self.options))?;
        Ok(http::Response::from_parts(parts, bytes))
    }

    fn sleep(&self, wait: Duration) {
        #[cfg(feature = "tracing")]
        tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying");
        std::thread::sleep(wait);
    }
}
