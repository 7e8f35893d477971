//! `create-participant-connection` end to end, against the simulated service
//! on loopback: the AWS CLI's JSON, `--type` lists, `--connect-participant`,
//! the participant token from a file or the environment, errors naming the
//! operation, and `--dry-run` with the token redacted.

mod common;

use common::{
    command, create_participant_connection, http_response, run, scratch, send_event, Canned,
    MockProcess, PARTICIPANT_TOKEN_ENV, TYPING,
};
use connect_participant_mock::{Fault, MockServer, MockService, ACCESS_DENIED_MESSAGE};

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// The top-level member names of printed JSON, in the order printed.
fn members(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("    \""))
        .filter_map(|l| l.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn success_prints_the_aws_cli_json_and_the_token_sends() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    for transport in ["ureq", "hyper"] {
        let (out, stdout, stderr) = run(create_participant_connection(
            &server.url(),
            &[
                "--participant-token",
                &chat.customer_participant_token,
                "--type",
                "WEBSOCKET",
                "CONNECTION_CREDENTIALS",
                "--transport",
                transport,
            ],
        ));
        assert_eq!(out.status.code(), Some(0), "{transport}: {stderr}");
        assert!(stderr.is_empty(), "{transport}: {stderr}");
        // The AWS CLI's layout: 4-space indent, model order, nested objects.
        assert!(
            stdout.starts_with("{\n    \"Websocket\": {\n        \"Url\": \"wss://"),
            "{stdout}"
        );
        assert_eq!(members(&stdout), ["Websocket", "ConnectionCredentials"]);
        let ws_at = |m: &str| stdout.find(m).unwrap_or_else(|| panic!("{m}: {stdout}"));
        assert!(ws_at("\"Url\"") < ws_at("\"ConnectionExpiry\""));
        assert!(ws_at("\"ConnectionToken\"") < ws_at("\"Expiry\""));
        let value = json(&stdout);
        let token = value["ConnectionCredentials"]["ConnectionToken"]
            .as_str()
            .expect("token")
            .to_owned();
        assert!(value["ConnectionCredentials"]["Expiry"].is_string());
        assert!(value["Websocket"]["ConnectionExpiry"].is_string());
        assert!(!stdout.contains(&chat.customer_participant_token));
        // The printed token is SendEvent's credential.
        let (out, _, stderr) = run(send_event(
            &server.url(),
            TYPING,
            &["--connection-token", &token],
        ));
        assert_eq!(out.status.code(), Some(0), "{transport}: {stderr}");
    }
    assert_eq!(server.service().transcript(chat.id).len(), 2);
    assert!(!server
        .service()
        .is_connected(&chat.customer_participant_token));
}

#[test]
fn type_lists_ask_for_what_is_printed() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let token = chat.agent_participant_token.as_str();
    for (types, expected) in [
        (&["--type", "WEBSOCKET"][..], &["Websocket"][..]),
        (
            &[
                "--type",
                "CONNECTION_CREDENTIALS",
                "--type",
                "WEBRTC_CONNECTION",
            ],
            &["ConnectionCredentials", "WebRTCConnection"],
        ),
        (
            &["--type", r#"["WEBRTC_CONNECTION","WEBSOCKET"]"#],
            &["Websocket", "WebRTCConnection"],
        ),
        // No --type: no Type sent; the simulated service answers both.
        (&[], &["Websocket", "ConnectionCredentials"]),
    ] {
        let mut args = vec!["--participant-token", token];
        args.extend_from_slice(types);
        let (out, stdout, stderr) = run(create_participant_connection(&server.url(), &args));
        assert_eq!(out.status.code(), Some(0), "{types:?}: {stderr}");
        assert_eq!(members(&stdout), expected, "{types:?}: {stdout}");
    }
    // WebRTC's nested members, in model order.
    let (_, stdout, _) = run(create_participant_connection(
        &server.url(),
        &["--participant-token", token, "--type", "WEBRTC_CONNECTION"],
    ));
    assert!(
        stdout.contains("\n        \"Attendee\": {\n            \"AttendeeId\": "),
        "{stdout}"
    );
    assert!(stdout.find("\"MeetingId\"") < stdout.find("\"MediaPlacement\""));
    assert_eq!(
        json(&stdout)["WebRTCConnection"]["Meeting"]["MeetingFeatures"]["Audio"]["EchoReduction"],
        "AVAILABLE"
    );
    // An unknown type goes to the service, which refuses it.
    let (out, stdout, stderr) = run(create_participant_connection(
        &server.url(),
        &["--participant-token", token, "--type", "WEBSOCKET", "CHAT"],
    ));
    assert_eq!(out.status.code(), Some(254), "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains(
            "An error occurred (ValidationException) when calling the \
             CreateParticipantConnection operation: 1 validation error detected: Value '[CHAT]'"
        ),
        "{stderr}"
    );
    // --type with no value, or a broken JSON list: a usage error.
    for bad in [&["--type"][..], &["--type", "[WEBSOCKET"]] {
        let mut args = vec!["--participant-token", token];
        args.extend_from_slice(bad);
        let (out, _, stderr) = run(create_participant_connection(&server.url(), &args));
        assert_eq!(out.status.code(), Some(252), "{bad:?}: {stderr}");
    }
}

