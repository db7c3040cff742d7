//! STOP's grid for LIME's model A has LIME's radial distribution of points.
//!
//! LIME's three model-A runs (seeds 1–3, `../shared/reference/lime/modelA/seed*/pops.tsv.gz`)
//! list the radius of every interior point; our sampler + smoothing with the same model
//! and three seeds must put the same fractions of points inside 1, 10, 100 and 1000 au.

use flate2::read::GzDecoder;
use std::io::Read;
use std::path::PathBuf;
use stop_lime::grid::build::Grid;
use stop_lime::grid::sampling::SamplingParams;
use stop_lime::grid::smoothing::SmoothingParams;

use stop_physics::constants::AU_M;

/// Model A constants (`../shared/reference/lime/modelA/model.toml`).
const N0_M3: f64 = 1.5e12;
const R0_M: f64 = 4.487_936_121e13;
const R_FLOOR_M: f64 = 1.047_185_094_9e11;

/// Binomial noise of a fraction from 9000 points (3 seeds × 3000) on both sides:
/// σ_diff = √(2 p (1 − p) / 9000) ≤ 0.0075; allow 4σ.
const FRACTION_TOL: f64 = 0.03;

fn lime_radii(seed: u32) -> Vec<f64> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../../shared/reference/lime/modelA/seed{seed}/pops.tsv.gz"));
    assert!(path.exists(), "reference populations missing: {}", path.display());
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(&path).expect("readable")).read_to_string(&mut text).expect("gzip text");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header line").split('\t').collect();
    let col = header.iter().position(|&h| h == "r_m").expect("r_m column");
    lines.map(|l| l.split('\t').nth(col).expect("r_m value").parse::<f64>().expect("number")).collect()
}

fn fractions(radii: &[f64]) -> [f64; 4] {
    [1.0, 10.0, 100.0, 1000.0].map(|r_au| radii.iter().filter(|&&r| r < r_au * AU_M).count() as f64 / radii.len() as f64)
}

#[test]
fn model_a_grid_has_lime_radial_distribution() {
    let lime: Vec<f64> = (1..=3).flat_map(lime_radii).collect();
    // 3 × 3000 requested; LIME re-labels the odd interior point on the hull as a sink.
    assert!(lime.len() > 8_990, "{} LIME points", lime.len());
    let n_h2 = |x: f64, y: f64, z: f64| N0_M3 * ((x * x + y * y + z * z).sqrt().max(R_FLOOR_M) / R0_M).powf(-1.5);
    let mut ours = Vec::new();
    for seed in 1..=3 {
        let params = SamplingParams { seed, ..SamplingParams::default() };
        let grid = Grid::build(&n_h2, &params, &SmoothingParams::default()).expect("model A grid builds");
        let interior = grid.positions_m.iter().zip(&grid.is_sink).filter(|(_, s)| !**s);
        ours.extend(interior.map(|(p, _)| (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt()));
    }
    let (f_lime, f_ours) = (fractions(&lime), fractions(&ours));
    for k in 0..4 {
        assert!((f_lime[k] - f_ours[k]).abs() < FRACTION_TOL, "inside 10^{k} au: LIME {:?}, STOP {:?}", f_lime, f_ours);
    }
}
