//! `lte`: LTE line table and synthetic spectrum, the job counterpart of `stop lte`. One species
//! (a shipped molecule, an uploaded LAMDA file, or an uploaded CDMS/JPL catalog with its
//! partition-function table) in one component, or an uploaded model file (`stop lte --input`)
//! with several species and components. Parameter names are the keys of that model file.
//! Results: `lines.tsv` and `lines.json` (the rows of `stop lte --format tsv|json`) and, with a
//! frequency or velocity range, `spectrum.tsv`, `spectrum.fits` and `spectrum.png` (what
//! `stop lte --out` and `--plot` write).

use std::path::Path;

use serde_json::{Map, Value, json};
use stop_lte::output::{LinesFormat, SpectrumFormat, write_lines, write_spectrum};
use stop_lte::{LteError, LteInput, LteModel};
use stop_uws::exec::worker::{JobContext, JobFailure, JobType};
use stop_uws::params::{JobDescriptor, ParamError, ParamKind, ParamSpec, Relation};

/// The ways to give the species, exactly one of which is required.
const SOURCES: [&str; 4] = ["molecule", "lamda_file", "catalog_file", "model_file"];
/// The single-component parameters (not with `model_file`, whose components say it all).
const COMPONENT: [&str; 3] = ["column_cm2", "tex_k", "fwhm_km_s"];

/// The `lte` job type.
#[derive(Debug)]
pub struct LteSpectrum {
    descriptor: JobDescriptor,
}

fn choice(name: &str, description: &str, choices: &[&str], default: Option<&str>) -> ParamSpec {
    ParamSpec {
        name: name.into(),
        description: description.into(),
        kind: ParamKind::String { choices: Some(choices.iter().map(|c| (*c).to_owned()).collect()), max_len: 16 },
        unit: None,
        required: false,
        default: default.map(Value::from),
        array: None,
    }
}

fn file(name: &str, description: &str, media_types: &[&str]) -> ParamSpec {
    ParamSpec {
        name: name.into(),
        description: description.into(),
        kind: ParamKind::File { media_types: media_types.iter().map(|m| (*m).to_owned()).collect() },
        unit: None,
        required: false,
        default: None,
        array: None,
    }
}

