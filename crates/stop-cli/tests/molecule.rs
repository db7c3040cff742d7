//! `stop molecule` end to end: JSON counts, shipped names, located errors without panics.

use std::process::Command;

fn stop() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stop"))
}

fn repo_file(rel: &str) -> String {
    format!("{}/../../{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn json_reports_levels_lines_and_partners() {
    let out = stop().args(["molecule", &repo_file("data/lamda/co.dat"), "--json"]).output().expect("run stop");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["n_levels"], 41);
    assert_eq!(json["n_lines"], 40);
    let partners: Vec<&str> = json["partners"].as_array().expect("array").iter().map(|p| p["name"].as_str().expect("name")).collect();
    assert_eq!(partners, ["p-h2", "o-h2"]);
    assert_eq!(json["strongest_lines"].as_array().expect("array").len(), 10);
}

#[test]
fn shipped_molecule_by_name() {
    let out = stop().args(["molecule", "hco+"]).output().expect("run stop");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("levels       21"), "{text}");
}

#[test]
fn broken_file_exits_nonzero_with_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(repo_file("data/lamda/co.dat")).expect("co.dat");
    let broken = text.replacen("6.910e-07", "6.9x0e-07", 1);
    let path = dir.path().join("broken_co.dat");
    std::fs::write(&path, broken).expect("write");
    let out = stop().args(["molecule", path.to_str().expect("utf8")]).output().expect("run stop");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken_co.dat:53:"), "{err}");
    assert!(err.contains("einstein_a"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
