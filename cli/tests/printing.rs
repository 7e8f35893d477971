//! Issue 12, printing: server text escaped before it reaches a terminal, and
//! the AWS CLI's ways of printing (no output for an empty output, `reached
//! max retries`, timeouts of 0, configuration errors that say what to do).
//! End to end through the built command.

mod common;

use common::{command, has_raw_control, http_response, run, send_event, Canned, READ, TYPING};
use connect_participant_mock::{Fault, MockServer, MockService, Role};

const HOSTILE_ERROR: &str =
    r#"{"code":"Bad\u001b]0;pwned\u0007","message":"\u001b[2Jgone\r\u009b2J\u007f"}"#;

#[test]
fn server_error_text_is_escaped_on_stderr() {
    let canned = Canned::start(vec![http_response(
        400,
        &[("content-type", "application/json")],
        HOSTILE_ERROR,
    )]);
    for transport in ["ureq", "hyper"] {
        let (out, stdout, stderr) = run(send_event(
            &canned.url,
            TYPING,
            &["--connection-token", "t", "--transport", transport],
        ));
        assert_eq!(out.status.code(), Some(254), "{transport}: {stderr:?}");
        assert!(stdout.is_empty());
        assert!(
            !has_raw_control(&stderr),
            "{transport}: raw control in {stderr:?}"
        );
        assert_eq!(
            stderr.trim(),
            "An error occurred (Bad\\u{1b}]0;pwned\\u{7}) when calling the SendEvent operation: \
             \\u{1b}[2Jgone\\u{d}\\u{9b}2J\\u{7f}",
            "{transport}"
        );
    }
}

#[test]
fn server_text_in_a_malformed_answer_is_escaped_on_stderr() {
    let canned = Canned::start(vec![http_response(200, &[], "\u{1b}]0;pwned\u{7}not json")]);
    let (out, _, stderr) = run(send_event(
        &canned.url,
        TYPING,
        &["--connection-token", "t"],
    ));
    assert_eq!(out.status.code(), Some(255), "{stderr:?}");
    assert!(!has_raw_control(&stderr), "raw control in {stderr:?}");
}

#[test]
fn server_text_in_output_values_is_escaped() {
    let body = r#"{"Id":"id\u001b[2J\u009b\u007f","AbsoluteTime":"\u001b]0;pwned\u0007\t2019"}"#;
    let canned = Canned::start(vec![http_response(200, &[], body)]);
    let (out, stdout, stderr) = run(send_event(
        &canned.url,
        TYPING,
        &["--connection-token", "t"],
    ));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!has_raw_control(&stdout), "raw control in {stdout:?}");
    // Still the AWS CLI's JSON, with the same values.
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON output");
    assert_eq!(json["Id"], "id\u{1b}[2J\u{9b}\u{7f}");
    assert_eq!(json["AbsoluteTime"], "\u{1b}]0;pwned\u{7}\t2019");

    let (out, stdout, stderr) = run(send_event(
        &canned.url,
        TYPING,
        &["--connection-token", "t", "--output", "text"],
    ));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stdout,
        "\\u{1b}]0;pwned\\u{7}\\u{9}2019\tid\\u{1b}[2J\\u{9b}\\u{7f}\n"
    );
}

#[test]
fn an_output_with_no_member_prints_nothing() {
    let canned = Canned::start(vec![http_response(200, &[], "{}")]);
    for output in ["json", "text"] {
        let (out, stdout, stderr) = run(send_event(
            &canned.url,
            TYPING,
            &["--connection-token", "t", "--output", output],
        ));
        assert_eq!(out.status.code(), Some(0), "{output}: {stderr}");
        assert_eq!(stdout, "", "{output}");
    }
}

