//! The checks of STOP's default cells (`--cells linear`) against LIME.
//!
//! With `--cells lime` STOP's photons see what LIME's see (a point's populations and
//! densities over its whole Voronoi cell), and the runner judges STOP by LIME's own noise:
//! that is the implementation check. STOP's default cells (populations linear in the cell,
//! the model's densities along the path) solve the model more accurately and differ from
//! LIME by construction where the cells are large: outside ~300 au a cell spans hundreds of
//! au, LIME's constant density puts 7–18 % more molecules on the photon paths than the
//! model's n(r), and LIME's J = 3–4 come out over-excited ([`super::diagnose`]). So the
//! default mode is judged by two statements that can fail:
//! 1. **Inside 100 au it is LIME.** There the two codes' fixed points agree to < 0.1 %
//!    (diagnose), so point by point STOP must be within LIME's same-grid noise of the same
//!    points (fixedgrid runs against seed1).
//! 2. **Outside 300 au the difference is the cells'.** The mean STOP/LIME − 1 of J = 3, 4 in
//!    the 300–1000 and 1000–2000 au bands must equal the mean of STOP-linear / STOP-lime − 1
//!    (both solved on LIME's grid, `--lime-cells-populations`), within LIME's own same-grid
//!    scatter of that band mean. The diagnosis's figures (STOP's outer fixed point from LIME's
//!    populations, ce121c3) are printed beside them as context.

use super::compare::Quantiles;
use super::reference::{BinnedProfiles, LimePops};
use super::run::same_grid_quantiles;
use super::{Check, mean_deviation};
use std::fmt::Write as _;

use stop_physics::constants::AU_M;

/// Radius (au) inside which the default cells must agree with LIME point by point.
pub const INNER_AU: f64 = 100.0;

/// The bands and levels of statement 2, with the mean STOP/LIME − 1 of the default cells the
/// diagnosis measured there, printed as context: (inner and outer band edge in au, level,
/// deviation). `stop-validate lime-modela --part diagnose`, fixed point with linear cells,
/// 200 photons, 2026-11-25 (module docs of [`super::diagnose`]).
pub const OUTER_BANDS: [(f64, f64, usize, f64); 4] = [
    (300.0, 1000.0, 3, -0.017),
    (300.0, 1000.0, 4, -0.064),
    (1000.0, 2000.1, 3, -0.061),
    (1000.0, 2000.1, 4, -0.135),
];

/// The rows of `pops` with `lo_au <= r < hi_au`.
fn rows_between(pops: &LimePops, lo_au: f64, hi_au: f64) -> Vec<usize> {
    (0..pops.n_points())
        .filter(|&k| pops.r_m[k] >= lo_au * AU_M && pops.r_m[k] < hi_au * AU_M)
        .collect()
}

/// The rows `rows` of `pops`.
fn subset(pops: &LimePops, rows: &[usize]) -> LimePops {
    LimePops {
        ids: rows.iter().map(|&k| pops.ids[k]).collect(),
        positions_m: rows.iter().map(|&k| pops.positions_m[k]).collect(),
        r_m: rows.iter().map(|&k| pops.r_m[k]).collect(),
        n_levels: pops.n_levels,
        pops: rows.iter().flat_map(|&k| pops.point(k).iter().copied()).collect(),
    }
}

/// Statement 1: inside [`INNER_AU`], STOP against seed1 point by point within the larger of
/// LIME's two same-grid figures (`fixed`: the fixedgrid runs) on the same points, for the
/// median, 90th and 99th percentile.
///
/// # Errors
/// Runs with different rows or levels.
pub fn inner_checks(out: &mut String, ours: &LimePops, seed1: &LimePops, fixed: &[LimePops]) -> anyhow::Result<Vec<Check>> {
    let rows = rows_between(seed1, 0.0, INNER_AU);
    let (ours_in, seed1_in) = (subset(ours, &rows), subset(seed1, &rows));
    let stop = same_grid_quantiles(&ours_in, &seed1_in)?;
    let lime: Vec<Quantiles> = fixed
        .iter()
        .map(|f| same_grid_quantiles(&subset(f, &rows), &seed1_in))
        .collect::<anyhow::Result<_>>()?;
    let _ = writeln!(out, "  inside {INNER_AU} au ({} points), two-run relative std:", rows.len());
    for (label, q) in std::iter::once(("STOP (linear) vs LIME seed1", &stop)).chain(lime.iter().map(|q| ("LIME fixedgrid vs seed1", q))) {
        let _ = writeln!(out, "    {label:<34} {:>6} {:>10.3e} {:>10.3e} {:>10.3e} {:>10.3e}", q.n, q.median, q.p90, q.p99, q.max);
    }
    let worst = |f: fn(&Quantiles) -> f64| lime.iter().map(f).fold(0.0, f64::max);
    Ok([
        ("median", stop.median, worst(|q| q.median)),
        ("p90", stop.p90, worst(|q| q.p90)),
        ("p99", stop.p99, worst(|q| q.p99)),
    ]
    .into_iter()
    .map(|(name, ours, lime)| Check {
        label: format!("linear cells inside {INNER_AU} au: point-by-point rel std {name} {ours:.3e} <= LIME same-grid on these points {lime:.3e}"),
        passed: ours <= lime,
    })
    .collect())
}

