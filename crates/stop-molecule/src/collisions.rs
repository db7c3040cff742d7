//! Collision partners, temperature interpolation of rate coefficients and detailed balance.
//!
//! The interpolation follows RADEX (`../shared/docs/escape-probability.md` §4): linear in
//! T and in K between the two bracketing table temperatures, clamped to the first or last
//! column outside the table (no extrapolation); a negative interpolated value falls back
//! to the lower node. Upward rates come from detailed balance,
//! C_lu = (g_u/g_l) exp(−(E_u − E_l)/kT) C_ul (van der Tak et al. 2007, eq. 5).

use serde::Serialize;

use crate::error::MoleculeError;
use crate::molecule::Molecule;

/// The seven LAMDA collision partners, with their LAMDA ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum PartnerKind {
    /// Molecular hydrogen, total (id 1).
    H2,
    /// Para-H2 (id 2).
    ParaH2,
    /// Ortho-H2 (id 3).
    OrthoH2,
    /// Electrons (id 4).
    Electron,
    /// Atomic hydrogen (id 5).
    H,
    /// Helium (id 6).
    He,
    /// Protons (id 7).
    HPlus,
}

impl PartnerKind {
    /// All kinds in LAMDA id order.
    pub const ALL: [PartnerKind; 7] = [
        PartnerKind::H2,
        PartnerKind::ParaH2,
        PartnerKind::OrthoH2,
        PartnerKind::Electron,
        PartnerKind::H,
        PartnerKind::He,
        PartnerKind::HPlus,
    ];

    /// The LAMDA id (1–7).
    #[must_use]
    pub fn lamda_id(self) -> u8 {
        match self {
            PartnerKind::H2 => 1,
            PartnerKind::ParaH2 => 2,
            PartnerKind::OrthoH2 => 3,
            PartnerKind::Electron => 4,
            PartnerKind::H => 5,
            PartnerKind::He => 6,
            PartnerKind::HPlus => 7,
        }
    }

    /// The kind of a LAMDA id.
    #[must_use]
    pub fn from_lamda_id(id: u8) -> Option<Self> {
        Self::ALL.get(usize::from(id).checked_sub(1)?).copied()
    }

    /// Short name used in inputs and outputs: `h2`, `p-h2`, `o-h2`, `e`, `h`, `he`, `h+`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            PartnerKind::H2 => "h2",
            PartnerKind::ParaH2 => "p-h2",
            PartnerKind::OrthoH2 => "o-h2",
            PartnerKind::Electron => "e",
            PartnerKind::H => "h",
            PartnerKind::He => "he",
            PartnerKind::HPlus => "h+",
        }
    }

    /// Parse a partner name (case-insensitive): `h2`, `p-h2`/`ph2`/`para-h2`, `o-h2`/`oh2`/
    /// `ortho-h2`, `e`/`electrons`, `h`, `he`, `h+`/`p`... returns `None` when unknown.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "h2" => Some(PartnerKind::H2),
            "p-h2" | "ph2" | "para-h2" | "p_h2" | "pH2" => Some(PartnerKind::ParaH2),
            "o-h2" | "oh2" | "ortho-h2" | "o_h2" => Some(PartnerKind::OrthoH2),
            "e" | "e-" | "electron" | "electrons" => Some(PartnerKind::Electron),
            "h" => Some(PartnerKind::H),
            "he" => Some(PartnerKind::He),
            "h+" | "proton" | "protons" => Some(PartnerKind::HPlus),
            _ => None,
        }
    }

    /// Index 0–6 in LAMDA id order, for arrays indexed by kind.
    #[must_use]
    pub fn index(self) -> usize {
        usize::from(self.lamda_id() - 1)
    }
}

/// Where a kinetic temperature falls in a partner's rate table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TableRange {
    /// Below the first tabulated temperature: the first column is used.
    Below,
    /// Inside the table (or on its edges).
    Inside,
    /// Above the last tabulated temperature: the last column is used.
    Above,
}

