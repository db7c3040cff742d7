//! Convergence statistics of one global iteration and the stopping rule.

use crate::solve::params::{RaySchedule, SolveParams};

/// What one global iteration did.
#[derive(Debug, Clone, PartialEq)]
pub struct IterationStats {
    /// 1-based iteration number.
    pub iteration: usize,
    /// Largest relative population change over (point, level) pairs above the floor.
    pub max_rel_change: f64,
    /// 90th percentile of the same.
    pub p90_rel_change: f64,
    /// Median of the same.
    pub median_rel_change: f64,
    /// Fraction of interior points whose largest change is below the tolerance.
    pub fraction_converged: f64,
    /// Geometric extrapolation of the remaining p90 error, `Δ ρ / (1 − ρ)` with the
    /// contraction rate ρ of [`Contraction`]; `None` when not estimable (no rate measured
    /// yet in this photon stage, a rate ≥ 1, or redrawn photons).
    pub remaining_estimate: Option<f64>,
    /// The populations after this iteration were Ng-extrapolated (its statistics are those
    /// of the plain step before the extrapolation).
    pub ng_applied: bool,
    /// Photons per point of this iteration (a first stage's or `rays_per_point`).
    pub rays_per_point: usize,
    /// Mean number of local (inner) iterations per point.
    pub mean_inner_iterations: f64,
    /// Points whose rate matrix was singular.
    pub singular_points: usize,
    /// Photon paths that did not reach the boundary.
    pub lost_paths: usize,
    /// Points whose step was under-relaxed because their iteration oscillates (`relax`
    /// module of [`crate::solve`]).
    pub relaxed_points: usize,
    /// Iterations of the averaging stage averaged so far, this one included (0 outside
    /// it; [`crate::solve::averaging`]).
    pub averaged: usize,
}

impl IterationStats {
    /// One line for a log:
    /// `iter   7: max 3.1e-2 p90 4.0e-4 median 2.2e-6 converged  97.1% remaining 1.0e-4 inner 5.1 photons 50 (Ng)`;
    /// `relaxed 12` before the end when points were under-relaxed, and an averaged
    /// iteration of the averaging stage ends in `(mean of 3)`.
    #[must_use]
    pub fn summary(&self) -> String {
        let rest = self.remaining_estimate.map_or_else(|| "-".to_owned(), |r| format!("{r:.1e}"));
        format!(
            "iter {:>3}: max {:.1e} p90 {:.1e} median {:.1e} converged {:5.1}% remaining {rest} inner {:.1} photons {}{}{}",
            self.iteration,
            self.max_rel_change,
            self.p90_rel_change,
            self.median_rel_change,
            100.0 * self.fraction_converged,
            self.mean_inner_iterations,
            self.rays_per_point,
            if self.relaxed_points > 0 { format!(" relaxed {}", self.relaxed_points) } else { String::new() },
            match (self.ng_applied, self.averaged) {
                (true, _) => " (Ng)".to_owned(),
                (false, 0) => String::new(),
                (false, k) => format!(" (mean of {k})"),
            },
        )
    }
}

/// Relative changes `|new − old| / new` of the pairs with `new > floor`, split into the
/// sorted list of all changes and, per point, the largest one (points with `skip[i]` are
/// left out).
#[must_use]
pub fn relative_changes(old: &[f64], new: &[f64], n_levels: usize, floor: f64, skip: &[bool]) -> (Vec<f64>, Vec<f64>) {
    let mut all = Vec::new();
    let mut per_point = Vec::new();
    for (i, (o, n)) in old.chunks(n_levels).zip(new.chunks(n_levels)).enumerate() {
        if skip[i] {
            continue;
        }
        let mut worst = 0.0f64;
        for (&po, &pn) in o.iter().zip(n) {
            if pn > floor {
                let change = ((pn - po) / pn).abs();
                all.push(change);
                worst = worst.max(change);
            }
        }
        per_point.push(worst);
    }
    all.sort_unstable_by(f64::total_cmp);
    (all, per_point)
}

/// The value at quantile `q` of a sorted list (nearest rank), 0 for an empty list.
#[must_use]
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The contraction rate of the plain iteration (fixed photons) within one photon stage,
/// from the p90 changes of its steps. Iteration `m` starts from the populations `x_{m−1}`
/// and changes them by `Δ_m`; when `x_{m−1}` was itself a plain step's result (not
/// Ng-extrapolated, same stage), `r_m = Δ_m / Δ_{m−1}` measures the contraction. The rate
/// used is the larger of the newest two measurements, and across an Ng step the last one
/// before it: the extrapolation removes the slowest error components it can fit, so a ratio
/// of the steps just after it can understate the rate of what it left behind.
#[derive(Debug, Clone, Default)]
pub struct Contraction {
    /// `Δ` of the previous step, when that step's result was not extrapolated.
    previous_p90: Option<f64>,
    /// The newest two measured ratios, newest first.
    rates: [Option<f64>; 2],
}

