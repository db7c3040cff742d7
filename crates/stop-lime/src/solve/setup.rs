//! Everything the iteration needs that does not change: the mesh, the molecule and its line
//! constants and, per grid point, line width, velocity, line and dust opacity scales and the
//! collision partners' densities and temperature (the rates are computed from them when
//! needed, [`SolverSetup::collision_rates_of`]).

use crate::grid::delaunay::Neighbours;
use crate::solve::error::SolveError;
use crate::transport::dust::{AMU_KG, DustOpacity, dust_mass_density_kg_m3};
use stop_model::{LineWidth, PhysicalModel, Position};
use stop_molecule::{Molecule, PartnerDensities};
use stop_physics::constants::{C_CM_S, C_M_S, K_ERG_K};
use stop_physics::planck::hnu_over_k_k;

/// The geometry the solver walks: positions, sink flags and Delaunay neighbours.
#[derive(Debug, Clone, Copy)]
pub struct Mesh<'a> {
    /// Point positions, m.
    pub positions_m: &'a [[f64; 3]],
    /// Boundary points (photons stop there and see the CMB).
    pub is_sink: &'a [bool],
    /// Delaunay neighbours of every point.
    pub neighbours: &'a Neighbours,
}

/// Constants of one radiative line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineConstants {
    /// Upper level.
    pub up: usize,
    /// Lower level.
    pub lo: usize,
    /// g_u / g_l.
    pub weight_ratio: f64,
    /// Einstein A, s⁻¹.
    pub a_ul_s: f64,
    /// Frequency from the level energies, Hz.
    pub freq_hz: f64,
    /// The background (CMB) in photon-occupation units, `1 / (exp(hν/kT_cmb) − 1)`.
    pub background: f64,
}

/// Dust settings for [`SolverSetup::new`].
#[derive(Debug, Clone)]
pub struct DustInput<'a> {
    /// κ(λ).
    pub opacity: &'a DustOpacity,
    /// Gas-to-dust mass ratio.
    pub gas_to_dust: f64,
}

/// Static per-point data, and the model itself: photon paths integrate the molecule and gas
/// densities and the velocity of the model along each segment (see
/// [`crate::transport::photons`]). Intensities are in photon-occupation units (I c² / 2hν³), so the
/// radiative rates are `A_ul (1 + J)` down and `(g_u/g_l) A_ul J` up.
#[derive(Clone)]
pub struct SolverSetup<'a> {
    /// The mesh.
    pub mesh: Mesh<'a>,
    /// The physical model.
    pub model: &'a dyn PhysicalModel,
    /// Molecule density per point, m⁻³.
    pub molecule_density_m3: Vec<f64>,
    /// Total gas (partner) density per point, m⁻³.
    pub gas_density_m3: Vec<f64>,
    /// Number of levels.
    pub n_levels: usize,
    /// Line constants.
    pub lines: Vec<LineConstants>,
    /// Total Doppler b per point, m/s (0 at sinks).
    pub doppler_b_m_s: Vec<f64>,
    /// Velocity per point, m/s.
    pub velocity_m_s: Vec<[f64; 3]>,
    /// Line opacity scale per point and line, `κ0 = n_mol A_ul λ³ / (8 π^{3/2} b)`, m⁻¹:
    /// α = κ0 (p_l g_u/g_l − p_u) Φ and j = κ0 p_u Φ (`lime-algorithm.md` §3.2 step 6 with
    /// B_ul = A_ul c² / 2hν³, divided by 2hν³/c²). Indexed `[point * n_lines + line]`.
    pub kappa0_m: Vec<f64>,
    /// Dust absorption coefficient per point and line, m⁻¹.
    pub dust_alpha_m: Vec<f64>,
    /// Dust source function per point and line (Planck at T_dust, occupation units).
    pub dust_source: Vec<f64>,
    /// The molecule, for the collision rates ([`SolverSetup::collision_rates_of`]).
    pub molecule: Molecule,
    /// Collision-partner densities per point, cm⁻³ (all zero at sinks). The rates are
    /// computed from them when a point's statistical equilibrium is solved instead of being
    /// kept: n_levels² values per point would be the largest array of a run (31 levels,
    /// 4000 points: 31 MB).
    pub partner_densities_cm3: Vec<PartnerDensities>,
    /// Gas kinetic temperature per point, K.
    pub tkin_k: Vec<f64>,
    /// How the photons' velocities are drawn (default: from the line profile alone).
    pub wing_photons: crate::transport::photons::WingPhotons,
}

/// Photon occupation number of a black body, `1 / (exp(hν/kT) − 1)` (0 for T ≤ 0).
#[must_use]
pub fn planck_occupation(freq_hz: f64, t_k: f64) -> f64 {
    if t_k <= 0.0 { 0.0 } else { 1.0 / (hnu_over_k_k(freq_hz) / t_k).exp_m1() }
}

