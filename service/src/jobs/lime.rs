//! `lime`: the 3-D non-LTE solver on a model file, the job counterpart of `stop lime`. The
//! model TOML is uploaded (`model_file`); the files it names can only be the job's other
//! uploads (`molecule_file`, `dust_file`, `table_file`, named by those words in the TOML) or a
//! shipped molecule, so that a model cannot read the server's files. Results:
//! `populations.tsv` (format of `stop_lime::pops`), `convergence.log` (one line per
//! iteration, as `stop lime` prints), and per `[[image]]` of the model a FITS cube per unit
//! and moment-0/1 maps.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value, json};
use stop_lime::solve::iterate::{StartFrom, initial_populations, solve};
use stop_lime::solve::model_run::{build_grid, file_setup, population_file};
use stop_lime::solve::params::{RaySchedule, SolveParams};
use stop_lime::solve::setup::{Mesh, SolverSetup};
use stop_model::ModelFile;
use stop_molecule::Molecule;
use stop_raytrace::fits::{SkyPlacement, write_cube};
use stop_raytrace::moments::{moment_maps, plot_moment_map, write_map};
use stop_raytrace::units::file_suffix;
use stop_raytrace::{RaytraceParams, TraceGrid, render_all};
use stop_model::file::InitialPopulations;
use stop_uws::exec::worker::{JobContext, JobFailure, JobType};
use stop_uws::store::layout::check_name;
use stop_uws::params::{JobDescriptor, ParamError, ParamKind, ParamSpec};

/// The uploads a model file may name (as `file = "molecule_file"` and so on).
const DATA_FILES: [&str; 3] = ["molecule_file", "dust_file", "table_file"];
/// Most worker threads a job may ask for.
const MAX_THREADS: i64 = 256;

/// The `lime` job type.
#[derive(Debug)]
pub struct LimeModel {
    descriptor: JobDescriptor,
}

fn integer(name: &str, description: &str, min: i64, max: i64, default: Option<i64>) -> ParamSpec {
    ParamSpec {
        name: name.into(),
        description: description.into(),
        kind: ParamKind::Integer { min: Some(min), max: Some(max) },
        unit: None,
        required: false,
        default: default.map(Value::from),
        array: None,
    }
}

fn file(name: &str, description: &str, media_types: &[&str], required: bool) -> ParamSpec {
    ParamSpec {
        name: name.into(),
        description: description.into(),
        kind: ParamKind::File { media_types: media_types.iter().map(|m| (*m).to_owned()).collect() },
        unit: None,
        required,
        default: None,
        array: None,
    }
}

impl LimeModel {
    /// The job type with its parameter description.
    #[must_use]
    pub fn new() -> Self {
        let parameters = vec![
            file("model_file", "The model file (TOML, format of the stop-model README)", &["application/toml"], true),
            file("molecule_file", "LAMDA file; replaces the model's [molecule] file", &["text/plain"], false),
            file("dust_file", "Dust opacity table (wavelength in um, kappa in cm2 per g of dust); replaces the model's [dust] opacity_file", &["text/plain"], false),
            file("table_file", "A profile or point table the model names as file = \"table_file\" in [tables.NAME]", &["text/plain"], false),
            integer("threads", "Worker threads of the solver (the answer does not depend on it)", 1, MAX_THREADS, Some(1)),
            integer("points", "Interior grid points (overrides [grid] n_points)", 10, 10_000_000, None),
            integer("rays_per_point", "Photons per point (overrides [solver] rays_per_point)", 1, 100_000, None),
            integer("max_iterations", "Most iterations (overrides [solver] max_iterations)", 1, 10_000, None),
            ParamSpec {
                required: false,
                ..super::float("tolerance", "Stopping tolerance on the relative population change (overrides [solver] tolerance)", None, Some(0.0), true, Some(1.0), None)
            },
            ParamSpec {
                name: "lime_rays".into(),
                description: "Redraw photons every iteration as LIME does (no Ng acceleration)".into(),
                kind: ParamKind::Boolean,
                unit: None,
                required: false,
                default: Some(json!(false)),
                array: None,
            },
        ];
        let descriptor = JobDescriptor {
            name: "lime".into(),
            title: "3-D non-LTE level populations (LIME-style)".into(),
            description: "Builds the grid of a model file and solves the level populations. Results: populations.tsv, \
                          convergence.log, and per [[image]] of the model <file_stem>_<unit>.fits cubes and _mom0/_mom1.fits maps."
                .into(),
            parameters,
            relations: vec![],
        };
        Self { descriptor }
    }
}

