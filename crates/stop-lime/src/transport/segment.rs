//! The formal solution across the part of a photon path inside one Voronoi cell.
//!
//! The path inside the cell is sampled at an odd number of equally spaced stations (entry,
//! …, exit; [`STATIONS`]). At each the model gives the molecule and gas densities and the
//! projected velocity, and the cell's reconstruction ([`crate::transport::reconstruct`]) the
//! level populations. Each interval between stations is a "half" of a pair: its optical
//! depth integrates the quadratic through the pair's three stations' opacities (so each
//! pair gets Simpson's rule), the profile is averaged over the half's velocity range
//! ([`mean_gaussian_pair`]), and the source function varies linearly in τ between the half's
//! ends ([`crate::transport::formal::linear_source_weights`]). A half
//! whose source function is undefined at an end (no opacity there, or a maser) falls back
//! to a constant source function, `j Δs (1 − e^{−Δτ}) / Δτ`. Each half costs at most one
//! `exp` ([`crate::transport::formal::linear_source_weights_with_transmission`]), and the
//! segment's transmission per line is returned so that the path needs none.

use crate::solve::setup::SolverSetup;
use crate::transport::formal::{MASER_TAU_LIMIT, escape_and_transmission, linear_source_weights_with_transmission};
use crate::transport::profile::mean_gaussian_pair;

/// Stations per segment (entry and exit included).
pub const STATIONS: usize = 3;

/// Model fields at one station of a path.
#[derive(Debug, Clone, Copy)]
pub struct Station {
    /// Velocity projected on the photon direction, m/s.
    pub v_proj_m_s: f64,
    /// Molecule density, m⁻³.
    pub molecule_m3: f64,
    /// Total gas density, m⁻³.
    pub gas_m3: f64,
}

/// What one segment does to every line: its optical depth and the intensity it emits
/// towards its near end (already attenuated inside the segment).
#[derive(Debug, Clone, Default)]
pub struct SegmentLines {
    /// Optical depth of the segment, per line (each half clipped at [`MASER_TAU_LIMIT`]).
    pub dtau: Vec<f64>,
    /// Intensity emitted towards the near end, per line, photon-occupation units.
    pub emitted: Vec<f64>,
    /// Transmission `e^{−Δτ}` of the segment, per line (the product of its halves'
    /// transmissions, each clipped at the maser limit).
    pub transmission: Vec<f64>,
    /// The line-independent factors of each pair of halves (work space).
    pairs: Vec<PairFactors>,
}

impl SegmentLines {
    /// Sizes the per-line outputs for `n_lines` lines (their values are then overwritten).
    fn resize(&mut self, n_lines: usize) {
        self.dtau.resize(n_lines, 0.0);
        self.emitted.resize(n_lines, 0.0);
        self.transmission.resize(n_lines, 0.0);
    }
}

/// What one pair of halves shares between all lines: the profile averaged over each half and
/// the molecule and gas densities at its three stations relative to the cell point's.
#[derive(Debug, Clone, Copy)]
struct PairFactors {
    phi: [f64; 2],
    w_mol: [f64; 3],
    w_gas: [f64; 3],
}

/// Integrals over the two halves of `[0, length]` of the quadratic through `f` at 0,
/// length/2 and length: `h (5f₀ + 8f₁ − f₂)/12` and `h (−f₀ + 8f₁ + 5f₂)/12` with h the
/// half length (their sum is Simpson's rule).
fn half_integrals(f: [f64; 3], half_m: f64) -> [f64; 2] {
    [half_m * (5.0 * f[0] + 8.0 * f[1] - f[2]) / 12.0, half_m * (-f[0] + 8.0 * f[1] + 5.0 * f[2]) / 12.0]
}

