//! `mock`: the simulated service on a loopback port, with a chat ready: its
//! participant tokens (for `create-participant-connection`) and connection
//! tokens issued on joining (for `send-event`).

use std::net::{Ipv4Addr, SocketAddr};

use connect_participant_mock::{MockServer, MockService};

use crate::args::MockArgs;
use crate::report::{EXIT_OTHER, EXIT_USAGE};

/// Serves until the process is stopped; returns an exit code only on failure.
pub fn run(args: MockArgs) -> u8 {
    let service = MockService::new();
    let chat = service.open_chat();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let server = match MockServer::start_on(service, addr) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            return if e.kind() == std::io::ErrorKind::AddrInUse {
                EXIT_USAGE
            } else {
                EXIT_OTHER
            };
        }
    };
    let summary = serde_json::json!({
        "url": server.url(),
        "customer_participant_token": chat.customer_participant_token,
        "agent_participant_token": chat.agent_participant_token,
        "customer_connection_token": chat.customer,
        "agent_connection_token": chat.agent,
        "try_connection": format!(
            "connect-participant create-participant-connection --endpoint-url {} \
             --participant-token {} --type WEBSOCKET CONNECTION_CREDENTIALS --connect-participant",
            server.url(), chat.customer_participant_token
        ),
        "try": format!(
            "connect-participant send-event --endpoint-url {} --connection-token {} \
             --content-type application/vnd.amazonaws.connect.event.typing",
            server.url(), chat.customer
        ),
    });
    println!("{}", crate::report::pretty(&summary));
    eprintln!(
        "simulated Participant Service listening on {}; stop with Ctrl-C",
        server.url()
    );
    loop {
        std::thread::park();
    }
}
