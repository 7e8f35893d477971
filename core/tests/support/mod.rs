//! What the property tests (`core/tests/prop_*.rs`) share: the spec's rules
//! restated ([`oracle`], also used by the fuzz targets), proptest strategies
//! ([`strategies`]), and scripted outcomes with an HTTP client that answers
//! from them ([`script`]). Each test file uses only part of it.
#![allow(dead_code)]

pub mod oracle;
pub mod script;
pub mod strategies;

use connect_participant_core::retry::RetryQuota;
use connect_participant_core::{Client, Config};
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm};

/// Cases per property.
pub const CASES: u32 = 1000;

/// The endpoint of the test clients.
pub const ENDPOINT: &str = "http://127.0.0.1:8080/base";

/// 1000 cases each. XorShift instead of the default ChaCha: in a debug
/// build the generator's own cost dominated the run time.
pub fn config() -> ProptestConfig {
    ProptestConfig {
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::with_cases(CASES)
    }
}

/// A client of [`ENDPOINT`] with standard retries and a full quota.
pub fn client() -> Client {
    Client::new(Config::for_endpoint(ENDPOINT).expect("config"))
}

/// A client of [`ENDPOINT`] making at most `max_attempts`, its quota
/// starting at `tokens`.
pub fn client_with(max_attempts: u32, tokens: u32) -> Client {
    let config = Config::builder()
        .endpoint_url(ENDPOINT)
        .max_attempts(max_attempts)
        .build()
        .expect("config");
    Client::with_quota(config, RetryQuota::with_tokens(tokens))
}
