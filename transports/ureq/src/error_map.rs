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
    if let ureq::Error::Timeout(which) = &e {
        let message = match which {
            ureq::Timeout::Connect | ureq::Timeout::Resolve => format!(
                "connect (TCP and TLS) timed out after {:?}",
                options.connect_timeout()
            ),
            _ => format!("attempt timed out after {:?}", options.attempt_timeout()),
        };
        return TransportError::new(Kind::Timeout, message).with_source(e);
    }
    if let ureq::Error::BodyExceedsLimit(_) = &e {
        let message = format!(
            "response body is over the limit of {} bytes",
            options.max_response_bytes()
        );
        return TransportError::new(Kind::BodyTooLarge, message).with_source(e);
    }
    let kind = match &e {
        ureq::Error::Timeout(_) | ureq::Error::BodyStalled => Kind::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => Kind::Connect,
        ureq::Error::Io(io) => io_kind(io),
        // An answer that breaks HTTP/1.1 (headers over the limit included)
        // is a broken exchange, as in the async client.
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => Kind::Io,
        ureq::Error::BodyExceedsLimit(_) => Kind::BodyTooLarge,
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => Kind::Tls,
        _ => Kind::Other,
    };
    TransportError::new(kind, e.to_string()).with_source(e)
}
