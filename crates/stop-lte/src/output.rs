//! The files `stop lte` and the service's `lte` job write: the line table (text, TSV, JSON)
//! and the spectrum (TSV, FITS 1-D image with spectral WCS, VOTable) through `stop-io`.

use std::io::Write;
use std::path::Path;

use stop_io::{Column, ImageMeta, IoError, Schema, SpectralAxis, TableFormat, Value};

use crate::lines::LineRow;
use crate::synth::Spectrum;

/// Layout of the line table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinesFormat {
    /// Aligned columns for reading.
    Text,
    /// Tab-separated, 4 significant digits: freq_GHz, e_up_K, tau0, tpeak_K, w_K_kms,
    /// int_tau_kms, n_up_cm2, a_ul_s, g_up, component, species, label.
    Tsv,
    /// JSON array of rows, full precision.
    Json,
}

/// File format of a spectrum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpectrumFormat {
    /// Tab-separated table (`.tsv`, `.txt`).
    Tsv,
    /// 1-D FITS image with spectral WCS (`.fits`, `.fit`).
    Fits,
    /// VOTable (`.vot`, `.xml`, `.votable`).
    VoTable,
}

impl SpectrumFormat {
    /// The format named by the extension of `path`, if it is one of the known ones.
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match extension.as_str() {
            "fits" | "fit" => Some(Self::Fits),
            "tsv" | "txt" => Some(Self::Tsv),
            "vot" | "xml" | "votable" => Some(Self::VoTable),
            _ => None,
        }
    }
}

/// `x` with 4 significant digits (plain notation between 1e-3 and 1e5).
pub fn sig4(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor();
    if (-3.0..5.0).contains(&magnitude) {
        // magnitude in -3..5, so 3 − magnitude is in 0..=6
        let decimals = (3.0 - magnitude) as usize;
        format!("{x:.decimals$}")
    } else {
        format!("{x:.3e}")
    }
}

/// Writes the line table to `out`.
///
/// # Errors
/// Failures of `out`.
pub fn write_lines(out: &mut impl Write, rows: &[LineRow], format: LinesFormat) -> std::io::Result<()> {
    match format {
        LinesFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, rows)?;
            writeln!(out)?;
        }
        LinesFormat::Tsv => {
            writeln!(out, "freq_GHz\te_up_K\ttau0\ttpeak_K\tw_K_kms\tint_tau_kms\tn_up_cm2\ta_ul_s\tg_up\tcomponent\tspecies\tlabel")?;
            for r in rows {
                writeln!(
                    out,
                    "{:.7}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.freq_hz * 1e-9,
                    sig4(r.eup_k),
                    sig4(r.tau0),
                    sig4(r.tpeak_k),
                    sig4(r.w_k_km_s),
                    sig4(r.integrated_tau_km_s),
                    sig4(r.upper_column_cm2),
                    sig4(r.a_ul_s),
                    r.g_up,
                    r.component,
                    r.species,
                    r.label.replace('\t', " ")
                )?;
            }
        }
        LinesFormat::Text => {
            writeln!(out, "{:>4} {:<10} {:>14} {:>10} {:>11} {:>11} {:>10} {:>11}  label", "comp", "species", "freq [GHz]", "E_u [K]", "N_u [cm-2]", "tau0", "T_peak [K]", "W [K km/s]")?;
            for r in rows {
                writeln!(
                    out,
                    "{:>4} {:<10} {:>14.7} {:>10} {:>11} {:>11} {:>10} {:>11}  {}",
                    r.component,
                    r.species,
                    r.freq_hz * 1e-9,
                    sig4(r.eup_k),
                    sig4(r.upper_column_cm2),
                    sig4(r.tau0),
                    sig4(r.tpeak_k),
                    sig4(r.w_k_km_s),
                    r.label
                )?;
            }
        }
    }
    Ok(())
}

