//! What every call command shares: the configuration and transport options
//! from the common flags, `--dry-run`, sending through the chosen transport,
//! and printing the output or the error.

use std::time::Duration;

use connect_participant_core::operation::Operation;
use connect_participant_core::{
    config::Proxy, wire::RedactedRequest, Client, Config, ConfigError, Error, TransportOptions,
};

use crate::args::{CommonFlags, Transport};
use crate::report::{self, Printable, EXIT_OK, EXIT_OTHER, EXIT_USAGE};

/// Runs one call of `operation` as the flags say (or shows it, with
/// `--dry-run`); prints the output on stdout or the error on stderr, and
/// returns the exit code.
pub fn run<O>(flags: &CommonFlags, operation: O) -> u8
where
    O: Operation,
    O::Output: Printable,
{
    let config = match config(flags) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}", report::config_error(&e));
            return EXIT_USAGE;
        }
    };
    let max_attempts = config.retry().max_attempts();
    let options = match options(flags) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            return EXIT_USAGE;
        }
    };
    if flags.dry_run {
        return dry_run(config, operation);
    }
    let result = match flags.transport {
        Transport::Ureq => send_ureq(config, options, operation),
        Transport::Hyper => send_hyper(config, options, operation),
    };
    match result {
        Ok(output) => {
            report::print_output(&output, flags.output);
            EXIT_OK
        }
        Err(err) => {
            let (line, code) = report::error_report_for(O::NAME, &err, max_attempts);
            eprintln!("\n{line}");
            code
        }
    }
}

/// Flags win over the environment settings.
fn config(flags: &CommonFlags) -> Result<Config, ConfigError> {
    let mut builder = Config::builder().with_env(|name| std::env::var(name).ok())?;
    if let Some(region) = &flags.region {
        builder = builder.region(region.as_str());
    }
    if let Some(url) = &flags.endpoint_url {
        builder = builder.endpoint_url(url.as_str());
    }
    if flags.use_fips_endpoint {
        builder = builder.use_fips(true);
    }
    if flags.use_dualstack_endpoint {
        builder = builder.use_dual_stack(true);
    }
    if let Some(n) = flags.max_attempts {
        builder = builder.max_attempts(n);
    }
    builder
        .allow_insecure_http(flags.allow_insecure_http)
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

fn options(flags: &CommonFlags) -> Result<TransportOptions, String> {
    let mut options = TransportOptions::default();
    if let Some(d) = seconds("--cli-connect-timeout", flags.connect_timeout)? {
        options = options.with_connect_timeout(d);
    }
    if let Some(d) = seconds("--cli-read-timeout", flags.read_timeout)? {
        options = options.with_attempt_timeout(d);
    }
    // As the AWS CLI: HTTPS_PROXY (or https_proxy), bypassed for NO_PROXY.
    match Proxy::from_env(|name| std::env::var(name).ok()) {
        Ok(Some(proxy)) => options = options.with_proxy(proxy),
        Ok(None) => {}
        Err(e) => return Err(format!("{e} (set by HTTPS_PROXY or https_proxy)")),
    }
    Ok(options)
}

/// Prints the first attempt's request with the token redacted.
fn dry_run<O: Operation>(config: Config, operation: O) -> u8 {
    let mut seed = [0u8; 32];
    if getrandom::fill(&mut seed).is_err() {
        eprintln!("no OS randomness for the call's seed");
        return EXIT_OTHER;
    }
    match Client::new(config).start(operation, seed) {
        Ok(mut call) => {
            let request = call.next_request();
            println!("{}", report::pretty(&RedactedRequest(&request).to_json()));
            EXIT_OK
        }
        Err(err) => {
            let (line, code) = report::error_report(O::NAME, &err);
            eprintln!("\n{line}");
            code
        }
    }
}

fn send_ureq<O: Operation>(
    config: Config,
    options: TransportOptions,
    operation: O,
) -> Result<O::Output, Error> {
    match connect_participant_ureq::Client::builder(config)
        .options(options)
        .build()
    {
        Ok(client) => client.call(operation),
        Err(e) => Err(setup_error(e)),
    }
}

fn send_hyper<O: Operation>(
    config: Config,
    options: TransportOptions,
    operation: O,
) -> Result<O::Output, Error> {
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
            Ok(client) => client.call(operation).await,
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