/// Optical depth and emission of the segment of length `length_m` inside the cell of
/// `cell`, for a photon at velocity `v_photon_m_s`, with the stations `st` (an odd number
/// ≥ 3, equally spaced from the near end to the far end) and the populations there `p`
/// (`n_levels` values per station, in station order). Each consecutive triple of stations
/// is one pair of halves.
pub fn segment_lines(
    setup: &SolverSetup<'_>,
    cell: usize,
    st: &[Station],
    p: &[f64],
    length_m: f64,
    v_photon_m_s: f64,
    out: &mut SegmentLines,
) {
    let n_lines = setup.n_lines();
    let n_levels = setup.n_levels;
    out.resize(n_lines);
    let b = setup.doppler_b_m_s[cell];
    let relative = |value: f64, own: f64| if own > 0.0 { value / own } else { 0.0 };
    let n_halves = st.len() - 1;
    let half_m = length_m / n_halves as f64;
    // the profile (the same x = (v − v₀)/b for every line) and the density ratios, once
    out.pairs.clear();
    out.pairs.extend((0..n_halves).step_by(2).map(|q| {
        let s3 = [&st[q], &st[q + 1], &st[q + 2]];
        let x = s3.map(|s| (v_photon_m_s - s.v_proj_m_s) / b);
        PairFactors {
            phi: mean_gaussian_pair(x),
            w_mol: s3.map(|s| relative(s.molecule_m3, setup.molecule_density_m3[cell])),
            w_gas: s3.map(|s| relative(s.gas_m3, setup.gas_density_m3[cell])),
        }
    }));
    let SegmentLines { dtau: dtau_out, emitted: emitted_out, transmission: transmission_out, pairs } = out;
    let cell_lines = cell * n_lines..(cell + 1) * n_lines;
    let per_line = setup.lines.iter().zip(&setup.kappa0_m[cell_lines.clone()]).zip(&setup.dust_alpha_m[cell_lines.clone()]).zip(&setup.dust_source[cell_lines]);
    let outputs = dtau_out.iter_mut().zip(emitted_out.iter_mut()).zip(transmission_out.iter_mut());
    for ((((line, &kappa0), &dust_alpha), &dust_source), ((tau_out, emitted_out), transmission_out)) in per_line.zip(outputs) {
        let (mut tau, mut emitted, mut transmission) = (0.0f64, 0.0, 1.0f64);
        for (pair, &PairFactors { phi, w_mol, w_gas }) in pairs.iter().enumerate() {
            // the pair's three stations' populations
            let p3 = &p[2 * pair * n_levels..(2 * pair + 3) * n_levels];
            let pop = |s: usize, level: usize| p3[s * n_levels + level];
            // α and j of B&H 2010 eqs. 3–4 in occupation units per unit profile (SolverSetup::kappa0_m)
            let absorb: [f64; 3] = std::array::from_fn(|s| kappa0 * w_mol[s] * (pop(s, line.lo) * line.weight_ratio - pop(s, line.up)));
            let emit: [f64; 3] = std::array::from_fn(|s| kappa0 * w_mol[s] * pop(s, line.up));
            let dust: [f64; 3] = std::array::from_fn(|s| dust_alpha * w_gas[s]);
            let (col_absorb, col_emit, col_dust) = (half_integrals(absorb, half_m), half_integrals(emit, half_m), half_integrals(dust, half_m));
            for h in 0..2 {
                let dtau = (phi[h] * col_absorb[h] + col_dust[h]).max(MASER_TAU_LIMIT);
                let source = |s: usize| {
                    let opacity = phi[h] * absorb[s] + dust[s];
                    (opacity > 0.0).then(|| (phi[h] * emit[s] + dust_source * dust[s]) / opacity)
                };
                let (add, t) = match (source(h), source(h + 1)) {
                    (Some(near), Some(far)) if dtau > 0.0 => {
                        let (w_near, w_far, t) = linear_source_weights_with_transmission(dtau);
                        (w_near * near + w_far * far, t)
                    }
                    _ => {
                        let (escape, t) = escape_and_transmission(dtau);
                        ((phi[h] * col_emit[h] + dust_source * col_dust[h]) * escape, t)
                    }
                };
                emitted += transmission * add;
                transmission *= t;
                tau += dtau;
            }
        }
        (*tau_out, *emitted_out, *transmission_out) = (tau, emitted, transmission);
    }
}

