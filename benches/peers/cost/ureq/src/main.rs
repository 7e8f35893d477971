//! One SendEvent with connect-participant's blocking client.
//! Usage: `cost-ureq ENDPOINT_URL CONNECTION_TOKEN`.

use connect_participant::{Config, SendEvent};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(token)) = (args.next(), args.next()) else {
        return Err("usage: cost-ureq ENDPOINT_URL CONNECTION_TOKEN".into());
    };
    let client = connect_participant::ureq::Client::new(Config::for_endpoint(&url)?)?;
    let out = client.send_event(SendEvent::typing(token))?;
    println!("{:?} {:?}", out.id, out.absolute_time);
    Ok(())
}
