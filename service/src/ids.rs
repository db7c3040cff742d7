//! Job identifiers: 20 lowercase hex digits (80 random bits) from the system's random source,
//! so private jobs are unguessable. Hex digits never start with `h`, `t`, `p` or `s`, which
//! uws-client would strip from the front of an id.

use std::io::Read as _;

/// Fills `buf` from `/dev/urandom`.
///
/// # Errors
/// When the random source cannot be read.
pub fn random_bytes(buf: &mut [u8]) -> std::io::Result<()> {
    std::fs::File::open("/dev/urandom")?.read_exact(buf)
}

/// A new job id.
///
/// # Errors
/// When the random source cannot be read.
pub fn new_job_id() -> std::io::Result<String> {
    let mut b = [0u8; 10];
    random_bytes(&mut b)?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}
