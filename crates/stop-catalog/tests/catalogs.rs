//! The catalog fixtures (`tests/fixtures/SOURCES.md`) parsed end to end.

use stop_catalog::{
    CatalogError, Database, Extrapolation, FieldProblem, QInterpolation, QParams, QuantumNumber, intensity, read_catalog,
    read_cdms_partfunc, read_jpl_catdir, read_qpart,
};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

const LINEAR: QParams = QParams { interpolation: QInterpolation::Linear, extrapolation: Extrapolation::Refuse };

#[test]
fn cdms_co_has_95_lines_including_the_run_together_ones() {
    let cat = read_catalog(fixture("cdms_028503_co.cat")).expect("co.cat");
    assert_eq!(cat.lines.len(), 95);
    assert_eq!(cat.tag(), Some(28503));
    let last = &cat.lines[94];
    // `10329359.5031 97.3523-36.9179 216684.0975191  28503 10195          94`
    assert_eq!(last.freq_mhz, 10_329_359.503_1);
    assert_eq!(last.err_mhz, 97.3523);
    assert_eq!(last.lgint, -36.9179);
    assert_eq!(last.dr, 2);
    assert_eq!(last.elo_cm1, 16684.0975);
    assert_eq!(last.gup, 191);
    assert!(!last.experimental);
    assert_eq!(last.qnfmt, 101);
    assert_eq!((last.qn_up.as_slice(), last.qn_lo.as_slice()), ([QuantumNumber::Value(95)].as_slice(), [QuantumNumber::Value(94)].as_slice()));
    assert!(cat.lines[0].experimental);
}

#[test]
fn cdms_co_einstein_a_and_upper_energy() {
    let cat = read_catalog(fixture("cdms_028503_co.cat")).expect("co.cat");
    let q = read_qpart(fixture("cdms_028503_co.qpart"), Database::Cdms, 28503).expect("qpart");
    let q300 = q.tabulated_q(300.0).expect("Q(300)");
    assert!((q300 / 108.8651 - 1.0).abs() < 1e-14);
    // lte.md §4.1: 7.2035e-8 s^-1 with Q(300) = 10^2.0369 (printed to 5 digits: 1e-5)
    let a10_log = intensity::einstein_a_s(&cat.lines[0], 10f64.powf(2.0369));
    assert!((a10_log / 7.2035e-8 - 1.0).abs() < 1e-5, "{a10_log}");
    // A is proportional to Q(300): the .qpart's 108.8651 gives 1.7e-5 less
    let a10 = intensity::einstein_a_s(&cat.lines[0], q300);
    assert!((a10 / a10_log - q300 / 10f64.powf(2.0369)).abs() < 1e-14, "{a10}");
    // E_u = hν/k for 1-0 (lte.md §9: 5.532145 K); 2-1: 16.5962 K
    assert!((intensity::upper_energy_k(&cat.lines[0]) - 5.532_145).abs() < 1e-6);
    assert!((intensity::upper_energy_k(&cat.lines[1]) - 16.5962).abs() < 1e-4);
}

#[test]
fn jpl_h2o_sample_multi_quanta_and_negative_tags() {
    let cat = read_catalog(fixture("jpl_018003_h2o_sample.cat")).expect("h2o");
    // 52 lines (the shared SOURCES.md says 51; `grep -c .` counts 52)
    assert_eq!(cat.lines.len(), 52);
    assert!(cat.lines.iter().all(|l| l.tag == 18003 && l.qnfmt == 1404 && l.qn_up.len() == 4));
    // 22235.0798 MHz: -180031404 6 1 6 0     5 2 3 0  (TAG and QNFMT touching)
    let maser = &cat.lines[2];
    assert_eq!(maser.freq_mhz, 22235.0798);
    assert!(maser.experimental);
    let v = QuantumNumber::Value;
    assert_eq!(maser.qn_up, [v(6), v(1), v(6), v(0)]);
    assert_eq!(maser.qn_lo, [v(5), v(2), v(3), v(0)]);
    assert!(!cat.lines[0].experimental);
    assert_eq!(cat.lines[0].gup, 45);
    // `27206.4582 ... 7210.5493141  18003140423 617 0` : GUP 141, QN' 23 6 17 0
    assert_eq!(cat.lines[3].gup, 141);
    assert_eq!(cat.lines[3].qn_up, [v(23), v(6), v(17), v(0)]);
    assert_eq!(cat.lines.iter().filter(|l| l.experimental).count(), 30);
}

