//! Test harnesses: the mock in memory, and over HTTP with a small blocking
//! HTTP/1.1 client on a raw `TcpStream` (keep-alive, timeouts, body limit),
//! both driving real core calls.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use connect_participant_core::operation::Operation;
use connect_participant_core::{
    Client, Config, CreateParticipantConnection, CreateParticipantConnectionOutput, Error, Next,
    SendEvent, SendEventOutput, TransportError, TransportErrorKind,
};
use connect_participant_mock::{MockServer, MockService};
use http::{Request, Response};

pub const TYPING: &str = "application/vnd.amazonaws.connect.event.typing";
pub const DELIVERED: &str = "application/vnd.amazonaws.connect.event.message.delivered";
pub const READ: &str = "application/vnd.amazonaws.connect.event.message.read";

/// The raw client's body limit.
pub const BODY_LIMIT: usize = 64 * 1024;

/// One way to reach the service.
pub trait Harness {
    fn service(&self) -> &MockService;
    /// One attempt's transport.
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError>;
    /// The endpoint a client is configured with.
    fn endpoint(&self) -> String;
    /// The server, when over HTTP.
    fn server(&self) -> Option<&MockServer>;
    /// Sets the per-read timeout of the HTTP client (no effect in memory).
    fn set_timeout(&self, timeout: Duration);
    /// Drops a kept-alive connection (no effect in memory).
    fn disconnect(&self);
}

pub struct Memory {
    service: MockService,
}

impl Memory {
    pub fn new() -> Self {
        Memory {
            service: MockService::new(),
        }
    }
}

impl Harness for Memory {
    fn service(&self) -> &MockService {
        &self.service
    }
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        self.service.send(request)
    }
    fn endpoint(&self) -> String {
        // Any URL: the in-memory transport looks only at the path.
        "https://participant.connect.us-west-2.amazonaws.com".to_owned()
    }
    fn server(&self) -> Option<&MockServer> {
        None
    }
    fn set_timeout(&self, _: Duration) {}
    fn disconnect(&self) {}
}

pub struct Http {
    server: MockServer,
    client: Mutex<RawClient>,
}

impl Http {
    pub fn new() -> Self {
        let server = MockServer::start(MockService::new()).unwrap();
        let client = Mutex::new(RawClient::new(server.addr()));
        Http { server, client }
    }

    pub fn connections_made(&self) -> usize {
        self.client.lock().unwrap().connections_made
    }
}

impl Harness for Http {
    fn service(&self) -> &MockService {
        self.server.service()
    }
    fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, TransportError> {
        self.client.lock().unwrap().send(&request)
    }
    fn endpoint(&self) -> String {
        self.server.url()
    }
    fn server(&self) -> Option<&MockServer> {
        Some(&self.server)
    }
    fn set_timeout(&self, timeout: Duration) {
        self.client.lock().unwrap().timeout = timeout;
    }
    fn disconnect(&self) {
        self.client.lock().unwrap().conn = None;
    }
}

static RANDOM: AtomicU64 = AtomicU64::new(1);

/// Fresh "random" bytes for a call: a counter, so every call differs.
pub fn random() -> [u8; 32] {
    let n = RANDOM.fetch_add(1, Ordering::SeqCst).to_le_bytes();
    let mut out = [0x5a; 32];
    out[..8].copy_from_slice(&n);
    out[16..24].copy_from_slice(&n);
    out
}

pub fn client(h: &dyn Harness) -> Client {
    Client::new(Config::for_endpoint(&h.endpoint()).unwrap())
}

/// One logical call through the core, with its retries (really sleeping).
pub fn call(h: &dyn Harness, event: SendEvent) -> Result<SendEventOutput, Error> {
    call_with(h, &client(h), event)
}

pub fn call_with(
    h: &dyn Harness,
    client: &Client,
    event: SendEvent,
) -> Result<SendEventOutput, Error> {
    call_op(h, client, event)
}