/// A downward collisional transition of one partner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollisionTransition {
    /// Upper level, 0-based.
    pub up: usize,
    /// Lower level, 0-based.
    pub lo: usize,
}

/// One collision-partner block of a LAMDA file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollisionPartner {
    /// Which partner.
    pub kind: PartnerKind,
    /// The text after the id on the partner line (reference of the rates).
    pub description: String,
    /// Tabulated temperatures, K, strictly increasing.
    pub temperatures_k: Vec<f64>,
    /// Transitions, in file order.
    pub transitions: Vec<CollisionTransition>,
    /// Rate coefficients, cm³ s⁻¹, row-major: `rates_cm3_s[i_trans * n_temps + i_temp]`.
    pub rates_cm3_s: Vec<f64>,
}

impl CollisionPartner {
    /// Rate coefficients of transition `i_trans` at all tabulated temperatures.
    #[must_use]
    pub fn rates_of(&self, i_trans: usize) -> &[f64] {
        let n_temps = self.temperatures_k.len();
        &self.rates_cm3_s[i_trans * n_temps..(i_trans + 1) * n_temps]
    }

    /// Where `tkin_k` falls in the table.
    #[must_use]
    pub fn table_range(&self, tkin_k: f64) -> TableRange {
        let (first, last) = (self.temperatures_k[0], self.temperatures_k[self.temperatures_k.len() - 1]);
        if tkin_k < first {
            TableRange::Below
        } else if tkin_k > last {
            TableRange::Above
        } else {
            TableRange::Inside
        }
    }

    /// Downward rate coefficients of every transition at `tkin_k`, cm³ s⁻¹, interpolated as
    /// RADEX does (module docs), written into `out` (cleared first).
    ///
    /// ```
    /// let co = stop_molecule::shipped("co").unwrap();
    /// let para = &co.partners[0];
    /// let mut k = Vec::new();
    /// para.downward_rates_at(10.0, &mut k); // 10 K is a table node
    /// assert_eq!(k[0], para.rates_of(0)[2]);
    /// para.downward_rates_at(1.0, &mut k); // below the table: first column
    /// assert_eq!(k[0], para.rates_of(0)[0]);
    /// ```
    pub fn downward_rates_at(&self, tkin_k: f64, out: &mut Vec<f64>) {
        out.clear();
        let temps = &self.temperatures_k;
        let n_temps = temps.len();
        let bracket = match self.table_range(tkin_k) {
            _ if n_temps == 1 => None,
            TableRange::Below => None,
            TableRange::Above => None,
            TableRange::Inside if tkin_k <= temps[0] || tkin_k >= temps[n_temps - 1] => None,
            TableRange::Inside => {
                // i with T_i < T <= T_{i+1}
                let i = temps.partition_point(|&t| t < tkin_k) - 1;
                Some((i, (tkin_k - temps[i]) / (temps[i + 1] - temps[i])))
            }
        };
        // at or beyond the last node: the last column itself (not K_i + 1·(K_n − K_i))
        let column = if tkin_k >= temps[n_temps - 1] { n_temps - 1 } else { 0 };
        for i_trans in 0..self.transitions.len() {
            let k = self.rates_of(i_trans);
            out.push(match bracket {
                None => k[column],
                Some((i, f)) => {
                    let value = k[i] + f * (k[i + 1] - k[i]);
                    if value < 0.0 { k[i] } else { value }
                }
            });
        }
    }
}

/// Densities of the seven collision partners, cm⁻³, indexed by [`PartnerKind::index`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PartnerDensities(pub [f64; 7]);

impl PartnerDensities {
    /// Density of one partner, cm⁻³.
    #[must_use]
    pub fn get(&self, kind: PartnerKind) -> f64 {
        self.0[kind.index()]
    }

    /// Set the density of one partner, cm⁻³.
    pub fn set(&mut self, kind: PartnerKind, density_cm3: f64) {
        self.0[kind.index()] = density_cm3;
    }
}

