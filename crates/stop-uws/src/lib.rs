#![doc = include_str!("../README.md")]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod exec;
pub mod params;
pub mod protocol;
pub mod store;
