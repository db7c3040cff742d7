//! The photons of one grid point: random directions (one in each of as many equal-area cells
//! of the sphere as there are photons, `SphereStrata`) and frequencies (one in each equal
//! slice of the line profile), paired at random, each followed along a
//! straight path through the Voronoi cells to the boundary, accumulating the intensity that
//! arrives at the point from outside its own cell (Brinch & Hogerheijde 2010 §2.2;
//! `lime-algorithm.md` §3.2).
//!
//! The line width is the cell point's, but the populations follow the cell's linear
//! reconstruction and the molecule and gas densities and the velocity come from the model at
//! three stations of every segment ([`crate::transport::segment`]). LIME instead gives the
//! whole cell the point's populations and density: on a log-sampled grid a cell spans
//! ~30–50 % of its radius, and for n ∝ r⁻² that misplaces tens of per cent of the column.
//! [`CellModel::Lime`] does what LIME does, for comparisons with it.
//!
//! A segment that is optically thick near the point is crossed in pieces
//! ([`PIECE_TAU`]): the source function is linear in τ only over each piece's halves.

use crate::solve::local::mean_intensity;
use crate::solve::setup::SolverSetup;
use crate::transport::formal::MASER_TAU_LIMIT;
use crate::transport::profile::{erf, mean_gaussian};
use crate::transport::reconstruct::{CellFit, populations_at_stations};
use crate::transport::segment::{LimeLines, STATIONS, SegmentLines, Station, lime_segment_lines, segment_lines};
use crate::transport::walk::exit_step;
use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;
use stop_model::Position;

/// Photon velocities follow the local line profile itself: the offset x = (v − v₀)/b of
/// photon k solves `(1 + erf x)/2 = u_k` for a stratified `u_k`, so every photon has weight
/// 1 and the wings are sampled. (LIME draws uniformly within ±2.15 b and weights by the
/// profile, `lime-algorithm.md` §3.2 step 2; that leaves out the 0.24 % of the profile beyond,
/// which in a thick line is where the photons escape: J̄ then exceeds the true value by a
/// fraction comparable to the escape probability, and the populations are too high.)
/// [`WingPhotons`] can add photons from a wider Gaussian.
#[must_use]
pub fn inverse_profile_cdf(u: f64) -> f64 {
    let y = (2.0 * u - 1.0).clamp(-1.0 + 1e-15, 1.0 - 1e-15);
    // start from the logistic-like approximation, then Newton on erf x = y
    let mut x = y.signum() * (-(1.0 - y * y).ln()).sqrt() * 0.88;
    for _ in 0..50 {
        let step = (erf(x) - y) / (2.0 / std::f64::consts::PI.sqrt() * (-x * x).exp());
        x -= step;
        if step.abs() < 1e-13 * x.abs().max(1.0) {
            break;
        }
    }
    x
}

/// Photons drawn from a wider Gaussian besides the line profile (multiple importance
/// sampling). Drawing x from the profile alone puts erfc(2.5) ≈ 4e-4 of the photons beyond
/// |x| = 2.5 and 2e-5 beyond 3: about 0.1 and 0.004 of 200 photons per point. A line as
/// thick as van Zadelhoff 1b (τ ≈ 5000 at line centre) exchanges radiation between its
/// thermalised core and the envelope, and escapes, through just those wings (τ(x) ≈ 1 at
/// |x| ≈ √ln τ ≈ 2.9), so each point's fixed photon set either misses that exchange or
/// overweights it, and the fixed point of the iteration is biased: the upper level 3–6 %
/// low at 2e15–1e16 m, which 4× the photons only halves. With a share `fraction` of the
/// photons stratified over a Gaussian `width` times the line's and the rest over the
/// profile, and each photon weighted by φ/q (q the mixture's density, the balance heuristic
/// of Veach & Guibas 1995), J̄ = Σ w I / Σ w stays an estimate of ∫ φ I dx (exact where
/// I = S), and 1b's radial bins come within 0.6 % (1500 points: rms 4.8 → 1.9 %).
/// `fraction = 0` (the default) is the profile alone, every weight 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WingPhotons {
    /// Share of a point's photons drawn from the wide Gaussian, in [0, 1).
    pub fraction: f64,
    /// Width of the wide Gaussian in units of the line's Doppler b (> 1).
    pub width: f64,
}

