//! The van Zadelhoff et al. (2002) references: the published problem-1 curves (`fiducial/`)
//! and the RATRAN problem-2 solutions (`ratran/`).

use std::path::Path;

/// A curve f(r), radii increasing, interpolated linearly in log r.
#[derive(Debug, Clone, PartialEq)]
pub struct RadialCurve {
    /// Radii, m.
    pub r_m: Vec<f64>,
    /// Values.
    pub values: Vec<f64>,
}

impl RadialCurve {
    /// The value at `r_m`, `None` outside the tabulated range.
    #[must_use]
    pub fn at(&self, r_m: f64) -> Option<f64> {
        let (first, last) = (*self.r_m.first()?, *self.r_m.last()?);
        if !(r_m >= first && r_m <= last) {
            return None;
        }
        let i = self.r_m.partition_point(|&r| r < r_m).clamp(1, self.r_m.len() - 1);
        let (x0, x1) = (self.r_m[i - 1].ln(), self.r_m[i].ln());
        let w = if x1 > x0 { (r_m.ln() - x0) / (x1 - x0) } else { 0.0 };
        Some(self.values[i - 1] + w * (self.values[i] - self.values[i - 1]))
    }
}

/// Reads a fiducial problem-1 table (`r_cm`, `upper_level_fraction`; `#` comments, one header).
///
/// # Errors
/// I/O errors, or a row that is not two numbers (with its line).
pub fn read_fiducial(path: &Path) -> anyhow::Result<RadialCurve> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut curve = RadialCurve { r_m: Vec::new(), values: Vec::new() };
    for (i_line, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("r_cm") {
            continue;
        }
        let v: Vec<f64> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        anyhow::ensure!(v.len() == 2, "{}: line {}: expected `r_cm value`, found `{line}`", path.display(), i_line + 1);
        curve.r_m.push(v[0] * 1e-2);
        curve.values.push(v[1]);
    }
    Ok(curve)
}

/// RATRAN shells: geometric-mean radius (m) and level populations per shell.
#[derive(Debug, Clone, PartialEq)]
pub struct RatranSolution {
    /// Geometric mean of each shell's inner and outer radius, m.
    pub r_m: Vec<f64>,
    /// Populations per shell.
    pub pops: Vec<Vec<f64>>,
}

impl RatranSolution {
    /// The curve of level `level`.
    #[must_use]
    pub fn level(&self, level: usize) -> RadialCurve {
        RadialCurve { r_m: self.r_m.clone(), values: self.pops.iter().map(|p| p.get(level).copied().unwrap_or(0.0)).collect() }
    }
}

/// Reads a RATRAN `.out` file (header up to the `@` line; then `id ra rb nh tk nm vr db td lp…`).
///
/// # Errors
/// I/O errors, a missing `@` line, or a short row (with its line).
pub fn read_ratran(path: &Path) -> anyhow::Result<RatranSolution> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut lines = text.lines().enumerate();
    anyhow::ensure!(lines.any(|(_, l)| l.trim() == "@"), "{}: no `@` line ending the header", path.display());
    let mut sol = RatranSolution { r_m: Vec::new(), pops: Vec::new() };
    for (i_line, line) in lines {
        let v: Vec<f64> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        if v.is_empty() {
            continue;
        }
        anyhow::ensure!(v.len() > 10, "{}: line {}: expected at least 11 columns", path.display(), i_line + 1);
        if v[1] <= 0.0 || v[3] <= 0.0 {
            continue; // the empty inner hole
        }
        sol.r_m.push((v[1] * v[2]).sqrt());
        sol.pops.push(v[9..].to_vec());
    }
    Ok(sol)
}
