//! ureq's errors as the core's transport failures.

use std::io;

use connect_participant_core::{TransportError, TransportErrorKind as Kind, TransportOptions};

fn io_kind(e: &io::Error) -> Kind {
    // rustls reports a refused certificate inside an io::Error.
    let mut source: Option<&(dyn std::error::Error + 'static)> =
        e.get_ref().map(|inner| inner as _);
    while let Some(inner) = source {
        if inner.downcast_ref::<rustls::Error>().is_some() {
            return Kind::Tls;
        }
        source = inner.source();
    }
    match e.kind() {
        io::ErrorKind::ConnectionRefused | io::ErrorKind::AddrNotAvailable => Kind::Connect,
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Kind::Timeout,
        _ => Kind::Io,
    }
}

/// Maps a ureq error to a transport failure of the right kind, with the same
/// text as the async client for the same fault.
pub(crate) fn transport_error(e: ureq::Error, options: &TransportOptions) -> TransportError {
    let known = match &e {
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            Some(TransportError::connect_timeout(options.connect_timeout()))
        }
        ureq::Error::Timeout(_) => Some(TransportError::attempt_timeout(options.attempt_timeout())),
        ureq::Error::BodyExceedsLimit(_) => {
            Some(TransportError::body_too_large(options.max_response_bytes()))
        }
        _ => None,
    };
    if let Some(known) = known {
        return known.with_source(e);
    }
    let kind = match &e {
        ureq::Error::BodyStalled => Kind::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => Kind::Connect,
        ureq::Error::Io(io) => io_kind(io),
        // An answer that breaks HTTP/1.1 (headers over the limit included)
        // is a broken exchange, as in the async client.
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => Kind::Io,
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => Kind::Tls,
        _ => Kind::Other,
    };
    TransportError::new(kind, e.to_string()).with_source(e)
}
