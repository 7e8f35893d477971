//! What the command prints and the exit codes it ends with, as the AWS CLI does.

use connect_participant_core::endpoint::EndpointError;
use connect_participant_core::{ConfigError, Error, SendEventOutput};

use crate::args::Output;
use crate::terminal::{escape, json_safe};

/// Success.
pub const EXIT_OK: u8 = 0;
/// Invalid command line, parameter or configuration; nothing was sent.
pub const EXIT_USAGE: u8 = 252;
/// The service answered with an error.
pub const EXIT_SERVICE: u8 = 254;
/// Anything else (connection, timeout, malformed answer).
pub const EXIT_OTHER: u8 = 255;

/// The output as the AWS CLI's JSON: `{"Id": ..., "AbsoluteTime": ...}` in
/// the model's member order, 4-space indented, absent members left out; an
/// output with no member is `None` (the AWS CLI prints nothing at all).
/// Control characters in the values are `\uXXXX` escapes, never raw.
pub fn output_json(output: &SendEventOutput) -> Option<String> {
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
        None
    } else {
        Some(json_safe(format!("{{\n{}\n}}", members.join(",\n"))))
    }
}

/// The output as the AWS CLI's text: values in key order, tab-separated,
/// control characters escaped; `None` for an output with no member.
pub fn output_text(output: &SendEventOutput) -> Option<String> {
    let values: Vec<_> = [output.absolute_time.as_deref(), output.id.as_deref()]
        .into_iter()
        .flatten()
        .map(escape)
        .collect();
    (!values.is_empty()).then(|| values.join("\t"))
}

/// Prints the output on stdout in the chosen format; nothing at all for an
/// output with no member, as the AWS CLI.
pub fn print_output(output: &SendEventOutput, format: Output) {
    let text = match format {
        Output::Json => output_json(output),
        Output::Text => output_text(output),
    };
    if let Some(text) = text {
        println!("{text}");
    }
}

/// JSON with 4-space indentation, as the AWS CLI prints.
pub fn pretty(value: &serde_json::Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    json_safe(match serde::Serialize::serialize(value, &mut ser) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(_) => value.to_string(),
    })
}

/// The line printed to stderr for a failed call, and the exit code, when the
/// maximum attempts are not known (no `reached max retries`).
pub fn error_report(err: &Error) -> (String, u8) {
    report(err, None)
}

/// The line printed to stderr for a failed call of a client allowed
/// `max_attempts` attempts, and the exit code. A service error that came on
/// the last attempt allowed says `(reached max retries: N)`, N the retries
/// made, as botocore does. Text from the server is escaped.
pub fn error_report_for(err: &Error, max_attempts: u32) -> (String, u8) {
    report(err, Some(max_attempts))
}

fn report(err: &Error, max_attempts: Option<u32>) -> (String, u8) {
    match err {
        Error::InvalidInput(e) => (
            format!(
                "Parameter validation failed:\nInvalid parameter {}",
                escape(&e.to_string())
            ),
            EXIT_USAGE,
        ),
        Error::Service { error, attempts } => {
            // botocore fills a missing code with the status, and a missing
            // message with the status's reason phrase when the body was empty
            // or not JSON; a JSON body without a message gives an empty one.
            let status = error.status();
            let code = error
                .code()
                .map(str::to_owned)
                .unwrap_or_else(|| status.as_u16().to_string());
            let fallback = if error.has_json_body() {
                None
            } else {
                status.canonical_reason()
            };
            let message = error.message().or(fallback).unwrap_or("");
            let retries = match max_attempts {
                Some(max) if *attempts >= max && *attempts > 0 => {
                    format!(" (reached max retries: {})", attempts - 1)
                }
                _ => String::new(),
            };
            (
                format!(
                    "An error occurred ({}) when calling the SendEvent operation{retries}: {}",
                    escape(&code),
                    escape(message)
                ),
                EXIT_SERVICE,
            )
        }
        other => (
            format!("SendEvent failed: {}", escape(&other.to_string())),
            EXIT_OTHER,
        ),
    }
}

/// A configuration error as a message that names the flag and the
/// environment variable that fix it.
pub fn config_error(err: &ConfigError) -> String {
    const REGION: &str = "give --region or set AWS_REGION (or AWS_DEFAULT_REGION)";
    const ENDPOINT: &str =
        "--endpoint-url (or AWS_ENDPOINT_URL_CONNECTPARTICIPANT, AWS_ENDPOINT_URL)";
    let hint = match err {
        ConfigError::Endpoint(EndpointError::MissingRegion) => {
            format!("{REGION}, or give a custom endpoint with {ENDPOINT}")
        }
        ConfigError::Endpoint(EndpointError::InvalidRegion(_)) => {
            format!("{REGION} to a region such as us-west-2")
        }
        ConfigError::Endpoint(EndpointError::FipsWithCustomEndpoint) => format!(
            "drop --use-fips-endpoint (and AWS_USE_FIPS_ENDPOINT), or the custom endpoint \
             {ENDPOINT}"
        ),
        ConfigError::Endpoint(EndpointError::DualStackWithCustomEndpoint) => format!(
            "drop --use-dualstack-endpoint (and AWS_USE_DUALSTACK_ENDPOINT), or the custom \
             endpoint {ENDPOINT}"
        ),
        ConfigError::Endpoint(EndpointError::InvalidEndpoint(_)) => {
            format!("fix the URL given with {ENDPOINT}")
        }
        ConfigError::InsecureHttp { .. } => "use https://, a loopback host, or pass \
             --allow-insecure-http to send the token unencrypted anyway"
            .to_owned(),
        ConfigError::InvalidSetting { name, .. } if name == "max_attempts" => {
            "give --max-attempts (or AWS_MAX_ATTEMPTS) a whole number, at least 1".to_owned()
        }
        _ => return escape(&err.to_string()).into_owned(),
    };
    format!("{}\nTo fix it: {hint}.", escape(&err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_participant_core::Config;

    fn config_err(builder: connect_participant_core::config::ConfigBuilder) -> String {
        config_error(&builder.build().expect_err("a configuration error"))
    }

    #[test]
    fn configuration_errors_name_the_flag_and_the_variable() {
        let missing = config_err(Config::builder());
        assert!(
            missing.contains("Missing Region")
                && missing.contains("--region")
                && missing.contains("AWS_REGION"),
            "{missing}"
        );
        let insecure = config_err(Config::builder().endpoint_url("http://example.com"));
        assert!(insecure.contains("--allow-insecure-http"), "{insecure}");
        let fips = config_err(
            Config::builder()
                .endpoint_url("https://example.com")
                .use_fips(true),
        );
        assert!(
            fips.contains("--use-fips-endpoint") && fips.contains("AWS_USE_FIPS_ENDPOINT"),
            "{fips}"
        );
        let dual = config_err(
            Config::builder()
                .endpoint_url("https://example.com")
                .use_dual_stack(true),
        );
        assert!(dual.contains("--use-dualstack-endpoint"), "{dual}");
        let region = config_err(Config::builder().region("us east 1"));
        assert!(region.contains("--region"), "{region}");
        let attempts = config_err(Config::builder().region("us-west-2").max_attempts(0));
        assert!(attempts.contains("--max-attempts"), "{attempts}");
    }
}
