//! The async client: the core's call loop over hyper-util's pooled client.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use connect_participant_core::{
    self as core, jitter_from_bytes, split_call_entropy, Config, ConfigError, Error, Next,
    SendEvent, SendEventOutput, TransportError, TransportErrorKind, TransportOptions,
};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::error_map::{body_error, request_error};

type HttpClient = hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// An async SendEvent client. Cheap to clone (shared connection pool and
/// retry quota); safe to share across tasks and threads. Dropping a pending
/// `send_event` future cancels the call cleanly.
///
/// ```
/// use connect_participant_hyper::{Client, Config};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::new(Config::builder().region("us-west-2").use_fips(true).build()?)?;
/// assert_eq!(client.config().endpoint().as_str(), "https://participant.connect-fips.us-west-2.amazonaws.com");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    core: core::Client,
    http: HttpClient,
    options: TransportOptions,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", self.core.config())
            .field("options", &self.options)
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
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(self.options.get_connect_timeout()));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let http = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Ok(Client {
            core: core::Client::new(self.config),
            http,
            options: self.options,
        })
    }
}

fn random<const N: usize>() -> Result<[u8; N], TransportError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        TransportError::new(TransportErrorKind::Other, format!("no OS randomness: {e}"))
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
        &self.options
    }

    /// Sends one event, retrying as the core's policy decides (the same
    /// client token on every attempt), and returns the output or the error
    /// with the number of attempts made.
    pub async fn send_event(&self, event: SendEvent) -> Result<SendEventOutput, Error> {
        let entropy = random().map_err(|error| Error::Transport { error, attempts: 0 })?;
        let (seed, first_jitter) = split_call_entropy(entropy);
        let mut spare_jitter = Some(first_jitter);
        let mut call = self.core.start(event, seed)?;
        #[cfg(feature = "tracing")]
        let span = tracing::debug_span!(
            "send_event",
            content_type = call.event().event().content_type().as_str(),
            client_token = call.client_token()
        );
        loop {
            let request = call.next_request();
            let outcome = self.send(request);
            #[cfg(feature = "tracing")]
            let outcome = tracing::Instrument::instrument(
                outcome,
                tracing::debug_span!(parent: &span, "attempt", n = call.attempts()),
            );
            let outcome = outcome.await;
            // Fresh randomness only for a second retry and later.
            let jitter = spare_jitter
                .take()
                .unwrap_or_else(|| random().map(jitter_from_bytes).unwrap_or(0.5));
            match call.finish_attempt(outcome, jitter) {
                Next::Done(result) => return result,
                Next::RetryAfter(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// One attempt, bounded as a whole by the attempt timeout: send the
    /// request, read the body up to the limit.
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let limit = self.options.get_max_response_bytes();
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
        let timeout = self.options.get_attempt_timeout();
        tokio::time::timeout(timeout, attempt).await.map_err(|_| {
            TransportError::new(
                TransportErrorKind::Timeout,
                format!("attempt timed out after {timeout:?}"),
            )
        })?
    }
}
