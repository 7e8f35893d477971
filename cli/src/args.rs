//! The command line, as clap reads it.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Amazon Connect Participant Service client: CreateParticipantConnection and SendEvent
/// (typing, delivered and read events).
#[derive(Debug, Parser)]
#[command(name = "connect-participant", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Exchange a participant token for a connection token and a WebSocket URL (and acknowledge
    /// the connection), like `aws connectparticipant create-participant-connection`.
    CreateParticipantConnection(CreateParticipantConnectionFlags),
    /// Send an event, like `aws connectparticipant send-event`.
    SendEvent(SendEventFlags),
    /// Serve the simulated Participant Service on a loopback port until stopped.
    Mock(MockArgs),
    Pace(crate::pace::PaceArgs),
    /// Play a short story against the simulated service, through both transports.
    Demo,
}

/// Which client sends the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Transport {
    /// The blocking client on ureq.
    Ureq,
    /// The async client on hyper and Tokio.
    Hyper,
}

/// How the answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// JSON in the model's member order, 4-space indented, as the AWS CLI prints it.
    Json,
    /// Tab-separated values, keys in sorted order, as the AWS CLI's text output.
    Text,
}

/// The flags every call command takes: where the request goes, how it is
/// sent, and how the answer is printed.
#[derive(Debug, Clone, Args)]
pub struct CommonFlags {
    /// The region (else AWS_REGION, then AWS_DEFAULT_REGION).
    #[arg(long)]
    pub region: Option<String>,
    /// A custom endpoint URL (else AWS_ENDPOINT_URL_CONNECTPARTICIPANT, then AWS_ENDPOINT_URL).
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// Use a FIPS endpoint (else AWS_USE_FIPS_ENDPOINT).
    #[arg(long)]
    pub use_fips_endpoint: bool,
    /// Use a dual-stack endpoint (else AWS_USE_DUALSTACK_ENDPOINT).
    #[arg(long)]
    pub use_dualstack_endpoint: bool,
    /// Attempts in all, the first included (else AWS_MAX_ATTEMPTS, default 3).
    #[arg(long)]
    pub max_attempts: Option<u32>,
    /// Which client sends the request.
    #[arg(long, value_enum, default_value_t = Transport::Ureq)]
    pub transport: Transport,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    pub output: Output,
    /// Seconds to wait for a connection; 0 means no timeout.
    #[arg(long = "cli-connect-timeout", value_name = "SECONDS")]
    pub connect_timeout: Option<f64>,
    /// Seconds one attempt may take as a whole; 0 means no timeout.
    #[arg(long = "cli-read-timeout", value_name = "SECONDS")]
    pub read_timeout: Option<f64>,
    /// Allow plain http:// to a host that is not loopback (the token travels unencrypted).
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Print the request that would be sent (token redacted) as JSON, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// The end of both calls' long help: timeouts, proxies, escaped text.
macro_rules! common_after_help {
    () => {
        "Timeouts:
  --cli-connect-timeout 0 and --cli-read-timeout 0 mean no timeout.

Proxy:
  As the AWS CLI: HTTPS_PROXY (or https_proxy), http://[user:pass@]host:port,
  in a CONNECT tunnel (TLS stays end to end: the proxy never sees the token);
  NO_PROXY (or no_proxy) lists hosts that go direct (a.com,.b.com,*).

Text from the service (error codes and messages, output values) is printed with
control characters escaped as \\u{1b}, so it cannot drive the terminal."
    };
}

/// How `file://PATH`, the environment and timeouts of 0 are read, shown by `send-event --help`.
const SEND_EVENT_AFTER_HELP: &str = concat!(
    "\
Parameters from files:
  --connection-token, --content, --client-token and --content-type each take
  file://PATH instead of a value: the value is then the file's contents (UTF-8,
  at most 1 MiB; a leading ~/ is your home directory). --content is used
  exactly as the file holds it, as the AWS CLI does; for the other three, one
  trailing line ending (\\n or \\r\\n) is removed, since `echo` and editors add
  one and none of them can end with a line break. A file that cannot be read
  is a usage error (exit 252); its contents are never printed.
  file:///dev/stdin reads a value from standard input.

The connection token:
  --connection-token, else the CONNECT_PARTICIPANT_CONNECTION_TOKEN environment
  variable (its value is used as is; file:// is not read there). Either keeps
  the token out of `ps` and shell history, unlike a literal --connection-token.
  A token that begins with '-' is a value: --connection-token -abc works.

",
    common_after_help!()
);

/// `send-event` as clap reads it; [`crate::params::resolve`] turns it into
/// [`SendEventArgs`] (files read, the environment consulted).
#[derive(Debug, Args)]
#[command(after_long_help = SEND_EVENT_AFTER_HELP)]
pub struct SendEventFlags {
    /// The content type of the event, e.g. application/vnd.amazonaws.connect.event.typing (or file://PATH).
    #[arg(long)]
    pub content_type: String,
    /// The participant's connection token (sent as X-Amz-Bearer; never printed), or file://PATH
    /// (its contents, one trailing newline removed).
    /// Else the CONNECT_PARTICIPANT_CONNECTION_TOKEN environment variable.
    #[arg(long, allow_hyphen_values = true, value_name = "TOKEN")]
    pub connection_token: Option<String>,
    /// The content; for receipts a JSON string such as {"messageId":"..."} (or file://PATH, used as is).
    #[arg(long, allow_hyphen_values = true)]
    pub content: Option<String>,
    /// Idempotency token, or file://PATH; a UUID v4 is generated when absent.
    #[arg(long, allow_hyphen_values = true)]
    pub client_token: Option<String>,
    /// Where to send, how, and how to print.
    #[command(flatten)]
    pub common: CommonFlags,
}

/// `send-event` with every parameter resolved: files read, the token found.
#[derive(Debug)]
pub struct SendEventArgs {
    /// The content type.
    pub content_type: String,
    /// The connection token.
    pub connection_token: String,
    /// The content.
    pub content: Option<String>,
    /// The idempotency token.
    pub client_token: Option<String>,
    /// Where to send, how, and how to print.
    pub common: CommonFlags,
}

/// How `file://PATH` and the environment are read, shown by
/// `create-participant-connection --help`.
const CONNECTION_AFTER_HELP: &str = concat!(
    "\
Parameters from files:
  --participant-token and each --type value take file://PATH instead of a
  value: the value is then the file's contents (UTF-8, at most 1 MiB; a leading
  ~/ is your home directory), one trailing line ending (\\n or \\r\\n) removed.
  A file that cannot be read is a usage error (exit 252); its contents are
  never printed. file:///dev/stdin reads a value from standard input.

The participant token:
  --participant-token, else the CONNECT_PARTICIPANT_PARTICIPANT_TOKEN
  environment variable (its value is used as is; file:// is not read there).
  Either keeps the token out of `ps` and shell history, unlike a literal
  --participant-token. A token that begins with '-' is a value:
  --participant-token -abc works.

Types:
  --type takes one or more of WEBSOCKET, CONNECTION_CREDENTIALS and
  WEBRTC_CONNECTION, separated by spaces as in the AWS CLI
  (--type WEBSOCKET CONNECTION_CREDENTIALS), or a JSON list
  (--type '[\"WEBSOCKET\"]'). Other text is sent as given. Without --type the
  request has no Type, as an agent acknowledging sends it.

The answer:
  The connection token, the WebSocket URL and a WebRTC join token are secrets:
  they are printed on stdout, as the output of the command, and nowhere else.

",
    common_after_help!()
);

/// `create-participant-connection` as clap reads it;
/// [`crate::params::resolve_connection`] turns it into
/// [`CreateParticipantConnectionArgs`] (files read, the environment consulted).
#[derive(Debug, Args)]
#[command(after_long_help = CONNECTION_AFTER_HELP)]
pub struct CreateParticipantConnectionFlags {
    /// The participant token (sent as X-Amz-Bearer; never printed), or file://PATH (its contents,
    /// one trailing newline removed). Else the CONNECT_PARTICIPANT_PARTICIPANT_TOKEN environment
    /// variable.
    #[arg(long, allow_hyphen_values = true, value_name = "TOKEN")]
    pub participant_token: Option<String>,
    /// The connection types to ask for: one or more of WEBSOCKET, CONNECTION_CREDENTIALS,
    /// WEBRTC_CONNECTION (or a JSON list, or file://PATH).
    #[arg(long = "type", num_args = 1.., value_name = "TYPE")]
    pub types: Option<Vec<String>>,
    /// Mark the participant as connected (ConnectParticipant: true), acknowledging the connection.
    #[arg(long, overrides_with = "no_connect_participant")]
    pub connect_participant: bool,
    /// Send ConnectParticipant: false.
    #[arg(long, overrides_with = "connect_participant")]
    pub no_connect_participant: bool,
    /// Where to send, how, and how to print.
    #[command(flatten)]
    pub common: CommonFlags,
}

/// `create-participant-connection` with every parameter resolved: files
/// read, the token found.
#[derive(Debug)]
pub struct CreateParticipantConnectionArgs {
    /// The participant token.
    pub participant_token: String,
    /// The types, if `--type` was given.
    pub types: Option<Vec<String>>,
    /// `ConnectParticipant`, if given.
    pub connect_participant: Option<bool>,
    /// Where to send, how, and how to print.
    pub common: CommonFlags,
}

#[derive(Debug, Args)]
pub struct MockArgs {
    /// The loopback port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}
