//! `molecule`: the summary of a LAMDA molecular data file (shipped or uploaded), the job
//! counterpart of `stop molecule`. Results: `summary.json` and `lines.tsv` (every radiative
//! line).

use std::fmt::Write as _;

use serde_json::json;
use stop_molecule::Molecule;
use stop_uws::exec::worker::{JobContext, JobFailure, JobType};
use stop_uws::params::{JobDescriptor, ParamKind, ParamSpec, Relation};

/// The `molecule` job type.
#[derive(Debug)]
pub struct MoleculeSummary {
    descriptor: JobDescriptor,
}

impl MoleculeSummary {
    /// The job type with its parameter description.
    #[must_use]
    pub fn new() -> Self {
        let [molecule, lamda_file] = super::molecule_source_params();
        let descriptor = JobDescriptor {
            name: "molecule".into(),
            title: "Molecular data summary (LAMDA)".into(),
            description: "Levels, lines, collision partners, partition function and the strongest lines of a LAMDA \
                          file. Results: summary.json, lines.tsv."
                .into(),
            parameters: vec![
                molecule,
                lamda_file,
                super::float("rank_tex_k", "Temperature at which the strongest lines are ranked (LTE, optically thin)", Some("K"), Some(0.0), true, Some(1e5), Some(100.0)),
                ParamSpec {
                    name: "n_strongest".into(),
                    description: "How many strongest lines to list".into(),
                    kind: ParamKind::Integer { min: Some(1), max: Some(1000) },
                    unit: None,
                    required: false,
                    default: Some(json!(10)),
                    array: None,
                },
            ],
            relations: vec![Relation::ExactlyOneOf { params: vec!["molecule".into(), "lamda_file".into()] }],
        };
        Self { descriptor }
    }
}

impl Default for MoleculeSummary {
    fn default() -> Self {
        Self::new()
    }
}

fn lines_tsv(m: &Molecule) -> String {
    let mut out = String::from("index\tup_label\tlow_label\tfreq_ghz\teup_k\ta_ul_s\n");
    for (i, l) in m.lines.iter().enumerate() {
        let _ = writeln!(out, "{}\t{}\t{}\t{:.7}\t{:.3}\t{:.4e}", i + 1, m.levels[l.up].label, m.levels[l.lo].label, l.freq_ghz, l.eup_k, l.a_ul_s);
    }
    out
}

impl JobType for MoleculeSummary {
    fn descriptor(&self) -> &JobDescriptor {
        &self.descriptor
    }

    fn run(&self, ctx: &mut JobContext) -> Result<(), JobFailure> {
        let molecule = match ctx.upload("lamda_file") {
            Some(path) => stop_molecule::lamda::read_lamda(&path)?,
            None => {
                let name = ctx.values().get("molecule").and_then(|v| v.as_str()).ok_or_else(|| JobFailure::new("no molecule given"))?;
                stop_molecule::shipped(name)?
            }
        };
        let rank_tex_k = ctx.values().get("rank_tex_k").and_then(serde_json::Value::as_f64).unwrap_or(100.0);
        let n = ctx.values().get("n_strongest").and_then(serde_json::Value::as_u64).and_then(|n| usize::try_from(n).ok()).unwrap_or(10);
        let strongest: Vec<_> = molecule
            .strongest_lines(rank_tex_k, n)
            .into_iter()
            .map(|i| {
                let l = &molecule.lines[i];
                json!({"index": i + 1, "up_label": molecule.levels[l.up].label, "low_label": molecule.levels[l.lo].label,
                       "freq_ghz": l.freq_ghz, "eup_k": l.eup_k, "a_ul_s": l.a_ul_s})
            })
            .collect();
        let partners: Vec<_> = molecule
            .partners
            .iter()
            .map(|p| json!({"name": p.kind.name(), "description": p.description, "n_transitions": p.transitions.len()}))
            .collect();
        let partition: Vec<_> = [10.0, 100.0, 300.0].iter().map(|&t| json!([t, molecule.partition_function(t)])).collect();
        let summary = json!({
            "name": molecule.name,
            "weight_amu": molecule.weight_amu,
            "n_levels": molecule.n_levels(),
            "n_lines": molecule.n_lines(),
            "partners": partners,
            "rank_tex_k": rank_tex_k,
            "strongest_lines": strongest,
            "partition_function": partition,
        });
        let text = serde_json::to_vec_pretty(&summary)?;
        ctx.publish("summary.json", "application/json", &text)?;
        ctx.publish("lines.tsv", "text/tab-separated-values", lines_tsv(&molecule).as_bytes())?;
        Ok(())
    }
}
