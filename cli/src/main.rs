//! The `connect-participant` command.
#![forbid(unsafe_code)]

mod args;
mod call;
mod connection;
mod demo;
mod demo_pacing;
mod mock;
mod pace;
mod params;
mod report;
mod send_event;
mod terminal;

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
        args::Command::CreateParticipantConnection(flags) => {
            match params::resolve_connection(flags, |n| std::env::var_os(n)) {
                Ok(a) => connection::run(a),
                Err(message) => {
                    eprintln!("{message}");
                    report::EXIT_USAGE
                }
            }
        }
        args::Command::SendEvent(flags) => match params::resolve(flags, |n| std::env::var_os(n)) {
            Ok(a) => send_event::run(a),
            Err(message) => {
                eprintln!("{message}");
                report::EXIT_USAGE
            }
        },
        args::Command::Mock(a) => mock::run(a),
        args::Command::Pace(a) => pace::main(a),
        args::Command::Demo => demo::run(),
    };
    ExitCode::from(code)
}