/// The line opacity and emissivity of LIME's first-order cells for one iteration: per cell
/// and line, α and j of B&H 2010 eqs. 3–4 per unit profile and length (occupation units,
/// [`SolverSetup::kappa0_m`]) at the cell point's populations, which stay fixed while the
/// photons of an iteration are traced. Computed once per iteration instead of per segment.
#[derive(Debug, Clone, Default)]
pub struct LimeLines {
    /// `[α, j]` per `[cell * n_lines + line]`, m⁻¹.
    alpha_j_m: Vec<[f64; 2]>,
}

impl LimeLines {
    /// The table for the populations `pops` (`[point * n_levels + level]`).
    #[must_use]
    pub fn new(setup: &SolverSetup<'_>, pops: &[f64]) -> Self {
        let alpha_j_m = pops
            .chunks_exact(setup.n_levels)
            .zip(setup.kappa0_m.chunks_exact(setup.n_lines().max(1)))
            .flat_map(|(p, kappa0_m)| setup.lines.iter().zip(kappa0_m).map(move |(line, &kappa0)| [kappa0 * (p[line.lo] * line.weight_ratio - p[line.up]), kappa0 * p[line.up]]))
            .collect();
        Self { alpha_j_m }
    }
}

/// [`segment_lines`] for LIME's first-order cells (`lime-algorithm.md` §3.2 steps 5–7): the
/// populations (through `lines`, [`LimeLines`]), molecule and gas densities and line width
/// of the cell's point over the whole segment, only the projected velocity varying,
/// linearly between the entry, middle and exit values `v_proj_m_s`. Each half has the
/// profile averaged over its velocity range and hence a constant source function, adding
/// `S (1 − e^{−Δτ})`; also writes each line's transmission.
pub fn lime_segment_lines(setup: &SolverSetup<'_>, cell: usize, lines: &LimeLines, v_proj_m_s: [f64; 3], length_m: f64, v_photon_m_s: f64, out: &mut SegmentLines) {
    let n_lines = setup.n_lines();
    out.resize(n_lines);
    let b = setup.doppler_b_m_s[cell];
    let half_m = 0.5 * length_m;
    let phi = mean_gaussian_pair(v_proj_m_s.map(|v| (v_photon_m_s - v) / b));
    let cell_lines = cell * n_lines..(cell + 1) * n_lines;
    let per_line = lines.alpha_j_m[cell_lines.clone()].iter().zip(&setup.dust_alpha_m[cell_lines.clone()]).zip(&setup.dust_source[cell_lines]);
    let outputs = out.dtau.iter_mut().zip(out.emitted.iter_mut()).zip(out.transmission.iter_mut());
    for (((&[alpha_m, j_m], &dust_alpha), &dust_source), ((tau_out, emitted_out), transmission_out)) in per_line.zip(outputs) {
        let absorb = alpha_m * half_m;
        let emit = j_m * half_m;
        let dust = dust_alpha * half_m;
        let dust_emit = dust * dust_source;
        let (mut tau, mut emitted, mut transmission) = (0.0, 0.0, 1.0);
        for phi_h in phi {
            let dtau = (phi_h * absorb + dust).max(MASER_TAU_LIMIT);
            let (escape, t) = escape_and_transmission(dtau);
            emitted += transmission * (phi_h * emit + dust_emit) * escape;
            transmission *= t;
            tau += dtau;
        }
        (*tau_out, *emitted_out, *transmission_out) = (tau, emitted, transmission);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_integrals_are_exact_for_quadratics() {
        // f = 1 + 2s + 3s² on [0, 2]: halves ∫₀¹ = 3, ∫₁² = 11
        let f = |s: f64| 1.0 + 2.0 * s + 3.0 * s * s;
        let [a, b] = half_integrals([f(0.0), f(1.0), f(2.0)], 1.0);
        assert!((a - 3.0).abs() < 1e-14 && (b - 11.0).abs() < 1e-14);
    }
}
