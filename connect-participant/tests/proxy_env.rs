//! Proxy settings in the environment are ignored by both transports: the
//! token goes only to the configured endpoint. (Its own test binary: it sets
//! environment variables, which must not race other tests' threads.)

use connect_participant::{Config, SendEvent};
use connect_participant_mock::{MockServer, MockService};

#[test]
fn environment_proxies_are_not_used() {
    // A "proxy" that would see the token if the client used it.
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let proxy_url = format!("http://{}", proxy.local_addr().expect("addr"));
    proxy.set_nonblocking(true).expect("nonblocking");
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(name, &proxy_url);
    }
    for name in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(name);
    }

    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let config = Config::for_endpoint(&server.url()).expect("config");
    let blocking = connect_participant_ureq::Client::new(config.clone()).expect("ureq");
    blocking
        .send_event(SendEvent::typing(chat.customer.as_str()))
        .expect("ureq sends directly");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let client = connect_participant_hyper::Client::new(config).expect("hyper");
        client
            .send_event(SendEvent::typing(chat.customer.as_str()))
            .await
            .expect("hyper sends directly");
    });
    assert_eq!(server.service().transcript(chat.id).len(), 2);
    assert!(proxy.accept().is_err(), "nothing connected to the proxy");
}
