//! The response bodies the HTTP server sends, including the faulty ones.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

use crate::fault::{FILLER, JSON_PREFIX};

/// Filler streamed by oversized and endless bodies, one chunk at a time.
static FILLER_CHUNK: [u8; 16 * 1024] = [FILLER; 16 * 1024];

/// How long a truncated body waits after its bytes before failing, so that
/// the bytes reach the socket before the connection is closed.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(20);

/// A response body of the mock server.
pub(crate) struct MockBody {
    kind: Kind,
}

enum Kind {
    /// All at once.
    Full(Option<Bytes>),
    /// These bytes, a pause, then an error (hyper closes the connection).
    Truncated {
        sent: Option<Bytes>,
        pause: Option<Pin<Box<tokio::time::Sleep>>>,
    },
    /// Exactly `remaining` bytes: the JSON prefix, then filler.
    Sized {
        prefix: Option<Bytes>,
        remaining: u64,
    },
    /// The JSON prefix, then filler forever.
    Endless { prefix: Option<Bytes> },
}

impl MockBody {
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        MockBody {
            kind: Kind::Full(Some(bytes.into())),
        }
    }

    /// Sends `sent`, then fails (the response's own `Content-Length`
    /// promises more).
    pub(crate) fn truncated(sent: &'static [u8]) -> Self {
        MockBody {
            kind: Kind::Truncated {
                sent: Some(Bytes::from_static(sent)),
                pause: None,
            },
        }
    }

    pub(crate) fn sized(size: usize) -> Self {
        let cut = size.min(JSON_PREFIX.len());
        MockBody {
            kind: Kind::Sized {
                prefix: Some(Bytes::from_static(&JSON_PREFIX[..cut])),
                remaining: u64::try_from(size).unwrap_or(u64::MAX),
            },
        }
    }

    pub(crate) fn endless() -> Self {
        MockBody {
            kind: Kind::Endless {
                prefix: Some(Bytes::from_static(JSON_PREFIX)),
            },
        }
    }
}

fn data(bytes: Bytes) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
    Poll::Ready(Some(Ok(Frame::data(bytes))))
}

fn filler(at_most: u64) -> Bytes {
    let n = usize::try_from(at_most)
        .unwrap_or(usize::MAX)
        .min(FILLER_CHUNK.len());
    Bytes::from_static(&FILLER_CHUNK[..n])
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match &mut self.get_mut().kind {
            Kind::Full(bytes) => match bytes.take() {
                Some(b) if !b.is_empty() => data(b),
                _ => Poll::Ready(None),
            },
            Kind::Truncated { sent, pause } => {
                if let Some(b) = sent.take() {
                    return data(b);
                }
                let pause =
                    pause.get_or_insert_with(|| Box::pin(tokio::time::sleep(TRUNCATE_PAUSE)));
                match pause.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::other(
                        "the mock service truncates this body on purpose",
                    )))),
                }
            }
            Kind::Sized { prefix, remaining } => {
                if let Some(p) = prefix.take().filter(|p| !p.is_empty()) {
                    *remaining -= u64::try_from(p.len()).unwrap_or(0);
                    return data(p);
                }
                if *remaining == 0 {
                    return Poll::Ready(None);
                }
                let chunk = filler(*remaining);
                *remaining -= u64::try_from(chunk.len()).unwrap_or(0);
                data(chunk)
            }
            Kind::Endless { prefix } => match prefix.take() {
                Some(p) => data(p),
                None => data(filler(u64::MAX)),
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(bytes) => bytes.as_ref().is_none_or(Bytes::is_empty),
            Kind::Sized { prefix, remaining } => prefix.is_none() && *remaining == 0,
            Kind::Truncated { .. } | Kind::Endless { .. } => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Sized { remaining, .. } => SizeHint::with_exact(*remaining),
            // Unknown: a truncated body's Content-Length is set by hand, an
            // endless one goes chunked.
            Kind::Truncated { .. } | Kind::Endless { .. } => SizeHint::default(),
        }
    }
}
