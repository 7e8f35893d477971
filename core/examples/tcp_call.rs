//! A real SendEvent call with retries, over a hand-written HTTP/1.1 exchange
//! on `std::net::TcpStream`: an HTTP client the project does not ship,
//! plugged into the core's retry loop by implementing `SyncHttpClient` (send
//! one request, sleep). Everything else (validation, the request, retries,
//! the quota, parsing, errors) is the core's.
//!
//! ```sh
//! cargo run -p connect-participant-core --example tcp_call -- http://127.0.0.1:PORT TOKEN [CONTENT_TYPE [CONTENT]]
//! ```
//!
//! `CONTENT_TYPE` is `typing` (the default), `read`, `delivered` or any
//! content type string. For a receipt, `CONTENT` is the message id
//! (default `message-1`) or a whole JSON object; for other types it is sent
//! as the content. Plain `http://` only (no TLS here), so use it against a
//! local or mock service. Progress goes to stderr, the result to stdout;
//! the exit code is 0 on success, 1 when the call failed, 2 on bad usage.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use connect_participant_core::wire::RedactedRequest;
use connect_participant_core::{
    Client, Config, ContentType, SendEvent, SyncHttpClient, TransportError, TransportErrorKind,
};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response accepted (head and body), like a real transport's limit.
const MAX_RESPONSE_BYTES: usize = 1 << 20;

// ---------------------------------------------------------------------------
// Randomness from std only: good enough for an example's seed (use the OS's
// randomness, e.g. the getrandom crate, in real code).
// ---------------------------------------------------------------------------

fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    h.write_u128(now.as_nanos());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

fn random_bytes() -> [u8; 32] {
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        chunk.copy_from_slice(&random_u64().to_le_bytes());
    }
    out
}

// ---------------------------------------------------------------------------
// The transport: one HTTP/1.1 exchange per attempt.
// ---------------------------------------------------------------------------

fn io_error(context: &str, e: io::Error) -> TransportError {
    match e.kind() {
        // A socket timeout shows as WouldBlock on Unix, TimedOut on Windows.
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => TransportError::new(
            TransportErrorKind::Timeout,
            format!("{context}: no progress for {IO_TIMEOUT:?}"),
        ),
        _ => TransportError::new(TransportErrorKind::Io, format!("{context}: {e}")),
    }
    .with_source(e)
}

fn connect(host: &str, port: u16) -> Result<TcpStream, TransportError> {
    let connect_error = |e: io::Error| {
        let kind = if e.kind() == io::ErrorKind::TimedOut {
            TransportErrorKind::Timeout
        } else {
            TransportErrorKind::Connect
        };
        TransportError::new(kind, format!("connecting to {host}:{port}: {e}")).with_source(e)
    };
    let addrs = (host, port).to_socket_addrs().map_err(connect_error)?;
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address found");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e,
        }
    }
    Err(connect_error(last))
}

fn malformed(what: &str) -> TransportError {
    TransportError::new(
        TransportErrorKind::Io,
        format!("malformed HTTP response: {what}"),
    )
}

/// How the body of a response ends.
enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

