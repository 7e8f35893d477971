//! Issue 12, parameters: `file://PATH` values, the connection token from the
//! environment, tokens that begin with `-`, and the errors when none of
//! these works. End to end through the built command.

mod common;

use common::{command, http_response, run, scratch, send_event, Canned, READ, TOKEN_ENV, TYPING};
use connect_participant_mock::{MockServer, MockService};

fn file_arg(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn parameters_from_files_token_newline_removed_content_as_is() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let dir = scratch("files");
    let token = dir.join("token");
    std::fs::write(&token, format!("{}\n", chat.agent)).expect("write");
    let content = dir.join("content.json");
    std::fs::write(&content, "{\"messageId\":\"m-1\"}\n").expect("write");
    let client_token = dir.join("ct");
    std::fs::write(&client_token, "ct-from-file\r\n").expect("write");
    let content_type = dir.join("type");
    std::fs::write(&content_type, format!("{READ}\n")).expect("write");
    for transport in ["ureq", "hyper"] {
        let (out, stdout, stderr) = run(send_event(
            &server.url(),
            &file_arg(&content_type),
            &[
                "--connection-token",
                &file_arg(&token),
                "--content",
                &file_arg(&content),
                "--client-token",
                &file_arg(&client_token),
                "--transport",
                transport,
            ],
        ));
        assert_eq!(out.status.code(), Some(0), "{transport}: {stderr}");
        assert!(!stdout.contains(&chat.agent) && !stderr.contains(&chat.agent));
        let event = server
            .service()
            .transcript(chat.id)
            .pop()
            .expect("recorded");
        assert_eq!(event.content_type, READ);
        assert_eq!(event.client_token.as_deref(), Some("ct-from-file"));
        // --content is the file's contents exactly, as the AWS CLI sends it.
        assert_eq!(event.content.as_deref(), Some("{\"messageId\":\"m-1\"}\n"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn only_one_line_ending_is_removed_from_a_token_file() {
    let canned = Canned::start(vec![http_response(200, &[], "{\"Id\":\"i\"}")]);
    let dir = scratch("two-newlines");
    let token = dir.join("token");
    std::fs::write(&token, "tok\n\n").expect("write");
    let (out, _, stderr) = run(send_event(
        &canned.url,
        TYPING,
        &["--connection-token", &file_arg(&token)],
    ));
    // "tok\n" is not a header value: refused before anything is sent.
    assert_eq!(out.status.code(), Some(252), "{stderr}");
    assert!(stderr.contains("ConnectionToken"), "{stderr}");
    assert!(canned.requests().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn connection_token_from_the_environment_when_the_flag_is_absent() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let (out, _, stderr) =
        run(send_event(&server.url(), TYPING, &[]).env(TOKEN_ENV, &chat.customer));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(server.service().transcript(chat.id).len(), 1);
    // The flag wins over the variable.
    let (out, _, stderr) = run(send_event(
        &server.url(),
        TYPING,
        &["--connection-token", &chat.customer],
    )
    .env(TOKEN_ENV, "not-the-token"));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(server.service().transcript(chat.id).len(), 2);
}

#[test]
fn a_missing_token_is_a_usage_error_naming_the_flag_and_the_variable() {
    let server = MockServer::start(MockService::new()).expect("server");
    for env in [None, Some("")] {
        let mut cmd = send_event(&server.url(), TYPING, &[]);
        if let Some(value) = env {
            cmd.env(TOKEN_ENV, value);
        }
        let (out, stdout, stderr) = run(&mut cmd);
        assert_eq!(out.status.code(), Some(252), "{env:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains("--connection-token") && stderr.contains(TOKEN_ENV),
            "{stderr}"
        );
    }
    assert_eq!(server.service().requests_received(), 0);
}

#[test]
fn values_that_begin_with_a_hyphen_are_values() {
    let canned = Canned::start(vec![http_response(200, &[], "{\"Id\":\"i\"}")]);
    for args in [
        &["--connection-token", "-abc", "--client-token", "-ct"][..],
        &["--connection-token=-abc", "--client-token=-ct"],
    ] {
        let (out, _, stderr) = run(send_event(&canned.url, TYPING, args));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        let request = canned.requests().pop().expect("sent");
        assert!(
            request
                .to_ascii_lowercase()
                .contains("x-amz-bearer: -abc\r\n"),
            "{request}"
        );
        assert!(request.contains("\"ClientToken\":\"-ct\""), "{request}");
    }
}

#[test]
fn an_unreadable_parameter_file_is_a_usage_error_naming_parameter_and_path() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let dir = scratch("unreadable");
    let missing = dir.join("no-such-file");
    let not_utf8 = dir.join("binary");
    std::fs::write(&not_utf8, b"sekrit-contents\xff\xfe").expect("write");
    for (flag, path) in [
        ("--connection-token", &missing),
        ("--content", &missing),
        ("--client-token", &missing),
        ("--content-type", &missing),
        ("--connection-token", &dir),
        ("--connection-token", &not_utf8),
    ] {
        let value = file_arg(path);
        let mut cmd = command();
        cmd.args(["send-event", "--endpoint-url", &server.url()]);
        if flag != "--connection-token" {
            cmd.args(["--connection-token", &chat.customer]);
        }
        if flag != "--content-type" {
            cmd.args(["--content-type", TYPING]);
        }
        cmd.args([flag, &value]);
        let (out, stdout, stderr) = run(&mut cmd);
        assert_eq!(out.status.code(), Some(252), "{flag} {value}: {stderr}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains(&format!("'{flag}'")) && stderr.contains(&value),
            "{flag} {value}: {stderr}"
        );
        assert!(!stderr.contains("sekrit"), "contents printed: {stderr}");
    }
    assert_eq!(server.service().requests_received(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn send_event_help_documents_files_the_token_variable_and_timeouts() {
    let (out, stdout, _) = run(command().args(["send-event", "--help"]));
    assert_eq!(out.status.code(), Some(0));
    for expected in [
        TOKEN_ENV,
        "file://PATH",
        "trailing line ending",
        "--cli-read-timeout 0",
        "no timeout",
        "\\u{1b}",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    let (_, short, _) = run(command().args(["send-event", "-h"]));
    assert!(
        short.contains(TOKEN_ENV) && short.contains("one trailing newline removed"),
        "{short}"
    );
}

#[test]
fn a_parameter_file_under_the_home_directory() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let home = scratch("home");
    std::fs::write(home.join("token"), &chat.customer).expect("write");
    let (out, _, stderr) = run(send_event(
        &server.url(),
        TYPING,
        &["--connection-token", "file://~/token"],
    )
    .env("HOME", &home));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(server.service().transcript(chat.id).len(), 1);
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn an_explicitly_empty_token_is_refused_not_replaced_by_the_variable() {
    let server = MockServer::start(MockService::new()).expect("server");
    let chat = server.service().open_chat();
    let (out, _, stderr) = run(
        send_event(&server.url(), TYPING, &["--connection-token", ""])
            .env(TOKEN_ENV, &chat.customer),
    );
    assert_eq!(out.status.code(), Some(252), "{stderr}");
    assert!(stderr.contains("ConnectionToken"), "{stderr}");
    assert_eq!(server.service().requests_received(), 0);
}
