//! Shared pieces of the `connect-participant-core` fuzz targets.
//!
//! - [`input`]: the input of each target, decoded from the fuzzer's bytes with
//!   [`arbitrary::Unstructured`] and encoded back by the seed generator
//!   (`cargo run --example gen_seeds`), so committed seeds are meaningful and
//!   reproducible.
//! - [`oracle`]: what the targets check the core against, written from
//!   `SPEC.md` rather than from the core's code.
#![forbid(unsafe_code)]

pub mod input;
pub mod oracle;
