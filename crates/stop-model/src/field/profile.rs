//! Tabulated 1-D profiles f(r): interpolation inside the table and an explicit rule outside.

use crate::error::{ModelError, TableProblem};

/// How to interpolate between two table radii.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interpolation {
    /// Linear in r (LIME model A's temperature).
    Linear,
    /// Linear in ln r (LIME's van Zadelhoff problem-2 model, all columns but density).
    LogR,
    /// Linear in ln f against ln r, a power law between rows (problem-2 density); values > 0.
    LogLog,
    /// A row's value held up to the next row's radius: the shells of RATRAN (Hogerheijde & van
    /// der Tak 2000), each a constant cell starting at its table radius, as RATRAN solved the
    /// van Zadelhoff et al. (2002) problem-2 tables.
    Step,
}

impl Interpolation {
    /// Names accepted in model files.
    pub const NAMES: &'static str = "`linear`, `log_r`, `log_log`, `step`";

    /// Parse a model-file name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "linear" => Some(Self::Linear),
            "log_r" => Some(Self::LogR),
            "log_log" => Some(Self::LogLog),
            "step" => Some(Self::Step),
            _ => None,
        }
    }
}

/// The value outside the tabulated radii.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outside {
    /// The end value of the table (model A's temperature: 44.777 K inside 2e13 m).
    Clamp,
    /// A fixed value (0 for "no gas inside the inner table radius").
    Value(f64),
}

/// A profile f(r) tabulated at increasing radii.
///
/// ```
/// use stop_model::{Interpolation, Outside, RadialProfile};
/// let t = RadialProfile::new("t", vec![2.0e13, 5.0e13], vec![44.777, 31.037],
///     Interpolation::Linear, Outside::Clamp, Outside::Clamp)?;
/// assert_eq!(t.at(1.0e13), 44.777);
/// assert!((t.at(3.5e13) - 37.907).abs() < 1e-12);
/// # Ok::<(), stop_model::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RadialProfile {
    radius_m: Vec<f64>,
    values: Vec<f64>,
    /// Precomputed ln r (log interpolations).
    ln_radius: Vec<f64>,
    /// Precomputed ln f (log-log interpolation).
    ln_values: Vec<f64>,
    interpolation: Interpolation,
    below: Outside,
    above: Outside,
}

