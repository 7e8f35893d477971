//! Issue 12: the command line honours HTTPS_PROXY and NO_PROXY as the AWS
//! CLI does: through a CONNECT tunnel, and directly for the NO_PROXY hosts.
//! (That the proxy never sees the token, TLS being end to end through the
//! tunnel, is checked in connect-participant/tests/security.rs.)
//! End to end through the built command, with a loopback CONNECT proxy.

mod common;

use common::{run, send_event, TYPING};
use connect_participant_mock::{ConnectProxy, MockServer, MockService};

#[test]
fn https_proxy_tunnels_and_no_proxy_bypasses() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let proxy = ConnectProxy::start().expect("proxy");
    for transport in ["ureq", "hyper"] {
        let (out, _, stderr) = run(send_event(
            &server.url(),
            TYPING,
            &[
                "--connection-token",
                &chat.customer,
                "--transport",
                transport,
            ],
        )
        .env("HTTPS_PROXY", proxy.url()));
        assert_eq!(out.status.code(), Some(0), "{transport}: {stderr}");
        let seen = String::from_utf8_lossy(&proxy.take_seen()).into_owned();
        assert!(
            seen.starts_with(&format!("CONNECT {} HTTP/1.1\r\n", server.addr())),
            "{transport}: the proxy saw {seen:?}"
        );
        // NO_PROXY names the endpoint's host: straight to it.
        let (out, _, stderr) = run(send_event(
            &server.url(),
            TYPING,
            &[
                "--connection-token",
                &chat.customer,
                "--transport",
                transport,
            ],
        )
        .env("https_proxy", proxy.url())
        .env("NO_PROXY", "example.com,127.0.0.1"));
        assert_eq!(out.status.code(), Some(0), "{transport}: {stderr}");
        assert!(proxy.take_seen().is_empty(), "{transport}: used the proxy");
    }
    assert_eq!(server.service().transcript(chat.id).len(), 4);
    // A proxy setting that cannot work is a usage error naming the variable.
    let (out, _, stderr) = run(
        send_event(&server.url(), TYPING, &["--connection-token", "t"])
            .env("HTTPS_PROXY", "socks5://127.0.0.1:1"),
    );
    assert_eq!(out.status.code(), Some(252), "{stderr}");
    assert!(stderr.contains("HTTPS_PROXY"), "{stderr}");
}
