//! `send-event`: build the configuration and input, then send (or show) it.

use std::time::Duration;

use connect_participant_core::{
    wire::RedactedRequest, Client, Config, ConfigError, Error, SendEvent, SendEventOutput,
    TransportOptions,
};

use crate::args::{SendEventArgs, Transport};
use crate::report::{self, EXIT_OK, EXIT_OTHER, EXIT_USAGE};

/// Runs the command; returns the exit code.
pub fn run(args: SendEventArgs) -> u8 {
    let config = match config(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}", report::config_error(&e));
            return EXIT_USAGE;
        }
    };
    let max_attempts = config.retry().max_attempts();
    let options = match options(&args) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            return EXIT_USAGE;
        }
    };
    let mut event = SendEvent::new(
        args.connection_token.as_str(),
        args.content_type.as_str(),
        args.content.clone(),
    );
    if let Some(token) = &args.client_token {
        event = event.with_client_token(token.as_str());
    }
    if args.dry_run {
        return dry_run(config, event);
    }
    let result = match args.transport {
        Transport::Ureq => send_ureq(config, options, event),
        Transport::Hyper => send_hyper(config, options, event),
    };
    match result {
        Ok(output) => {
            report::print_output(&output, args.output);
            EXIT_OK
        }
        Err(err) => {
            let (line, code) = report::error_report_for(&err, max_attempts);
            eprintln!("\n{line}");
            code
        }
    }
}

/// Flags win over the environment settings.
fn config(args: &SendEventArgs) -> Result<Config, ConfigError> {
    let mut builder = Config::builder().with_env(|name| std::env::var(name).ok())?;
    if let Some(region) = &args.region {
        builder = builder.region(region.as_str());
    }
    if let Some(url) = &args.endpoint_url {
        builder = builder.endpoint_url(url.as_str());
    }
    if args.use_fips_endpoint {
        builder = builder.use_fips(true);
    }
    if args.use_dualstack_endpoint {
        builder = builder.use_dual_stack(true);
    }
    if let Some(n) = args.max_attempts {
        builder = builder.max_attempts(n);
    }
    builder
        .allow_insecure_http(args.allow_insecure_http)
        .build()
}

fn seconds(flag: &str, value: Option<f64>) -> Result<Option<Duration>, String> {
    match value {
        None => Ok(None),
        Some(0.0) => Ok(Some(crate::params::NO_TIMEOUT)),
        Some(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(Some(Duration::from_secs_f64(s))),
        Some(s) => Err(format!(
            "invalid {flag} {s}: expected 0 (no timeout) or seconds in (0, 3600]"
        )),
    }
}

fn options(args: &SendEventArgs) -> Result<TransportOptions, String> {
    let mut options = TransportOptions::default();
    if let Some(d) = seconds("--cli-connect-timeout", args.connect_timeout)? {
        options = options.with_connect_timeout(d);
    }
    if let Some(d) = seconds("--cli-read-timeout", args.read_timeout)? {
        options = options.with_attempt_timeout(d);
    }
    Ok(options)
}

/// Prints the first attempt's request with the token redacted.
fn dry_run(config: Config, event: SendEvent) -> u8 {
    let mut seed = [0u8; 32];
    if getrandom::fill(&mut seed).is_err() {
        eprintln!("no OS randomness for the client token");
        return EXIT_OTHER;
    }
    match Client::new(config).start(event, seed) {
        Ok(mut call) => {
            let request = call.next_request();
            println!("{}", report::pretty(&RedactedRequest(&request).to_json()));
            EXIT_OK
        }
        Err(err) => {
            let (line, code) = report::error_report(&err);
            eprintln!("\n{line}");
            code
        }
    }
}

fn send_ureq(
    config: Config,
    options: TransportOptions,
    event: SendEvent,
) -> Result<SendEventOutput, Error> {
    match connect_participant_ureq::Client::builder(config)
        .options(options)
        .build()
    {
        Ok(client) => client.send_event(event),
        Err(e) => Err(setup_error(e)),
    }
}

fn send_hyper(
    config: Config,
    options: TransportOptions,
    event: SendEvent,
) -> Result<SendEventOutput, Error> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return Err(setup_error(e)),
    };
    runtime.block_on(async {
        match connect_participant_hyper::Client::builder(config)
            .options(options)
            .build()
        {
            Ok(client) => client.send_event(event).await,
            Err(e) => Err(setup_error(e)),
        }
    })
}

fn setup_error(e: impl std::fmt::Display) -> Error {
    Error::Transport {
        error: connect_participant_core::TransportError::new(
            connect_participant_core::TransportErrorKind::Other,
            format!("could not set up the client: {e}"),
        ),
        attempts: 0,
    }
}
