//! An explicit HTTP proxy (docs/spec.md#transports): requests go through a
//! `CONNECT` tunnel, so TLS stays end to end with the service and the proxy
//! never sees the token. The library never takes a proxy from the
//! environment unless asked ([`Proxy::from_env`]).

use std::fmt;

use crate::config::ConfigError;

/// A proxy to tunnel through, with the hosts that bypass it.
///
/// ```
/// use connect_participant::config::Proxy;
///
/// let proxy = Proxy::new("http://proxy.corp:3128")?.with_no_proxy(["internal.corp", ".example.com"]);
/// assert_eq!(proxy.authority(), "proxy.corp:3128");
/// assert!(proxy.applies_to("participant.connect.us-west-2.amazonaws.com"));
/// assert!(!proxy.applies_to("api.example.com"));
///
/// // Credentials are kept for the CONNECT request, never shown.
/// let with_auth = Proxy::new("http://me:s3cret@proxy.corp:3128")?;
/// assert!(!format!("{with_auth:?}").contains("s3cret"));
/// # Ok::<(), connect_participant::ConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    host: String,
    port: u16,
    /// `user:password` as given in the URL, if any (a secret).
    credentials: Option<String>,
    no_proxy: Vec<String>,
}

impl Proxy {
    /// A proxy at `http://[user:password@]host[:port]` (port 80 when absent;
    /// `CONNECT` is spoken in plain HTTP to the proxy).
    pub fn new(url: &str) -> Result<Proxy, ConfigError> {
        let invalid = |expected| ConfigError::InvalidSetting {
            name: "proxy".to_owned(),
            value: redact_userinfo(url),
            expected,
        };
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| invalid("an http:// proxy URL (http://host:port)"))?;
        let authority = rest.trim_end_matches('/');
        if authority.contains(['/', '?', '#']) {
            return Err(invalid("a proxy URL without a path, query or fragment"));
        }
        let (credentials, host_port) = match authority.rsplit_once('@') {
            Some((userinfo, hp)) => (Some(userinfo.to_owned()), hp),
            None => (None, authority),
        };
        let parsed: http::uri::Authority = host_port
            .parse()
            .map_err(|_| invalid("a proxy URL with a valid host and port"))?;
        if parsed.host().is_empty() || parsed.as_str() != host_port {
            return Err(invalid("a proxy URL with a valid host and port"));
        }
        let port = match parsed.port_u16() {
            Some(p) => p,
            None if parsed.as_str() == parsed.host() => 80,
            None => 0,
        };
        if port == 0 {
            return Err(invalid("a proxy port from 1 to 65535"));
        }
        Ok(Proxy {
            host: parsed.host().to_owned(),
            port,
            credentials,
            no_proxy: Vec::new(),
        })
    }

    /// Hosts that bypass the proxy, as `NO_PROXY` lists them: a host name
    /// matches itself and its subdomains (a leading `.` is allowed), `*`
    /// matches every host.
    pub fn with_no_proxy<S: Into<String>>(mut self, hosts: impl IntoIterator<Item = S>) -> Self {
        self.no_proxy = hosts
            .into_iter()
            .map(|h| h.into().trim().trim_start_matches('.').to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        self
    }

    /// The proxy the AWS CLI would use for an HTTPS endpoint, read through
    /// `lookup`: `HTTPS_PROXY` (or `https_proxy`), with the bypass list of
    /// `NO_PROXY` (or `no_proxy`). `None` when no proxy is set. Only call
    /// this when the user asked for the environment's proxy.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Proxy>, ConfigError> {
        let get = |a: &str, b: &str| {
            lookup(a)
                .or_else(|| lookup(b))
                .filter(|v| !v.trim().is_empty())
        };
        let Some(url) = get("HTTPS_PROXY", "https_proxy") else {
            return Ok(None);
        };
        let url = url.trim();
        // Like botocore, a bare host:port means http://host:port.
        let url = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let no_proxy = get("NO_PROXY", "no_proxy").unwrap_or_default();
        Ok(Some(Proxy::new(&url)?.with_no_proxy(no_proxy.split(','))))
    }

    /// `host:port` of the proxy.
    pub fn authority(&self) -> String {
        if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The proxy's URL, credentials included: for a transport's setup only
    /// (a secret when it has credentials).
    pub fn expose_url(&self) -> String {
        match &self.credentials {
            Some(c) => format!("http://{c}@{}", self.authority()),
            None => format!("http://{}", self.authority()),
        }
    }

    /// The `Proxy-Authorization` value for the proxy's credentials, if any
    /// (`Basic`, base64 of `user:password`): a secret.
    pub fn authorization(&self) -> Option<String> {
        self.credentials
            .as_ref()
            .map(|c| format!("Basic {}", base64(c.as_bytes())))
    }

    /// True when requests to `host` go through this proxy (it is not on the
    /// bypass list).
    pub fn applies_to(&self, host: &str) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        !self.no_proxy.iter().any(|entry| {
            entry == "*"
                || host == *entry
                || host
                    .strip_suffix(entry.as_str())
                    .is_some_and(|head| head.ends_with('.'))
        })
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("authority", &self.authority())
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// The URL with any `user:password@` replaced, for error messages.
fn redact_userinfo(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}<redacted>@{}", &url[..s + 3], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

/// Standard base64 with padding (RFC 4648), for `Proxy-Authorization`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want, "{input}");
        }
    }

    #[test]
    fn urls_are_checked_and_credentials_kept_secret() {
        let p = Proxy::new("http://u:p%40ss@[::1]:8080/").unwrap();
        assert_eq!(p.authority(), "[::1]:8080");
        assert_eq!(p.expose_url(), "http://u:p%40ss@[::1]:8080");
        assert_eq!(
            p.authorization().unwrap(),
            format!("Basic {}", base64(b"u:p%40ss"))
        );
        assert_eq!(Proxy::new("http://h").unwrap().authority(), "h:80");
        for bad in [
            "https://h:1",
            "h:1",
            "http://",
            "http://h:0",
            "http://h:x",
            "http://h/p",
        ] {
            assert!(Proxy::new(bad).is_err(), "{bad}");
        }
        let err = Proxy::new("ftp://user:s3cret@h").unwrap_err().to_string();
        assert!(!err.contains("s3cret"), "{err}");
    }

    #[test]
    fn no_proxy_matches_hosts_and_subdomains() {
        let p =
            Proxy::new("http://h:1")
                .unwrap()
                .with_no_proxy([".corp", "localhost", " 10.0.0.1 "]);
        assert!(!p.applies_to("corp") && !p.applies_to("a.b.corp") && !p.applies_to("LOCALHOST"));
        assert!(!p.applies_to("10.0.0.1"));
        assert!(
            p.applies_to("xcorp") && p.applies_to("participant.connect.us-west-2.amazonaws.com")
        );
        assert!(!Proxy::new("http://h:1")
            .unwrap()
            .with_no_proxy(["*"])
            .applies_to("any"));
    }

    #[test]
    fn from_env_reads_the_aws_cli_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |n: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Proxy::from_env(env(&[])).unwrap(), None);
        let p = Proxy::from_env(env(&[
            ("https_proxy", "proxy:3128"),
            ("NO_PROXY", "a.com,b.com"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(p.authority(), "proxy:3128");
        assert!(!p.applies_to("x.b.com") && p.applies_to("c.com"));
        assert!(Proxy::from_env(env(&[("HTTPS_PROXY", "https://p:1")])).is_err());
    }
}
