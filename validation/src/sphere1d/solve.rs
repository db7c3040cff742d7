//! The iteration: formal solution along every ray, J̄ and the own-shell Λ* per shell, the
//! preconditioned rate equations per shell, Ng acceleration.

use super::rays::{self, Ray};
use super::{Discretisation, Solution, SolveSettings, Sphere1dError, SphereModel};
use rayon::prelude::*;
use stop_lime::solve::ng::ng_extrapolate;
use stop_lime::solve::stateq::POPULATION_FLOOR;
use stop_molecule::{Molecule, PartnerDensities};
use stop_physics::constants::C_M_S;

/// Velocity channels per Doppler b of the narrowest line.
const CHANNELS_PER_B: f64 = 4.0;
/// The channels reach this many of the widest b beyond the largest projected velocity.
const BAND_WINGS_B: f64 = 5.0;
/// Profiles are evaluated within this many b of their centre (beyond it φ/φ(0) < 3e-16).
const PROFILE_REACH_B: f64 = 6.0;
/// Iterations between Ng extrapolations.
const NG_PERIOD: usize = 4;
/// Rays traced by one parallel task.
const RAYS_PER_TASK: usize = 8;
/// Levels below this fraction do not enter the convergence test.
const CONVERGENCE_FLOOR: f64 = 1e-10;

/// One radiative line.
#[derive(Debug, Clone, Copy)]
struct Line {
    up: usize,
    lo: usize,
    /// g_u / g_l.
    weight_ratio: f64,
    a_ul_s: f64,
    /// A c³ / (8π ν³), m³ s⁻¹: the opacity is this × n_mol (n_l g_u/g_l − n_u) × φ_v, with
    /// φ_v the profile per unit velocity (s/m).
    opacity_factor: f64,
    /// Photon occupation number of the background, 1 / (exp(hν/kT_cmb) − 1).
    background: f64,
}

/// The velocity channels: `index − half` times `width`.
#[derive(Debug, Clone, Copy)]
struct Channels {
    half: usize,
    width_m_s: f64,
}

impl Channels {
    fn len(self) -> usize {
        2 * self.half + 1
    }

    fn velocity(self, index: usize) -> f64 {
        (index as f64 - self.half as f64) * self.width_m_s
    }

    /// The channels within [`PROFILE_REACH_B`] b of velocity `v`.
    fn window(self, v_m_s: f64, b_m_s: f64) -> std::ops::Range<usize> {
        let at = |v: f64| v / self.width_m_s + self.half as f64;
        let lo = at(v_m_s - PROFILE_REACH_B * b_m_s).ceil().max(0.0) as usize;
        let hi = ((at(v_m_s + PROFILE_REACH_B * b_m_s).floor() + 1.0).max(0.0) as usize).min(self.len());
        lo.min(hi)..hi
    }
}

/// The shells' line data of one iteration, `[shell * n_lines + line]`.
struct LineState<'a> {
    lines: &'a [Line],
    channels: Channels,
    doppler_b_m_s: &'a [f64],
    /// Opacity per unit profile, n_mol A c³/(8πν³) (n_l g_u/g_l − n_u), m⁻¹ (m/s).
    opacity: Vec<f64>,
    /// Source function in photon occupation units, n_u / (n_l g_u/g_l − n_u).
    source: Vec<f64>,
}

