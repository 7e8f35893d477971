//! `pace`: plays a script of chat events through the core's pacer and prints
//! what it decides, with the times: a dry run of the pacing rules, no I/O to
//! the service.
//!
//! Input, one JSON object a line, in time order:
//! `{"at_ms": 1200, "chat": "c1", "event": "typing"}`,
//! `{"at_ms": 1300, "chat": "c1", "event": "delivered", "message_id": "m7"}`
//! (also `"read"`), `{"at_ms": 9000, "chat": "c1", "event": "end"}`.
//! Blank lines are skipped.
//!
//! Output, one JSON line for each offered event (an `end` gets none): at the
//! time it is sent, `{"at_ms": T, "chat": ..., "event": ..., "message_id": ...,
//! "action": "send"}` (every send succeeds), or at the time it is dropped,
//! `"action": "drop", "reason": "duplicate" | "superseded" | "throttled" |
//! "ended"`; no `message_id` for typing. Before each input line, time runs to
//! its `at_ms` (every timer due by then fires, at its own time); after the
//! last one, time runs on until nothing is pending.

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, Write};
use std::time::Duration;

use connect_participant_core::pacing::{Action, OfferId, Outcome, PacedEvent, Pacer, PacerConfig};
use serde_json::Value;

use crate::report::{EXIT_OK, EXIT_OTHER, EXIT_USAGE};

/// Pace typing events and receipts read as JSON lines from standard input,
/// printing each decision with its time (a dry run of the pacing rules).
#[derive(Debug, clap::Args)]
pub struct PaceArgs {
    /// At most one typing event a chat within this window (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub typing_window_ms: u64,
    /// At most one delivered and one read receipt a chat within this window
    /// (milliseconds); the newest pending one of each goes out at its end.
    #[arg(long, value_name = "MS", default_value_t = 5_000)]
    pub receipt_window_ms: u64,
    /// How long a delivered receipt waits for a read receipt of the same
    /// message to replace it (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 300)]
    pub delivered_hold_ms: u64,
}

/// Why `pace` stopped.
#[derive(Debug)]
pub enum PaceError {
    /// An input line it cannot take: the text names the line (exit 252).
    Input(String),
    /// The output cannot be written (exit 255).
    Output(std::io::Error),
}

impl fmt::Display for PaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaceError::Input(text) => f.write_str(text),
            PaceError::Output(e) => write!(f, "cannot write the output: {e}"),
        }
    }
}

impl From<std::io::Error> for PaceError {
    /// Every I/O error met with `?` is a write to the output; a failed read
    /// of the input is an [`PaceError::Input`] naming its line.
    fn from(e: std::io::Error) -> Self {
        PaceError::Output(e)
    }
}

/// Runs the command on standard input and output; the exit code: 252 for an
/// invalid input line (as for a bad command line), 255 if the output cannot
/// be written.
pub fn main(args: PaceArgs) -> u8 {
    let stdout = std::io::stdout();
    match run(args, std::io::stdin().lock(), stdout.lock()) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("{e}");
            match e {
                PaceError::Input(_) => EXIT_USAGE,
                PaceError::Output(_) => EXIT_OTHER,
            }
        }
    }
}

/// Plays `input` through a pacer, writing a line a decision to `output`.
/// An invalid input line gives an error naming its number (from 1).
pub fn run(args: PaceArgs, input: impl BufRead, output: impl Write) -> Result<(), PaceError> {
    let config = PacerConfig::default()
        .with_typing_window(Duration::from_millis(args.typing_window_ms))
        .with_receipt_window(Duration::from_millis(args.receipt_window_ms))
        .with_delivered_hold(Duration::from_millis(args.delivered_hold_ms));
    let mut session = Session {
        pacer: Pacer::new(config),
        offers: HashMap::new(),
        output,
    };
    let mut last_ms = 0;
    for (index, text) in input.lines().enumerate() {
        let number = index + 1;
        let text =
            text.map_err(|e| PaceError::Input(format!("line {number}: cannot read: {e}")))?;
        if text.trim().is_empty() {
            continue;
        }
        let line =
            parse_line(&text).map_err(|e| PaceError::Input(format!("line {number}: {e}")))?;
        if line.at_ms < last_ms {
            return Err(PaceError::Input(format!(
                "line {number}: time goes backwards (at_ms {} after {last_ms})",
                line.at_ms
            )));
        }
        last_ms = line.at_ms;
        let now = Duration::from_millis(line.at_ms);
        session.run_to(now)?;
        match line.action {
            LineAction::Offer(event) => {
                let id = session.pacer.offer(now, line.chat.clone(), event.clone());
                session.offers.insert(id, (line.chat, event));
            }
            LineAction::End => session.pacer.end_chat(now, &line.chat),
        }
        session.drain(now)?;
    }
    // Time runs on until nothing is pending.
    while session.pacer.pending() > 0 {
        let Some(due) = session.pacer.poll_timeout() else {
            break;
        };
        session.pacer.handle_timeout(due);
        session.drain(due)?;
    }
    session.output.flush()?;
    Ok(())
}

