//! Fuzz the LAMDA reader: any bytes must give a molecule or a located error, never a panic;
//! a molecule that parses must survive write → read unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stop_molecule::lamda::{parse_lamda, write_lamda};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(molecule) = parse_lamda("fuzz.dat", &text) {
        let again = parse_lamda("written", &write_lamda(&molecule)).expect("written LAMDA parses");
        assert_eq!(molecule, again);
    }
});
