//! Loading the RADEX reference tables (`inputs.tsv`, `models.tsv`, `lines.tsv`,
//! `lines_unreliable.tsv`; formats in `../shared/reference/radex/README.md`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, anyhow, bail};
use stop_lvg::radex::{partner_id_from_radex_name, radex_densities};
use stop_lvg::{Geometry, ModelParams, Problem, radex_window};

/// One reference model: its inputs and what RADEX reported.
#[derive(Debug, Clone)]
pub struct RefModel {
    /// `m00001` …
    pub id: String,
    /// Group of the grid (`grid`, `multipartner`, `tbg`).
    pub group: String,
    /// LAMDA file name.
    pub molecule_file: String,
    /// The model as the solvers take it (RADEX's density bookkeeping applied).
    pub params: ModelParams,
    /// The partners as typed, for reports.
    pub partners_text: String,
    /// Printed window after RADEX's normalisation, GHz.
    pub window_ghz: (f64, f64),
    /// RADEX's status (`converged`, `not_converged`, `nan_during_iteration`,
    /// `pop_sum_not_1`, `aborted`).
    pub status: String,
    /// RADEX's iteration count (−1 for aborted).
    pub niter: i64,
    /// Number of printed lines.
    pub n_lines: usize,
    /// Sum of the printed populations over all levels (None for aborted).
    pub pop_sum: Option<f64>,
    /// Iterations whose solve gave NaN (None for aborted).
    pub nan_iterations: Option<u32>,
    /// Densities of RADEX's output header, `h2=1.000E+04;ph2=…`.
    pub densities_used: String,
}

/// One printed line of a reference model.
#[derive(Debug, Clone)]
pub struct RefLine {
    /// 1-based radiative transition number.
    pub trans_index: usize,
    /// The compared values, in [`VALUE_COLUMNS`] order.
    pub values: [f64; 10],
}

/// The columns compared per line, in the order of [`RefLine::values`].
pub const VALUE_COLUMNS: [&str; 10] =
    ["e_up_K", "freq_GHz", "wavel_um", "tex_K", "tau", "t_r_K", "pop_up", "pop_low", "flux_K_kms", "flux_erg_cm2_s"];

/// The whole reference set.
#[derive(Debug)]
pub struct Reference {
    /// Models in `model_id` order.
    pub models: Vec<RefModel>,
    /// Printed lines per model id (reliable and unreliable tables together).
    pub lines: HashMap<String, Vec<RefLine>>,
    /// Model ids whose lines come from `lines_unreliable.tsv`.
    pub unreliable: std::collections::HashSet<String>,
    /// The molecules, by file name.
    pub problems: HashMap<String, Arc<Problem>>,
}

struct Table {
    header: HashMap<String, usize>,
    rows: Vec<Vec<String>>,
    path: PathBuf,
}

impl Table {
    fn read(path: &Path) -> anyhow::Result<Table> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading {} (the RADEX reference must be present)", path.display()))?;
        let mut lines = text.lines();
        let header = lines.next().ok_or_else(|| anyhow!("{} is empty", path.display()))?;
        let header = header.split('\t').enumerate().map(|(i, h)| (h.to_owned(), i)).collect();
        let rows = lines.filter(|l| !l.is_empty()).map(|l| l.split('\t').map(str::to_owned).collect()).collect();
        Ok(Table { header, rows, path: path.to_owned() })
    }

    fn col(&self, name: &str) -> anyhow::Result<usize> {
        self.header.get(name).copied().ok_or_else(|| anyhow!("{}: no column `{name}`", self.path.display()))
    }
}

fn num(text: &str, what: &str, id: &str) -> anyhow::Result<f64> {
    text.parse().with_context(|| format!("{id}: {what} `{text}` is not a number"))
}

