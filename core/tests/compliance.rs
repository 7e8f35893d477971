//! Response parsing against the table in `tests/data/error_cases.json`: the
//! restJson1 compliance cases of docs/spec.md, the five modeled errors, the
//! message fallbacks, odd bodies and the success shapes.
//!
//! Every case is parsed with `parse_response` and also fed to a `Call`, so
//! the class it is given (throttling, transient, final) is checked against
//! what the call actually does with it. All mismatches are collected and
//! reported with the case's name.

use connect_participant_core::error::{ResponseError, ServiceError, MAX_EXCERPT_BYTES};
use connect_participant_core::retry::RetryClass;
use connect_participant_core::wire::parse_response;
use connect_participant_core::{
    Client, Config, Error, Next, SendEvent, SendEventOutput, ServiceErrorKind,
};
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
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    #[serde(default)]
    body_repeat: Option<Repeat>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Repeat {
    text: String,
    times: usize,
}

#[derive(Deserialize, Debug)]
#[serde(tag = "variant", rename_all = "snake_case", deny_unknown_fields)]
enum Expect {
    Output {
        id: Option<String>,
        absolute_time: Option<String>,
        request_id: Option<String>,
    },
    Service {
        status: u16,
        kind: Kind,
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
        class: Class,
        retry_after_ms: Option<u64>,
    },
    Malformed {
        status: u16,
        request_id: Option<String>,
        excerpt_starts_with: String,
    },
}

#[derive(Deserialize, Debug, Clone, Copy)]
enum Kind {
    AccessDenied,
    Conflict,
    InternalServer,
    Throttling,
    Validation,
    Unmodeled,
}

impl Kind {
    fn to_core(self) -> ServiceErrorKind {
        match self {
            Kind::AccessDenied => ServiceErrorKind::AccessDenied,
            Kind::Conflict => ServiceErrorKind::Conflict,
            Kind::InternalServer => ServiceErrorKind::InternalServer,
            Kind::Throttling => ServiceErrorKind::Throttling,
            Kind::Validation => ServiceErrorKind::Validation,
            Kind::Unmodeled => ServiceErrorKind::Unmodeled,
        }
    }
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Class {
    Throttling,
    Transient,
    Final,
}

impl Class {
    fn to_core(self) -> RetryClass {
        match self {
            Class::Throttling => RetryClass::Throttling,
            Class::Transient => RetryClass::Transient,
            Class::Final => RetryClass::Final,
        }
    }
}

fn load() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/error_cases.json");
    let text = std::fs::read_to_string(path).expect("read error_cases.json");
    let table: Table = serde_json::from_str(&text).expect("error_cases.json matches the schema");
    table.cases
}

impl Case {
    fn body_bytes(&self) -> Vec<u8> {
        let mut body = self.body.clone();
        if let Some(r) = &self.body_repeat {
            body.push_str(&r.text.repeat(r.times));
        }
        body.into_bytes()
    }

    fn response(&self) -> http::Response<Vec<u8>> {
        let mut builder = http::Response::builder().status(self.status);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder
            .body(self.body_bytes())
            .unwrap_or_else(|e| panic!("{}: bad response in table: {e}", self.name))
    }
}

/// Collects mismatches of one case as text.
struct Check<'a> {
    case: &'a str,
    problems: Vec<String>,
}

impl Check<'_> {
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        if got != want {
            self.problems.push(format!(
                "[{}] {what}: got {got:?}, want {want:?}",
                self.case
            ));
        }
    }

    fn fail(&mut self, text: String) {
        self.problems.push(format!("[{}] {text}", self.case));
    }
}

fn check_output(c: &mut Check<'_>, out: &SendEventOutput, expect: &Expect) {
    let Expect::Output {
        id,
        absolute_time,
        request_id,
    } = expect
    else {
        return c.fail(format!("got output {out:?}, want {expect:?}"));
    };
    c.eq("id", out.id.as_deref(), id.as_deref());
    c.eq(
        "absolute_time",
        out.absolute_time.as_deref(),
        absolute_time.as_deref(),
    );
    c.eq(
        "request_id",
        out.request_id.as_deref(),
        request_id.as_deref(),
    );
    c.eq("attempts", out.attempts, 1);
}

fn check_service(c: &mut Check<'_>, err: &ServiceError, expect: &Expect) {
    let Expect::Service {
        status,
        kind,
        code,
        message,
        request_id,
        class,
        retry_after_ms,
    } = expect
    else {
        return c.fail(format!("got service error {err:?}, want {expect:?}"));
    };
    c.eq("status", err.status().as_u16(), *status);
    c.eq("kind", err.kind(), kind.to_core());
    c.eq("code", err.code(), code.as_deref());
    c.eq("message", err.message(), message.as_deref());
    c.eq("request_id", err.request_id(), request_id.as_deref());
    c.eq("class", err.retry_class(), class.to_core());
    c.eq(
        "is_throttling",
        err.is_throttling(),
        matches!(class, Class::Throttling),
    );
    c.eq(
        "retry_after",
        err.retry_after(),
        retry_after_ms.map(std::time::Duration::from_millis),
    );
    // The display a user sees names the code (or says it is unknown), the
    // status and the request id.
    let shown = err.to_string();
    let code_shown = code.as_deref().unwrap_or("unknown error");
    if !shown.contains(code_shown) || !shown.contains(&status.to_string()) {
        c.fail(format!("display {shown:?} lacks code or status"));
    }
    if let Some(id) = request_id {
        if !shown.contains(id.as_str()) {
            c.fail(format!("display {shown:?} lacks the request id"));
        }
    }
}

