//! Endpoints (docs/spec.md#endpoints): a parsed base URL, and resolution
//! from region, FIPS and dual-stack.

use std::fmt;

/// Where requests go: a scheme, an authority and a base path.
///
/// An operation's request path follows the base path, so a custom endpoint
/// `https://h/base` sends SendEvent to `https://h/base/participant/event`.
///
/// ```
/// use connect_participant::endpoint::Endpoint;
///
/// let e = Endpoint::parse("https://example.com/base/").unwrap();
/// assert_eq!(e.operation_uri("/participant/event"), "https://example.com/base/participant/event");
/// assert!(!e.is_loopback());
/// assert!(Endpoint::parse("http://127.0.0.1:8080").unwrap().is_loopback());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    /// The base path without its trailing slash (empty for none).
    base_path: String,
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
        let scheme = match uri.scheme() {
            Some(s) if *s == http::uri::Scheme::HTTPS || *s == http::uri::Scheme::HTTP => s.clone(),
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
        if authority.as_str() != authority.host() && matches!(authority.port_u16(), None | Some(0))
        {
            return Err(fail("has an invalid port (1 to 65535)"));
        }
        if uri.query().is_some() || url.contains('#') {
            return Err(fail("must not have a query or fragment"));
        }
        let path = uri.path().trim_end_matches('/');
        if OPERATION_PATHS.iter().any(|op| path.ends_with(op)) {
            return Err(fail(
                "ends with an operation's path: give the service's base URL \
                 (the client appends /participant/event or /participant/connection)",
            ));
        }
        let endpoint = Endpoint {
            url: url.to_owned(),
            scheme,
            authority: authority.clone(),
            base_path: path.to_owned(),
        };
        // Every operation's URI must form, and read back from its text (which
        // also bounds its length); checked once here, so that
        // `operation_uri` cannot fail for them.
        for op in OPERATION_PATHS {
            endpoint
                .try_operation_uri(op)
                .and_then(|uri| uri.to_string().parse::<http::Uri>().ok())
                .ok_or_else(|| fail("is not a valid absolute URL"))?;
        }
        Ok(endpoint)
    }

    /// The URL this endpoint was made from.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The full URI of the operation with this path (which starts with `/`)
    /// at this endpoint.
    pub fn operation_uri(&self, path: &str) -> http::Uri {
        // Checked at parse time for this crate's operations; another
        // operation's path that cannot form a URI gives `/`.
        self.try_operation_uri(path).unwrap_or_default()
    }

    /// The URI from the parts parsed once: only the path is read per
    /// request, never the scheme and authority again.
    fn try_operation_uri(&self, path: &str) -> Option<http::Uri> {
        if !path.starts_with('/') {
            return None;
        }
        let mut full = String::with_capacity(self.base_path.len() + path.len());
        full.push_str(&self.base_path);
        full.push_str(path);
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(http::uri::PathAndQuery::try_from(full).ok()?);
        http::Uri::from_parts(parts).ok()
    }

    /// The host requests go to (an IPv6 address in brackets).
    pub fn host(&self) -> &str {
        self.authority.host()
    }

    /// True for `https`.
    pub fn is_https(&self) -> bool {
        self.scheme == http::uri::Scheme::HTTPS
    }

    /// True when the host is `localhost` or a loopback IP address.
    pub fn is_loopback(&self) -> bool {
        let host = self.host().trim_start_matches('[').trim_end_matches(']');
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

/// The request paths of the operations this crate serves.
const OPERATION_PATHS: [&str; 2] = [
    <crate::SendEvent as crate::operation::Operation>::PATH,
    <crate::CreateParticipantConnection as crate::operation::Operation>::PATH,
];

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

/// Regions the partitions list by name (their global pseudo-regions), which
/// belong to that partition whatever the patterns say; `None` means `aws`.
const NAMED: &[(&str, Option<&[&str]>)] = &[
    ("aws-global", None),
    ("aws-cn-global", Some(&["cn"])),
    ("aws-us-gov-global", Some(&["us", "gov"])),
    ("aws-iso-global", Some(&["us", "iso"])),
    ("aws-iso-b-global", Some(&["us", "isob"])),
    ("aws-iso-e-global", Some(&["eu", "isoe"])),
    ("aws-iso-f-global", Some(&["us", "isof"])),
];

fn partition_of(region: &str) -> &'static Partition {
    if let Some((_, named)) = NAMED.iter().find(|(name, _)| *name == region) {
        return named
            .and_then(|prefix| PARTITIONS.iter().find(|(p, _)| *p == prefix))
            .map_or(&AWS, |(_, p)| p);
    }
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

/// Resolves the endpoint per the service's rule set (docs/spec.md#endpoints).
///
/// ```
/// use connect_participant::endpoint::{resolve_endpoint, EndpointParams};
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
                .operation_uri("/participant/event"),
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
            "http://127.0.0.1:0",
            "https://h:99999",
            "https://h/participant/event",
            "https://h/base/participant/connection/",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_operation_uri_reads_back_from_its_text() {
        // `http` reads no URI over 65,534 bytes: a base path that leaves no
        // room for an operation's path is refused when parsed.
        let url = |n: usize| format!("https://h/{}", "a".repeat(n));
        let longest = OPERATION_PATHS.iter().map(|p| p.len()).max().unwrap();
        let fits = 65_534 - "https://h/".len() - longest;
        let e = Endpoint::parse(&url(fits)).unwrap();
        for op in OPERATION_PATHS {
            let uri = e.operation_uri(op);
            assert_eq!(uri.to_string().parse::<http::Uri>().unwrap(), uri);
        }
        assert!(Endpoint::parse(&url(fits + 1)).is_err());
        // A path that does not start with `/` forms no URI.
        let e = Endpoint::parse("https://h").unwrap();
        assert_eq!(e.operation_uri("x"), "/");
        assert_eq!(e.operation_uri("/x"), "https://h/x");
    }

    #[test]
    fn named_regions_belong_to_their_partition() {
        let resolve = |region: &str| {
            resolve_endpoint(&EndpointParams {
                region: Some(region.into()),
                ..Default::default()
            })
            .unwrap()
            .as_str()
            .to_owned()
        };
        assert_eq!(
            resolve("aws-cn-global"),
            "https://participant.connect.aws-cn-global.amazonaws.com.cn"
        );
        assert_eq!(
            resolve("aws-iso-b-global"),
            "https://participant.connect.aws-iso-b-global.sc2s.sgov.gov"
        );
        assert_eq!(
            resolve("aws-global"),
            "https://participant.connect.aws-global.amazonaws.com"
        );
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