/// An optional float without a default.
fn optional(name: &str, description: &str, unit: &str, min: Option<f64>, positive: bool, max: f64) -> ParamSpec {
    ParamSpec { required: false, ..super::float(name, description, Some(unit), min, positive, Some(max), None) }
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

impl LteSpectrum {
    /// The job type with its parameter description.
    #[must_use]
    pub fn new() -> Self {
        let f = super::float;
        let [molecule, lamda_file] = super::molecule_source_params();
        let parameters = vec![
            molecule,
            lamda_file,
            file("catalog_file", "A CDMS or JPL catalog entry (SPCAT .cat file); needs partfunc_file and database", &["text/plain"]),
            file(
                "model_file",
                "A model file as for `stop lte --input` (TOML or JSON: tbg_k, beam, [[species]], [[components]]); its species must be shipped molecules (lamda = \"co\")",
                &["application/toml", "application/json"],
            ),
            file("partfunc_file", "Partition-function table of the catalog species: CDMS partfunc.cat, JPL catdir.cat or a .qpart file", &["text/plain"]),
            choice("database", "Database of the catalog and its partition-function table", &["cdms", "jpl"], None),
            ParamSpec {
                name: "tag".into(),
                description: "Species tag in the partition-function table (default: the catalog's)".into(),
                kind: ParamKind::Integer { min: Some(1), max: Some(999_999) },
                unit: None,
                required: false,
                default: None,
                array: None,
            },
            choice("q_interpolation", "Interpolation of the partition function between tabulated temperatures", &["log-log", "linear"], Some("log-log")),
            choice("q_extrapolation", "Outside the tabulated temperatures: refuse, or allow (with a warning)", &["refuse", "allow"], Some("refuse")),
            optional("column_cm2", "Total column density of the species", "cm-2", Some(0.0), true, 1e30),
            optional("tex_k", "Excitation temperature", "K", Some(0.0), true, 1e5),
            optional("fwhm_km_s", "Line width (FWHM)", "km/s", Some(0.0), true, 1e4),
            f("vlsr_km_s", "Velocity of the component (LSR, radio convention)", Some("km/s"), Some(-1e5), false, Some(1e5), Some(0.0)),
            optional("source_arcsec", "Source size (FWHM); needs a beam (omit: the source fills the beam)", "arcsec", Some(0.0), true, 1e6),
            f("tbg_k", "Background (CMB) temperature", Some("K"), Some(0.0), false, Some(1e4), Some(2.725)),
            f("continuum_k", "Continuum temperature added to the background", Some("K"), Some(0.0), false, Some(1e5), Some(0.0)),
            optional("beam_arcsec", "Beam size (FWHM); also gives the spectrum in Jy", "arcsec", Some(0.0), true, 1e6),
            optional("dish_m", "Dish diameter: beam FWHM = 1.22 lambda/D at each frequency (instead of beam_arcsec)", "m", Some(0.0), true, 1e5),
            choice("source_shape", "Source brightness shape for the beam-filling factor", &["gaussian", "disc"], Some("gaussian")),
            optional("fmin_ghz", "Lowest frequency of the line table and spectrum (give fmax_ghz too; omit both: every line, no spectrum)", "GHz", Some(0.0), false, 1e5),
            optional("fmax_ghz", "Highest frequency of the line table and spectrum", "GHz", Some(0.0), true, 1e5),
            optional("df_mhz", "Channel width of the spectrum (default: a tenth of the narrowest FWHM)", "MHz", Some(0.0), true, 1e6),
            optional("rest_ghz", "Rest frequency: adds a velocity axis, and allows vmin_km_s/vmax_km_s instead of frequencies", "GHz", Some(0.0), true, 1e5),
            optional("vmin_km_s", "Lowest velocity of the spectrum (radio convention, with rest_ghz)", "km/s", Some(-1e5), false, 1e5),
            optional("vmax_km_s", "Highest velocity of the spectrum", "km/s", Some(-1e5), false, 1e5),
            optional("dv_km_s", "Channel width in velocity (instead of df_mhz)", "km/s", Some(0.0), true, 1e4),
            optional("eta_mb", "Main-beam efficiency: adds a ta_star_k column (T_A* = eta_mb T_mb) to spectrum.tsv", "", Some(0.0), true, 1.0),
        ];
        let mut relations = vec![
            Relation::ExactlyOneOf { params: strings(&SOURCES) },
            Relation::Requires { param: "catalog_file".into(), params: strings(&["partfunc_file", "database"]) },
            Relation::Excludes { param: "model_file".into(), params: strings(&["column_cm2", "tex_k", "fwhm_km_s", "source_arcsec", "beam_arcsec", "dish_m"]) },
            Relation::Requires { param: "fmin_ghz".into(), params: strings(&["fmax_ghz"]) },
            Relation::Requires { param: "fmax_ghz".into(), params: strings(&["fmin_ghz"]) },
            Relation::LessThan { lower: "fmin_ghz".into(), upper: "fmax_ghz".into() },
            Relation::Requires { param: "vmin_km_s".into(), params: strings(&["vmax_km_s", "rest_ghz"]) },
            Relation::Requires { param: "vmax_km_s".into(), params: strings(&["vmin_km_s"]) },
            Relation::Excludes { param: "vmin_km_s".into(), params: strings(&["fmin_ghz", "fmax_ghz"]) },
            Relation::LessThan { lower: "vmin_km_s".into(), upper: "vmax_km_s".into() },
            Relation::Requires { param: "dv_km_s".into(), params: strings(&["rest_ghz"]) },
            Relation::Excludes { param: "dv_km_s".into(), params: strings(&["df_mhz"]) },
            Relation::Excludes { param: "dish_m".into(), params: strings(&["beam_arcsec"]) },
        ];
        for source in &SOURCES[..3] {
            relations.push(Relation::Requires { param: (*source).into(), params: strings(&COMPONENT) });
        }
        let descriptor = JobDescriptor {
            name: "lte".into(),
            title: "LTE line table and synthetic spectrum".into(),
            description: "Line opacities, peak temperatures and integrated intensities of one species in one component \
                          (or of a model file), and the synthetic spectrum over a frequency or velocity range. Results: \
                          lines.tsv, lines.json and, with a range, spectrum.tsv, spectrum.fits, spectrum.png."
                .into(),
            parameters,
            relations,
        };
        Self { descriptor }
    }
}

impl Default for LteSpectrum {
    fn default() -> Self {
        Self::new()
    }
}

fn num(values: &Map<String, Value>, key: &str) -> Option<f64> {
    values.get(key).and_then(Value::as_f64)
}

fn invalid(param: &str, message: impl std::fmt::Display) -> ParamError {
    ParamError::Invalid { param: param.to_owned(), message: message.to_string() }
}

/// The parameter a model error is about: the field it names when that is a parameter,
/// otherwise the species source.
fn lte_error(source: &str, e: &LteError) -> ParamError {
    let field = match e {
        LteError::InvalidParameter { field, .. } | LteError::InvalidSetting { field, .. } => Some(*field),
        _ => None,
    };
    let param = field.filter(|f| *f != "columns_cm2" && source != "model_file").unwrap_or(source);
    invalid(param, e)
}

/// Reads an uploaded model file (JSON when it starts with `{`, TOML otherwise) and keeps it
/// to shipped molecules: a job may not read files of the server by naming them.
fn uploaded_model(path: &Path) -> Result<LteInput, ParamError> {
    let text = std::fs::read_to_string(path).map_err(|e| invalid("model_file", format_args!("unreadable: {e}")))?;
    let input: LteInput = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| invalid("model_file", format_args!("not a valid LTE model (JSON): {e}")))?
    } else {
        toml::from_str(&text).map_err(|e| invalid("model_file", format_args!("not a valid LTE model (TOML): {e}")))?
    };
    let shipped = stop_molecule::shipped_names();
    for species in &input.species {
        let is_shipped = species.lamda.as_deref().is_some_and(|name| shipped.contains(&name));
        if !is_shipped || species.catalog.is_some() || species.partfunc.is_some() {
            return Err(invalid(
                "model_file",
                format_args!("species `{}`: a job's model file can only use shipped molecules ({}); upload other data as lamda_file or catalog_file", species.name, shipped.join(", ")),
            ));
        }
    }
    Ok(input)
}