/// One logical call of any operation through the core, with its retries
/// (really sleeping).
pub fn call_op<O: Operation>(h: &dyn Harness, client: &Client, op: O) -> Result<O::Output, Error> {
    let mut call = client.start(op, random())?;
    loop {
        let request = call.next_request();
        match call.finish_attempt(h.send(request)) {
            Next::Done(result) => return result,
            Next::RetryAfter { wait, call: next } => {
                std::thread::sleep(wait);
                call = next;
            }
        }
    }
}

/// CreateParticipantConnection through the core with the default client.
pub fn connect(
    h: &dyn Harness,
    op: CreateParticipantConnection,
) -> Result<CreateParticipantConnectionOutput, Error> {
    call_op(h, &client(h), op)
}

/// A request to `path` under the harness's endpoint, bypassing the core.
pub fn request(
    h: &dyn Harness,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Request<Vec<u8>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(format!("{}{path}", h.endpoint()));
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.as_bytes().to_vec()).unwrap()
}

/// A SendEvent request with this token (if any) and body, bypassing the core.
pub fn raw(h: &dyn Harness, token: Option<&str>, body: &str) -> Response<Vec<u8>> {
    raw_at(h, "/participant/event", token, body)
}

/// A CreateParticipantConnection request with this token (if any) and
/// body, bypassing the core.
pub fn raw_connection(h: &dyn Harness, token: Option<&str>, body: &str) -> Response<Vec<u8>> {
    raw_at(h, "/participant/connection", token, body)
}

fn raw_at(h: &dyn Harness, path: &str, token: Option<&str>, body: &str) -> Response<Vec<u8>> {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(token) = token {
        headers.push(("x-amz-bearer", token));
    }
    h.send(request(h, "POST", path, &headers, body)).unwrap()
}

pub fn header<'a, B>(response: &'a Response<B>, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

pub fn body_json(response: &Response<Vec<u8>>) -> serde_json::Value {
    serde_json::from_slice(response.body()).unwrap()
}

pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `2019-11-08T02:41:28.172Z`.
pub fn is_absolute_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 => c == b':',
            19 => c == b'.',
            23 => c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// Waits up to `limit` for `done`.
pub fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    done()
}

/// A small blocking HTTP/1.1 client: keep-alive, a per-read timeout, a body
/// limit; it hangs up on any failure.
pub struct RawClient {
    addr: SocketAddr,
    pub timeout: Duration,
    pub body_limit: usize,
    conn: Option<BufReader<TcpStream>>,
    pub connections_made: usize,
}

fn io_error(kind: TransportErrorKind, what: &str, e: std::io::Error) -> TransportError {
    let kind = match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => TransportErrorKind::Timeout,
        _ => kind,
    };
    TransportError::new(kind, format!("{what}: {e}")).with_source(e)
}

impl RawClient {
    pub fn new(addr: SocketAddr) -> Self {
        RawClient {
            addr,
            timeout: Duration::from_secs(5),
            body_limit: BODY_LIMIT,
            conn: None,
            connections_made: 0,
        }
    }

