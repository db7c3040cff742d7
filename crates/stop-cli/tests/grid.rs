//! `stop grid`: a run cut off mid-row, or killed, and resumed gives the same table as an
//! uninterrupted run, with every model exactly once, in each output format.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

/// 1 280 models of 320-model chunks, checkpoints every chunk: a run killed after its first
/// checkpoint has written some rows but not all.
const KILL_SPEC: &str = r#"
molecule = "hco+"
output = "full.tsv"
fmin_ghz = 0.0
fmax_ghz = 300.0
[axes]
tkin_k = { min = 10.0, max = 100.0, n = 4, scale = "log" }
column_cm2 = { min = 1e12, max = 1e14, n = 4, scale = "log" }
fwhm_km_s = { min = 1.0, max = 2.0, n = 4 }
[axes.densities_cm3]
h2 = { min = 1e3, max = 1e6, n = 20, scale = "log" }
"#;

/// Start `stop grid` (one thread, a checkpoint per chunk) into `output` and kill it once the
/// file holds more than `kill_at_bytes`; false when the run ended before it could be killed.
fn run_and_kill(spec: &str, output: &std::path::Path, kill_at_bytes: u64) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stop"))
        .args(["grid", spec, "--quiet", "--threads", "1", "--checkpoint", "1", "--output"])
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("stop starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if child.try_wait().expect("child status").is_some() {
            return false;
        }
        if std::fs::metadata(output).is_ok_and(|m| m.len() > kill_at_bytes) {
            child.kill().expect("kill");
            child.wait().expect("reaped");
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().expect("kill");
    child.wait().expect("reaped");
    panic!("stop grid wrote no rows in 120 s");
}

#[test]
fn killed_runs_resume_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("grid.toml");
    std::fs::write(&spec, KILL_SPEC).expect("write spec");
    let spec = spec.to_str().expect("utf-8 path");
    for format in ["tsv", "fits", "vot"] {
        let full = dir.path().join(format!("full.{format}"));
        stop(&["grid", spec, "--quiet", "--output", full.to_str().expect("utf-8")]);
        let expected = std::fs::read(&full).expect("uninterrupted output");
        // killed after its first checkpoint (320 of 1 280 models), often inside a row
        let path = dir.path().join(format!("killed.{format}"));
        let killed = run_and_kill(spec, &path, expected.len() as u64 / 5);
        assert!(killed, "{format}: the run ended before it was killed");
        let partial = std::fs::metadata(&path).expect("partial output").len();
        assert!(partial < expected.len() as u64, "{format}: killed run is not partial");
        let path_text = path.to_str().expect("utf-8");
        stop(&["grid", spec, "--quiet", "--resume", "--output", path_text]);
        // byte for byte the uninterrupted file: every model once, in order, same values
        assert!(std::fs::read(&path).expect("resumed") == expected, "{format}: resumed file differs");
        // resuming a finished file adds nothing
        stop(&["grid", spec, "--quiet", "--resume", "--output", path_text]);
        assert!(std::fs::read(&path).expect("resumed") == expected, "{format}: second resume changed it");
    }
    let table = stop_io::read_table(dir.path().join("killed.tsv")).expect("TSV reads");
    let models = table.column_f64("model").expect("model column");
    assert_eq!(models, (1..=1280).map(f64::from).collect::<Vec<_>>());
}
