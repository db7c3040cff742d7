//! Fuzz the CDMS/JPL catalog reader: any bytes give a catalog or a located error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(err) = stop_catalog::parse_catalog("fuzz.cat", &text) {
        let _ = err.to_string();
    }
});
