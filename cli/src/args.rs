//! The command line, as clap reads it.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Amazon Connect Participant Service SendEvent client: typing, delivered and read events.
#[derive(Debug, Parser)]
#[command(name = "connect-participant", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send an event, like `aws connectparticipant send-event`.
    SendEvent(SendEventArgs),
    /// Serve the simulated Participant Service on a loopback port until stopped.
    Mock(MockArgs),
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
    /// `{"Id": ..., "AbsoluteTime": ...}`, as the AWS CLI prints it.
    Json,
    /// Tab-separated values, keys in sorted order, as the AWS CLI's text output.
    Text,
}

#[derive(Debug, Args)]
pub struct SendEventArgs {
    /// The content type of the event, e.g. application/vnd.amazonaws.connect.event.typing.
    #[arg(long)]
    pub content_type: String,
    /// The participant's connection token (sent as X-Amz-Bearer; never printed).
    #[arg(long)]
    pub connection_token: String,
    /// The content; for receipts a JSON string such as {"messageId":"..."}.
    #[arg(long)]
    pub content: Option<String>,
    /// Idempotency token; a UUID v4 is generated when absent.
    #[arg(long)]
    pub client_token: Option<String>,
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
    /// Seconds to wait for a connection.
    #[arg(long = "cli-connect-timeout", value_name = "SECONDS")]
    pub connect_timeout: Option<f64>,
    /// Seconds one attempt may take as a whole.
    #[arg(long = "cli-read-timeout", value_name = "SECONDS")]
    pub read_timeout: Option<f64>,
    /// Allow plain http:// to a host that is not loopback (the token travels unencrypted).
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Print the request that would be sent (token redacted) as JSON, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct MockArgs {
    /// The loopback port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}
