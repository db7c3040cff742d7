#![doc = include_str!("../README.md")]

pub mod error;
pub mod grid;

pub use error::LimeError;
