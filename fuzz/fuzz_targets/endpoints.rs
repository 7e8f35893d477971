//! Endpoint resolution and the environment settings, checked against
//! docs/spec.md (the oracle in core/tests/support/oracle.rs).
#![no_main]

use connect_participant_core::config::{ConfigBuilder, ConfigError};
use connect_participant_core::endpoint::{
    resolve_endpoint, Endpoint, EndpointError, EndpointParams,
};
use connect_participant_core::Config;
use connect_participant_fuzz::input::EndpointInput;
use connect_participant_fuzz::oracle::{
    custom_endpoint_ok, expected_endpoint, expected_operation_uri, is_host_label, is_loopback_host,
    non_blank, parse_attempts_setting, parse_bool_setting, CONNECTION_PATH, DEFAULT_MAX_ATTEMPTS,
    DUAL_STACK_WITH_CUSTOM_TEXT, FIPS_WITH_CUSTOM_TEXT, INVALID_CONFIGURATION, MISSING_REGION_TEXT,
    SEND_EVENT_PATH,
};
use libfuzzer_sys::fuzz_target;

/// A custom endpoint that worked: it is kept as given, sends each operation
/// to its base path (trailing slashes dropped) followed by the operation's
/// path, over its own scheme; https and loopback as the spec defines them.
fn check_custom(url: &str, endpoint: &Endpoint) {
    assert_eq!(endpoint.as_str(), url);
    for path in [SEND_EVENT_PATH, CONNECTION_PATH] {
        assert_eq!(
            endpoint.operation_uri(path).to_string(),
            expected_operation_uri(url, path)
        );
    }
    let given: http::Uri = url.parse().expect("a usable URL parses");
    assert_eq!(endpoint.is_https(), given.scheme_str() == Some("https"));
    assert_eq!(
        endpoint.is_loopback(),
        is_loopback_host(given.host().unwrap_or_default())
    );
}

/// What `resolve_endpoint` must do, per the spec.
fn check_resolve(params: &EndpointParams) -> Option<Endpoint> {
    let result = resolve_endpoint(params);
    if let Some(url) = &params.endpoint {
        if params.use_fips {
            assert_eq!(result, Err(EndpointError::FipsWithCustomEndpoint));
            assert_eq!(result.unwrap_err().to_string(), FIPS_WITH_CUSTOM_TEXT);
            return None;
        }
        if params.use_dual_stack {
            assert_eq!(result, Err(EndpointError::DualStackWithCustomEndpoint));
            assert_eq!(result.unwrap_err().to_string(), DUAL_STACK_WITH_CUSTOM_TEXT);
            return None;
        }
        return match result {
            Ok(e) => {
                assert!(custom_endpoint_ok(url), "accepted {url:?}");
                check_custom(url, &e);
                Some(e)
            }
            Err(EndpointError::InvalidEndpoint(e)) => {
                assert!(e.to_string().starts_with(INVALID_CONFIGURATION));
                assert!(
                    !custom_endpoint_ok(url),
                    "refused the usable endpoint {url:?}: {e}"
                );
                None
            }
            Err(e) => panic!("custom endpoint {url:?}: unexpected {e:?}"),
        };
    }
    let Some(region) = &params.region else {
        assert_eq!(result, Err(EndpointError::MissingRegion));
        assert_eq!(result.unwrap_err().to_string(), MISSING_REGION_TEXT);
        return None;
    };
    if !is_host_label(region) {
        assert!(
            matches!(&result, Err(EndpointError::InvalidRegion(r)) if r == region),
            "region {region:?} is not a host label, got {result:?}"
        );
        return None;
    }
    let endpoint = result.unwrap_or_else(|e| panic!("region {region:?}: {e}"));
    let expected = expected_endpoint(region, params.use_fips, params.use_dual_stack);
    assert_eq!(endpoint.as_str(), expected);
    assert!(endpoint.as_str().starts_with("https://") && endpoint.is_https());
    assert!(!endpoint.is_loopback());
    for path in [SEND_EVENT_PATH, CONNECTION_PATH] {
        assert_eq!(
            endpoint.operation_uri(path).to_string(),
            format!("{expected}{path}")
        );
    }
    Some(endpoint)
}

/// Sets the input's region, endpoint, FIPS and dual-stack explicitly.
fn explicit(mut b: ConfigBuilder, input: &EndpointInput) -> ConfigBuilder {
    if let Some(r) = &input.region {
        b = b.region(r.value());
    }
    if let Some(e) = &input.endpoint {
        b = b.endpoint_url(e.value());
    }
    b.use_fips(input.use_fips)
        .use_dual_stack(input.use_dual_stack)
}