impl Default for WingPhotons {
    fn default() -> Self {
        Self { fraction: 0.0, width: 2.0 }
    }
}

impl WingPhotons {
    /// The velocity offset x = (v − v₀)/b of photon `k` of `n` (the first `n_profile` from
    /// the profile, the rest from the wide Gaussian, each stratified, `u` uniform in [0, 1))
    /// and its weight φ/q.
    #[must_use]
    pub fn offset_and_weight(&self, k: usize, n: usize, u: f64) -> (f64, f64) {
        let n_wide = (self.fraction * n as f64).round() as usize;
        let n_profile = n - n_wide;
        if n_wide == 0 {
            return (inverse_profile_cdf((k as f64 + u) / n as f64), 1.0);
        }
        let x = if k < n_profile {
            inverse_profile_cdf((k as f64 + u) / n_profile as f64)
        } else {
            self.width * inverse_profile_cdf(((k - n_profile) as f64 + u) / n_wide as f64)
        };
        // the densities of x without their common 1/√π: e^{−x²} and e^{−(x/w)²}/w
        let profile = (-x * x).exp();
        let wide = (-(x / self.width) * (x / self.width)).exp() / self.width;
        let mixture = (n_profile as f64 * profile + n_wide as f64 * wide) / n as f64;
        (x, if mixture > 0.0 { profile / mixture } else { 0.0 })
    }
}

/// A path stops once every line has this optical depth behind it: the rest adds less than
/// e^−40 ≈ 4e-18 of the source function.
pub const OPAQUE_TAU: f64 = 40.0;

/// Largest estimated optical depth of one piece of a path near the point; deeper along
/// the path a piece may be as thick as the depth already behind it. A cell crossing whose
/// estimate exceeds this is cut into pieces that each get their own three stations, so the
/// pieces grow geometrically (1, 1, 2, 4, …) and stop mattering once e^{−τ} is small.
/// Why: each half of a segment has a source function linear in τ (Olson & Kunasz 1987), so
/// the intensity reaching the point through a half of optical depth T ≫ 1 carries an error
/// ~ (T − 2)·½ d²S/dτ², while J̄ − S, which sets the populations of a very thick line, is
/// itself of that order (the diffusion limit, J̄ − S ≈ ⅓ d²S/dτ²). In van Zadelhoff
/// 1b (line-centre τ ≈ 30 across a cell at 1e15–5e15 m) one piece per cell put the upper
/// level 2–6 % low; with pieces of τ ≤ 1 the radial bins agree with 17 stations per cell
/// (and with τ ≤ 0.5) within 0.15 %.
pub const PIECE_TAU: f64 = 1.0;

/// Smallest fraction of the rest of a cell crossing that one piece covers (bounds the
/// pieces per cell when the estimate is far above the optical depth the stations give).
pub const MIN_PIECE_FRACTION: f64 = 1.0 / 32.0;

/// Steps after which a path is abandoned (a degenerate walk); never reached on valid meshes.
pub const MAX_STEPS: usize = 1_000_000;