#[test]
fn alphanumeric_gup_and_quanta_and_parity_signs() {
    let cat = read_catalog(fixture("molsim_testcat_alnum.cat")).expect("alnum");
    assert_eq!(cat.lines.len(), 18);
    let gups: Vec<u32> = cat.lines[6..9].iter().map(|l| l.gup).collect();
    assert_eq!(gups, [1095, 1085, 1105]);
    let v = QuantumNumber::Value;
    assert_eq!(cat.lines[6].qn_up, [v(109), v(22), v(87), v(109)]);
    assert_eq!(cat.lines[8].qn_up[3], v(110));
    assert_eq!(cat.lines[1].qn_up[3], v(-7));
    assert_eq!(cat.lines[1].qn_lo[2], QuantumNumber::Minus);
    assert_eq!(cat.lines[2].qn_lo[2], QuantumNumber::Plus);
    assert!(cat.lines[7].experimental);
    assert_eq!(cat.lines[7].tag, 123);
}

#[test]
fn cdms_sample_below_one_ghz() {
    let cat = read_catalog(fixture("cdms_058501_sample.cat")).expect("58501");
    assert_eq!(cat.lines.len(), 3);
    assert_eq!(cat.lines[0].freq_mhz, 114.9627);
    assert_eq!(cat.lines[2].qn_up.len(), 3);
}