impl Default for LimeModel {
    fn default() -> Self {
        Self::new()
    }
}

fn invalid(message: impl std::fmt::Display) -> ParamError {
    ParamError::Invalid { param: "model_file".into(), message: message.to_string() }
}

/// Every file a model table names (`[molecule] file`, `[dust] opacity_file`,
/// `[tables.NAME] file`), with its key path.
fn named_files(root: &toml::Table) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut add = |path: String, value: Option<&toml::Value>| {
        if let Some(v) = value {
            found.push((path, v.as_str().map_or_else(|| v.to_string(), str::to_owned)));
        }
    };
    add("molecule.file".into(), root.get("molecule").and_then(|m| m.get("file")));
    add("dust.opacity_file".into(), root.get("dust").and_then(|d| d.get("opacity_file")));
    if let Some(tables) = root.get("tables").and_then(toml::Value::as_table) {
        for (name, table) in tables {
            add(format!("tables.{name}.file"), table.get("file"));
        }
    }
    found
}

/// The uploaded model with the uploaded molecule and dust files put in, refusing any file
/// reference that is not an upload of this job (or a shipped molecule).
fn load_model(values: &Map<String, Value>, uploads: &Path) -> Result<ModelFile, ParamError> {
    let text = std::fs::read_to_string(uploads.join("model_file")).map_err(|e| invalid(format_args!("unreadable: {e}")))?;
    let mut root: toml::Table = text.parse().map_err(|e: toml::de::Error| invalid(format_args!("not TOML: {}", e.message().trim())))?;
    for (param, table, key) in [("molecule_file", "molecule", "file"), ("dust_file", "dust", "opacity_file")] {
        if values.contains_key(param) {
            let section = root.entry(table).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let Some(section) = section.as_table_mut() {
                section.insert(key.into(), toml::Value::from(param));
            }
        }
    }
    let shipped = stop_molecule::shipped_names();
    for (key, name) in named_files(&root) {
        let uploaded = DATA_FILES.contains(&name.as_str()) && values.contains_key(&name);
        let shipped_molecule = key == "molecule.file" && shipped.contains(&name.as_str());
        if !uploaded && !shipped_molecule {
            return Err(invalid(format_args!(
                "`{key} = \"{name}\"`: a job reads only its own uploads ({}, named by those words) or a shipped molecule",
                DATA_FILES.join(", ")
            )));
        }
    }
    let text = toml::to_string(&root).map_err(invalid)?;
    ModelFile::from_toml_str(&text, "model_file", uploads).map_err(invalid)
}

/// The solver settings: the model's, with the job's overrides.
fn solve_params(file: &ModelFile, values: &Map<String, Value>) -> SolveParams {
    let count = |key: &str| values.get(key).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok());
    let mut params = SolveParams::from_model(&file.solver);
    if let Some(r) = count("rays_per_point") {
        params.rays_per_point = r;
    }
    if let Some(m) = count("max_iterations") {
        params.max_iterations = m;
    }
    if let Some(t) = values.get("tolerance").and_then(Value::as_f64) {
        params.tolerance = t;
    }
    if values.get("lime_rays").and_then(Value::as_bool) == Some(true) {
        params.rays = RaySchedule::EveryIteration;
    }
    params
}

impl JobType for LimeModel {
    fn descriptor(&self) -> &JobDescriptor {
        &self.descriptor
    }

    fn check(&self, values: &Map<String, Value>, uploads: &Path) -> Result<(), ParamError> {
        load_model(values, uploads).map(|_| ())
    }