/// What a point's photons bring, per photon: the profile weight, the optical-path factor of
/// the point's own cell and, per line, the intensity arriving from outside the cell.
#[derive(Debug, Clone, Default)]
pub struct PointRadiation {
    /// Weight of each photon in J̄: φ/q of its velocity ([`WingPhotons`]; 1 when all are drawn
    /// from the profile).
    pub weight: Vec<f64>,
    /// Line path of photon k inside the point's own cell, `∫ (n_mol / n_mol,i) Φ ds`, m.
    pub local_line_path_m: Vec<f64>,
    /// Its dust path, `∫ (n_gas / n_gas,i) ds`, m.
    pub local_dust_path_m: Vec<f64>,
    /// Incoming intensity per photon and line, `[photon * n_lines + line]`, occupation units.
    pub incoming: Vec<f64>,
    /// Per line, the mean intensity of the full formal solution through the own cell
    /// (reconstructed populations, [`crate::transport::segment`]) minus that of the
    /// constant-cell operator of [`crate::solve::local::mean_intensity`], both with the
    /// populations the photons were traced with. The local iteration adds it frozen, so at
    /// the fixed point J̄ is that of the full formal solution while the operator stays the
    /// point's own (diagonal) one.
    pub own_cell_correction: Vec<f64>,
    /// Paths that ended without reaching a sink (degenerate walks).
    pub lost_paths: usize,
}

