//! Issue 15: `connect-participant pace` runs the pacer on a script from
//! stdin, deterministically and without any network. End to end through the
//! built command.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::command;

fn pace(args: &[&str], script: &str) -> (Option<i32>, String, String) {
    let mut child = command()
        .arg("pace")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_script_gets_one_line_per_offered_event_in_time_order() {
    let script = r#"{"at_ms": 0, "chat": "c1", "event": "typing"}
{"at_ms": 1200, "chat": "c1", "event": "typing"}
{"at_ms": 1250, "chat": "c2", "event": "typing"}
{"at_ms": 1300, "chat": "c1", "event": "delivered", "message_id": "m7"}
{"at_ms": 1350, "chat": "c1", "event": "read", "message_id": "m7"}
{"at_ms": 1400, "chat": "c1", "event": "read", "message_id": "m7"}
{"at_ms": 2000, "chat": "c1", "event": "read", "message_id": "m8"}
{"at_ms": 9000, "chat": "c1", "event": "end"}
{"at_ms": 9100, "chat": "c1", "event": "typing"}
"#;
    let (code, stdout, stderr) = pace(&[], script);
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let shown: Vec<String> = lines
        .iter()
        .map(|l| {
            format!(
                "{} {} {} {} {}",
                l["at_ms"],
                l["chat"].as_str().unwrap_or(""),
                l["event"].as_str().unwrap_or(""),
                l["action"].as_str().unwrap_or(""),
                l["reason"]
                    .as_str()
                    .or(l["message_id"].as_str())
                    .unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            "0 c1 typing send ",
            "1200 c1 typing drop throttled",
            "1250 c2 typing send ",
            "1350 c1 delivered drop superseded",
            "1350 c1 read send m7",
            "1400 c1 read drop duplicate",
            // The read window opened at 1350 ms: m8 waits for its end.
            "6350 c1 read send m8",
            "9100 c1 typing drop ended",
        ]
    );
}

#[test]
fn windows_are_flags_and_bad_lines_name_their_number() {
    let script = r#"{"at_ms": 0, "chat": "c", "event": "typing"}
{"at_ms": 600, "chat": "c", "event": "typing"}
"#;
    let (code, stdout, _) = pace(&["--typing-window-ms", "500"], script);
    assert_eq!(code, Some(0));
    assert_eq!(stdout.matches("\"send\"").count(), 2, "{stdout}");

    for (bad, what) in [
        ("{\"at_ms\": 5, \"chat\": \"c\", \"event\": \"typing\"}\nnot json\n", "line 2"),
        (
            "{\"at_ms\": 5, \"chat\": \"c\", \"event\": \"typing\"}\n{\"at_ms\": 1, \"chat\": \"c\", \"event\": \"typing\"}\n",
            "line 2",
        ),
        ("{\"at_ms\": 5, \"chat\": \"c\", \"event\": \"read\"}\n", "line 1"),
    ] {
        let (code, _, stderr) = pace(&[], bad);
        assert_eq!(code, Some(252), "{bad}: {stderr}");
        assert!(stderr.contains(what), "{bad}: {stderr}");
    }
}