/// The parsed head: status, headers and where the body starts.
struct Head {
    response: http::response::Builder,
    framing: Framing,
    body_start: usize,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(buf: &[u8]) -> Result<Option<Head>, TransportError> {
    let Some(end) = find(buf, b"\r\n\r\n") else {
        return Ok(None);
    };
    let text = std::str::from_utf8(&buf[..end]).map_err(|_| malformed("head is not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(malformed("no HTTP/1.x status line"));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| malformed("bad status code"))?;
    let mut response = http::Response::builder().status(status);
    let mut framing = Framing::UntilClose;
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed("header line without ':'"))?;
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("content-length") {
            let n = value.parse().map_err(|_| malformed("bad content-length"))?;
            framing = Framing::Length(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding")
            && value.to_ascii_lowercase().contains("chunked")
        {
            framing = Framing::Chunked;
        }
        response = response.header(name, value);
    }
    Ok(Some(Head {
        response,
        framing,
        body_start: end + 4,
    }))
}

/// Decodes a complete chunked body; `None` while more bytes are needed.
fn decode_chunked(mut data: &[u8]) -> Result<Option<Vec<u8>>, TransportError> {
    let mut body = Vec::new();
    loop {
        let Some(line_end) = find(data, b"\r\n") else {
            return Ok(None);
        };
        let size_text = std::str::from_utf8(&data[..line_end])
            .map_err(|_| malformed("bad chunk size"))?
            .split(';')
            .next()
            .unwrap_or_default()
            .trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| malformed("bad chunk size"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            // Trailers are ignored; the body is complete.
            return Ok(Some(body));
        }
        if data.len() < size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn send(request: &http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
    let uri = request.uri();
    if uri.scheme_str() != Some("http") {
        return Err(TransportError::new(
            TransportErrorKind::Other,
            "this example speaks plain HTTP only (no TLS)",
        ));
    }
    let host = uri.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(80);
    let mut stream = connect(host, port)?;
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)))
        .map_err(|e| io_error("setting timeouts", e))?;

    // The request: line, Host, the core's headers, Connection: close, body.
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let authority = uri.authority().map_or(host, |a| a.as_str());
    let mut head = format!(
        "{} {path} HTTP/1.1\r\nHost: {authority}\r\n",
        request.method()
    )
    .into_bytes();
    for (name, value) in request.headers() {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"Connection: close\r\n\r\n");
    stream
        .write_all(&head)
        .and_then(|()| stream.write_all(request.body()))
        .and_then(|()| stream.flush())
        .map_err(|e| io_error("sending the request", e))?;

    // The response: read until the body is complete (or the peer closes).
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let mut head: Option<Head> = None;
    loop {
        if head.is_none() {
            head = parse_head(&buf)?;
        }
        if let Some(h) = &head {
            let body = &buf[h.body_start..];
            let complete = match h.framing {
                Framing::Length(n) if body.len() >= n => Some(body[..n].to_vec()),
                Framing::Chunked => decode_chunked(body)?,
                _ => None,
            };
            if let Some(body) = complete {
                let h = head.take().expect("head parsed");
                return h.response.body(body).map_err(|_| malformed("bad header"));
            }
        }
        let n = stream
            .read(&mut chunk)
            .map_err(|e| io_error("reading the response", e))?;
        if n == 0 {
            return match head {
                Some(Head {
                    response,
                    framing: Framing::UntilClose,
                    body_start,
                }) => response
                    .body(buf[body_start..].to_vec())
                    .map_err(|_| malformed("bad header")),
                _ => Err(TransportError::new(
                    TransportErrorKind::Io,
                    "connection closed before the response ended",
                )),
            };
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_RESPONSE_BYTES {
            return Err(TransportError::new(
                TransportErrorKind::BodyTooLarge,
                format!("response over {MAX_RESPONSE_BYTES} bytes"),
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// The call.
// ---------------------------------------------------------------------------

fn event(token: &str, content_type: Option<&str>, content: Option<&str>) -> SendEvent {
    let content_type = match content_type.unwrap_or("typing") {
        "typing" => ContentType::Typing,
        "read" => ContentType::MessageRead,
        "delivered" => ContentType::MessageDelivered,
        other => ContentType::from(other),
    };
    match content {
        Some(c) if content_type.is_receipt() && !c.trim_start().starts_with('{') => {
            receipt(token, content_type, c)
        }
        None if content_type.is_receipt() => receipt(token, content_type, "message-1"),
        content => SendEvent::new(token, content_type, content.map(str::to_owned)),
    }
}

fn receipt(token: &str, content_type: ContentType, message_id: &str) -> SendEvent {
    if content_type == ContentType::MessageRead {
        SendEvent::read_receipt(token, message_id)
    } else {
        SendEvent::delivered_receipt(token, message_id)
    }
}

/// The hand-written HTTP/1.1 client as the core's blocking HTTP client.
struct TcpHttp;

impl SyncHttpClient for TcpHttp {
    type Body = Vec<u8>;

    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let attempt = request
            .headers()
            .get("amz-sdk-request")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if attempt.starts_with("attempt=1;") {
            eprintln!("request:\n{}", RedactedRequest(&request));
        }
        let started = Instant::now();
        let outcome = send(&request);
        match &outcome {
            Ok(r) => eprintln!(
                "{attempt}: HTTP {} in {:.1?}",
                r.status().as_u16(),
                started.elapsed()
            ),
            Err(e) => eprintln!("{attempt}: {e}"),
        }
        outcome
    }

    fn sleep(&self, wait: Duration) {
        eprintln!("  retrying in {wait:.3?}");
        std::thread::sleep(wait);
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 || args.len() > 4 {
        eprintln!("usage: tcp_call http://127.0.0.1:PORT TOKEN [CONTENT_TYPE [CONTENT]]");
        return ExitCode::from(2);
    }
    let config = match Config::for_endpoint(&args[0]) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let client = Client::new(config);
    let event = event(
        &args[1],
        args.get(2).map(String::as_str),
        args.get(3).map(String::as_str),
    );
    match client.call(&TcpHttp, event, random_bytes()) {
        Ok(output) => {
            println!(
                "ok: id {} at {} (request id {}, {} attempt(s))",
                output.id.as_deref().unwrap_or("-"),
                output.absolute_time.as_deref().unwrap_or("-"),
                output.request_id.as_deref().unwrap_or("-"),
                output.attempts
            );
            ExitCode::SUCCESS
        }
        Err(e @ connect_participant_core::Error::InvalidInput(_)) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(e) => {
            println!("failed: {e}");
            if let Some(se) = e.service_error() {
                println!(
                    "  kind {:?}, code {}, retry class {:?}",
                    se.kind(),
                    se.code().unwrap_or("-"),
                    se.retry_class()
                );
            }
            ExitCode::FAILURE
        }
    }
}
