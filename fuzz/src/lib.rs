//! Shared pieces of the `connect-participant-core` fuzz targets.
//!
//! - [`input`]: the input of each target, decoded from the fuzzer's bytes with
//!   [`arbitrary::Unstructured`] and encoded back by the seed generator
//!   (`cargo run --example gen_seeds`), so committed seeds are meaningful and
//!   reproducible.
//! - [`oracle`]: what the targets check the core against, written from
//!   `docs/spec.md` rather than from the core's code. The one copy lives with
//!   the core's property tests (`core/tests/support/oracle.rs`); both use it.
#![forbid(unsafe_code)]

pub mod input;
#[path = "../../core/tests/support/oracle.rs"]
pub mod oracle;
