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
    /// Geometric extrapolation of the remaining p90 error, `Δ ρ / (1 − ρ)` with
    /// `ρ = Δ_n / Δ_{n−1}` from two plain iterations; `None` when not estimable (after an
    /// Ng step, with redrawn photons, or when the change grew).
    pub remaining_estimate: Option<f64>,
    /// The populations after this iteration were Ng-extrapolated.
    pub ng_applied: bool,
    /// Mean number of local (inner) iterations per point.
    pub mean_inner_iterations: f64,
    /// Points whose rate matrix was singular.
    pub singular_points: usize,
    /// Photon paths that did not reach the boundary.
    pub lost_paths: usize,
}

impl IterationStats {
    /// One line for a log: `iter 7: max 3.1e-2 p90 4.0e-4 median 2.2e-6 conv 97.1% rest 1.0e-4 (Ng)`.
    #[must_use]
    pub fn summary(&self) -> String {
        let rest = self.remaining_estimate.map_or_else(|| "-".to_owned(), |r| format!("{r:.1e}"));
        format!(
            "iter {:>3}: max {:.1e} p90 {:.1e} median {:.1e} converged {:5.1}% remaining {rest} inner {:.1}{}",
            self.iteration,
            self.max_rel_change,
            self.p90_rel_change,
            self.median_rel_change,
            100.0 * self.fraction_converged,
            self.mean_inner_iterations,
            if self.ng_applied { " (Ng)" } else { "" },
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

/// The remaining-error estimate of the newest iteration given the previous one.
#[must_use]
pub fn remaining_estimate(previous: Option<&IterationStats>, p90: f64, this_is_ng: bool, rays: RaySchedule) -> Option<f64> {
    let prev = previous?;
    if p90 == 0.0 && !this_is_ng && rays == RaySchedule::Fixed {
        return Some(0.0); // a fixed point reached to rounding
    }
    if this_is_ng || prev.ng_applied || rays == RaySchedule::EveryIteration || prev.p90_rel_change <= 0.0 {
        return None;
    }
    let rho = p90 / prev.p90_rel_change;
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
        let prev = IterationStats {
            iteration: 4,
            max_rel_change: 0.0,
            p90_rel_change: 1e-3,
            median_rel_change: 0.0,
            fraction_converged: 0.0,
            remaining_estimate: None,
            ng_applied: false,
            mean_inner_iterations: 0.0,
            singular_points: 0,
            lost_paths: 0,
        };
        // ρ = 0.9: the remaining sum is 9e-4 · 0.9 / 0.1 = 8.1e-3
        let r = remaining_estimate(Some(&prev), 9e-4, false, RaySchedule::Fixed).expect("estimable");
        assert!((r - 8.1e-3).abs() < 1e-12);
        assert_eq!(remaining_estimate(Some(&prev), 2e-3, false, RaySchedule::Fixed), None);
    }
}
