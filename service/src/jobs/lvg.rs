//! `lvg`: one escape-probability (RADEX-style) model, the job counterpart of `stop lvg` with a
//! TOML/JSON single-model input. Parameter names are the input file's keys; the partner
//! densities are TOML dotted keys (`densities_cm3.h2 = 1e4`). Results: `lines.tsv` and
//! `lines.json` (the rows of `stop lvg --format tsv|json`).

use serde_json::{Map, Value, json};
use stop_lvg::rows::{OutputRow, TSV_COLUMNS, printed_lines};
use stop_lvg::single::SingleModel;
use stop_lvg::{FastSolver, Geometry, Problem, Solution, Status};
use stop_uws::exec::worker::{JobContext, JobFailure, JobType};
use stop_uws::params::{JobDescriptor, ParamKind, ParamSpec, Relation};

/// Collision partners as named in `densities_cm3` (LAMDA partner names).
const PARTNERS: [&str; 7] = ["h2", "p-h2", "o-h2", "e", "h", "he", "h+"];

/// The `lvg` job type.
#[derive(Debug)]
pub struct LvgModel {
    descriptor: JobDescriptor,
}

impl LvgModel {
    /// The job type with its parameter description.
    #[must_use]
    pub fn new() -> Self {
        let f = super::float;
        let [molecule, lamda_file] = super::molecule_source_params();
        let mut parameters = vec![
            molecule,
            lamda_file,
            f("tkin_k", "Kinetic temperature", Some("K"), Some(0.0), true, Some(1e5), None),
        ];
        for p in PARTNERS {
            parameters.push(f(&format!("densities_cm3.{p}"), &format!("Density of collision partner {p}"), Some("cm-3"), Some(0.0), false, Some(1e15), None));
            if let Some(last) = parameters.last_mut() {
                last.required = false;
            }
        }
        parameters.extend([
            f("column_cm2", "Column density of the molecule", Some("cm-2"), Some(0.0), true, Some(1e25), None),
            f("fwhm_km_s", "Line width (FWHM)", Some("km/s"), Some(0.0), true, Some(1e3), None),
            f("tbg_k", "Background radiation temperature", Some("K"), Some(0.0), false, Some(1e4), Some(stop_lvg::single::DEFAULT_TBG_K)),
            ParamSpec {
                name: "geometry".into(),
                description: "Escape probability: uniform sphere, expanding sphere (LVG) or slab".into(),
                kind: ParamKind::String { choices: Some(vec!["sphere".into(), "lvg".into(), "slab".into()]), max_len: 8 },
                unit: None,
                required: false,
                default: Some(json!("sphere")),
                array: None,
            },
            f("fmin_ghz", "Lowest frequency of the printed lines", Some("GHz"), Some(0.0), false, Some(1e5), Some(0.0)),
            f("fmax_ghz", "Highest frequency of the printed lines (0: all)", Some("GHz"), Some(0.0), false, Some(1e5), Some(0.0)),
        ]);
        let descriptor = JobDescriptor {
            name: "lvg".into(),
            title: "Escape-probability (RADEX-style) non-LTE model".into(),
            description: "Level populations and line intensities of one model. Results: lines.tsv, lines.json.".into(),
            parameters,
            relations: vec![
                Relation::ExactlyOneOf { params: vec!["molecule".into(), "lamda_file".into()] },
                Relation::ChoicesFrom {
                    param: "densities_cm3.*".into(),
                    source: "molecule".into(),
                    note: "partners with rate tables in the molecule file; give at least one".into(),
                },
            ],
        };
        Self { descriptor }
    }
}

impl Default for LvgModel {
    fn default() -> Self {
        Self::new()
    }
}

/// The TOML/JSON input object from the flat job values (dotted keys become tables).
fn input_object(ctx: &JobContext) -> Result<Value, JobFailure> {
    let mut top = Map::new();
    let mut densities = Map::new();
    for (key, value) in ctx.values() {
        match key.split_once('.') {
            Some(("densities_cm3", partner)) => {
                densities.insert(partner.to_owned(), value.clone());
            }
            _ if key == "lamda_file" => {}
            _ => {
                top.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(path) = ctx.upload("lamda_file") {
        top.insert("molecule".into(), Value::from(path.to_string_lossy().into_owned()));
    }
    let fmax = top.get("fmax_ghz").and_then(Value::as_f64).unwrap_or(0.0);
    if fmax == 0.0 {
        top.remove("fmin_ghz");
        top.remove("fmax_ghz");
    }
    if densities.is_empty() {
        return Err(JobFailure::new("parameter `densities_cm3`: give the density of at least one collision partner"));
    }
    top.insert("densities_cm3".into(), Value::Object(densities));
    Ok(Value::Object(top))
}

impl JobType for LvgModel {
    fn descriptor(&self) -> &JobDescriptor {
        &self.descriptor
    }

    fn run(&self, ctx: &mut JobContext) -> Result<(), JobFailure> {
        let single: SingleModel = serde_json::from_value(input_object(ctx)?)?;
        let model = single.params("job parameters", Geometry::Sphere)?;
        let molecule = stop_molecule::resolve_molecule(&single.molecule, &[])?;
        let problem = Problem::new(molecule)?;
        let mut solution = Solution::default();
        FastSolver::default().solve(&problem, &model, &mut solution)?;
        let status = solution.status.unwrap_or(Status::NotConverged);
        let rows: Vec<OutputRow> =
            printed_lines(&problem, &solution, model.fwhm_cm_s(), single.window_ghz()).iter().map(|line| OutputRow::new(1, status, line)).collect();
        let mut tsv = TSV_COLUMNS.join("\t");
        tsv.push('\n');
        for row in &rows {
            tsv.push_str(&row.tsv());
            tsv.push('\n');
        }
        ctx.publish("lines.tsv", "text/tab-separated-values", tsv.as_bytes())?;
        ctx.publish("lines.json", "application/json", &serde_json::to_vec_pretty(&rows)?)?;
        Ok(())
    }
}
