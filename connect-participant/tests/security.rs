//! Security: the token never leaks, never travels where it should not, and
//! hostile peers (bad TLS, slow drip) end in clear errors.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connect_participant::error::Field;
use connect_participant::{
    Config, ConfigError, Error, SendEvent, SendEventOutput, TransportErrorKind, TransportOptions,
};
use connect_participant_mock::{Fault, MockServer, MockService, Role};

const SECRET: &str = "SeCrEt-ToKeN-4242";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Sends through both transports with the given builder tweaks.
fn both(
    config: Config,
    options: TransportOptions,
    roots: Option<Vec<Vec<u8>>>,
    event: impl Fn() -> SendEvent,
) -> [(&'static str, Result<SendEventOutput, Error>); 2] {
    let mut ureq =
        connect_participant_ureq::Client::builder(config.clone()).options(options.clone());
    let mut hyper = connect_participant_hyper::Client::builder(config).options(options);
    if let Some(roots) = roots {
        ureq = ureq.root_certificates(roots.clone());
        hyper = hyper.root_certificates(roots);
    }
    let ureq = ureq.build().expect("ureq client");
    let rt = runtime();
    let hyper_result = rt.block_on(async {
        hyper
            .build()
            .expect("hyper client")
            .send_event(event())
            .await
    });
    [("ureq", ureq.send_event(event())), ("hyper", hyper_result)]
}

/// A TLS server on loopback with a freshly generated self-signed
/// certificate; answers each request with a fixed success.
fn self_signed_server() -> (String, Vec<u8>) {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("cert");
    let cert_der = cert.der().to_vec();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert_der.clone().into()], key)
        .expect("server config");
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut buf = [0u8; 4096];
                let mut seen = Vec::new();
                // The whole request, body included: closing on an unread
                // body resets the connection under the client's feet.
                let complete = |seen: &[u8]| {
                    let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") else {
                        return false;
                    };
                    let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    seen.len() >= end + 4 + length
                };
                while !complete(&seen) {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let body = br#"{"Id":"tls-event","AbsoluteTime":"2019-11-08T02:41:28.172Z"}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(head.as_bytes());
                let _ = tls.write_all(body);
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    (url, cert_der)
}

#[test]
fn self_signed_certificate_is_refused_by_default_and_accepted_when_trusted() {
    let (url, cert) = self_signed_server();
    let config = Config::for_endpoint(&url).expect("config");
    for (name, result) in both(config.clone(), TransportOptions::default(), None, || {
        SendEvent::typing(SECRET)
    }) {
        match result {
            Err(Error::Transport { error, attempts: 1 }) => {
                assert_eq!(error.kind(), TransportErrorKind::Tls, "{name}: {error:?}")
            }
            other => panic!("{name}: an untrusted certificate must fail TLS, got {other:?}"),
        }
    }
    // The control: the same server, its certificate trusted, works.
    for (name, result) in both(
        config,
        TransportOptions::default(),
        Some(vec![cert]),
        || SendEvent::typing(SECRET),
    ) {
        let out = result.unwrap_or_else(|e| panic!("{name}: trusted certificate: {e:?}"));
        assert_eq!(out.id.as_deref(), Some("tls-event"), "{name}");
    }
}