/// Collision rates between all level pairs at one kinetic temperature, s⁻¹.
#[derive(Debug, Clone, PartialEq)]
pub struct CollisionRates {
    n_levels: usize,
    /// `rates_s[from * n + to]`.
    rates_s: Vec<f64>,
}

impl CollisionRates {
    /// Rate from level `from` to level `to`, s⁻¹ (0-based levels).
    #[must_use]
    pub fn rate_s(&self, from: usize, to: usize) -> f64 {
        self.rates_s[from * self.n_levels + to]
    }

    /// Number of levels.
    #[must_use]
    pub fn n_levels(&self) -> usize {
        self.n_levels
    }

    /// All rates, row-major `[from * n + to]`, s⁻¹.
    #[must_use]
    pub fn as_slice(&self) -> &[f64] {
        &self.rates_s
    }
}

impl Molecule {
    /// Total downward rates from every partner block whose partner has a non-zero density,
    /// summed in LAMDA id order then file order (RADEX's order), and upward rates from
    /// detailed balance with the given second radiation constant `hc_over_k_cm_k`.
    ///
    /// Pairs of equal energy keep what the file lists. A pair whose Boltzmann exponent is
    /// 160 or more gets an upward rate of 0 (escape-probability.md §4).
    ///
    /// # Errors
    /// [`MoleculeError::NoRatesForPartners`] when no partner with a density has rates;
    /// [`MoleculeError::BadInput`] for a non-positive or non-finite temperature or a negative
    /// or non-finite density.
    pub fn collision_rates_with(
        &self,
        tkin_k: f64,
        densities: &PartnerDensities,
        hc_over_k_cm_k: f64,
    ) -> Result<CollisionRates, MoleculeError> {
        if !(tkin_k.is_finite() && tkin_k > 0.0) {
            return Err(MoleculeError::BadInput { name: "tkin_k", value: tkin_k, expected: "a positive temperature" });
        }
        for &d in &densities.0 {
            if !(d.is_finite() && d >= 0.0) {
                return Err(MoleculeError::BadInput { name: "density_cm3", value: d, expected: "a finite density >= 0" });
            }
        }
        let n = self.n_levels();
        let mut rates_s = vec![0.0; n * n];
        let mut k = Vec::new();
        let mut any = false;
        for kind in PartnerKind::ALL {
            let density_cm3 = densities.get(kind);
            if density_cm3 <= 0.0 {
                continue;
            }
            for partner in self.partners.iter().filter(|p| p.kind == kind) {
                any = true;
                partner.downward_rates_at(tkin_k, &mut k);
                for (trans, &rate) in partner.transitions.iter().zip(&k) {
                    rates_s[trans.up * n + trans.lo] += density_cm3 * rate;
                }
            }
        }
        if !any {
            let available: Vec<&str> = self.partners.iter().map(|p| p.kind.name()).collect();
            return Err(MoleculeError::NoRatesForPartners { available: available.join(", ") });
        }
        // detailed balance (van der Tak et al. 2007, eq. 5)
        for i in 0..n {
            for j in 0..n {
                let (ei, ej) = (self.levels[i].energy_cm1, self.levels[j].energy_cm1);
                if ei > ej {
                    let exponent = hc_over_k_cm_k * (ei - ej) / tkin_k;
                    rates_s[j * n + i] = if exponent >= 160.0 {
                        0.0
                    } else {
                        self.levels[i].weight / self.levels[j].weight * (-exponent).exp() * rates_s[i * n + j]
                    };
                }
            }
        }
        Ok(CollisionRates { n_levels: n, rates_s })
    }

