//! `stop lte`: LTE line tables and synthetic spectra, from flags for one component or from
//! a TOML/JSON model file (`stop_lte::LteInput`) for several species and components.

mod output;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use stop_catalog::{Database, Extrapolation, QInterpolation};
use stop_lte::{ComponentInput, ComponentMode, LteInput, LteModel, SpeciesInput};

/// Arguments of `stop lte`.
#[derive(Debug, clap::Args)]
pub struct LteArgs {
    /// Model file (TOML or JSON; see `stop_lte::config`) with species and components, instead
    /// of the single-component flags.
    #[arg(long, conflicts_with_all = ["species", "column_cm2", "tex_k", "fwhm_kms"])]
    pub input: Option<PathBuf>,
    /// Species: a shipped molecule name or LAMDA file (Q from its levels), or a CDMS/JPL
    /// `.cat` file (then give --partfunc and --database).
    #[arg(long)]
    pub species: Option<String>,
    /// Partition-function table for a `.cat` species: CDMS partfunc.cat, JPL catdir.cat or `.qpart`.
    #[arg(long)]
    pub partfunc: Option<PathBuf>,
    /// Database of the `.cat` species and its table.
    #[arg(long, value_enum)]
    pub database: Option<DatabaseArg>,
    /// Species tag in the table (default: the catalog's).
    #[arg(long)]
    pub tag: Option<u32>,
    /// Q interpolation between tabulated temperatures.
    #[arg(long, value_enum, default_value = "log-log")]
    pub q_interpolation: QInterpolationArg,
    /// Allow Q extrapolation beyond the table (warns); refused by default.
    #[arg(long)]
    pub q_extrapolate: bool,
    /// Total column density, cm^-2.
    #[arg(long, allow_hyphen_values = true)]
    pub column_cm2: Option<f64>,
    /// Excitation temperature, K.
    #[arg(long, allow_hyphen_values = true)]
    pub tex_k: Option<f64>,
    /// Line FWHM, km/s.
    #[arg(long, allow_hyphen_values = true)]
    pub fwhm_kms: Option<f64>,
    /// Velocity (LSR, radio convention), km/s.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub vlsr_kms: f64,
    /// Background (CMB) temperature, K.
    #[arg(long, default_value_t = 2.725, allow_hyphen_values = true)]
    pub tbg_k: f64,
    /// Continuum temperature added to the background and kept in the model, K.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub continuum_k: f64,
    /// Source FWHM, arcsec (needs --beam-arcsec).
    #[arg(long, allow_hyphen_values = true)]
    pub source_arcsec: Option<f64>,
    /// Beam FWHM, arcsec (also enables Jy output).
    #[arg(long, allow_hyphen_values = true, conflicts_with = "dish_m")]
    pub beam_arcsec: Option<f64>,
    /// Dish diameter, m: beam FWHM = 1.22 λ/D at each frequency (instead of --beam-arcsec).
    #[arg(long, allow_hyphen_values = true)]
    pub dish_m: Option<f64>,
    /// Source brightness shape for the filling factor.
    #[arg(long, value_enum, default_value = "gaussian")]
    pub source_shape: SourceShapeArg,
    /// Lower frequency, GHz.
    #[arg(long, allow_hyphen_values = true)]
    pub fmin_ghz: Option<f64>,
    /// Upper frequency, GHz.
    #[arg(long, allow_hyphen_values = true)]
    pub fmax_ghz: Option<f64>,
    /// Channel width of the spectrum, MHz (default: a tenth of the narrowest FWHM at fmin).
    #[arg(long)]
    pub df_mhz: Option<f64>,
    /// Rest frequency, GHz: adds a velocity axis (radio) to spectrum outputs and plots, and
    /// allows --vmin-kms/--vmax-kms/--dv-kms instead of frequencies.
    #[arg(long)]
    pub rest_ghz: Option<f64>,
    /// Lowest velocity of the axis, km/s (radio convention, needs --rest-ghz).
    #[arg(long, allow_hyphen_values = true, requires = "rest_ghz", conflicts_with_all = ["fmin_ghz", "fmax_ghz"])]
    pub vmin_kms: Option<f64>,
    /// Highest velocity of the axis, km/s.
    #[arg(long, allow_hyphen_values = true, requires = "rest_ghz")]
    pub vmax_kms: Option<f64>,
    /// Channel width in velocity, km/s (instead of --df-mhz).
    #[arg(long, requires = "rest_ghz", conflicts_with = "df_mhz")]
    pub dv_kms: Option<f64>,
    /// Print the line table (the default when no --out or --plot is given).
    #[arg(long)]
    pub lines: bool,
    /// Format of the line table on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub format: LinesFormat,
    /// Write the spectrum: `.tsv`, `.fits` (1-D image with spectral WCS) or `.vot`/`.xml` (VOTable).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Main-beam efficiency: adds a `ta_star_k` column (T_A* = η_mb T_mb) to table outputs.
    #[arg(long)]
    pub eta_mb: Option<f64>,
    /// Draw the spectrum: `.png` or `.svg`.
    #[arg(long)]
    pub plot: Option<PathBuf>,
}

