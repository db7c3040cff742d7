//! `grid`: a grid of escape-probability models, the job counterpart of `stop grid SPEC.toml`
//! (stop-lvg's grid: same spec, same solver, same rows). The grid comes either from an
//! uploaded `spec_file` (the TOML of `stop grid`; its `output` is ignored) or from parameters:
//! one comma-separated list of values per axis. Result: `grid.tsv`, one row per model.
//!
//! Big grids split: [`JobType::work_items`] reports the number of models, so an executor that
//! splits (SLURM job arrays) runs model ranges as tasks ([`JobType::run_items`], each a TSV
//! part) and merges the parts ([`JobType::merge_items`]), checking that the rows are exactly
//! the models of the grid, in order, once each. Chunks and warm starts follow the model index
//! (`stop_lvg::grid::run_grid_range`), so a merged grid equals the same grid run whole.

use std::fs::File;
use std::io::{BufRead as _, BufReader, BufWriter, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use stop_io::{TableWriter, TsvWriter};
use stop_lvg::grid::{GridModels, GridSpec, grid_schema, run_grid_range};
use stop_lvg::{Problem, in_window, radex_window};
use stop_uws::exec::worker::{JobContext, JobFailure, JobType};
use stop_uws::params::{ArraySpec, JobDescriptor, ParamError, ParamKind, ParamSpec};
use stop_uws::store::layout::check_name;

/// Collision partners as named in `densities_cm3` (LAMDA partner names).
const PARTNERS: [&str; 7] = ["h2", "p-h2", "o-h2", "e", "h", "he", "h+"];
/// The name of the result.
const RESULT: &str = "grid.tsv";
/// Most values of one axis given as a parameter.
const MAX_AXIS_VALUES: usize = 10_000;

/// The `grid` job type.
#[derive(Debug)]
pub struct GridJob {
    descriptor: JobDescriptor,
}

/// An axis parameter: a list of values.
fn axis(name: &str, description: &str, unit: &str, max: f64) -> ParamSpec {
    ParamSpec {
        name: name.into(),
        description: format!("{description}: the axis values, comma-separated (e.g. 10,20,50); needed unless spec_file is given"),
        kind: ParamKind::Float { min: Some(0.0), min_exclusive: true, max: Some(max) },
        unit: Some(unit.into()),
        required: false,
        default: None,
        array: Some(ArraySpec { min_len: 1, max_len: MAX_AXIS_VALUES }),
    }
}

impl GridJob {
    /// The job type with its parameter description.
    #[must_use]
    pub fn new() -> Self {
        let f = super::float;
        let [molecule, lamda_file] = super::molecule_source_params();
        let mut parameters = vec![
            ParamSpec {
                name: "spec_file".into(),
                description: "A `stop grid` SPEC.toml (axes as ranges or values, or a table of models) instead of the axis parameters; a molecule or lamda_file given here overrides its molecule".into(),
                kind: ParamKind::File { media_types: vec!["application/toml".into(), "text/plain".into()] },
                unit: None,
                required: false,
                default: None,
                array: None,
            },
            molecule,
            lamda_file,
            axis("tkin_k", "Kinetic temperatures", "K", 1e5),
        ];
        for p in PARTNERS {
            let mut spec = axis(&format!("densities_cm3.{p}"), &format!("Densities of collision partner {p}"), "cm-3", 1e15);
            spec.description.push_str(" (give at least one partner)");
            parameters.push(spec);
        }
        parameters.extend([
            axis("column_cm2", "Column densities of the molecule", "cm-2", 1e25),
            axis("fwhm_km_s", "Line widths (FWHM)", "km/s", 1e3),
            ParamSpec {
                name: "geometry".into(),
                description: "Escape-probability geometries, an axis of their own (slowest): uniform sphere, expanding sphere (LVG), slab".into(),
                kind: ParamKind::String { choices: Some(vec!["sphere".into(), "lvg".into(), "slab".into()]), max_len: 8 },
                unit: None,
                required: false,
                default: Some(json!(["sphere"])),
                array: Some(ArraySpec { min_len: 1, max_len: 3 }),
            },
            f("tbg_k", "Background radiation temperature", Some("K"), Some(0.0), false, Some(1e4), Some(stop_lvg::single::DEFAULT_TBG_K)),
            f("fmin_ghz", "Lowest frequency of the lines given columns", Some("GHz"), Some(0.0), false, Some(1e5), Some(0.0)),
            f("fmax_ghz", "Highest frequency of the lines given columns (0: every line)", Some("GHz"), Some(0.0), false, Some(1e5), Some(0.0)),
            ParamSpec {
                name: "threads".into(),
                description: "Threads of the run (on SLURM: --cpus-per-task of each task); default: every core allocated".into(),
                kind: ParamKind::Integer { min: Some(1), max: Some(256) },
                unit: None,
                required: false,
                default: None,
                array: None,
            },
        ]);
        let descriptor = JobDescriptor {
            name: "grid".into(),
            title: "Grid of escape-probability (RADEX-style) models".into(),
            description: "Every combination of the axis values, solved with the fast solver. Result grid.tsv: one row per model in \
                          nested order (geometry slowest, then tkin_k, the partner densities in LAMDA order, column_cm2, and \
                          fwhm_km_s fastest); columns model (1-based), geometry, tkin_K, n_<partner>_cm3 for each partner axis, \
                          column_cm2, fwhm_km_s, status, iterations, residual, then for each line <up>_<low> (1-based levels) \
                          tex_K_, tau_, t_r_K_, flux_K_kms_ and flux_erg_cm2_s_. Big grids run as SLURM job arrays."
                .into(),
            parameters,
            relations: Vec::new(),
        };
        Self { descriptor }
    }
}

impl Default for GridJob {
    fn default() -> Self {
        Self::new()
    }
}

/// Most models of one grid job: 10^8 rows of CO are about 100 GB of TSV.
const MAX_MODELS: u64 = 100_000_000;

/// A parameter the grid cannot be built from.
#[derive(Debug)]
struct SpecError {
    param: String,
    message: String,
}

impl From<SpecError> for JobFailure {
    fn from(e: SpecError) -> Self {
        JobFailure::new(format!("parameter `{}`: {}", e.param, e.message))
    }
}

impl From<SpecError> for ParamError {
    fn from(e: SpecError) -> Self {
        ParamError::Invalid { param: e.param, message: e.message }
    }
}

fn bad(param: &str, message: impl std::fmt::Display) -> SpecError {
    SpecError { param: param.to_owned(), message: message.to_string() }
}

/// The uploaded file of parameter `name` in `uploads`, if one was given.
fn upload(values: &Map<String, Value>, uploads: &Path, name: &str) -> Option<PathBuf> {
    let stored = values.get(name)?.as_str()?;
    check_name(stored).ok()?;
    let path = uploads.join(stored);
    path.is_file().then_some(path)
}

/// The values of axis parameter `name`, as a `{ values = [...] }` axis.
fn axis_values(values: &Map<String, Value>, name: &str) -> Option<Value> {
    values.get(name).map(|v| json!({ "values": v }))
}

/// The grid spec of the job, its molecule set from the parameters.
fn job_spec(ctx: &JobContext) -> Result<GridSpec, SpecError> {
    spec_from(ctx.values(), &ctx.upload_dir())
}

/// The grid spec from the job's `values` and `uploads` directory.
fn spec_from(values: &Map<String, Value>, uploads: &Path) -> Result<GridSpec, SpecError> {
    let axis_names = ["tkin_k", "column_cm2", "fwhm_km_s"];
    let any_axis = axis_names.iter().any(|n| values.contains_key(*n)) || values.keys().any(|k| k.starts_with("densities_cm3."));
    let mut spec: GridSpec = if let Some(path) = upload(values, uploads, "spec_file") {
        if any_axis {
            return Err(bad("spec_file", "give either spec_file or the axis parameters, not both"));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| bad("spec_file", e))?;
        toml::from_str(&text).map_err(|e| bad("spec_file", e))?
    } else {
        let mut axes = Map::new();
        for name in axis_names {
            axes.insert(name.into(), axis_values(values, name).ok_or_else(|| bad(name, "missing (or give spec_file)"))?);
        }
        let densities: Map<String, Value> =
            PARTNERS.iter().filter_map(|p| axis_values(values, &format!("densities_cm3.{p}")).map(|a| ((*p).to_owned(), a))).collect();
        if densities.is_empty() {
            return Err(bad("densities_cm3", "give the densities of at least one collision partner"));
        }
        axes.insert("densities_cm3".into(), Value::Object(densities));
        let mut top = Map::new();
        top.insert("molecule".into(), json!(""));
        top.insert("output".into(), json!(RESULT));
        for key in ["tbg_k", "geometry"] {
            if let Some(v) = values.get(key) {
                top.insert(key.into(), v.clone());
            }
        }
        for key in ["fmin_ghz", "fmax_ghz"] {
            if let Some(v) = values.get(key).filter(|v| v.as_f64() != Some(0.0)) {
                top.insert(key.into(), v.clone());
            }
        }
        top.insert("axes".into(), Value::Object(axes));
        serde_json::from_value(Value::Object(top)).map_err(|e| bad("axes", e))?
    };
    if let Some(path) = upload(values, uploads, "lamda_file") {
        spec.molecule = path.to_string_lossy().into_owned();
    } else if let Some(name) = values.get("molecule").and_then(Value::as_str) {
        spec.molecule = name.to_owned();
    }
    if spec.molecule.is_empty() {
        return Err(bad("molecule", "give a molecule or a lamda_file"));
    }
    Ok(spec)
}

/// Everything a run needs: the problem, the models, the selected lines.
struct Setup {
    problem: Problem,
    models: GridModels,
    lines: Vec<usize>,
}

/// The models of `spec`, at most [`MAX_MODELS`].
fn models_of(spec: &GridSpec) -> Result<GridModels, SpecError> {
    let models = GridModels::new(spec).map_err(|e| bad("axes", e))?;
    if models.len() > MAX_MODELS {
        return Err(bad("axes", format!("{} models; a grid job has at most {MAX_MODELS}", models.len())));
    }
    Ok(models)
}

/// The molecule of `spec` (a shipped name, or a file among the uploads); an error names the
/// parameter it came from.
fn molecule_of(spec: &GridSpec, values: &Map<String, Value>, uploads: &Path) -> Result<stop_molecule::Molecule, SpecError> {
    let param = ["lamda_file", "molecule"].into_iter().find(|p| values.contains_key(*p)).unwrap_or("spec_file");
    stop_molecule::resolve_molecule(&spec.molecule, &[uploads]).map_err(|e| bad(param, e))
}

fn setup(ctx: &JobContext) -> Result<Setup, JobFailure> {
    let spec = job_spec(ctx)?;
    let models = models_of(&spec)?;
    let problem = Problem::new(molecule_of(&spec, ctx.values(), &ctx.upload_dir())?)?;
    let window = radex_window(spec.fmin_ghz.unwrap_or(0.0), spec.fmax_ghz.unwrap_or(0.0));
    let lines = (0..problem.lines.len()).filter(|&i| in_window(problem.molecule.lines[i].freq_ghz, window.0, window.1)).collect();
    Ok(Setup { problem, models, lines })
}

/// Solves models `range` of the job into a TSV at `path`.
fn write_models(ctx: &JobContext, range: Range<u64>, path: &Path) -> Result<(), JobFailure> {
    let s = setup(ctx)?;
    let schema = grid_schema(&s.problem, &s.models, &s.lines)?;
    let threads = ctx.values().get("threads").and_then(Value::as_u64).map_or_else(rayon::current_num_threads, |n| n as usize);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| bad("threads", e))?;
    let mut writer = TsvWriter::create(path, &schema)?;
    run_grid_range(&s.problem, &s.models, &s.lines, &mut writer, range, &pool, &|_| {})?;
    writer.finish()?;
    Ok(())
}

