//! `stop grid`: a run cut off mid-row and resumed gives the same file as an uninterrupted
//! run, with every model exactly once.

use std::process::Command;

fn stop(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_stop")).args(args).output().expect("stop runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

const SPEC: &str = r#"
molecule = "hco+"
output = "full.tsv"
fmin_ghz = 0.0
fmax_ghz = 300.0
geometry = ["sphere", "lvg"]
[axes]
tkin_k = { min = 10.0, max = 100.0, n = 3, scale = "log" }
column_cm2 = { values = [1e12, 1e14] }
fwhm_km_s = { min = 1.0, max = 2.0, n = 2 }
[axes.densities_cm3]
h2 = { min = 1e3, max = 1e6, n = 25, scale = "log" }
"#;

#[test]
fn killed_run_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("grid.toml");
    std::fs::write(&spec, SPEC).expect("write spec");
    let spec = spec.to_str().expect("utf-8 path");
    stop(&["grid", spec, "--quiet"]);
    let full = std::fs::read_to_string(dir.path().join("full.tsv")).expect("output");
    let header_lines = full.lines().take_while(|l| l.starts_with('#')).count() + 1;
    assert_eq!(full.lines().count(), header_lines + 2 * 3 * 25 * 2 * 2);
    // a run killed in the middle of a row: keep 40 % of the file, cut inside a line
    let cut = full.len() * 2 / 5;
    assert!(!full[..cut].ends_with('\n'));
    let partial = dir.path().join("partial.tsv");
    std::fs::write(&partial, &full[..cut]).expect("write partial");
    stop(&["grid", spec, "--quiet", "--resume", "--output", partial.to_str().expect("utf-8")]);
    let resumed = std::fs::read_to_string(&partial).expect("resumed output");
    let differing = resumed.lines().zip(full.lines()).position(|(a, b)| a != b);
    assert_eq!(differing, None, "first differing line");
    assert_eq!(resumed.len(), full.len());
    let models: Vec<&str> = resumed.lines().skip(header_lines).map(|l| l.split('\t').next().unwrap_or("")).collect();
    let expected: Vec<String> = (1..=600).map(|i| i.to_string()).collect();
    assert_eq!(models, expected);
}

#[test]
fn fits_and_votable_outputs_hold_one_row_per_model() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("grid.toml");
    std::fs::write(&spec, SPEC).expect("write spec");
    let spec = spec.to_str().expect("utf-8 path");
    let tsv = dir.path().join("grid.tsv");
    stop(&["grid", spec, "--quiet", "--output", tsv.to_str().expect("utf-8")]);
    let reference = stop_io::read_table(&tsv).expect("TSV reads back");
    for name in ["grid.fits", "grid.vot"] {
        let path = dir.path().join(name);
        stop(&["grid", spec, "--quiet", "--output", path.to_str().expect("utf-8")]);
        let table = stop_io::read_table(&path).expect("table reads back");
        assert_eq!(table.rows.len(), 600, "{name}");
        let models = table.column_f64("model").expect("model column");
        assert_eq!(models, (1..=600).map(f64::from).collect::<Vec<_>>(), "{name}");
        assert_eq!(table.column_f64("tex_K_2_1"), reference.column_f64("tex_K_2_1"), "{name}");
    }
}
