//! Integration along one straight ray through the Voronoi cells of the grid.
//!
//! The ray enters the model sphere on the observer's side and runs to the far side, stepping
//! from cell to cell (the exit through the nearest bisector plane,
//! [`stop_lime::transport::walk::exit_step`], as LIME's ray tracer, `lime-algorithm.md`
//! §4.3). Inside a cell the point's populations, width and opacities hold; the projected
//! velocity `d·v` follows the model's velocity function. LIME averages the profile over 10
//! left-aligned samples per step; here the velocity is sampled at the ends and middle of the
//! step and treated as piecewise linear, halving a piece while its middle deviates from the
//! chord by more than [`RaytraceParams::velocity_tolerance`] Doppler widths, and the profile
//! is averaged exactly over each linear piece (`(√π/2)(erf x₁ − erf x₀)/(x₁ − x₀)`).

use crate::error::RaytraceError;
use crate::grid::TraceGrid;
use crate::params::RaytraceParams;
use stop_lime::transport::formal::{MASER_TAU_LIMIT, escape_factor};
use stop_lime::transport::profile::mean_gaussian;
use stop_lime::transport::walk::exit_step;

/// Beyond this many Doppler widths from line centre at both ends of a piece the profile
/// is taken as zero: `exp(−6²)` ≈ 2e-16, below double-precision rounding of the sum.
const PROFILE_CUTOFF_B: f64 = 6.0;

/// The lines and channels of one image.
#[derive(Debug, Clone)]
pub(crate) struct Band {
    /// The line the image is made for (its dust values and background are used).
    pub image_line: usize,
    /// Lines inside the band and their velocity offsets `c (1 − ν_l/ν_image)`, m/s.
    pub lines: Vec<(usize, f64)>,
    /// Channel velocities minus the source velocity, m/s.
    pub channel_v_m_s: Vec<f64>,
}

/// Per-thread work arrays of [`trace_ray`].
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pieces: Vec<(f64, f64, f64)>,
    alpha: Vec<f64>,
    emis: Vec<f64>,
}

/// A ray: where it starts (model frame, m), its unit direction and its length inside the
/// sphere.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ray {
    pub start_m: [f64; 3],
    pub dir: [f64; 3],
    pub length_m: f64,
    /// Observer-frame position, for errors.
    pub obs_m: [f64; 2],
}

