//! The async client: the core's call loop over hyper-util's pooled client.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use connect_participant_core::operation::Operation;
use connect_participant_core::{
    self as core, AsyncHttpClient, Config, ConfigError, CreateParticipantConnection,
    CreateParticipantConnectionOutput, Error, SendEvent, SendEventOutput, TransportError,
    TransportErrorKind, TransportOptions,
};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::connector::{Route, Timed};
use crate::error_map::{body_error, request_error};

type HttpClient = hyper_util::client::legacy::Client<Timed, Full<Bytes>>;

/// An async client of the Participant Service. Cheap to clone (shared
/// connection pool and retry quota); safe to share across tasks and threads.
/// Dropping a pending call's future cancels the call cleanly.
///
/// **Runtime requirement:** calls run on a Tokio runtime with the time
/// driver enabled (`enable_time()` or `enable_all()` on the runtime
/// builder; `#[tokio::main]` enables it): the attempt and connect timeouts
/// and the waits between retries are Tokio timers. Without it, Tokio panics
/// on the first call with "A Tokio 1.x context was found, but timers are
/// disabled".
///
/// ```
/// use connect_participant::hyper::Client;
/// use connect_participant::Config;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::new(Config::builder().region("us-west-2").use_fips(true).build()?)?;
/// assert_eq!(client.config().endpoint().as_str(), "https://participant.connect-fips.us-west-2.amazonaws.com");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    core: core::Client,
    http: HyperHttp,
}

/// hyper-util's pooled client as the core's [`AsyncHttpClient`].
#[derive(Clone)]
struct HyperHttp {
    http: HttpClient,
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
    root_certs: Option<Vec<Vec<u8>>>,
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
        self.root_certs = Some(der_certs);
        self
    }

    /// The client. Fails only if TLS cannot be set up (a bad root certificate).
    pub fn build(self) -> Result<Client, ConfigError> {
        let tls_error = |e: rustls::Error| ConfigError::InvalidSetting {
            name: "tls".to_owned(),
            value: e.to_string(),
            expected: "a usable TLS configuration",
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?;
        let tls = match self.root_certs {
            None => hyper_rustls::ConfigBuilderExt::with_webpki_roots(builder),
            Some(certs) => {
                let mut roots = rustls::RootCertStore::empty();
                for der in certs {
                    roots.add(der.into()).map_err(tls_error)?;
                }
                builder.with_root_certificates(roots)
            }
        }
        .with_no_client_auth();
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(self.options.connect_timeout()));
        let route = match self.options.proxy_for(self.config.endpoint().host()) {
            None => Route::Direct(tcp),
            Some(proxy) => {
                let proxy_uri = format!("http://{}", proxy.authority())
                    .parse()
                    .map_err(|_| ConfigError::InvalidSetting {
                        name: "proxy".to_owned(),
                        value: proxy.authority(),
                        expected: "a proxy host and port",
                    })?;
                let mut tunnel =
                    hyper_util::client::legacy::connect::proxy::Tunnel::new(proxy_uri, tcp);
                if let Some(auth) = proxy.authorization() {
                    let auth = http::HeaderValue::from_str(&auth).map_err(|_| {
                        ConfigError::InvalidSetting {
                            name: "proxy".to_owned(),
                            value: proxy.authority(),
                            expected: "proxy credentials that fit a header",
                        }
                    })?;
                    tunnel = tunnel.with_auth(auth);
                }
                Route::Tunnel(tunnel)
            }
        };
        let connector = Timed {
            inner: hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(tls)
                .https_or_http()
                .enable_http1()
                .wrap_connector(route),
            timeout: self.options.connect_timeout(),
        };
        let http = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Ok(Client {
            core: core::Client::new(self.config),
            http: HyperHttp {
                http,
                options: self.options,
            },
        })
    }
}

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
    pub async fn send_event(&self, event: SendEvent) -> Result<SendEventOutput, Error> {
        self.call(event).await
    }

    /// Turns a participant token into a connection token (and, as asked, a
    /// WebSocket URL and WebRTC details); with
    /// [`acknowledge`](CreateParticipantConnection::acknowledge), marks the
    /// participant connected. Retried as the core's policy decides.
    pub async fn create_participant_connection(
        &self,
        input: CreateParticipantConnection,
    ) -> Result<CreateParticipantConnectionOutput, Error> {
        self.call(input).await
    }

    /// Runs one call of any operation of the service with the core's retry
    /// policy ([`core::Client::call_async`]), seeded from the OS.
    pub async fn call<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        let call = async { self.core.call_async(&self.http, operation, seed()?).await };
        #[cfg(feature = "tracing")]
        let call = tracing::Instrument::instrument(
            call,
            tracing::debug_span!("call", operation = O::NAME),
        );
        call.await
    }
}

impl AsyncHttpClient for HyperHttp {
    type Body = Bytes;

    /// One attempt, bounded as a whole by the attempt timeout: send the
    /// request, read the body up to the limit.
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        #[cfg(feature = "tracing")]
        let span = tracing::debug_span!("attempt", sdk_request = ?request.headers().get(core::wire::SDK_REQUEST_HEADER));
        let limit = self.options.max_response_bytes();
        let attempt = async {
            let request = request.map(|body| Full::new(Bytes::from(body)));
            let response = self.http.request(request).await.map_err(request_error)?;
            let (parts, body) = response.into_parts();
            let max = usize::try_from(limit).unwrap_or(usize::MAX);
            let body = Limited::new(body, max)
                .collect()
                .await
                .map_err(|e| body_error(e, limit))?
                .to_bytes();
            Ok(http::Response::from_parts(parts, body))
        };
        #[cfg(feature = "tracing")]
        let attempt = tracing::Instrument::instrument(attempt, span);
        let timeout = self.options.attempt_timeout();
        tokio::time::timeout(timeout, attempt)
            .await
            .map_err(|_| TransportError::attempt_timeout(timeout))?
    }

    async fn sleep(&self, wait: Duration) {
        #[cfg(feature = "tracing")]
        tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying");
        tokio::time::sleep(wait).await
    }
}