#[test]
fn slow_drip_body_ends_in_a_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n{");
                // One byte every 50 ms, until the client hangs up (at most ~30 s).
                for _ in 0..600 {
                    std::thread::sleep(Duration::from_millis(50));
                    if stream.write_all(b" ").is_err() {
                        return;
                    }
                }
            });
        }
    });
    let config = Config::builder()
        .endpoint_url(&url)
        .max_attempts(1)
        .build()
        .expect("config");
    let options = TransportOptions::default().with_attempt_timeout(Duration::from_millis(500));
    let started = Instant::now();
    for (name, result) in both(config, options, None, || SendEvent::typing(SECRET)) {
        match result {
            Err(Error::Transport { error, attempts: 1 }) => {
                assert_eq!(
                    error.kind(),
                    TransportErrorKind::Timeout,
                    "{name}: {error:?}"
                )
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn header_injection_is_rejected_before_sending() {
    let server = MockServer::start(MockService::new()).expect("server");
    let config = Config::for_endpoint(&server.url()).expect("config");
    for token in [
        "a\r\nX-Evil: 1",
        "a\nb",
        "a\rb",
        "a\0b",
        "tök",
        "\u{1F600}",
        " lead",
        "a\u{7f}",
    ] {
        for (name, result) in both(config.clone(), TransportOptions::default(), None, || {
            SendEvent::typing(token)
        }) {
            match result {
                Err(Error::InvalidInput(e)) => {
                    assert_eq!(e.field(), Field::ConnectionToken, "{name} {token:?}")
                }
                other => panic!("{name} {token:?}: {other:?}"),
            }
        }
    }
    assert_eq!(
        server.service().requests_received(),
        0,
        "nothing may reach the wire"
    );
}

#[test]
fn plain_http_to_a_remote_host_needs_an_explicit_opt_in() {
    for url in [
        "http://example.com",
        "http://10.0.0.1:8080/base",
        "http://127.0.0.1.example.com",
    ] {
        match Config::for_endpoint(url) {
            Err(ConfigError::InsecureHttp { url: shown }) => assert_eq!(shown, url),
            other => panic!("{url}: {other:?}"),
        }
        let config = Config::builder()
            .endpoint_url(url)
            .allow_insecure_http(true)
            .build()
            .expect("opted in");
        assert!(connect_participant_ureq::Client::new(config).is_ok());
    }
    for url in [
        "http://127.0.0.1:1",
        "http://localhost:1",
        "http://[::1]:1",
        "https://example.com",
    ] {
        assert!(Config::for_endpoint(url).is_ok(), "{url}");
    }
}

/// The `log` target of ureq-proto's raw wire dump (at `trace`).
const UREQ_WIRE_DUMP_TARGET: &str = "ureq_proto::util";

/// True if `text` holds the token or any 12-character piece of it (a log
/// that splits its output into rows would hide a whole-token match).
fn leaks(text: &str, token: &str) -> bool {
    token
        .as_bytes()
        .windows(12)
        .any(|piece| text.contains(std::str::from_utf8(piece).unwrap_or_default()))
}

/// Collects every `log` record (ureq logs through `log`).
struct Capture(Mutex<String>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if let Ok(mut text) = self.0.lock() {
            text.push_str(&format!("{}\t{}\n", record.target(), record.args()));
        }
    }
    fn flush(&self) {}
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_token_never_shows_in_debug_display_errors_or_logs() {
    static LOGS: Capture = Capture(Mutex::new(String::new()));
    let _ = log::set_logger(&LOGS);
    log::set_max_level(log::LevelFilter::Trace);
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .finish();

    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let token = chat.customer.clone();
    let mut shown = String::new();
    fn show(shown: &mut String, what: &dyn std::fmt::Debug) {
        shown.push_str(&format!("{what:?}\n"));
    }

    tracing::subscriber::with_default(subscriber, || {
        let config = Config::builder()
            .endpoint_url(server.url())
            .build()
            .expect("config");
        let options = TransportOptions::default().with_attempt_timeout(Duration::from_millis(300));
        let mut outcomes = Vec::new();
        // Success, retry after throttling, conflict, access denied (with the
        // token in the request), malformed answer, timeout, invalid input.
        let faults: [Option<Fault>; 4] = [
            None,
            Some(Fault::Throttle),
            Some(Fault::MalformedJson),
            Some(Fault::Stall(Duration::from_secs(2))),
        ];
        for fault in faults {
            if let Some(fault) = fault {
                server.service().inject(fault, 2);
            }
            outcomes.extend(both(config.clone(), options.clone(), None, || {
                SendEvent::typing(token.as_str())
            }));
        }
        outcomes.extend(both(config.clone(), options.clone(), None, || {
            SendEvent::typing(format!("{token}x"))
        }));
        outcomes.extend(both(config.clone(), options.clone(), None, || {
            SendEvent::typing(format!("{token}\r\n"))
        }));
        server.service().join(chat.id, Role::Supervisor);
        outcomes.extend(both(config.clone(), options.clone(), None, || {
            SendEvent::read_receipt(token.as_str(), "m")
        }));
        for (name, outcome) in &outcomes {
            show(&mut shown, name);
            match outcome {
                Ok(out) => show(&mut shown, out),
                Err(e) => {
                    show(&mut shown, e);
                    shown.push_str(&format!("{e}\n"));
                    let mut source = std::error::Error::source(e);
                    while let Some(s) = source {
                        shown.push_str(&format!("{s} / {s:?}\n"));
                        source = s.source();
                    }
                }
            }
        }
        assert!(
            outcomes.iter().any(|(_, o)| o.is_ok()) && outcomes.iter().any(|(_, o)| o.is_err())
        );
    });
    let event = SendEvent::typing(token.as_str());
    shown.push_str(&format!(
        "{event:?} {:?} {}\n",
        event.connection_token(),
        event.connection_token()
    ));
    event.validate().expect("valid");
    let client =
        connect_participant::Client::new(Config::for_endpoint(&server.url()).expect("config"));
    let mut call = client.start(event, [3; 32]).expect("call");
    let request = call.next_request();
    shown.push_str(&format!(
        "{call:?} {request:?} {}\n",
        connect_participant::wire::RedactedRequest(&request)
    ));

    let traced = String::from_utf8_lossy(&buffer.0.lock().expect("buffer")).into_owned();
    let all_logs = LOGS.0.lock().expect("logs").clone();
    // ureq-proto dumps every request's raw bytes at `trace` level (16-byte
    // rows), bearer header included; this library cannot switch that off, and
    // the ureq client documents it (filter `ureq_proto=off` at trace). Every
    // other record is searched.
    let (wire_dump, logged): (Vec<&str>, Vec<&str>) = all_logs
        .lines()
        .partition(|l| l.starts_with(UREQ_WIRE_DUMP_TARGET));
    let logged = logged.join("\n");
    assert!(
        traced.contains("operation=\"SendEvent\"") && traced.contains("attempt"),
        "tracing spans were captured:\n{traced}"
    );
    assert!(!logged.is_empty(), "ureq's log records were captured");
    assert!(
        wire_dump.iter().any(|l| leaks(l, &token)),
        "ureq-proto's wire dump no longer shows the token: drop the exemption and the warning in the docs"
    );
    for (what, text) in [
        ("Debug/Display", &shown),
        ("tracing", &traced),
        ("log", &logged),
    ] {
        assert!(
            !leaks(text, &token),
            "the token leaked through {what}:\n{text}"
        );
    }
    assert!(shown.contains("<redacted>"));
}

#[test]
fn an_explicit_proxy_tunnels_and_never_sees_the_token() {
    let (url, cert) = self_signed_server();
    let connect_proxy = connect_participant_mock::ConnectProxy::start().expect("proxy");
    let proxy_url = connect_proxy.url();
    let target = url.trim_start_matches("https://").to_owned();
    let proxy_url = proxy_url.replace("http://", "http://user:pa55@");
    let proxy = connect_participant::config::Proxy::new(&proxy_url).expect("proxy");
    let options = TransportOptions::default().with_proxy(proxy.clone());
    let config = Config::for_endpoint(&url).expect("config");
    for (name, result) in both(config.clone(), options, Some(vec![cert.clone()]), || {
        SendEvent::typing(SECRET)
    }) {
        let out = result.unwrap_or_else(|e| panic!("{name}: through the proxy: {e:?}"));
        assert_eq!(out.id.as_deref(), Some("tls-event"), "{name}");
    }
    // Both clients asked for a tunnel, with the credentials, and only TLS
    // went through it: the proxy never saw the token.
    let bytes = connect_proxy.take_seen();
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(
        text.matches(&format!("CONNECT {target} HTTP/1.1\r\n"))
            .count(),
        2,
        "the proxy saw {text:?}"
    );
    assert_eq!(
        text.to_ascii_lowercase()
            .matches("proxy-authorization: basic dxnlcjpwytu1")
            .count(),
        2,
        "credentials sent to the proxy: {text:?}"
    );
    assert!(!leaks(&text, SECRET), "the proxy saw the token");
    assert!(
        bytes.len() > 1000,
        "the TLS exchanges went through the tunnel"
    );
    // A host on the bypass list goes direct: the proxy sees nothing.
    let bypass = TransportOptions::default().with_proxy(proxy.with_no_proxy(["127.0.0.1"]));
    for (name, result) in both(config, bypass, Some(vec![cert]), || {
        SendEvent::typing(SECRET)
    }) {
        result.unwrap_or_else(|e| panic!("{name}: bypassing the proxy: {e:?}"));
    }
    assert!(
        connect_proxy.take_seen().is_empty(),
        "a bypassed host used the proxy"
    );
}