fn check_env(input: &EndpointInput) {
    let lookup = |name: &str| input.lookup(name);
    let first = |a: &str, b: &str| {
        non_blank(lookup(a))
            .or_else(|| non_blank(lookup(b)))
            .map(|v| v.trim().to_owned())
    };
    // Explicit settings win over the environment's, in either order.
    let set = |v: Option<String>, env: Option<String>| match v {
        Some(v) if input.explicit => Some(v),
        _ => env,
    };
    let region = set(
        input.region.as_ref().map(|t| t.value()),
        first("AWS_REGION", "AWS_DEFAULT_REGION"),
    );
    let endpoint = set(
        input.endpoint.as_ref().map(|t| t.value()),
        first("AWS_ENDPOINT_URL_CONNECTPARTICIPANT", "AWS_ENDPOINT_URL"),
    );
    let setting = |name: &'static str| non_blank(lookup(name)).map(|v| (name, v));

    // The first bad setting, in the order the core reads them.
    let bool_setting = |name: &'static str| match setting(name) {
        Some((_, v)) => parse_bool_setting(&v).ok_or((name, v)),
        None => Ok(false),
    };
    let fips = bool_setting("AWS_USE_FIPS_ENDPOINT");
    let dual_stack = bool_setting("AWS_USE_DUALSTACK_ENDPOINT");
    let attempts = match setting("AWS_MAX_ATTEMPTS") {
        Some((name, v)) => parse_attempts_setting(&v).map(Some).ok_or((name, v)),
        None => Ok(None),
    };
    let bad = [
        fips.clone().err(),
        dual_stack.clone().err(),
        attempts.clone().err(),
    ]
    .into_iter()
    .flatten()
    .next();
    let (mut use_fips, mut use_dual_stack) = (fips.unwrap_or(false), dual_stack.unwrap_or(false));
    if input.explicit {
        (use_fips, use_dual_stack) = (input.use_fips, input.use_dual_stack);
    }

    let mut builder = Config::builder();
    if input.explicit && !input.explicit_after_env {
        builder = explicit(builder, input);
    }
    let builder = match (builder.with_env(lookup), bad) {
        (Ok(b), None) => b,
        (Err(e @ ConfigError::InvalidSetting { .. }), Some((bad_name, bad_value))) => {
            assert!(
                e.to_string().contains(bad_name),
                "{e} does not name {bad_name}"
            );
            let ConfigError::InvalidSetting { name, value, .. } = e else {
                unreachable!()
            };
            assert_eq!(name, bad_name);
            assert_eq!(value, bad_value);
            return;
        }
        (Err(e), Some((bad_name, _))) => panic!("{bad_name} is bad, got {e:?}"),
        (Err(e), None) => panic!("no bad setting, got {e:?}"),
        (Ok(_), Some((name, value))) => panic!("accepted {name}={value:?}"),
    };
    let builder = if input.explicit && input.explicit_after_env {
        explicit(builder, input)
    } else {
        builder
    };
    let params = EndpointParams {
        region,
        use_fips,
        use_dual_stack,
        endpoint,
    };
    let built = builder.build();
    match (check_resolve(&params), built) {
        (Some(endpoint), Ok(config)) => {
            assert_eq!(config.endpoint(), &endpoint);
            assert!(endpoint.is_https() || endpoint.is_loopback());
            let want = attempts.ok().flatten().unwrap_or(DEFAULT_MAX_ATTEMPTS);
            assert_eq!(config.retry().max_attempts(), want);
        }
        (Some(endpoint), Err(ConfigError::InsecureHttp { url })) => {
            assert!(!endpoint.is_https() && !endpoint.is_loopback());
            assert_eq!(url, endpoint.as_str());
        }
        (None, Err(ConfigError::Endpoint(_))) => {}
        (expected, got) => panic!("{params:?}: resolved {expected:?}, built {got:?}"),
    }
}

fuzz_target!(|input: EndpointInput| {
    let params = EndpointParams {
        region: input.region.as_ref().map(|t| t.value()),
        use_fips: input.use_fips,
        use_dual_stack: input.use_dual_stack,
        endpoint: input.endpoint.as_ref().map(|t| t.value()),
    };
    check_resolve(&params);
    check_env(&input);
});
