//! The statistics of the model-A comparisons, defined as in the reference README so that
//! LIME's own runs reproduce its figures (tests in `validation/tests/lime_modela.rs`):
//! radial bin means, relative standard deviations over runs, and their quantiles.

use super::reference::BinnedProfiles;

/// The `q`-quantile of sorted values, interpolated linearly between the closest ranks
/// (position `q · (n − 1)`; numpy's default, which the README's figures used). NaN when
/// empty.
///
/// ```
/// use stop_validation::modela::compare::quantile;
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.9), 3.7);
/// ```
#[must_use]
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let pos = q.clamp(0.0, 1.0) * last as f64;
    let below = pos.floor() as usize;
    let above = (below + 1).min(last);
    let w = pos - below as f64;
    sorted[below] + w * (sorted[above] - sorted[below])
}

/// Median, 90th and 99th percentile and maximum of a set of non-negative deviations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantiles {
    /// Values.
    pub n: usize,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest value.
    pub max: f64,
}

impl Quantiles {
    /// The quantiles of `values` (any order).
    #[must_use]
    pub fn of(mut values: Vec<f64>) -> Self {
        values.sort_unstable_by(f64::total_cmp);
        Quantiles {
            n: values.len(),
            median: quantile(&values, 0.5),
            p90: quantile(&values, 0.9),
            p99: quantile(&values, 0.99),
            max: values.last().copied().unwrap_or(f64::NAN),
        }
    }
}

/// Mean population of every level over the points in each radius bin `[r_lo, r_hi)` of
/// `bins` (`[bin][level]`), and the points per bin. `pops` holds `n_levels` values per
/// point; points outside every bin are left out; a bin without points has NaN means.
#[must_use]
pub fn bin_means(
    r_m: &[f64],
    pops: &[f64],
    n_levels: usize,
    bins: &BinnedProfiles,
) -> (Vec<Vec<f64>>, Vec<usize>) {
    let n_bins = bins.r_lo_m.len();
    let mut sums = vec![vec![0.0; n_levels]; n_bins];
    let mut counts = vec![0usize; n_bins];
    for (i_point, &r) in r_m.iter().enumerate() {
        let Some(i_bin) = (0..n_bins).find(|&b| r >= bins.r_lo_m[b] && r < bins.r_hi_m[b]) else {
            continue;
        };
        counts[i_bin] += 1;
        let point = &pops[i_point * n_levels..(i_point + 1) * n_levels];
        for (sum, p) in sums[i_bin].iter_mut().zip(point) {
            *sum += p;
        }
    }
    for (s, &c) in sums.iter_mut().zip(&counts) {
        s.iter_mut().for_each(|v| *v /= c as f64);
    }
    (sums, counts)
}

/// Mean and sample standard deviation (n − 1 in the denominator) of `values`.
#[must_use]
pub fn mean_and_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Relative standard deviation over runs, entry by entry: for every index `k` whose mean
/// over `runs` exceeds `floor`, the sample standard deviation of `runs[·][k]` divided by
/// that mean (the README's "rel std"). With two runs this is `√2 |a − b| / (a + b)`.
#[must_use]
pub fn relative_std_over_runs(runs: &[&[f64]], floor: f64) -> Vec<f64> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    let mut column = vec![0.0; runs.len()];
    (0..first.len())
        .filter_map(|k| {
            for (c, run) in column.iter_mut().zip(runs) {
                *c = run[k];
            }
            let (mean, std) = mean_and_std(&column);
            (mean > floor).then_some(std / mean)
        })
        .collect()
}

/// The seed-to-seed relative scatter of LIME's radial profiles: `seed_std / mean` of every
/// (bin, level) whose mean exceeds `floor`.
#[must_use]
pub fn seed_scatter(profiles: &BinnedProfiles, floor: f64) -> Vec<f64> {
    profiles
        .mean
        .iter()
        .zip(&profiles.seed_std)
        .flat_map(|(m, s)| {
            m.iter()
                .zip(s)
                .filter(|(m, _)| **m > floor)
                .map(|(m, s)| s / m)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// |ours / LIME's mean − 1| of every (bin, level 0–7) whose LIME mean exceeds `floor`;
/// `ours` is `[bin][level]` as [`bin_means`] returns it.
#[must_use]
pub fn binned_deviations(ours: &[Vec<f64>], profiles: &BinnedProfiles, floor: f64) -> Vec<f64> {
    profiles
        .mean
        .iter()
        .zip(ours)
        .flat_map(|(m, o)| {
            m.iter()
                .zip(o)
                .filter(|(m, _)| **m > floor)
                .map(|(m, o)| (o / m - 1.0).abs())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_run_relative_std_is_the_scaled_difference() {
        let a = [0.30, 0.005, 0.695];
        let b = [0.33, 0.006, 0.664];
        let r = relative_std_over_runs(&[&a, &b], 0.01);
        assert_eq!(r.len(), 2, "the level below the floor is left out");
        let expected = 2f64.sqrt() * 0.03 / 0.63;
        assert!((r[0] - expected).abs() < 1e-12, "{} vs {expected}", r[0]);
    }

    #[test]
    fn quantiles_interpolate_between_ranks() {
        let q = Quantiles::of((1..=101).rev().map(f64::from).collect());
        assert_eq!(
            (q.n, q.median, q.p90, q.p99, q.max),
            (101, 51.0, 91.0, 100.0, 101.0)
        );
        assert!(quantile(&[], 0.5).is_nan());
    }
}