/// Read the reference set from `radex_dir` (`…/reference/radex`) with the molecule files in
/// `lamda_dir`.
///
/// # Errors
/// A missing or malformed table or molecule file (a loud failure, never a skip).
pub fn load(radex_dir: &Path, lamda_dir: &Path) -> anyhow::Result<Reference> {
    let inputs = Table::read(&radex_dir.join("inputs.tsv"))?;
    let models_table = Table::read(&radex_dir.join("models.tsv"))?;
    let mut outcomes: HashMap<String, &Vec<String>> = HashMap::new();
    let id_col = models_table.col("model_id")?;
    for row in &models_table.rows {
        outcomes.insert(row[id_col].clone(), row);
    }
    let c = |name: &str| inputs.col(name);
    let (c_id, c_group, c_mol, c_geom) = (c("model_id")?, c("group")?, c("molecule_file")?, c("geometry")?);
    let (c_fmin, c_fmax, c_tkin, c_np) = (c("fmin_ghz")?, c("fmax_ghz")?, c("tkin")?, c("n_partners")?);
    let (c_tbg, c_col, c_dv) = (c("tbg")?, c("column_cm2")?, c("dv_kms")?);
    let m = |name: &str| models_table.col(name);
    let (m_status, m_niter, m_nlines) = (m("status")?, m("niter")?, m("n_lines")?);
    let (m_popsum, m_nan, m_dens, m_partners) = (m("pop_sum")?, m("nan_iterations")?, m("densities_used")?, m("partners")?);
    let mut problems: HashMap<String, Arc<Problem>> = HashMap::new();
    let mut models = Vec::with_capacity(inputs.rows.len());
    for row in &inputs.rows {
        let id = row[c_id].clone();
        let n_partners = num(&row[c_np], "n_partners", &id)? as usize;
        let mut partners = Vec::new();
        for i in 1..=n_partners {
            let name = &row[c(&format!("partner{i}"))?];
            let kind = partner_id_from_radex_name(name).ok_or_else(|| anyhow!("{id}: unknown partner `{name}`"))?;
            partners.push((kind, num(&row[c(&format!("density{i}"))?], "density", &id)?));
        }
        let geometry = Geometry::from_name(&row[c_geom]).ok_or_else(|| anyhow!("{id}: unknown geometry"))?;
        let params = ModelParams {
            tkin_k: num(&row[c_tkin], "tkin", &id)?,
            densities: radex_densities(&partners, true),
            tbg_k: num(&row[c_tbg], "tbg", &id)?,
            column_cm2: num(&row[c_col], "column", &id)?,
            fwhm_km_s: num(&row[c_dv], "dv", &id)?,
            geometry,
        };
        let window_ghz = radex_window(num(&row[c_fmin], "fmin", &id)?, num(&row[c_fmax], "fmax", &id)?);
        let molecule_file = row[c_mol].clone();
        if !problems.contains_key(&molecule_file) {
            let path = lamda_dir.join(&molecule_file);
            let molecule = stop_molecule::lamda::read_lamda(&path).with_context(|| format!("reading {}", path.display()))?;
            problems.insert(molecule_file.clone(), Arc::new(Problem::new(molecule)?));
        }
        let outcome = outcomes.get(&id).ok_or_else(|| anyhow!("{id}: not in models.tsv"))?;
        let opt = |text: &str| if text == "-" { None } else { Some(text.to_owned()) };
        models.push(RefModel {
            group: row[c_group].clone(),
            molecule_file,
            params,
            partners_text: outcome[m_partners].clone(),
            window_ghz,
            status: outcome[m_status].clone(),
            niter: num(&outcome[m_niter], "niter", &id)? as i64,
            n_lines: num(&outcome[m_nlines], "n_lines", &id)? as usize,
            pop_sum: opt(&outcome[m_popsum]).map(|t| num(&t, "pop_sum", &id)).transpose()?,
            nan_iterations: opt(&outcome[m_nan]).map(|t| num(&t, "nan_iterations", &id).map(|v| v as u32)).transpose()?,
            densities_used: outcome[m_dens].clone(),
            id,
        });
    }
    let mut lines: HashMap<String, Vec<RefLine>> = HashMap::new();
    let mut unreliable = std::collections::HashSet::new();
    for (file, is_unreliable) in [("lines.tsv", false), ("lines_unreliable.tsv", true)] {
        let table = Table::read(&radex_dir.join(file))?;
        let id_col = table.col("model_id")?;
        let trans_col = table.col("trans_index")?;
        let value_cols: Vec<usize> = VALUE_COLUMNS.iter().map(|name| table.col(name)).collect::<Result<_, _>>()?;
        for row in &table.rows {
            let id = &row[id_col];
            let mut values = [0.0; 10];
            for (value, &col) in values.iter_mut().zip(&value_cols) {
                *value = num(&row[col], "value", id)?;
            }
            let trans_index = num(&row[trans_col], "trans_index", id)? as usize;
            lines.entry(id.clone()).or_default().push(RefLine { trans_index, values });
            if is_unreliable {
                unreliable.insert(id.clone());
            }
        }
    }
    if models.is_empty() {
        bail!("{}: no models", radex_dir.display());
    }
    Ok(Reference { models, lines, unreliable, problems })
}
