//! Collision rates of one model as RADEX assembles them (escape-probability.md §4): RADEX's
//! thermal ortho/para split of a total-H2 density, per-partner linear interpolation in T,
//! accumulation in LAMDA-id then file order, detailed balance, and the total loss rates.

use stop_molecule::{PartnerDensities, PartnerKind};
use stop_physics::radex_legacy::{EPS, H2_ORTHO_PARA_DE_K_F32, HC_OVER_K_CM_K, MAX_EXPONENT};

use crate::error::LvgError;
use crate::model::{ModelParams, Problem};
use crate::radex::RadexProcess;

/// Collision data of one model, reused between models to avoid allocation.
#[derive(Debug, Clone, Default)]
pub struct CollisionSetup {
    /// Partner densities actually used (after the ortho/para split), cm⁻³.
    pub densities_used: PartnerDensities,
    /// The thermal ortho/para ratio when RADEX's split was applied.
    pub thermal_opr: Option<f64>,
    /// Sum of all partner densities (split ones included), cm⁻³; enters only RADEX's
    /// −1e-30·n_tot matrix offset.
    pub total_density_cm3: f64,
    /// Rates `rates_s[from * n + to]`, s⁻¹.
    pub rates_s: Vec<f64>,
    /// Total loss rate of each level, Σ_j C_ij (left-to-right), s⁻¹.
    pub loss_s: Vec<f64>,
    /// Scratch for one partner's interpolated rate coefficients.
    scratch_k: Vec<f64>,
}

impl CollisionSetup {
    /// Fill the collision data of `model` for `problem`. With `process`, RADEX's rate
    /// tables left over from earlier models of the same run are emulated (see
    /// [`RadexProcess`]).
    ///
    /// # Errors
    /// [`LvgError::NoRatesForPartners`] when no partner with a density has rates.
    pub fn fill(
        &mut self,
        problem: &Problem,
        model: &ModelParams,
        process: Option<&mut RadexProcess>,
    ) -> Result<(), LvgError> {
        let molecule = &problem.molecule;
        let n = problem.n_levels();
        let tkin_k = model.tkin_k;
        let mut d = model.densities;
        self.thermal_opr = None;
        let (h2, para, ortho) = (PartnerKind::H2, PartnerKind::ParaH2, PartnerKind::OrthoH2);
        if molecule.partners.len() > 1 && d.get(h2) > EPS && d.get(para) < EPS && d.get(ortho) < EPS
        {
            // opr = min(3, 9 exp(−170.6/T)) (escape-probability.md §4)
            let opr = f64::min(3.0, 9.0 * (-H2_ORTHO_PARA_DE_K_F32 / tkin_k).exp());
            d.set(para, d.get(h2) / (opr + 1.0));
            d.set(ortho, d.get(h2) / (1.0 + 1.0 / opr));
            self.thermal_opr = Some(opr);
        }
        self.densities_used = d;
        self.total_density_cm3 = d.0.iter().fold(0.0, |sum, &x| sum + x);

        self.rates_s.clear();
        self.rates_s.resize(n * n, 0.0);
        let found = match process {
            None => self.accumulate(problem, tkin_k, &d),
            Some(process) => {
                process.record(problem, tkin_k, &mut self.scratch_k);
                self.accumulate_with_stale(problem, process, &d)
            }
        };
        if !found {
            let available: Vec<&str> = molecule.partners.iter().map(|p| p.kind.name()).collect();
            return Err(LvgError::NoRatesForPartners {
                available: available.join(", "),
            });
        }
        // detailed balance, C_lu = (g_u/g_l) exp(−c₂ΔE/T) C_ul (van der Tak et al. 2007, eq. 5)
        let levels = &molecule.levels;
        for up in 0..n {
            for lo in 0..n {
                let ediff = levels[up].energy_cm1 - levels[lo].energy_cm1;
                if ediff > 0.0 {
                    self.rates_s[lo * n + up] = if HC_OVER_K_CM_K * ediff / tkin_k >= MAX_EXPONENT {
                        0.0
                    } else {
                        levels[up].weight / levels[lo].weight
                            * (-HC_OVER_K_CM_K * ediff / tkin_k).exp()
                            * self.rates_s[up * n + lo]
                    };
                }
            }
        }
        self.loss_s.clear();
        for from in 0..n {
            let row = &self.rates_s[from * n..(from + 1) * n];
            self.loss_s.push(row.iter().fold(0.0, |sum, &c| c + sum));
        }
        Ok(())
    }
}

