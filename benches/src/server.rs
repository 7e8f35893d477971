//! A neutral, fast loopback server for the transport benchmarks: hyper 1,
//! HTTP/1.1 keep-alive, on a Tokio runtime of its own thread. It reads each
//! request's body and answers every request `200` with [`OK_BODY`] and an
//! `x-amzn-RequestId` header, whatever the path or headers, so it costs every
//! client the same.

use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

use crate::{OK_BODY, REQUEST_ID};

/// The answer to every request.
async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    // Read the body, as a real service would (errors only mean the client left).
    let _ = request.into_body().collect().await;
    let mut response = Response::new(Full::new(Bytes::from_static(OK_BODY)));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("x-amzn-requestid", HeaderValue::from_static(REQUEST_ID));
    Ok(response)
}

/// A running server. It stops by itself after its time limit; the process
/// ending stops it too.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
}

impl Server {
    /// Binds `127.0.0.1:port` (0 for any free port) and serves on a new thread
    /// with a runtime of `workers` threads (1: a current-thread runtime on
    /// that thread), for at most `limit`.
    pub fn start(port: u16, workers: usize, limit: Duration) -> std::io::Result<Server> {
        let listener = StdListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = if workers <= 1 {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
        } else {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .thread_name("bench-server")
                .enable_all()
                .build()?
        };
        std::thread::Builder::new()
            .name("bench-server".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let deadline = Instant::now() + limit;
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    let _ = tokio::time::timeout_at(deadline.into(), accept_loop(listener)).await;
                });
            })?;
        Ok(Server { addr })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn accept_loop(listener: tokio::net::TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors or similar: back off briefly.
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service_fn(answer))
                .await;
        });
    }
}