#[test]
fn connect_participant_marks_the_participant_connected() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let service = server.service();
    let customer = chat.customer_participant_token.as_str();
    let connect = |flags: &[&str]| {
        let mut args = vec!["--participant-token", customer, "--type", "WEBSOCKET"];
        args.extend_from_slice(flags);
        let (out, _, stderr) = run(create_participant_connection(&server.url(), &args));
        assert_eq!(out.status.code(), Some(0), "{flags:?}: {stderr}");
    };
    connect(&["--no-connect-participant"]);
    connect(&["--connect-participant", "--no-connect-participant"]); // the last wins
    assert!(!service.is_connected(customer));
    connect(&["--no-connect-participant", "--connect-participant"]);
    assert!(service.is_connected(customer));
    // The agent acknowledges as Amazon's library does: no --type.
    let (out, stdout, stderr) = run(create_participant_connection(
        &server.url(),
        &[
            "--participant-token",
            &chat.agent_participant_token,
            "--connect-participant",
            "--transport",
            "hyper",
        ],
    ));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(service.is_connected(&chat.agent_participant_token));
    assert!(stdout.contains("\"ConnectionToken\""));
}

#[test]
fn the_participant_token_from_a_file_or_the_environment() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let dir = scratch("token");
    let file = dir.join("participant-token");
    std::fs::write(&file, format!("{}\n", chat.customer_participant_token)).expect("write");
    let types = dir.join("types");
    std::fs::write(&types, "[\"CONNECTION_CREDENTIALS\"]\n").expect("write");
    let from_file = format!("file://{}", file.display());
    let types_file = format!("file://{}", types.display());
    let (out, stdout, stderr) = run(create_participant_connection(
        &server.url(),
        &[
            "--participant-token",
            &from_file,
            "--type",
            &types_file,
            "--connect-participant",
        ],
    ));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(members(&stdout), ["ConnectionCredentials"]);
    assert!(server
        .service()
        .is_connected(&chat.customer_participant_token));

    // The environment, when the flag is absent.
    let mut cmd = create_participant_connection(&server.url(), &["--connect-participant"]);
    cmd.env(PARTICIPANT_TOKEN_ENV, &chat.agent_participant_token);
    let (out, stdout, stderr) = run(cmd);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("\"ConnectionToken\""));
    assert!(server.service().is_connected(&chat.agent_participant_token));
    // The flag wins over the environment.
    let mut cmd =
        create_participant_connection(&server.url(), &["--participant-token", "flag-token"]);
    cmd.env(PARTICIPANT_TOKEN_ENV, &chat.agent_participant_token);
    let (out, _, stderr) = run(cmd);
    assert_eq!(out.status.code(), Some(254), "{stderr}");

    // Neither: a usage error naming both, nothing sent.
    let before = server.service().requests_received();
    let (out, _, stderr) = run(create_participant_connection(&server.url(), &[]));
    assert_eq!(out.status.code(), Some(252));
    assert!(
        stderr.contains("--participant-token <TOKEN>") && stderr.contains(PARTICIPANT_TOKEN_ENV),
        "{stderr}"
    );
    // A file that cannot be read: named, never its contents.
    let missing = format!("file://{}", dir.join("missing").display());
    let (out, _, stderr) = run(create_participant_connection(
        &server.url(),
        &["--participant-token", &missing],
    ));
    assert_eq!(out.status.code(), Some(252));
    assert!(
        stderr.contains("Error parsing parameter '--participant-token'"),
        "{stderr}"
    );
    assert_eq!(server.service().requests_received(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn access_denied_exits_254_with_the_aws_cli_line() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let expected = format!(
        "An error occurred (AccessDeniedException) when calling the \
         CreateParticipantConnection operation: {ACCESS_DENIED_MESSAGE}"
    );
    // An unknown token, a connection token (not a participant token), an ended chat.
    let (out, stdout, stderr) = run(create_participant_connection(
        &server.url(),
        &["--participant-token", "no-such-token"],
    ));
    assert_eq!(out.status.code(), Some(254));
    assert!(stdout.is_empty());
    assert_eq!(stderr.trim(), expected);
    let (out, _, stderr) = run(create_participant_connection(
        &server.url(),
        &["--participant-token", &chat.customer],
    ));
    assert_eq!(out.status.code(), Some(254));
    assert_eq!(stderr.trim(), expected);
    assert!(!stderr.contains(&chat.customer));
    server.service().end_chat(chat.id);
    for transport in ["ureq", "hyper"] {
        let (out, stdout, stderr) = run(create_participant_connection(
            &server.url(),
            &[
                "--participant-token",
                &chat.customer_participant_token,
                "--connect-participant",
                "--transport",
                transport,
            ],
        ));
        assert_eq!(out.status.code(), Some(254), "{transport}");
        assert!(stdout.is_empty());
        assert_eq!(stderr.trim(), expected, "{transport}");
        assert!(!stderr.contains(&chat.customer_participant_token));
    }
    // On the last attempt allowed, botocore's wording.
    let other = server.service().open_chat();
    server.service().inject(Fault::InternalError, 1);
    let (out, _, stderr) = run(create_participant_connection(
        &server.url(),
        &[
            "--participant-token",
            &other.customer_participant_token,
            "--max-attempts",
            "1",
        ],
    ));
    assert_eq!(out.status.code(), Some(254));
    assert!(
        stderr.contains(
            "An error occurred (InternalServerException) when calling the \
             CreateParticipantConnection operation (reached max retries: 0): "
        ),
        "{stderr}"
    );
}

#[test]
fn invalid_input_is_caught_before_sending() {
    let server = MockServer::start(MockService::new()).expect("server");
    let (out, _, stderr) = run(create_participant_connection(
        &server.url(),
        &["--participant-token", "bad\u{7f}token"],
    ));
    assert_eq!(out.status.code(), Some(252));
    assert!(
        stderr.contains("Parameter validation failed:")
            && stderr.contains("ParticipantToken")
            && !stderr.contains("bad\u{7f}token"),
        "{stderr}"
    );
    assert_eq!(server.service().requests_received(), 0);
}

#[test]
fn dry_run_prints_the_request_with_the_token_redacted() {
    let server = MockServer::start(MockService::new()).expect("server");
    let (out, stdout, stderr) = run(create_participant_connection(
        &format!("{}/base", server.url()),
        &[
            "--participant-token",
            "sekrit-participant-token",
            "--type",
            "WEBSOCKET",
            "CONNECTION_CREDENTIALS",
            "--connect-participant",
            "--dry-run",
        ],
    ));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stdout.contains("sekrit") && !stderr.contains("sekrit"));
    let value = json(&stdout);
    assert_eq!(value["method"], "POST");
    assert_eq!(
        value["url"],
        format!("{}/base/participant/connection", server.url())
    );
    assert_eq!(value["headers"]["x-amz-bearer"], "<redacted>");
    assert_eq!(
        value["body"],
        serde_json::json!({"Type": ["WEBSOCKET", "CONNECTION_CREDENTIALS"], "ConnectParticipant": true})
    );
    // Without --type or a connect flag, the body is empty.
    let (_, stdout, _) = run(command().args([
        "create-participant-connection",
        "--region",
        "us-west-2",
        "--participant-token",
        "t",
        "--no-connect-participant",
        "--dry-run",
    ]));
    let value = json(&stdout);
    assert_eq!(
        value["url"],
        "https://participant.connect.us-west-2.amazonaws.com/participant/connection"
    );
    assert_eq!(
        value["body"],
        serde_json::json!({"ConnectParticipant": false})
    );
    assert_eq!(server.service().requests_received(), 0);
}

