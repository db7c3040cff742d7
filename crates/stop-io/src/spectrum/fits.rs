//! Spectra from FITS files: a 1-D image with a spectral WCS axis, or else the first binary table.

use std::path::Path;

use super::units::{AxisUnit, parse_axis_unit};
use super::{SpectralAxis, Spectrum, SpectrumReadOptions, columns};
use crate::IoError;
use crate::fits::{image_from_hdu, is_image_with_data, parse_hdus, table_from_hdu};

/// CLASS writes `FREQ` axes as offsets from `RESTFREQ`. An axis whose largest |frequency| is
/// below this fraction of the rest frequency cannot hold the line and is taken as such an
/// offset (a real band around a line lies within a few per cent of its rest frequency).
const CLASS_OFFSET_FRACTION: f64 = 0.5;

/// Velocity axis types read as radio/LSR velocities.
const VELOCITY_CTYPES: &[&str] = &["VRAD", "VELO", "VLSR", "VELO-LSR", "VELOCITY", "VELO-HEL", "VELO-OBS"];

pub(crate) fn fits_to_spectrum(path: &Path, bytes: &[u8], options: &SpectrumReadOptions) -> Result<Spectrum, IoError> {
    let hdus = parse_hdus(path, bytes)?;
    if let Some(hdu) = hdus.iter().find(|h| is_image_with_data(h)) {
        let image = image_from_hdu(path, hdu, bytes)?;
        let long_axes: Vec<usize> = (0..image.shape.len()).filter(|&i| image.shape[i] > 1).collect();
        let unsupported = |what: String| IoError::FitsUnsupported {
            path: path.to_path_buf(),
            hdu: hdu.index,
            what,
        };
        let &[i_axis] = long_axes.as_slice() else {
            return Err(unsupported(format!(
                "image of shape {:?} is not a 1-D spectrum",
                image.shape
            )));
        };
        let n = i_axis + 1;
        let ctype = image
            .header
            .get_str(&format!("CTYPE{n}"))
            .unwrap_or("")
            .trim()
            .to_ascii_uppercase();
        let cunit = image
            .header
            .get_str(&format!("CUNIT{n}"))
            .map(str::trim)
            .filter(|u| !u.is_empty());
        let rest_freq_hz = image.meta.rest_freq_hz;
        let is_frequency = ctype == "FREQ" || ctype.starts_with("FREQ-");
        let is_velocity = VELOCITY_CTYPES.contains(&ctype.as_str()) || ctype.starts_with("VRAD-");
        let unit_text = options.axis_unit.as_deref().or(cunit);
        let unit = match unit_text {
            Some(text) => parse_axis_unit(text).ok_or_else(|| IoError::UnknownUnit {
                path: path.to_path_buf(),
                column: format!("CUNIT{n}"),
                unit: text.to_owned(),
                expected: if is_frequency { "frequency" } else { "velocity" },
            })?,
            // FITS WCS default units (Greisen et al. 2006, Table 1): Hz and m/s.
            None if is_frequency => AxisUnit::Frequency { to_hz: 1.0 },
            None if is_velocity => AxisUnit::Velocity { per_km_s: 1e3 },
            None => return Err(unsupported(format!("spectral axis type `{ctype}` (CTYPE{n})"))),
        };
        let Some(axis) = image.meta.wcs.get(i_axis) else {
            return Err(unsupported(format!("no CTYPE{n} on the spectral axis")));
        };
        let raw: Vec<f64> = (1..=image.shape[i_axis]).map(|p| axis.linear_world(p as f64)).collect();
        let axis = match unit {
            AxisUnit::Frequency { to_hz } => {
                let mut freq_hz: Vec<f64> = raw.iter().map(|x| x * to_hz).collect();
                let max_abs = freq_hz.iter().fold(0.0f64, |m, f| m.max(f.abs()));
                if let Some(rest) = rest_freq_hz
                    && max_abs < CLASS_OFFSET_FRACTION * rest
                {
                    freq_hz.iter_mut().for_each(|f| *f += rest);
                }
                SpectralAxis::Frequency { freq_hz }
            }
            AxisUnit::Velocity { per_km_s } => SpectralAxis::Velocity {
                velocity_km_s: raw.iter().map(|x| x / per_km_s).collect(),
                rest_freq_hz,
            },
        };
        return Ok(Spectrum {
            axis,
            values: image.data.to_f64(),
            value_name: image.header.get_str("BTYPE").unwrap_or("intensity").to_owned(),
            value_unit: image.meta.bunit.clone().unwrap_or_default(),
        });
    }
    let hdu = hdus
        .iter()
        .find(|h| h.header.get_str("XTENSION").map(str::trim) == Some("BINTABLE"))
        .ok_or_else(|| IoError::FitsUnsupported {
            path: path.to_path_buf(),
            hdu: 0,
            what: "neither a 1-D image nor a binary table".to_owned(),
        })?;
    let table = table_from_hdu(path, hdu, bytes)?;
    columns::table_to_spectrum(path, &table, options)
}
