//! Endpoint resolution against `tests/data/endpoints.json`: docs/spec.md's examples,
//! the FIPS x dual-stack x custom-endpoint grid for one region of each of the
//! 8 partitions, missing and invalid regions, and base paths. The expected
//! values were computed by hand from the spec, not by running the code.

use connect_participant_core::endpoint::{resolve_endpoint, EndpointError, EndpointParams};
use connect_participant_core::{Client, Config, ConfigError, SendEvent};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[allow(dead_code)]
    about: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    region: Option<String>,
    use_fips: bool,
    use_dual_stack: bool,
    endpoint: Option<String>,
    expect: Expect,
}

#[derive(Deserialize, Debug)]
#[serde(untagged, deny_unknown_fields)]
enum Expect {
    Url { url: String, event_uri: String },
    Error { error: String },
    ErrorContains { error_contains: Vec<String> },
}

fn load() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/endpoints.json");
    let text = std::fs::read_to_string(path).expect("read endpoints.json");
    let table: Table = serde_json::from_str(&text).expect("endpoints.json matches the schema");
    table.cases
}

impl Case {
    fn params(&self) -> EndpointParams {
        EndpointParams {
            region: self.region.clone(),
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
            endpoint: self.endpoint.clone(),
        }
    }

    fn config(&self) -> Result<Config, ConfigError> {
        let mut b = Config::builder()
            .use_fips(self.use_fips)
            .use_dual_stack(self.use_dual_stack);
        if let Some(r) = &self.region {
            b = b.region(r.as_str());
        }
        if let Some(e) = &self.endpoint {
            b = b.endpoint_url(e.as_str());
        }
        b.build()
    }
}

/// Checks one case through `resolve_endpoint`, through `Config` and, for a
/// URL, through the request a call sends.
fn check(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let mut fail = |text: String| problems.push(format!("[{}] {text}", case.name));
    let resolved = resolve_endpoint(&case.params());
    let configured = case.config();
    match (&case.expect, resolved, configured) {
        (Expect::Url { url, event_uri }, Ok(endpoint), Ok(config)) => {
            if endpoint.as_str() != url {
                fail(format!("url {:?}, want {url:?}", endpoint.as_str()));
            }
            if endpoint.operation_uri("/participant/event").to_string() != *event_uri {
                fail(format!(
                    "event_uri {}, want {event_uri:?}",
                    endpoint.operation_uri("/participant/event")
                ));
            }
            if !endpoint.is_https() {
                fail("not https".into());
            }
            if config.endpoint() != &endpoint {
                fail(format!("config endpoint {:?} differs", config.endpoint()));
            }
            let mut call = Client::new(config)
                .start(SendEvent::typing("endpoint-token"), [0; 32])
                .expect("valid input");
            let request = call.next_request();
            if request.uri().to_string() != *event_uri {
                fail(format!("request goes to {}", request.uri()));
            }
        }
        (Expect::Error { error }, Err(e), Err(ce)) => {
            if e.to_string() != *error {
                fail(format!("error {:?}, want {error:?}", e.to_string()));
            }
            // The configuration error adds what fixes it after the rule set's text.
            if ce != ConfigError::Endpoint(e.clone()) || !ce.to_string().starts_with(error.as_str())
            {
                fail(format!("config error {ce:?} differs from {e:?}"));
            }
        }
        (Expect::ErrorContains { error_contains }, Err(e), Err(ce)) => {
            let text = e.to_string();
            for part in error_contains {
                if !text.contains(part.as_str()) {
                    fail(format!("error {text:?} lacks {part:?}"));
                }
            }
            if ce != ConfigError::Endpoint(e.clone()) {
                fail(format!("config error {ce:?} differs from {e:?}"));
            }
        }
        (expect, resolved, configured) => fail(format!(
            "want {expect:?}, resolve_endpoint gave {resolved:?}, config gave {configured:?}"
        )),
    }
    problems
}