/// Writes the spectrum to `path` in `format`; `rest_freq_hz` adds a radio velocity axis,
/// `eta_mb` a `ta_star_k` column (table formats).
///
/// # Errors
/// [`IoError`] naming the file.
pub fn write_spectrum(path: &Path, format: SpectrumFormat, spectrum: &Spectrum, rest_freq_hz: Option<f64>, eta_mb: Option<f64>) -> Result<(), IoError> {
    match format {
        SpectrumFormat::Fits => write_fits(path, spectrum, rest_freq_hz),
        SpectrumFormat::Tsv => write_table(path, TableFormat::Tsv, spectrum, rest_freq_hz, eta_mb),
        SpectrumFormat::VoTable => write_table(path, TableFormat::VoTable, spectrum, rest_freq_hz, eta_mb),
    }
}

/// A 1-D FITS image: `FREQ` axis in Hz, or `VRAD` in m/s with `RESTFRQ` when a rest
/// frequency is given; `BUNIT = 'K'` (T_mb).
fn write_fits(path: &Path, spectrum: &Spectrum, rest_freq_hz: Option<f64>) -> Result<(), IoError> {
    let axis = match rest_freq_hz {
        Some(rest) => SpectralAxis::Velocity {
            velocity_km_s: spectrum.freq_hz.iter().map(|f| stop_physics::units::freq_to_radio_velocity_km_s(*f, rest)).collect(),
            rest_freq_hz: Some(rest),
        },
        None => SpectralAxis::Frequency { freq_hz: spectrum.freq_hz.clone() },
    };
    let io_spectrum = stop_io::Spectrum { axis, values: spectrum.tmb_k.clone(), value_name: "Tmb".into(), value_unit: "K".into() };
    let base = ImageMeta { specsys: Some("LSRK".into()), history: vec!["STOP LTE model (stop lte)".into()], ..ImageMeta::default() };
    stop_io::write_spectrum_fits_image(path, &io_spectrum, &base)
}

/// Columns freq_hz, [velocity_km_s], tmb_k, [ta_star_k], tau, [flux_jy].
fn write_table(path: &Path, format: TableFormat, spectrum: &Spectrum, rest_freq_hz: Option<f64>, eta_mb: Option<f64>) -> Result<(), IoError> {
    let mut columns = vec![Column::f64("freq_hz").unit("Hz").ucd("em.freq")];
    if rest_freq_hz.is_some() {
        columns.push(Column::f64("velocity_km_s").unit("km/s").ucd("spect.dopplerVeloc.radio"));
    }
    columns.push(Column::f64("tmb_k").unit("K").ucd("phot.antennaTemp"));
    if eta_mb.is_some() {
        columns.push(Column::f64("ta_star_k").unit("K").ucd("phot.antennaTemp"));
    }
    columns.push(Column::f64("tau").ucd("phys.absorption.opticalDepth"));
    if spectrum.flux_jy.is_some() {
        columns.push(Column::f64("flux_jy").unit("Jy").ucd("phot.flux.density"));
    }
    let mut schema = Schema::new(columns)?.with_table_name("lte_spectrum")?;
    if let Some(rest) = rest_freq_hz {
        schema = schema.with_param("rest_freq_hz", Value::F64(rest), Some("Hz"))?;
    }
    let ta_star_k = eta_mb.map(|eta| spectrum.ta_star_k(|_| eta));
    let mut writer = stop_io::create_table_writer(path, format, &schema)?;
    for (i_chan, &freq_hz) in spectrum.freq_hz.iter().enumerate() {
        let mut row = vec![Value::F64(freq_hz)];
        if let Some(rest) = rest_freq_hz {
            row.push(Value::F64(stop_physics::units::freq_to_radio_velocity_km_s(freq_hz, rest)));
        }
        row.push(Value::F64(spectrum.tmb_k[i_chan]));
        if let Some(ta) = &ta_star_k {
            row.push(Value::F64(ta[i_chan]));
        }
        row.push(Value::F64(spectrum.tau[i_chan]));
        if let Some(flux) = &spectrum.flux_jy {
            row.push(Value::F64(flux[i_chan]));
        }
        writer.write_row(&row)?;
    }
    writer.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sig4;

    #[test]
    fn four_significant_digits() {
        assert_eq!(sig4(0.453_37), "0.4534");
        assert_eq!(sig4(6.023_77), "6.024");
        assert_eq!(sig4(17.361), "17.36");
        assert_eq!(sig4(3.004e15), "3.004e15");
        assert_eq!(sig4(4.5e-5), "4.500e-5");
        assert_eq!(sig4(0.0), "0");
    }
}
