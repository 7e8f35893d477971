//! Client configuration: endpoint, retries, and the standard environment settings.

use crate::endpoint::Endpoint;
use crate::endpoint::{resolve_endpoint, EndpointError, EndpointParams};
pub use crate::proxy::Proxy;
use crate::retry::RetryConfig;

/// Names of the environment settings the configuration honours.
pub mod env_names {
    /// The region.
    pub const AWS_REGION: &str = "AWS_REGION";
    /// The region, when `AWS_REGION` is unset.
    pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
    /// A custom endpoint for this service.
    pub const AWS_ENDPOINT_URL_CONNECTPARTICIPANT: &str = "AWS_ENDPOINT_URL_CONNECTPARTICIPANT";
    /// A custom endpoint for every service, when the one above is unset.
    pub const AWS_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
    /// `true` or `false`: use FIPS endpoints.
    pub const AWS_USE_FIPS_ENDPOINT: &str = "AWS_USE_FIPS_ENDPOINT";
    /// `true` or `false`: use dual-stack endpoints.
    pub const AWS_USE_DUALSTACK_ENDPOINT: &str = "AWS_USE_DUALSTACK_ENDPOINT";
    /// A positive integer: attempts in all.
    pub const AWS_MAX_ATTEMPTS: &str = "AWS_MAX_ATTEMPTS";
    /// Every name above, in the order they are read.
    pub const ALL: &[&str] = &[
        AWS_REGION,
        AWS_DEFAULT_REGION,
        AWS_ENDPOINT_URL_CONNECTPARTICIPANT,
        AWS_ENDPOINT_URL,
        AWS_USE_FIPS_ENDPOINT,
        AWS_USE_DUALSTACK_ENDPOINT,
        AWS_MAX_ATTEMPTS,
    ];
}

/// A configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Endpoint resolution failed. The text is the rule set's, followed by
    /// the setting that fixes it.
    #[error("{0}{hint}", hint = endpoint_hint(.0))]
    Endpoint(#[from] EndpointError),
    /// An environment setting (or option) has a value that is not allowed.
    #[error("invalid setting {name}={value:?}: {expected}")]
    InvalidSetting {
        /// The setting's name.
        name: String,
        /// The value given.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// Plain `http://` to a host that is not loopback, without opting in.
    #[error(
        "refusing plain http:// to {url:?}: the connection token would travel unencrypted; \
             use https, a loopback host, or opt in with allow_insecure_http"
    )]
    InsecureHttp {
        /// The endpoint URL.
        url: String,
    },
}

/// What fixes an endpoint error: the builder method and the environment variable.
fn endpoint_hint(error: &EndpointError) -> &'static str {
    match error {
        EndpointError::MissingRegion => {
            " (set a region with ConfigBuilder::region or AWS_REGION, \
             or an endpoint URL with ConfigBuilder::endpoint_url or AWS_ENDPOINT_URL_CONNECTPARTICIPANT)"
        }
        EndpointError::FipsWithCustomEndpoint => {
            " (turn off ConfigBuilder::use_fips and AWS_USE_FIPS_ENDPOINT, or drop the endpoint URL)"
        }
        EndpointError::DualStackWithCustomEndpoint => {
            " (turn off ConfigBuilder::use_dual_stack and AWS_USE_DUALSTACK_ENDPOINT, or drop the endpoint URL)"
        }
        EndpointError::InvalidRegion(_) => " (check ConfigBuilder::region, AWS_REGION and AWS_DEFAULT_REGION)",
        _ => "",
    }
}

/// A resolved configuration: where to send and how to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    endpoint: Endpoint,
    retry: RetryConfig,
}

