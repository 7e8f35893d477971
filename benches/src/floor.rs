//! The raw floor: the request our clients send, built once by the core and
//! sent as is with bare `ureq` and bare `hyper-util`, the body read whole.
//! No validation, no parsing, no retries, no timeouts: the least any client
//! over these libraries can do.

use bytes::Bytes;
use connect_participant_core::{http, Client, Config, SendEvent};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ureq::config::AutoHeaderValue;

use crate::CONNECTION_TOKEN;

/// The first attempt's request of a typing event to `url`, exactly as our
/// clients build it (method, URI, every header, body); only the client token
/// and invocation id differ from call to call in our clients (same lengths).
pub fn prebuilt_request(url: &str) -> http::Request<Vec<u8>> {
    let client = Client::new(Config::for_endpoint(url).expect("loopback endpoint"));
    let mut call = client
        .start(SendEvent::typing(CONNECTION_TOKEN), [7; 32])
        .expect("valid event");
    call.next_request()
}

/// Bare `ureq::Agent::run` with the prebuilt request. The agent adds no
/// header of its own and keeps as many idle connections as our client (64;
/// ureq's default of 3 a host would make the floor reconnect on most calls
/// with 16 or 64 threads, a cost that is configuration, not work), and has
/// no timeouts.
#[derive(Debug)]
pub struct UreqFloor {
    agent: ureq::Agent,
    parts: http::request::Parts,
    body: Vec<u8>,
}

impl UreqFloor {
    /// For the server at `url` (`http://127.0.0.1:PORT`).
    pub fn new(url: &str) -> UreqFloor {
        UreqFloor::with_agent(url, UreqFloor::config().build().into())
    }

    /// The agent settings the floor uses: status codes are not errors, no
    /// automatic `user-agent`, `accept` or `accept-encoding` header, the
    /// pool our client keeps.
    pub fn config() -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_idle_connections(64)
            .max_idle_connections_per_host(64)
            .user_agent(AutoHeaderValue::None)
            .accept(AutoHeaderValue::None)
            .accept_encoding(AutoHeaderValue::None)
    }

    /// For the server at `url` with this agent.
    pub fn with_agent(url: &str, agent: ureq::Agent) -> UreqFloor {
        let (parts, body) = prebuilt_request(url).into_parts();
        UreqFloor { agent, parts, body }
    }

    /// One call: send, read the body to a `Vec`. True on a 200.
    pub fn call(&self) -> bool {
        let request = http::Request::from_parts(self.parts.clone(), &self.body[..]);
        match self.agent.run(request) {
            Ok(response) => {
                let ok = response.status() == 200;
                let body = response.into_body().read_to_vec();
                ok && body.is_ok_and(|b| !b.is_empty())
            }
            Err(_) => false,
        }
    }
}

/// Bare hyper-util legacy client (plain `HttpConnector`, `TCP_NODELAY` as our
/// client) with the prebuilt request, the body collected.
#[derive(Debug, Clone)]
pub struct HyperFloor {
    client: hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>,
    request: http::Request<Full<Bytes>>,
}

impl HyperFloor {
    /// For the server at `url`. Needs a Tokio runtime when called.
    pub fn new(url: &str) -> HyperFloor {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client =
            hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector);
        let request = prebuilt_request(url).map(|body| Full::new(Bytes::from(body)));
        HyperFloor { client, request }
    }

    /// One call: send, collect the body. True on a 200.
    pub async fn call(&self) -> bool {
        match self.client.request(self.request.clone()).await {
            Ok(response) => {
                let ok = response.status() == 200;
                let body = response.into_body().collect().await;
                ok && body.is_ok_and(|b| !b.to_bytes().is_empty())
            }
            Err(_) => false,
        }
    }
}
