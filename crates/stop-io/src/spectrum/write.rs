//! Writing a [`Spectrum`]: as a two-column table (TSV, FITS binary table, VOTable) or as a
//! 1-D FITS image with a spectral WCS axis.

use std::path::Path;

use super::{SpectralAxis, Spectrum};
use crate::IoError;
use crate::fits::{Card, HeaderValue, ImageMeta, WcsAxis, write_fits_image};
use crate::table::{Column, Schema, Table, TableFormat, Value, create_table_writer};

/// Largest deviation of a channel from the uniform grid, in channel steps, that a FITS image
/// axis may have. Grids built in `f64` (`x0 + i·dx` or linspace) deviate by ~1e-12 steps;
/// anything above 1e-6 steps is a genuinely non-uniform axis that a linear WCS would shift.
pub const UNIFORM_AXIS_TOL_STEPS: f64 = 1e-6;

/// Metres per kilometre, to give `VRAD` axes in m/s (the WCS unit) from km/s.
const M_PER_KM: f64 = 1e3;

fn check_lengths(path: &Path, spectrum: &Spectrum) -> Result<(), IoError> {
    if spectrum.axis.is_empty() || spectrum.axis.len() != spectrum.values.len() {
        return Err(IoError::SpectrumLength {
            path: path.to_path_buf(),
            axis_len: spectrum.axis.len(),
            values_len: spectrum.values.len(),
        });
    }
    Ok(())
}

/// Writes a spectrum as a table of two columns: `freq_hz` (Hz, UCD `em.freq`) or
/// `velocity_km_s` (km/s, UCD `spect.dopplerVeloc.radio`), then the values under
/// `value_name` (or `intensity` when that is empty) with `value_unit`. A rest frequency is
/// written as the parameter `rest_freq_hz`. [`read_spectrum`](super::read_spectrum) reads all
/// three formats back.
///
/// ```
/// use stop_io::{read_spectrum, write_spectrum_table, SpectralAxis, Spectrum, TableFormat};
/// let dir = tempfile::tempdir()?;
/// let spectrum = Spectrum {
///     axis: SpectralAxis::Velocity { velocity_km_s: vec![-0.5, 0.0, 0.5], rest_freq_hz: Some(230.538e9) },
///     values: vec![0.1, 3.2, 0.2],
///     value_name: "tmb_k".into(),
///     value_unit: "K".into(),
/// };
/// for (name, format) in [("s.tsv", TableFormat::Tsv), ("s.fits", TableFormat::Fits), ("s.vot", TableFormat::VoTable)] {
///     let path = dir.path().join(name);
///     write_spectrum_table(&path, format, &spectrum)?;
///     assert_eq!(read_spectrum(&path)?, spectrum);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_spectrum_table(path: impl AsRef<Path>, format: TableFormat, spectrum: &Spectrum) -> Result<(), IoError> {
    let path = path.as_ref();
    check_lengths(path, spectrum)?;
    let mut writer = create_table_writer(path, format, &spectrum_schema(spectrum)?)?;
    for (&x, &y) in spectrum.axis.values().iter().zip(&spectrum.values) {
        writer.write_row(&[Value::F64(x), Value::F64(y)])?;
    }
    writer.finish()
}

/// The two-column schema [`write_spectrum_table`] uses.
fn spectrum_schema(spectrum: &Spectrum) -> Result<Schema, IoError> {
    let (axis_column, rest_freq_hz) = match &spectrum.axis {
        SpectralAxis::Frequency { .. } => (Column::f64("freq_hz").unit("Hz").ucd("em.freq"), None),
        SpectralAxis::Velocity { rest_freq_hz, .. } => (
            Column::f64("velocity_km_s")
                .unit("km/s")
                .ucd("spect.dopplerVeloc.radio"),
            *rest_freq_hz,
        ),
    };
    let value_name = if spectrum.value_name.is_empty() {
        "intensity"
    } else {
        &spectrum.value_name
    };
    let mut value_column = Column::f64(value_name);
    if !spectrum.value_unit.is_empty() {
        value_column = value_column.unit(&spectrum.value_unit);
    }
    let mut schema = Schema::new(vec![axis_column, value_column])?;
    if let Some(rest) = rest_freq_hz {
        schema = schema.with_param("rest_freq_hz", Value::F64(rest), Some("Hz"))?;
    }
    Ok(schema)
}

