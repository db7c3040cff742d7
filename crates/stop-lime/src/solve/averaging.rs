//! The averaging stage: after the fixed photons have converged, iterations with new photons
//! every time whose populations are averaged.
//!
//! With one fixed photon set per point the fixed point carries that set's Monte-Carlo error,
//! and the last iterations of a run (needed only to reach the fixed point) add nothing to
//! the accuracy. Started from a converged fixed point, an iteration with a fresh set gives
//! another draw of the populations around the exact answer; the mean of M draws has about
//! 1/√M of their scatter where a point's radiation comes mostly through its own photons
//! (optically thin or moderately thick lines), less gain where the populations are coupled
//! over many cells (a very thick line passes its neighbours' errors on). The scatter of the
//! draws also measures each point's Monte-Carlo error, which a fixed set cannot show.
//! A point whose iteration oscillated in its last fixed steps keeps its under-relaxation
//! here (`relax` module of [`crate::solve`]), so its draws are correlated and its standard
//! error, computed as for independent draws, is an underestimate (the iteration lines count
//! those points as `relaxed`).

/// Running sums of the averaged populations.
#[derive(Debug, Clone)]
pub struct Averaging {
    /// Iterations still to be left out of the mean (after a change of photon count the
    /// first one starts from another map's fixed point).
    burn_in: usize,
    /// Iterations averaged so far.
    samples: usize,
    sum: Vec<f64>,
    sum_sq: Vec<f64>,
}

/// The scatter of the averaged populations: quantiles over the (point, level) pairs whose
/// mean is above the statistics' floor of the standard error of the mean relative to the
/// mean, `s / (√M p̄)` with `s` the sample standard deviation of the M draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AveragingSummary {
    /// Iterations averaged.
    pub samples: usize,
    /// Median relative standard error of the mean.
    pub median_rel_error: f64,
    /// Its 90th percentile.
    pub p90_rel_error: f64,
    /// Its largest value.
    pub max_rel_error: f64,
}

impl AveragingSummary {
    /// One line for a log: `mean of 4 iterations with new photons: Monte-Carlo error of the
    /// populations (relative standard error) median 1.2e-3 p90 4.0e-3 max 3.1e-2`.
    #[must_use]
    pub fn line(&self) -> String {
        format!(
            "mean of {} iterations with new photons: Monte-Carlo error of the populations (relative standard error) median {:.1e} p90 {:.1e} max {:.1e}",
            self.samples, self.median_rel_error, self.p90_rel_error, self.max_rel_error
        )
    }
}

impl Averaging {
    /// Sums for `len` populations; the first `burn_in` iterations are not averaged.
    #[must_use]
    pub fn new(len: usize, burn_in: usize) -> Self {
        Self { burn_in, samples: 0, sum: vec![0.0; len], sum_sq: vec![0.0; len] }
    }

    /// Takes the populations of one iteration (or leaves them out during the burn-in).
    pub fn add(&mut self, pops: &[f64]) {
        if self.burn_in > 0 {
            self.burn_in -= 1;
            return;
        }
        self.samples += 1;
        for ((s, q), &p) in self.sum.iter_mut().zip(self.sum_sq.iter_mut()).zip(pops) {
            *s += p;
            *q += p * p;
        }
    }

    /// Iterations averaged so far.
    #[must_use]
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// The mean populations (the sums unchanged when nothing was averaged yet).
    #[must_use]
    pub fn mean(&self) -> Vec<f64> {
        let m = self.samples.max(1) as f64;
        self.sum.iter().map(|s| s / m).collect()
    }

    /// The standard error of each mean population, `s / √M` with `s` the sample standard
    /// deviation of the M draws (zeros with fewer than two samples).
    #[must_use]
    pub fn standard_errors(&self) -> Vec<f64> {
        if self.samples < 2 {
            return vec![0.0; self.sum.len()];
        }
        let m = self.samples as f64;
        // sample variance (M − 1 in the denominator), clipped at rounding below zero
        self.sum.iter().zip(&self.sum_sq).map(|(&s, &q)| (((q - s * s / m) / (m - 1.0)).max(0.0) / m).sqrt()).collect()
    }

    /// The scatter of the mean: `standard_errors` ([`Averaging::standard_errors`]) relative
    /// to the means, over the pairs with mean above `floor`, in blocks of `n_levels` per
    /// point, points with `skip[i]` left out; `None` with fewer than two samples.
    #[must_use]
    pub fn summary(&self, standard_errors: &[f64], n_levels: usize, floor: f64, skip: &[bool]) -> Option<AveragingSummary> {
        if self.samples < 2 {
            return None;
        }
        let m = self.samples as f64;
        let mut errors: Vec<f64> = self
            .sum
            .chunks(n_levels)
            .zip(standard_errors.chunks(n_levels))
            .zip(skip)
            .filter(|(_, skip)| !**skip)
            .flat_map(|((s, e), _)| s.iter().zip(e))
            .map(|(&s, &e)| (s / m, e))
            .filter(|&(mean, _)| mean > floor)
            .map(|(mean, e)| e / mean)
            .collect();
        errors.sort_unstable_by(f64::total_cmp);
        let pick = |q: f64| crate::solve::convergence::quantile(&errors, q);
        Some(AveragingSummary { samples: self.samples, median_rel_error: pick(0.5), p90_rel_error: pick(0.9), max_rel_error: errors.last().copied().unwrap_or(0.0) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_standard_error_of_known_draws() {
        // one point, two levels; draws 0.2, 0.4, 0.3 of level 0 after one burn-in iteration
        let mut a = Averaging::new(2, 1);
        a.add(&[0.9, 0.1]);
        for p0 in [0.2, 0.4, 0.3] {
            a.add(&[p0, 1.0 - p0]);
        }
        assert_eq!(a.samples(), 3);
        let mean = a.mean();
        assert!((mean[0] - 0.3).abs() < 1e-15 && (mean[1] - 0.7).abs() < 1e-15);
        // s = 0.1 for both levels, standard error 0.1/√3; relative to 0.3 and 0.7
        let s = a.summary(&a.standard_errors(), 2, 1e-3, &[false]).expect("three samples");
        let (e0, e1) = (0.1 / 3f64.sqrt() / 0.3, 0.1 / 3f64.sqrt() / 0.7);
        // two values: the nearest-rank median is the upper one
        assert!((s.max_rel_error - e0).abs() < 1e-12 && (s.median_rel_error - e0).abs() < 1e-12);
        assert!(e1 < e0 && (s.p90_rel_error - e0).abs() < 1e-12);
        // a skipped point and a single sample give nothing
        assert_eq!(a.summary(&a.standard_errors(), 2, 1e-3, &[true]).map(|s| s.max_rel_error), Some(0.0));
        let mut one = Averaging::new(2, 0);
        one.add(&[0.5, 0.5]);
        assert_eq!(one.summary(&one.standard_errors(), 2, 1e-3, &[false]), None);
    }
}