impl Config {
    /// Starts a configuration.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// A configuration for a custom endpoint URL with standard retries.
    pub fn for_endpoint(url: &str) -> Result<Config, ConfigError> {
        Config::builder().endpoint_url(url).build()
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The retry policy.
    pub fn retry(&self) -> RetryConfig {
        self.retry
    }
}

/// Builds a [`Config`]; explicit settings win over the environment's.
///
/// ```
/// use connect_participant::Config;
///
/// let env = |name: &str| match name {
///     "AWS_REGION" => Some("eu-west-2".to_owned()),
///     "AWS_MAX_ATTEMPTS" => Some("5".to_owned()),
///     _ => None,
/// };
/// let config = Config::builder().with_env(env).unwrap().use_dual_stack(true).build().unwrap();
/// assert_eq!(config.endpoint().as_str(), "https://participant.connect.eu-west-2.api.aws");
/// assert_eq!(config.retry().max_attempts(), 5);
///
/// let bad = Config::builder().with_env(|n: &str| (n == "AWS_MAX_ATTEMPTS").then(|| "0".to_owned()));
/// assert!(bad.unwrap_err().to_string().contains("AWS_MAX_ATTEMPTS"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct ConfigBuilder {
    explicit: Settings,
    env: Settings,
    retry: Option<RetryConfig>,
    allow_insecure_http: bool,
}

/// One source of settings; `None` means "not set here".
#[derive(Debug, Clone, Default)]
struct Settings {
    region: Option<String>,
    endpoint: Option<String>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    max_attempts: Option<u32>,
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ConfigError::InvalidSetting {
            name: name.to_owned(),
            value: value.to_owned(),
            expected: "true or false",
        }),
    }
}

/// Parses an attempt count: a whole number, at least 1.
pub fn parse_max_attempts(name: &str, value: &str) -> Result<u32, ConfigError> {
    match value.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(ConfigError::InvalidSetting {
            name: name.to_owned(),
            value: value.to_owned(),
            expected: "a whole number of attempts, at least 1",
        }),
    }
}

impl ConfigBuilder {
    /// Reads the standard environment settings through `lookup` (name to
    /// value; empty values count as unset). Explicit settings win, whether
    /// they are made before or after this call. The core never reads the
    /// process environment itself: pass `|n| std::env::var(n).ok()`.
    pub fn with_env(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        use env_names::*;
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(region) = get(AWS_REGION).or_else(|| get(AWS_DEFAULT_REGION)) {
            self.env.region = Some(region.trim().to_owned());
        }
        if let Some(url) =
            get(AWS_ENDPOINT_URL_CONNECTPARTICIPANT).or_else(|| get(AWS_ENDPOINT_URL))
        {
            self.env.endpoint = Some(url.trim().to_owned());
        }
        if let Some(v) = get(AWS_USE_FIPS_ENDPOINT) {
            self.env.use_fips = Some(parse_bool(AWS_USE_FIPS_ENDPOINT, &v)?);
        }
        if let Some(v) = get(AWS_USE_DUALSTACK_ENDPOINT) {
            self.env.use_dual_stack = Some(parse_bool(AWS_USE_DUALSTACK_ENDPOINT, &v)?);
        }
        if let Some(v) = get(AWS_MAX_ATTEMPTS) {
            self.env.max_attempts = Some(parse_max_attempts(AWS_MAX_ATTEMPTS, &v)?);
        }
        Ok(self)
    }

