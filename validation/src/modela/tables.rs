//! The printed tables of the model-A report: quantile rows, LIME's and STOP's radial
//! profiles bin by bin, and the mean deviation by radius on LIME's grid.

use super::compare::Quantiles;
use super::reference::{BINNED_LEVELS, BinnedProfiles, LimePops};
use super::{POPULATION_FLOOR, mean_deviation_cell};
use std::fmt::Write as _;

use stop_physics::constants::AU_M;

/// One row of quantiles under the header `n median p90 p99 max`.
pub(super) fn quantile_row(out: &mut String, label: &str, q: &Quantiles) {
    let _ = writeln!(
        out,
        "    {label:<34} {:>6} {:>10.3e} {:>10.3e} {:>10.3e} {:>10.3e}",
        q.n, q.median, q.p90, q.p99, q.max
    );
}

/// Per level, per bin: LIME's mean and seed scatter beside STOP's bin mean.
pub(super) fn binned_table(out: &mut String, profiles: &BinnedProfiles, ours: &[Vec<f64>], counts: &[usize]) {
    let n_shown = BINNED_LEVELS.min(ours.first().map_or(0, Vec::len));
    for level in 0..n_shown {
        let _ = writeln!(
            out,
            "  level {level} (J={level}):  r_mid(au)  n LIME/STOP   LIME mean   seed std     STOP      STOP/LIME-1"
        );
        for (i_bin, (r, ours_bin)) in profiles.r_mid_m.iter().zip(ours).enumerate() {
            let (m, s, o) = (
                profiles.mean[i_bin][level],
                profiles.seed_std[i_bin][level],
                ours_bin[level],
            );
            let _ = writeln!(
                out,
                "              {:>10.2} {:>5}/{:<5} {m:>11.5e} {:>8.3}% {o:>11.5e} {:>+9.3}%{}",
                r / AU_M,
                profiles.n_points_seed1[i_bin],
                counts[i_bin],
                100.0 * s / m,
                100.0 * (o / m - 1.0),
                if m > POPULATION_FLOOR {
                    ""
                } else {
                    "  (p < 0.01: not judged)"
                }
            );
        }
    }
}

/// Mean signed deviation STOP/LIME − 1 per radius decade and level 0–7 (same grid), to show
/// where any systematic difference sits.
pub(super) fn signed_bias_table(out: &mut String, ours: &LimePops, lime: &LimePops, fixed: &[LimePops]) {
    let _ = writeln!(
        out,
        "  mean of X/LIME seed1 - 1 (%) on the same points, by radius (levels with p > 0.01):"
    );
    let _ = writeln!(
        out,
        "    {:>16} {:>6} {}",
        "r (au)",
        "points",
        (0..BINNED_LEVELS)
            .map(|l| format!("{:>8}", format!("J={l}")))
            .collect::<String>()
    );
    let edges_au = [0.5, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 2000.1];
    for w in edges_au.windows(2) {
        let rows: Vec<usize> = (0..lime.n_points())
            .filter(|&i| lime.r_m[i] >= w[0] * AU_M && lime.r_m[i] < w[1] * AU_M)
            .collect();
        for (who, run) in std::iter::once(("STOP", ours)).chain(fixed.iter().map(|f| ("LIME fixedgrid", f))) {
            let cells: String = (0..BINNED_LEVELS)
                .map(|l| mean_deviation_cell(rows.iter().map(|&i| (run.point(i)[l], lime.point(i)[l]))))
                .collect();
            let _ = writeln!(out, "    {:>7.1}-{:<8.1} {:>6} {cells}  {who}", w[0], w[1], rows.len());
        }
    }
}

