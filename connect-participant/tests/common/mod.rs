//! The two transports driven the same way, for the suites that run every
//! scenario against both.
#![allow(dead_code)] // each suite uses its part

use std::sync::Arc;

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
