//! Name resolution without a thread per call.
//!
//! ureq resolves the host on every call, before it looks in its pool, and
//! with any timeout set its default resolver runs the lookup on a new thread.
//! This resolver answers an IP literal at once and keeps a host's addresses
//! for [`TTL`]; only a miss goes to ureq's resolver (lookup bounded by the
//! timeout, on a thread).

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a host's addresses are reused (the JDK's default DNS cache time).
const TTL: Duration = Duration::from_secs(30);

#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    inner: DefaultResolver,
    last: Mutex<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    host: String,
    port: u16,
    at: Instant,
    addrs: ResolvedSocketAddrs,
}

fn port(uri: &Uri) -> Option<u16> {
    uri.port_u16().or(match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    })
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(host), Some(port)) = (uri.host(), port(uri)) else {
            return self.inner.resolve(uri, config, timeout);
        };
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let now = Instant::now();
        if let Ok(last) = self.last.lock() {
            if let Some(c) = last.as_ref() {
                if c.host == host && c.port == port && now.duration_since(c.at) < TTL {
                    return Ok(c.addrs.clone());
                }
            }
        }
        // A name that does not resolve is a connection failure, as in the
        // async client (ureq reports it as a bare I/O error).
        let addrs = self
            .inner
            .resolve(uri, config, timeout)
            .map_err(|e| match e {
                ureq::Error::Io(io) => ureq::Error::Io(std::io::Error::new(
                    std::io::ErrorKind::AddrNotAvailable,
                    format!("resolving {host}: {io}"),
                )),
                other => other,
            })?;
        if let Ok(mut last) = self.last.lock() {
            *last = Some(Cached {
                host: host.to_owned(),
                port,
                at: now,
                addrs: addrs.clone(),
            });
        }
        Ok(addrs)
    }
}