impl Contraction {
    /// Records the step of this iteration (p90 change `p90`, measured before any Ng step)
    /// and returns the contraction rate to use for it, `None` before any measurement in
    /// this stage.
    pub fn record(&mut self, p90: f64) -> Option<f64> {
        if let Some(prev) = self.previous_p90.filter(|&d| d > 0.0) {
            self.rates = [Some(p90 / prev), self.rates[0]];
        }
        self.previous_p90 = Some(p90);
        match self.rates {
            [Some(a), Some(b)] => Some(a.max(b)),
            [a, b] => a.or(b),
        }
    }

    /// The step just recorded was Ng-extrapolated: the next step starts from no plain
    /// step's result, so it measures no rate.
    pub fn extrapolated(&mut self) {
        self.previous_p90 = None;
    }

    /// Forgets the measurements (a new photon stage: another map).
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// The remaining p90 error after a step of p90 change `p90` at contraction rate `rho`
/// (geometric tail, `Δ ρ / (1 − ρ)`); `Some(0)` for a zero change (a fixed point reached to
/// rounding), `None` without a rate or for a rate ≥ 1.
#[must_use]
pub fn remaining_estimate(p90: f64, rho: Option<f64>) -> Option<f64> {
    if p90 == 0.0 {
        return Some(0.0);
    }
    let rho = rho?;
    (rho < 1.0).then(|| p90 * rho / (1.0 - rho))
}

/// Fraction of interior points whose largest relative change must be below the tolerance
/// before the run may stop. The p90 alone is not enough: where most points are thermalised
/// (van Zadelhoff problem 1b: 88 % of the points change by < 1e-14 from the first
/// iteration) it says nothing about the sub-thermal minority that still moves.
pub const MIN_CONVERGED_FRACTION: f64 = 0.99;

/// The stopping rule: at least `min_iterations` done, the p90 change below the tolerance,
/// at least [`MIN_CONVERGED_FRACTION`] of the points individually below it, and (fixed
/// photons) the extrapolated remaining error below it too. With photons redrawn every
/// iteration only the p90 test applies (the change then measures Monte-Carlo noise).
#[must_use]
pub fn is_converged(stats: &IterationStats, params: &SolveParams) -> bool {
    if stats.iteration < params.min_iterations.max(1) || stats.p90_rel_change >= params.tolerance {
        return false;
    }
    if params.rays == RaySchedule::Fixed && stats.fraction_converged < MIN_CONVERGED_FRACTION {
        return false;
    }
    match params.rays {
        RaySchedule::EveryIteration => true,
        RaySchedule::Fixed => stats.remaining_estimate.is_some_and(|r| r < params.tolerance),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_a_known_change() {
        let old = [0.5, 0.5, 0.9, 0.1, 0.0, 0.0];
        let new = [0.4, 0.6, 0.9, 0.1, 0.0, 0.0];
        let (all, worst) = relative_changes(&old, &new, 2, 1e-3, &[false, false, true]);
        let expected = [0.0, 0.0, 1.0 / 6.0, 0.25];
        assert_eq!(all.len(), 4);
        assert!(all.iter().zip(expected).all(|(a, e)| (a - e).abs() < 1e-15));
        assert!((worst[0] - 0.25).abs() < 1e-15 && worst[1] == 0.0);
        assert_eq!(quantile(&all, 0.5), all[2]);
        assert_eq!(quantile(&all, 1.0), all[3]);
    }

    #[test]
    fn geometric_tail_is_extrapolated() {
        // ρ = 0.9: the remaining sum is 9e-4 · 0.9 / 0.1 = 8.1e-3
        let r = remaining_estimate(9e-4, Some(0.9)).expect("estimable");
        assert!((r - 8.1e-3).abs() < 1e-12);
        assert_eq!(remaining_estimate(2e-3, Some(2.0)), None);
        assert_eq!(remaining_estimate(2e-3, None), None);
        assert_eq!(remaining_estimate(0.0, None), Some(0.0));
    }

    #[test]
    fn contraction_keeps_the_larger_recent_rate_and_the_one_before_an_ng_step() {
        let step = |k: i32| 2f64.powi(-k); // exact ratios
        let mut c = Contraction::default();
        assert_eq!(c.record(step(6)), None); // the stage's first step: no rate
        assert_eq!(c.record(step(7)), Some(0.5));
        assert_eq!(c.record(step(10)), Some(0.5)); // 1/8 now, 1/2 before: the larger
        assert_eq!(c.record(step(11)), Some(0.5));
        c.extrapolated(); // Ng on the result of that step
        // the step after Ng measures no rate: the last two measured (1/2, 1/8) stand
        assert_eq!(c.record(step(20)), Some(0.5));
        // then ratios are measured again; the larger of the newest two is used
        assert_eq!(c.record(step(27)), Some(0.5));
        assert_eq!(c.record(step(34)), Some(step(7)));
        c.reset();
        assert_eq!(c.record(step(6)), None);
    }
}
