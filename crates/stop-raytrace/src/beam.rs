//! Convolution of a cube with an elliptical Gaussian beam.

use crate::error::RaytraceError;
use crate::image::ImageCube;
use rayon::prelude::*;
use stop_physics::constants::ARCSEC_RAD;

/// The kernel is cut where it falls below `exp(−KERNEL_SIGMAS²/2)` along the major axis
/// (4 σ: 3.4e-4 of the peak; the cut kernel is renormalised to unit sum).
const KERNEL_SIGMAS: f64 = 4.0;

/// An elliptical Gaussian beam (FWHM of the axes, position angle east of north).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaussianBeam {
    /// Major-axis FWHM, arcsec.
    pub bmaj_arcsec: f64,
    /// Minor-axis FWHM, arcsec.
    pub bmin_arcsec: f64,
    /// Position angle of the major axis, degrees east of north.
    pub bpa_deg: f64,
}

impl GaussianBeam {
    /// Solid angle `π θ_maj θ_min / (4 ln 2)`, sr.
    ///
    /// ```
    /// let beam = stop_raytrace::beam::GaussianBeam { bmaj_arcsec: 1.0, bmin_arcsec: 1.0, bpa_deg: 0.0 };
    /// // 1.133 × (1")² = 1.1331 × 2.3504e-11 sr
    /// assert!((beam.solid_angle_sr() / 2.6634e-11 - 1.0).abs() < 1e-4);
    /// ```
    #[must_use]
    pub fn solid_angle_sr(&self) -> f64 {
        std::f64::consts::PI * self.bmaj_arcsec * self.bmin_arcsec * ARCSEC_RAD * ARCSEC_RAD / (4.0 * std::f64::consts::LN_2)
    }

    fn validate(&self) -> Result<(), RaytraceError> {
        let ok = self.bmin_arcsec > 0.0 && self.bmaj_arcsec >= self.bmin_arcsec && self.bmaj_arcsec.is_finite() && self.bpa_deg.is_finite();
        if ok {
            Ok(())
        } else {
            Err(RaytraceError::BadParameter {
                what: "beam",
                value: format!("{} x {} arcsec, PA {} deg", self.bmaj_arcsec, self.bmin_arcsec, self.bpa_deg),
                expected: "finite FWHMs with bmaj >= bmin > 0",
            })
        }
    }

    /// The normalised kernel on a pixel grid of `pixel_arcsec`, `(half width, weights)` with
    /// weights `[(dy + h) (2h + 1) + dx + h]`. Offsets: `dx` along image x (west, as RA falls
    /// with pixel index), `dy` along y (north); the major axis points along
    /// `(−sin PA, cos PA)`.
    fn kernel(&self, pixel_arcsec: f64) -> (usize, Vec<f64>) {
        let fwhm_to_sigma = 1.0 / (8.0 * std::f64::consts::LN_2).sqrt();
        let (s_maj, s_min) = (self.bmaj_arcsec * fwhm_to_sigma / pixel_arcsec, self.bmin_arcsec * fwhm_to_sigma / pixel_arcsec);
        let half = (KERNEL_SIGMAS * s_maj).ceil() as usize;
        let (sin, cos) = self.bpa_deg.to_radians().sin_cos();
        let side = 2 * half + 1;
        let mut weights = Vec::with_capacity(side * side);
        for dy in 0..side {
            for dx in 0..side {
                let (x, y) = (dx as f64 - half as f64, dy as f64 - half as f64);
                let (u, w) = (-x * sin + y * cos, x * cos + y * sin);
                let q = 0.5 * (u * u / (s_maj * s_maj) + w * w / (s_min * s_min));
                weights.push(if q <= 0.5 * KERNEL_SIGMAS * KERNEL_SIGMAS { (-q).exp() } else { 0.0 });
            }
        }
        let sum: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= sum);
        (half, weights)
    }
}

