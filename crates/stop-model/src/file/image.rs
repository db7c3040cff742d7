//! Image settings (LIME's `img[i]`): one `[[image]]` table per cube.

use super::keys::Section;
use super::spec::string_list;
use crate::error::ModelError;
use toml::Value;

/// Brightness unit of an image cube (LIME `unit` codes 0, 1, 2, 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageUnit {
    /// Rayleigh–Jeans brightness temperature, K.
    Kelvin,
    /// Jy per pixel.
    JanskyPerPixel,
    /// Specific intensity, W m⁻² Hz⁻¹ sr⁻¹.
    Si,
    /// Optical depth.
    Tau,
}

/// One image cube to ray-trace (LIME's `img[i]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ImageParams {
    /// Output file name without extension.
    pub file_stem: String,
    /// Transition index, 0-based, in the molecular file's order.
    pub transition: usize,
    /// Channels.
    pub n_channels: usize,
    /// Channel width, m/s.
    pub channel_width_m_s: f64,
    /// Pixels per side.
    pub n_pixels: usize,
    /// Pixel size, arcsec.
    pub pixel_arcsec: f64,
    /// Source distance, m.
    pub distance_m: f64,
    /// Systemic velocity, m/s (default 0).
    pub source_velocity_m_s: f64,
    /// How the model is turned towards the observer.
    pub rotation: Rotation,
    /// Units to write (default `["K"]`).
    pub units: Vec<ImageUnit>,
}

impl ImageParams {
    pub(crate) fn from_section(mut s: Section<'_>) -> Result<Self, ModelError> {
        let positive = |v: f64| v > 0.0;
        let file_stem = s.required_string("file_stem")?;
        let transition = s.count("transition", None, 0)?;
        let n_channels = s.count("n_channels", None, 1)?;
        let channel_width_m_s = s.f64_checked("channel_width_m_s", None, positive, "a width > 0")?;
        let n_pixels = s.count("n_pixels", None, 1)?;
        let pixel_arcsec = s.f64_checked("pixel_arcsec", None, positive, "a size > 0")?;
        let distance_m = s.f64_checked("distance_m", None, positive, "a distance > 0")?;
        let source_velocity_m_s = s.f64("source_velocity_m_s")?.unwrap_or(0.0);
        let angles = [s.f64("inclination_rad")?, s.f64("position_angle_rad")?, s.f64("azimuth_rad")?];
        let rotation = match s.take("rotation_matrix") {
            None => Rotation::Angles(angles.map(|a| a.unwrap_or(0.0))),
            Some(_) if angles.iter().any(Option::is_some) => {
                return Err(s.bad_value("rotation_matrix", "given", "either `rotation_matrix` or the angles, not both"));
            }
            Some(value) => Rotation::Matrix(rotation_matrix(&s, &value)?),
        };
        let units = match string_list(&mut s, "units")? {
            None => vec![ImageUnit::Kelvin],
            Some(names) if !names.is_empty() => names
                .iter()
                .map(|n| match n.as_str() {
                    "K" => Ok(ImageUnit::Kelvin),
                    "Jy/pixel" => Ok(ImageUnit::JanskyPerPixel),
                    "SI" => Ok(ImageUnit::Si),
                    "tau" => Ok(ImageUnit::Tau),
                    other => Err(s.bad_value("units", other, "`K`, `Jy/pixel`, `SI` or `tau`")),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(s.bad_value("units", "[]", "at least one unit")),
        };
        s.finish()?;
        Ok(Self { file_stem, transition, n_channels, channel_width_m_s, n_pixels, pixel_arcsec, distance_m, source_velocity_m_s, rotation, units })
    }

    /// The rotation R with `r_model = R · r_obs` (observer: x right, y up, z away).
    #[must_use]
    pub fn rotation_matrix(&self) -> [[f64; 3]; 3] {
        match self.rotation {
            Rotation::Matrix(m) => m,
            Rotation::Angles(angles) => lime_rotation(angles),
        }
    }
}

/// How an image is oriented.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rotation {
    /// `inclination_rad`, `position_angle_rad`, `azimuth_rad` (default 0 each).
    Angles([f64; 3]),
    /// An explicit orthonormal matrix, `rotation_matrix = [[…], […], […]]`.
    Matrix([[f64; 3]; 3]),
}

/// Tolerance on RᵀR = 1 for a given rotation matrix: matrices written with ~15 digits.
const ORTHONORMAL_TOLERANCE: f64 = 1e-9;

fn rotation_matrix(s: &Section<'_>, value: &Value) -> Result<[[f64; 3]; 3], ModelError> {
    let expected = "a 3 × 3 orthonormal matrix (rows of numbers)";
    let rows = value.as_array().filter(|r| r.len() == 3).ok_or_else(|| s.wrong_type("rotation_matrix", expected, value))?;
    let mut m = [[0.0; 3]; 3];
    for (i, row) in rows.iter().enumerate() {
        let cells = row.as_array().filter(|c| c.len() == 3).ok_or_else(|| s.wrong_type("rotation_matrix", expected, value))?;
        for (j, cell) in cells.iter().enumerate() {
            m[i][j] = s.number(&format!("rotation_matrix[{i}][{j}]"), cell)?;
        }
    }
    let orthonormal = (0..3).all(|i| {
        (0..3).all(|j| {
            let dot: f64 = (0..3).map(|k| m[k][i] * m[k][j]).sum();
            (dot - if i == j { 1.0 } else { 0.0 }).abs() < ORTHONORMAL_TOLERANCE
        })
    });
    if orthonormal { Ok(m) } else { Err(s.bad_value("rotation_matrix", value, expected)) }
}

/// LIME's (PA, inclination, azimuth) scheme, `lime-algorithm.md` §4.1:
/// R = R_z(az + π/2) · R_y(inc + π) · R_z(pa).
fn lime_rotation([inc, pa, az]: [f64; 3]) -> [[f64; 3]; 3] {
    let rz = |a: f64| [[a.cos(), -a.sin(), 0.0], [a.sin(), a.cos(), 0.0], [0.0, 0.0, 1.0]];
    let ry = |a: f64| [[a.cos(), 0.0, -a.sin()], [0.0, 1.0, 0.0], [a.sin(), 0.0, a.cos()]];
    let mul = |a: [[f64; 3]; 3], b: [[f64; 3]; 3]| {
        let mut c = [[0.0; 3]; 3];
        for (i, row) in c.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = (0..3).map(|k| a[i][k] * b[k][j]).sum();
            }
        }
        c
    };
    mul(mul(rz(az + std::f64::consts::FRAC_PI_2), ry(inc + std::f64::consts::PI)), rz(pa))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_angles_give_limes_face_on_matrix() {
        // ../shared/reference/lime/modelA/model.toml: rotation_matrix for incl = posang = azimuth = 0.
        let expected = [[0.0, -1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, -1.0]];
        let m = lime_rotation([0.0; 3]);
        assert!(m.iter().flatten().zip(expected.iter().flatten()).all(|(a, b)| (a - b).abs() < 1e-15), "{m:?}");
    }
}