/// One input line, checked.
#[derive(Debug, PartialEq, Eq)]
struct Line {
    at_ms: u64,
    chat: String,
    action: LineAction,
}

#[derive(Debug, PartialEq, Eq)]
enum LineAction {
    Offer(PacedEvent),
    End,
}

/// Reads one line's JSON object, or says what is wrong with it.
fn parse_line(text: &str) -> Result<Line, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(fields) = value else {
        return Err("expected a JSON object".to_owned());
    };
    let at_ms = match fields.get("at_ms") {
        None => return Err("missing field \"at_ms\"".to_owned()),
        Some(v) => v.as_u64().ok_or_else(|| {
            format!("\"at_ms\" must be a whole number of milliseconds, 0 or more, not {v}")
        })?,
    };
    let text_field = |name: &str| -> Result<Option<String>, String> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Err(format!("\"{name}\" is empty")),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(format!("\"{name}\" must be a string, not {v}")),
        }
    };
    let chat = text_field("chat")?.ok_or("missing field \"chat\"")?;
    let event = text_field("event")?.ok_or("missing field \"event\"")?;
    let message_id = text_field("message_id")?;
    let receipt_id = || {
        message_id
            .clone()
            .ok_or_else(|| format!("a \"{event}\" event needs a \"message_id\""))
    };
    let action = match event.as_str() {
        "typing" => LineAction::Offer(PacedEvent::Typing),
        "delivered" => LineAction::Offer(PacedEvent::delivered(receipt_id()?)),
        "read" => LineAction::Offer(PacedEvent::read(receipt_id()?)),
        "end" => LineAction::End,
        other => {
            return Err(format!(
                "unknown event {other:?} (expected typing, delivered, read or end)"
            ))
        }
    };
    Ok(Line {
        at_ms,
        chat,
        action,
    })
}

/// The pacer with what the output needs to name each offer.
struct Session<W> {
    pacer: Pacer<String>,
    offers: HashMap<OfferId, (String, PacedEvent)>,
    output: W,
}

impl<W: Write> Session<W> {
    /// Takes every transmit (each send succeeds) and prints every decision.
    fn drain(&mut self, now: Duration) -> Result<(), PaceError> {
        while let Some(transmit) = self.pacer.poll_transmit(now) {
            self.pacer.handle_outcome(now, &transmit, Outcome::Sent);
        }
        while let Some(decision) = self.pacer.poll_decision() {
            let Some((chat, event)) = self.offers.remove(&decision.offer) else {
                continue;
            };
            let line = decision_line(decision.at, &chat, &event, decision.action);
            writeln!(self.output, "{line}")?;
        }
        Ok(())
    }

    /// Fires every timer due by `t`, each at its own time.
    fn run_to(&mut self, t: Duration) -> Result<(), PaceError> {
        while let Some(due) = self.pacer.poll_timeout().filter(|&d| d <= t) {
            self.pacer.handle_timeout(due);
            self.drain(due)?;
        }
        Ok(())
    }
}

