//! hyper's errors as the core's transport failures.

use std::error::Error as StdError;
use std::io;

use connect_participant_core::{TransportError, TransportErrorKind as Kind};

/// The kind of the first telling error in a source chain.
fn kind_of(mut e: Option<&(dyn StdError + 'static)>, connecting: bool) -> Kind {
    while let Some(err) = e {
        if err.downcast_ref::<rustls::Error>().is_some() {
            return Kind::Tls;
        }
        if let Some(io) = err.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::TimedOut => return Kind::Timeout,
                io::ErrorKind::ConnectionRefused => return Kind::Connect,
                _ => {}
            }
            // io::Error::source skips the wrapped error itself (where rustls
            // puts a refused certificate): step into it.
            if let Some(inner) = io.get_ref() {
                e = Some(inner as &(dyn StdError + 'static));
                continue;
            }
        }
        e = err.source();
    }
    if connecting {
        Kind::Connect
    } else {
        Kind::Io
    }
}

/// Maps a hyper-util client error (connect, TLS, or mid-exchange).
pub(crate) fn request_error(e: hyper_util::client::legacy::Error) -> TransportError {
    let kind = kind_of(Some(&e), e.is_connect());
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    TransportError::new(kind, message).with_source(e)
}

/// Maps an error while reading the body (limit reached, or the connection failed).
pub(crate) fn body_error(e: Box<dyn StdError + Send + Sync>, limit: u64) -> TransportError {
    if e.downcast_ref::<http_body_util::LengthLimitError>()
        .is_some()
    {
        return TransportError::body_too_large(limit);
    }
    let kind = kind_of(Some(e.as_ref()), false);
    TransportError::new(kind, format!("reading the response body: {e}"))
}
