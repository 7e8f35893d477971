//! Properties of endpoints and settings (docs/spec.md#endpoints,
//! docs/spec.md#configuration) over generated regions, URLs and
//! environments, checked against the oracle. The named cases of the
//! endpoint rule set are in `endpoints.rs`; these cover the space between.

mod support;

use connect_participant_core::config::ConfigError;
use connect_participant_core::endpoint::{
    resolve_endpoint, Endpoint, EndpointError, EndpointParams,
};
use connect_participant_core::Config;
use proptest::collection::vec;
use proptest::prelude::*;

use support::config;
use support::oracle;
use support::strategies::any_string;

/// Regions of every partition's pattern, near misses, pseudo-regions, any
/// host label, and texts that are not host labels.
fn region() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(
        &[
            "us-", "eu-", "ap-", "cn-", "us-gov-", "us-iso-", "us-isob-", "us-isof-", "eu-isoe-",
            "eusc-de-", "eusc-fr-", "xx-", "us-gov", "cn", "",
        ][..],
    );
    prop_oneof![
        4 => (prefix, "[a-z_]{0,8}", "(-[0-9]{0,3})?", "(-[a-z0-9]{1,3})?")
            .prop_map(|(p, w, d, tail)| format!("{p}{w}{d}{tail}")),
        1 => prop::sample::select(oracle::NAMED_REGIONS).prop_map(|(n, _)| n.to_owned()),
        2 => "[A-Za-z0-9][A-Za-z0-9-]{0,70}",
        1 => any_string(0, 20),
        1 => prop::sample::select(&["us east 1", "-us-west-2", "us-west-2.", "", "us_west_2"][..]).prop_map(str::to_owned),
    ]
}

/// URLs from parts, each sometimes wrong: scheme, user information, host,
/// port, base path (trailing slashes, an operation's path), query,
/// fragment.
fn url() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(&["https://", "http://", "ftp://", "", "https:/"][..]);
    let userinfo = prop::sample::select(&["", "", "", "u:p@", "@"][..]);
    let host = prop::sample::select(
        &[
            "example.com",
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.200.3.4",
            "[::1]",
            "[::2]",
            "127.0.0.1.evil.com",
            "10.0.0.1",
            "",
            "h_st",
        ][..],
    );
    let port = prop_oneof![
        3 => Just(String::new()),
        2 => (1u32..=65535).prop_map(|p| format!(":{p}")),
        1 => prop::sample::select(&[":0", ":65536", ":99999", ":", ":x"][..]).prop_map(str::to_owned),
    ];
    let path = vec(
        prop::sample::select(&["base", "a", "participant", "event", "connection", "", "%20"][..]),
        0..4,
    )
    .prop_map(|segments| segments.iter().map(|s| format!("/{s}")).collect::<String>());
    let tail = prop::sample::select(&["", "", "", "/", "//", "?q=1", "#frag", " "][..]);
    (scheme, userinfo, host, port, path, tail)
        .prop_map(|(s, u, h, p, path, t)| format!("{s}{u}{h}{p}{path}{t}"))
}

/// An environment value for `name`: good, blank, padded or bad.
fn env_value(name: &'static str) -> BoxedStrategy<String> {
    match name {
        "AWS_USE_FIPS_ENDPOINT" | "AWS_USE_DUALSTACK_ENDPOINT" => prop::sample::select(
            &[
                "true", "false", "TRUE", " False ", "", "  ", "1", "yes", "maybe",
            ][..],
        )
        .prop_map(str::to_owned)
        .boxed(),
        "AWS_MAX_ATTEMPTS" => prop_oneof![
            (1u32..=10).prop_map(|n| n.to_string()),
            prop::sample::select(
                &[
                    "0",
                    "-1",
                    "x",
                    " 5 ",
                    "+3",
                    "",
                    "4294967296",
                    "4294967295",
                    "1.5"
                ][..]
            )
            .prop_map(str::to_owned),
        ]
        .boxed(),
        "AWS_ENDPOINT_URL_CONNECTPARTICIPANT" | "AWS_ENDPOINT_URL" => {
            prop_oneof![url(), Just(String::new()), Just("  ".to_owned()),].boxed()
        }
        _ => prop_oneof![
            prop::sample::select(&["us-west-2", " eu-west-2 ", "us-gov-east-1", "", "  "][..])
                .prop_map(str::to_owned),
            region(),
        ]
        .boxed(),
    }
}