impl Spectrum {
    /// The table [`write_spectrum_table`] writes, in memory (e.g. for
    /// [`votable_string`](crate::votable_string) and a SAMP message).
    ///
    /// ```
    /// use stop_io::{votable_string, SpectralAxis, Spectrum};
    /// let spectrum = Spectrum {
    ///     axis: SpectralAxis::Frequency { freq_hz: vec![1.0e11, 1.1e11] },
    ///     values: vec![0.5, 0.25],
    ///     value_name: "intensity".into(),
    ///     value_unit: "K".into(),
    /// };
    /// let xml = votable_string(&spectrum.to_table()?)?;
    /// assert!(xml.contains(r#"<FIELD name="freq_hz" datatype="double" unit="Hz" ucd="em.freq"/>"#));
    /// # Ok::<(), stop_io::IoError>(())
    /// ```
    pub fn to_table(&self) -> Result<Table, IoError> {
        check_lengths(Path::new("<memory>"), self)?;
        Ok(Table {
            schema: spectrum_schema(self)?,
            rows: self
                .axis
                .values()
                .iter()
                .zip(&self.values)
                .map(|(&x, &y)| vec![Value::F64(x), Value::F64(y)])
                .collect(),
        })
    }
}

/// Writes a spectrum as a 1-D FITS image: `FREQ` in Hz, or `VRAD` in m/s with `RESTFRQ`;
/// `BUNIT` from `value_unit`, `BTYPE` from `value_name`. `base` supplies the other keywords
/// (`SPECSYS`, `OBJECT`, history, ...); its `wcs`, `bunit` and `rest_freq_hz` are replaced.
/// The axis must be uniform within [`UNIFORM_AXIS_TOL_STEPS`]; otherwise write a table.
///
/// ```
/// use stop_io::{read_spectrum, write_spectrum_fits_image, ImageMeta, SpectralAxis, Spectrum};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("model.fits");
/// let spectrum = Spectrum {
///     axis: SpectralAxis::Frequency { freq_hz: vec![115.0e9, 115.001e9, 115.002e9] },
///     values: vec![0.0, 1.0, 0.0],
///     value_name: "intensity".into(),
///     value_unit: "K".into(),
/// };
/// let base = ImageMeta { specsys: Some("LSRK".into()), ..ImageMeta::default() };
/// write_spectrum_fits_image(&path, &spectrum, &base)?;
/// let back = read_spectrum(&path)?;
/// assert_eq!(back.values, spectrum.values);
/// assert!((back.axis.values()[2] - 115.002e9).abs() < 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_spectrum_fits_image(path: impl AsRef<Path>, spectrum: &Spectrum, base: &ImageMeta) -> Result<(), IoError> {
    let path = path.as_ref();
    check_lengths(path, spectrum)?;
    let axis = spectrum.axis.values();
    let n = axis.len();
    let step = if n > 1 {
        (axis[n - 1] - axis[0]) / (n - 1) as f64
    } else {
        1.0
    };
    for (i, &x) in axis.iter().enumerate() {
        let deviation_steps = ((x - (axis[0] + step * i as f64)) / step).abs();
        if deviation_steps.is_nan() || deviation_steps > UNIFORM_AXIS_TOL_STEPS {
            return Err(IoError::NonUniformAxis {
                path: path.to_path_buf(),
                channel: i,
                deviation_steps,
            });
        }
    }
    let mut meta = base.clone();
    meta.bunit = (!spectrum.value_unit.is_empty()).then(|| spectrum.value_unit.clone());
    match &spectrum.axis {
        SpectralAxis::Frequency { .. } => {
            meta.wcs = vec![WcsAxis::freq_hz(axis[0], step, 1.0)];
            meta.rest_freq_hz = None;
        }
        SpectralAxis::Velocity { rest_freq_hz, .. } => {
            meta.wcs = vec![WcsAxis::vrad_m_s(axis[0] * M_PER_KM, step * M_PER_KM, 1.0)];
            meta.rest_freq_hz = *rest_freq_hz;
        }
    }
    if !spectrum.value_name.is_empty() {
        meta.extra.retain(|card| card.keyword != "BTYPE");
        meta.extra
            .push(Card::new("BTYPE", HeaderValue::Str(spectrum.value_name.clone())));
    }
    write_fits_image(path, &[n], &spectrum.values, &meta)
}
