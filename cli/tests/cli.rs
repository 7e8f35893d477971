//! The `connect-participant` command end to end, against the simulated service on loopback.

mod common;

use std::process::Command;

use common::{command, run, MockProcess, READ, TYPING};
use connect_participant_mock::{Fault, MockServer, MockService, Role};

/// `send-event` with a connection token and a content type.
fn send_event(url: &str, token: &str, content_type: &str) -> Command {
    common::send_event(url, content_type, &["--connection-token", token])
}

#[test]
fn success_prints_the_aws_cli_json_with_both_transports() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    for transport in ["ureq", "hyper"] {
        let (out, stdout, stderr) =
            run(send_event(&server.url(), &chat.customer, TYPING).args(["--transport", transport]));
        assert_eq!(out.status.code(), Some(0), "{transport}: {stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON output");
        let last = server
            .service()
            .transcript(chat.id)
            .pop()
            .expect("recorded");
        assert_eq!(
            json,
            serde_json::json!({"Id": last.id, "AbsoluteTime": last.absolute_time})
        );
        assert!(
            stdout.starts_with("{\n    \"Id\": "),
            "AWS CLI layout: {stdout}"
        );
        assert!(!stdout.contains(&chat.customer) && !stderr.contains(&chat.customer));
    }
    assert_eq!(server.service().transcript(chat.id).len(), 2);
}

#[test]
fn text_output_and_receipt_content() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let (out, stdout, _) = run(send_event(&server.url(), &chat.agent, READ).args([
        "--content",
        r#"{"messageId":"m-1"}"#,
        "--client-token",
        "ct-1",
        "--output",
        "text",
    ]));
    assert_eq!(out.status.code(), Some(0));
    let event = server
        .service()
        .transcript(chat.id)
        .pop()
        .expect("recorded");
    assert_eq!(
        stdout.trim_end(),
        format!("{}\t{}", event.absolute_time, event.id)
    );
    assert_eq!(event.client_token.as_deref(), Some("ct-1"));
    assert_eq!(event.content.as_deref(), Some(r#"{"messageId":"m-1"}"#));
}

#[test]
fn service_error_prints_the_aws_cli_line_and_exits_254() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    server.service().join(chat.id, Role::Supervisor);
    for transport in ["ureq", "hyper"] {
        let (out, stdout, stderr) = run(send_event(&server.url(), &chat.customer, READ).args([
            "--content",
            r#"{"messageId":"m-1"}"#,
            "--transport",
            transport,
        ]));
        assert_eq!(out.status.code(), Some(254), "{transport}");
        assert!(stdout.is_empty());
        assert_eq!(
            stderr.trim(),
            "An error occurred (ConflictException) when calling the SendEvent operation: \
             Operation can not be performed due to the state of the contact."
        );
    }
    let (out, _, stderr) = run(&mut send_event(&server.url(), "unknown-token", TYPING));
    assert_eq!(out.status.code(), Some(254));
    assert!(stderr.contains("(AccessDeniedException)"), "{stderr}");
    server.service().inject(Fault::Html502, 1);
    let (out, _, stderr) =
        run(send_event(&server.url(), &chat.customer, TYPING).args(["--max-attempts", "1"]));
    assert_eq!(out.status.code(), Some(254));
    assert!(
        stderr
            .contains("An error occurred (502) when calling the SendEvent operation (reached max retries: 0): Bad Gateway"),
        "{stderr}"
    );
}