const ENV_NAMES: [&str; 7] = [
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL_CONNECTPARTICIPANT",
    "AWS_ENDPOINT_URL",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_MAX_ATTEMPTS",
];

fn environment() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let entry = prop::sample::select(&ENV_NAMES[..]).prop_flat_map(|n| (Just(n), env_value(n)));
    vec(entry, 0..6)
}

/// What `resolve_endpoint` gives, per the spec; `Err` holds the error's
/// text when the spec fixes it.
fn check_resolve(params: &EndpointParams) -> Result<Option<Endpoint>, TestCaseError> {
    let result = resolve_endpoint(params);
    if let Some(url) = &params.endpoint {
        if params.use_fips || params.use_dual_stack {
            let want = if params.use_fips {
                oracle::FIPS_WITH_CUSTOM_TEXT
            } else {
                oracle::DUAL_STACK_WITH_CUSTOM_TEXT
            };
            prop_assert_eq!(result.map_err(|e| e.to_string()), Err(want.to_owned()));
            return Ok(None);
        }
        return match result {
            Ok(e) => {
                prop_assert!(oracle::custom_endpoint_ok(url), "accepted {:?}", url);
                prop_assert_eq!(e.as_str(), url.as_str());
                Ok(Some(e))
            }
            Err(EndpointError::InvalidEndpoint(e)) => {
                prop_assert!(!oracle::custom_endpoint_ok(url), "refused {:?}: {}", url, e);
                prop_assert!(e.to_string().starts_with(oracle::INVALID_CONFIGURATION));
                Ok(None)
            }
            Err(e) => Err(TestCaseError::fail(format!("{url:?}: unexpected {e:?}"))),
        };
    }
    let Some(region) = &params.region else {
        prop_assert_eq!(
            result.map_err(|e| e.to_string()),
            Err(oracle::MISSING_REGION_TEXT.to_owned())
        );
        return Ok(None);
    };
    if !oracle::is_host_label(region) {
        prop_assert!(
            matches!(&result, Err(EndpointError::InvalidRegion(r)) if r == region),
            "region {:?}: {:?}",
            region,
            result
        );
        return Ok(None);
    }
    let endpoint = result.map_err(|e| TestCaseError::fail(format!("{region:?}: {e}")))?;
    prop_assert_eq!(
        endpoint.as_str(),
        oracle::expected_endpoint(region, params.use_fips, params.use_dual_stack)
    );
    Ok(Some(endpoint))
}

