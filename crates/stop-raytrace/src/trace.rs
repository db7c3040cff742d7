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
use crate::profile::{piece_factors, profile_means};
use stop_lime::transport::formal::MASER_TAU_LIMIT;
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
    /// Channel velocities minus the source velocity, m/s, increasing.
    pub channel_v_m_s: Vec<f64>,
    /// Spacing of the channel velocities, m/s.
    pub channel_width_m_s: f64,
}

/// Per-thread work arrays of [`trace_ray`].
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pieces: Vec<(f64, f64, f64)>,
    /// Line opacity and emissivity of the current piece per channel (zero outside the
    /// channels the lines reach).
    alpha: Vec<f64>,
    emis: Vec<f64>,
    /// `e^{−τ}` from the observer's side to the current piece, per band and channel.
    transmission: Vec<Vec<f64>>,
    /// One line's profile means over a run of channels.
    phi: Vec<f64>,
}

/// What a ray yields for one band: per channel plus a last slot for the continuum (dust
/// only), the emerging intensity (occupation units, no background) and the optical depth.
#[derive(Debug, Clone, Default)]
pub(crate) struct BandRay {
    pub intensity: Vec<f64>,
    pub tau: Vec<f64>,
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

/// Appends the pieces `(length, u0, u1)` of a step of length `ds` from `pos` (Doppler width
/// `b`) over which the projected velocity is taken as linear (constant with LIME's samples);
/// `u_start` is the projected velocity at `pos` if already known. Returns the projected
/// velocity at the end of the step, the next step's start.
fn velocity_pieces(grid: &TraceGrid<'_>, params: &RaytraceParams, ray: &Ray, (pos, ds): ([f64; 3], f64), u_start: Option<f64>, b: f64, out: &mut Vec<(f64, f64, f64)>) -> f64 {
    let projected = |s: f64| dot(ray.dir, grid.velocity_at(along(pos, ray.dir, s)));
    let u0 = u_start.unwrap_or_else(|| projected(0.0));
    let u1 = projected(ds);
    if let Some(n) = params.lime_velocity_samples {
        // LIME: the velocity at i·Δs/n, i = 0 … n−1, each held over Δs/n
        out.extend((0..n).map(|i| {
            let u = if i == 0 { u0 } else { projected(ds * i as f64 / n as f64) };
            (ds / n as f64, u, u)
        }));
    } else {
        linear_pieces(grid, ray, pos, (0.0, ds), (u0, u1), params.velocity_tolerance * b, params.max_velocity_splits, out);
    }
    u1
}

/// Integrates one ray for several bands at once (the walk through the cells and the
/// velocities along it are shared); `out[i]` receives band `i`.
pub(crate) fn trace_ray(grid: &TraceGrid<'_>, bands: &[Band], params: &RaytraceParams, ray: &Ray, scratch: &mut Scratch, out: &mut [BandRay]) -> Result<(), RaytraceError> {
    let setup = grid.setup;
    let n_max = bands.iter().map(|b| b.channel_v_m_s.len()).max().unwrap_or(0);
    for v in [&mut scratch.alpha, &mut scratch.emis, &mut scratch.phi] {
        v.clear();
        v.resize(n_max, 0.0);
    }
    scratch.transmission.resize(bands.len(), Vec::new());
    for ((band, result), transmission) in bands.iter().zip(out.iter_mut()).zip(&mut scratch.transmission) {
        let n_slots = band.channel_v_m_s.len() + 1;
        for v in [&mut result.intensity, &mut result.tau] {
            v.clear();
            v.resize(n_slots, 0.0);
        }
        transmission.clear();
        transmission.resize(n_slots, 1.0);
    }
    let mut pos = ray.start_m;
    let mut cell = grid.cell_of(pos);
    // the projected velocity where the step starts, when known from the previous step
    let mut u_start: Option<f64> = None;
    let mut travelled = 0.0;
    let max_steps = 4 * setup.n_points() + 16;
    for _ in 0..max_steps {
        let step = exit_step(&setup.mesh, cell, pos, ray.dir);
        let remaining = ray.length_m - travelled;
        let last = step.is_none_or(|s| s.length_m >= remaining);
        let ds = if last { remaining } else { step.map_or(remaining, |s| s.length_m) };
        let b = setup.doppler_b_m_s[cell];
        u_start = if ds > 0.0 && !setup.mesh.is_sink[cell] && b > 0.0 {
            let mut pieces = std::mem::take(&mut scratch.pieces);
            pieces.clear();
            let u_end = velocity_pieces(grid, params, ray, (pos, ds), u_start, b, &mut pieces);
            for (i_band, band) in bands.iter().enumerate() {
                for &piece in &pieces {
                    add_piece(grid, band, (cell, b), piece, scratch, i_band, &mut out[i_band]);
                }
            }
            scratch.pieces = pieces;
            Some(u_end)
        } else {
            None
        };
        pos = along(pos, ray.dir, ds);
        travelled += ds;
        match step {
            Some(s) if !last => cell = s.next,
            _ => return Ok(()),
        }
    }
    Err(RaytraceError::RayStuck { x_m: ray.obs_m[0], y_m: ray.obs_m[1], cell, steps: max_steps })
}

/// Adds one piece `(length, u0, u1)` of a step through `cell` (Doppler width `b`) to band
/// `i_band`'s intensity and optical depth.
fn add_piece(grid: &TraceGrid<'_>, band: &Band, (cell, b): (usize, f64), (len, u0, u1): (f64, f64, f64), scratch: &mut Scratch, i_band: usize, out: &mut BandRay) {
    let setup = grid.setup;
    let (n_lines, n_levels) = (setup.n_lines(), setup.n_levels);
    let n_chan = band.channel_v_m_s.len();
    let i_dust = cell * n_lines + band.image_line;
    let (dust_alpha, dust_source) = (setup.dust_alpha_m[i_dust], setup.dust_source[i_dust]);
    let pops = &grid.pops[cell * n_levels..(cell + 1) * n_levels];
    // channels [k_lo, k_hi) carry line emission; the others dust alone
    let (mut k_lo, mut k_hi) = (n_chan, 0);
    for &(i_line, v_off) in &band.lines {
        let line = &setup.lines[i_line];
        let kappa0 = setup.kappa0_m[cell * n_lines + i_line];
        let (p_u, p_l) = (pops[line.up], pops[line.lo]);
        let (j_line, a_line) = (kappa0 * p_u, kappa0 * (p_l * line.weight_ratio - p_u));
        let reach = PROFILE_CUTOFF_B * b;
        let first = band.channel_v_m_s.partition_point(|&v| v - v_off < u0.min(u1) - reach);
        let end = band.channel_v_m_s.partition_point(|&v| v - v_off <= u0.max(u1) + reach);
        if first == end {
            continue;
        }
        let phi = &mut scratch.phi[..end - first];
        profile_means((band.channel_v_m_s[first] - v_off - u0) / b, (u0 - u1) / b, band.channel_width_m_s / b, phi);
        for (k, &phi) in (first..end).zip(phi.iter()) {
            scratch.alpha[k] += a_line * phi;
            scratch.emis[k] += j_line * phi;
        }
        (k_lo, k_hi) = (k_lo.min(first), k_hi.max(end));
    }
    // Rybicki & Lightman 1979 eq. 1.30 over a piece of constant S = j/α; the dust-only
    // channels share one Δτ and one escape factor
    let transmission = &mut scratch.transmission[i_band];
    let dust_dtau = (dust_alpha * len).max(MASER_TAU_LIMIT);
    let (dust_escape, dust_transmission) = piece_factors(dust_dtau);
    let dust_gain = dust_alpha * dust_source * len * dust_escape;
    for k in (0..k_lo).chain(k_hi.max(k_lo)..=n_chan) {
        out.intensity[k] += transmission[k] * dust_gain;
        transmission[k] *= dust_transmission;
        out.tau[k] += dust_dtau;
    }
    for (k, t) in transmission.iter_mut().enumerate().take(k_hi).skip(k_lo) {
        let alpha = dust_alpha + scratch.alpha[k];
        let emis = dust_alpha * dust_source + scratch.emis[k];
        let dtau = (alpha * len).max(MASER_TAU_LIMIT);
        let (escape, piece_transmission) = piece_factors(dtau);
        out.intensity[k] += *t * emis * len * escape;
        *t *= piece_transmission;
        out.tau[k] += dtau;
        (scratch.alpha[k], scratch.emis[k]) = (0.0, 0.0);
    }
}