/// The model of the job's parameters; `uploads` holds the uploaded files.
fn build_model(values: &Map<String, Value>, uploads: &Path) -> Result<LteModel, ParamError> {
    let source = SOURCES.iter().copied().find(|s| values.contains_key(*s)).unwrap_or("molecule");
    let input = if source == "model_file" {
        uploaded_model(&uploads.join("model_file"))?
    } else {
        let name = match source {
            "molecule" => values.get("molecule").and_then(Value::as_str).unwrap_or_default().to_owned(),
            "lamda_file" => stop_molecule::lamda::read_lamda(uploads.join("lamda_file")).map_err(|e| invalid("lamda_file", e))?.name,
            _ => "catalog".to_owned(),
        };
        let mut species = json!({"name": name, "q_interpolation": values.get("q_interpolation"), "q_extrapolation": values.get("q_extrapolation")});
        match source {
            "molecule" => species["lamda"] = json!(name),
            "lamda_file" => species["lamda"] = json!("lamda_file"),
            _ => {
                species["catalog"] = json!("catalog_file");
                species["partfunc"] = json!("partfunc_file");
                species["database"] = json!(values.get("database"));
                if let Some(tag) = values.get("tag") {
                    species["tag"] = tag.clone();
                }
            }
        }
        let mut component = json!({"columns_cm2": {name.clone(): values.get("column_cm2")}});
        for key in ["tex_k", "fwhm_km_s", "vlsr_km_s", "source_arcsec"] {
            if let Some(v) = values.get(key) {
                component[key] = v.clone();
            }
        }
        let mut model = json!({"species": [species], "components": [component]});
        for key in ["tbg_k", "continuum_k", "beam_arcsec", "dish_m", "source_shape"] {
            if let Some(v) = values.get(key) {
                model[key] = v.clone();
            }
        }
        serde_json::from_value(model).map_err(|e| invalid(source, e))?
    };
    input.build(uploads).map_err(|e| lte_error(source, &e))
}

