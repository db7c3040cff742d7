//! What `stop lte` prints and writes: the line table on stdout and the spectrum file, both
//! formatted by `stop_lte::output` (which the service's `lte` job uses too).

use std::path::Path;

use anyhow::Context as _;
use stop_lte::output::{SpectrumFormat, write_lines};
use stop_lte::{LineRow, Spectrum};

use super::LinesFormat;

/// Print the line table on stdout.
pub fn print_lines(rows: &[LineRow], format: LinesFormat) -> anyhow::Result<()> {
    let format = match format {
        LinesFormat::Text => stop_lte::output::LinesFormat::Text,
        LinesFormat::Tsv => stop_lte::output::LinesFormat::Tsv,
        LinesFormat::Json => stop_lte::output::LinesFormat::Json,
    };
    write_lines(&mut std::io::stdout().lock(), rows, format).context("writing the line table")
}

/// Write the spectrum; the format follows the extension.
pub fn write_spectrum(path: &Path, spectrum: &Spectrum, rest_freq_hz: Option<f64>, eta_mb: Option<f64>) -> anyhow::Result<()> {
    let format = SpectrumFormat::from_path(path).with_context(|| format!("unknown spectrum format of `{}` (use .tsv, .fits or .vot)", path.display()))?;
    stop_lte::output::write_spectrum(path, format, spectrum, rest_freq_hz, eta_mb)?;
    Ok(())
}
