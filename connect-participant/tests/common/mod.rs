//! The two transports driven the same way, for the suites that run every
//! scenario against both.
#![allow(dead_code)] // each suite uses its part

use std::sync::Arc;

use connect_participant_mock::{Chat, MockServer, MockService};

use connect_participant::{
    Config, CreateParticipantConnection, CreateParticipantConnectionOutput, Error, SendEvent,
    SendEventOutput, TransportOptions,
};

/// A client of either transport, driven the same way.
pub trait Transport {
    fn name(&self) -> &'static str;
    fn connect(
        &self,
        input: CreateParticipantConnection,
    ) -> Result<CreateParticipantConnectionOutput, Error>;
    fn send(&self, event: SendEvent) -> Result<SendEventOutput, Error>;
}

pub struct Blocking(pub connect_participant_ureq::Client);

impl Transport for Blocking {
    fn name(&self) -> &'static str {
        "ureq"
    }
    fn connect(
        &self,
        input: CreateParticipantConnection,
    ) -> Result<CreateParticipantConnectionOutput, Error> {
        self.0.create_participant_connection(input)
    }
    fn send(&self, event: SendEvent) -> Result<SendEventOutput, Error> {
        self.0.send_event(event)
    }
}

pub struct Async(
    pub connect_participant_hyper::Client,
    pub Arc<tokio::runtime::Runtime>,
);

impl Transport for Async {
    fn name(&self) -> &'static str {
        "hyper"
    }
    fn connect(
        &self,
        input: CreateParticipantConnection,
    ) -> Result<CreateParticipantConnectionOutput, Error> {
        self.1.block_on(self.0.create_participant_connection(input))
    }
    fn send(&self, event: SendEvent) -> Result<SendEventOutput, Error> {
        self.1.block_on(self.0.send_event(event))
    }
}

pub fn runtime() -> Arc<tokio::runtime::Runtime> {
    Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime"),
    )
}

/// The client of transport `which` ("ureq" or "hyper").
pub fn transport(which: &str, config: Config, options: TransportOptions) -> Box<dyn Transport> {
    match which {
        "ureq" => Box::new(Blocking(
            connect_participant_ureq::Client::builder(config)
                .options(options)
                .build()
                .expect("client"),
        )),
        _ => {
            let rt = runtime();
            let client = rt.block_on(async {
                connect_participant_hyper::Client::builder(config)
                    .options(options)
                    .build()
                    .expect("client")
            });
            Box::new(Async(client, rt))
        }
    }
}

/// A configuration for the server at `url`, with `max_attempts` attempts a call.
pub fn config(url: &str, max_attempts: u32) -> Config {
    Config::builder()
        .endpoint_url(url)
        .max_attempts(max_attempts)
        .build()
        .expect("config")
}

/// Both transports, each against its own fresh service with a chat open.
pub fn each_transport(
    options: TransportOptions,
    max_attempts: u32,
    scenario: impl Fn(&dyn Transport, &MockServer, &Chat),
) {
    for which in ["ureq", "hyper"] {
        let server = MockServer::start(MockService::new()).expect("mock server");
        let chat = server.service().open_chat();
        let transport = transport(which, config(&server.url(), max_attempts), options.clone());
        scenario(&*transport, &server, &chat);
    }
}

/// The service error a call ended with (panics on anything else).
pub fn service_error<T: std::fmt::Debug>(
    t: &dyn Transport,
    result: Result<T, Error>,
) -> (connect_participant::error::ServiceError, u32) {
    match result {
        Err(Error::Service { error, attempts }) => (error, attempts),
        other => panic!("{}: expected a service error, got {other:?}", t.name()),
    }
}