/// How the photons see the inside of a Voronoi cell.
#[derive(Debug, Clone, Copy)]
pub enum CellModel<'a> {
    /// Populations from the cells' fits (`[point * n_levels + level]`,
    /// [`crate::transport::reconstruct::GradientStencil::fit`]; all zero for populations
    /// constant in each cell), molecule and gas densities and velocity from the model at the
    /// stations of every segment.
    Fitted(&'a [CellFit]),
    /// LIME 1.9.5's first-order cells (`lime-algorithm.md` §3.2 step 6): the point's
    /// populations, molecule and gas densities over its whole cell; only the velocity comes
    /// from the model ([`stop_model::PhysicalModel::velocity_m_s`]) at the stations. The own
    /// cell enters only through the local operator (no own-cell correction), as in LIME.
    /// The cells' line opacities and emissivities come from the iteration's [`LimeLines`].
    Lime(&'a LimeLines),
}

/// Per-thread work space of [`trace_point`].
#[derive(Debug, Clone, Default)]
pub struct TraceScratch {
    tau: Vec<f64>,
    station_fields: Vec<Station>,
    station_pops: Vec<f64>,
    segment: SegmentLines,
    own: SegmentLines,
    full_sum: Vec<f64>,
    constant: Vec<f64>,
    transmission: Vec<f64>,
    direction_strata: Vec<usize>,
    /// Per line: what the pieces of the own cell emit towards the point so far, their
    /// transmission and optical depth.
    own_emitted: Vec<f64>,
    own_transmission: Vec<f64>,
    own_depth: Vec<f64>,
}

/// The fraction of the rest `length_m` of a crossing of `cell` that the next piece covers:
/// 1, unless some line's optical depth over it, estimated from the cell point's populations
/// `p` and opacity with the profile value `phi`, exceeds `max(PIECE_TAU, depth)` with
/// `depth` the optical depth already behind (`own_depth + tau` of that line).
fn piece_fraction(setup: &SolverSetup<'_>, p: &[f64], cell: usize, phi: f64, length_m: f64, own_depth: &[f64], tau: &[f64]) -> f64 {
    let n_lines = setup.n_lines();
    let kappa0 = &setup.kappa0_m[cell * n_lines..(cell + 1) * n_lines];
    let dust = &setup.dust_alpha_m[cell * n_lines..(cell + 1) * n_lines];
    let mut fraction = 1.0f64;
    for ((((line, &kappa0), &dust), &own), &tau) in setup.lines.iter().zip(kappa0).zip(dust).zip(own_depth).zip(tau) {
        // |α| of B&H 2010 eq. 3 at the cell point (as segment_lines), times the length
        let estimate = ((kappa0 * (p[line.lo] * line.weight_ratio - p[line.up])).abs() * phi + dust) * length_m;
        let allowed = PIECE_TAU.max(own + tau);
        if estimate > allowed {
            fraction = fraction.min(allowed / estimate);
        }
    }
    fraction.max(MIN_PIECE_FRACTION)
}

/// Sends `n_photons` photons from interior point `i` with the populations `pops`
/// (`[point * n_levels + level]`) seen through `cells`, drawing directions and velocities
/// from `rng`.
#[allow(clippy::too_many_arguments)]
pub fn trace_point(
    setup: &SolverSetup<'_>,
    pops: &[f64],
    cells: CellModel<'_>,
    i: usize,
    n_photons: usize,
    rng: &mut Xoshiro256PlusPlus,
    out: &mut PointRadiation,
    scratch: &mut TraceScratch,
) {
    let n_lines = setup.n_lines();
    let n_levels = setup.n_levels;
    let mesh = &setup.mesh;
    out.weight.clear();
    out.local_line_path_m.clear();
    out.local_dust_path_m.clear();
    out.incoming.clear();
    out.incoming.resize(n_photons * n_lines, 0.0);
    out.own_cell_correction.clear();
    out.own_cell_correction.resize(n_lines, 0.0);
    out.lost_paths = 0;
    scratch.tau.clear();
    scratch.tau.resize(n_lines, 0.0);
    scratch.full_sum.clear();
    scratch.full_sum.resize(n_lines, 0.0);
    let b_i = setup.doppler_b_m_s[i];
    let v_i = setup.velocity_m_s[i];
    // the largest gain e^{−τ} of a maser path
    let max_maser_gain = (-MASER_TAU_LIMIT).exp();
    // photon k takes velocity stratum k and direction stratum strata[k], a random pairing
    let strata = &mut scratch.direction_strata;
    strata.clear();
    strata.extend(0..n_photons);
    for k in (1..n_photons).rev() {
        strata.swap(k, rng.random_range(0..=k));
    }
    let bands = SphereStrata::new(n_photons);
    for k in 0..n_photons {
        let dir = bands.direction(scratch.direction_strata[k], rng);
        // stratified in velocity: photon k lies in the k-th of equal-probability bins
        let (x_k, weight) = setup.wing_photons.offset_and_weight(k, n_photons, rng.random::<f64>());
        let v_centre = dot(dir, v_i);
        let v_photon = x_k * b_i + v_centre;
        out.weight.push(weight);
        let intensity = &mut out.incoming[k * n_lines..(k + 1) * n_lines];
        scratch.tau.fill(0.0);
        scratch.own_emitted.clear();
        scratch.own_emitted.resize(n_lines, 0.0);
        scratch.own_transmission.clear();
        scratch.own_transmission.resize(n_lines, 1.0);
        scratch.own_depth.clear();
        scratch.own_depth.resize(n_lines, 0.0);
        let (mut cell, mut x) = (i, mesh.positions_m[i]);
        let mut start = Station { v_proj_m_s: v_centre, molecule_m3: setup.molecule_density_m3[i], gas_m3: setup.gas_density_m3[i] };
        let (mut local_line_path_m, mut local_dust_path_m) = (0.0, 0.0);
        let mut reached_boundary = false;
        // e^{−τ} behind the path so far, per line, kept as a product of the segments'
        // transmissions (each clipped at the maser limit) instead of an exp per segment
        scratch.transmission.clear();
        scratch.transmission.resize(n_lines, 1.0);
        for _ in 0..MAX_STEPS {
            let Some(mut step) = exit_step(mesh, cell, x, dir) else {
                break;
            };
            // a thick crossing near the point goes in pieces (PIECE_TAU); the profile is
            // estimated at the entry and at the cell point, whichever is nearer resonance
            let mut piece = false;
            if matches!(cells, CellModel::Fitted(_)) {
                let b = setup.doppler_b_m_s[cell];
                let (x_entry, x_point) = ((v_photon - start.v_proj_m_s) / b, (v_photon - dot(dir, setup.velocity_m_s[cell])) / b);
                let phi = (-(x_entry * x_entry).min(x_point * x_point)).exp();
                let fraction = piece_fraction(setup, &pops[cell * n_levels..(cell + 1) * n_levels], cell, phi, step.length_m, &scratch.own_depth, &scratch.tau);
                if fraction < 1.0 {
                    step.length_m *= fraction;
                    piece = true;
                }
            }
            let end_m = std::array::from_fn(|k| x[k] + step.length_m * dir[k]);
            let at = |s: usize| -> [f64; 3] { std::array::from_fn(|k| x[k] + step.length_m * (s as f64 / (STATIONS - 1) as f64) * dir[k]) };
            let b = setup.doppler_b_m_s[cell];
            let segment = if cell == i { &mut scratch.own } else { &mut scratch.segment };
            match cells {
                CellModel::Lime(lines) => {
                    let v_at = |s: usize| {
                        let x_m = at(s);
                        dot(dir, setup.model.velocity_m_s(&Position::new(x_m[0], x_m[1], x_m[2])))
                    };
                    let v_proj = [start.v_proj_m_s, v_at(1), v_at(2)];
                    if cell == i {
                        // the own cell enters through the local operator only
                        local_line_path_m = mean_gaussian((v_photon - v_proj[0]) / b, (v_photon - v_proj[2]) / b) * step.length_m;
                        local_dust_path_m = step.length_m;
                    } else {
                        lime_segment_lines(setup, cell, lines, v_proj, step.length_m, v_photon, segment);
                    }
                    start.v_proj_m_s = v_proj[2];
                }
                CellModel::Fitted(fits) => {
                    let stations = &mut scratch.station_fields;
                    stations.clear();
                    stations.push(start);
                    stations.extend((1..STATIONS).map(|s| station_at(setup, at(s), dir)));
                    scratch.station_pops.resize(STATIONS * n_levels, 0.0);
                    populations_at_stations::<STATIONS>(mesh, pops, fits, cell, std::array::from_fn(at), &mut scratch.station_pops);
                    segment_lines(setup, cell, stations, &scratch.station_pops, step.length_m, v_photon, segment);
                    let last = stations[STATIONS - 1];
                    if cell == i {
                        // the constant-cell operator of the local iteration: the profile averaged
                        // over the segment, composite Simpson's rule for the columns in units of
                        // the point's densities
                        let profile = mean_gaussian((v_photon - start.v_proj_m_s) / b, (v_photon - last.v_proj_m_s) / b);
                        let simpson = |f: fn(&Station) -> f64| {
                            let inner: f64 = (1..STATIONS - 1).map(|s| f(&stations[s]) * if s % 2 == 1 { 4.0 } else { 2.0 }).sum();
                            step.length_m * (f(&stations[0]) + inner + f(&last)) / (3.0 * (STATIONS - 1) as f64)
                        };
                        let relative = |column: f64, own: f64| if own > 0.0 { column / own } else { 0.0 };
                        local_line_path_m += profile * relative(simpson(|s| s.molecule_m3), setup.molecule_density_m3[cell]);
                        local_dust_path_m += relative(simpson(|s| s.gas_m3), setup.gas_density_m3[cell]);
                    }
                    start = last;
                }
            }
            if cell == i && matches!(cells, CellModel::Fitted(_)) {
                // the own cell's pieces, in order from the point
                let own = &scratch.own;
                let per_line = scratch.own_emitted.iter_mut().zip(scratch.own_transmission.iter_mut()).zip(scratch.own_depth.iter_mut());
                for (((emitted, t), depth), ((&piece_emitted, &transmission), &dtau)) in per_line.zip(own.emitted.iter().zip(&own.transmission).zip(&own.dtau)) {
                    *emitted += *t * piece_emitted;
                    *t = (*t * transmission).min(max_maser_gain);
                    *depth += dtau;
                }
            }
            if cell != i {
                let segment = &scratch.segment;
                let mut min_tau = f64::INFINITY;
                let per_line = intensity.iter_mut().zip(scratch.transmission.iter_mut()).zip(scratch.tau.iter_mut());
                for (((intensity, t), tau), ((&emitted, &transmission), &dtau)) in per_line.zip(segment.emitted.iter().zip(&segment.transmission).zip(&segment.dtau)) {
                    *intensity += *t * emitted;
                    *t = (*t * transmission).min(max_maser_gain);
                    *tau += dtau;
                    min_tau = min_tau.min(*tau);
                }
                if min_tau > OPAQUE_TAU {
                    reached_boundary = true;
                    break;
                }
            }
            x = end_m;
            if piece {
                continue;
            }
            cell = step.next;
            if mesh.is_sink[cell] {
                for ((l, line), t) in setup.lines.iter().enumerate().zip(&scratch.transmission) {
                    intensity[l] += t * line.background;
                }
                reached_boundary = true;
                break;
            }
        }
        out.lost_paths += usize::from(!reached_boundary);
        out.local_line_path_m.push(local_line_path_m);
        out.local_dust_path_m.push(local_dust_path_m);
        if matches!(cells, CellModel::Lime(_)) {
            continue;
        }
        for (((sum, incoming), &own_emitted), &own_transmission) in scratch.full_sum.iter_mut().zip(intensity.iter()).zip(&scratch.own_emitted).zip(&scratch.own_transmission) {
            *sum += out.weight[k] * (own_emitted + own_transmission * incoming);
        }
    }
    if matches!(cells, CellModel::Lime(_)) {
        return;
    }
    // J̄ of the constant-cell operator at the traced populations, for the correction
    scratch.constant.resize(n_lines, 0.0);
    mean_intensity(setup, i, &pops[i * n_levels..(i + 1) * n_levels], out, &mut scratch.constant);
    let total_weight: f64 = out.weight.iter().sum();
    if total_weight > 0.0 {
        for (l, c) in out.own_cell_correction.iter_mut().enumerate() {
            *c = scratch.full_sum[l] / total_weight - scratch.constant[l];
        }
    }
}

/// The unit sphere cut into `n` cells of equal area 4π/n, one photon direction drawn
/// uniformly in each (stratified sampling: every direction is still uniform on the sphere,
/// but the n directions cover it evenly, so the angular integral of J̄ has less variance than
/// with n independent directions). The cells are `n_bands` zones of constant cos θ (area ∝
/// their height in cos θ, Archimedes), each cut into equal azimuth sectors; zone b holds
/// `⌊(b+1)n/m⌋ − ⌊bn/m⌋` sectors and is that many times 2/n high, with m ≈ √(n/π) so that the
/// cells are about as wide as high at the equator.
struct SphereStrata {
    n: usize,
    n_bands: usize,
}

impl SphereStrata {
    fn new(n: usize) -> Self {
        let n_bands = ((n as f64 / std::f64::consts::PI).sqrt().round() as usize).clamp(1, n.max(1));
        Self { n, n_bands }
    }

    /// A uniform direction inside cell `stratum` (0 ≤ stratum < n).
    fn direction(&self, stratum: usize, rng: &mut Xoshiro256PlusPlus) -> [f64; 3] {
        let (n, m) = (self.n, self.n_bands);
        // the zone holding the cell: cells before zone b are ⌊bn/m⌋
        let band = (0..m).rfind(|&b| b * n / m <= stratum).unwrap_or(0);
        let (first, in_band) = (band * n / m, (band + 1) * n / m - band * n / m);
        let cos_theta = -1.0 + 2.0 * (first as f64 + in_band as f64 * rng.random::<f64>()) / n as f64;
        let phi = std::f64::consts::TAU * ((stratum - first) as f64 + rng.random::<f64>()) / in_band as f64;
        let sin_theta = (1.0 - cos_theta * cos_theta).max(0.0).sqrt();
        [sin_theta * phi.cos(), sin_theta * phi.sin(), cos_theta.clamp(-1.0, 1.0)]
    }
}

/// The model's fields at `x_m` seen by a photon heading along `dir`.
fn station_at(setup: &SolverSetup<'_>, x_m: [f64; 3], dir: [f64; 3]) -> Station {
    let f = setup.model.path_fields(&Position::new(x_m[0], x_m[1], x_m[2]));
    Station { v_proj_m_s: dot(dir, f.velocity_m_s), molecule_m3: f.molecule_density_m3, gas_m3: f.total_density_m3 }
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_strata_have_equal_areas_and_cover_the_sphere() {
        let mut rng = crate::grid::sampling::item_rng(7, 0);
        for n in [1, 2, 7, 24, 100, 200] {
            let strata = SphereStrata::new(n);
            // many draws per cell: the mean of z and of z² over the whole sphere are 0 and 1/3
            // (a uniform distribution) only if the cells are equal in area and tile it
            let draws = 400;
            let (mut sum_z, mut sum_z2, mut sum_x) = (0.0, 0.0, 0.0);
            for stratum in 0..n {
                for _ in 0..draws {
                    let d = strata.direction(stratum, &mut rng);
                    assert!((d.iter().map(|c| c * c).sum::<f64>() - 1.0).abs() < 1e-12);
                    (sum_z, sum_z2, sum_x) = (sum_z + d[2], sum_z2 + d[2] * d[2], sum_x + d[0]);
                }
            }
            let total = (n * draws) as f64;
            // Monte-Carlo tolerance: 5 standard deviations of a mean of `total` draws
            let tol = 5.0 * (1.0 / 3.0 / total).sqrt();
            assert!((sum_z / total).abs() < tol && (sum_x / total).abs() < tol, "n = {n}");
            assert!((sum_z2 / total - 1.0 / 3.0).abs() < tol, "n = {n}: <z²> = {}", sum_z2 / total);
        }
        // every cell lies in its own zone and sector: 100 cells, 6 zones
        let strata = SphereStrata::new(100);
        assert_eq!(strata.n_bands, 6);
        let d = strata.direction(0, &mut rng);
        assert!(d[2] < -1.0 + 2.0 * 16.0 / 100.0 && d[1] >= 0.0);
    }

    #[test]
    fn wing_photons_weigh_to_the_profile() {
        // with the mixture, Σ w f(x) / n estimates ∫ f e^{−x²} dx / √π: 1 for f = 1, ½ for
        // f = x², erfc(2.5) = 4.070e-4 for the far wings |x| > 2.5 (A&S 7.1), which the
        // profile's own 200 strata sample with only 0.08 photons
        let wings = WingPhotons { fraction: 0.5, width: 2.0 };
        let n = 200;
        let mut rng = crate::grid::sampling::item_rng(3, 0);
        let (mut one, mut second, mut far, mut far_count) = (0.0, 0.0, 0.0, 0);
        let draws = 200;
        for _ in 0..draws {
            for k in 0..n {
                let (x, w) = wings.offset_and_weight(k, n, rng.random::<f64>());
                one += w;
                second += w * x * x;
                if x.abs() > 2.5 {
                    far += w;
                    far_count += 1;
                }
            }
        }
        let total = (n * draws) as f64;
        assert!((one / total - 1.0).abs() < 2e-3, "{}", one / total);
        assert!((second / total - 0.5).abs() < 5e-3, "{}", second / total);
        assert!((far / total / 4.070e-4 - 1.0).abs() < 0.05, "{}", far / total);
        // about erfc(1.25) = 7.7 % of the wide half lies beyond 2.5: ~7.7 photons per point
        assert!(far_count as f64 / draws as f64 > 6.0);
        // the default is the profile alone, weight 1
        let (x, w) = WingPhotons::default().offset_and_weight(7, n, 0.25);
        assert_eq!((x, w), (inverse_profile_cdf(7.25 / n as f64), 1.0));
    }

    #[test]
    fn inverse_cdf_inverts_the_profile() {
        for u in [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999] {
            let x = inverse_profile_cdf(u);
            assert!((0.5 * (1.0 + erf(x)) - u).abs() < 1e-12, "u = {u}");
        }
        assert_eq!(inverse_profile_cdf(0.5), 0.0);
    }
}