impl RadialProfile {
    /// A profile from radii (any order; sorted here) and values. `source` names the table in
    /// errors.
    ///
    /// # Errors
    /// [`ModelError::Table`] for fewer than 2 rows, a repeated radius, a radius ≤ 0 with a log
    /// interpolation, or a value ≤ 0 with `log_log`.
    pub fn new(
        source: &str,
        radius_m: Vec<f64>,
        values: Vec<f64>,
        interpolation: Interpolation,
        below: Outside,
        above: Outside,
    ) -> Result<Self, ModelError> {
        let fail = |problem| ModelError::Table { path: source.to_string(), line: 0, problem };
        if radius_m.len() < 2 || values.len() != radius_m.len() {
            return Err(fail(TableProblem::TooFewRows { found: radius_m.len().min(values.len()), needed: 2 }));
        }
        let mut rows: Vec<(f64, f64)> = radius_m.into_iter().zip(values).collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        if let Some(w) = rows.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(fail(TableProblem::DuplicateRadius { radius_m: w[0].0 }));
        }
        let (radius_m, values): (Vec<f64>, Vec<f64>) = rows.into_iter().unzip();
        let first_non_positive = |list: &[f64]| list.iter().copied().find(|v| *v <= 0.0);
        if let (true, Some(r)) = (interpolation != Interpolation::Linear, first_non_positive(&radius_m)) {
            return Err(fail(TableProblem::NotPositive { column: "radius".into(), value: r, reason: "log_r and log_log interpolation" }));
        }
        if let (true, Some(v)) = (interpolation == Interpolation::LogLog, first_non_positive(&values)) {
            return Err(fail(TableProblem::NotPositive { column: "value".into(), value: v, reason: "log_log interpolation" }));
        }
        let ln_radius = radius_m.iter().map(|r| r.ln()).collect();
        let ln_values = values.iter().map(|v| v.ln()).collect();
        Ok(Self { radius_m, values, ln_radius, ln_values, interpolation, below, above })
    }

    /// The tabulated radii, increasing, m.
    #[must_use]
    pub fn radii_m(&self) -> &[f64] {
        &self.radius_m
    }

    /// The value at radius `r_m`. At a table radius it is the tabulated value (exactly for
    /// `linear` and `log_r`; to rounding of exp(ln f) for `log_log`).
    #[must_use]
    pub fn at(&self, r_m: f64) -> f64 {
        let n = self.radius_m.len();
        if r_m < self.radius_m[0] {
            return self.outside(self.below, self.values[0]);
        }
        if r_m > self.radius_m[n - 1] {
            return self.outside(self.above, self.values[n - 1]);
        }
        if r_m.is_nan() {
            return f64::NAN;
        }
        // First index with radius > r, in 1..=n; the interval is [i-1, i].
        let i = self.radius_m.partition_point(|r| *r <= r_m).clamp(1, n - 1);
        let (r0, r1) = (self.radius_m[i - 1], self.radius_m[i]);
        let (v0, v1) = (self.values[i - 1], self.values[i]);
        match self.interpolation {
            // The weighted form returns the row values exactly at t = 0 and t = 1.
            Interpolation::Linear => {
                let t = (r_m - r0) / (r1 - r0);
                v0 * (1.0 - t) + v1 * t
            }
            Interpolation::LogR => {
                let t = (r_m.ln() - self.ln_radius[i - 1]) / (self.ln_radius[i] - self.ln_radius[i - 1]);
                v0 * (1.0 - t) + v1 * t
            }
            Interpolation::LogLog => {
                let t = (r_m.ln() - self.ln_radius[i - 1]) / (self.ln_radius[i] - self.ln_radius[i - 1]);
                let (l0, l1) = (self.ln_values[i - 1], self.ln_values[i]);
                (l0 * (1.0 - t) + l1 * t).exp()
            }
            // At the last radius the interval is [n-2, n-1] and the row is the last one.
            Interpolation::Step => {
                if r_m < r1 {
                    v0
                } else {
                    v1
                }
            }
        }
    }

    fn outside(&self, rule: Outside, end_value: f64) -> f64 {
        match rule {
            Outside::Clamp => end_value,
            Outside::Value(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_log_is_a_power_law_between_rows() {
        let p = RadialProfile::new("p", vec![1.0, 4.0], vec![16.0, 1.0], Interpolation::LogLog, Outside::Value(0.0), Outside::Clamp);
        let p = p.ok();
        assert_eq!(p.as_ref().map(|p| p.at(0.5)), Some(0.0));
        // f = 16 r^-2: at r = 2, 4 (to rounding of exp/ln).
        assert!(p.is_some_and(|p| (p.at(2.0) - 4.0).abs() < 1e-12 && p.at(9.0) == 1.0));
    }

    #[test]
    fn step_holds_each_row_to_the_next_radius() {
        let p = RadialProfile::new("p", vec![1.0, 2.0, 4.0], vec![5.0, 3.0, 1.0], Interpolation::Step, Outside::Value(0.0), Outside::Clamp);
        let at = |r: f64| p.as_ref().map(|p| p.at(r)).unwrap_or(f64::NAN);
        assert_eq!([at(0.5), at(1.0), at(1.999), at(2.0), at(3.9), at(4.0), at(5.0)], [0.0, 5.0, 5.0, 3.0, 3.0, 1.0, 1.0]);
        assert_eq!(Interpolation::from_name("step"), Some(Interpolation::Step));
    }

    #[test]
    fn duplicate_radius_is_rejected() {
        let p = RadialProfile::new("p", vec![1.0, 1.0], vec![1.0, 2.0], Interpolation::Linear, Outside::Clamp, Outside::Clamp);
        assert!(matches!(p, Err(ModelError::Table { problem: TableProblem::DuplicateRadius { .. }, .. })));
    }
}
