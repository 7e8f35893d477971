//! Endpoints: a parsed base URL, and resolution from region, FIPS and dual-stack.

use std::fmt;

/// Where requests go: a scheme, an authority and a base path.
///
/// The request path is the base path followed by `/participant/event`, so a
/// custom endpoint `https://h/base` sends to `https://h/base/participant/event`.
///
/// ```
/// use connect_participant_core::Endpoint;
///
/// let e = Endpoint::parse("https://example.com/base/").unwrap();
/// assert_eq!(e.event_uri().to_string(), "https://example.com/base/participant/event");
/// assert!(!e.is_loopback());
/// assert!(Endpoint::parse("http://127.0.0.1:8080").unwrap().is_loopback());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
    uri: http::Uri,
    https: bool,
}

/// A URL that cannot serve as an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid Configuration: endpoint URL {url:?} {reason}")]
pub struct InvalidEndpoint {
    url: String,
    reason: &'static str,
}

impl Endpoint {
    /// Parses an absolute `http` or `https` URL with a host, an optional port
    /// and an optional base path; a query or fragment is refused.
    pub fn parse(url: &str) -> Result<Endpoint, InvalidEndpoint> {
        let fail = |reason| InvalidEndpoint {
            url: url.to_owned(),
            reason,
        };
        let uri: http::Uri = url
            .parse()
            .map_err(|_| fail("is not a valid absolute URL"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            Some(_) => return Err(fail("must use http or https")),
            None => return Err(fail("must be absolute (scheme://host)")),
        };
        let authority = uri.authority().ok_or_else(|| fail("has no host"))?;
        if authority.host().is_empty() {
            return Err(fail("has no host"));
        }
        if authority.as_str().contains('@') {
            return Err(fail("must not carry user information"));
        }
        // `http::Uri` accepts any port text; a bad one would silently mean
        // the scheme's default port.
        if authority.as_str() != authority.host() && authority.port_u16().is_none() {
            return Err(fail("has an invalid port (1 to 65535)"));
        }
        if uri.query().is_some() || url.contains('#') {
            return Err(fail("must not have a query or fragment"));
        }
        let base = uri.path().trim_end_matches('/');
        let event_uri = format!(
            "{}://{}{}/participant/event",
            uri.scheme_str().unwrap_or("https"),
            authority,
            base
        );
        let uri = event_uri
            .parse()
            .map_err(|_| fail("is not a valid absolute URL"))?;
        Ok(Endpoint {
            url: url.to_owned(),
            uri,
            https,
        })
    }

    /// The URL this endpoint was made from.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The full URI of the SendEvent operation at this endpoint.
    pub fn event_uri(&self) -> &http::Uri {
        &self.uri
    }

    /// True for `https`.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// True when the host is `localhost` or a loopback IP address.
    pub fn is_loopback(&self) -> bool {
        let host = self.uri.host().unwrap_or("");
        let host = host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<core::net::IpAddr>()
                .map(|ip| ip.is_loopback())
                .unwrap_or(false)
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({:?})", self.url)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// The inputs of endpoint resolution (the service's endpoint rule set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointParams {
    /// The AWS region, e.g. `us-west-2`.
    pub region: Option<String>,
    /// Use a FIPS endpoint.
    pub use_fips: bool,
    /// Use a dual-stack (IPv4 and IPv6) endpoint.
    pub use_dual_stack: bool,
    /// A custom endpoint URL, used as given.
    pub endpoint: Option<String>,
}

/// Why endpoint resolution failed; the texts are the rule set's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// FIPS asked for with a custom endpoint.
    #[error("Invalid Configuration: FIPS and custom endpoint are not supported")]
    FipsWithCustomEndpoint,
    /// Dual-stack asked for with a custom endpoint.
    #[error("Invalid Configuration: Dualstack and custom endpoint are not supported")]
    DualStackWithCustomEndpoint,
    /// Neither a region nor a custom endpoint.
    #[error("Invalid Configuration: Missing Region")]
    MissingRegion,
    /// The region is not a valid host label.
    #[error("Invalid Configuration: region {0:?} is not a valid host label (letters, digits and hyphens, 1 to 63 characters)")]
    InvalidRegion(String),
    /// The custom endpoint is not a usable URL.
    #[error(transparent)]
    InvalidEndpoint(#[from] InvalidEndpoint),
}

struct Partition {
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    is_us_gov: bool,
}

const AWS: Partition = Partition {
    dns_suffix: "amazonaws.com",
    dual_stack_dns_suffix: "api.aws",
    is_us_gov: false,
};

/// Region prefixes (split on `-`) of the non-`aws` partitions, most specific first.
const PARTITIONS: &[(&[&str], Partition)] = &[
    (
        &["us", "gov"],
        Partition {
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
            is_us_gov: true,
        },
    ),
    (
        &["us", "iso"],
        Partition {
            dns_suffix: "c2s.ic.gov",
            dual_stack_dns_suffix: "api.aws.ic.gov",
            is_us_gov: false,
        },
    ),
    (
        &["us", "isob"],
        Partition {
            dns_suffix: "sc2s.sgov.gov",
            dual_stack_dns_suffix: "api.aws.scloud",
            is_us_gov: false,
        },
    ),
    (
        &["us", "isof"],
        Partition {
            dns_suffix: "csp.hci.ic.gov",
            dual_stack_dns_suffix: "api.aws.hci.ic.gov",
            is_us_gov: false,
        },
    ),
    (
        &["eu", "isoe"],
        Partition {
            dns_suffix: "cloud.adc-e.uk",
            dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
            is_us_gov: false,
        },
    ),
    (
        &["eusc", "de"],
        Partition {
            dns_suffix: "amazonaws.eu",
            dual_stack_dns_suffix: "api.amazonwebservices.eu",
            is_us_gov: false,
        },
    ),
    (
        &["cn"],
        Partition {
            dns_suffix: "amazonaws.com.cn",
            dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
            is_us_gov: false,
        },
    ),
];

/// `prefix-\w+-\d+`, with `prefix` given as its `-`-separated parts.
fn region_matches(region: &str, prefix: &[&str]) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() == prefix.len() + 2
        && parts[..prefix.len()] == *prefix
        && !parts[prefix.len()].is_empty()
        && parts[prefix.len()]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !parts[prefix.len() + 1].is_empty()
        && parts[prefix.len() + 1].bytes().all(|b| b.is_ascii_digit())
}

fn partition_of(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region_matches(region, prefix))
        .map(|(_, p)| p)
        .unwrap_or(&AWS)
}

