//! The secrets of this service: tokens and URLs that grant access, never
//! shown in `Debug`, `Display`, errors or logs (docs/spec.md#secrets).

use std::fmt;

/// Defines a secret string type: redacted `Debug` and `Display`, the text
/// only through `expose`, built from `String`, `&String` and `&str`, read
/// from JSON as a plain string.
macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps the secret text (it is checked when an input is validated).
            pub fn new(text: impl Into<String>) -> Self {
                $name(text.into())
            }

            /// The secret's text. Handle with care: it grants access.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                $name(s.clone())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("<redacted>")
            }
        }
    };
}

secret! {
    /// The participant's `ConnectionToken`: SendEvent's credential, sent in
    /// the `X-Amz-Bearer` header. CreateParticipantConnection returns one,
    /// ready to hand to [`SendEvent`](crate::SendEvent) as it is.
    ///
    /// ```
    /// use connect_participant::ConnectionToken;
    ///
    /// let token = ConnectionToken::new("secret-token");
    /// assert_eq!(format!("{token:?}"), "ConnectionToken(<redacted>)");
    /// assert_eq!(token.to_string(), "<redacted>");
    /// assert_eq!(token.expose(), "secret-token");
    /// ```
    ConnectionToken
}

secret! {
    /// The `ParticipantToken` from StartChatContact (or the agent's side):
    /// CreateParticipantConnection's credential, sent in `X-Amz-Bearer`.
    ///
    /// ```
    /// use connect_participant::ParticipantToken;
    ///
    /// let token = ParticipantToken::from("participant-secret");
    /// assert_eq!(format!("{token:?} {token}"), "ParticipantToken(<redacted>) <redacted>");
    /// ```
    ParticipantToken
}

secret! {
    /// A pre-signed WebSocket URL (CreateParticipantConnection's
    /// `Websocket.Url`): whoever holds it can read the chat. Connect within
    /// about 100 s.
    ///
    /// ```
    /// use connect_participant::connection::PresignedUrl;
    ///
    /// let url = PresignedUrl::new("wss://example.com/?X-Amz-Signature=abc");
    /// assert_eq!(format!("{url:?}"), "PresignedUrl(<redacted>)");
    /// ```
    PresignedUrl
}

secret! {
    /// The WebRTC attendee's `JoinToken`: whoever holds it joins the meeting.
    ///
    /// ```
    /// use connect_participant::connection::JoinToken;
    ///
    /// assert_eq!(JoinToken::new("jt").to_string(), "<redacted>");
    /// ```
    JoinToken
}
