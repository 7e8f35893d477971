//! ureq's errors as the core's transport failures.

use std::io;

use connect_participant_core::{TransportError, TransportErrorKind as Kind};

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

/// Maps a ureq error to a transport failure of the right kind.
pub(crate) fn transport_error(e: ureq::Error) -> TransportError {
    let kind = match &e {
        ureq::Error::Timeout(_) | ureq::Error::BodyStalled => Kind::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => Kind::Connect,
        ureq::Error::Io(io) => io_kind(io),
        ureq::Error::Protocol(_) => Kind::Io,
        ureq::Error::BodyExceedsLimit(_) => Kind::BodyTooLarge,
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => Kind::Tls,
        _ => Kind::Other,
    };
    TransportError::new(kind, e.to_string()).with_source(e)
}