/// Statement 2: per entry of [`OUTER_BANDS`], the band mean of STOP-linear / LIME − 1 equals
/// that of STOP-linear / STOP-lime − 1 (`lime_cells`: STOP's populations with LIME's cells on
/// the same grid, rows as `seed1`) within LIME's same-grid scatter of the band mean (the
/// larger |fixedgrid / seed1 − 1| of the two runs). Without `lime_cells` one failed check says
/// so.
#[must_use]
pub fn outer_bias_checks(ours: &LimePops, seed1: &LimePops, fixed: &[LimePops], lime_cells: Option<&LimePops>) -> Vec<Check> {
    let Some(lime_cells) = lime_cells else {
        return vec![Check {
            label: "linear cells beyond 300 au: no lime-cells populations on LIME's grid given (--lime-cells-populations); not compared".to_owned(),
            passed: false,
        }];
    };
    OUTER_BANDS
        .iter()
        .map(|&(lo, hi, level, diagnosed)| {
            let rows = rows_between(seed1, lo, hi);
            let band = |run: &LimePops, reference: &LimePops| mean_deviation(rows.iter().map(|&k| (run.point(k)[level], reference.point(k)[level])));
            let against_lime = band(ours, seed1).unwrap_or(f64::NAN);
            let against_cells = band(ours, lime_cells).unwrap_or(f64::NAN);
            let scatter = fixed.iter().filter_map(|f| band(f, seed1)).map(f64::abs).fold(0.0, f64::max);
            Check {
                label: format!(
                    "linear cells, J={level} at {lo:.0}-{hi:.0} au: STOP-linear/LIME - 1 = {:+.2} % equals STOP-linear/STOP-lime - 1 = {:+.2} % within LIME's same-grid band scatter {:.2} % (diagnosis: {:+.2} %)",
                    100.0 * against_lime,
                    100.0 * against_cells,
                    100.0 * scatter,
                    100.0 * diagnosed
                ),
                passed: (against_lime - against_cells).abs() <= scatter,
            }
        })
        .collect()
}

/// The bins of `profiles` (and of STOP's bin means `ours`) that end inside [`INNER_AU`].
#[must_use]
pub fn inner_bins(profiles: &BinnedProfiles, ours: &[Vec<f64>]) -> (BinnedProfiles, Vec<Vec<f64>>) {
    let keep: Vec<usize> = (0..profiles.r_hi_m.len()).filter(|&b| profiles.r_hi_m[b] <= INNER_AU * AU_M).collect();
    let pick = |v: &[[f64; super::reference::BINNED_LEVELS]]| keep.iter().map(|&b| v[b]).collect();
    (
        BinnedProfiles {
            r_lo_m: keep.iter().map(|&b| profiles.r_lo_m[b]).collect(),
            r_hi_m: keep.iter().map(|&b| profiles.r_hi_m[b]).collect(),
            r_mid_m: keep.iter().map(|&b| profiles.r_mid_m[b]).collect(),
            n_points_seed1: keep.iter().map(|&b| profiles.n_points_seed1[b]).collect(),
            mean: pick(&profiles.mean),
            seed_std: pick(&profiles.seed_std),
            bin_std: pick(&profiles.bin_std),
        },
        keep.iter().map(|&b| ours[b].clone()).collect(),
    )
}