/// Solves the populations of `molecule` in `model`.
///
/// Each iteration traces every ray from the outer edge, starting with the background intensity, and
/// updates the intensity of each channel over each step of constant source function S and optical
/// depth τ exactly, I ← I e^{−τ} + S (1 − e^{−τ}) (Rybicki & Lightman 1979 eq. 1.30). The step's
/// path integral of I, L [S + (I₀ − S)(1 − e^{−τ})/τ], weighted with the local line profile and the
/// ray's area, summed over the rays and divided by the shell's volume (the same quadrature of Σ
/// area × length) is the shell's J̄ (module docs). Alongside I each ray carries the part of it
/// produced in the current shell since it entered it, per unit S; averaged in the same way it is
/// the diagonal operator Λ*, the shell's own emission's share of its J̄ computed exactly (Λ* S). A
/// ray that comes back into a shell after crossing the inner ones starts anew: what the shell
/// emitted into it on the way in counts as external light, which only slows the iteration, not its
/// fixed point. The rate equations then use the preconditioned radiative rates of Rybicki & Hummer
/// (1991, A&A 245, 171) with this diagonal operator: with J_eff = J̄ − Λ* S (old S), the
/// spontaneous rate becomes A (1 − Λ*) and the radiative rates use J_eff, which makes them linear
/// in the new populations. Every 4 iterations the last four iterates are extrapolated (Ng 1974, J.
/// Chem. Phys. 61, 2680, via `stop_lime::solve::ng`). The start is LTE at each shell's temperature;
/// the run ends when the largest relative change of the levels above 1e-10 falls below
/// [`SolveSettings::tolerance`].
///
/// # Errors
/// [`Sphere1dError`] for invalid shells or settings, molecular data without rates for the
/// model's collision partners, or singular rate equations.
pub fn solve(model: &SphereModel, molecule: &Molecule, settings: &SolveSettings) -> Result<Solution, Sphere1dError> {
    model.validate()?;
    if settings.rays_per_shell == 0 {
        return Err(Sphere1dError::Edges("rays_per_shell must be at least 1".into()));
    }
    let n_levels = molecule.n_levels();
    let lines = line_data(molecule, model.tcmb_k);
    let collisions = model
        .shells
        .iter()
        .map(|s| {
            if s.density_m3.iter().all(|&n| n == 0.0) {
                return Ok(vec![0.0; n_levels * n_levels]);
            }
            let densities_cm3 = PartnerDensities(s.density_m3.map(|n| n * 1e-6));
            Ok(molecule.collision_rates(s.tkin_k, &densities_cm3)?.as_slice().to_vec())
        })
        .collect::<Result<Vec<_>, Sphere1dError>>()?;

    let doppler_b_m_s: Vec<f64> = model.shells.iter().map(|s| s.doppler_b_m_s).collect();
    let rays = rays::build(&model.edges_m(), &doppler_b_m_s, &*model.velocity_m_s, settings.rays_per_shell);
    let n_shells = model.shells.len();
    let mut volume_m3 = vec![0.0; n_shells];
    for ray in &rays {
        for step in &ray.steps {
            if let Some(k) = step.shell {
                volume_m3[k] += ray.area_m2 * step.length_m;
            }
        }
    }
    let v_max = rays.iter().flat_map(|r| &r.steps).fold(0.0_f64, |m, s| m.max(s.velocity_m_s.abs()));
    let (b_min, b_max) = doppler_b_m_s.iter().fold((f64::INFINITY, 0.0_f64), |(lo, hi), &b| (lo.min(b), hi.max(b)));
    let width_m_s = b_min / CHANNELS_PER_B;
    let channels = Channels { half: ((v_max + BAND_WINGS_B * b_max) / width_m_s).ceil() as usize, width_m_s };

    let mut pops: Vec<f64> = model
        .shells
        .iter()
        .flat_map(|s| {
            let z = molecule.partition_function(s.tkin_k);
            molecule.levels.iter().map(move |l| l.weight * (-l.energy_k() / s.tkin_k).exp() / z)
        })
        .collect();
    let mut history = Vec::new();
    let mut iterates: Vec<Vec<f64>> = Vec::with_capacity(NG_PERIOD);
    let mut converged = false;
    let mut scratch = RateScratch::new(n_levels);
    let n_lines = lines.len();
    while history.len() < settings.max_iterations {
        let state = LineState::new(&lines, channels, &doppler_b_m_s, model, &pops, n_levels);
        let (j_bar, lambda) = mean_intensities(&rays, &volume_m3, &state);
        let mut new = vec![0.0; pops.len()];
        for k in 0..n_shells {
            let range = k * n_lines..(k + 1) * n_lines;
            let radiation = Radiation { j_bar: &j_bar[range.clone()], lambda: &lambda[range.clone()], source: &state.source[range] };
            if !scratch.solve(&lines, &collisions[k], &radiation, &mut new[k * n_levels..(k + 1) * n_levels]) {
                return Err(Sphere1dError::Singular(k));
            }
        }
        let change = new.iter().zip(&pops).filter(|(n, _)| **n > CONVERGENCE_FLOOR).fold(0.0_f64, |m, (n, o)| m.max((n - o).abs() / n));
        history.push(change);
        if change < settings.tolerance {
            pops = new;
            converged = true;
            break;
        }
        iterates.push(new.clone());
        pops = new;
        if iterates.len() == NG_PERIOD {
            let mut extrapolated = vec![0.0; pops.len()];
            if ng_extrapolate(&iterates, n_levels, &mut extrapolated) {
                pops = extrapolated;
            }
            iterates.clear();
        }
    }
    let discretisation = Discretisation { rays: rays.len(), steps: rays.iter().map(|r| r.steps.len()).sum(), channels: channels.len() };
    let populations = pops.chunks(n_levels).map(<[f64]>::to_vec).collect();
    Ok(Solution { edges_m: model.edges_m(), populations, iterations: history.len(), converged, history, discretisation })
}

