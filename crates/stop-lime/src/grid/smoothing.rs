//! LIME's smoothing of the sampled points: a few Lloyd-like sweeps that push
//! near-coincident points apart (`../shared/docs/lime-algorithm.md` §2.3).
//!
//! Each sweep triangulates all points; every interior point moves away from its nearest
//! non-sink Delaunay neighbour by [`SmoothingParams::interior_step`] of their separation,
//! unless it is closer to the outer sphere than to that neighbour, and the move is
//! dropped if it leaves the shell `r_min < |x| < R`; every sink moves away from its nearest
//! sink neighbour by [`SmoothingParams::sink_step`] and is projected back onto the sphere.
//!
//! Difference from LIME: all moves of a sweep are computed from the positions at the
//! start of the sweep (Jacobi order), so the result does not depend on the visiting
//! order or the thread count.

use crate::LimeError;
use crate::grid::delaunay::Delaunay;
use crate::grid::sampling::{SampledPoints, SamplingParams};
use rayon::prelude::*;

/// LIME 1.9.5's number of smoothing sweeps (`N_SMOOTH_ITERS`).
pub const LIME_SMOOTHING_SWEEPS: usize = 5;
/// LIME 1.9.5's step of an interior point away from its nearest neighbour.
pub const LIME_INTERIOR_STEP: f64 = 0.2;
/// LIME 1.9.5's step of a sink away from its nearest sink neighbour.
pub const LIME_SINK_STEP: f64 = 0.15;

/// Parameters of the smoothing sweeps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmoothingParams {
    /// Number of sweeps.
    pub sweeps: usize,
    /// Fraction of the separation an interior point moves away from its neighbour.
    pub interior_step: f64,
    /// Fraction of the separation a sink moves away from its sink neighbour.
    pub sink_step: f64,
}

impl Default for SmoothingParams {
    /// LIME 1.9.5's values.
    fn default() -> Self {
        SmoothingParams { sweeps: LIME_SMOOTHING_SWEEPS, interior_step: LIME_INTERIOR_STEP, sink_step: LIME_SINK_STEP }
    }
}

fn dist(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

fn norm(a: &[f64; 3]) -> f64 {
    dist(a, &[0.0; 3])
}

/// Runs the smoothing sweeps on `points` sampled with `sampling`.
///
/// ```
/// use stop_lime::grid::sampling::{sample_points, SamplingParams};
/// use stop_lime::grid::smoothing::{smooth, SmoothingParams};
/// let sp = SamplingParams { radius_m: 1.0, min_scale_m: 1e-2, n_interior: 300, n_sink: 100, ..Default::default() };
/// let mut pts = sample_points(&|_x: f64, _y: f64, _z: f64| 1.0, &sp)?;
/// smooth(&mut pts, &sp, &SmoothingParams::default())?;
/// assert!(pts.positions_m[300..].iter().all(|p| ((p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt() - 1.0).abs() < 1e-12));
/// # Ok::<(), stop_lime::LimeError>(())
/// ```
///
/// # Errors
/// Triangulation errors ([`LimeError::TooFewPoints`], [`LimeError::Degenerate`]).
pub fn smooth(points: &mut SampledPoints, sampling: &SamplingParams, params: &SmoothingParams) -> Result<(), LimeError> {
    let (r_min, r_max) = (sampling.min_scale_m, sampling.radius_m);
    for _ in 0..params.sweeps {
        let neighbours = Delaunay::new(&points.positions_m)?.vertex_neighbours();
        let old = &points.positions_m;
        let nearest = |i: usize, sinks: bool| {
            neighbours
                .of(i)
                .iter()
                .map(|&j| j as usize)
                .filter(|&j| points.is_sink(j) == sinks)
                .map(|j| (dist(&old[i], &old[j]), j))
                .min_by(|a, b| a.0.total_cmp(&b.0))
        };
        let moved: Vec<[f64; 3]> = (0..old.len())
            .into_par_iter()
            .map(|i| {
                let x = old[i];
                if points.is_sink(i) {
                    let Some((_, j)) = nearest(i, true) else { return x };
                    let y: [f64; 3] = std::array::from_fn(|k| x[k] - params.sink_step * (old[j][k] - x[k]));
                    let r = norm(&y);
                    if r > 0.0 { y.map(|v| v * r_max / r) } else { x }
                } else {
                    let Some((d, j)) = nearest(i, false) else { return x };
                    if r_max - norm(&x) < d {
                        return x;
                    }
                    let y: [f64; 3] = std::array::from_fn(|k| x[k] - params.interior_step * (old[j][k] - x[k]));
                    let r = norm(&y);
                    if r > r_min && r < r_max { y } else { x }
                }
            })
            .collect();
        points.positions_m = moved;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::sampling::sample_points;

    fn min_separation(pts: &[[f64; 3]]) -> f64 {
        let dt = Delaunay::new(pts).expect("triangulates");
        let nb = dt.vertex_neighbours();
        (0..pts.len()).flat_map(|i| nb.of(i).iter().map(move |&j| (i, j as usize))).map(|(i, j)| dist(&pts[i], &pts[j])).fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn smoothing_increases_the_closest_separation_and_keeps_the_shell() {
        let sp = SamplingParams { radius_m: 1.0, min_scale_m: 1e-2, n_interior: 500, n_sink: 150, ..Default::default() };
        let mut pts = sample_points(&|_: f64, _: f64, _: f64| 1.0, &sp).expect("valid");
        let before = min_separation(&pts.positions_m);
        smooth(&mut pts, &sp, &SmoothingParams::default()).expect("smooths");
        let after = min_separation(&pts.positions_m);
        assert!(after > before, "closest pair {before} -> {after}");
        for (i, p) in pts.positions_m.iter().enumerate() {
            let r = norm(p);
            if pts.is_sink(i) {
                assert!((r - 1.0).abs() < 1e-12);
            } else {
                assert!(r > sp.min_scale_m && r < sp.radius_m, "point {i} left the shell: r = {r}");
            }
        }
    }
}
