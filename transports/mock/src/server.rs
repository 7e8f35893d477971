//! [`MockServer`]: the service on loopback HTTP/1.1 (hyper 1), on a thread of
//! its own with its own tokio runtime, so sync and async tests can use it.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_LENGTH};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::body::MockBody;
use crate::fault::{TRUNCATED_MISSING, TRUNCATED_PREFIX};
use crate::wire::{self, Rejection};
use crate::{Fault, MockService};

/// The largest request body the server reads; larger ones get
/// `413 RequestEntityTooLargeException`. (The biggest valid SendEvent body
/// is under 70 KiB.)
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// The service on loopback HTTP/1.1, with keep-alive. It runs on its own
/// thread with its own single-threaded tokio runtime, so it serves blocking
/// and async clients alike. Dropping it stops the server and its thread at
/// once, cutting any connection still open (stalled or streaming ones too).
///
/// ```
/// use std::io::{Read, Write};
/// use connect_participant::mock::{MockServer, MockService};
///
/// let server = MockServer::start(MockService::new())?;
/// let chat = server.service().open_chat();
/// assert!(server.url().starts_with("http://127.0.0.1:"));
///
/// // Any HTTP/1.1 client works; here, by hand.
/// let body = r#"{"ContentType":"application/vnd.amazonaws.connect.event.typing"}"#;
/// let mut stream = std::net::TcpStream::connect(server.addr())?;
/// write!(
///     stream,
///     "POST /participant/event HTTP/1.1\r\nhost: mock\r\nx-amz-bearer: {}\r\n\
///      content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
///     chat.customer,
///     body.len()
/// )?;
/// let mut answer = String::new();
/// stream.read_to_string(&mut answer)?;
/// assert!(answer.starts_with("HTTP/1.1 200 OK"));
/// assert_eq!(server.service().transcript(chat.id).len(), 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct MockServer {
    addr: SocketAddr,
    service: MockService,
    connections: Arc<AtomicUsize>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("open_connections", &self.open_connections())
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Serves `service` on `127.0.0.1` at a free port.
    pub fn start(service: MockService) -> io::Result<MockServer> {
        MockServer::start_on(service, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    /// Serves `service` at `addr` (port 0 picks a free one). Binding errors
    /// come back here, before anything runs.
    pub fn start_on(service: MockService, addr: SocketAddr) -> io::Result<MockServer> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (shutdown, stop) = oneshot::channel();
        let connections = Arc::new(AtomicUsize::new(0));
        // The runtime is built, used and dropped on the server's thread only,
        // so starting and dropping the server works inside async code too.
        let (ready, started) = std::sync::mpsc::channel();
        let thread = {
            let (service, connections) = (service.clone(), Arc::clone(&connections));
            std::thread::Builder::new()
                .name(format!("mock-participant-service-{}", addr.port()))
                .spawn(move || {
                    let runtime = match tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        Ok(runtime) => runtime,
                        Err(e) => {
                            let _ = ready.send(Err(e));
                            return;
                        }
                    };
                    runtime.block_on(async move {
                        match TcpListener::from_std(listener) {
                            Ok(listener) => {
                                let _ = ready.send(Ok(()));
                                accept_loop(listener, service, connections, stop).await;
                            }
                            Err(e) => {
                                let _ = ready.send(Err(e));
                            }
                        }
                    });
                    // Dropping the runtime here drops every connection task.
                })?
        };
        let started = started
            .recv()
            .unwrap_or_else(|_| Err(io::Error::other("the mock server thread failed to start")));
        if let Err(e) = started {
            let _ = thread.join();
            return Err(e);
        }
        Ok(MockServer {
            addr,
            service,
            connections,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The base URL to configure a client with, e.g. `http://127.0.0.1:49152`
    /// (a wildcard address is shown as the loopback of its family).
    pub fn url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The service it serves (the same one, shared).
    pub fn service(&self) -> &MockService {
        &self.service
    }

    /// Client connections currently open on the server. It falls back to 0
    /// once clients hang up, which shows no connection task was leaked.
    pub fn open_connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Counts an open connection while it lives.
struct ConnectionGuard(Arc<AtomicUsize>);

impl ConnectionGuard {
    fn new(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        ConnectionGuard(Arc::clone(count))
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn accept_loop(
    listener: TcpListener,
    service: MockService,
    connections: Arc<AtomicUsize>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            // A send or a dropped sender both stop the server.
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let guard = ConnectionGuard::new(&connections);
                    tokio::spawn(serve_connection(stream, service.clone(), guard));
                }
                // E.g. out of file descriptors: wait a little, keep serving.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

async fn serve_connection(stream: TcpStream, service: MockService, _guard: ConnectionGuard) {
    let _ = stream.set_nodelay(true);
    let handler = service_fn(move |request| respond(service.clone(), request));
    // Errors end the connection: a client hanging up, or a fault closing it.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), handler)
        .await;
}

/// Answers one request. An `Err` makes hyper close the connection without
/// an answer.
async fn respond(
    service: MockService,
    request: Request<Incoming>,
) -> Result<Response<MockBody>, io::Error> {
    let (parts, body) = request.into_parts();
    let (body, too_large) = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => (collected.to_bytes(), false),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => (Bytes::new(), true),
        // The client went away mid-request: it never reached the service.
        Err(e) => return Err(io::Error::other(e)),
    };
    let request = Request::from_parts(parts, body);
    let Some((fault, request_id)) = service.arrive() else {
        return Ok(normal_answer(&service, &request, too_large));
    };
    let ok = |body| wire::json_response(StatusCode::OK, Vec::new(), &request_id).map(|_| body);
    match fault {
        Fault::Stall(wait) => {
            // A task of its own, so the request is processed after the wait
            // even if the client hangs up meanwhile (hyper then drops this
            // future): the service did the work, the answer came too late.
            let late = tokio::spawn(async move {
                tokio::time::sleep(wait).await;
                normal_answer(&service, &request, too_large)
            });
            late.await.map_err(io::Error::other)
        }
        Fault::CloseBeforeAnswer => Err(io::Error::other(
            "the mock service closes this connection on purpose",
        )),
        Fault::TruncatedBody => {
            let mut response = ok(MockBody::truncated(TRUNCATED_PREFIX));
            response.headers_mut().insert(
                CONTENT_LENGTH,
                HeaderValue::from(TRUNCATED_PREFIX.len() + TRUNCATED_MISSING),
            );
            Ok(response)
        }
        Fault::OversizedBody(size) => Ok(ok(MockBody::sized(size))),
        Fault::EndlessBody => Ok(ok(MockBody::endless())),
        other => Ok(other
            .canned_response(&request_id)
            .unwrap_or_else(|| Rejection::internal().into_response(&request_id))
            .map(MockBody::full)),
    }
}

fn normal_answer(
    service: &MockService,
    request: &Request<Bytes>,
    too_large: bool,
) -> Response<MockBody> {
    let response = if too_large {
        Rejection::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLargeException",
            format!("The request body is larger than {MAX_REQUEST_BODY} bytes"),
        )
        .into_response(&service.lock().ids.uuid())
    } else {
        service.answer(request)
    };
    response.map(MockBody::full)
}