#[test]
fn an_error_on_the_last_attempt_allowed_says_reached_max_retries() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    // One attempt allowed: every error says it, retryable or not.
    server.service().inject(Fault::InternalError, 1);
    let (out, _, stderr) = run(send_event(
        &server.url(),
        TYPING,
        &["--connection-token", &chat.customer, "--max-attempts", "1"],
    ));
    assert_eq!(out.status.code(), Some(254), "{stderr}");
    assert!(
        stderr.contains(
            "(InternalServerException) when calling the SendEvent operation \
             (reached max retries: 0): "
        ),
        "{stderr}"
    );
    server.service().join(chat.id, Role::Supervisor);
    let receipt = ["--content", r#"{"messageId":"m-1"}"#];
    let (out, _, stderr) = run(send_event(&server.url(), READ, &receipt).args([
        "--connection-token",
        &chat.customer,
        "--max-attempts",
        "1",
    ]));
    assert_eq!(out.status.code(), Some(254), "{stderr}");
    assert!(
        stderr.contains("(ConflictException) when calling the SendEvent operation (reached max retries: 0): Operation"),
        "{stderr}"
    );
    // Three attempts allowed, a final error on the first: nothing added.
    let (out, _, stderr) =
        run(send_event(&server.url(), READ, &receipt).args(["--connection-token", &chat.customer]));
    assert_eq!(out.status.code(), Some(254), "{stderr}");
    assert!(
        stderr.contains("(ConflictException) when calling the SendEvent operation: Operation"),
        "{stderr}"
    );
    // Three attempts allowed, all three failed: two retries made.
    let canned = Canned::start(vec![http_response(
        503,
        &[("content-type", "application/json")],
        r#"{"message":"busy"}"#,
    )]);
    let (out, _, stderr) = run(send_event(
        &canned.url,
        TYPING,
        &["--connection-token", "t"],
    ));
    assert_eq!(out.status.code(), Some(254), "{stderr}");
    assert_eq!(canned.requests().len(), 3);
    assert_eq!(
        stderr.trim(),
        "An error occurred (503) when calling the SendEvent operation (reached max retries: 2): busy"
    );
}

#[test]
fn timeouts_of_zero_mean_no_timeout() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    for transport in ["ureq", "hyper"] {
        let (out, stdout, stderr) = run(send_event(
            &server.url(),
            TYPING,
            &[
                "--connection-token",
                &chat.customer,
                "--cli-read-timeout",
                "0",
                "--cli-connect-timeout",
                "0",
                "--transport",
                transport,
            ],
        ));
        assert_eq!(out.status.code(), Some(0), "{transport}: {stderr}");
        assert!(stdout.contains("\"Id\""), "{stdout}");
    }
    assert_eq!(server.service().transcript(chat.id).len(), 2);
    // Negative values stay usage errors.
    let (out, _, stderr) = run(send_event(
        &server.url(),
        TYPING,
        &["--connection-token", "t", "--cli-read-timeout=-1"],
    ));
    assert_eq!(out.status.code(), Some(252), "{stderr}");
}

#[test]
fn configuration_errors_name_the_flag_and_the_variable_that_fix_them() {
    let (out, _, stderr) = run(command().args([
        "send-event",
        "--connection-token",
        "t",
        "--content-type",
        TYPING,
        "--dry-run",
    ]));
    assert_eq!(out.status.code(), Some(252));
    assert!(
        stderr.contains("Missing Region")
            && stderr.contains("--region")
            && stderr.contains("AWS_REGION"),
        "{stderr}"
    );
    let (out, _, stderr) = run(command().args([
        "send-event",
        "--endpoint-url",
        "http://example.com",
        "--connection-token",
        "t",
        "--content-type",
        TYPING,
        "--dry-run",
    ]));
    assert_eq!(out.status.code(), Some(252));
    assert!(stderr.contains("--allow-insecure-http"), "{stderr}");
    let (out, _, stderr) = run(command().args([
        "send-event",
        "--endpoint-url",
        "https://example.com",
        "--use-dualstack-endpoint",
        "--connection-token",
        "t",
        "--content-type",
        TYPING,
        "--dry-run",
    ]));
    assert_eq!(out.status.code(), Some(252));
    assert!(
        stderr.contains("--use-dualstack-endpoint")
            && stderr.contains("AWS_USE_DUALSTACK_ENDPOINT"),
        "{stderr}"
    );
}

#[test]
fn a_missing_message_is_empty_for_a_json_body_and_the_reason_phrase_otherwise() {
    let canned = Canned::start(vec![
        http_response(403, &[("x-amzn-errortype", "AccessDeniedException")], "{}"),
        http_response(403, &[("x-amzn-errortype", "AccessDeniedException")], ""),
        http_response(
            403,
            &[("x-amzn-errortype", "AccessDeniedException")],
            "<html>",
        ),
    ]);
    let mut lines = Vec::new();
    for _ in 0..3 {
        let (out, _, stderr) = run(send_event(
            &canned.url,
            TYPING,
            &["--connection-token", "t"],
        ));
        assert_eq!(out.status.code(), Some(254), "{stderr}");
        lines.push(stderr.trim().to_owned());
    }
    let head = "An error occurred (AccessDeniedException) when calling the SendEvent operation:";
    assert_eq!(
        lines[0], head,
        "a JSON body without a message: empty message"
    );
    assert_eq!(lines[1], format!("{head} Forbidden"));
    assert_eq!(lines[2], format!("{head} Forbidden"));
}
