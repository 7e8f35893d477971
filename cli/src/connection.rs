//! `create-participant-connection`: build the input, then send (or show) it.
//! The answer's secrets are the command's output: printed on stdout, never
//! in an error or anywhere else.

use connect_participant_core::connection::ConnectionType;
use connect_participant_core::CreateParticipantConnection;

use crate::args::CreateParticipantConnectionArgs;

/// Runs the command; returns the exit code.
pub fn run(args: CreateParticipantConnectionArgs) -> u8 {
    let mut input = CreateParticipantConnection::new(args.participant_token.as_str());
    if let Some(types) = &args.types {
        input = input.with_types(types.iter().map(|t| ConnectionType::from(t.as_str())));
    }
    if let Some(connect) = args.connect_participant {
        input = input.with_connect_participant(connect);
    }
    crate::call::run(&args.common, input)
}