impl JobType for GridJob {
    fn descriptor(&self) -> &JobDescriptor {
        &self.descriptor
    }

    fn check(&self, values: &Map<String, Value>, uploads: &Path) -> Result<(), ParamError> {
        let spec = spec_from(values, uploads)?;
        models_of(&spec)?;
        molecule_of(&spec, values, uploads)?;
        Ok(())
    }

    fn run(&self, ctx: &mut JobContext) -> Result<(), JobFailure> {
        let scratch = ctx.scratch_path(RESULT);
        let n = models_of(&job_spec(ctx)?)?.len();
        write_models(ctx, 0..n, &scratch)?;
        ctx.publish_renamed(RESULT, "text/tab-separated-values", &scratch)
    }

    fn work_items(&self, ctx: &JobContext) -> Option<u64> {
        GridModels::new(&job_spec(ctx).ok()?).ok().map(|m| m.len())
    }

    fn run_items(&self, ctx: &JobContext, items: Range<u64>, part: &Path) -> Result<(), JobFailure> {
        write_models(ctx, items, part)
    }

    fn merge_items(&self, ctx: &mut JobContext, parts: &[PathBuf]) -> Result<(), JobFailure> {
        let n_models = models_of(&job_spec(ctx)?)?.len();
        let scratch = ctx.scratch_path(RESULT);
        merge_parts(parts, n_models, &scratch)?;
        ctx.publish_renamed(RESULT, "text/tab-separated-values", &scratch)
    }
}

