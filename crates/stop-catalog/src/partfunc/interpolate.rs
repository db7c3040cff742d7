//! Q(T) between (and, on request, beyond) tabulated temperatures.

use serde::{Deserialize, Serialize};

use super::PartitionTable;
use crate::error::CatalogError;

/// How Q is interpolated between tabulated temperatures (`lte.md` §3.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QInterpolation {
    /// log10 Q linear in log10 T (CASSIS, Weeds). The default.
    #[default]
    LogLog,
    /// Q linear in T (pyspeckit, molsim with `.qpart` tables).
    Linear,
}

/// What to do outside the tabulated temperature range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Extrapolation {
    /// Refuse with [`CatalogError::OutOfRange`] (the CASSIS python choice). The default.
    #[default]
    Refuse,
    /// Extend the end segment (the Weeds choice); logs a warning each time it is used.
    Allow,
}

/// Partition-function evaluation conventions, with the CASSIS defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QParams {
    /// Interpolation between points.
    pub interpolation: QInterpolation,
    /// Policy outside the table.
    pub extrapolation: Extrapolation,
}

impl PartitionTable {
    /// Q at `t_k` under the given conventions. The table is validated first.
    ///
    /// ```
    /// use stop_catalog::{parse_cdms_partfunc, Database, QInterpolation, QParams};
    /// let text = "| tag | molecule | #lines | lg(Q(37.5)) | lg(Q(18.75)) |\n\
    ///             | 28503 | CO, v=0 | 95 | 1.1429 | 0.8526 |\n";
    /// let tables = parse_cdms_partfunc("partfunc.cat", text).unwrap();
    /// let co = tables.get(Database::Cdms, 28503).unwrap();
    /// let q = co.q(20.0, QParams::default()).unwrap();           // log–log
    /// assert!((q - 7.57931).abs() < 1e-5);                        // lte.md §3.2
    /// let linear = QParams { interpolation: QInterpolation::Linear, ..QParams::default() };
    /// assert!((co.q(20.0, linear).unwrap() - 7.57359).abs() < 1e-5);
    /// assert!(co.q(50.0, QParams::default()).is_err());          // no silent extrapolation
    /// ```
    ///
    /// # Errors
    /// [`CatalogError::BadTemperature`], [`CatalogError::NotMonotonic`],
    /// [`CatalogError::OutOfRange`] (outside the table without [`Extrapolation::Allow`], or
    /// an extrapolated Q that is not positive).
    pub fn q(&self, t_k: f64, params: QParams) -> Result<f64, CatalogError> {
        if !(t_k.is_finite() && t_k > 0.0) {
            return Err(CatalogError::BadTemperature { t_k });
        }
        self.validate()?;
        let (tmin_k, tmax_k) = self.t_range_k();
        let out_of_range = CatalogError::OutOfRange { database: self.database, tag: self.tag, t_k, tmin_k, tmax_k };
        if self.points.len() < 2 {
            return match self.points.first() {
                Some(p) if (p.t_k - t_k).abs() <= 1e-9 * t_k => Ok(10f64.powf(p.log10_q)),
                _ => Err(out_of_range),
            };
        }
        let inside = (tmin_k..=tmax_k).contains(&t_k);
        if !inside {
            if params.extrapolation == Extrapolation::Refuse {
                return Err(out_of_range);
            }
            tracing::warn!(database = %self.database, tag = self.tag, t_k, tmin_k, tmax_k, "extrapolating the partition function beyond its table");
        }
        // segment [i, i+1] holding t_k (the end segments when extrapolating)
        let i_seg = self.points.windows(2).position(|w| t_k <= w[1].t_k).unwrap_or(self.points.len() - 2);
        let (a, b) = (self.points[i_seg], self.points[i_seg + 1]);
        let q = match params.interpolation {
            QInterpolation::LogLog => {
                let x = (t_k.log10() - a.t_k.log10()) / (b.t_k.log10() - a.t_k.log10());
                10f64.powf(a.log10_q + x * (b.log10_q - a.log10_q))
            }
            QInterpolation::Linear => {
                let (qa, qb) = (10f64.powf(a.log10_q), 10f64.powf(b.log10_q));
                qa + (t_k - a.t_k) / (b.t_k - a.t_k) * (qb - qa)
            }
        };
        if q.is_finite() && q > 0.0 { Ok(q) } else { Err(out_of_range) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partfunc::{Database, QPoint};

    fn table(points: &[(f64, f64)]) -> PartitionTable {
        let points = points.iter().enumerate().map(|(i, &(t_k, log10_q))| QPoint { t_k, log10_q, line: i + 1 }).collect();
        PartitionTable::from_points(Database::Cdms, 1, "test", "test.q", points)
    }

    #[test]
    fn exact_at_the_nodes_in_both_conventions() {
        let t = table(&[(10.0, 0.5), (20.0, 0.9), (40.0, 1.2)]);
        for interpolation in [QInterpolation::LogLog, QInterpolation::Linear] {
            let params = QParams { interpolation, ..QParams::default() };
            for (t_k, log10_q) in [(10.0, 0.5), (20.0, 0.9), (40.0, 1.2)] {
                assert!((t.q(t_k, params).expect("node") / 10f64.powf(log10_q) - 1.0).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn loglog_is_a_power_law_between_nodes() {
        // Q = 3 T^1.5 is reproduced exactly by log-log interpolation
        let q_of = |t: f64| 3.0 * t.powf(1.5);
        let t = table(&[(10.0, q_of(10.0).log10()), (100.0, q_of(100.0).log10())]);
        assert!((t.q(31.0, QParams::default()).expect("inside") / q_of(31.0) - 1.0).abs() < 1e-13);
    }

    #[test]
    fn extrapolation_only_when_allowed() {
        let t = table(&[(10.0, 1.0), (20.0, 1.30103)]);
        assert!(matches!(t.q(40.0, QParams::default()), Err(CatalogError::OutOfRange { .. })));
        let allow = QParams { extrapolation: Extrapolation::Allow, ..QParams::default() };
        // log-log extension of Q ∝ T: Q(40) = 40
        assert!((t.q(40.0, allow).expect("allowed") - 40.0).abs() < 1e-3);
        assert!(matches!(t.q(-1.0, allow), Err(CatalogError::BadTemperature { .. })));
    }
}
