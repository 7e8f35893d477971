//! Helpers shared by the CLI's end-to-end tests: the built command with a
//! clean environment, and a loopback server that gives canned answers.
#![allow(dead_code)] // each test file uses a part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connect_participant_core::config::env_names;

pub const TYPING: &str = "application/vnd.amazonaws.connect.event.typing";
pub const READ: &str = "application/vnd.amazonaws.connect.event.message.read";
pub const TOKEN_ENV: &str = "CONNECT_PARTICIPANT_CONNECTION_TOKEN";
pub const PARTICIPANT_TOKEN_ENV: &str = "CONNECT_PARTICIPANT_PARTICIPANT_TOKEN";

/// The command with no AWS_* setting and no token inherited from the machine.
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_connect-participant"));
    for name in env_names::ALL {
        cmd.env_remove(name);
    }
    cmd.env_remove(TOKEN_ENV);
    cmd.env_remove(PARTICIPANT_TOKEN_ENV);
    for name in ["HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"] {
        cmd.env_remove(name);
    }
    cmd
}

/// Runs the command (given by value or `&mut`): its output, stdout and stderr.
pub fn run(mut cmd: impl std::borrow::BorrowMut<Command>) -> (Output, String, String) {
    let out = cmd.borrow_mut().output().expect("run the command");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

/// `send-event` to `url` with a content type and the given arguments.
pub fn send_event(url: &str, content_type: &str, args: &[&str]) -> Command {
    let mut cmd = command();
    cmd.args([
        "send-event",
        "--endpoint-url",
        url,
        "--content-type",
        content_type,
    ]);
    cmd.args(args);
    cmd
}

/// `connect-participant mock --port 0` running, with the JSON it printed
/// (its URL and tokens); the process is ended when this is dropped.
pub struct MockProcess {
    child: Child,
    /// What the mock printed when it was ready.
    pub info: serde_json::Value,
}

impl MockProcess {
    /// Starts the mock and reads what it prints when ready.
    pub fn start() -> MockProcess {
        let mut child = command()
            .args(["mock", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn mock");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut text = String::new();
        while !text.trim_end().ends_with('}') {
            if stdout.read_line(&mut text).expect("read") == 0 {
                break;
            }
        }
        // Keep reading (and dropping) what it prints later, so it never
        // blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let info = serde_json::from_str(&text).expect("mock prints JSON");
        MockProcess { child, info }
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory for one test's files (the test process's id in its name).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cp-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// `create-participant-connection` to `url` with the given arguments.
pub fn create_participant_connection(url: &str, args: &[&str]) -> Command {
    let mut cmd = command();
    cmd.args(["create-participant-connection", "--endpoint-url", url]);
    cmd.args(args);
    cmd
}

/// A raw HTTP/1.1 answer, closing the connection.
pub fn http_response(status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Whatever\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ));
    out.into_bytes()
}

/// A loopback server that answers the n-th connection with the n-th canned
/// answer (the last one again once they run out) and keeps every request.
pub struct Canned {
    pub url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Canned {
    pub fn start(answers: Vec<Vec<u8>>) -> Canned {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { continue };
                let request = read_request(&mut stream);
                seen.lock().expect("lock").push(request);
                let answer = &answers[n.min(answers.len() - 1)];
                let _ = stream.write_all(answer);
                let _ = stream.flush();
            }
        });
        Canned { url, requests }
    }

    /// The requests received so far, as text (head and body).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("lock").clone()
    }
}

fn read_request(stream: &mut TcpStream) -> String {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                break;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&data).into_owned()
}

/// True if `text` holds a character that could drive a terminal: a C0
/// control other than line feed, DEL, or a C1 control.
pub fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}
