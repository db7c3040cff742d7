#![doc = include_str!("../README.md")]

pub mod constants;
pub mod planck;
pub mod profile;
pub mod radex_legacy;
pub mod units;
