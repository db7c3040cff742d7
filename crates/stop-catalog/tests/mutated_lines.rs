//! Property tests: mutated catalog and table lines never panic, and every error points
//! at a line of the input (style guide, "Property tests").

use proptest::prelude::*;
use stop_catalog::{Database, parse_catalog, parse_cdms_partfunc, parse_jpl_catdir, parse_qpart};

const CO_CAT: &str = include_str!("fixtures/cdms_028503_co.cat");
const H2O_CAT: &str = include_str!("fixtures/jpl_018003_h2o_sample.cat");
const ALNUM_CAT: &str = include_str!("fixtures/molsim_testcat_alnum.cat");

/// Replace, delete or insert one byte at a position in the text.
fn mutate(text: &str, position: usize, op: u8, byte: u8) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let i = position % bytes.len().max(1);
    match op % 3 {
        0 if !bytes.is_empty() => bytes[i] = byte,
        1 if !bytes.is_empty() => {
            bytes.remove(i);
        }
        _ => bytes.insert(i, byte),
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn n_lines(text: &str) -> usize {
    text.lines().count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_catalogs_never_panic_and_errors_name_a_line(
        which in 0usize..3, position in 0usize..10_000, op in 0u8..3, byte in prop::sample::select(b" 0123456789.-+ABaz|#\tX\n".to_vec()),
    ) {
        let text = mutate([CO_CAT, H2O_CAT, ALNUM_CAT][which], position, op, byte);
        if let Err(err) = parse_catalog("mutated.cat", &text) {
            let line = err.line();
            prop_assert!(line.is_some_and(|l| l >= 1 && l <= n_lines(&text)), "{err}");
            prop_assert!(err.to_string().starts_with("mutated.cat:"), "{err}");
        }
    }

    #[test]
    fn random_lines_never_panic(text in "[ -~]{0,90}") {
        if let Err(err) = parse_catalog("random.cat", &text) {
            prop_assert!(err.line() == Some(1) || text.trim().is_empty(), "{err}");
        }
    }

    #[test]
    fn valid_lines_round_trip_their_numbers(
        freq_mhz in 1.0f64..9_999_999.0, lgint in -99.0f64..-0.001, elo_cm1 in 0.0f64..99_999.0, gup in 1u32..3600, tag in 1u32..999_999, experimental: bool,
    ) {
        let gup_text = if gup >= 1000 {
            let lead = char::from(b'A' + u8::try_from(gup / 100 - 10).expect("< 36"));
            format!("{lead}{:02}", gup % 100)
        } else {
            format!("{gup:3}")
        };
        let tag_signed = if experimental { -i64::from(tag) } else { i64::from(tag) };
        let line = format!("{freq_mhz:13.4}{:8.4}{lgint:8.4}{:2}{elo_cm1:10.4}{gup_text}{tag_signed:7}{:4}{:2}{:>10}{:2}", 0.05, 3, 101, 5, "", 4);
        let cat = parse_catalog("gen.cat", &line).map_err(|e| TestCaseError::fail(format!("{e}: {line:?}")))?;
        let parsed = &cat.lines[0];
        prop_assert!((parsed.freq_mhz - freq_mhz).abs() <= 5e-5);
        prop_assert!((parsed.lgint - lgint).abs() <= 5e-5);
        prop_assert!((parsed.elo_cm1 - elo_cm1).abs() <= 5e-5);
        prop_assert_eq!(parsed.gup, gup);
        prop_assert_eq!((parsed.tag, parsed.experimental), (tag, experimental));
    }

    #[test]
    fn mutated_partition_tables_never_panic(position in 0usize..40_000, op in 0u8..3, byte in prop::sample::select(b" 0123456789.-|nax\n".to_vec())) {
        let jpl = mutate(&include_str!("fixtures/jpl_catdir.cat")[..4000], position, op, byte);
        if let Err(err) = parse_jpl_catdir("catdir.cat", &jpl) {
            prop_assert!(err.line().is_some(), "{err}");
        }
        let cdms = mutate(&include_str!("fixtures/cdms_partfunc.cat")[..6000], position, op, byte);
        if let Err(err) = parse_cdms_partfunc("partfunc.cat", &cdms) {
            prop_assert!(err.line().is_some(), "{err}");
        }
        let qpart = mutate(include_str!("fixtures/cdms_028503_co.qpart"), position, op, byte);
        if let Err(err) = parse_qpart("co.qpart", &qpart, Database::Cdms, 28503) {
            prop_assert!(err.line().is_some() || qpart.lines().all(|l| l.trim().is_empty() || l.trim().starts_with('#')), "{err}");
        }
    }
}
