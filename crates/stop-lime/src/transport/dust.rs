//! Dust continuum: opacity table and the dust mass density of a point.
//!
//! LIME (`lime-algorithm.md` §1) reads κ(λ) in cm² per gram of dust, fits a cubic spline in
//! log–log and extrapolates linearly in log–log. STOP interpolates **linearly** in log–log
//! inside the table (a documented difference: between two table points the spline and the
//! chord differ by the table's curvature, below 1 % for smooth tables such as Ossenkopf &
//! Henning 1994) and extrapolates like LIME.

use crate::solve::error::SolveError;
use std::path::Path;
use stop_molecule::PartnerKind;

/// Mass of each collision partner in amu, indexed by [`PartnerKind::index`]
/// (H2 as LIME's 2.0159; e, H, He, H+ from CODATA 2018 / IUPAC 2013 atomic weights).
pub const PARTNER_MASS_AMU: [f64; 7] = [2.0159, 2.0159, 2.0159, 5.485_799e-4, 1.007_94, 4.002_602, 1.007_276];

/// Atomic mass unit, kg (CODATA 2018, from `stop_physics::constants::AMU_G`).
pub const AMU_KG: f64 = stop_physics::constants::AMU_G * 1e-3;

/// A dust opacity law κ(λ), tabulated.
#[derive(Debug, Clone, PartialEq)]
pub struct DustOpacity {
    log_lambda_m: Vec<f64>,
    log_kappa_m2_kg: Vec<f64>,
}

impl DustOpacity {
    /// Reads a two-column table: wavelength (µm), κ (cm² g⁻¹); `#`/`!` lines are comments.
    ///
    /// # Errors
    /// [`SolveError::Io`] if unreadable, [`SolveError::BadOpacityTable`] naming the line for a
    /// row that is not two positive numbers, for unsorted wavelengths, or for fewer than 2 rows.
    pub fn read(path: &Path) -> Result<Self, SolveError> {
        let text = std::fs::read_to_string(path).map_err(|source| SolveError::Io { path: path.to_path_buf(), source })?;
        let bad = |line: usize, message: String| SolveError::BadOpacityTable { path: path.to_path_buf(), line, message };
        let mut table = Self { log_lambda_m: Vec::new(), log_kappa_m2_kg: Vec::new() };
        for (i_line, raw) in text.lines().enumerate() {
            let row = raw.trim();
            if row.is_empty() || row.starts_with('#') || row.starts_with('!') {
                continue;
            }
            let values: Vec<f64> = row.split_whitespace().map_while(|w| w.parse().ok()).collect();
            if values.len() < 2 || values[0] <= 0.0 || values[1] <= 0.0 {
                return Err(bad(i_line + 1, format!("expected two positive numbers, found `{row}`")));
            }
            let log_lambda_m = (values[0] * 1e-6).log10();
            if table.log_lambda_m.last().is_some_and(|&last| log_lambda_m <= last) {
                return Err(bad(i_line + 1, format!("wavelength `{}` µm is not increasing", values[0])));
            }
            table.log_lambda_m.push(log_lambda_m);
            // cm² g⁻¹ → m² kg⁻¹: × 0.1
            table.log_kappa_m2_kg.push((values[1] * 0.1).log10());
        }
        if table.log_lambda_m.len() < 2 {
            return Err(bad(text.lines().count(), format!("{} rows; at least 2 needed", table.log_lambda_m.len())));
        }
        Ok(table)
    }

    /// κ at a frequency, m² per kg of dust (log–log linear, extrapolated from the end pairs).
    #[must_use]
    pub fn kappa_m2_kg(&self, freq_hz: f64) -> f64 {
        let x = (stop_physics::constants::C_M_S / freq_hz).log10();
        let n = self.log_lambda_m.len();
        let i = self.log_lambda_m.partition_point(|&v| v < x).clamp(1, n - 1);
        let (x0, x1) = (self.log_lambda_m[i - 1], self.log_lambda_m[i]);
        let (y0, y1) = (self.log_kappa_m2_kg[i - 1], self.log_kappa_m2_kg[i]);
        10f64.powf(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    }
}

/// Dust mass density, kg m⁻³: `amu Σ_i n_i m_i / (gas:dust)` (`lime-algorithm.md` §1).
#[must_use]
pub fn dust_mass_density_kg_m3(density_m3: &[f64; 7], gas_to_dust: f64) -> f64 {
    let gas_kg_m3: f64 = PartnerKind::ALL.iter().map(|k| density_m3[k.index()] * PARTNER_MASS_AMU[k.index()] * AMU_KG).sum();
    gas_kg_m3 / gas_to_dust
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_law_table_is_reproduced_and_extrapolated() {
        let dir = std::env::temp_dir().join(format!("stop-lime-dust-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("kappa.tab");
        // κ = 1 cm²/g × (λ / 1000 µm)^-2
        std::fs::write(&path, "# lambda kappa\n100 100\n1000 1\n10000 0.01\n").expect("write");
        let table = DustOpacity::read(&path).expect("valid table");
        for lambda_um in [50.0, 300.0, 1300.0, 3e4] {
            let freq_hz = stop_physics::constants::C_M_S / (lambda_um * 1e-6);
            let expected = 0.1 * (lambda_um / 1000.0_f64).powi(-2);
            assert!((table.kappa_m2_kg(freq_hz) / expected - 1.0).abs() < 1e-12);
        }
        std::fs::write(&path, "100 100\n50 1\n").expect("write");
        let err = DustOpacity::read(&path).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("line 2") && err.contains("not increasing"));
    }
}
