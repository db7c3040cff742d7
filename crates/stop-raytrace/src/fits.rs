//! FITS cubes with a complete WCS (Greisen & Calabretta 2002, A&A 395, 1061,
//! 2002A&A...395.1061G; spectral axes: Greisen et al. 2006, A&A 446, 747,
//! 2006A&A...446..747G), laid out as LIME's (`lime-algorithm.md` §4.4): axes RA---SIN,
//! DEC--SIN, a spectral axis and a STOKES axis of length 1, float32.

use crate::image::ImageCube;
use crate::units::{bunit, values};
use std::path::Path;
use stop_io::{Beam, Card, HeaderValue, ImageMeta, WcsAxis, write_fits_image};
use stop_model::file::ImageUnit;
use stop_physics::constants::C_M_S;

/// The spectral axis written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SpectralAxisKind {
    /// `VELO-LSR` in m/s with `VELREF = 257` (radio convention, LSR), as LIME writes it;
    /// WCS readers translate it to `VRAD`.
    #[default]
    VeloLsr,
    /// `FREQ` in Hz, radio convention: `ν = ν0 (1 − v/c)`.
    Freq,
}

/// Where the image centre is on the sky and which spectral axis to write.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SkyPlacement {
    /// Right ascension of the image centre, degrees (LIME: 0).
    pub ra_deg: f64,
    /// Declination of the image centre, degrees (LIME: 0).
    pub dec_deg: f64,
    /// The spectral axis.
    pub spectral: SpectralAxisKind,
}

/// The header of a cube in `unit`: the WCS axes (reference pixel `n/2 + 0.5` at the image
/// centre; channel `c` (0-based) at `(c − (n_c − 1)/2) Δv`), `BUNIT`, `RESTFRQ`, `SPECSYS`,
/// the beam when convolved, `OBJECT` = the file stem.
#[must_use]
pub fn cube_meta(cube: &ImageCube, unit: ImageUnit, sky: &SkyPlacement) -> ImageMeta {
    let pixel_deg = cube.pixel_rad.to_degrees();
    let crpix = 0.5 * cube.n_pixels as f64 + 0.5;
    let crpix_chan = 0.5 * (cube.n_channels as f64 - 1.0) + 1.0;
    let spectral = match sky.spectral {
        SpectralAxisKind::VeloLsr => WcsAxis::linear("VELO-LSR", "m/s", 0.0, cube.channel_width_m_s, crpix_chan),
        SpectralAxisKind::Freq => {
            WcsAxis::freq_hz(cube.rest_freq_hz, -cube.rest_freq_hz * cube.channel_width_m_s / C_M_S, crpix_chan)
        }
    };
    let mut extra = vec![Card::new("EQUINOX", HeaderValue::Float(2000.0))];
    if sky.spectral == SpectralAxisKind::VeloLsr {
        extra.push(Card::new("VELREF", HeaderValue::Int(257)));
    }
    let bunit = match (unit, cube.beam) {
        (ImageUnit::JanskyPerPixel, Some(_)) => "Jy/beam",
        _ => bunit(unit),
    };
    ImageMeta {
        wcs: vec![
            WcsAxis::ra_sin_deg(sky.ra_deg, -pixel_deg, crpix),
            WcsAxis::dec_sin_deg(sky.dec_deg, pixel_deg, crpix),
            spectral,
            WcsAxis::linear("STOKES", "", 1.0, 1.0, 1.0),
        ],
        bunit: (!bunit.is_empty()).then(|| bunit.to_owned()),
        rest_freq_hz: Some(cube.rest_freq_hz),
        specsys: Some("LSRK".to_owned()),
        radesys: Some("ICRS".to_owned()),
        beam: cube.beam.map(|b| Beam { bmaj_deg: b.bmaj_arcsec / 3600.0, bmin_deg: b.bmin_arcsec / 3600.0, bpa_deg: b.bpa_deg }),
        object: Some(cube.file_stem.clone()),
        extra,
        history: vec![format!("ray-traced by stop-raytrace {}", env!("CARGO_PKG_VERSION"))],
        comments: Vec::new(),
    }
}

/// Writes the cube in `unit` as a 4-axis float32 FITS file.
///
/// # Errors
/// [`stop_io::IoError`] when the file cannot be written.
pub fn write_cube(path: &Path, cube: &ImageCube, unit: ImageUnit, sky: &SkyPlacement) -> Result<(), stop_io::IoError> {
    let data: Vec<f32> = values(cube, unit).iter().map(|&v| v as f32).collect();
    write_fits_image(path, &[cube.n_pixels, cube.n_pixels, cube.n_channels, 1], &data, &cube_meta(cube, unit, sky))
}
