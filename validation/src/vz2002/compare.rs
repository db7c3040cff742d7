//! Point-by-point and radially binned deviations of solved populations from a reference curve.

use super::reference::RadialCurve;

/// Deviations `ours / reference − 1` of one quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Deviations {
    /// Points compared.
    pub n_points: usize,
    /// Largest |deviation| of a point.
    pub max_abs: f64,
    /// Root mean square deviation of the points.
    pub rms: f64,
    /// 90th percentile of |deviation|.
    pub p90_abs: f64,
    /// Median deviation (signed).
    pub median: f64,
    /// Per log-radius bin: geometric centre (m), mean deviation, points.
    pub bins: Vec<(f64, f64, usize)>,
    /// The [`N_WORST`] largest |deviations|: (radius m, deviation), largest first.
    pub worst: Vec<(f64, f64)>,
}

/// Points listed in [`Deviations::worst`].
pub const N_WORST: usize = 5;

/// Compares `values[i]` at `radii_m[i]` with `curve` (points outside the curve's range are
/// skipped) and bins the deviations into `n_bins` logarithmic radius bins.
#[must_use]
pub fn deviations(radii_m: &[f64], values: &[f64], curve: &RadialCurve, n_bins: usize) -> Deviations {
    let pairs: Vec<(f64, f64)> =
        radii_m.iter().zip(values).filter_map(|(&r, &v)| curve.at(r).filter(|&c| c > 0.0).map(|c| (r, v / c - 1.0))).collect();
    let mut abs: Vec<f64> = pairs.iter().map(|p| p.1.abs()).collect();
    abs.sort_unstable_by(f64::total_cmp);
    let mut signed: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    signed.sort_unstable_by(f64::total_cmp);
    let pick = |v: &[f64], q: f64| if v.is_empty() { 0.0 } else { v[((q * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)] };
    let n = pairs.len();
    let rms = if n == 0 { 0.0 } else { (pairs.iter().map(|p| p.1 * p.1).sum::<f64>() / n as f64).sqrt() };
    let (lo, hi) = (curve.r_m.first().copied().unwrap_or(1.0).ln(), curve.r_m.last().copied().unwrap_or(1.0).ln());
    let mut sums = vec![(0.0, 0usize); n_bins];
    for &(r, d) in &pairs {
        let b = (((r.ln() - lo) / (hi - lo) * n_bins as f64) as usize).min(n_bins - 1);
        sums[b].0 += d;
        sums[b].1 += 1;
    }
    let bins = sums
        .iter()
        .enumerate()
        .filter(|(_, s)| s.1 > 0)
        .map(|(b, s)| ((lo + (b as f64 + 0.5) * (hi - lo) / n_bins as f64).exp(), s.0 / s.1 as f64, s.1))
        .collect();
    let mut worst = pairs.clone();
    worst.sort_unstable_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    worst.truncate(N_WORST);
    Deviations { n_points: n, max_abs: abs.last().copied().unwrap_or(0.0), rms, p90_abs: pick(&abs, 0.9), median: pick(&signed, 0.5), bins, worst }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values_have_no_deviation_and_offsets_are_found() {
        let curve = RadialCurve { r_m: vec![1.0, 10.0, 100.0], values: vec![1.0, 2.0, 3.0] };
        assert_eq!(curve.at(10f64.sqrt()), Some(1.5));
        let radii = [2.0, 20.0, 1000.0];
        let exact: Vec<f64> = radii.iter().map(|&r| curve.at(r).unwrap_or(0.0) * 1.01).collect();
        let d = deviations(&radii, &exact, &curve, 4);
        assert_eq!(d.n_points, 2);
        assert!((d.max_abs - 0.01).abs() < 1e-12 && (d.rms - 0.01).abs() < 1e-12);
    }
}
