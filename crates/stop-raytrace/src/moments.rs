//! Moment maps and spectra of a cube, written as FITS (with the cube's celestial WCS) and as
//! PNG or SVG plots.

use crate::error::RaytraceError;
use crate::fits::{SkyPlacement, cube_meta};
use crate::image::ImageCube;
use crate::units::values;
use std::path::Path;
use stop_io::{ImageMeta, SpectralAxis, Spectrum, write_fits_image, write_spectrum_fits_image};
use stop_model::file::ImageUnit;
use stop_plot::{MapFigure, MapScale, plot_map};

/// Moment-0 and moment-1 maps, `[j · n + i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    /// `Σ_c T_c Δv`, in the cube's unit times km/s.
    pub moment0: Vec<f64>,
    /// `Σ_c v_c T_c / Σ_c T_c`, km/s; NaN where moment 0 is below the threshold.
    pub moment1_km_s: Vec<f64>,
}

/// Moment 1 is left blank where moment 0 is below this fraction of its peak (the default of
/// [`moment_maps`]).
pub const MOMENT1_MIN_FRACTION: f64 = 0.01;

/// The two maps `stop lime --moments` and the `lime` job write, with their file-name suffix
/// and BUNIT: moment 0 (`mom0`, unit·km/s, no clipping) and moment 1 (`mom1`, km/s, blank
/// below [`MOMENT1_MIN_FRACTION`] of the peak).
#[must_use]
pub fn moment_maps(cube: &ImageCube, unit: ImageUnit) -> [(&'static str, Vec<f64>, String); 2] {
    let m = moments(cube, unit, 0.0, MOMENT1_MIN_FRACTION);
    let unit_name = crate::units::bunit(unit);
    [("mom0", m.moment0, format!("{unit_name} km/s")), ("mom1", m.moment1_km_s, "km/s".to_owned())]
}

/// Moments of the cube in `unit`, counting only channels above `clip` (in the unit; the
/// usual guard against noise, here against the negative CMB-subtracted absorption), and
/// leaving moment 1 blank (NaN) where moment 0 is below `min_fraction` of its peak.
#[must_use]
pub fn moments(cube: &ImageCube, unit: ImageUnit, clip: f64, min_fraction: f64) -> Moments {
    let data = values(cube, unit);
    let plane = cube.n_pixels * cube.n_pixels;
    let dv_km_s = cube.channel_width_m_s * 1e-3;
    let mut moment0 = vec![0.0; plane];
    let mut weighted = vec![0.0; plane];
    for (c, channel) in data.chunks(plane).enumerate() {
        let v_km_s = cube.channel_velocity_m_s(c) * 1e-3;
        for (p, &t) in channel.iter().enumerate() {
            if t > clip {
                moment0[p] += t * dv_km_s;
                weighted[p] += v_km_s * t * dv_km_s;
            }
        }
    }
    let peak = moment0.iter().copied().fold(0.0, f64::max);
    let moment1_km_s = moment0.iter().zip(&weighted).map(|(&m0, &w)| if m0 > min_fraction * peak && m0 > 0.0 { w / m0 } else { f64::NAN }).collect();
    Moments { moment0, moment1_km_s }
}

/// The spectrum of the pixel holding the sky offset (`east_arcsec`, `north_arcsec`) from the
/// image centre, in `unit`; `None` outside the image.
#[must_use]
pub fn spectrum_at(cube: &ImageCube, unit: ImageUnit, east_arcsec: f64, north_arcsec: f64) -> Option<Vec<f64>> {
    let n = cube.n_pixels as f64;
    let pixel_arcsec = cube.pixel_rad.to_degrees() * 3600.0;
    // pixel i runs west (RA falls with i), its centre at (i + 0.5 − n/2) pixels
    let (fi, fj) = ((-east_arcsec / pixel_arcsec + n / 2.0).floor(), (north_arcsec / pixel_arcsec + n / 2.0).floor());
    if !(fi >= 0.0 && fj >= 0.0 && fi < n && fj < n) {
        return None;
    }
    let plane = cube.n_pixels * cube.n_pixels;
    let p = fj as usize * cube.n_pixels + fi as usize;
    let data = values(cube, unit);
    Some((0..cube.n_channels).map(|c| data[c * plane + p]).collect())
}

/// Writes a map (`[j · n + i]`) as a 2-D FITS image with the cube's celestial axes.
///
/// # Errors
/// [`RaytraceError::Io`] when the file cannot be written.
pub fn write_map(path: &Path, cube: &ImageCube, map: &[f64], bunit: &str, sky: &SkyPlacement) -> Result<(), RaytraceError> {
    let full = cube_meta(cube, ImageUnit::Kelvin, sky);
    let meta = ImageMeta {
        wcs: full.wcs[..2].to_vec(),
        bunit: Some(bunit.to_owned()),
        extra: full.extra.into_iter().filter(|c| c.keyword != "VELREF").collect(),
        ..full
    };
    let data: Vec<f32> = map.iter().map(|&v| v as f32).collect();
    Ok(write_fits_image(path, &[cube.n_pixels, cube.n_pixels], &data, &meta)?)
}

/// Plots a map (`[j · n + i]`, as [`moment_maps`] returns it) as PNG or SVG (by extension):
/// sky offsets from the image centre in arcsec, east to the left, north up; a colour bar in
/// `bunit`. Moment 1 (`suffix` `mom1`, velocities) gets diverging colours centred on 0 km/s,
/// other maps sequential ones; blank (NaN) pixels are grey.
///
/// # Errors
/// [`RaytraceError::Plot`] naming the file.
pub fn plot_moment_map(path: &Path, cube: &ImageCube, suffix: &str, map: &[f64], bunit: &str) -> Result<(), RaytraceError> {
    let half_arcsec = 0.5 * cube.n_pixels as f64 * cube.pixel_rad.to_degrees() * 3600.0;
    let (scale, what) = if suffix == "mom1" { (MapScale::Diverging, "moment 1") } else { (MapScale::Sequential, "moment 0") };
    let figure = MapFigure {
        title: format!("{} {what}", cube.file_stem),
        x_label: "ΔRA (arcsec)".to_owned(),
        y_label: "ΔDec (arcsec)".to_owned(),
        value_label: bunit.to_owned(),
        n_x: cube.n_pixels,
        n_y: cube.n_pixels,
        values: map.to_vec(),
        // pixel i = 0 is the easternmost (RA falls with i, CDELT1 < 0)
        x_edges: (half_arcsec, -half_arcsec),
        y_edges: (-half_arcsec, half_arcsec),
        scale,
        size_px: (760, 640),
    };
    plot_map(path, &figure).map_err(|e| RaytraceError::Plot { path: path.to_path_buf(), message: e.to_string() })
}

/// Writes a spectrum (one value per channel, `unit`) as a 1-D FITS image with a `VRAD` axis
/// in m/s, and, when `plot` is given, as a PNG or SVG plot (by extension).
///
/// # Errors
/// [`RaytraceError::Io`] for the FITS file, [`RaytraceError::Plot`] for the plot.
pub fn write_spectrum(fits_path: &Path, plot: Option<&Path>, cube: &ImageCube, unit: ImageUnit, values: &[f64], title: &str) -> Result<(), RaytraceError> {
    let velocity_km_s: Vec<f64> = (0..cube.n_channels).map(|c| cube.channel_velocity_m_s(c) * 1e-3).collect();
    let spectrum = Spectrum {
        axis: SpectralAxis::Velocity { velocity_km_s: velocity_km_s.clone(), rest_freq_hz: Some(cube.rest_freq_hz) },
        values: values.to_vec(),
        value_name: title.to_owned(),
        value_unit: crate::units::bunit(unit).to_owned(),
    };
    let base = ImageMeta { rest_freq_hz: Some(cube.rest_freq_hz), specsys: Some("LSRK".into()), object: Some(cube.file_stem.clone()), ..ImageMeta::default() };
    write_spectrum_fits_image(fits_path, &spectrum, &base)?;
    if let Some(plot_path) = plot {
        let unit_label = match crate::units::bunit(unit) {
            "" => "τ".to_owned(),
            u => u.to_owned(),
        };
        let figure = stop_plot::Figure::new(title, "v (km/s)", &unit_label).with(stop_plot::Series::new(&cube.file_stem, velocity_km_s, values.to_vec(), stop_plot::SeriesKind::Steps));
        stop_plot::plot_spectrum(plot_path, &figure).map_err(|e| RaytraceError::Plot { path: plot_path.to_path_buf(), message: e.to_string() })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_of_a_two_channel_pixel() {
        // one pixel, channels at ∓50 m/s holding 1 and 3 K: M0 = 4 K × 0.1 km/s,
        // M1 = (−0.05 · 1 + 0.05 · 3) / 4 = 0.025 km/s
        let cube = ImageCube {
            file_stem: "m".into(),
            n_pixels: 1,
            n_channels: 2,
            pixel_rad: 1e-6,
            channel_width_m_s: 100.0,
            rest_freq_hz: 1e11,
            distance_m: 1.0,
            intensity_si: vec![1.0, 3.0],
            tau: vec![0.0, 0.0],
            continuum_si: vec![0.0],
            beam: None,
        };
        let m = moments(&cube, ImageUnit::Si, 0.0, 0.0);
        assert!((m.moment0[0] - 0.4).abs() < 1e-15);
        assert!((m.moment1_km_s[0] - 0.025).abs() < 1e-15);
        assert_eq!(spectrum_at(&cube, ImageUnit::Si, 0.0, 0.0), Some(vec![1.0, 3.0]));
        assert_eq!(spectrum_at(&cube, ImageUnit::Si, 1.0, 0.0), None);
    }

    #[test]
    fn moment_maps_are_plotted_as_png_and_svg() {
        // 4 × 4 pixels, 3 channels at −1, 0, +1 km/s; each pixel holds 1 in channel
        // (i + j) mod 3: moment 1 takes the three velocities, moment 0 is 1 K × 1 km/s
        let (n, n_chan) = (4, 3);
        let mut intensity_si = vec![0.0; n * n * n_chan];
        for p in 0..n * n {
            intensity_si[((p % n + p / n) % 3) * n * n + p] = 1.0;
        }
        let cube = ImageCube {
            file_stem: "ring".into(),
            n_pixels: n,
            n_channels: n_chan,
            pixel_rad: 1e-6,
            channel_width_m_s: 1000.0,
            rest_freq_hz: 1e11,
            distance_m: 1.0,
            intensity_si,
            tau: vec![0.0; n * n * n_chan],
            continuum_si: vec![0.0; n * n],
            beam: None,
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let [(s0, m0, u0), (s1, m1, u1)] = moment_maps(&cube, ImageUnit::Si);
        assert!(m0.iter().all(|&v| (v - 1.0).abs() < 1e-12));
        assert!(m1.iter().enumerate().all(|(p, &v)| (v - [-1.0, 0.0, 1.0][(p % n + p / n) % 3]).abs() < 1e-12));
        for (suffix, map, bunit) in [(s0, m0, u0), (s1, m1, u1)] {
            for ext in ["png", "svg"] {
                let path = dir.path().join(format!("ring_{suffix}.{ext}"));
                plot_moment_map(&path, &cube, suffix, &map, &bunit).expect("plotted");
                assert!(std::fs::metadata(&path).expect("written").len() > 1000);
            }
        }
        let svg = std::fs::read_to_string(dir.path().join("ring_mom1.svg")).expect("svg");
        assert!(svg.contains("ring moment 1") && svg.contains("km/s") && svg.contains("ΔRA (arcsec)"));
        // the zero-velocity pixels in the diverging scale's white
        assert!(svg.to_ascii_uppercase().contains("#FAFAFA"));
        let err = plot_moment_map(&dir.path().join("ring.gif"), &cube, "mom0", &[1.0; 16], "K km/s").expect_err("format");
        assert!(err.to_string().contains("ring.gif"), "{err}");
    }
}
