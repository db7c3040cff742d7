//! One-dimensional spectra: the [`Spectrum`] type, [`read_spectrum`] for observed spectra in
//! any of the supported formats, and writers to TSV, VOTable, FITS tables and FITS images.

mod columns;
mod fits;
mod text;

pub(crate) use text::parse_delimited;
mod units;
mod write;

use std::path::Path;

pub use write::{UNIFORM_AXIS_TOL_STEPS, write_spectrum_fits_image, write_spectrum_table};

use crate::IoError;
use crate::detect::{Sniffed, maybe_gunzip, sniff, utf8};

/// The spectral axis, always in Hz or km/s whatever the file used.
#[derive(Debug, Clone, PartialEq)]
pub enum SpectralAxis {
    /// Frequency of each channel in Hz.
    Frequency {
        /// Channel frequencies, Hz.
        freq_hz: Vec<f64>,
    },
    /// Radio velocity of each channel in km/s.
    Velocity {
        /// Channel velocities, km/s.
        velocity_km_s: Vec<f64>,
        /// Rest frequency the velocities refer to, Hz, when the file gives it.
        rest_freq_hz: Option<f64>,
    },
}

impl SpectralAxis {
    /// Channel coordinates (Hz or km/s).
    pub fn values(&self) -> &[f64] {
        match self {
            SpectralAxis::Frequency { freq_hz } => freq_hz,
            SpectralAxis::Velocity { velocity_km_s, .. } => velocity_km_s,
        }
    }

    /// Number of channels.
    pub fn len(&self) -> usize {
        self.values().len()
    }

    /// Whether there are no channels.
    pub fn is_empty(&self) -> bool {
        self.values().is_empty()
    }
}

/// A spectrum: an axis and one value per channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrum {
    /// Channel coordinates.
    pub axis: SpectralAxis,
    /// One value per channel (NaN for blanked channels).
    pub values: Vec<f64>,
    /// What the values are (column name, FITS `BTYPE`, or `intensity`).
    pub value_name: String,
    /// Unit of the values as the file states it (`K`, `Jy`, ...), empty if none.
    pub value_unit: String,
}

/// Choices a caller can make when a file leaves them open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpectrumReadOptions {
    /// Unit of the spectral axis (`GHz`, `km/s`, ...), overriding what the file says; needed for
    /// text files whose header gives no unit, or that have no header.
    pub axis_unit: Option<String>,
}

/// Reads an observed spectrum, detecting the format from the content:
///
/// * FITS with a 1-D image (any number of degenerate axes) whose non-degenerate axis is
///   `FREQ` or a velocity (`VRAD`, `VELO`, `VLSR`, `VELO-LSR`, `VELOCITY`), units from `CUNITn`
///   (FITS defaults Hz and m/s), `RESTFRQ`/`RESTFREQ`, `BUNIT`; a `FREQ` axis given as an offset
///   from the rest frequency (the CLASS convention) is shifted to absolute frequencies;
/// * FITS without such an image: its first binary table (columns chosen by name, unit from
///   `TUNITn`; one-row tables of vector columns are unrolled);
/// * VOTable (TABLEDATA): the first table, units from the `FIELD`s, rest frequency from a `PARAM`;
/// * anything else as delimited text (see [`SpectrumReadOptions`] for files without units).
///
/// Gzip-compressed files are read too. Errors name the file, and the line and column where a
/// text cell is wrong.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("obs.csv");
/// std::fs::write(&path, "# CO 1-0\nvelocity (km/s),Tmb (K)\n-1.0,0.1\n0.0,2.5\n1.0,0.2\n")?;
/// let spectrum = stop_io::read_spectrum(&path)?;
/// assert_eq!(spectrum.axis.values(), &[-1.0, 0.0, 1.0]);
/// assert_eq!(spectrum.values[1], 2.5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_spectrum(path: impl AsRef<Path>) -> Result<Spectrum, IoError> {
    read_spectrum_with(path, &SpectrumReadOptions::default())
}

/// [`read_spectrum`] with explicit choices.
///
/// ```
/// use stop_io::{read_spectrum_with, SpectralAxis, SpectrumReadOptions};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("obs.txt");
/// std::fs::write(&path, "230.538 1.0\n230.539 2.0\n")?;
/// assert!(stop_io::read_spectrum(&path).is_err()); // GHz? MHz? the file does not say
/// let options = SpectrumReadOptions { axis_unit: Some("GHz".into()) };
/// let spectrum = read_spectrum_with(&path, &options)?;
/// assert!(matches!(spectrum.axis, SpectralAxis::Frequency { ref freq_hz } if freq_hz[0] == 230.538e9));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_spectrum_with(path: impl AsRef<Path>, options: &SpectrumReadOptions) -> Result<Spectrum, IoError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| IoError::io(path, e))?;
    parse_spectrum(path, bytes, options)
}

/// [`read_spectrum_with`] on content already in memory (an HTTP upload); `source` only names
/// it in errors.
///
/// ```
/// use stop_io::{parse_spectrum, SpectrumReadOptions};
/// let upload = b"freq_mhz,flux_jy\n86000.0,0.1\n86000.5,0.3\n".to_vec();
/// let spectrum = parse_spectrum("upload.csv".as_ref(), upload, &SpectrumReadOptions::default())?;
/// assert_eq!(spectrum.axis.values(), &[86.0e9, 86.0005e9]);
/// # Ok::<(), stop_io::IoError>(())
/// ```
pub fn parse_spectrum(source: &Path, bytes: Vec<u8>, options: &SpectrumReadOptions) -> Result<Spectrum, IoError> {
    let path = source;
    let bytes = maybe_gunzip(path, bytes)?;
    let spectrum = match sniff(&bytes) {
        Sniffed::Fits => fits::fits_to_spectrum(path, &bytes, options)?,
        Sniffed::VoTable => {
            let table = crate::votable::parse_votable(path, &utf8(&bytes))?;
            columns::table_to_spectrum(path, &table, options)?
        }
        Sniffed::Text => {
            let text = utf8(&bytes);
            let table = if text.lines().any(|l| l.starts_with("# type\t")) {
                crate::table::parse_tsv_table(path, &text)?
            } else {
                text::parse_delimited(path, &text)?
            };
            columns::table_to_spectrum(path, &table, options)?
        }
    };
    if spectrum.axis.is_empty() || spectrum.axis.len() != spectrum.values.len() {
        return Err(IoError::SpectrumLength {
            path: path.to_path_buf(),
            axis_len: spectrum.axis.len(),
            values_len: spectrum.values.len(),
        });
    }
    Ok(spectrum)
}