/// `--database`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DatabaseArg {
    /// CDMS (Cologne).
    Cdms,
    /// JPL.
    Jpl,
}

/// `--q-interpolation`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum QInterpolationArg {
    /// log10 Q linear in log10 T (CASSIS, Weeds).
    LogLog,
    /// Q linear in T (pyspeckit, molsim).
    Linear,
}

/// `--source-shape`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SourceShapeArg {
    /// Gaussian source: ff = θs²/(θs² + θb²).
    Gaussian,
    /// Uniform disc: ff = 1 − exp(−ln2 θs²/θb²).
    Disc,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LinesFormat {
    /// Aligned columns for reading.
    Text,
    /// Tab-separated, 4 significant digits: freq_GHz, e_up_K, tau0, tpeak_K, w_K_kms,
    /// int_tau_kms, n_up_cm2, a_ul_s, g_up, component, species, label.
    Tsv,
    /// JSON array of rows, full precision.
    Json,
}

/// Run `stop lte`.
///
/// # Errors
/// Bad flags, unreadable inputs, model errors, output errors — each naming its input.
pub fn run(args: &LteArgs) -> anyhow::Result<()> {
    // library warnings (Q extrapolated beyond its table) go to stderr; RUST_LOG overrides
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // a subscriber may already be installed (tests calling run twice): keep that one
    let _ = tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).try_init();
    let model = match &args.input {
        Some(path) => model_from_file(path)?,
        None => model_from_flags(args)?,
    };
    let range_hz = frequency_range_hz(args)?;
    let wants_spectrum = args.out.is_some() || args.plot.is_some();
    if args.lines || !wants_spectrum {
        let rows = stop_lte::line_table(&model, range_hz).context("computing the line table")?;
        output::print_lines(&rows, args.format)?;
    }
    if wants_spectrum {
        let Some((fmin_hz, fmax_hz)) = range_hz else {
            bail!("a spectrum (--out/--plot) needs --fmin-ghz and --fmax-ghz");
        };
        let step_hz = match (args.df_mhz, args.dv_kms, args.rest_ghz) {
            (Some(df_mhz), _, _) => df_mhz * 1e6,
            (None, Some(dv_kms), Some(rest_ghz)) => rest_ghz * 1e9 * dv_kms / stop_physics::constants::C_KM_S,
            _ => stop_lte::default_channel_hz(&model, fmin_hz),
        };
        let grid = stop_lte::frequency_grid(fmin_hz, fmax_hz, step_hz).context("building the frequency axis")?;
        let spectrum = stop_lte::synthesize(&model, &grid).context("synthesising the spectrum")?;
        let rest_freq_hz = args.rest_ghz.map(|f| f * 1e9);
        if let Some(path) = &args.out {
            if let Some(eta) = args.eta_mb
                && !(eta > 0.0 && eta <= 1.0)
            {
                bail!("--eta-mb {eta}: the main-beam efficiency must be in (0, 1]");
            }
            output::write_spectrum(path, &spectrum, rest_freq_hz, args.eta_mb).with_context(|| format!("writing {}", path.display()))?;
        }
        if let Some(path) = &args.plot {
            let velocity = rest_freq_hz.map(|rest| spectrum.freq_hz.iter().map(|f| stop_physics::units::freq_to_radio_velocity_km_s(*f, rest)).collect::<Vec<_>>());
            let figure = stop_lte::plot::spectrum_figure(&model.species_names(), &spectrum, velocity.as_deref());
            stop_plot::plot_spectrum(path, &figure).with_context(|| format!("plotting {}", path.display()))?;
        }
    }
    Ok(())
}