/// The radiative lines of `molecule`, with the background of a blackbody at `tcmb_k`.
fn line_data(molecule: &Molecule, tcmb_k: f64) -> Vec<Line> {
    (0..molecule.n_lines())
        .map(|i| {
            let line = &molecule.lines[i];
            let freq_hz = stop_physics::units::cm1_to_hz(molecule.line_wavenumber_cm1(i));
            Line {
                up: line.up,
                lo: line.lo,
                weight_ratio: molecule.levels[line.up].weight / molecule.levels[line.lo].weight,
                a_ul_s: line.a_ul_s,
                opacity_factor: line.a_ul_s * (C_M_S / freq_hz).powi(3) / (8.0 * std::f64::consts::PI),
                background: if tcmb_k > 0.0 { 1.0 / (stop_physics::planck::hnu_over_k_k(freq_hz) / tcmb_k).exp_m1() } else { 0.0 },
            }
        })
        .collect()
}

impl<'a> LineState<'a> {
    fn new(lines: &'a [Line], channels: Channels, doppler_b_m_s: &'a [f64], model: &SphereModel, pops: &[f64], n_levels: usize) -> Self {
        let mut opacity = Vec::with_capacity(model.shells.len() * lines.len());
        let mut source = Vec::with_capacity(opacity.capacity());
        for (shell, p) in model.shells.iter().zip(pops.chunks(n_levels)) {
            for line in lines {
                let excess = p[line.lo] * line.weight_ratio - p[line.up];
                opacity.push(line.opacity_factor * shell.molecule_density_m3 * excess);
                source.push(if excess == 0.0 { 0.0 } else { p[line.up] / excess });
            }
        }
        Self { lines, channels, doppler_b_m_s, opacity, source }
    }
}

/// J̄ and Λ* of every line in every shell, `[shell * n_lines + line]`, photon occupation units.
fn mean_intensities(rays: &[Ray], volume_m3: &[f64], state: &LineState<'_>) -> (Vec<f64>, Vec<f64>) {
    let n_lines = state.lines.len();
    let width = 2 * n_lines;
    // fixed chunks summed in order: the result does not depend on the number of threads
    let partial: Vec<Vec<f64>> = rays
        .par_chunks(RAYS_PER_TASK)
        .map(|chunk| {
            let mut sums = vec![0.0; volume_m3.len() * width];
            chunk.iter().for_each(|ray| trace(ray, state, &mut sums));
            sums
        })
        .collect();
    let (mut j_bar, mut lambda) = (vec![0.0; volume_m3.len() * n_lines], vec![0.0; volume_m3.len() * n_lines]);
    for sums in &partial {
        for (k, (shell_sums, &volume)) in sums.chunks(width).zip(volume_m3).enumerate() {
            for l in 0..n_lines {
                j_bar[k * n_lines + l] += shell_sums[l] / volume;
                lambda[k * n_lines + l] += shell_sums[n_lines + l] / volume;
            }
        }
    }
    (j_bar, lambda)
}