/// `[a-zA-Z0-9][a-zA-Z0-9-]{0,62}`: a DNS host label.
fn is_valid_host_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Resolves the endpoint per the service's rule set (SPEC, Endpoints).
///
/// ```
/// use connect_participant_core::{resolve_endpoint, EndpointParams};
///
/// let params = EndpointParams { region: Some("us-gov-west-1".into()), use_fips: true, ..Default::default() };
/// assert_eq!(resolve_endpoint(&params).unwrap().as_str(), "https://participant.connect.us-gov-west-1.amazonaws.com");
/// ```
pub fn resolve_endpoint(params: &EndpointParams) -> Result<Endpoint, EndpointError> {
    if let Some(url) = &params.endpoint {
        if params.use_fips {
            return Err(EndpointError::FipsWithCustomEndpoint);
        }
        if params.use_dual_stack {
            return Err(EndpointError::DualStackWithCustomEndpoint);
        }
        return Ok(Endpoint::parse(url)?);
    }
    let region = params
        .region
        .as_deref()
        .ok_or(EndpointError::MissingRegion)?;
    if !is_valid_host_label(region) {
        return Err(EndpointError::InvalidRegion(region.to_owned()));
    }
    let p = partition_of(region);
    let url = match (params.use_fips, params.use_dual_stack) {
        (true, true) => format!(
            "https://participant.connect-fips.{region}.{}",
            p.dual_stack_dns_suffix
        ),
        (true, false) if p.is_us_gov => {
            format!("https://participant.connect.{region}.amazonaws.com")
        }
        (true, false) => format!("https://participant.connect-fips.{region}.{}", p.dns_suffix),
        (false, true) => format!(
            "https://participant.connect.{region}.{}",
            p.dual_stack_dns_suffix
        ),
        (false, false) => format!("https://participant.connect.{region}.{}", p.dns_suffix),
    };
    Ok(Endpoint::parse(&url)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_keeps_base_path_and_refuses_junk() {
        assert_eq!(
            Endpoint::parse("http://[::1]:99")
                .unwrap()
                .event_uri()
                .to_string(),
            "http://[::1]:99/participant/event"
        );
        assert!(Endpoint::parse("http://[::1]:99").unwrap().is_loopback());
        assert!(Endpoint::parse("http://localhost").unwrap().is_loopback());
        assert!(!Endpoint::parse("http://127.0.0.1.evil.com")
            .unwrap()
            .is_loopback());
        for bad in [
            "",
            "example.com",
            "ftp://h",
            "https://h/?q=1",
            "https://u:p@h/",
            "https://h/#x",
            "https:///p",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn region_must_be_a_host_label() {
        let p = EndpointParams {
            region: Some("us east 1".into()),
            ..Default::default()
        };
        assert_eq!(
            resolve_endpoint(&p),
            Err(EndpointError::InvalidRegion("us east 1".into()))
        );
    }
}