fn along(p: [f64; 3], d: [f64; 3], s: f64) -> [f64; 3] {
    [p[0] + s * d[0], p[1] + s * d[1], p[2] + s * d[2]]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Below this change of `x` across a piece the profile mean is a composite Simpson sum of
/// panels at most [`SIMPSON_PANEL_DX`] wide (error per panel ≤ h⁴ max|f⁗| / 2880 with
/// max|f⁗| = 12 for `exp(−x²)`: ≤ 1.6e-5 of the peak), above it the exact erf difference.
const SIMPSON_BELOW_DX: f64 = 2.0;
/// Widest Simpson panel, in units of b.
const SIMPSON_PANEL_DX: f64 = 0.25;

/// Mean of `exp(−x²)` for `x` running linearly from `x0` to `x1`.
fn profile_mean(x0: f64, x1: f64) -> f64 {
    let dx = x1 - x0;
    if dx.abs() >= SIMPSON_BELOW_DX {
        return mean_gaussian(x0, x1);
    }
    let panels = ((dx.abs() / SIMPSON_PANEL_DX).ceil() as usize).max(1);
    let h = dx / (2 * panels) as f64;
    let f = |k: usize| {
        let x = x0 + h * k as f64;
        (-x * x).exp()
    };
    let inner: f64 = (1..2 * panels).map(|k| f(k) * if k % 2 == 1 { 4.0 } else { 2.0 }).sum();
    (f(0) + inner + f(2 * panels)) / (6 * panels) as f64
}

/// Splits `[s0, s1]` of a step into pieces with a nearly linear projected velocity, appending
/// `(length, u0, u1)`.
#[allow(clippy::too_many_arguments)]
fn linear_pieces(grid: &TraceGrid<'_>, ray: &Ray, from: [f64; 3], s: (f64, f64), u: (f64, f64), tol_m_s: f64, depth: u32, out: &mut Vec<(f64, f64, f64)>) {
    let sm = 0.5 * (s.0 + s.1);
    let um = dot(ray.dir, grid.velocity_at(along(from, ray.dir, sm)));
    if depth > 0 && (um - 0.5 * (u.0 + u.1)).abs() > tol_m_s {
        linear_pieces(grid, ray, from, (s.0, sm), (u.0, um), tol_m_s, depth - 1, out);
        linear_pieces(grid, ray, from, (sm, s.1), (um, u.1), tol_m_s, depth - 1, out);
    } else {
        out.push((sm - s.0, u.0, um));
        out.push((s.1 - sm, um, u.1));
    }
}

/// Integrates one ray. `intensity` and `tau` have one slot per channel plus a last one for
/// the continuum (dust only); on return they hold the emerging intensity (occupation units,
/// no background) and the optical depth.
pub(crate) fn trace_ray(
    grid: &TraceGrid<'_>,
    band: &Band,
    params: &RaytraceParams,
    ray: &Ray,
    scratch: &mut Scratch,
    intensity: &mut [f64],
    tau: &mut [f64],
) -> Result<(), RaytraceError> {
    intensity.fill(0.0);
    tau.fill(0.0);
    let setup = grid.setup;
    let (n_lines, n_levels) = (setup.n_lines(), setup.n_levels);
    let n_chan = band.channel_v_m_s.len();
    scratch.alpha.resize(n_chan + 1, 0.0);
    scratch.emis.resize(n_chan + 1, 0.0);
    let mut pos = ray.start_m;
    let mut cell = grid.cell_of(pos);
    let mut u_here = dot(ray.dir, grid.velocity_at(pos));
    let mut travelled = 0.0;
    let max_steps = 4 * setup.n_points() + 16;
    for _ in 0..max_steps {
        let step = exit_step(&setup.mesh, cell, pos, ray.dir);
        let remaining = ray.length_m - travelled;
        let last = step.is_none_or(|s| s.length_m >= remaining);
        let ds = if last { remaining } else { step.map_or(remaining, |s| s.length_m) };
        let b = setup.doppler_b_m_s[cell];
        if ds > 0.0 {
            let end = along(pos, ray.dir, ds);
            let u_end = dot(ray.dir, grid.velocity_at(end));
            if !setup.mesh.is_sink[cell] && b > 0.0 {
                scratch.pieces.clear();
                if let Some(n) = params.lime_velocity_samples {
                    // LIME: the velocity at i·Δs/n, i = 0 … n−1, each held over Δs/n
                    for i in 0..n {
                        let u = if i == 0 { u_here } else { dot(ray.dir, grid.velocity_at(along(pos, ray.dir, ds * i as f64 / n as f64))) };
                        scratch.pieces.push((ds / n as f64, u, u));
                    }
                } else {
                    let tol = params.velocity_tolerance * b;
                    linear_pieces(grid, ray, pos, (0.0, ds), (u_here, u_end), tol, params.max_velocity_splits, &mut scratch.pieces);
                }
                let i_dust = cell * n_lines + band.image_line;
                let (dust_alpha, dust_source) = (setup.dust_alpha_m[i_dust], setup.dust_source[i_dust]);
                let pops = &grid.pops[cell * n_levels..(cell + 1) * n_levels];
                for &(len, u0, u1) in &scratch.pieces {
                    scratch.alpha.fill(dust_alpha);
                    scratch.emis.fill(dust_alpha * dust_source);
                    for &(i_line, v_off) in &band.lines {
                        let line = &setup.lines[i_line];
                        let kappa0 = setup.kappa0_m[cell * n_lines + i_line];
                        let (p_u, p_l) = (pops[line.up], pops[line.lo]);
                        let (j_line, a_line) = (kappa0 * p_u, kappa0 * (p_l * line.weight_ratio - p_u));
                        for (k, &v) in band.channel_v_m_s.iter().enumerate() {
                            let (x0, x1) = ((v - v_off - u0) / b, (v - v_off - u1) / b);
                            if x0.min(x1) > PROFILE_CUTOFF_B || x0.max(x1) < -PROFILE_CUTOFF_B {
                                continue;
                            }
                            let phi = profile_mean(x0, x1);
                            scratch.alpha[k] += a_line * phi;
                            scratch.emis[k] += j_line * phi;
                        }
                    }
                    for k in 0..=n_chan {
                        // Rybicki & Lightman 1979 eq. 1.30 over a piece of constant S = j/α
                        let dtau = (scratch.alpha[k] * len).max(MASER_TAU_LIMIT);
                        intensity[k] += (-tau[k]).exp() * scratch.emis[k] * len * escape_factor(dtau);
                        tau[k] += dtau;
                    }
                }
            }
            pos = end;
            u_here = u_end;
            travelled += ds;
        }
        match step {
            Some(s) if !last => cell = s.next,
            _ => return Ok(()),
        }
    }
    Err(RaytraceError::RayStuck { x_m: ray.obs_m[0], y_m: ray.obs_m[1], cell, steps: max_steps })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_mean_matches_the_erf_form() {
        for (x0, x1) in [(0.0_f64, 0.1_f64), (-0.7, 0.4), (0.3, 1.9), (-1.0, 0.99), (0.5, 4.0), (2.0, 2.0)] {
            let exact = if x1 == x0 { (-x0 * x0).exp() } else { 0.5 * std::f64::consts::PI.sqrt() * (stop_lime::transport::profile::erf(x1) - stop_lime::transport::profile::erf(x0)) / (x1 - x0) };
            assert!((profile_mean(x0, x1) - exact).abs() < 2e-5, "({x0}, {x1})");
        }
    }
}
