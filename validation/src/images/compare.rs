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

/// Edges of the rings of projected radius (au) in which [`ring_residuals`] sums: the inner
/// envelope, the middle, and the outer envelope beyond 300 au, where STOP's J = 3, 4
/// populations of model A run low (validation/src/modela).
pub const RING_EDGES_AU: [f64; 4] = [0.0, 100.0, 300.0, f64::INFINITY];

/// Per-pixel residuals of one ring of projected radius.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RingFigures {
    /// Pixel-channel values counted (reference above [`PIXEL_FLOOR_OF_PEAK`] of its peak).
    pub n: usize,
    /// Mean of `(a − r) / r`: the sign shows a bias.
    pub mean_signed: f64,
    /// Median of `|a − r| / r`.
    pub median_abs: f64,
}

/// [`pixel_residuals`] split into the rings of [`RING_EDGES_AU`]: pixel `(i, j)` of a cube
/// `[(c · n + j) · n + i]` lies at `hypot(i + ½ − n/2, j + ½ − n/2) · pixel_au` from the
/// centre.
#[must_use]
pub fn ring_residuals(ours: &[f64], reference: &[f64], n_pixels: usize, pixel_au: f64) -> Vec<RingFigures> {
    let peak = reference.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let plane = n_pixels * n_pixels;
    let offset = |k: usize| k as f64 + 0.5 - 0.5 * n_pixels as f64;
    let mut rings: Vec<Vec<f64>> = vec![Vec::new(); RING_EDGES_AU.len() - 1];
    for (k, (a, r)) in ours.iter().zip(reference).enumerate() {
        if *r <= PIXEL_FLOOR_OF_PEAK * peak {
            continue;
        }
        let p = k % plane;
        let radius_au = offset(p % n_pixels).hypot(offset(p / n_pixels)) * pixel_au;
        if let Some(ring) = RING_EDGES_AU.windows(2).position(|e| radius_au >= e[0] && radius_au < e[1]) {
            rings[ring].push((a - r) / r);
        }
    }
    rings
        .into_iter()
        .map(|rel| {
            let mean_signed = rel.iter().sum::<f64>() / rel.len() as f64;
            let mut abs: Vec<f64> = rel.iter().map(|x| x.abs()).collect();
            abs.sort_by(f64::total_cmp);
            RingFigures { n: rel.len(), mean_signed, median_abs: percentile(&abs, 0.5) }
        })
        .collect()
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

    #[test]
    fn rings_sort_pixels_by_projected_radius() {
        // 4 × 4 pixels of 100 au: the four central pixels lie at 70.7 au (ring 0), the
        // edge-centre ones at 158 au (ring 1), the corners at 212 au (ring 1); one channel
        let reference = vec![1.0; 16];
        let mut ours = vec![1.0; 16];
        ours[5] = 1.1; // (1, 1): central
        ours[0] = 0.8; // (0, 0): corner
        let rings = ring_residuals(&ours, &reference, 4, 100.0);
        assert_eq!((rings[0].n, rings[1].n, rings[2].n), (4, 12, 0));
        assert!((rings[0].mean_signed - 0.025).abs() < 1e-12 && (rings[1].mean_signed + 0.2 / 12.0).abs() < 1e-12);
        assert!(rings[0].median_abs.abs() < 1e-12 && rings[2].mean_signed.is_nan());
    }
}
