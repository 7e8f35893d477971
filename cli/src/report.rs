//! What the command prints and the exit codes it ends with, as the AWS CLI does.

use connect_participant_core::connection::{JoinToken, PresignedUrl, WebRtcConnection};
use connect_participant_core::endpoint::EndpointError;
use connect_participant_core::{
    ConfigError, ConnectionToken, CreateParticipantConnectionOutput, Error, SendEventOutput,
};

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

/// A value of an output as the AWS CLI prints it: a string, or a structure
/// whose members are in the model's order (absent members left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A string member.
    Str(String),
    /// A structure member.
    Obj(Vec<(&'static str, Node)>),
}

/// An output the command can print.
pub trait Printable {
    /// The top-level members, in the model's order, absent ones left out.
    fn members(&self) -> Vec<(&'static str, Node)>;
}

/// Adds `name` when `value` is present.
fn put(members: &mut Vec<(&'static str, Node)>, name: &'static str, value: Option<&str>) {
    if let Some(value) = value {
        members.push((name, Node::Str(value.to_owned())));
    }
}

/// Adds `name` as a structure when `value` is present (an empty structure
/// too: the AWS CLI prints `{}` for one).
fn put_obj<T>(
    members: &mut Vec<(&'static str, Node)>,
    name: &'static str,
    value: Option<&T>,
    inner: impl FnOnce(&T) -> Vec<(&'static str, Node)>,
) {
    if let Some(value) = value {
        members.push((name, Node::Obj(inner(value))));
    }
}

impl Printable for SendEventOutput {
    fn members(&self) -> Vec<(&'static str, Node)> {
        let mut m = Vec::new();
        put(&mut m, "Id", self.id.as_deref());
        put(&mut m, "AbsoluteTime", self.absolute_time.as_deref());
        m
    }
}

/// The secrets (connection token, WebSocket URL, join token) are exposed
/// here on purpose: they are the command's output, printed on stdout only.
impl Printable for CreateParticipantConnectionOutput {
    fn members(&self) -> Vec<(&'static str, Node)> {
        let mut m = Vec::new();
        put_obj(&mut m, "Websocket", self.websocket.as_ref(), |ws| {
            let mut m = Vec::new();
            put(&mut m, "Url", ws.url.as_ref().map(PresignedUrl::expose));
            put(&mut m, "ConnectionExpiry", ws.connection_expiry.as_deref());
            m
        });
        put_obj(
            &mut m,
            "ConnectionCredentials",
            self.connection_credentials.as_ref(),
            |c| {
                let mut m = Vec::new();
                put(
                    &mut m,
                    "ConnectionToken",
                    c.connection_token.as_ref().map(ConnectionToken::expose),
                );
                put(&mut m, "Expiry", c.expiry.as_deref());
                m
            },
        );
        put_obj(
            &mut m,
            "WebRTCConnection",
            self.webrtc_connection.as_ref(),
            webrtc,
        );
        m
    }
}

fn webrtc(rtc: &WebRtcConnection) -> Vec<(&'static str, Node)> {
    let mut m = Vec::new();
    put_obj(&mut m, "Attendee", rtc.attendee.as_ref(), |a| {
        let mut m = Vec::new();
        put(&mut m, "AttendeeId", a.attendee_id.as_deref());
        put(
            &mut m,
            "JoinToken",
            a.join_token.as_ref().map(JoinToken::expose),
        );
        m
    });
    put_obj(&mut m, "Meeting", rtc.meeting.as_ref(), |meeting| {
        let mut m = Vec::new();
        put(&mut m, "MeetingId", meeting.meeting_id.as_deref());
        put_obj(
            &mut m,
            "MediaPlacement",
            meeting.media_placement.as_ref(),
            |p| {
                let mut m = Vec::new();
                put(&mut m, "AudioHostUrl", p.audio_host_url.as_deref());
                put(&mut m, "AudioFallbackUrl", p.audio_fallback_url.as_deref());
                put(&mut m, "SignalingUrl", p.signaling_url.as_deref());
                put(
                    &mut m,
                    "EventIngestionUrl",
                    p.event_ingestion_url.as_deref(),
                );
                m
            },
        );
        put_obj(
            &mut m,
            "MeetingFeatures",
            meeting.meeting_features.as_ref(),
            |f| {
                let mut m = Vec::new();
                put_obj(&mut m, "Audio", f.audio.as_ref(), |a| {
                    let mut m = Vec::new();
                    put(&mut m, "EchoReduction", a.echo_reduction.as_deref());
                    m
                });
                m
            },
        );
        m
    });
    m
}

/// The output as the AWS CLI's JSON: members in the model's order, 4-space
/// indented, absent members left out; an output with no member is `None`
/// (the AWS CLI prints nothing at all). Control characters in the values
/// are `\uXXXX` escapes, never raw.
pub fn output_json(output: &impl Printable) -> Option<String> {
    let members = output.members();
    if members.is_empty() {
        return None;
    }
    let mut out = String::new();
    write_json_obj(&members, 0, &mut out);
    Some(json_safe(out))
}

fn write_json_obj(members: &[(&'static str, Node)], depth: usize, out: &mut String) {
    if members.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    for (i, (name, node)) in members.iter().enumerate() {
        out.push_str(&"    ".repeat(depth + 1));
        out.push_str(&format!("{}: ", serde_json::Value::from(*name)));
        match node {
            Node::Str(value) => out.push_str(&serde_json::Value::from(value.as_str()).to_string()),
            Node::Obj(inner) => write_json_obj(inner, depth + 1, out),
        }
        if i + 1 < members.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str(&"    ".repeat(depth));
    out.push('}');
}

/// The output as the AWS CLI's text: a structure's string values in key
/// order, tab-separated, on one line (a nested structure's line starts with
/// its name in capitals), then its nested structures in key order; control
/// characters escaped. `None` for an output that prints no line.
pub fn output_text(output: &impl Printable) -> Option<String> {
    let mut lines = Vec::new();
    write_text(&output.members(), None, &mut lines);
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn write_text(members: &[(&'static str, Node)], name: Option<&str>, lines: &mut Vec<String>) {
    let mut sorted: Vec<_> = members.iter().collect();
    sorted.sort_by_key(|(key, _)| *key);
    let mut values: Vec<String> = sorted
        .iter()
        .filter_map(|(_, node)| match node {
            Node::Str(value) => Some(escape(value).into_owned()),
            Node::Obj(_) => None,
        })
        .collect();
    if !values.is_empty() {
        if let Some(name) = name {
            values.insert(0, name.to_ascii_uppercase());
        }
        lines.push(values.join("\t"));
    }
    for (key, node) in sorted {
        if let Node::Obj(inner) = node {
            write_text(inner, Some(key), lines);
        }
    }
}

/// Prints the output on stdout in the chosen format; nothing at all for an
/// output with no member, as the AWS CLI.
pub fn print_output(output: &impl Printable, format: Output) {
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

/// The line printed to stderr for a failed call of `operation` (its name,
/// e.g. `SendEvent`), and the exit code, when the maximum attempts are not
/// known (no `reached max retries`).
pub fn error_report(operation: &str, err: &Error) -> (String, u8) {
    report(operation, err, None)
}

/// The line printed to stderr for a failed call of `operation` by a client
/// allowed `max_attempts` attempts, and the exit code. A service error that
/// came on the last attempt allowed says `(reached max retries: N)`, N the
/// retries made, as botocore does. Text from the server is escaped.
pub fn error_report_for(operation: &str, err: &Error, max_attempts: u32) -> (String, u8) {
    report(operation, err, Some(max_attempts))
}

fn report(operation: &str, err: &Error, max_attempts: Option<u32>) -> (String, u8) {
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
                    "An error occurred ({}) when calling the {operation} operation{retries}: {}",
                    escape(&code),
                    escape(message)
                ),
                EXIT_SERVICE,
            )
        }
        other => (
            format!("{operation} failed: {}", escape(&other.to_string())),
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

    /// An answer with every member, keys deliberately out of model order.
    const FULL: &str = r#"{
        "WebRTCConnection": {
            "Meeting": {
                "MeetingFeatures": {"Audio": {"EchoReduction": "AVAILABLE"}},
                "MediaPlacement": {"SignalingUrl": "s", "EventIngestionUrl": "e", "AudioHostUrl": "h", "AudioFallbackUrl": "f"},
                "MeetingId": "meet"
            },
            "Attendee": {"JoinToken": "join", "AttendeeId": "att"}
        },
        "ConnectionCredentials": {"Expiry": "2019-11-09T02:41:28.172Z", "ConnectionToken": "conn"},
        "Websocket": {"ConnectionExpiry": "2019-11-08T02:43:08.172Z", "Url": "wss://u"}
    }"#;

    fn connection(json: &str) -> CreateParticipantConnectionOutput {
        serde_json::from_str(json).expect("an answer")
    }

    #[test]
    fn a_connection_prints_in_model_order_with_4_space_indent() {
        let expected = r#"{
    "Websocket": {
        "Url": "wss://u",
        "ConnectionExpiry": "2019-11-08T02:43:08.172Z"
    },
    "ConnectionCredentials": {
        "ConnectionToken": "conn",
        "Expiry": "2019-11-09T02:41:28.172Z"
    },
    "WebRTCConnection": {
        "Attendee": {
            "AttendeeId": "att",
            "JoinToken": "join"
        },
        "Meeting": {
            "MeetingId": "meet",
            "MediaPlacement": {
                "AudioHostUrl": "h",
                "AudioFallbackUrl": "f",
                "SignalingUrl": "s",
                "EventIngestionUrl": "e"
            },
            "MeetingFeatures": {
                "Audio": {
                    "EchoReduction": "AVAILABLE"
                }
            }
        }
    }
}"#;
        assert_eq!(output_json(&connection(FULL)).as_deref(), Some(expected));
        // Absent members are left out, an empty structure is `{}`, an empty
        // answer prints nothing.
        let partial =
            connection(r#"{"ConnectionCredentials":{"ConnectionToken":"c"},"Websocket":{}}"#);
        assert_eq!(
            output_json(&partial).as_deref(),
            Some("{\n    \"Websocket\": {},\n    \"ConnectionCredentials\": {\n        \"ConnectionToken\": \"c\"\n    }\n}")
        );
        assert_eq!(output_json(&connection("{}")), None);
        assert_eq!(output_text(&connection("{}")), None);
    }

    #[test]
    fn a_connection_as_text_is_one_line_per_structure_in_key_order() {
        let expected = "CONNECTIONCREDENTIALS\tconn\t2019-11-09T02:41:28.172Z\n\
                        ATTENDEE\tatt\tjoin\n\
                        MEETING\tmeet\n\
                        MEDIAPLACEMENT\tf\th\te\ts\n\
                        AUDIO\tAVAILABLE\n\
                        WEBSOCKET\t2019-11-08T02:43:08.172Z\twss://u";
        assert_eq!(output_text(&connection(FULL)).as_deref(), Some(expected));
    }

    #[test]
    fn control_characters_in_values_are_escaped() {
        let hostile = connection(
            r#"{"ConnectionCredentials":{"ConnectionToken":"a\u001b[2Jb","Expiry":"x\u009by"}}"#,
        );
        let json = output_json(&hostile).expect("json");
        assert!(
            json.contains(r"a\u001b[2Jb") && json.contains(r"x\u009by"),
            "{json}"
        );
        let text = output_text(&hostile).expect("text");
        assert_eq!(text, r"CONNECTIONCREDENTIALS	a\u{1b}[2Jb	x\u{9b}y");
    }

    #[test]
    fn errors_name_the_operation() {
        let err = Error::Transport {
            error: connect_participant_core::TransportError::new(
                connect_participant_core::TransportErrorKind::Connect,
                "refused",
            ),
            attempts: 1,
        };
        let (line, code) = error_report("CreateParticipantConnection", &err);
        assert!(
            line.starts_with("CreateParticipantConnection failed: "),
            "{line}"
        );
        assert_eq!(code, EXIT_OTHER);
    }

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