proptest! {
    #![proptest_config(config())]

    /// Any region: an error unless it is a host label, else the spec's URL
    /// for its partition, FIPS and dual-stack; the operations' URIs follow.
    #[test]
    fn a_region_resolves_to_the_spec_endpoint(
        region in region(),
        use_fips in any::<bool>(),
        use_dual_stack in any::<bool>(),
    ) {
        let params = EndpointParams { region: Some(region), use_fips, use_dual_stack, endpoint: None };
        if let Some(endpoint) = check_resolve(&params)? {
            prop_assert!(endpoint.is_https() && !endpoint.is_loopback());
            for path in [oracle::SEND_EVENT_PATH, oracle::CONNECTION_PATH] {
                prop_assert_eq!(endpoint.operation_uri(path).to_string(), format!("{}{path}", endpoint.as_str()));
            }
        }
    }

    /// Any URL as a custom endpoint: kept as given when the spec allows it,
    /// with the operations' URIs after its base path, https and loopback as
    /// the spec defines them, plain http refused unless loopback or allowed;
    /// otherwise an `Invalid Configuration` error. FIPS or dual-stack with
    /// it is the spec's error.
    #[test]
    fn a_custom_endpoint_is_kept_or_refused_per_the_spec(
        url in url(),
        use_fips in any::<bool>(),
        use_dual_stack in any::<bool>(),
        allow_insecure_http in any::<bool>(),
    ) {
        let params = EndpointParams { region: None, use_fips, use_dual_stack, endpoint: Some(url.clone()) };
        let resolved = check_resolve(&params)?;
        let built = Config::builder()
            .endpoint_url(url.as_str())
            .use_fips(use_fips)
            .use_dual_stack(use_dual_stack)
            .allow_insecure_http(allow_insecure_http)
            .build();
        let Some(endpoint) = resolved else {
            prop_assert!(matches!(built, Err(ConfigError::Endpoint(_))), "{:?}", built);
            return Ok(());
        };
        for path in [oracle::SEND_EVENT_PATH, oracle::CONNECTION_PATH] {
            prop_assert_eq!(endpoint.operation_uri(path).to_string(), oracle::expected_operation_uri(&url, path));
        }
        let uri: http::Uri = url.parse().expect("usable");
        let https = uri.scheme_str() == Some("https");
        let loopback = oracle::is_loopback_host(uri.host().unwrap_or_default());
        prop_assert_eq!(endpoint.is_https(), https);
        prop_assert_eq!(endpoint.is_loopback(), loopback);
        match built {
            Ok(config) => {
                prop_assert!(https || loopback || allow_insecure_http);
                prop_assert_eq!(config.endpoint(), &endpoint);
            }
            Err(ConfigError::InsecureHttp { url: refused }) => {
                prop_assert!(!https && !loopback && !allow_insecure_http);
                prop_assert_eq!(refused, url);
            }
            Err(e) => prop_assert!(false, "{:?}", e),
        }
    }

    /// The environment: blank values unset, `AWS_REGION` before
    /// `AWS_DEFAULT_REGION`, the service's endpoint variable before the
    /// general one, booleans and attempt counts as the spec reads them (the
    /// first bad one an error naming it), explicit settings winning in
    /// either order.
    #[test]
    fn environment_settings_follow_the_spec(
        env in environment(),
        explicit_region in proptest::option::of(prop::sample::select(&["eu-west-1", "cn-north-1"][..])),
        explicit_attempts in proptest::option::of(1u32..=9),
        explicit_first in any::<bool>(),
    ) {
        let lookup = |name: &str| env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        let first = |a: &str, b: &str| {
            oracle::non_blank(lookup(a))
                .or_else(|| oracle::non_blank(lookup(b)))
                .map(|v| v.trim().to_owned())
        };
        let flag = |name: &'static str| match oracle::non_blank(lookup(name)) {
            Some(v) => oracle::parse_bool_setting(&v).ok_or(name),
            None => Ok(false),
        };
        let attempts = match oracle::non_blank(lookup("AWS_MAX_ATTEMPTS")) {
            Some(v) => oracle::parse_attempts_setting(&v).map(Some).ok_or("AWS_MAX_ATTEMPTS"),
            None => Ok(None),
        };
        let (fips, dual_stack) = (flag("AWS_USE_FIPS_ENDPOINT"), flag("AWS_USE_DUALSTACK_ENDPOINT"));
        let bad = [fips.err(), dual_stack.err(), attempts.err()].into_iter().flatten().next();

        let explicit = |mut b: connect_participant_core::config::ConfigBuilder| {
            if let Some(r) = explicit_region {
                b = b.region(r);
            }
            if let Some(n) = explicit_attempts {
                b = b.max_attempts(n);
            }
            b
        };
        let mut builder = Config::builder();
        if explicit_first {
            builder = explicit(builder);
        }
        let builder = match (builder.with_env(lookup), bad) {
            (Ok(b), None) => b,
            (Err(ConfigError::InvalidSetting { name, .. }), Some(bad)) => {
                prop_assert_eq!(name, bad);
                return Ok(());
            }
            (got, bad) => return Err(TestCaseError::fail(format!("bad setting {bad:?}, got {got:?}"))),
        };
        let builder = if explicit_first { builder } else { explicit(builder) };
        let params = EndpointParams {
            region: explicit_region.map(str::to_owned).or_else(|| first("AWS_REGION", "AWS_DEFAULT_REGION")),
            use_fips: fips.unwrap_or(false),
            use_dual_stack: dual_stack.unwrap_or(false),
            endpoint: first("AWS_ENDPOINT_URL_CONNECTPARTICIPANT", "AWS_ENDPOINT_URL"),
        };
        let want_attempts = explicit_attempts
            .or(attempts.ok().flatten())
            .unwrap_or(oracle::DEFAULT_MAX_ATTEMPTS);
        match (check_resolve(&params)?, builder.build()) {
            (Some(endpoint), Ok(config)) => {
                prop_assert_eq!(config.endpoint(), &endpoint);
                prop_assert_eq!(config.retry().max_attempts(), want_attempts);
            }
            (Some(endpoint), Err(ConfigError::InsecureHttp { .. })) => {
                prop_assert!(!endpoint.is_https() && !endpoint.is_loopback());
            }
            (None, Err(ConfigError::Endpoint(_))) => {}
            (want, got) => prop_assert!(false, "{:?}: resolved {:?}, built {:?}", params, want, got),
        }
    }
}