fn frequency_range_hz(args: &LteArgs) -> anyhow::Result<Option<(f64, f64)>> {
    if let (Some(vmin), Some(vmax), Some(rest_ghz)) = (args.vmin_kms, args.vmax_kms, args.rest_ghz) {
        if !(vmin < vmax && rest_ghz > 0.0) {
            bail!("--vmin-kms {vmin} --vmax-kms {vmax} --rest-ghz {rest_ghz}: need vmin < vmax and a positive rest frequency");
        }
        // radio convention: the highest velocity is the lowest frequency
        let to_hz = |v| stop_physics::units::radio_velocity_to_freq(v, rest_ghz * 1e9);
        return Ok(Some((to_hz(vmax), to_hz(vmin))));
    }
    if args.vmin_kms.is_some() != args.vmax_kms.is_some() {
        bail!("give both --vmin-kms and --vmax-kms");
    }
    match (args.fmin_ghz, args.fmax_ghz) {
        (None, None) => Ok(None),
        (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() && lo >= 0.0 && lo < hi => Ok(Some((lo * 1e9, hi * 1e9))),
        (Some(lo), Some(hi)) => bail!("--fmin-ghz {lo} --fmax-ghz {hi}: need 0 <= fmin < fmax"),
        _ => bail!("give both --fmin-ghz and --fmax-ghz"),
    }
}

fn model_from_file(path: &Path) -> anyhow::Result<LteModel> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let input: LteInput = if is_json {
        serde_json::from_str(&text).with_context(|| format!("{}: not a valid LTE model (JSON)", path.display()))?
    } else {
        toml::from_str(&text).with_context(|| format!("{}: not a valid LTE model (TOML)", path.display()))?
    };
    let base_dir = path.parent().unwrap_or(Path::new("."));
    input.build(base_dir).with_context(|| format!("{}: building the model", path.display()))
}

fn model_from_flags(args: &LteArgs) -> anyhow::Result<LteModel> {
    let Some(species) = &args.species else {
        bail!("give --species NAME_OR_FILE (with --column-cm2, --tex-k, --fwhm-kms) or --input MODEL.toml");
    };
    let (Some(column_cm2), Some(tex_k), Some(fwhm_km_s)) = (args.column_cm2, args.tex_k, args.fwhm_kms) else {
        bail!("--species needs --column-cm2, --tex-k and --fwhm-kms");
    };
    let is_catalog = Path::new(species).extension().is_some_and(|e| e.eq_ignore_ascii_case("cat"));
    let def = SpeciesInput {
        name: species.clone(),
        lamda: (!is_catalog).then(|| species.clone()),
        catalog: is_catalog.then(|| PathBuf::from(species)),
        partfunc: args.partfunc.clone(),
        database: args.database.map(|d| match d {
            DatabaseArg::Cdms => Database::Cdms,
            DatabaseArg::Jpl => Database::Jpl,
        }),
        tag: args.tag,
        q_interpolation: match args.q_interpolation {
            QInterpolationArg::LogLog => QInterpolation::LogLog,
            QInterpolationArg::Linear => QInterpolation::Linear,
        },
        q_extrapolation: if args.q_extrapolate { Extrapolation::Allow } else { Extrapolation::Refuse },
    };
    let input = LteInput {
        tbg_k: args.tbg_k,
        continuum_k: args.continuum_k,
        beam_arcsec: args.beam_arcsec,
        dish_m: args.dish_m,
        source_shape: match args.source_shape {
            SourceShapeArg::Gaussian => stop_lte::SourceShape::Gaussian,
            SourceShapeArg::Disc => stop_lte::SourceShape::Disc,
        },
        species: vec![def],
        components: vec![ComponentInput {
            tex_k,
            fwhm_km_s,
            vlsr_km_s: args.vlsr_kms,
            source_arcsec: args.source_arcsec,
            mode: ComponentMode::Sum,
            columns_cm2: [(species.clone(), column_cm2)].into_iter().collect(),
        }],
    };
    input.build(Path::new(".")).with_context(|| format!("species `{species}`"))
}
