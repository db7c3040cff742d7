//! Dust continuum: opacity table and the dust mass density of a point.
//!
//! As LIME (`lime-algorithm.md` §1): κ(λ) is read in cm² per gram of dust, a natural cubic
//! spline is fitted to log10 κ against log10 λ (GSL's `cspline`), and outside the table κ is
//! extrapolated linearly in log–log from the two end points. (The chord between table points
//! instead of the spline differs by up to ~1 %: −1.2 % at HCO+ 4-3 for `jena_thin_e6.tab`.)

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
    /// Second derivatives of the natural spline at the table points.
    second_derivatives: Vec<f64>,
}

/// Second derivatives `M_i` of the natural cubic spline through `(x_i, y_i)` (`M_0 = M_{n−1} =
/// 0`; continuity of the first derivative gives `h_{i−1} M_{i−1} + 2 (h_{i−1} + h_i) M_i + h_i
/// M_{i+1} = 6 (Δy_i / h_i − Δy_{i−1} / h_{i−1})`, Press et al. 1992, Numerical Recipes §3.3,
/// eq. 3.3.7), by the tridiagonal (Thomas) elimination. `x` strictly increasing, n ≥ 2.
fn natural_spline_second_derivatives(x: &[f64], y: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut m = vec![0.0; n];
    if n < 3 {
        return m;
    }
    // forward elimination on the interior rows 1 … n−2; `upper[i]` and `rhs[i]` after it
    let (mut upper, mut rhs) = (vec![0.0; n], vec![0.0; n]);
    for i in 1..n - 1 {
        let (h0, h1) = (x[i] - x[i - 1], x[i + 1] - x[i]);
        let r = 6.0 * ((y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0);
        let diag = 2.0 * (h0 + h1) - h0 * upper[i - 1];
        upper[i] = h1 / diag;
        rhs[i] = (r - h0 * rhs[i - 1]) / diag;
    }
    for i in (1..n - 1).rev() {
        m[i] = rhs[i] - upper[i] * m[i + 1];
    }
    m
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
        let mut table = Self { log_lambda_m: Vec::new(), log_kappa_m2_kg: Vec::new(), second_derivatives: Vec::new() };
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
        table.second_derivatives = natural_spline_second_derivatives(&table.log_lambda_m, &table.log_kappa_m2_kg);
        Ok(table)
    }

    /// κ at a frequency, m² per kg of dust: the natural cubic spline in log–log inside the
    /// table, linear in log–log from the end pairs outside it.
    #[must_use]
    pub fn kappa_m2_kg(&self, freq_hz: f64) -> f64 {
        let x = (stop_physics::constants::C_M_S / freq_hz).log10();
        let n = self.log_lambda_m.len();
        let i = self.log_lambda_m.partition_point(|&v| v < x).clamp(1, n - 1);
        let (x0, x1) = (self.log_lambda_m[i - 1], self.log_lambda_m[i]);
        let (y0, y1) = (self.log_kappa_m2_kg[i - 1], self.log_kappa_m2_kg[i]);
        let h = x1 - x0;
        let (a, b) = ((x1 - x) / h, (x - x0) / h);
        let mut y = a * y0 + b * y1;
        if (0.0..=1.0).contains(&b) {
            // Press et al. 1992, Numerical Recipes eq. 3.3.3
            let (m0, m1) = (self.second_derivatives[i - 1], self.second_derivatives[i]);
            y += ((a * a * a - a) * m0 + (b * b * b - b) * m1) * h * h / 6.0;
        }
        10f64.powf(y)
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
        // log10 κ(m² kg⁻¹) = (log10 λ(m))² at log10 λ = 0, 1, 2, 3: the natural spline has M1 =
        // M2 = 12/5 (hand-solved 2 × 2 system), so at log10 λ = 1.5 it is 2.5 − 0.375 · 4.8 / 6
        // = 2.2 (the parabola: 2.25); the chord would give 2.5
        std::fs::write(&path, "1e6 10\n1e7 100\n1e8 1e5\n1e9 1e10\n").expect("write");
        let table = DustOpacity::read(&path).expect("valid table");
        let kappa = table.kappa_m2_kg(stop_physics::constants::C_M_S / 10f64.powf(1.5));
        assert!((kappa.log10() - 2.2).abs() < 1e-12, "{}", kappa.log10());
        std::fs::write(&path, "100 100\n50 1\n").expect("write");
        let err = DustOpacity::read(&path).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("line 2") && err.contains("not increasing"));
    }
}