    /// [`Molecule::collision_rates_with`] with the CODATA 2018 hc/k.
    ///
    /// # Errors
    /// As [`Molecule::collision_rates_with`].
    pub fn collision_rates(&self, tkin_k: f64, densities: &PartnerDensities) -> Result<CollisionRates, MoleculeError> {
        self.collision_rates_with(tkin_k, densities, stop_physics::constants::HC_OVER_K_CM_K)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn co() -> Molecule {
        crate::shipped("co").expect("co ships with STOP")
    }

    #[test]
    fn detailed_balance_holds_to_1e_12() {
        let co = co();
        let mut densities = PartnerDensities::default();
        densities.set(PartnerKind::ParaH2, 2.5e3);
        densities.set(PartnerKind::OrthoH2, 7.5e3);
        for &tkin_k in &[3.7, 10.0, 47.3, 300.0, 2500.0] {
            let rates = co.collision_rates(tkin_k, &densities).expect("co has H2 rates");
            let mut checked = 0;
            for u in 0..co.n_levels() {
                for l in 0..u {
                    let (up, lo) = (&co.levels[u], &co.levels[l]);
                    let down = rates.rate_s(u, l);
                    let boltzmann = up.weight / lo.weight * (-(up.energy_k() - lo.energy_k()) / tkin_k).exp();
                    let exponent = (up.energy_k() - lo.energy_k()) / tkin_k;
                    if exponent >= 160.0 {
                        // escape-probability.md §4: upward rate set to 0 beyond e^-160
                        assert_eq!(rates.rate_s(l, u), 0.0);
                    } else if boltzmann * down > 1e-300 {
                        // g_l C_lu e^{-E_l/kT} = g_u C_ul e^{-E_u/kT}, divided by e^{-E_l/kT}
                        let balance = lo.weight * rates.rate_s(l, u) / (up.weight * down * (-exponent).exp());
                        assert!((balance - 1.0).abs() < 1e-12, "T={tkin_k} {u}->{l}: {balance}");
                        checked += 1;
                    }
                }
            }
            assert!(checked > 100, "T={tkin_k}: only {checked} pairs checked");
        }
    }

    #[test]
    fn interpolation_is_linear_between_nodes_and_clamped_outside() {
        let co = co();
        let para = &co.partners[0];
        let temps = &para.temperatures_k; // 2, 5, 10, 20 ...
        let mut k = Vec::new();
        para.downward_rates_at(15.0, &mut k);
        let row = para.rates_of(3);
        let f = (15.0 - temps[2]) / (temps[3] - temps[2]);
        assert_eq!(k[3], row[2] + f * (row[3] - row[2]));
        para.downward_rates_at(1e5, &mut k);
        assert_eq!(k[3], row[row.len() - 1]);
        // exactly the last node: the last column bit for bit
        para.downward_rates_at(temps[temps.len() - 1], &mut k);
        assert!(k.iter().enumerate().all(|(i, &v)| v == para.rates_of(i)[temps.len() - 1]));
        assert_eq!(para.table_range(1e5), TableRange::Above);
        assert_eq!(para.table_range(1.0), TableRange::Below);
    }

    #[test]
    fn rates_scale_with_density_and_sum_over_partners() {
        let co = co();
        let mut para_only = PartnerDensities::default();
        para_only.set(PartnerKind::ParaH2, 1e4);
        let mut both = para_only;
        both.set(PartnerKind::OrthoH2, 1e4);
        let a = co.collision_rates(40.0, &para_only).expect("rates");
        let b = co.collision_rates(40.0, &both).expect("rates");
        let mut k_ortho = Vec::new();
        co.partners[1].downward_rates_at(40.0, &mut k_ortho);
        let expected = a.rate_s(1, 0) + 1e4 * k_ortho[0];
        assert!((b.rate_s(1, 0) / expected - 1.0).abs() < 1e-15);
    }

    #[test]
    fn no_matching_partner_is_an_error() {
        let co = co();
        let mut e_only = PartnerDensities::default();
        e_only.set(PartnerKind::Electron, 10.0);
        assert!(matches!(co.collision_rates(20.0, &e_only), Err(MoleculeError::NoRatesForPartners { .. })));
    }
}
