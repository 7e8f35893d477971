//! The `connect-participant` command.
#![forbid(unsafe_code)]

mod args;
mod demo;
mod mock;
mod report;
mod send_event;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version are not errors; a bad command line is 252, as in the AWS CLI.
            return if e.use_stderr() {
                ExitCode::from(report::EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let code = match cli.command {
        args::Command::SendEvent(a) => send_event::run(a),
        args::Command::Mock(a) => mock::run(a),
        args::Command::Demo => demo::run(),
    };
    ExitCode::from(code)
}