/// Traces one ray and adds, per shell, its area × the profile-weighted path integrals of I
/// and of the own-shell part per unit S to `sums` (`[shell][J̄ of each line, Λ* of each line]`).
fn trace(ray: &Ray, state: &LineState<'_>, sums: &mut [f64]) {
    let (n_lines, n_ch) = (state.lines.len(), state.channels.len());
    let mut intensity: Vec<f64> = state.lines.iter().flat_map(|l| std::iter::repeat_n(l.background, n_ch)).collect();
    let mut own = vec![0.0; n_lines * n_ch];
    let mut profile = vec![0.0; n_ch];
    let mut current = None;
    for step in &ray.steps {
        if step.shell != current {
            own.fill(0.0);
            current = step.shell;
        }
        let Some(k) = step.shell else { continue };
        let b = state.doppler_b_m_s[k];
        let window = state.channels.window(step.velocity_m_s, b);
        let norm = 1.0 / (b * std::f64::consts::PI.sqrt());
        for f in window.clone() {
            let x = (state.channels.velocity(f) - step.velocity_m_s) / b;
            profile[f] = norm * (-x * x).exp();
        }
        let weight = ray.area_m2 * step.length_m * state.channels.width_m_s;
        for l in 0..n_lines {
            let tau_per_profile = state.opacity[k * n_lines + l] * step.length_m;
            let s = state.source[k * n_lines + l];
            let row = l * n_ch;
            let (mut j_sum, mut own_sum) = (0.0, 0.0);
            for f in window.clone() {
                let tau = tau_per_profile * profile[f];
                let absorbed = -(-tau).exp_m1();
                // (1 − e^{−τ}) / τ: the mean of e^{−τ'} over the step
                let mean_transmission = if tau.abs() > 1e-8 { absorbed / tau } else { 1.0 - 0.5 * tau };
                let (i0, o0) = (intensity[row + f], own[row + f]);
                j_sum += profile[f] * (s + (i0 - s) * mean_transmission);
                own_sum += profile[f] * (1.0 + (o0 - 1.0) * mean_transmission);
                intensity[row + f] = i0 + (s - i0) * absorbed;
                own[row + f] = o0 + (1.0 - o0) * absorbed;
            }
            sums[k * 2 * n_lines + l] += weight * j_sum;
            sums[k * 2 * n_lines + n_lines + l] += weight * own_sum;
        }
    }
}

/// J̄, Λ* and the old S of one shell's lines, photon occupation units.
struct Radiation<'a> {
    j_bar: &'a [f64],
    lambda: &'a [f64],
    source: &'a [f64],
}

/// Work space of the rate equations.
struct RateScratch {
    n: usize,
    matrix: Vec<f64>,
    pivots: Vec<usize>,
}

impl RateScratch {
    fn new(n: usize) -> Self {
        Self { n, matrix: vec![0.0; n * n], pivots: vec![0; n] }
    }

    /// Solves the preconditioned rate equations of one shell into `pops` (sum 1, floored at
    /// [`POPULATION_FLOOR`]); `false` when they are singular. The equation of the ground level
    /// is replaced by the conservation Σ n = 1, so that the small populations of high levels
    /// come from their own balance. `collisions_s[from * n + to]`.
    fn solve(&mut self, lines: &[Line], collisions_s: &[f64], radiation: &Radiation<'_>, pops: &mut [f64]) -> bool {
        let n = self.n;
        // column-major for stop_lvg::linpack: a[col * n + row] is the rate from `col` into `row`
        let a = &mut self.matrix;
        a.fill(0.0);
        for from in 0..n {
            for to in (0..n).filter(|&to| to != from) {
                let rate = collisions_s[from * n + to];
                a[from * n + to] += rate;
                a[from * n + from] -= rate;
            }
        }
        for (l, line) in lines.iter().enumerate() {
            let j_eff = radiation.j_bar[l] - radiation.lambda[l] * radiation.source[l];
            let down = line.a_ul_s * (1.0 - radiation.lambda[l] + j_eff);
            let up = line.weight_ratio * line.a_ul_s * j_eff;
            a[line.up * n + line.lo] += down;
            a[line.up * n + line.up] -= down;
            a[line.lo * n + line.up] += up;
            a[line.lo * n + line.lo] -= up;
        }
        for col in 0..n {
            a[col * n] = 1.0;
        }
        if stop_lvg::linpack::factor(a, n, &mut self.pivots).is_err() {
            return false;
        }
        pops.fill(0.0);
        pops[0] = 1.0;
        stop_lvg::linpack::solve(a, n, &self.pivots, pops);
        if !pops.iter().all(|p| p.is_finite()) {
            return false;
        }
        pops.iter_mut().for_each(|p| *p = p.max(POPULATION_FLOOR));
        let total: f64 = pops.iter().sum();
        pops.iter_mut().for_each(|p| *p /= total);
        true
    }
}
