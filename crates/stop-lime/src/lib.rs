#![doc = include_str!("../README.md")]

pub mod error;
pub mod grid;
pub mod pops;
pub mod solve;
pub mod transport;

pub use error::LimeError;
