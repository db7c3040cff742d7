//! Every shipped LAMDA file: parse, write, parse again; partition function against an
//! independent sum; located errors for broken files.

use std::path::PathBuf;

use stop_molecule::lamda::{parse_lamda, read_lamda, write_lamda};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/lamda")
}

fn lamda_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("data/lamda exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "dat"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_file_round_trips_through_the_writer() {
    let files = lamda_files();
    assert_eq!(files.len(), 11, "data/lamda/ ships 11 molecules");
    for path in files {
        let molecule = read_lamda(&path).unwrap_or_else(|e| panic!("{e}"));
        let again = parse_lamda("written", &write_lamda(&molecule)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(molecule, again, "{}", path.display());
    }
}

/// Per partner: LAMDA partner id, transitions, lowest and highest rate temperature (K).
type PartnerCounts = (u8, usize, f64, f64);

#[test]
fn counts_match_sources_md() {
    // data/lamda/SOURCES.md: file, levels, lines and per partner its counts
    let expect: &[(&str, usize, usize, &[PartnerCounts])] = &[
        ("co.dat", 41, 40, &[(2, 820, 2.0, 3000.0), (3, 820, 2.0, 3000.0)]),
        ("hco+.dat", 21, 20, &[(1, 210, 10.0, 400.0)]),
        ("hcn.dat", 26, 25, &[(1, 325, 5.0, 500.0), (4, 36, 5.0, 800.0)]),
        ("cs@lique.dat", 31, 30, &[(1, 465, 10.0, 300.0)]),
        ("oh2co-h2.dat", 40, 104, &[(2, 780, 10.0, 300.0), (3, 780, 10.0, 300.0)]),
        ("oh2o@daniel.dat", 45, 158, &[(2, 990, 5.0, 1500.0), (3, 990, 5.0, 1500.0)]),
    ];
    for (file, n_levels, n_lines, partners) in expect {
        let m = read_lamda(data_dir().join(file)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((m.n_levels(), m.n_lines()), (*n_levels, *n_lines), "{file}");
        let got: Vec<PartnerCounts> = m
            .partners
            .iter()
            .map(|p| (p.kind.lamda_id(), p.transitions.len(), p.temperatures_k[0], *p.temperatures_k.last().expect("non-empty")))
            .collect();
        assert_eq!(&got, partners, "{file}");
    }
}

#[test]
fn co_partition_function_matches_an_independent_sum() {
    // independent: read the level block of co.dat by position (lines 8..=48) and sum
    let text = std::fs::read_to_string(data_dir().join("co.dat")).expect("co.dat");
    let hc_over_k_cm_k = 6.626_070_15e-27 * 2.997_924_58e10 / 1.380_649e-16;
    let levels: Vec<(f64, f64)> = text
        .lines()
        .skip(7)
        .take(41)
        .map(|l| {
            let f: Vec<f64> = l.split_whitespace().take(3).map(|x| x.parse().expect("number")).collect();
            (f[1] * hc_over_k_cm_k, f[2])
        })
        .collect();
    let co = read_lamda(data_dir().join("co.dat")).expect("co");
    for t_k in [10.0, 100.0, 300.0] {
        let q: f64 = levels.iter().map(|(e_k, g)| g * (-e_k / t_k).exp()).sum();
        let ours = co.partition_function(t_k);
        assert!((ours / q - 1.0).abs() < 1e-14, "T={t_k}: {ours} vs {q}");
    }
    // and the high-temperature rigid-rotor limit kT/hB + 1/3 within 1 % at 100 K
    let b_k = 57.635_968e9 * 6.626_070_15e-27 / 1.380_649e-16;
    assert!((co.partition_function(100.0) / (100.0 / b_k + 1.0 / 3.0) - 1.0).abs() < 0.01);
}

#[test]
fn broken_lines_are_located() {
    let text = std::fs::read_to_string(data_dir().join("co.dat")).expect("co.dat");
    let lines: Vec<&str> = text.lines().collect();
    let with_line = |no: usize, replacement: &str| {
        let mut l = lines.clone();
        l[no - 1] = replacement;
        l.join("\n")
    };
    let cases: Vec<(String, &str)> = vec![
        (with_line(10, "    3    11.5349   abc   2"), "co.dat:10: field `weight`: `abc` is not a number"),
        (with_line(10, "    3    11.5349   0.0   2"), "co.dat:10: field `weight`: `0` out of range"),
        (with_line(10, "    3    NaN   5.0   2"), "co.dat:10: field `energy_cm1`: `NaN` is not finite"),
        (with_line(52, "    1     2     99   7.203e-08     115.2712018      5.53"), "co.dat:52: field `lower level`: `99` out of range"),
        (with_line(95, "9 CO-xx"), "co.dat:95: field `partner id`: `9`"),
        (with_line(103, "    1    2   1    2.954E-11"), "co.dat:103: missing field `rate at 5 K`"),
        (lines[..200].join("\n"), "co.dat:201: file ends early: expected collisional transition 99 of 820"),
        (with_line(93, "two"), "co.dat:93: field `number of collision partners`: `two` is not a number"),
    ];
    for (broken, expected) in cases {
        let err = parse_lamda("co.dat", &broken).expect_err(expected);
        assert!(err.to_string().starts_with(expected), "got `{err}`, expected `{expected}`");
    }
}

#[test]
fn labels_with_quotes_and_blanks_round_trip() {
    // found by the fuzzer: an unquoted label with an inner quote and blanks
    let text = std::fs::read_to_string(data_dir().join("hco+.dat")).expect("hco+.dat");
    for label in ["97.0 \" 13", "'a b", "x'y", "\"q\"", "\" 01 \""] {
        let edited = text.replacen("    5    29.749095423   9.0     4", &format!("    5    29.749095423   9.0  {label}"), 1);
        let molecule = parse_lamda("hco+.dat", &edited).expect("parses");
        let again = parse_lamda("written", &write_lamda(&molecule)).expect("written parses");
        assert_eq!(molecule.levels[4], again.levels[4], "label {label}");
    }
    let mixed = text.replacen("    5    29.749095423   9.0     4", "    5    29.749095423   9.0  a\"b'c", 1);
    let err = parse_lamda("hco+.dat", &mixed).expect_err("mixed quotes");
    assert!(err.to_string().starts_with("hco+.dat:12: field `label`"), "{err}");
}
