//! [`ConnectProxy`]: an HTTP `CONNECT` proxy on loopback that records what
//! clients send it, to test that a client tunnels through a proxy and that
//! the proxy never sees the token.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};

/// A loopback `CONNECT` proxy. It answers `CONNECT host:port` with `200`
/// and relays bytes both ways; anything else gets `405`. Every byte a
/// client sends it (the `CONNECT` request and what flows through the
/// tunnel) is recorded. It runs until the process ends.
///
/// ```
/// use connect_participant::mock::{ConnectProxy, MockServer, MockService};
/// use connect_participant::config::Proxy;
/// use connect_participant::{Config, SendEvent, TransportOptions};
///
/// let server = MockServer::start(MockService::new())?;
/// let chat = server.service().open_chat();
/// let proxy = ConnectProxy::start()?;
/// let options = TransportOptions::default().with_proxy(Proxy::new(&proxy.url())?);
/// let client = connect_participant::ureq::Client::builder(Config::for_endpoint(&server.url())?)
///     .options(options)
///     .build()?;
/// client.send_event(SendEvent::typing(&chat.customer))?;
/// let seen = String::from_utf8_lossy(&proxy.take_seen()).into_owned();
/// assert!(seen.starts_with(&format!("CONNECT {} HTTP/1.1\r\n", server.addr())));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ConnectProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl ConnectProxy {
    /// Starts the proxy on a free loopback port.
    pub fn start() -> io::Result<ConnectProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let record = record.clone();
                std::thread::spawn(move || tunnel(client, &record));
            }
        });
        Ok(ConnectProxy { addr, seen })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every byte clients sent so far, and forgets them.
    pub fn take_seen(&self) -> Vec<u8> {
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

fn record(seen: &Mutex<Vec<u8>>, bytes: &[u8]) {
    seen.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .extend_from_slice(bytes);
}

/// Serves one client: reads the `CONNECT` request, connects, relays.
fn tunnel(mut client: TcpStream, seen: &Mutex<Vec<u8>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) if head.len() < 16 * 1024 => head.push(byte[0]),
            _ => return,
        }
    }
    record(seen, &head);
    let text = String::from_utf8_lossy(&head).into_owned();
    let Some(target) = text
        .strip_prefix("CONNECT ")
        .and_then(|rest| rest.split(' ').next())
    else {
        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    let Ok(upstream) = TcpStream::connect(target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (Ok(mut from_upstream), Ok(mut to_client)) = (upstream.try_clone(), client.try_clone())
    else {
        return;
    };
    std::thread::spawn(move || {
        let _ = io::copy(&mut from_upstream, &mut to_client);
        let _ = to_client.shutdown(Shutdown::Both);
    });
    let mut upstream = upstream;
    let mut buf = [0u8; 4096];
    loop {
        match client.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                record(seen, &buf[..n]);
                if upstream.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = upstream.shutdown(Shutdown::Both);
}
