//! Fuzz the partition-function table readers (CDMS pipe table, JPL catdir, .qpart) and the
//! interpolation of whatever parses: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stop_catalog::{Database, parse_cdms_partfunc, parse_jpl_catdir, parse_qpart};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_cdms_partfunc("fuzz", &text).map(|t| format!("{t:?}"));
    let _ = parse_jpl_catdir("fuzz", &text).map(|t| format!("{t:?}"));
    let _ = parse_qpart("fuzz", &text, Database::Cdms, 28503).map(|t| format!("{t:?}"));
});