#[test]
fn invalid_input_names_field_and_rule_and_exits_252_without_sending() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let (out, _, stderr) =
        run(send_event(&server.url(), &chat.customer, READ).args(["--content", r#"{"id":"x"}"#]));
    assert_eq!(out.status.code(), Some(252));
    assert!(
        stderr.contains("Content") && stderr.contains("messageId"),
        "{stderr}"
    );
    let (out, _, stderr) = run(&mut send_event(&server.url(), "bad\u{7f}token", TYPING));
    assert_eq!(out.status.code(), Some(252));
    assert!(
        stderr.contains("ConnectionToken") && !stderr.contains("bad\u{7f}token"),
        "{stderr}"
    );
    assert_eq!(server.service().requests_received(), 0);
}

#[test]
fn dry_run_prints_the_request_redacted_and_sends_nothing() {
    let server = MockServer::start(MockService::new()).expect("server");
    let (out, stdout, _) = run(send_event(
        &format!("{}/base", server.url()),
        "sekrit-token",
        TYPING,
    )
    .args(["--dry-run", "--client-token", "ct-9"]));
    assert_eq!(out.status.code(), Some(0));
    assert!(!stdout.contains("sekrit-token"));
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["method"], "POST");
    assert_eq!(
        json["url"],
        format!("{}/base/participant/event", server.url())
    );
    assert_eq!(json["headers"]["x-amz-bearer"], "<redacted>");
    assert_eq!(json["headers"]["content-type"], "application/json");
    assert_eq!(
        json["body"],
        serde_json::json!({"ContentType": TYPING, "ClientToken": "ct-9"})
    );
    assert_eq!(server.service().requests_received(), 0);
}

#[test]
fn environment_settings_are_honoured() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let mut cmd = command();
    cmd.env("AWS_ENDPOINT_URL_CONNECTPARTICIPANT", server.url())
        .env("AWS_MAX_ATTEMPTS", "1")
        .args([
            "send-event",
            "--connection-token",
            &chat.customer,
            "--content-type",
            TYPING,
        ]);
    server.service().inject(Fault::InternalError, 1);
    let (out, _, stderr) = run(&mut cmd);
    assert_eq!(
        out.status.code(),
        Some(254),
        "AWS_MAX_ATTEMPTS=1 means no retry: {stderr}"
    );
    assert_eq!(server.service().requests_received(), 1);

    let (out, _, stderr) = run(command().env("AWS_MAX_ATTEMPTS", "0").args([
        "send-event",
        "--region",
        "us-west-2",
        "--connection-token",
        "t",
        "--content-type",
        TYPING,
        "--dry-run",
    ]));
    assert_eq!(out.status.code(), Some(252));
    assert!(stderr.contains("AWS_MAX_ATTEMPTS"), "{stderr}");

    let (out, stdout, _) = run(command()
        .env("AWS_REGION", "us-gov-west-1")
        .env("AWS_USE_FIPS_ENDPOINT", "true")
        .args([
            "send-event",
            "--connection-token",
            "t",
            "--content-type",
            TYPING,
            "--dry-run",
        ]));
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout
            .contains("https://participant.connect.us-gov-west-1.amazonaws.com/participant/event"),
        "{stdout}"
    );

    let (out, _, stderr) = run(command().args([
        "send-event",
        "--connection-token",
        "t",
        "--content-type",
        TYPING,
        "--dry-run",
    ]));
    assert_eq!(out.status.code(), Some(252));
    assert!(stderr.contains("Missing Region"), "{stderr}");
}

#[test]
fn flags_for_fips_and_dual_stack() {
    let (out, stdout, _) = run(command().args([
        "send-event",
        "--region",
        "cn-north-1",
        "--use-dualstack-endpoint",
        "--connection-token",
        "t",
        "--content-type",
        TYPING,
        "--dry-run",
    ]));
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout.contains("https://participant.connect.cn-north-1.api.amazonwebservices.com.cn/"),
        "{stdout}"
    );
    let (out, _, stderr) = run(command().args([
        "send-event",
        "--endpoint-url",
        "https://example.com",
        "--use-fips-endpoint",
        "--connection-token",
        "t",
        "--content-type",
        TYPING,
        "--dry-run",
    ]));
    assert_eq!(out.status.code(), Some(252));
    assert!(
        stderr.contains("FIPS and custom endpoint are not supported"),
        "{stderr}"
    );
}

#[test]
fn bad_command_lines_exit_252() {
    for args in [
        &["send-event", "--content-type", TYPING][..],
        &[
            "send-event",
            "--connection-token",
            "t",
            "--content-type",
            TYPING,
            "--bogus",
        ],
        &[
            "send-event",
            "--connection-token",
            "t",
            "--content-type",
            TYPING,
            "--transport",
            "curl",
        ],
        &[
            "send-event",
            "--connection-token",
            "t",
            "--content-type",
            TYPING,
            "--region",
            "us east 1",
        ],
        &[
            "send-event",
            "--connection-token",
            "t",
            "--content-type",
            TYPING,
            "--endpoint-url",
            "http://example.com",
        ],
        &["frobnicate"],
    ] {
        let (out, _, stderr) = run(command().args(args));
        assert_eq!(out.status.code(), Some(252), "{args:?}: {stderr}");
    }
    let (out, stdout, _) = run(command().arg("--help"));
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.contains("send-event") && stdout.contains("demo"));
}

#[test]
fn connection_refused_exits_255() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let (out, _, stderr) =
        run(send_event(&format!("http://127.0.0.1:{port}"), "t", TYPING)
            .args(["--max-attempts", "1"]));
    assert_eq!(out.status.code(), Some(255), "{stderr}");
    assert!(stderr.contains("Connect"), "{stderr}");
}

#[test]
fn demo_runs_the_story_and_exits_0() {
    let (out, stdout, stderr) = run(command().arg("demo"));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    for expected in [
        "ConflictException",
        "caught before anything is sent",
        "transcript",
        "2 requests reached the service, 1 event recorded",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

#[test]
fn mock_serves_a_ready_chat() {
    let mock = MockProcess::start();
    let url = mock.info["url"].as_str().expect("url");
    let token = mock.info["customer_connection_token"]
        .as_str()
        .expect("token");
    let (out, stdout_send, stderr) = run(&mut send_event(url, token, TYPING));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout_send.contains("\"Id\""));
}