/// One output line.
fn decision_line(at: Duration, chat: &str, event: &PacedEvent, action: Action) -> String {
    let quote = |s: &str| Value::String(s.to_owned()).to_string();
    let mut line = format!(
        "{{\"at_ms\": {}, \"chat\": {}, \"event\": {}",
        at.as_millis(),
        quote(chat),
        quote(event.name())
    );
    if let Some(id) = event.message_id() {
        line.push_str(&format!(", \"message_id\": {}", quote(id)));
    }
    match action {
        Action::Send => line.push_str(", \"action\": \"send\"}"),
        Action::Drop(reason) => line.push_str(&format!(
            ", \"action\": \"drop\", \"reason\": {}}}",
            quote(reason.as_str())
        )),
        // A future kind of decision: named by its debug form.
        other => line.push_str(&format!(", \"action\": {}}}", quote(&format!("{other:?}")))),
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use connect_participant_core::pacing::{
        DEFAULT_DELIVERED_HOLD, DEFAULT_RECEIPT_WINDOW, DEFAULT_TYPING_WINDOW,
    };

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: PaceArgs,
    }

    fn args(extra: &[&str]) -> PaceArgs {
        let argv = std::iter::once("pace").chain(extra.iter().copied());
        Cli::try_parse_from(argv).unwrap().args
    }

    fn play(extra: &[&str], input: &str) -> Result<Vec<Value>, String> {
        let mut out = Vec::new();
        run(args(extra), input.as_bytes(), &mut out).map_err(|e| match e {
            PaceError::Input(text) => text,
            PaceError::Output(e) => panic!("writing to a Vec failed: {e}"),
        })?;
        let text = String::from_utf8(out).unwrap();
        Ok(text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect())
    }

    fn lines(values: &[Value]) -> Vec<String> {
        values.iter().map(Value::to_string).collect()
    }

    #[test]
    fn defaults_are_the_cores() {
        let a = args(&[]);
        assert_eq!(
            Duration::from_millis(a.typing_window_ms),
            DEFAULT_TYPING_WINDOW
        );
        assert_eq!(
            Duration::from_millis(a.receipt_window_ms),
            DEFAULT_RECEIPT_WINDOW
        );
        assert_eq!(
            Duration::from_millis(a.delivered_hold_ms),
            DEFAULT_DELIVERED_HOLD
        );
    }

    #[test]
    fn a_story() {
        let input = r#"{"at_ms": 0, "chat": "c1", "event": "typing"}
{"at_ms": 2000, "chat": "c1", "event": "typing"}
{"at_ms": 3000, "chat": "c1", "event": "delivered", "message_id": "m1"}
{"at_ms": 3100, "chat": "c1", "event": "read", "message_id": "m1"}
{"at_ms": 3200, "chat": "c2", "event": "delivered", "message_id": "x1"}
{"at_ms": 4000, "chat": "c1", "event": "read", "message_id": "m2"}
{"at_ms": 4500, "chat": "c1", "event": "read", "message_id": "m3"}
"#;
        let out = play(&[], input).unwrap();
        assert_eq!(
            lines(&out),
            [
                r#"{"action":"send","at_ms":0,"chat":"c1","event":"typing"}"#,
                r#"{"action":"drop","at_ms":2000,"chat":"c1","event":"typing","reason":"throttled"}"#,
                r#"{"action":"drop","at_ms":3100,"chat":"c1","event":"delivered","message_id":"m1","reason":"superseded"}"#,
                r#"{"action":"send","at_ms":3100,"chat":"c1","event":"read","message_id":"m1"}"#,
                r#"{"action":"send","at_ms":3500,"chat":"c2","event":"delivered","message_id":"x1"}"#,
                r#"{"action":"drop","at_ms":4500,"chat":"c1","event":"read","message_id":"m2","reason":"superseded"}"#,
                r#"{"action":"send","at_ms":8100,"chat":"c1","event":"read","message_id":"m3"}"#,
            ]
        );
    }

    #[test]
    fn output_lines_keep_the_field_order() {
        let mut out = Vec::new();
        let input = r#"{"at_ms": 5, "chat": "c\"1", "event": "read", "message_id": "m1"}"#;
        run(args(&[]), input.as_bytes(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"at_ms\": 5, \"chat\": \"c\\\"1\", \"event\": \"read\", \"message_id\": \"m1\", \"action\": \"send\"}\n"
        );
    }

    #[test]
    fn end_drops_pending_and_later_events_and_prints_nothing_itself() {
        let input = r#"{"at_ms": 0, "chat": "c1", "event": "delivered", "message_id": "m1"}
{"at_ms": 100, "chat": "c1", "event": "end"}
{"at_ms": 200, "chat": "c1", "event": "typing"}
"#;
        let out = play(&[], input).unwrap();
        assert_eq!(
            lines(&out),
            [
                r#"{"action":"drop","at_ms":100,"chat":"c1","event":"delivered","message_id":"m1","reason":"ended"}"#,
                r#"{"action":"drop","at_ms":200,"chat":"c1","event":"typing","reason":"ended"}"#,
            ]
        );
    }

    #[test]
    fn timers_fire_in_time_order_between_lines() {
        let input = r#"{"at_ms": 0, "chat": "a", "event": "delivered", "message_id": "m1"}
{"at_ms": 100, "chat": "b", "event": "delivered", "message_id": "m2"}
{"at_ms": 1000, "chat": "c", "event": "typing"}
"#;
        let out = play(&[], input).unwrap();
        let at: Vec<u64> = out.iter().map(|v| v["at_ms"].as_u64().unwrap()).collect();
        let chats: Vec<&str> = out.iter().map(|v| v["chat"].as_str().unwrap()).collect();
        assert_eq!(at, [300, 400, 1000]);
        assert_eq!(chats, ["a", "b", "c"]);
    }

    #[test]
    fn windows_come_from_the_flags() {
        let input = r#"{"at_ms": 0, "chat": "a", "event": "typing"}
{"at_ms": 1000, "chat": "a", "event": "typing"}
{"at_ms": 1000, "chat": "a", "event": "delivered", "message_id": "m1"}
{"at_ms": 1000, "chat": "a", "event": "read", "message_id": "m0"}
{"at_ms": 1001, "chat": "a", "event": "read", "message_id": "m2"}
"#;
        let out = play(
            &[
                "--typing-window-ms",
                "1000",
                "--receipt-window-ms",
                "50",
                "--delivered-hold-ms",
                "0",
            ],
            input,
        )
        .unwrap();
        let sent: Vec<(u64, &str)> = out
            .iter()
            .filter(|v| v["action"] == "send")
            .map(|v| (v["at_ms"].as_u64().unwrap(), v["event"].as_str().unwrap()))
            .collect();
        assert_eq!(
            sent,
            [
                (0, "typing"),
                (1000, "typing"),
                (1000, "delivered"),
                (1000, "read"),
                (1050, "read"),
            ]
        );
    }

    #[test]
    fn blank_lines_are_skipped_and_numbers_count_them() {
        let input = "\n{\"at_ms\": 0, \"chat\": \"a\", \"event\": \"typing\"}\n\n{\"at_ms\": 0}\n";
        let err = play(&[], input).unwrap_err();
        assert_eq!(err, "line 4: missing field \"chat\"");
    }

    #[test]
    fn invalid_lines_name_their_number() {
        let ok = r#"{"at_ms": 10, "chat": "a", "event": "typing"}"#;
        let cases = [
            ("{\"at_ms\": 10,", "line 2: invalid JSON"),
            ("[1, 2]", "line 2: expected a JSON object"),
            (
                r#"{"chat": "a", "event": "typing"}"#,
                "line 2: missing field \"at_ms\"",
            ),
            (
                r#"{"at_ms": -1, "chat": "a", "event": "typing"}"#,
                "line 2: \"at_ms\" must be a whole number",
            ),
            (
                r#"{"at_ms": 1.5, "chat": "a", "event": "typing"}"#,
                "line 2: \"at_ms\" must be a whole number",
            ),
            (
                r#"{"at_ms": 10, "event": "typing"}"#,
                "line 2: missing field \"chat\"",
            ),
            (
                r#"{"at_ms": 10, "chat": 7, "event": "typing"}"#,
                "line 2: \"chat\" must be a string",
            ),
            (
                r#"{"at_ms": 10, "chat": "", "event": "typing"}"#,
                "line 2: \"chat\" is empty",
            ),
            (
                r#"{"at_ms": 10, "chat": "a"}"#,
                "line 2: missing field \"event\"",
            ),
            (
                r#"{"at_ms": 10, "chat": "a", "event": "wave"}"#,
                "line 2: unknown event \"wave\"",
            ),
            (
                r#"{"at_ms": 10, "chat": "a", "event": "read"}"#,
                "line 2: a \"read\" event needs a \"message_id\"",
            ),
            (
                r#"{"at_ms": 10, "chat": "a", "event": "delivered", "message_id": ""}"#,
                "line 2: \"message_id\" is empty",
            ),
            (
                r#"{"at_ms": 9, "chat": "a", "event": "typing"}"#,
                "line 2: time goes backwards (at_ms 9 after 10)",
            ),
        ];
        for (bad, expected) in cases {
            let input = format!("{ok}\n{bad}\n");
            let err = play(&[], &input).unwrap_err();
            assert!(err.starts_with(expected), "{bad}: {err}");
        }
    }

    #[test]
    fn equal_times_are_in_order() {
        let input = r#"{"at_ms": 7, "chat": "a", "event": "typing"}
{"at_ms": 7, "chat": "a", "event": "typing"}
"#;
        let out = play(&[], input).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[1]["reason"], "throttled");
    }

    #[test]
    fn an_output_error_is_told_apart() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let input = r#"{"at_ms": 0, "chat": "a", "event": "typing"}"#;
        let err = run(args(&[]), input.as_bytes(), Broken).unwrap_err();
        assert!(matches!(err, PaceError::Output(_)), "{err}");
        assert!(
            err.to_string().starts_with("cannot write the output"),
            "{err}"
        );
    }

    #[test]
    fn empty_input_prints_nothing() {
        assert!(play(&[], "").unwrap().is_empty());
    }

    #[test]
    fn the_newest_read_goes_out_after_the_input_ends() {
        let input = r#"{"at_ms": 0, "chat": "a", "event": "read", "message_id": "m1"}
{"at_ms": 10, "chat": "a", "event": "read", "message_id": "m2"}
"#;
        let out = play(&[], input).unwrap();
        assert_eq!(
            lines(&out[1..]),
            [r#"{"action":"send","at_ms":5000,"chat":"a","event":"read","message_id":"m2"}"#]
        );
    }
}