/// Concatenates the TSV `parts` into `out`: one header (identical in every part), then the
/// rows, checking that the `model` column counts 1, 2, ... `n_models` exactly.
fn merge_parts(parts: &[PathBuf], n_models: u64, out: &Path) -> Result<(), JobFailure> {
    let mut writer = BufWriter::new(File::create(out)?);
    let mut header: Option<Vec<String>> = None;
    let mut next_model = 1_u64;
    for part in parts {
        let name = part.display();
        let mut lines = BufReader::new(File::open(part)?).lines();
        let mut this_header = Vec::new();
        for line in lines.by_ref() {
            let line = line?;
            let is_names = !line.starts_with('#');
            this_header.push(line);
            if is_names {
                break;
            }
        }
        match &header {
            None => {
                for line in &this_header {
                    writeln!(writer, "{line}")?;
                }
                header = Some(this_header);
            }
            Some(first) if *first != this_header => return Err(JobFailure::new(format!("{name}: header differs from the first part's"))),
            Some(_) => {}
        }
        for (i_row, line) in lines.enumerate() {
            let line = line?;
            let model = line.split('\t').next().and_then(|m| m.parse::<u64>().ok());
            if model != Some(next_model) {
                let found = line.split('\t').next().unwrap_or("");
                return Err(JobFailure::new(format!("{name}: data row {}: model `{found}` where model {next_model} was due", i_row + 1)));
            }
            writeln!(writer, "{line}")?;
            next_model += 1;
        }
    }
    if next_model - 1 != n_models {
        return Err(JobFailure::new(format!("the parts hold {} models, the grid has {n_models}", next_model - 1)));
    }
    writer.into_inner().map_err(|e| JobFailure::new(e.to_string()))?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use stop_uws::exec::tasks::{TaskPlan, merge_job, plan_job, run_task};
    use stop_uws::exec::worker::{Registry, run_job_dir};
    use stop_uws::store::layout::WorkerStatus;

    /// A job directory of a `grid` job with these values.
    fn job_dir(values: Value) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let spec = json!({ "id": "g1", "job_type": "grid", "values": values });
        std::fs::write(tmp.path().join("job.json"), serde_json::to_vec(&spec).unwrap()).unwrap();
        tmp
    }

    fn co_grid() -> Value {
        json!({
            "molecule": "co", "tkin_k": [20.0, 60.0, 150.0], "densities_cm3.h2": [1e3, 1e4, 1e5, 1e6],
            "column_cm2": [1e14, 1e16], "fwhm_km_s": [1.0, 3.0], "geometry": ["sphere", "slab"],
            "tbg_k": 2.73, "fmin_ghz": 100.0, "fmax_ghz": 400.0, "threads": 1
        })
    }

    fn registry() -> Registry {
        Registry::default().with(GridJob::new())
    }

    #[test]
    fn split_and_merged_grid_equals_the_whole_run_byte_for_byte() {
        let whole = job_dir(co_grid());
        assert!(matches!(run_job_dir(whole.path(), &registry()).unwrap(), WorkerStatus::Completed { .. }));
        let expected = std::fs::read_to_string(whole.path().join("results").join(RESULT)).unwrap();
        // 2 geometries × 3 T × 4 n × 2 N × 2 dv = 96 models; CO 1-0, 2-1, 3-2 in 100-400 GHz
        // (levels 2_1, 3_2, 4_3).
        assert_eq!(expected.lines().filter(|l| !l.starts_with('#')).count(), 1 + 96);
        assert!(expected.contains("tex_K_4_3") && !expected.contains("tex_K_5_4"));
        let high_density_thin = expected.lines().find(|l| l.starts_with("13\t")).unwrap();
        // Model 13: sphere, 20 K, 1e6 cm-3 (500 × the critical density of 1-0), 1e14 cm-2,
        // 1 km/s: thermalised, T_ex(1-0) -> T_kin.
        let cols: Vec<&str> = high_density_thin.split('\t').collect();
        let tex_10: f64 = cols[9].parse().unwrap();
        assert!((tex_10 - 20.0).abs() < 0.2, "T_ex(1-0) = {tex_10} K at n = 1e6 cm-3, T_kin = 20 K: {high_density_thin}");

        let split = job_dir(co_grid());
        let plan = plan_job(split.path(), &registry(), 10, 1000).unwrap().unwrap();
        assert_eq!(plan, TaskPlan { items: 96, tasks: 10 });
        for task in (0..plan.tasks).rev() {
            run_task(split.path(), &registry(), task).unwrap();
        }
        assert!(matches!(merge_job(split.path(), &registry()).unwrap(), WorkerStatus::Completed { .. }));
        let merged = std::fs::read_to_string(split.path().join("results").join(RESULT)).unwrap();
        assert!(merged == expected, "merged grid differs from the whole run");
    }

    #[test]
    fn merge_refuses_missing_duplicated_or_foreign_rows() {
        let tmp = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = tmp.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let a = write("a", "# unit\t\n# type\ti64\nmodel\n1\n2\n");
        let b = write("b", "# unit\t\n# type\ti64\nmodel\n3\n");
        let dup = write("dup", "# unit\t\n# type\ti64\nmodel\n2\n3\n");
        let other = write("other", "# unit\tK\n# type\tf64\nmodel\n3\n");
        let out = tmp.path().join("out");
        merge_parts(&[a.clone(), b.clone()], 3, &out).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "# unit\t\n# type\ti64\nmodel\n1\n2\n3\n");
        let e = merge_parts(&[a.clone(), dup], 3, &out).unwrap_err();
        assert!(e.message.contains("model `2` where model 3 was due"), "{e}");
        let e = merge_parts(&[a.clone(), other], 3, &out).unwrap_err();
        assert!(e.message.contains("header differs"), "{e}");
        let e = merge_parts(&[a, b], 4, &out).unwrap_err();
        assert!(e.message.contains("hold 3 models, the grid has 4"), "{e}");
    }

    #[test]
    fn a_spec_file_or_axes_but_not_both_and_a_molecule_is_needed() {
        let tmp = job_dir(json!({ "tkin_k": [20.0], "densities_cm3.h2": [1e4], "column_cm2": [1e14], "fwhm_km_s": [1.0] }));
        let ctx = JobContext::open(tmp.path()).unwrap();
        assert_eq!(job_spec(&ctx).unwrap_err().param, "molecule");
        let tmp = job_dir(json!({ "molecule": "co", "tkin_k": [20.0], "column_cm2": [1e14], "fwhm_km_s": [1.0] }));
        let ctx = JobContext::open(tmp.path()).unwrap();
        assert_eq!(job_spec(&ctx).unwrap_err().param, "densities_cm3");
        let tmp = job_dir(json!({ "molecule": "co", "spec_file": "spec_file", "tkin_k": [20.0] }));
        std::fs::create_dir_all(tmp.path().join("uploads")).unwrap();
        std::fs::write(tmp.path().join("uploads/spec_file"), "molecule = \"co\"\noutput = \"x.tsv\"\n[axes]\ntkin_k = { min = 10.0, max = 100.0, n = 4 }\ncolumn_cm2 = { values = [1e14] }\nfwhm_km_s = { values = [1.0] }\n[axes.densities_cm3]\nh2 = { min = 1e3, max = 1e6, n = 5, scale = \"log\" }\n").unwrap();
        let ctx = JobContext::open(tmp.path()).unwrap();
        assert!(job_spec(&ctx).unwrap_err().message.contains("not both"));
        let thousand = |x: f64| Value::from(vec![x; 1000]);
        let huge = json!({ "molecule": "co", "tkin_k": thousand(10.0), "densities_cm3.h2": thousand(1e4), "column_cm2": thousand(1e14), "fwhm_km_s": [1.0] });
        let e = GridJob::new().check(huge.as_object().unwrap(), tmp.path()).unwrap_err();
        assert!(e.to_string().contains("parameter `axes`: 1000000000 models"), "{e}");
        let unknown = json!({ "lamda_file": "lamda_file", "tkin_k": [10.0], "densities_cm3.h2": [1e4], "column_cm2": [1e14], "fwhm_km_s": [1.0] });
        std::fs::write(tmp.path().join("uploads/lamda_file"), "not a LAMDA file\n").unwrap();
        let e = GridJob::new().check(unknown.as_object().unwrap(), &tmp.path().join("uploads")).unwrap_err();
        assert!(e.to_string().starts_with("parameter `lamda_file`: "), "{e}");
        let tmp2 = job_dir(json!({ "spec_file": "spec_file" }));
        std::fs::create_dir_all(tmp2.path().join("uploads")).unwrap();
        std::fs::copy(tmp.path().join("uploads/spec_file"), tmp2.path().join("uploads/spec_file")).unwrap();
        let ctx = JobContext::open(tmp2.path()).unwrap();
        assert_eq!(GridJob::new().work_items(&ctx), Some(4 * 5), "ranges of the uploaded spec");
    }
}
