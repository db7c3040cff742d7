//! `stop lte` end to end: the CO 1-0 acceptance line, catalog species, model files,
//! spectrum outputs (astropy reads the FITS spectrum) and named errors.

use std::path::Path;
use std::process::{Command, Output};

fn stop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stop")).arg("lte").args(args).output().expect("run stop")
}

fn catalog_fixture(name: &str) -> String {
    format!("{}/../stop-catalog/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn stdout_ok(out: &Output) -> String {
    assert!(out.status.success(), "stop lte failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("utf8")
}

fn stderr_fail(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure, got {}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// TSV rows as maps column → cell.
fn tsv_rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines.map(|l| header.iter().map(|h| (*h).to_owned()).zip(l.split('\t').map(str::to_owned)).collect()).collect()
}

#[test]
fn co_1_0_line_matches_the_worked_numbers() {
    let out = stop(&["--species", "co", "--column-cm2", "1e16", "--tex-k", "20", "--fwhm-kms", "1", "--tbg-k", "2.725", "--lines", "--format", "tsv"]);
    let rows = tsv_rows(&stdout_ok(&out));
    let co10 = &rows[0];
    assert_eq!(&co10["freq_GHz"][..8], "115.2712");
    // lte.md §9 first row (rigid-rotor Q; the LAMDA levels give Q within 4e-5 of it)
    assert_eq!(co10["tau0"], "0.4534");
    assert_eq!(co10["tpeak_K"], "6.024");
    assert_eq!(co10["e_up_K"], "5.532");
    // ∫τ dv = 0.482610 km/s and N_u = 3.00408e15 (lte.md §9) with the LAMDA Q
    assert_eq!(co10["int_tau_kms"], "0.4826");
    assert_eq!(co10["n_up_cm2"], "3.004e15");
    for column in ["freq_GHz", "e_up_K", "tau0", "tpeak_K", "w_K_kms"] {
        assert!(co10.contains_key(column), "column {column}");
    }
    assert_eq!(rows.len(), 40, "all 40 CO lines without a range");
}

#[test]
fn catalog_species_with_its_partition_table() {
    let cat = catalog_fixture("cdms_028503_co.cat");
    let qpart = catalog_fixture("cdms_028503_co.qpart");
    let out = stop(&[
        "--species", &cat, "--partfunc", &qpart, "--database", "cdms", "--q-interpolation", "linear",
        "--column-cm2", "1e16", "--tex-k", "20", "--fwhm-kms", "1", "--fmin-ghz", "100", "--fmax-ghz", "240", "--format", "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).expect("json");
    let rows = json.as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    // Q linear from the .qpart at 20 K = 7.573913; N_u ∝ 1/Q against the table's linear-Q
    // row (Q = 7.57359 from partfunc.cat, N_u = 3.00393e15)
    let q = rows[0]["q"].as_f64().expect("q");
    assert!((q - 7.573_913).abs() < 1e-6, "{q}");
    let n_u = rows[0]["upper_column_cm2"].as_f64().expect("n_u");
    assert!((n_u * q / (3.003_93e15 * 7.573_59) - 1.0).abs() < 2e-6, "{n_u}");
    // the same catalog with the CDMS pipe table, log–log: Q = 7.57931
    let partfunc = catalog_fixture("cdms_partfunc.cat");
    let out = stop(&["--species", &cat, "--partfunc", &partfunc, "--database", "cdms", "--column-cm2", "1e16", "--tex-k", "20", "--fwhm-kms", "1", "--fmin-ghz", "100", "--fmax-ghz", "120", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).expect("json");
    assert!((json[0]["q"].as_f64().expect("q") - 7.579_31).abs() < 5e-6);
}

#[test]
fn model_file_with_two_components() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("model.toml");
    std::fs::write(
        &model,
        r#"
tbg_k = 2.725
beam_arcsec = 20.0

[[species]]
name = "co"
lamda = "co"

[[species]]
name = "13co"
lamda = "13co"

[[components]]
tex_k = 50.0
fwhm_km_s = 3.0
source_arcsec = 10.0
columns_cm2 = { co = 1e17, 13co = 1.5e15 }

[[components]]
tex_k = 8.0
fwhm_km_s = 1.0
mode = "stack"
columns_cm2 = { co = 1e16 }
"#,
    )
    .expect("write");
    let tsv = dir.path().join("spec.tsv");
    let out = stop(&["--input", model.to_str().expect("utf8"), "--fmin-ghz", "110", "--fmax-ghz", "116", "--df-mhz", "1", "--lines", "--format", "tsv", "--out", tsv.to_str().expect("utf8")]);
    let rows = tsv_rows(&stdout_ok(&out));
    // 13CO 1-0 (110.20 GHz) and CO 1-0 in component 0, CO 1-0 in component 1
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!((rows[0]["component"].as_str(), rows[0]["species"].as_str()), ("0", "13co"));
    assert_eq!((rows[2]["component"].as_str(), rows[2]["species"].as_str()), ("1", "co"));
    let text = std::fs::read_to_string(&tsv).expect("spectrum");
    assert!(text.contains("flux_jy"), "a beam gives a Jy column");
    // the cold stacked layer absorbs the warm CO 1-0 emission at line centre: the dip
    // stays below what the warm component alone gives (0.2 × (J(50) − J(2.725)) saturated)
    let data: Vec<Vec<f64>> = text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("freq")).map(|l| l.split('\t').map(|c| c.parse().expect("number")).collect()).collect();
    let centre = data.iter().min_by(|a, b| (a[0] - 115.271_2e9).abs().total_cmp(&(b[0] - 115.271_2e9).abs())).expect("channel");
    assert!(centre[1] < 5.0, "absorbed: {centre:?}");
}

#[test]
fn spectrum_files_and_plots_are_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["s.tsv", "s.vot", "s.fits", "s.png", "s.svg"] {
        let path = dir.path().join(name);
        let flag = if name.ends_with(".png") || name.ends_with(".svg") { "--plot" } else { "--out" };
        let out = stop(&["--species", "co", "--column-cm2", "1e16", "--tex-k", "20", "--fwhm-kms", "1", "--fmin-ghz", "115.26", "--fmax-ghz", "115.28", flag, path.to_str().expect("utf8")]);
        stdout_ok(&out);
        assert!(std::fs::metadata(&path).expect("written").len() > 500, "{name}");
    }
    let vot = std::fs::read_to_string(dir.path().join("s.vot")).expect("vot");
    assert!(vot.contains("<VOTABLE") && vot.contains("tmb_k"));
}

#[test]
fn astropy_reads_the_fits_spectrum_axis() {
    let import = Command::new("python3").args(["-c", "import astropy"]).output();
    assert!(
        import.as_ref().is_ok_and(|o| o.status.success()),
        "python3 with astropy is required for this test and is not importable ({import:?}); run `.ci/setup` (it pip-installs astropy)"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let freq_fits = dir.path().join("freq.fits");
    let vel_fits = dir.path().join("vel.fits");
    let common = ["--species", "co", "--column-cm2", "1e16", "--tex-k", "20", "--fwhm-kms", "1", "--fmin-ghz", "115.25", "--fmax-ghz", "115.29", "--df-mhz", "0.5"];
    stdout_ok(&stop(&[&common[..], &["--out", freq_fits.to_str().expect("utf8")]].concat()));
    stdout_ok(&stop(&[&common[..], &["--out", vel_fits.to_str().expect("utf8"), "--rest-ghz", "115.2712018"]].concat()));
    // 81 channels from 115.25 GHz in 0.5 MHz steps; velocities c (1 − ν/ν0)
    let script = r#"
import sys
import numpy as np
from astropy.io import fits
from astropy.wcs import WCS
import astropy.units as u
freq_path, vel_path = sys.argv[1], sys.argv[2]
for path in (freq_path, vel_path):
    fits.open(path).verify("exception")
h = fits.getheader(freq_path)
w = WCS(h)
assert h["NAXIS"] == 1 and h["NAXIS1"] == 81, h["NAXIS1"]
assert h["BUNIT"].strip() == "K", h["BUNIT"]
assert w.wcs.ctype[0].startswith("FREQ"), w.wcs.ctype
world = w.pixel_to_world_values(np.arange(81))
assert u.Unit(w.world_axis_units[0]) == u.Hz, w.world_axis_units
assert abs(world[0] - 115.25e9) < 1.0 and abs(world[80] - 115.29e9) < 1.0, (world[0], world[80])
assert np.allclose(np.diff(world), 0.5e6, rtol=0, atol=1e-3)
data = fits.getdata(freq_path)
peak = int(np.argmax(data))
assert abs(world[peak] - 115.2712018e9) < 0.5e6, world[peak]
hv = fits.getheader(vel_path)
wv = WCS(hv)
assert wv.wcs.ctype[0].startswith("VRAD"), wv.wcs.ctype
assert u.Unit(wv.world_axis_units[0]) == u.m / u.s, wv.world_axis_units
assert abs(hv["RESTFRQ"] - 115.2712018e9) < 1e-3
vel = wv.pixel_to_world_values(np.arange(81)) * u.m / u.s
expected = 299792458.0 * (1 - (115.25e9 + 0.5e6 * np.arange(81)) / 115.2712018e9) * u.m / u.s
assert np.allclose(vel.to_value(u.km / u.s), expected.to_value(u.km / u.s), rtol=0, atol=1e-6), (vel[:3], expected[:3])
print("ok")
"#;
    let out = Command::new("python3").args(["-c", script, freq_fits.to_str().expect("utf8"), vel_fits.to_str().expect("utf8")]).output().expect("python3 runs");
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "ok", "astropy disagrees:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

#[test]
fn bad_inputs_are_named_errors_not_panics() {
    let base = ["--column-cm2", "1e16", "--tex-k", "20", "--fwhm-kms", "1"];
    let err = stderr_fail(&stop(&[&["--species", "no-such-molecule"], &base[..]].concat()));
    assert!(err.contains("no-such-molecule"), "{err}");
    let err = stderr_fail(&stop(&["--species", "co", "--column-cm2", "1e16", "--tex-k", "20", "--fwhm-kms", "-1"]));
    assert!(err.contains("fwhm_km_s = `-1`"), "{err}");
    let err = stderr_fail(&stop(&["--species", "co", "--column-cm2", "-1e16", "--tex-k", "20", "--fwhm-kms", "1"]));
    assert!(err.contains("column_cm2 = `-10000000000000000`"), "{err}");
    let err = stderr_fail(&stop(&["--species", "co", "--column-cm2", "1e16", "--tex-k", "0", "--fwhm-kms", "1"]));
    assert!(err.contains("tex_k = `0`"), "{err}");
    let err = stderr_fail(&stop(&[&["--species", "co", "--fmin-ghz", "1", "--fmax-ghz", "2"], &base[..]].concat()));
    assert!(err.contains("no line of co between 1 and 2 GHz"), "{err}");
    // an unparseable catalog line names the file, the line and the field
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(catalog_fixture("cdms_028503_co.cat")).expect("cat");
    let broken = text.replacen("  5 -28503 101 2", "X9Z -28503 101 2", 1);
    let path = dir.path().join("c028503.cat");
    std::fs::write(&path, broken).expect("write");
    let qpart = catalog_fixture("cdms_028503_co.qpart");
    let err = stderr_fail(&stop(&[&["--species", path.to_str().expect("utf8"), "--partfunc", &qpart, "--database", "cdms"], &base[..]].concat()));
    assert!(err.contains("c028503.cat:2: GUP `X9Z` is not a number"), "{err}");
    // a catalog without its table
    let err = stderr_fail(&stop(&[&["--species", path.to_str().expect("utf8")], &base[..]].concat()));
    assert!(err.contains("needs its `partfunc` table"), "{err}");
    let missing = Path::new("no/such/model.toml");
    let err = stderr_fail(&stop(&["--input", missing.to_str().expect("utf8")]));
    assert!(err.contains("no/such/model.toml"), "{err}");
}

#[test]
fn rotation_diagram_recovers_the_lte_model() {
    // thin CO lines from `stop lte` (JSON, full precision), T_bg = 0: the diagram must
    // give back T_ex and N to the (1 − e^{−τ})/τ bias (τ0 < 1e-4 here)
    let out = stop(&["--species", "co", "--column-cm2", "1e12", "--tex-k", "25", "--fwhm-kms", "1", "--tbg-k", "0", "--fmin-ghz", "100", "--fmax-ghz", "600", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).expect("json");
    let dir = tempfile::tempdir().expect("tempdir");
    let table = dir.path().join("lines.tsv");
    let mut text = String::from("freq_GHz\te_up_K\tg_up\ta_ul_s\tw_K_kms\tw_err_K_kms\n");
    for r in rows.as_array().expect("rows") {
        let w = r["w_k_km_s"].as_f64().expect("w");
        let f = |k: &str| r[k].as_f64().expect(k);
        text.push_str(&format!("{}\t{}\t{}\t{}\t{w}\t{}\n", f("freq_hz") * 1e-9, f("eup_k"), f("g_up"), f("a_ul_s"), 0.05 * w));
    }
    std::fs::write(&table, text).expect("write");
    let plot = dir.path().join("rd.svg");
    let out = Command::new(env!("CARGO_BIN_EXE_stop"))
        .args(["rotdiag", table.to_str().expect("utf8"), "--species", "co", "--json", "--plot", plot.to_str().expect("utf8")])
        .output()
        .expect("run stop");
    let fit: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).expect("json");
    assert_eq!(fit["n_lines"], 5);
    assert!((fit["trot_k"].as_f64().expect("T") / 25.0 - 1.0).abs() < 1e-4, "{fit}");
    assert!((fit["column_cm2"].as_f64().expect("N") / 1e12 - 1.0).abs() < 1e-4, "{fit}");
    assert!(fit["trot_err_k"].as_f64().expect("err") > 0.0);
    assert!(std::fs::read_to_string(&plot).expect("plot").contains("rotation diagram"));
    // a table without the needed columns is named
    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "freq_GHz\tw\n115.27\t1.0\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_stop")).args(["rotdiag", bad.to_str().expect("utf8"), "--species", "co"]).output().expect("run");
    assert!(stderr_fail(&out).contains("no numeric column `e_up_K`"));
}

#[test]
fn velocity_axis_json_model_and_dish_beam() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("model.json");
    std::fs::write(
        &model,
        r#"{"tbg_k": 2.725, "dish_m": 30.0, "source_shape": "disc",
            "species": [{"name": "co", "lamda": "co"}],
            "components": [{"tex_k": 20.0, "fwhm_km_s": 1.0, "vlsr_km_s": 1.5, "source_arcsec": 10.0, "columns_cm2": {"co": 1e16}}]}"#,
    )
    .expect("write");
    let tsv = dir.path().join("v.tsv");
    let out = stop(&["--input", model.to_str().expect("utf8"), "--rest-ghz", "115.2712018", "--vmin-kms", "-5", "--vmax-kms", "5", "--dv-kms", "0.1", "--eta-mb", "0.8", "--out", tsv.to_str().expect("utf8")]);
    stdout_ok(&out);
    let text = std::fs::read_to_string(&tsv).expect("spectrum");
    let header: Vec<&str> = text.lines().find(|l| l.starts_with("freq_hz")).expect("header").split('\t').collect();
    assert_eq!(header, ["freq_hz", "velocity_km_s", "tmb_k", "ta_star_k", "tau", "flux_jy"]);
    let data: Vec<Vec<f64>> = text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("freq")).map(|l| l.split('\t').map(|c| c.parse().expect("number")).collect()).collect();
    assert_eq!(data.len(), 101);
    assert!((data[0][1] - 5.0).abs() < 1e-6 && (data[100][1] + 5.0).abs() < 1e-6, "velocities from +5 down to -5 km/s");
    let peak = data.iter().max_by(|a, b| a[2].total_cmp(&b[2])).expect("peak");
    assert!((peak[1] - 1.5).abs() < 0.051, "peak at v_lsr: {peak:?}");
    assert!((peak[3] - 0.8 * peak[2]).abs() < 1e-12, "T_A* = η_mb T_mb");
    // disc of 10″ in the 1.22 λ/D beam of a 30 m dish (21.8″): ff = 1 − exp(−ln2 (10/21.8)²)
    let beam = 1.22 * 299_792_458.0 / 115.271_201_8e9 / 30.0 / (std::f64::consts::PI / 648_000.0);
    let ff = 1.0 - (-(2f64.ln()) * (10.0 / beam).powi(2)).exp();
    let undiluted = stop(&["--species", "co", "--column-cm2", "1e16", "--tex-k", "20", "--fwhm-kms", "1", "--format", "json", "--fmin-ghz", "115", "--fmax-ghz", "116"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout_ok(&undiluted)).expect("json");
    let tpeak = rows[0]["tpeak_k"].as_f64().expect("tpeak");
    assert!((peak[2] / (ff * tpeak) - 1.0).abs() < 2e-3, "{} vs {}", peak[2], ff * tpeak);
}

#[test]
fn q_extrapolation_is_refused_unless_asked_and_then_warns() {
    let cat = catalog_fixture("cdms_028503_co.cat");
    let qpart = catalog_fixture("cdms_028503_co.qpart");
    let args = ["--species", &cat, "--partfunc", &qpart, "--database", "cdms", "--column-cm2", "1e16", "--tex-k", "700", "--fwhm-kms", "1", "--fmin-ghz", "100", "--fmax-ghz", "120"];
    // the .qpart stops at 500 K
    let err = stderr_fail(&stop(&args));
    assert!(err.contains("T = 700 K is outside the partition-function table of CDMS tag 28503 (2.725–500 K)"), "{err}");
    let out = stop(&[&args[..], &["--q-extrapolate"]].concat());
    stdout_ok(&out);
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(warning.contains("WARN") && warning.contains("extrapolating the partition function"), "{warning}");
}