    pub fn send(
        &mut self,
        request: &Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, TransportError> {
        let result = self.exchange(request);
        match &result {
            Ok((_, true)) => {}
            _ => self.conn = None, // hang up
        }
        result.map(|(response, _)| response)
    }

    fn connection(&mut self) -> Result<&mut BufReader<TcpStream>, TransportError> {
        if let Some(conn) = &self.conn {
            // A kept-alive connection the server closed meanwhile is stale.
            let stream = conn.get_ref();
            stream.set_nonblocking(true).ok();
            let mut byte = [0u8; 1];
            let stale =
                !matches!(stream.peek(&mut byte), Err(e) if e.kind() == ErrorKind::WouldBlock);
            stream.set_nonblocking(false).ok();
            if stale {
                self.conn = None;
            }
        }
        if self.conn.is_none() {
            let stream = TcpStream::connect_timeout(&self.addr, self.timeout)
                .map_err(|e| io_error(TransportErrorKind::Connect, "connect", e))?;
            stream.set_nodelay(true).ok();
            self.connections_made += 1;
            self.conn = Some(BufReader::new(stream));
        }
        let conn = self.conn.as_mut().unwrap();
        conn.get_ref().set_read_timeout(Some(self.timeout)).ok();
        conn.get_ref().set_write_timeout(Some(self.timeout)).ok();
        Ok(conn)
    }

    /// Sends one request; gives the response and whether the connection can
    /// be kept.
    fn exchange(
        &mut self,
        request: &Request<Vec<u8>>,
    ) -> Result<(Response<Vec<u8>>, bool), TransportError> {
        let limit = self.body_limit;
        let conn = self.connection()?;
        let target = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let host = request
            .uri()
            .authority()
            .map_or("localhost", |a| a.as_str());
        let mut head = format!("{} {target} HTTP/1.1\r\nhost: {host}\r\n", request.method());
        for (name, value) in request.headers() {
            if name != "content-length" && name != "host" {
                head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
            }
        }
        head.push_str(&format!("content-length: {}\r\n\r\n", request.body().len()));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(request.body());
        conn.get_mut()
            .write_all(&bytes)
            .map_err(|e| io_error(TransportErrorKind::Io, "writing the request", e))?;
        read_response(conn, limit)
    }
}

fn read_line(conn: &mut BufReader<TcpStream>, what: &str) -> Result<String, TransportError> {
    let mut line = String::new();
    let n = conn
        .read_line(&mut line)
        .map_err(|e| io_error(TransportErrorKind::Io, what, e))?;
    if n == 0 {
        return Err(TransportError::new(
            TransportErrorKind::Io,
            format!("{what}: connection closed"),
        ));
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn too_large(limit: usize) -> TransportError {
    TransportError::new(
        TransportErrorKind::BodyTooLarge,
        format!("response body over {limit} bytes"),
    )
}

fn read_response(
    conn: &mut BufReader<TcpStream>,
    limit: usize,
) -> Result<(Response<Vec<u8>>, bool), TransportError> {
    let status_line = read_line(conn, "connection closed before the response")?;
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| TransportError::new(TransportErrorKind::Io, "bad status line"))?;
    let mut response = Response::new(Vec::new());
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
    loop {
        let line = read_line(conn, "reading headers")?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        response.headers_mut().append(
            http::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
            http::HeaderValue::from_str(value.trim()).unwrap(),
        );
    }
    let keep_alive = header(&response, "connection") != Some("close");
    let mid_body = |e| io_error(TransportErrorKind::Io, "connection closed mid-body", e);
    let mut body = Vec::new();
    if header(&response, "transfer-encoding") == Some("chunked") {
        loop {
            let size_line = read_line(conn, "connection closed mid-body")?;
            let size = usize::from_str_radix(size_line.split(';').next().unwrap().trim(), 16)
                .map_err(|_| TransportError::new(TransportErrorKind::Io, "bad chunk size"))?;
            if size == 0 {
                while !read_line(conn, "reading trailers")?.is_empty() {}
                break;
            }
            if body.len() + size > limit {
                return Err(too_large(limit));
            }
            let start = body.len();
            body.resize(start + size, 0);
            conn.read_exact(&mut body[start..]).map_err(mid_body)?;
            read_line(conn, "connection closed mid-body")?;
        }
    } else if let Some(len) = header(&response, "content-length") {
        let len: usize = len.parse().unwrap();
        if len > limit {
            return Err(too_large(limit));
        }
        body.resize(len, 0);
        conn.read_exact(&mut body).map_err(mid_body)?;
    } else if status >= 200 && status != 204 && status != 304 {
        conn.take(limit as u64 + 1)
            .read_to_end(&mut body)
            .map_err(mid_body)?;
        if body.len() > limit {
            return Err(too_large(limit));
        }
        return Ok((response.map(|_| body), false));
    }
    *response.body_mut() = body;
    Ok((response, keep_alive))
}

/// Runs each named test once in memory and once over HTTP.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod in_memory {
            $( #[test] fn $name() { super::$name(&crate::common::Memory::new()); } )*
        }
        mod over_http {
            $( #[test] fn $name() { super::$name(&crate::common::Http::new()); } )*
        }
    };
}
