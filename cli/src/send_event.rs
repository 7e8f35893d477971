//! `send-event`: build the input, then send (or show) it.

use connect_participant_core::SendEvent;

use crate::args::SendEventArgs;

/// Runs the command; returns the exit code.
pub fn run(args: SendEventArgs) -> u8 {
    let mut event = SendEvent::new(
        args.connection_token.as_str(),
        args.content_type.as_str(),
        args.content.clone(),
    );
    if let Some(token) = &args.client_token {
        event = event.with_client_token(token.as_str());
    }
    crate::call::run(&args.common, event)
}