#[test]
fn every_case_in_the_table_resolves_as_expected() {
    let cases = load();
    let problems: Vec<String> = cases.iter().flat_map(check).collect();
    assert!(
        problems.is_empty(),
        "{} mismatch(es):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_table_has_the_full_grid_for_every_partition() {
    let cases = load();
    let regions = [
        "us-west-2",
        "cn-north-1",
        "us-gov-west-1",
        "us-iso-east-1",
        "us-isob-east-1",
        "eu-isoe-west-1",
        "us-isof-south-1",
        "eusc-de-east-1",
    ];
    for region in regions {
        for fips in [false, true] {
            for dual in [false, true] {
                for custom in [None, Some("https://example.com/base")] {
                    assert!(
                        cases.iter().any(|c| c.region.as_deref() == Some(region)
                            && c.use_fips == fips
                            && c.use_dual_stack == dual
                            && c.endpoint.as_deref() == custom),
                        "missing {region} fips={fips} dual={dual} custom={custom:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_checker_reports_a_wrong_expectation() {
    let case = Case {
        name: "deliberately wrong".into(),
        region: Some("us-isob-east-1".into()),
        use_fips: false,
        use_dual_stack: false,
        endpoint: None,
        expect: Expect::Url {
            url: "https://participant.connect.us-isob-east-1.c2s.ic.gov".into(),
            event_uri: "https://participant.connect.us-isob-east-1.c2s.ic.gov/participant/event"
                .into(),
        },
    };
    let problems = check(&case);
    assert!(!problems.is_empty());
    assert!(problems[0].starts_with("[deliberately wrong]"));
}

#[test]
fn invalid_region_is_an_error_naming_it() {
    let params = EndpointParams {
        region: Some("us east 1".into()),
        ..Default::default()
    };
    assert_eq!(
        resolve_endpoint(&params),
        Err(EndpointError::InvalidRegion("us east 1".into()))
    );
}

fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

fn url_from_env(pairs: &[(&str, &str)]) -> String {
    Config::builder()
        .with_env(env(pairs))
        .expect("valid env")
        .build()
        .expect("config")
        .endpoint()
        .as_str()
        .to_owned()
}

#[test]
fn environment_settings_choose_the_endpoint() {
    assert_eq!(
        url_from_env(&[("AWS_DEFAULT_REGION", "eu-west-1")]),
        "https://participant.connect.eu-west-1.amazonaws.com"
    );
    assert_eq!(
        url_from_env(&[
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWS_REGION", "cn-northwest-1")
        ]),
        "https://participant.connect.cn-northwest-1.amazonaws.com.cn"
    );
    assert_eq!(
        url_from_env(&[
            ("AWS_REGION", "us-gov-east-1"),
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
        ]),
        "https://participant.connect-fips.us-gov-east-1.api.aws"
    );
    assert_eq!(
        url_from_env(&[
            ("AWS_REGION", "us-west-2"),
            ("AWS_ENDPOINT_URL", "https://all.example.com"),
            (
                "AWS_ENDPOINT_URL_CONNECTPARTICIPANT",
                "https://participant.example.com/base"
            ),
        ]),
        "https://participant.example.com/base"
    );
    assert_eq!(
        url_from_env(&[("AWS_ENDPOINT_URL", "https://all.example.com/x")]),
        "https://all.example.com/x"
    );
    // An explicit setting after the environment wins.
    let config = Config::builder()
        .with_env(env(&[
            ("AWS_REGION", "us-west-2"),
            ("AWS_MAX_ATTEMPTS", "5"),
        ]))
        .expect("valid env")
        .region("ap-southeast-2")
        .build()
        .expect("config");
    assert_eq!(
        config.endpoint().as_str(),
        "https://participant.connect.ap-southeast-2.amazonaws.com"
    );
    assert_eq!(config.retry().max_attempts(), 5);
    // FIPS from the environment with a custom endpoint is the rule set's error.
    let err = Config::builder()
        .with_env(env(&[
            ("AWS_ENDPOINT_URL", "https://example.com"),
            ("AWS_USE_FIPS_ENDPOINT", "true"),
        ]))
        .expect("valid env")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Invalid Configuration: FIPS and custom endpoint are not supported \
         (turn off ConfigBuilder::use_fips and AWS_USE_FIPS_ENDPOINT, or drop the endpoint URL)"
    );
    // Nothing set at all.
    let err = Config::builder()
        .with_env(env(&[]))
        .expect("valid env")
        .build()
        .unwrap_err();
    // The rule set's text, then what fixes it: the setting and the variable.
    let text = err.to_string();
    assert!(
        text.starts_with("Invalid Configuration: Missing Region ("),
        "{text}"
    );
    assert!(
        text.contains("region") && text.contains("AWS_REGION"),
        "{text}"
    );
}
