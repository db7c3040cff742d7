//! `stop rotdiag TABLE --species NAME_OR_FILE`: rotation (population) diagram from a table
//! of integrated intensities — T_rot and N with 1σ uncertainties, optional opacity
//! correction, optional plot (`stop_lte::rotation`, `lte.md` §8).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::Serialize;
use stop_catalog::{Database, Extrapolation, QInterpolation};
use stop_lte::{OpacityCorrection, RotationParams, RotationPoint, SpeciesInput};

use super::lte::{DatabaseArg, QInterpolationArg};

/// Columns the intensity table must have (TSV/CSV with a header, FITS table or VOTable).
pub const COLUMNS: [&str; 6] = ["freq_GHz", "e_up_K", "g_up", "a_ul_s", "w_K_kms", "w_err_K_kms"];

/// Arguments of `stop rotdiag`.
#[derive(Debug, clap::Args)]
pub struct RotdiagArgs {
    /// Table of lines with columns freq_GHz, e_up_K, g_up, a_ul_s, w_K_kms, w_err_K_kms.
    pub table: PathBuf,
    /// Species whose partition function gives N from the intercept: a shipped name or LAMDA
    /// file, or a `.cat` file with --partfunc and --database.
    #[arg(long)]
    pub species: String,
    /// Partition-function table for a `.cat` species.
    #[arg(long)]
    pub partfunc: Option<PathBuf>,
    /// Database of the `.cat` species.
    #[arg(long, value_enum)]
    pub database: Option<DatabaseArg>,
    /// Q interpolation between tabulated temperatures.
    #[arg(long, value_enum, default_value = "log-log")]
    pub q_interpolation: QInterpolationArg,
    /// Beam-filling factor the intensities are divided by.
    #[arg(long, default_value_t = 1.0)]
    pub filling_factor: f64,
    /// Correct for optical depth, with this line FWHM (km/s).
    #[arg(long)]
    pub tau_fwhm_kms: Option<f64>,
    /// Use the exact Gaussian-profile opacity correction instead of τ/(1 − e^−τ).
    #[arg(long, requires = "tau_fwhm_kms")]
    pub exact_profile: bool,
    /// Draw the diagram (`.png` or `.svg`).
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Print the fit as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Summary<'a> {
    trot_k: f64,
    trot_err_k: f64,
    column_cm2: f64,
    column_err_cm2: f64,
    q: f64,
    chi2: f64,
    n_lines: usize,
    iterations: usize,
    tau_correction: &'a [f64],
}

/// Run `stop rotdiag`.
///
/// # Errors
/// Unreadable table, missing columns, species errors, fit errors.
pub fn run(args: &RotdiagArgs) -> anyhow::Result<()> {
    let points = read_points(&args.table)?;
    let def = SpeciesInput {
        name: args.species.clone(),
        lamda: (!is_catalog(&args.species)).then(|| args.species.clone()),
        catalog: is_catalog(&args.species).then(|| PathBuf::from(&args.species)),
        partfunc: args.partfunc.clone(),
        database: args.database.map(|d| match d {
            DatabaseArg::Cdms => Database::Cdms,
            DatabaseArg::Jpl => Database::Jpl,
        }),
        tag: None,
        q_interpolation: match args.q_interpolation {
            QInterpolationArg::LogLog => QInterpolation::LogLog,
            QInterpolationArg::Linear => QInterpolation::Linear,
        },
        q_extrapolation: Extrapolation::Refuse,
    };
    let species = def.load(Path::new(".")).with_context(|| format!("species `{}`", args.species))?;
    let params = RotationParams {
        filling_factor: args.filling_factor,
        tau_correction_fwhm_km_s: args.tau_fwhm_kms,
        correction: if args.exact_profile { OpacityCorrection::GaussianProfile } else { OpacityCorrection::Peak },
        ..RotationParams::default()
    };
    let fit = stop_lte::fit_rotation_diagram(&points, &species.partition, params).with_context(|| format!("fitting {}", args.table.display()))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let summary = Summary {
            trot_k: fit.trot_k,
            trot_err_k: fit.trot_err_k,
            column_cm2: fit.column_cm2,
            column_err_cm2: fit.column_err_cm2,
            q: fit.q,
            chi2: fit.chi2,
            n_lines: points.len(),
            iterations: fit.iterations,
            tau_correction: &fit.tau_correction,
        };
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        writeln!(out, "T_rot = {:.4} ± {:.4} K", fit.trot_k, fit.trot_err_k)?;
        writeln!(out, "N     = {:.4e} ± {:.2e} cm^-2   (Q(T_rot) = {:.4})", fit.column_cm2, fit.column_err_cm2, fit.q)?;
        writeln!(out, "chi2  = {:.4} for {} lines", fit.chi2, points.len())?;
    }
    if let Some(path) = &args.plot {
        let figure = stop_lte::plot::rotation_figure(&format!("rotation diagram: {}", args.species), &fit);
        stop_plot::plot_spectrum(path, &figure).with_context(|| format!("plotting {}", path.display()))?;
    }
    Ok(())
}

fn is_catalog(species: &str) -> bool {
    Path::new(species).extension().is_some_and(|e| e.eq_ignore_ascii_case("cat"))
}

fn read_points(path: &Path) -> anyhow::Result<Vec<RotationPoint>> {
    let table = stop_io::read_table(path).with_context(|| format!("reading {}", path.display()))?;
    let mut columns = Vec::with_capacity(COLUMNS.len());
    for name in COLUMNS {
        let Some(values) = table.column_f64(name) else {
            bail!("{}: no numeric column `{name}` (need {})", path.display(), COLUMNS.join(", "));
        };
        columns.push(values);
    }
    Ok((0..table.rows.len())
        .map(|i| RotationPoint {
            freq_hz: columns[0][i] * 1e9,
            eup_k: columns[1][i],
            g_up: columns[2][i],
            a_ul_s: columns[3][i],
            w_k_km_s: columns[4][i],
            w_err_k_km_s: columns[5][i],
        })
        .collect())
}
