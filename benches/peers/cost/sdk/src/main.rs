//! One SendEvent with the official SDK, configured as its guide shows
//! (aws-config: region and credentials from the environment).
//! Usage: `cost-sdk ENDPOINT_URL CONNECTION_TOKEN`.

use aws_config::BehaviorVersion;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(token)) = (args.next(), args.next()) else {
        return Err("usage: cost-sdk ENDPOINT_URL CONNECTION_TOKEN".into());
    };
    let config = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(url)
        .load()
        .await;
    let client = aws_sdk_connectparticipant::Client::new(&config);
    let out = client
        .send_event()
        .connection_token(token)
        .content_type("application/vnd.amazonaws.connect.event.typing")
        .send()
        .await?;
    println!("{:?} {:?}", out.id(), out.absolute_time());
    Ok(())
}