/// The frequency range, Hz, from `fmin_ghz`/`fmax_ghz` or `vmin_km_s`/`vmax_km_s` with
/// `rest_ghz` (the relations guarantee both ends and their order).
fn range_hz(values: &Map<String, Value>) -> Option<(f64, f64)> {
    if let (Some(vmin), Some(vmax), Some(rest_ghz)) = (num(values, "vmin_km_s"), num(values, "vmax_km_s"), num(values, "rest_ghz")) {
        // radio convention: the highest velocity is the lowest frequency
        let to_hz = |v| stop_physics::units::radio_velocity_to_freq(v, rest_ghz * 1e9);
        return Some((to_hz(vmax), to_hz(vmin)));
    }
    Some((num(values, "fmin_ghz")? * 1e9, num(values, "fmax_ghz")? * 1e9))
}

impl JobType for LteSpectrum {
    fn descriptor(&self) -> &JobDescriptor {
        &self.descriptor
    }

    fn check(&self, values: &Map<String, Value>, uploads: &Path) -> Result<(), ParamError> {
        build_model(values, uploads).map(|_| ())
    }

    fn run(&self, ctx: &mut JobContext) -> Result<(), JobFailure> {
        let values = ctx.values().clone();
        let uploads = ctx.upload_dir();
        let model = build_model(&values, &uploads)?;
        let range = range_hz(&values);
        let rows = stop_lte::line_table(&model, range)?;
        for (name, format, mime) in [("lines.tsv", LinesFormat::Tsv, "text/tab-separated-values"), ("lines.json", LinesFormat::Json, "application/json")] {
            let mut bytes = Vec::new();
            write_lines(&mut bytes, &rows, format)?;
            ctx.publish(name, mime, &bytes)?;
        }
        let Some((fmin_hz, fmax_hz)) = range else { return Ok(()) };
        let rest_hz = num(&values, "rest_ghz").map(|f| f * 1e9);
        let step_hz = match (num(&values, "df_mhz"), num(&values, "dv_km_s"), rest_hz) {
            (Some(df_mhz), _, _) => df_mhz * 1e6,
            (None, Some(dv_km_s), Some(rest)) => rest * dv_km_s / stop_physics::constants::C_KM_S,
            _ => stop_lte::default_channel_hz(&model, fmin_hz),
        };
        let grid = stop_lte::frequency_grid(fmin_hz, fmax_hz, step_hz)?;
        let spectrum = stop_lte::synthesize(&model, &grid)?;
        let eta_mb = num(&values, "eta_mb");
        for (name, format, mime) in [("spectrum.tsv", SpectrumFormat::Tsv, "text/tab-separated-values"), ("spectrum.fits", SpectrumFormat::Fits, "application/fits")] {
            let scratch = ctx.scratch_path(name);
            write_spectrum(&scratch, format, &spectrum, rest_hz, eta_mb)?;
            ctx.publish_renamed(name, mime, &scratch)?;
        }
        let velocity = rest_hz.map(|rest| spectrum.freq_hz.iter().map(|f| stop_physics::units::freq_to_radio_velocity_km_s(*f, rest)).collect::<Vec<_>>());
        let figure = stop_lte::plot::spectrum_figure(&model.species_names(), &spectrum, velocity.as_deref());
        let scratch = ctx.scratch_path("spectrum.png");
        stop_plot::plot_spectrum(&scratch, &figure)?;
        ctx.publish_renamed("spectrum.png", "image/png", &scratch)
    }
}
