//! Figures of two cubes of the same shape: peaks, per-channel total flux, integrated flux
//! and per-pixel residual statistics.

/// Pixels count in the per-pixel statistics when the reference exceeds this fraction of its
/// peak (the README's noise table uses "pixels > 10 % of peak").
pub const PIXEL_FLOOR_OF_PEAK: f64 = 0.1;

/// The figures of one cube.
#[derive(Debug, Clone)]
pub struct CubeFigures {
    /// Largest value.
    pub peak: f64,
    /// Sum over the pixels of each channel.
    pub channel_sums: Vec<f64>,
    /// Sum over channels of the channel sums times the channel width.
    pub integrated: f64,
}

/// Peak, channel sums and integral of a cube `[(c · n + j) · n + i]`.
#[must_use]
pub fn figures(values: &[f64], n_pixels: usize, channel_width: f64) -> CubeFigures {
    let plane = n_pixels * n_pixels;
    let channel_sums: Vec<f64> = values.chunks(plane).map(|c| c.iter().sum()).collect();
    let integrated = channel_sums.iter().sum::<f64>() * channel_width;
    CubeFigures { peak: values.iter().copied().fold(f64::NEG_INFINITY, f64::max), channel_sums, integrated }
}

/// Per-pixel relative residuals `|a − r| / r` over the pixels where the reference `r` is
/// above [`PIXEL_FLOOR_OF_PEAK`] of its peak: (median, 90th percentile, number of pixels).
#[must_use]
pub fn pixel_residuals(ours: &[f64], reference: &[f64]) -> (f64, f64, usize) {
    let peak = reference.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut rel: Vec<f64> = ours
        .iter()
        .zip(reference)
        .filter(|(_, r)| **r > PIXEL_FLOOR_OF_PEAK * peak)
        .map(|(a, r)| (a - r).abs() / r)
        .collect();
    rel.sort_by(f64::total_cmp);
    (percentile(&rel, 0.5), percentile(&rel, 0.9), rel.len())
}

/// Nearest-rank percentile of sorted values (NaN when empty).
#[must_use]
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Largest |a_c − r_c| over channels relative to the reference's peak channel sum.
#[must_use]
pub fn worst_channel_flux_difference(ours: &CubeFigures, reference: &CubeFigures) -> f64 {
    let peak = reference.channel_sums.iter().copied().fold(0.0, f64::max);
    ours.channel_sums.iter().zip(&reference.channel_sums).map(|(a, r)| (a - r).abs()).fold(0.0, f64::max) / peak
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residuals_use_only_bright_reference_pixels() {
        let reference = [10.0, 5.0, 0.5, 2.0];
        let ours = [11.0, 5.0, 3.0, 2.1];
        let (median, p90, n) = pixel_residuals(&ours, &reference);
        assert_eq!(n, 3); // 0.5 is below 10 % of the peak 10
        assert!((median - 0.05).abs() < 1e-12 && (p90 - 0.1).abs() < 1e-12);
        let f = figures(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], 2, 0.5);
        assert_eq!(f.channel_sums, vec![10.0, 26.0]);
        assert_eq!((f.peak, f.integrated), (8.0, 18.0));
    }
}
