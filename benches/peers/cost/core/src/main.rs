//! One SendEvent with connect-participant-core alone: the core builds the
//! request and reads the answer; this program moves the bytes over a plain
//! `std::net::TcpStream` (HTTP/1.1, `Connection: close`, `http://` only).
//! Usage: `cost-core ENDPOINT_URL CONNECTION_TOKEN`.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use connect_participant_core::{
    http, Client, Config, SendEvent, SyncHttpClient, TransportError, TransportErrorKind,
};

/// Randomness from std alone (SipHash with random keys): enough for the
/// call's seed (its client token, invocation id and jitter).
fn random_u64(n: u64) -> u64 {
    RandomState::new().hash_one(n)
}

/// The HTTP client the core's retry loop drives: one connection per attempt.
struct StdHttp;

impl SyncHttpClient for StdHttp {
    type Body = Vec<u8>;

    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        send(request)
    }

    fn sleep(&self, wait: Duration) {
        std::thread::sleep(wait)
    }
}

/// One exchange: write the request, read the whole answer, parse its head.
fn send(request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, TransportError> {
    let io = |e: std::io::Error| TransportError::new(TransportErrorKind::Io, e.to_string());
    let uri = request.uri();
    let host = uri.host().unwrap_or("127.0.0.1");
    let port = uri.port_u16().unwrap_or(80);
    let mut stream = TcpStream::connect((host, port))
        .map_err(|e| TransportError::new(TransportErrorKind::Connect, e.to_string()))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(io)?;
    let mut head = format!(
        "{} {} HTTP/1.1\r\nhost: {host}:{port}\r\nconnection: close\r\n",
        request.method(),
        uri.path()
    );
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap_or("")));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(io)?;
    stream.write_all(request.body()).map_err(io)?;
    let mut raw = Vec::new();
    stream.take(1 << 20).read_to_end(&mut raw).map_err(io)?;
    let bad = || TransportError::new(TransportErrorKind::Io, "malformed HTTP response");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(bad)?;
    let text = std::str::from_utf8(&raw[..end]).map_err(|_| bad())?;
    let mut lines = text.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)?;
    let mut response = http::Response::builder().status(status);
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':').ok_or_else(bad)?;
        chunked |= name.eq_ignore_ascii_case("transfer-encoding");
        response = response.header(name.trim(), value.trim());
    }
    if chunked {
        return Err(TransportError::new(
            TransportErrorKind::Io,
            "chunked answers are not read here",
        ));
    }
    response.body(raw[end + 4..].to_vec()).map_err(|_| bad())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(token)) = (args.next(), args.next()) else {
        return Err("usage: cost-core ENDPOINT_URL CONNECTION_TOKEN".into());
    };
    let client = Client::new(Config::for_endpoint(&url)?);
    let mut seed = [0u8; 32];
    for (i, chunk) in seed.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&random_u64(i as u64).to_le_bytes());
    }
    let out = client.call(&StdHttp, SendEvent::typing(token), seed)?;
    println!("{:?} {:?}", out.id, out.absolute_time);
    Ok(())
}
