//! The connection token: the participant's credential, never shown.

use std::fmt;

/// The participant's `ConnectionToken`, sent in the `X-Amz-Bearer` header.
///
/// It is the credential of the call, so its `Debug` and `Display` never show
/// it; only [`ConnectionToken::expose`] gives the text.
///
/// ```
/// use connect_participant::ConnectionToken;
///
/// let token = ConnectionToken::new("secret-token");
/// assert_eq!(format!("{token:?}"), "ConnectionToken(<redacted>)");
/// assert_eq!(token.to_string(), "<redacted>");
/// assert_eq!(token.expose(), "secret-token");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ConnectionToken(String);

impl ConnectionToken {
    /// Wraps a token. It is checked when the event is validated.
    pub fn new(token: impl Into<String>) -> Self {
        ConnectionToken(token.into())
    }

    /// The token's text. Handle with care: it is a credential.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for ConnectionToken {
    fn from(s: String) -> Self {
        ConnectionToken(s)
    }
}

impl From<&String> for ConnectionToken {
    fn from(s: &String) -> Self {
        ConnectionToken(s.clone())
    }
}

impl From<&str> for ConnectionToken {
    fn from(s: &str) -> Self {
        ConnectionToken(s.to_owned())
    }
}

impl fmt::Debug for ConnectionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConnectionToken(<redacted>)")
    }
}

impl fmt::Display for ConnectionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
