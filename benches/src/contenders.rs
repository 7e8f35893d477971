//! The clients the transport benchmarks compare, each sending the same
//! typing event to the loopback server: our blocking client (ureq), our
//! async client (hyper), the raw floor under each, and the core floor under
//! each (the core's per-call work over the bare agent; [`crate::floor`]).

use std::fmt;
use std::sync::Arc;

use connect_participant_core::{Config, SendEvent};
use tokio::runtime::Runtime;

use crate::floor::{HyperFloor, UreqFloor};
use crate::load::{self, Load, Run};
use crate::CONNECTION_TOKEN;

/// One of the compared clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contender {
    /// `connect_participant_ureq::Client::send_event`, threads sharing one client.
    UreqClient,
    /// The prebuilt request over bare `ureq::Agent::run`, threads sharing one agent.
    UreqFloor,
    /// `connect_participant_hyper::Client::send_event`, tasks sharing one client.
    HyperClient,
    /// The prebuilt request over bare hyper-util, tasks sharing one client.
    HyperFloor,
    /// The core's per-call work around bare `ureq::Agent::run`.
    UreqCoreFloor,
    /// The core's per-call work around bare hyper-util.
    HyperCoreFloor,
}

impl Contender {
    /// All six: per transport, the client, its raw floor, its core floor.
    pub const ALL: [Contender; 6] = [
        Contender::UreqClient,
        Contender::UreqFloor,
        Contender::UreqCoreFloor,
        Contender::HyperClient,
        Contender::HyperFloor,
        Contender::HyperCoreFloor,
    ];

    /// A short name: `ureq-client`, `ureq-floor`, `ureq-core-floor`,
    /// `hyper-client`, `hyper-floor`, `hyper-core-floor`.
    pub fn name(self) -> &'static str {
        match self {
            Contender::UreqClient => "ureq-client",
            Contender::UreqFloor => "ureq-floor",
            Contender::HyperClient => "hyper-client",
            Contender::HyperFloor => "hyper-floor",
            Contender::UreqCoreFloor => "ureq-core-floor",
            Contender::HyperCoreFloor => "hyper-core-floor",
        }
    }

    /// By [`Contender::name`].
    pub fn from_name(name: &str) -> Option<Contender> {
        Contender::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The raw floor of this contender's transport.
    pub fn floor(self) -> Contender {
        match self {
            Contender::UreqClient | Contender::UreqFloor | Contender::UreqCoreFloor => {
                Contender::UreqFloor
            }
            Contender::HyperClient | Contender::HyperFloor | Contender::HyperCoreFloor => {
                Contender::HyperFloor
            }
        }
    }

    /// The core floor of this contender's transport.
    pub fn core_floor(self) -> Contender {
        match self.floor() {
            Contender::UreqFloor => Contender::UreqCoreFloor,
            _ => Contender::HyperCoreFloor,
        }
    }
}

impl fmt::Display for Contender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The runtime async contenders run on: multi-threaded, one worker per core.
pub fn client_runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        )
        .thread_name("bench-client")
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The event every contender sends (our clients build it per call).
pub fn typing() -> SendEvent {
    SendEvent::typing(CONNECTION_TOKEN)
}

/// The clients, built once for one server, each with its own pool.
#[derive(Debug, Default)]
pub struct Contenders {
    ureq_client: Option<connect_participant_ureq::Client>,
    ureq_floor: Option<Arc<UreqFloor>>,
    hyper_client: Option<Arc<connect_participant_hyper::Client>>,
    hyper_floor: Option<Arc<HyperFloor>>,
}

impl Contenders {
    /// All of them, for the server at `url` (`http://127.0.0.1:PORT`).
    pub fn new(url: &str, rt: &Runtime) -> Contenders {
        Contenders::only(url, &Contender::ALL, rt)
    }

    /// Only these, for the server at `url` (`http://127.0.0.1:PORT`).
    pub fn only(url: &str, which: &[Contender], rt: &Runtime) -> Contenders {
        let _guard = rt.enter();
        let config = || Config::for_endpoint(url).expect("loopback endpoint");
        let mut c = Contenders::default();
        for w in which {
            match w {
                Contender::UreqClient => {
                    c.ureq_client =
                        Some(connect_participant_ureq::Client::new(config()).expect("ureq client"))
                }
                Contender::UreqFloor | Contender::UreqCoreFloor => {
                    c.ureq_floor = Some(Arc::new(UreqFloor::new(url)))
                }
                Contender::HyperClient => {
                    c.hyper_client = Some(Arc::new(
                        connect_participant_hyper::Client::new(config()).expect("hyper client"),
                    ))
                }
                Contender::HyperFloor | Contender::HyperCoreFloor => {
                    c.hyper_floor = Some(Arc::new(HyperFloor::new(url)))
                }
            }
        }
        c
    }

    /// Runs `load` with one contender; async ones on `rt`. Panics if that
    /// contender was not built.
    pub fn run(&self, which: Contender, load: Load, rt: &Runtime) -> Run {
        match which {
            Contender::UreqClient => {
                let client = self.ureq_client.as_ref().unwrap_or_else(|| missing(which));
                load::blocking(load, || {
                    client
                        .send_event(typing())
                        .is_ok_and(|out| out.id.is_some())
                })
            }
            Contender::UreqFloor => {
                let floor = self.ureq_floor.as_ref().unwrap_or_else(|| missing(which));
                load::blocking(load, || floor.call())
            }
            Contender::HyperClient => {
                let client = self.hyper_client.clone().unwrap_or_else(|| missing(which));
                rt.block_on(load::tasks(load, move || {
                    let client = client.clone();
                    async move {
                        client
                            .send_event(typing())
                            .await
                            .is_ok_and(|out| out.id.is_some())
                    }
                }))
            }
            Contender::HyperFloor => {
                let floor = self.hyper_floor.clone().unwrap_or_else(|| missing(which));
                rt.block_on(load::tasks(load, move || {
                    let floor = floor.clone();
                    async move { floor.call().await }
                }))
            }
            Contender::UreqCoreFloor => {
                let floor = self.ureq_floor.as_ref().unwrap_or_else(|| missing(which));
                load::blocking(load, || floor.core_call())
            }
            Contender::HyperCoreFloor => {
                let floor = self.hyper_floor.clone().unwrap_or_else(|| missing(which));
                rt.block_on(load::tasks(load, move || {
                    let floor = floor.clone();
                    async move { floor.core_call().await }
                }))
            }
        }
    }

    /// Panics unless each contender built gets its 200 back.
    pub fn check(&self, rt: &Runtime) {
        let built = [
            self.ureq_client.is_some(),
            self.ureq_floor.is_some(),
            self.ureq_floor.is_some(),
            self.hyper_client.is_some(),
            self.hyper_floor.is_some(),
            self.hyper_floor.is_some(),
        ];
        for (which, _) in Contender::ALL.into_iter().zip(built).filter(|(_, b)| *b) {
            let run = self.run(which, Load::new(1, 2), rt);
            assert_eq!((run.calls, run.failures), (2, 0), "{which} failed");
        }
    }
}

fn missing(which: Contender) -> ! {
    panic!("{which} was not built")
}