fn convolve_plane(plane: &[f64], n: usize, half: usize, kernel: &[f64]) -> Vec<f64> {
    let side = 2 * half + 1;
    let mut out = vec![0.0; n * n];
    for j in 0..n {
        for i in 0..n {
            let mut sum = 0.0;
            for ky in 0..side {
                let Some(y) = (j + ky).checked_sub(half).filter(|&y| y < n) else { continue };
                for kx in 0..side {
                    let Some(x) = (i + kx).checked_sub(half).filter(|&x| x < n) else { continue };
                    sum += kernel[ky * side + kx] * plane[y * n + x];
                }
            }
            out[j * n + i] = sum;
        }
    }
    out
}

/// The cube seen through `beam`: every channel, the continuum and τ convolved with the
/// normalised kernel (surface brightness is kept: K stay K; Jy/pixel become Jy/beam,
/// [`crate::units`]). Outside the image the sky counts as empty.
///
/// # Errors
/// [`RaytraceError::BadParameter`] for a beam with `bmin ≤ 0`, `bmaj < bmin` or non-finite
/// values, or a cube that is already convolved.
pub fn convolve(cube: &ImageCube, beam: GaussianBeam) -> Result<ImageCube, RaytraceError> {
    beam.validate()?;
    if cube.beam.is_some() {
        return Err(RaytraceError::BadParameter { what: "beam", value: "a second beam".into(), expected: "an unconvolved cube" });
    }
    let n = cube.n_pixels;
    let (half, kernel) = beam.kernel(cube.pixel_rad / ARCSEC_RAD);
    let each = |data: &[f64]| -> Vec<f64> { data.par_chunks(n * n).flat_map_iter(|p| convolve_plane(p, n, half, &kernel)).collect() };
    let mut out = cube.clone();
    out.intensity_si = each(&cube.intensity_si);
    out.tau = each(&cube.tau);
    out.continuum_si = each(&cube.continuum_si);
    out.beam = Some(beam);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point_source(n: usize, value: f64) -> ImageCube {
        let mut intensity_si = vec![0.0; n * n];
        intensity_si[(n / 2) * n + n / 2] = value;
        ImageCube {
            file_stem: "p".into(),
            n_pixels: n,
            n_channels: 1,
            pixel_rad: 0.1 * ARCSEC_RAD,
            channel_width_m_s: 1.0,
            rest_freq_hz: 1e11,
            distance_m: 1.0,
            tau: vec![0.0; n * n],
            continuum_si: vec![0.0; n * n],
            intensity_si,
            beam: None,
        }
    }

    #[test]
    fn point_source_becomes_the_beam_with_flux_kept() {
        // a 1" × 0.5" beam at PA 30° on 0.1" pixels: the image of a point source is the
        // Gaussian itself; its half-maximum contour passes 0.5" from the centre along the
        // major axis, direction (−sin 30°, cos 30°) in (x, y) pixels
        let cube = point_source(41, 1.0);
        let beam = GaussianBeam { bmaj_arcsec: 1.0, bmin_arcsec: 0.5, bpa_deg: 30.0 };
        let out = convolve(&cube, beam).expect("valid beam");
        let total: f64 = out.intensity_si.iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
        let centre = out.intensity_si[20 * 41 + 20];
        // along the major axis at 5 pixels (0.5" = half the FWHM): half of the peak
        let (s, c) = 30f64.to_radians().sin_cos();
        let sigma_px = 10.0 / (8.0 * std::f64::consts::LN_2).sqrt();
        let (x, y) = (-5.0 * s, 5.0 * c);
        // sample on the pixel lattice: (x, y) is not a lattice point, so check the Gaussian
        // at the nearest lattice point instead, using the major/minor decomposition
        let (xi, yi) = (x.round(), y.round());
        let (u, w) = (-xi * s + yi * c, xi * c + yi * s);
        let expected = (-0.5 * (u * u / (sigma_px * sigma_px) + w * w / (0.25 * sigma_px * sigma_px))).exp();
        let got = out.intensity_si[(20 + yi as usize) * 41 + (20.0 + xi) as usize] / centre;
        assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
        assert!((expected - 0.5).abs() < 0.15);
        assert!(convolve(&out, beam).is_err());
        assert!(convolve(&cube, GaussianBeam { bmaj_arcsec: 0.4, bmin_arcsec: 0.5, bpa_deg: 0.0 }).is_err());
    }
}