#[test]
fn web_query_output_is_not_a_catalog() {
    let err = read_catalog(fixture("jpl_028001_co_query.txt")).expect_err("header line");
    match &err {
        CatalogError::Field { file, line, field, problem, .. } => {
            assert_eq!((file.as_str(), *line, field.as_str(), problem), ("jpl_028001_co_query.txt", 1, "FREQ", &FieldProblem::Missing));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn cdms_partition_function_conventions_for_co_at_20_k() {
    let tables = read_cdms_partfunc(fixture("cdms_partfunc.cat")).expect("partfunc");
    assert_eq!(tables.len(), 1306);
    let co = tables.get(Database::Cdms, 28503).expect("co");
    // lte.md §3.2: CDMS log–log 7.57931, CDMS linear 7.57359 (table values printed to 4 decimals of log Q)
    assert!((co.q(20.0, QParams::default()).expect("q") - 7.57931).abs() < 5e-6);
    assert!((co.q(20.0, LINEAR).expect("q") - 7.57359).abs() < 5e-6);
    assert_eq!(co.t_range_k(), (2.725, 1000.0));
    // HCO+ (29507) has nan at 1000 K: range stops at 500 K; lte.md §9 uses Q(10) = 5.02667
    let hcop = tables.get(Database::Cdms, 29507).expect("hco+");
    assert_eq!(hcop.t_range_k(), (2.725, 500.0));
    assert!((hcop.q(10.0, QParams::default()).expect("q") - 5.02667).abs() < 5e-6);
    assert!(matches!(hcop.q(700.0, QParams::default()), Err(CatalogError::OutOfRange { .. })));
    // the astroquery re-export has 24 rows whose log Q falls with T (shifted columns,
    // e.g. CH3OD 33511 on line 210); they are reported, and refused when asked for
    let problems = tables.problems();
    assert_eq!(problems.len(), 24);
    assert!(problems.iter().any(|p| p.line() == Some(210)));
    let err = tables.get(Database::Cdms, 33511).expect_err("non-monotonic");
    assert!(err.to_string().starts_with("cdms_partfunc.cat:210: CDMS tag 33511"), "{err}");
}

#[test]
fn qpart_and_cdms_tables_agree_for_co() {
    let tables = read_cdms_partfunc(fixture("cdms_partfunc.cat")).expect("partfunc");
    let cdms = tables.get(Database::Cdms, 28503).expect("co");
    let qpart = read_qpart(fixture("cdms_028503_co.qpart"), Database::Cdms, 28503).expect("qpart");
    for t_k in [2.725, 5.0, 9.375, 18.75, 37.5, 75.0, 150.0, 225.0, 300.0, 500.0] {
        let (a, b) = (cdms.tabulated_q(t_k).expect("cdms"), qpart.tabulated_q(t_k).expect("qpart"));
        // the .qpart prints Q to 4 decimals, partfunc.cat prints log10 Q to 4 decimals
        assert!((a / b - 1.0).abs() < 1.2e-4, "{t_k}: {a} vs {b}");
    }
    // lte.md §9: the XCLASS benchmark uses Q(79.84 K) = 29.20590 from the .qpart, linear
    assert!((qpart.q(79.842_254_347, LINEAR).expect("q") - 29.205_90).abs() < 5e-6);
}

#[test]
fn same_molecule_different_databases_are_different_tables() {
    let cdms = read_cdms_partfunc(fixture("cdms_partfunc.cat")).expect("partfunc");
    let jpl = read_jpl_catdir(fixture("jpl_catdir.cat")).expect("catdir");
    // lte.md §3.2: CH3OH log Q(300) is 3.9765 in JPL (32003) and 4.5685 in CDMS (32504)
    let q_jpl = jpl.get(Database::Jpl, 32003).expect("jpl").tabulated_q(300.0).expect("300");
    let q_cdms = cdms.get(Database::Cdms, 32504).expect("cdms").tabulated_q(300.0).expect("300");
    assert!((q_jpl.log10() - 3.9765).abs() < 1e-12 && (q_cdms.log10() - 4.5685).abs() < 1e-12);
    assert!(matches!(jpl.get(Database::Cdms, 32003), Err(CatalogError::UnknownTag { .. })));
    assert!(matches!(cdms.get(Database::Jpl, 32504), Err(CatalogError::UnknownTag { .. })));
}

#[test]
fn jpl_catdir_typo_is_reported_with_file_and_line() {
    let jpl = read_jpl_catdir(fixture("jpl_catdir.cat")).expect("catdir");
    assert_eq!(jpl.len(), 401);
    let err = jpl.get(Database::Jpl, 39002).expect_err("typo");
    let text = err.to_string();
    assert!(text.starts_with("jpl_catdir.cat:125: JPL tag 39002"), "{text}");
    assert!(text.contains("3.3703") && text.contains("3.9193"), "{text}");
    let problems = jpl.problems();
    assert!(problems.iter().any(|p| p.line() == Some(125)));
    // the rest of the file is usable
    assert!(jpl.get(Database::Jpl, 28001).is_ok());
}

#[test]
fn missing_file_names_the_path() {
    let err = read_catalog("no/such/c000000.cat").expect_err("missing");
    assert!(err.to_string().contains("no/such/c000000.cat"), "{err}");
}

#[test]
fn cdms_header_without_temperature_columns_is_an_error() {
    // found by the `partfunc` fuzz target: a one-cell header used to panic on row[3..]
    let text = "#form : i\r\n965\n75\t27,5\n";
    let err = stop_catalog::parse_cdms_partfunc("short.cat", text).expect_err("no temperature columns");
    assert!(err.to_string().contains("short.cat"), "{err}");
    let err = stop_catalog::parse_cdms_partfunc("short.cat", "| tag | molecule | lines |\n| 28503 | CO | 95 |\n")
        .expect_err("no temperature columns");
    assert!(err.to_string().contains("short.cat"), "{err}");
}
