//! Writes the committed seed corpora under `fuzz/seeds/<target>/`.
//!
//! Run from `fuzz/`: `cargo run --example gen_seeds`. Each seed is an input
//! value encoded in its target's byte format; the generator checks that the
//! target decodes the bytes back to the same value.

use std::fs;
use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use connect_participant_fuzz::input::{
    outcome, CallInput, CallSpec, ContentChoice, ContentTypeChoice, EndpointInput, EnvEntry,
    EventChoice, RequestInput, ResponseInput, Step, Text, ENV_NAMES, FIXED_CONTENTS,
};

const U: &str = "http://internal.amazon.com/coral/com.amazon.coral.validate/";

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(target);
    fs::create_dir_all(&dir).expect("create the seed directory");
    fs::write(dir.join(name), bytes).expect("write a seed");
}

fn decode<'a, T: Arbitrary<'a>>(bytes: &'a [u8]) -> T {
    T::arbitrary_take_rest(Unstructured::new(bytes)).expect("a seed decodes")
}

fn responses() {
    let r = ResponseInput::new;
    let compliance = [
        ("XAmznErrorType", r(500).header("X-Amzn-Errortype", "FooError")),
        (
            "XAmznErrorTypeWithUri",
            r(500).header("X-Amzn-Errortype", format!("FooError:{U}")),
        ),
        (
            "XAmznErrorTypeWithUriAndNamespace",
            r(500).header(
                "X-Amzn-Errortype",
                format!("aws.protocoltests.restjson#FooError:{U}"),
            ),
        ),
        (
            "XAmznErrorTypeWithUriAndDifferentNamespace",
            r(500).header(
                "X-Amzn-Errortype",
                format!("aws.different.namespace#FooError:{U}"),
            ),
        ),
        ("UsingCode", r(500).body(r#"{"code": "FooError"}"#)),
        (
            "UsingCodeAndNamespace",
            r(500).body(r#"{"code": "aws.protocoltests.restjson#FooError"}"#),
        ),
        (
            "UsingCodeUriAndNamespace",
            r(500).body(format!(
                r#"{{"code": "aws.protocoltests.restjson#FooError:{U}"}}"#
            )),
        ),
        ("WithDunderType", r(500).body(r#"{"__type": "FooError"}"#)),
        (
            "WithDunderTypeAndNamespace",
            r(500).body(r#"{"__type": "aws.protocoltests.restjson#FooError"}"#),
        ),
        (
            "WithDunderTypeUriAndNamespace",
            r(500).body(format!(
                r#"{{"__type": "aws.protocoltests.restjson#FooError:{U}"}}"#
            )),
        ),
        (
            "WithNestedTypeProperty",
            r(500).body(r#"{"__type":"aws.protocoltests.restjson#FooError","ErrorDetails":[{"__type":"com.amazon.internal#ErrorDetails","reason":"Some reason"}]}"#),
        ),
    ];
    let mut big_invalid = b"!".to_vec();
    big_invalid.extend("é".repeat(700).bytes());
    big_invalid.extend([0xff; 300]);
    let others = [
        (
            "ok-full",
            r(200)
                .header("x-amzn-RequestId", "req-1")
                .body(r#"{"Id":"ev-1","AbsoluteTime":"2019-11-08T02:41:28.172Z"}"#),
        ),
        ("ok-empty", r(200)),
        // The usual success body's shape and its near misses (once the
        // shape of a fast path, removed in the reshape; kept as seeds).
        ("ok-plain-reversed", r(200).body(r#"{"AbsoluteTime":"t","Id":"é"}"#)),
        ("ok-plain-empty", r(200).body(r#"{"Id":"","AbsoluteTime":""}"#)),
        ("plain-escape", r(200).body(r#"{"Id":"a\u0041","AbsoluteTime":"t"}"#)),
        ("plain-control", r(200).body(b"{\"Id\":\"a\x01\",\"AbsoluteTime\":\"t\"}")),
        ("plain-invalid-utf8", r(200).body(b"{\"Id\":\"\xff\",\"AbsoluteTime\":\"t\"}")),
        ("plain-repeated", r(200).body(r#"{"Id":"a","AbsoluteTime":"t","Id":"b"}"#)),

        ("ok-whitespace", r(200).body(" \n\t\r")),
        (
            "ok-nulls-unknown",
            r(200).body(r#"{"Id":null,"AbsoluteTime":"t","New":{"x":[1,2.5e3,true]}}"#),
        ),
        ("ok-escapes", r(200).body(r#"{"Id":"a\"b\u00e9\ud83d\ude00"}"#)),
        ("ok-204", r(204).header("x-amzn-requestid", "req-2")),
        ("malformed-array", r(200).body("[]")),
        (
            "malformed-invalid-utf8-skipped",
            r(200).body(b"{\"Id\":\"a\",\"x\":\"\xff\"}"),
        ),
        (
            "malformed-array-pair",
            r(200).body(r#"["ev-1","2019-11-08T02:41:28.172Z"]"#),
        ),
        ("malformed-id-number", r(200).body(r#"{"Id":5}"#)),
        ("malformed-duplicate", r(200).body(r#"{"Id":"x","Id":"y"}"#)),
        ("malformed-trailing", r(200).body(r#"{"Id":"x"} trailing"#)),
        ("malformed-long", r(200).body(big_invalid)),
        (
            "conflict-409",
            r(409)
                .header("x-amzn-RequestId", "req-3")
                .header("X-Amzn-Errortype", "ConflictException")
                .body(r#"{"message":"Operation can not be performed due to the state of the contact."}"#),
        ),
        (
            "access-denied-403",
            r(403).body(r#"{"__type":"AccessDeniedException","Message":"chat ended"}"#),
        ),
        (
            "throttling-429-retry-after",
            r(429).header("x-amz-retry-after", "1500"),
        ),
        (
            "validation-400-code-upper",
            r(400).body(r#"{"Code":"x#ValidationException","errorMessage":"m"}"#),
        ),
        (
            "html-503-header",
            r(503)
                .header("X-Amzn-Errortype", "ServiceUnavailable")
                .header("content-type", "text/html")
                .body("<html><body>503</body></html>"),
        ),
        (
            "empty-code-falls-through",
            r(400)
                .header("x-amzn-errortype", "ns#")
                .body(r#"{"code":":x","Code":5,"__type":"RequestTimeout","message":null,"Message":"m"}"#),
        ),
        (
            "two-errortype-headers",
            r(400)
                .header("x-amzn-errortype", "First")
                .header("X-Amzn-Errortype", "Second"),
        ),
    ];
    for (name, input) in compliance.into_iter().chain(others) {
        let bytes = input.encode();
        assert_eq!(decode::<ResponseInput>(&bytes), input, "{name}");
        write("parse_response", name, &bytes);
    }
}

fn requests() {
    let base = |token: Text| RequestInput {
        token,
        content_type: ContentTypeChoice::Known(0),
        content: ContentChoice::None,
        client_token: None,
        endpoint: 0,
    };
    let t = Text::new;
    let fixed =
        |s: &str| ContentChoice::Fixed(FIXED_CONTENTS.iter().position(|c| *c == s).unwrap() as u8);
    let seeds = [
        ("typing", base(t("token-1"))),
        (
            "read-receipt",
            RequestInput {
                content_type: ContentTypeChoice::Known(2),
                content: ContentChoice::Receipt(t("11111111-aaaa-bbbb-cccc-EXAMPLE01234")),
                client_token: Some(t("my-idempotency-token")),
                endpoint: 1,
                ..base(t("token-2"))
            },
        ),
        (
            "delivered-receipt-escaped-id",
            RequestInput {
                content_type: ContentTypeChoice::Known(1),
                content: ContentChoice::Receipt(t("a\"b\\c\u{e9}")),
                endpoint: 3,
                ..base(t("token-3"))
            },
        ),
        (
            "receipt-id-not-string",
            RequestInput {
                content_type: ContentTypeChoice::Known(2),
                content: fixed(r#"{"messageId":5}"#),
                ..base(t("t"))
            },
        ),
        (
            "receipt-duplicate-id",
            RequestInput {
                content_type: ContentTypeChoice::Known(1),
                content: fixed(r#"{"messageId":"a","messageId":""}"#),
                ..base(t("t"))
            },
        ),
        (
            "receipt-missing-content",
            RequestInput {
                content_type: ContentTypeChoice::Known(1),
                ..base(t("t"))
            },
        ),
        (
            "acknowledged-empty-content",
            RequestInput {
                content_type: ContentTypeChoice::Known(3),
                content: fixed(""),
                ..base(t("t"))
            },
        ),
        (
            "future-type",
            RequestInput {
                content_type: ContentTypeChoice::Other(t("application/x-future")),
                content: ContentChoice::Raw(t("{}")),
                endpoint: 2,
                ..base(t("t"))
            },
        ),
        ("token-crlf", base(t("a\r\nb"))),
        ("token-leading-space", base(t(" lead"))),
        ("token-non-ascii", base(t("\u{e9}"))),
        ("token-empty", base(t(""))),
        ("token-1000", base(Text::repeated("a", 1000))),
        ("token-1001", base(Text::repeated("a", 1001))),
        (
            "content-type-100-emoji",
            RequestInput {
                content_type: ContentTypeChoice::Other(Text::repeated("\u{1f600}", 100)),
                ..base(t("t"))
            },
        ),
        (
            "content-type-101",
            RequestInput {
                content_type: ContentTypeChoice::Other(Text::repeated("x", 101)),
                ..base(t("t"))
            },
        ),
        (
            "content-16384-two-byte",
            RequestInput {
                content: ContentChoice::Raw(Text::repeated("\u{e9}", 16384)),
                ..base(t("t"))
            },
        ),
        (
            "content-16385-four-byte",
            RequestInput {
                content: ContentChoice::Raw(Text::repeated("\u{1f600}", 16385)),
                ..base(t("t"))
            },
        ),
        (
            "client-token-500",
            RequestInput {
                client_token: Some(Text::repeated("x", 500)),
                ..base(t("t"))
            },
        ),
        (
            "client-token-501",
            RequestInput {
                client_token: Some(Text::repeated("\u{e9}", 501)),
                ..base(t("t"))
            },
        ),
        (
            "client-token-empty",
            RequestInput {
                client_token: Some(t("")),
                ..base(t("t"))
            },
        ),
    ];
    for (name, input) in seeds {
        let bytes = input.encode();
        assert_eq!(decode::<RequestInput>(&bytes), input, "{name}");
        write("request_builder", name, &bytes);
    }
}

fn endpoints() {
    let region = |r: &str, fips: bool, dual: bool| EndpointInput {
        region: Some(Text::new(r)),
        use_fips: fips,
        use_dual_stack: dual,
        explicit: false,
        explicit_after_env: false,
        endpoint: None,
        env: Vec::new(),
    };
    let env = |pairs: &[(&str, &str)]| EndpointInput {
        region: None,
        use_fips: false,
        use_dual_stack: false,
        explicit: false,
        explicit_after_env: false,
        endpoint: None,
        env: pairs
            .iter()
            .map(|(k, v)| EnvEntry {
                name: ENV_NAMES.iter().position(|n| n == k).unwrap() as u8,
                value: Text::new(*v),
            })
            .collect(),
    };
    let with_env = |base: EndpointInput, pairs: &[(&str, &str)]| EndpointInput {
        env: env(pairs).env,
        ..base
    };
    let custom = |url: &str, fips: bool, dual: bool| EndpointInput {
        endpoint: Some(Text::new(url)),
        ..region("us-west-2", fips, dual)
    };
    let seeds = [
        ("us-west-2", region("us-west-2", false, false)),
        ("cn-north-1-dualstack", region("cn-north-1", false, true)),
        ("us-gov-west-1-fips", region("us-gov-west-1", true, false)),
        (
            "us-iso-east-1-fips-dualstack",
            region("us-iso-east-1", true, true),
        ),
        ("us-isob-east-1-fips", region("us-isob-east-1", true, false)),
        (
            "us-isof-south-1-dualstack",
            region("us-isof-south-1", false, true),
        ),
        ("eu-isoe-west-1", region("eu-isoe-west-1", false, false)),
        ("eusc-de-east-1-fips", region("eusc-de-east-1", true, false)),
        ("unknown-region-falls-back", region("xx-gov-1", true, false)),
        ("region-with-spaces", region("us east 1", false, false)),
        ("region-64-chars", region(&"a".repeat(64), false, false)),
        ("custom", custom("https://example.com/base/", false, false)),
        ("custom-fips", custom("https://example.com", true, false)),
        (
            "custom-dualstack",
            custom("https://example.com", false, true),
        ),
        ("custom-query", custom("https://h/?q=1", false, false)),
        ("custom-userinfo", custom("https://u:p@h/", false, false)),
        (
            "custom-ipv6-loopback",
            custom("http://[::1]:99", false, false),
        ),
        (
            "missing-region",
            EndpointInput {
                region: None,
                ..region("", false, false)
            },
        ),
        (
            "env-full",
            env(&[
                ("AWS_DEFAULT_REGION", "us-east-1"),
                ("AWS_REGION", " eu-west-2 "),
                ("AWS_USE_DUALSTACK_ENDPOINT", "TRUE"),
                ("AWS_USE_FIPS_ENDPOINT", "false"),
                ("AWS_MAX_ATTEMPTS", "5"),
                ("AWS_PROFILE", "ignored"),
            ]),
        ),
        (
            "env-endpoint",
            env(&[
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
                (
                    "AWS_ENDPOINT_URL_CONNECTPARTICIPANT",
                    "http://localhost:2/x",
                ),
            ]),
        ),
        (
            "env-insecure",
            env(&[("AWS_ENDPOINT_URL", "http://example.com")]),
        ),
        ("env-bad-bool", env(&[("AWS_USE_FIPS_ENDPOINT", "maybe")])),
        (
            "env-bad-dualstack",
            env(&[("AWS_USE_DUALSTACK_ENDPOINT", "1")]),
        ),
        ("env-attempts-zero", env(&[("AWS_MAX_ATTEMPTS", "0")])),
        (
            "env-attempts-huge",
            env(&[("AWS_MAX_ATTEMPTS", "4294967296")]),
        ),
        (
            "explicit-before-env-wins",
            EndpointInput {
                explicit: true,
                ..with_env(
                    region("eu-west-1", false, false),
                    &[
                        ("AWS_REGION", "us-west-2"),
                        ("AWS_USE_FIPS_ENDPOINT", "true"),
                        ("AWS_MAX_ATTEMPTS", "7"),
                    ],
                )
            },
        ),
        (
            "explicit-after-env-wins",
            EndpointInput {
                explicit: true,
                explicit_after_env: true,
                ..with_env(
                    custom("http://127.0.0.1:9/x", false, false),
                    &[
                        ("AWS_ENDPOINT_URL", "https://example.com"),
                        ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
                    ],
                )
            },
        ),
        (
            "env-blank-region",
            env(&[
                ("AWS_REGION", "  "),
                ("AWS_DEFAULT_REGION", "us-gov-east-1"),
            ]),
        ),
    ];
    for (name, input) in seeds {
        let bytes = input.encode();
        assert_eq!(decode::<EndpointInput>(&bytes), input, "{name}");
        write("endpoints", name, &bytes);
    }
}

fn calls() {
    let step = |name: &str, jitter: f64| Step {
        outcome: outcome(name),
        jitter,
        retry_after_ms: 0,
    };
    let call = |event: EventChoice, steps: Vec<Step>| CallSpec {
        event,
        random: [0x5a; 32],
        steps,
    };
    let one = |max: u8, quota: u16, steps: Vec<Step>| CallInput {
        max_attempts: max,
        quota,
        calls: vec![call(EventChoice::Typing, steps)],
    };
    let seeds = [
        (
            "throttled-then-ok",
            one(3, 500, vec![step("429", 0.5), step("200-output", 0.0)]),
        ),
        (
            "three-503s",
            one(3, 500, vec![step("503", 0.25), step("503", 0.75)]),
        ),
        (
            "conflict-final",
            one(3, 500, vec![step("409-conflict", 0.5)]),
        ),
        (
            "timeouts-drain-quota",
            one(10, 25, vec![step("timeout", 0.1); 10]),
        ),
        (
            "retry-after-hint",
            one(
                4,
                500,
                vec![
                    Step {
                        retry_after_ms: 60_000,
                        ..step("429-retry-after", 0.0)
                    },
                    Step {
                        retry_after_ms: 100,
                        ..step("503-retry-after", 0.9)
                    },
                    step("200-empty", 0.0),
                ],
            ),
        ),
        (
            "odd-jitters",
            one(
                10,
                500,
                vec![
                    step("503", f64::NAN),
                    step("connect", f64::INFINITY),
                    step("io", f64::NEG_INFINITY),
                    step("502-html", -1.0),
                    step("504", 1.5),
                    step("500-internal", 0.999_999),
                    step("400-prior-request", f64::MIN_POSITIVE),
                    step("503", 1e300),
                    step("429", 0.5),
                ],
            ),
        ),
        ("no-quota", one(3, 0, vec![step("503", 0.5)])),
        ("one-attempt", one(1, 500, vec![step("503", 0.5)])),
        (
            "malformed-after-retry",
            one(3, 500, vec![step("connect", 0.5), step("200-array", 0.5)]),
        ),
        (
            "shared-quota-many-calls",
            CallInput {
                max_attempts: 3,
                quota: 12,
                calls: vec![
                    call(
                        EventChoice::Typing,
                        vec![step("503", 0.5), step("200-output", 0.5)],
                    ),
                    call(EventChoice::ReadReceipt, vec![step("timeout", 0.5)]),
                    call(
                        EventChoice::TypingWithToken(Text::new("my-token")),
                        vec![step("tls", 0.5)],
                    ),
                    call(
                        EventChoice::DeliveredWithToken(Text::repeated("x", 501)),
                        vec![],
                    ),
                    call(EventChoice::Typing, vec![step("204-empty", 0.5)]),
                ],
            },
        ),
        (
            "conflict-on-5xx-is-final",
            one(3, 500, vec![step("503-conflict", 0.5)]),
        ),
        (
            "empty-client-token-retried",
            CallInput {
                max_attempts: 3,
                quota: 500,
                calls: vec![call(
                    EventChoice::TypingWithToken(Text::new("")),
                    vec![step("503", 0.5), step("io", 0.5), step("200-output", 0.5)],
                )],
            },
        ),
        (
            "same-seed-twice",
            CallInput {
                max_attempts: 4,
                quota: 500,
                calls: vec![
                    call(
                        EventChoice::Typing,
                        vec![step("503", 0.5), step("429", 0.5)],
                    ),
                    call(
                        EventChoice::ReadReceipt,
                        vec![step("503", 0.5), step("429", 0.5)],
                    ),
                    call(
                        EventChoice::TypingWithToken(Text::new("")),
                        vec![step("timeout", 0.5), step("200-array-pair", 0.5)],
                    ),
                ],
            },
        ),
    ];
    for (name, input) in seeds {
        let bytes = input.encode();
        assert_eq!(decode::<CallInput>(&bytes).encode(), bytes, "{name}");
        write("call", name, &bytes);
    }
}

fn main() {
    responses();
    requests();
    endpoints();
    calls();
    println!("seeds written under {}/seeds", env!("CARGO_MANIFEST_DIR"));
}
