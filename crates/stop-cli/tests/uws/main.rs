//! End-to-end tests of `stop serve` (IVOA UWS 1.1): the real server on 127.0.0.1:0, real
//! workers, every XML document validated against `../shared/schemas`.
#![allow(clippy::unwrap_used, clippy::print_stderr, missing_docs)]

#[path = "../common/serve.rs"]
mod serve;
mod harness;
mod execution;
mod jobtypes;
mod owners;
mod python;
mod resources;
mod restart;
