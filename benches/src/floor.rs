//! The raw floor: the request our clients send, built once by the core and
//! sent as is with bare `ureq` and bare `hyper-util`, the body read whole.
//! No validation, no parsing, no retries, no timeouts: the least any client
//! over these libraries can do.
//!
//! And the **core floor** over the same agents: per call, the core's own
//! work (validate the event, build the request, parse the answer into an
//! output, the retry bookkeeping) around the bare send, with the call's seed
//! drawn from the OS as the core asks of every caller, and no timeout. Our
//! clients against it show what the transports add to the core.

use bytes::Bytes;
use connect_participant_core::{http, Client, Config, Next, SendEvent};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ureq::config::AutoHeaderValue;

use crate::CONNECTION_TOKEN;

/// The first attempt's request of a typing event to `url`, exactly as our
/// clients build it (method, URI, every header, body); only the client token
/// and invocation id differ from call to call in our clients (same lengths).
pub fn prebuilt_request(url: &str) -> http::Request<Vec<u8>> {
    let client = core_client(url);
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
    core: Client,
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
        UreqFloor {
            agent,
            parts,
            body,
            core: core_client(url),
        }
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
    /// One call of the core floor: the core builds the request from a fresh
    /// event, bare ureq sends it, the core parses the answer. True on an
    /// output with an id.
    pub fn core_call(&self) -> bool {
        let Ok(mut call) = self.core.start(SendEvent::typing(CONNECTION_TOKEN), seed()) else {
            return false;
        };
        let response = match self.agent.run(call.next_request()) {
            Ok(response) => response,
            Err(_) => return false,
        };
        let (parts, mut body) = response.into_parts();
        let Ok(bytes) = body.read_to_vec() else {
            return false;
        };
        done_with_id(call.finish_attempt(Ok(http::Response::from_parts(parts, bytes))))
    }
}

/// Bare hyper-util legacy client (plain `HttpConnector`, `TCP_NODELAY` as our
/// client) with the prebuilt request, the body collected.
#[derive(Debug, Clone)]
pub struct HyperFloor {
    client: hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>,
    request: http::Request<Full<Bytes>>,
    core: Client,
}

impl HyperFloor {
    /// For the server at `url`. Needs a Tokio runtime when called.
    pub fn new(url: &str) -> HyperFloor {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client =
            hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector);
        let request = prebuilt_request(url).map(|body| Full::new(Bytes::from(body)));
        HyperFloor {
            client,
            request,
            core: core_client(url),
        }
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

    /// One call of the core floor over bare hyper-util, as
    /// [`UreqFloor::core_call`].
    pub async fn core_call(&self) -> bool {
        let Ok(mut call) = self.core.start(SendEvent::typing(CONNECTION_TOKEN), seed()) else {
            return false;
        };
        let request = call.next_request().map(|body| Full::new(Bytes::from(body)));
        let response = match self.client.request(request).await {
            Ok(response) => response,
            Err(_) => return false,
        };
        let (parts, body) = response.into_parts();
        let Ok(body) = body.collect().await else {
            return false;
        };
        let response = http::Response::from_parts(parts, body.to_bytes());
        done_with_id(call.finish_attempt(Ok(response)))
    }
}

/// The core floor's seed: 32 bytes from the OS per call, as the core's
/// contract asks of every caller (fixed bytes would send one client token
/// on every call, which the service takes for retries of the first).
fn seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).expect("OS randomness");
    seed
}

/// The core's client for the core floor.
fn core_client(url: &str) -> Client {
    Client::new(Config::for_endpoint(url).expect("loopback endpoint"))
}

/// True for a call that ended with an output holding an id.
fn done_with_id(next: Next<SendEvent>) -> bool {
    matches!(next, Next::Done(Ok(out)) if out.id.is_some())
}
