//! What the command prints and the exit codes it ends with, as the AWS CLI does.

use connect_participant_core::{Error, SendEventOutput};

/// Success.
pub const EXIT_OK: u8 = 0;
/// Invalid command line, parameter or configuration; nothing was sent.
pub const EXIT_USAGE: u8 = 252;
/// The service answered with an error.
pub const EXIT_SERVICE: u8 = 254;
/// Anything else (connection, timeout, malformed answer).
pub const EXIT_OTHER: u8 = 255;

/// The output as the AWS CLI's JSON: `{"Id": ..., "AbsoluteTime": ...}` in
/// the model's member order, 4-space indented, absent members left out.
pub fn output_json(output: &SendEventOutput) -> String {
    let members: Vec<String> = [("Id", &output.id), ("AbsoluteTime", &output.absolute_time)]
        .into_iter()
        .filter_map(|(name, value)| {
            let value = value.as_deref()?;
            Some(format!(
                "    \"{name}\": {}",
                serde_json::Value::from(value)
            ))
        })
        .collect();
    if members.is_empty() {
        "{}".to_owned()
    } else {
        format!("{{\n{}\n}}", members.join(",\n"))
    }
}

/// The output as the AWS CLI's text: values in key order, tab-separated.
pub fn output_text(output: &SendEventOutput) -> String {
    [output.absolute_time.as_deref(), output.id.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\t")
}

/// JSON with 4-space indentation, as the AWS CLI prints.
pub fn pretty(value: &serde_json::Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    match serde::Serialize::serialize(value, &mut ser) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(_) => value.to_string(),
    }
}

/// The line printed to stderr for a failed call, and the exit code.
pub fn error_report(err: &Error) -> (String, u8) {
    match err {
        Error::InvalidInput(e) => (
            format!("Parameter validation failed:\nInvalid parameter {}", e),
            EXIT_USAGE,
        ),
        Error::Service { error, .. } => {
            // botocore fills a missing code with the status, and a missing
            // message with the status's reason phrase.
            let status = error.status();
            let code = error
                .code()
                .map(str::to_owned)
                .unwrap_or_else(|| status.as_u16().to_string());
            let message = error.message().or(status.canonical_reason()).unwrap_or("");
            (
                format!(
                    "An error occurred ({code}) when calling the SendEvent operation: {message}"
                ),
                EXIT_SERVICE,
            )
        }
        other => (format!("SendEvent failed: {other}"), EXIT_OTHER),
    }
}