    fn run(&self, ctx: &mut JobContext) -> Result<(), JobFailure> {
        let values = ctx.values().clone();
        let mut file = load_model(&values, &ctx.upload_dir())?;
        if let Some(n) = values.get("points").and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok()) {
            file.grid.n_points = n;
        }
        let threads = values.get("threads").and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok()).unwrap_or(1);
        let molecule = file.molecule.read()?;
        let grid = build_grid(&file)?;
        let n_interior = grid.is_sink.iter().filter(|s| !**s).count();
        let mut log = format!("grid: {n_interior} interior + {} boundary points\n", grid.is_sink.len() - n_interior);
        let mesh = Mesh { positions_m: &grid.positions_m, is_sink: &grid.is_sink, neighbours: &grid.neighbours };
        let setup = file_setup(&file, mesh, &molecule)?;
        let params = solve_params(&file, &values);
        let start = if file.solver.initial_populations == InitialPopulations::Zero { StartFrom::Zero } else { StartFrom::Lte };
        let pops0 = initial_populations(&setup, &molecule, start);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
        let outcome = pool.install(|| {
            solve(&setup, pops0, &params, &|| {}, &mut |stats| {
                log.push_str(&stats.summary());
                log.push('\n');
            })
        })?;
        let _ = writeln!(log, "{:?} after {} iterations", outcome.status, outcome.history.len());
        if let Some(averaging) = outcome.averaging {
            let _ = writeln!(log, "{}", averaging.line());
        }
        let pops = population_file("model_file", &file, &molecule.name, &grid, &params, outcome);
        ctx.publish("populations.tsv", "text/tab-separated-values", pops.to_text().as_bytes())?;
        ctx.publish("convergence.log", "text/plain", log.as_bytes())?;
        pool.install(|| publish_images(ctx, &file, &setup, &molecule, &pops.pops))
    }
}

/// Ray-traces every `[[image]]` of the model file as `stop lime --moments` does (default rays,
/// no beam) and publishes each cube as `<file_stem>_<unit>.fits` and the moment maps of its
/// first unit as `<file_stem>_mom0.fits` and `_mom1.fits` with their PNG and SVG plots, the
/// CLI's file names.
fn publish_images(ctx: &mut JobContext, file: &ModelFile, setup: &SolverSetup<'_>, molecule: &Molecule, pops: &[f64]) -> Result<(), JobFailure> {
    if file.images.is_empty() {
        return Ok(());
    }
    let grid = TraceGrid::new(setup, molecule, pops)?;
    // images sharing their rays are traced together, as by `stop lime`
    let cubes = render_all(&grid, &file.images, &RaytraceParams::default())?;
    for (image, cube) in file.images.iter().zip(cubes) {
        for &unit in &image.units {
            let name = format!("{}_{}.fits", image.file_stem, file_suffix(unit));
            // The stem comes from the uploaded model: checked before it names a scratch file.
            check_name(&name)?;
            let scratch = ctx.scratch_path(&name);
            write_cube(&scratch, &cube, unit, &SkyPlacement::default())?;
            ctx.publish_renamed(&name, "application/fits", &scratch)?;
        }
        if let Some(&unit) = image.units.first() {
            for (suffix, map, bunit) in moment_maps(&cube, unit) {
                let name = format!("{}_{suffix}.fits", image.file_stem);
                check_name(&name)?;
                let scratch = ctx.scratch_path(&name);
                write_map(&scratch, &cube, &map, &bunit, &SkyPlacement::default())?;
                ctx.publish_renamed(&name, "application/fits", &scratch)?;
                for (ext, mime) in [("png", "image/png"), ("svg", "image/svg+xml")] {
                    let name = format!("{}_{suffix}.{ext}", image.file_stem);
                    check_name(&name)?;
                    let scratch = ctx.scratch_path(&name);
                    plot_moment_map(&scratch, &cube, suffix, &map, &bunit)?;
                    ctx.publish_renamed(&name, mime, &scratch)?;
                }
            }
        }
    }
    Ok(())
}