#[test]
fn text_output_and_an_empty_answer() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let (out, stdout, stderr) = run(create_participant_connection(
        &server.url(),
        &[
            "--participant-token",
            &chat.customer_participant_token,
            "--type",
            "CONNECTION_CREDENTIALS",
            "WEBSOCKET",
            "--output",
            "text",
        ],
    ));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let credentials: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(credentials[0], "CONNECTIONCREDENTIALS");
    assert_eq!(credentials[1].len(), 64, "the token, then the expiry");
    let websocket: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(websocket[0], "WEBSOCKET");
    assert!(
        websocket[2].starts_with("wss://"),
        "the expiry, then the URL"
    );

    // An answer with no member prints nothing, as the AWS CLI.
    let canned = Canned::start(vec![http_response(200, &[], "{}")]);
    let (out, stdout, stderr) = run(create_participant_connection(
        &canned.url,
        &["--participant-token", "t"],
    ));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.is_empty() && stderr.is_empty(), "{stdout}{stderr}");
    let request = canned.requests().pop().expect("one request");
    assert!(
        request.starts_with("POST /participant/connection HTTP/1.1"),
        "{request}"
    );
    assert!(request.ends_with("{}"), "{request}");
}

#[test]
fn help_lists_the_command_and_its_flags() {
    let (out, stdout, _) = run(command().arg("--help"));
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.contains("create-participant-connection"), "{stdout}");
    let (out, stdout, _) = run(command().args(["create-participant-connection", "--help"]));
    assert_eq!(out.status.code(), Some(0));
    for flag in [
        "--participant-token",
        "--type",
        "--connect-participant",
        "--no-connect-participant",
        "--region",
        "--endpoint-url",
        "--use-fips-endpoint",
        "--use-dualstack-endpoint",
        "--max-attempts",
        "--transport",
        "--output",
        "--cli-connect-timeout",
        "--cli-read-timeout",
        "--allow-insecure-http",
        "--dry-run",
        PARTICIPANT_TOKEN_ENV,
    ] {
        assert!(stdout.contains(flag), "{flag} missing from:\n{stdout}");
    }
}

#[test]
fn the_mock_command_prints_participant_tokens() {
    let mock = MockProcess::start();
    let info = &mock.info;
    let url = info["url"].as_str().expect("url");
    let token = info["customer_participant_token"]
        .as_str()
        .expect("participant token");
    let (out, printed, stderr) = run(create_participant_connection(
        url,
        &["--participant-token", token, "--connect-participant"],
    ));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(printed.contains("\"ConnectionToken\""));
    assert!(info["try_connection"]
        .as_str()
        .is_some_and(|t| t.contains("create-participant-connection")));
}

#[test]
fn the_demo_starts_from_participant_tokens() {
    let (out, stdout, stderr) = run(command().arg("demo"));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    for expected in [
        "the service marks the customer connected",
        "the service marks the agent connected",
        "connection token <redacted>",
        "WebSocket URL <redacted>",
        "when calling the CreateParticipantConnection operation",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}