fn check_parse(case: &Case, c: &mut Check<'_>) {
    let response = case.response();
    match parse_response::<SendEvent, _>(&response) {
        Ok(out) => check_output(c, &out, &case.expect),
        Err(ResponseError::Service(err)) => check_service(c, &err, &case.expect),
        Err(ResponseError::Malformed(m)) => {
            let Expect::Malformed {
                status,
                request_id,
                excerpt_starts_with,
            } = &case.expect
            else {
                return c.fail(format!("got malformed {m:?}, want {:?}", case.expect));
            };
            c.eq("status", m.status().as_u16(), *status);
            c.eq("request_id", m.request_id(), request_id.as_deref());
            let body = String::from_utf8(case.body_bytes()).expect("table bodies are UTF-8");
            let excerpt = m.excerpt();
            if excerpt.len() > MAX_EXCERPT_BYTES {
                c.fail(format!(
                    "excerpt is {} bytes, over {MAX_EXCERPT_BYTES}",
                    excerpt.len()
                ));
            }
            if !excerpt.starts_with(excerpt_starts_with.as_str()) {
                c.fail(format!("excerpt {excerpt:?} does not start as expected"));
            }
            if !body.starts_with(excerpt) {
                c.fail(format!("excerpt {excerpt:?} is not a prefix of the body"));
            }
            // A long body is cut near the limit, not far before it (at
            // most one split character, up to 3 bytes, is dropped).
            if body.len() > MAX_EXCERPT_BYTES && excerpt.len() + 4 <= MAX_EXCERPT_BYTES {
                c.fail(format!("excerpt cut too short: {} bytes", excerpt.len()));
            }
            if m.reason().is_empty() {
                c.fail("malformed response without a reason".into());
            }
        }
        Err(other) => c.fail(format!("unexpected error variant {other:?}")),
    }
}

/// What a call does with the same response as its first attempt's outcome.
fn check_call(case: &Case, c: &mut Check<'_>) {
    let client = Client::new(Config::for_endpoint("http://127.0.0.1:9").expect("config"));
    let mut call = client
        .start(SendEvent::typing("compliance-token"), [3; 32])
        .expect("valid input");
    let _request = call.next_request();
    let next = call.finish_attempt(Ok(case.response()));
    match (&case.expect, next) {
        (Expect::Output { .. }, Next::Done(Ok(out))) => check_output(c, &out, &case.expect),
        (
            Expect::Service {
                class: Class::Final,
                ..
            },
            Next::Done(Err(Error::Service { error, attempts })),
        ) => {
            c.eq("call attempts", attempts, 1);
            check_service(c, &error, &case.expect);
        }
        (
            Expect::Service {
                class: Class::Throttling | Class::Transient,
                ..
            },
            Next::RetryAfter { .. },
        ) => {}
        (Expect::Malformed { .. }, Next::Done(Err(Error::MalformedResponse { attempts, .. }))) => {
            c.eq("call attempts", attempts, 1);
        }
        (expect, next) => c.fail(format!("call gave {next:?} for {expect:?}")),
    }
}

#[test]
fn every_case_in_the_table_parses_as_expected() {
    let cases = load();
    assert!(cases.len() >= 30, "the table lost cases: {}", cases.len());
    let mut names = std::collections::HashSet::new();
    let mut problems = Vec::new();
    for case in &cases {
        assert!(
            names.insert(case.name.as_str()),
            "duplicate case {}",
            case.name
        );
        let mut c = Check {
            case: &case.name,
            problems: Vec::new(),
        };
        check_parse(case, &mut c);
        check_call(case, &mut c);
        problems.extend(c.problems);
    }
    assert!(
        problems.is_empty(),
        "{} mismatch(es):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_table_covers_every_compliance_case_and_modeled_error() {
    let cases = load();
    let compliance: Vec<&Case> = cases
        .iter()
        .filter(|c| c.name.starts_with("restJson1 "))
        .collect();
    assert_eq!(
        compliance.len(),
        11,
        "docs/spec.md lists 11 compliance cases"
    );
    for case in compliance {
        assert_eq!(case.status, 500, "{}", case.name);
        assert!(
            matches!(&case.expect, Expect::Service { code: Some(c), .. } if c == "FooError"),
            "{}",
            case.name
        );
    }
    for (code, status) in [
        ("AccessDeniedException", 403),
        ("ConflictException", 409),
        ("InternalServerException", 500),
        ("ThrottlingException", 429),
        ("ValidationException", 400),
    ] {
        assert!(
            cases.iter().any(|c| c.status == status
                && c.body.contains("\"message\"")
                && matches!(&c.expect, Expect::Service { code: Some(x), message: Some(_), .. } if x == code)),
            "no case for {code} {status} with a lower-case message"
        );
    }
}

#[test]
fn a_case_that_does_not_match_fails_with_its_name() {
    // The checker itself must be able to fail: a deliberately wrong
    // expectation is reported under the case's name.
    let case = Case {
        name: "deliberately wrong".into(),
        status: 409,
        headers: vec![("X-Amzn-Errortype".into(), "ConflictException".into())],
        body: String::new(),
        body_repeat: None,
        expect: Expect::Service {
            status: 409,
            kind: Kind::Validation,
            code: Some("ConflictException".into()),
            message: None,
            request_id: None,
            class: Class::Final,
            retry_after_ms: None,
        },
    };
    let mut c = Check {
        case: &case.name,
        problems: Vec::new(),
    };
    check_parse(&case, &mut c);
    assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
    assert!(c.problems[0].starts_with("[deliberately wrong] kind"));
}