impl<'a> SolverSetup<'a> {
    /// Evaluates the model at every non-sink point.
    ///
    /// # Errors
    /// [`SolveError::GridMismatch`] for inconsistent mesh arrays; [`SolveError::BadField`] for
    /// a negative or non-finite density, a non-positive temperature or b at a point with
    /// molecules; [`SolveError::Molecule`] when the rates cannot be computed.
    pub fn new(
        mesh: Mesh<'a>,
        model: &'a dyn PhysicalModel,
        molecule: &Molecule,
        tcmb_k: f64,
        dust: Option<&DustInput<'_>>,
    ) -> Result<Self, SolveError> {
        let n_points = mesh.positions_m.len();
        for (n_other, what) in [(mesh.is_sink.len(), "sink flags"), (mesh.neighbours.n_points(), "neighbour lists")] {
            if n_other != n_points {
                return Err(SolveError::GridMismatch { n_positions: n_points, n_other, what });
            }
        }
        let n_levels = molecule.n_levels();
        let lines: Vec<LineConstants> = (0..molecule.n_lines())
            .map(|i_line| {
                let line = &molecule.lines[i_line];
                let freq_hz = molecule.line_wavenumber_cm1(i_line) * C_CM_S;
                LineConstants {
                    up: line.up,
                    lo: line.lo,
                    weight_ratio: molecule.levels[line.up].weight / molecule.levels[line.lo].weight,
                    a_ul_s: line.a_ul_s,
                    freq_hz,
                    background: planck_occupation(freq_hz, tcmb_k),
                }
            })
            .collect();
        let n_lines = lines.len();
        let mut setup = Self {
            mesh,
            model,
            molecule_density_m3: vec![0.0; n_points],
            gas_density_m3: vec![0.0; n_points],
            n_levels,
            doppler_b_m_s: vec![0.0; n_points],
            velocity_m_s: vec![[0.0; 3]; n_points],
            kappa0_m: vec![0.0; n_points * n_lines],
            dust_alpha_m: vec![0.0; n_points * n_lines],
            dust_source: vec![0.0; n_points * n_lines],
            molecule: molecule.clone(),
            partner_densities_cm3: vec![PartnerDensities::default(); n_points],
            tkin_k: vec![0.0; n_points],
            lines,
            wing_photons: crate::transport::photons::WingPhotons::default(),
        };
        // 2k / m_mol in m² s⁻² K⁻¹ (k in J/K = 1e-7 erg/K)
        let two_k_over_m = 2.0 * K_ERG_K * 1e-7 / (molecule.weight_amu * AMU_KG);
        let pi_32 = std::f64::consts::PI.powf(1.5);
        for i in (0..n_points).filter(|&i| !mesh.is_sink[i]) {
            let [x, y, z] = mesh.positions_m[i];
            let f = model.fields(&Position::new(x, y, z));
            let bad = |field, value, expected| SolveError::BadField { point: i, field, value, expected };
            if let Some(&d) = f.density_m3.iter().find(|d| !(d.is_finite() && **d >= 0.0)) {
                return Err(bad("density_m3", d, "finite and >= 0"));
            }
            if !(f.tkin_k.is_finite() && f.tkin_k > 0.0) {
                return Err(bad("tkin_k", f.tkin_k, "a positive temperature"));
            }
            let n_mol = f.molecule_density_m3;
            if !(n_mol.is_finite() && n_mol >= 0.0) {
                return Err(bad("molecule_density_m3", n_mol, "finite and >= 0"));
            }
            let b2 = match model.line_width() {
                LineWidth::Total => f.doppler_b_m_s * f.doppler_b_m_s,
                LineWidth::TurbulentPlusThermal => f.doppler_b_m_s * f.doppler_b_m_s + two_k_over_m * f.tkin_k,
            };
            let b = b2.sqrt();
            if !(b.is_finite() && b > 0.0) {
                return Err(bad("doppler_b_m_s", f.doppler_b_m_s, "a positive line width"));
            }
            setup.doppler_b_m_s[i] = b;
            setup.velocity_m_s[i] = f.velocity_m_s;
            setup.tkin_k[i] = f.tkin_k;
            setup.molecule_density_m3[i] = n_mol;
            setup.gas_density_m3[i] = f.total_density_m3();
            for (i_line, line) in setup.lines.iter().enumerate() {
                let lambda_m = C_M_S / line.freq_hz;
                setup.kappa0_m[i * n_lines + i_line] = n_mol * line.a_ul_s * lambda_m.powi(3) / (8.0 * pi_32 * b);
                if let Some(dust) = dust {
                    let rho_dust = dust_mass_density_kg_m3(&f.density_m3, dust.gas_to_dust);
                    setup.dust_alpha_m[i * n_lines + i_line] = dust.opacity.kappa_m2_kg(line.freq_hz) * rho_dust;
                    setup.dust_source[i * n_lines + i_line] = planck_occupation(line.freq_hz, f.tdust_k);
                }
            }
            let densities_cm3 = PartnerDensities(f.density_m3.map(|d| d * 1e-6));
            if densities_cm3.0.iter().any(|&d| d > 0.0) {
                // computed here once to report a failure now; kept are only the inputs
                molecule.collision_rates(f.tkin_k, &densities_cm3).map_err(|source| SolveError::Molecule { point: i, source })?;
            }
            setup.partner_densities_cm3[i] = densities_cm3;
        }
        Ok(setup)
    }

    /// Number of points (interior and sinks).
    #[must_use]
    pub fn n_points(&self) -> usize {
        self.mesh.positions_m.len()
    }

    /// Number of radiative lines.
    #[must_use]
    pub fn n_lines(&self) -> usize {
        self.lines.len()
    }

    /// Collision rates of point `i`, `[from * n + to]`, s⁻¹, into `out` (all zero without
    /// partners): the same call with the same inputs as in [`SolverSetup::new`], so the same
    /// bits.
    ///
    /// # Errors
    /// [`SolveError::Molecule`] as in [`SolverSetup::new`], which has already made this call
    /// for every interior point with partners, so not for those.
    pub fn collision_rates_of(&self, i: usize, out: &mut Vec<f64>) -> Result<(), SolveError> {
        out.clear();
        let densities = &self.partner_densities_cm3[i];
        if densities.0.iter().any(|&d| d > 0.0) {
            let rates = self.molecule.collision_rates(self.tkin_k[i], densities).map_err(|source| SolveError::Molecule { point: i, source })?;
            out.extend_from_slice(rates.as_slice());
        } else {
            out.resize(self.n_levels * self.n_levels, 0.0);
        }
        Ok(())
    }
}