impl CollisionSetup {
    /// C_ul = Σ_p n_p K_p,ul in LAMDA-id order, blocks in file order; false when no block
    /// has a density.
    fn accumulate(&mut self, problem: &Problem, tkin_k: f64, d: &PartnerDensities) -> bool {
        let n = problem.n_levels();
        let mut found = false;
        for kind in PartnerKind::ALL {
            let density_cm3 = d.get(kind);
            if density_cm3 <= 0.0 {
                continue;
            }
            for partner in problem.molecule.partners.iter().filter(|p| p.kind == kind) {
                found = true;
                partner.downward_rates_at(tkin_k, &mut self.scratch_k);
                for (trans, &k) in partner.transitions.iter().zip(&self.scratch_k) {
                    let cell = &mut self.rates_s[trans.up * n + trans.lo];
                    *cell += density_cm3 * k;
                }
            }
        }
        found
    }

    /// As [`Self::accumulate`], from RADEX's per-block tables: the file's blocks with their
    /// partner, then the blocks left from earlier files, counted as H2 (id 1).
    fn accumulate_with_stale(
        &mut self,
        problem: &Problem,
        process: &RadexProcess,
        d: &PartnerDensities,
    ) -> bool {
        let n = problem.n_levels();
        let partners = &problem.molecule.partners;
        let mut found = false;
        for kind in PartnerKind::ALL {
            let density_cm3 = d.get(kind);
            if density_cm3 <= 0.0 {
                continue;
            }
            let current = partners
                .iter()
                .enumerate()
                .filter(|(_, p)| p.kind == kind)
                .map(|(j, _)| j);
            let stale = (partners.len()..process.n_blocks()).filter(|_| kind == PartnerKind::H2);
            for block in current.chain(stale) {
                found = true;
                for up in 0..n {
                    for lo in 0..n {
                        let cell = &mut self.rates_s[up * n + lo];
                        *cell += density_cm3 * process.rate(block, up, lo);
                    }
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escape::Geometry;

    fn model(densities: PartnerDensities, tkin_k: f64) -> ModelParams {
        ModelParams {
            tkin_k,
            densities,
            tbg_k: 2.73,
            column_cm2: 1e13,
            fwhm_km_s: 1.0,
            geometry: Geometry::Sphere,
        }
    }

    #[test]
    fn total_h2_is_split_thermally_for_co() {
        let problem =
            Problem::new(stop_molecule::shipped("co").expect("co ships")).expect("co is valid");
        let mut d = PartnerDensities::default();
        d.set(PartnerKind::H2, 1e4);
        let mut setup = CollisionSetup::default();
        setup
            .fill(&problem, &model(d, 30.0), None)
            .expect("co has H2 rates");
        // models.tsv m00033-like header: 9.704E+03 para, 2.961E+02 ortho at 30 K
        let used = setup.densities_used;
        assert!((used.get(PartnerKind::ParaH2) / 9.704e3 - 1.0).abs() < 1e-4);
        assert!((used.get(PartnerKind::OrthoH2) / 2.961e2 - 1.0).abs() < 1e-3);
        assert_eq!(
            setup.total_density_cm3,
            1e4 + used.get(PartnerKind::ParaH2) + used.get(PartnerKind::OrthoH2)
        );
    }

    #[test]
    fn detailed_balance_and_loss_rates() {
        let problem =
            Problem::new(stop_molecule::shipped("hco+").expect("hco+ ships")).expect("valid");
        let mut d = PartnerDensities::default();
        d.set(PartnerKind::H2, 1e5);
        let mut setup = CollisionSetup::default();
        setup.fill(&problem, &model(d, 50.0), None).expect("rates");
        let n = problem.n_levels();
        let levels = &problem.molecule.levels;
        let (u, l) = (3, 1);
        let boltzmann = levels[u].weight / levels[l].weight
            * (-HC_OVER_K_CM_K * (levels[u].energy_cm1 - levels[l].energy_cm1) / 50.0).exp();
        let ratio = setup.rates_s[l * n + u] / setup.rates_s[u * n + l];
        assert!((ratio / boltzmann - 1.0).abs() < 1e-14);
        let sum: f64 = setup.rates_s[..n].iter().sum();
        assert!((setup.loss_s[0] / sum - 1.0).abs() < 1e-14);
    }
}