    /// The AWS region, e.g. `us-west-2`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.explicit.region = Some(region.into());
        self
    }

    /// A custom endpoint URL (its path is kept as a base path).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.explicit.endpoint = Some(url.into());
        self
    }

    /// Use a FIPS endpoint.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.explicit.use_fips = Some(on);
        self
    }

    /// Use a dual-stack endpoint.
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.explicit.use_dual_stack = Some(on);
        self
    }

    /// Attempts in all (at least 1), keeping the retry mode.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.explicit.max_attempts = Some(n);
        self
    }

    /// The retry mode ([`RetryConfig::standard`] by default).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self.explicit.max_attempts = None;
        self.env.max_attempts = None;
        self
    }

    /// Allows plain `http://` to a host that is not loopback. Off by default:
    /// the connection token would cross the network unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Resolves the endpoint and checks every setting.
    pub fn build(self) -> Result<Config, ConfigError> {
        let (explicit, env) = (self.explicit, self.env);
        let params = EndpointParams {
            region: explicit.region.or(env.region),
            endpoint: explicit.endpoint.or(env.endpoint),
            use_fips: explicit.use_fips.or(env.use_fips).unwrap_or(false),
            use_dual_stack: explicit
                .use_dual_stack
                .or(env.use_dual_stack)
                .unwrap_or(false),
        };
        let endpoint = resolve_endpoint(&params)?;
        if !endpoint.is_https() && !endpoint.is_loopback() && !self.allow_insecure_http {
            return Err(ConfigError::InsecureHttp {
                url: endpoint.as_str().to_owned(),
            });
        }
        let mut retry = self.retry.unwrap_or_default();
        // An explicit retry mode wins over AWS_MAX_ATTEMPTS, whatever the order.
        let env_attempts = if self.retry.is_some() {
            None
        } else {
            env.max_attempts
        };
        if let Some(n) = explicit.max_attempts.or(env_attempts) {
            retry = retry
                .with_max_attempts(n)
                .ok_or_else(|| ConfigError::InvalidSetting {
                    name: "max_attempts".to_owned(),
                    value: n.to_string(),
                    expected: "a whole number of attempts, at least 1",
                })?;
        }
        Ok(Config { endpoint, retry })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn env_settings_and_precedence() {
        let c = Config::builder()
            .with_env(env(&[
                ("AWS_DEFAULT_REGION", "us-east-1"),
                ("AWS_REGION", "us-west-2"),
            ]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            c.endpoint().as_str(),
            "https://participant.connect.us-west-2.amazonaws.com"
        );
        let c = Config::builder()
            .with_env(env(&[
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
                (
                    "AWS_ENDPOINT_URL_CONNECTPARTICIPANT",
                    "http://localhost:2/x",
                ),
            ]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(c.endpoint().as_str(), "http://localhost:2/x");
        let c = Config::builder()
            .with_env(env(&[
                ("AWS_REGION", "us-west-2"),
                ("AWS_USE_FIPS_ENDPOINT", "TRUE"),
            ]))
            .unwrap()
            .region("us-east-2")
            .build()
            .unwrap();
        assert_eq!(
            c.endpoint().as_str(),
            "https://participant.connect-fips.us-east-2.amazonaws.com"
        );
    }

    #[test]
    fn explicit_settings_win_in_any_order() {
        let c = Config::builder()
            .region("eu-west-1")
            .use_fips(false)
            .max_attempts(2)
            .with_env(env(&[
                ("AWS_REGION", "us-west-2"),
                ("AWS_USE_FIPS_ENDPOINT", "true"),
                ("AWS_MAX_ATTEMPTS", "7"),
            ]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            c.endpoint().as_str(),
            "https://participant.connect.eu-west-1.amazonaws.com"
        );
        assert_eq!(c.retry().max_attempts(), 2);
        let c = Config::builder()
            .region("us-west-2")
            .retry(crate::retry::RetryConfig::disabled())
            .with_env(env(&[("AWS_MAX_ATTEMPTS", "5")]))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            c.retry().max_attempts(),
            1,
            "an explicit retry mode wins over the environment"
        );
    }

    #[test]
    fn bad_env_values_name_the_setting() {
        for (k, v) in [
            ("AWS_USE_FIPS_ENDPOINT", "maybe"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "1"),
            ("AWS_MAX_ATTEMPTS", "0"),
            ("AWS_MAX_ATTEMPTS", "-1"),
            ("AWS_MAX_ATTEMPTS", "x"),
        ] {
            let err = Config::builder().with_env(env(&[(k, v)])).unwrap_err();
            assert!(err.to_string().contains(k), "{err}");
        }
        assert!(Config::builder()
            .region("us-west-2")
            .max_attempts(0)
            .build()
            .is_err());
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        assert!(matches!(
            Config::for_endpoint("http://example.com"),
            Err(ConfigError::InsecureHttp { .. })
        ));
        assert!(Config::builder()
            .endpoint_url("http://example.com")
            .allow_insecure_http(true)
            .build()
            .is_ok());
        assert!(Config::for_endpoint("http://127.0.0.1:9").is_ok());
    }
}
