//! Diagnostics of the problem-1 error: how well each cell reconstruction reproduces the
//! published curve when the points carry its exact values.
//!
//! With the exact upper-level fraction f(r) of the published curve at every interior point,
//! the populations a photon sees at a random position x are those of the reconstruction in
//! the cell containing x (nearest point); their deviation from f(|x|) is the representation
//! error of the scheme alone, without the solver. Positions are drawn log-uniform in radius
//! (each radial bin gets the same number of samples) and isotropic in direction, from a
//! Kronecker low-discrepancy sequence (fractional parts of n·α for the generalised golden
//! ratio of dimension 3, Roberts 2018), so the table is deterministic.

use super::reference::RadialCurve;
use std::fmt::Write as _;
use stop_lime::grid::build::Grid;
use stop_lime::solve::setup::Mesh;
use stop_lime::transport::reconstruct::{CellFit, FitOrder, GradientStencil, N_TERMS, populations_at};

/// Random positions per radial bin.
pub const SAMPLES_PER_BIN: usize = 20_000;

/// Mean signed and rms relative errors of the reconstructed upper-level fraction against
/// `curve` in `n_bins` logarithmic bins between the curve's ends, per scheme, as text.
#[must_use]
pub fn reconstruction_errors(grid: &Grid, curve: &RadialCurve, n_bins: usize) -> String {
    let mesh = Mesh { positions_m: &grid.positions_m, is_sink: &grid.is_sink, neighbours: &grid.neighbours };
    let (r_lo, r_hi) = (curve.r_m[0], curve.r_m[curve.r_m.len() - 1]);
    let f = |r: f64| curve.at(r.clamp(r_lo, r_hi)).unwrap_or(0.0);
    let radius = |p: &[f64; 3]| (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
    let pops: Vec<f64> = grid.positions_m.iter().zip(&grid.is_sink).flat_map(|(p, &s)| if s { [0.0, 0.0] } else { [1.0 - f(radius(p)), f(radius(p))] }).collect();
    let stencil = GradientStencil::new(&mesh);
    let mut schemes: Vec<(&str, Vec<CellFit>)> = Vec::new();
    schemes.push(("constant", vec![CellFit { coeff: [0.0; N_TERMS], lo: 0.0, hi: f64::INFINITY }; pops.len()]));
    for (name, order) in [("linear", FitOrder::Linear), ("quadratic", FitOrder::Quadratic)] {
        let mut fits = Vec::new();
        stencil.fit(&mesh, &pops, 2, order, &mut fits);
        schemes.push((name, fits));
    }
    let mut out = String::new();
    let _ = writeln!(out, "  reconstruction of the published curve (mean / rms relative error of the upper level at random positions):");
    let _ = writeln!(out, "    {:>9} {}", "r (m)", schemes.iter().map(|(n, _)| format!("{n:>20}")).collect::<String>());
    let (ln_lo, ln_hi) = (r_lo.ln(), r_hi.ln());
    // the plastic-number sequence: 1/φ₃, 1/φ₃², 1/φ₃³ with φ₃³ = φ₃ + 1
    let phi3 = 1.324_717_957_244_746_f64;
    let alpha = [1.0 / phi3, 1.0 / (phi3 * phi3), 1.0 / (phi3 * phi3 * phi3)];
    let mut k = 0u64;
    let mut value = [0.0; 2];
    for bin in 0..n_bins {
        let mut sums = vec![(0.0, 0.0, 0usize); schemes.len()];
        for _ in 0..SAMPLES_PER_BIN {
            k += 1;
            let u: [f64; 3] = std::array::from_fn(|d| (0.5 + k as f64 * alpha[d]).fract());
            let r = (ln_lo + (bin as f64 + u[0]) * (ln_hi - ln_lo) / n_bins as f64).exp();
            let cos_theta = 2.0 * u[1] - 1.0;
            let phi = std::f64::consts::TAU * u[2];
            let sin_theta = (1.0 - cos_theta * cos_theta).sqrt();
            let x = [r * sin_theta * phi.cos(), r * sin_theta * phi.sin(), r * cos_theta];
            let (c, _) = grid.locator.nearest(x);
            if grid.is_sink[c] {
                continue;
            }
            for ((_, fits), sum) in schemes.iter().zip(sums.iter_mut()) {
                populations_at(&mesh, &pops, fits, c, x, &mut value);
                let dev = value[1] / f(r) - 1.0;
                sum.0 += dev;
                sum.1 += dev * dev;
                sum.2 += 1;
            }
        }
        let centre = (ln_lo + (bin as f64 + 0.5) * (ln_hi - ln_lo) / n_bins as f64).exp();
        let cols: String = sums
            .iter()
            .map(|s| {
                let n = s.2.max(1) as f64;
                format!("{:>+9.2}% /{:>7.2}%", 100.0 * s.0 / n, 100.0 * (s.1 / n).sqrt())
            })
            .collect();
        let _ = writeln!(out, "    {centre:>9.2e} {cols}");
    }
    out
}

/// Points listed by [`worst_points`].
pub const N_WORST_POINTS: usize = 8;

/// The [`N_WORST_POINTS`] interior points farthest from `curve` in the upper level of the
/// solved `pops` (`[point * n_levels + level]`), each with its interior Delaunay neighbours'
/// values (smallest, median, largest) and whether it is a local extremum, where the limited
/// linear fit of its cell is flat, as text.
#[must_use]
pub fn worst_points(grid: &Grid, pops: &[f64], n_levels: usize, curve: &RadialCurve) -> String {
    let radius = |p: &[f64; 3]| (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
    let upper = |i: usize| pops[i * n_levels + 1];
    let mut devs: Vec<(usize, f64)> = (0..grid.is_sink.len())
        .filter(|&i| !grid.is_sink[i])
        .filter_map(|i| curve.at(radius(&grid.positions_m[i])).map(|c| (i, upper(i) / c - 1.0)))
        .collect();
    devs.sort_unstable_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let mut out = String::from("  worst points: r (m), dev, value; interior neighbours: count, min / median / max value, local extremum\n");
    for &(i, dev) in devs.iter().take(N_WORST_POINTS) {
        let mut values: Vec<f64> = grid.neighbours.of(i).iter().filter(|&&j| !grid.is_sink[j as usize]).map(|&j| upper(j as usize)).collect();
        values.sort_unstable_by(f64::total_cmp);
        let (lo, hi) = (values.first().copied().unwrap_or(f64::NAN), values.last().copied().unwrap_or(f64::NAN));
        let extremum = if upper(i) > hi { "maximum" } else if upper(i) < lo { "minimum" } else { "no" };
        let _ = writeln!(
            out,
            "    {:.3e} {:+6.1}% {:.4}; {:>2}, {:.4} / {:.4} / {:.4}, {extremum}",
            radius(&grid.positions_m[i]),
            100.0 * dev,
            upper(i),
            values.len(),
            lo,
            values.get(values.len() / 2).copied().unwrap_or(f64::NAN),
            hi
        );
    }
    out
}
