//! Running a grid: models in parallel (rayon) in chunks of consecutive models, each chunk
//! warm-starting every model from a neighbour's populations ([`super::chunk`]), rows streamed
//! in model order to a [`TableWriter`] batch by batch, never holding more than one batch.
//! Chunk boundaries depend only on the model index, so the results do not depend on the
//! number of threads, and a resumed run (starting at the number of rows already written)
//! computes exactly the models that are missing.

use rayon::prelude::*;
use stop_io::{Column, Schema, TableWriter, Value};

use super::chunk::{ChunkLayout, ChunkSolver};
use super::spec::GridModels;
use crate::error::LvgError;
use crate::model::Problem;
use crate::result::{Solution, Status};

/// Models computed between two flushes of the output (a checkpoint for `--resume`) by
/// default, rounded up to whole chunks.
pub const BATCH_MODELS: u64 = 8192;

/// Counts of a finished run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GridSummary {
    /// Models computed by this run.
    pub computed: u64,
    /// Of those, models that did not converge (any status but converged).
    pub not_converged: u64,
}

/// The output columns: the model number and parameters, the status, iterations and
/// residual, then T_ex, τ, T_R and both fluxes of every selected line.
///
/// # Errors
/// A schema error of stop-io (duplicate names cannot occur).
pub fn grid_schema(
    problem: &Problem,
    models: &GridModels,
    lines: &[usize],
) -> Result<Schema, LvgError> {
    let mut columns = vec![
        Column::i64("model").description("1-based model number in the grid's nested order"),
        Column::string("geometry", 6),
        Column::f64("tkin_K").unit("K"),
    ];
    for kind in models.partner_axes() {
        columns.push(Column::f64(&format!("n_{}_cm3", kind.name())).unit("cm-3"));
    }
    columns.push(Column::f64("column_cm2").unit("cm-2"));
    columns.push(Column::f64("fwhm_km_s").unit("km/s"));
    columns.push(Column::string("status", 20));
    columns.push(Column::i64("iterations"));
    columns.push(Column::f64("residual").description("relative statistical-equilibrium residual"));
    for &i_line in lines {
        let line = &problem.molecule.lines[i_line];
        let tag = format!("{}_{}", line.up + 1, line.lo + 1);
        columns.push(Column::f64(&format!("tex_K_{tag}")).unit("K"));
        columns.push(Column::f64(&format!("tau_{tag}")));
        columns.push(Column::f64(&format!("t_r_K_{tag}")).unit("K"));
        columns.push(Column::f64(&format!("flux_K_kms_{tag}")).unit("K km/s"));
        columns.push(Column::f64(&format!("flux_erg_cm2_s_{tag}")).unit("erg cm-2 s-1"));
    }
    Ok(Schema::new(columns)?)
}

/// Solve models `start..models.len()` on the threads of `pool` and append one row per model
/// to `writer`; `progress` is called with the number of models done (including `start`)
/// after each batch.
///
/// # Errors
/// A model that cannot be set up (bad parameters, no rates), or an output error.
pub fn run_grid(
    problem: &Problem,
    models: &GridModels,
    lines: &[usize],
    writer: &mut dyn TableWriter,
    start: u64,
    pool: &rayon::ThreadPool,
    progress: &dyn Fn(u64),
) -> Result<GridSummary, LvgError> {
    run_grid_range(
        problem,
        models,
        lines,
        writer,
        start..models.len(),
        pool,
        progress,
    )
}

/// Like [`run_grid`] for models `range` only (clamped to the grid): one task of a grid split
/// over several processes. Chunks and warm starts follow the model index as in a whole run, so
/// the rows equal those a whole run writes for the same models.
///
/// # Errors
/// As [`run_grid`].
pub fn run_grid_range(
    problem: &Problem,
    models: &GridModels,
    lines: &[usize],
    writer: &mut dyn TableWriter,
    range: std::ops::Range<u64>,
    pool: &rayon::ThreadPool,
    progress: &dyn Fn(u64),
) -> Result<GridSummary, LvgError> {
    run_grid_checkpointed(
        problem,
        models,
        lines,
        writer,
        range,
        pool,
        progress,
        BATCH_MODELS,
    )
}

/// Like [`run_grid_range`], flushing the output (a checkpoint for `--resume`) every
/// `checkpoint_models` models, rounded up to whole chunks.
///
/// # Errors
/// As [`run_grid`].
#[allow(clippy::too_many_arguments)]
pub fn run_grid_checkpointed(
    problem: &Problem,
    models: &GridModels,
    lines: &[usize],
    writer: &mut dyn TableWriter,
    range: std::ops::Range<u64>,
    pool: &rayon::ThreadPool,
    progress: &dyn Fn(u64),
    checkpoint_models: u64,
) -> Result<GridSummary, LvgError> {
    let total = range.end.min(models.len());
    let start = range.start;
    let partners = models.partner_axes();
    let mut summary = GridSummary::default();
    let mut batch_start = start;
    let layout = ChunkLayout::new(models);
    let encoder = writer.row_encoder();
    let batch_len = checkpoint_models.max(1).div_ceil(layout.len) * layout.len;
    while batch_start < total {
        let batch_end = ((batch_start / batch_len + 1) * batch_len).min(total);
        let mut chunk_starts = Vec::new();
        let mut at = batch_start;
        while at < batch_end {
            chunk_starts.push(at);
            at = layout.chunk_start(at) + layout.len;
        }
        // rows are encoded into the file's bytes by the workers; this thread only copies them
        let chunks: Vec<Result<EncodedChunk, LvgError>> = pool.install(|| {
            chunk_starts
                .par_iter()
                .map_init(
                    || (ChunkSolver::default(), Vec::new()),
                    |(chunk, row), &first| {
                        let last = (layout.chunk_start(first) + layout.len).min(batch_end);
                        let mut encoded = EncodedChunk::default();
                        chunk.run(
                            problem,
                            models,
                            &layout,
                            (first, last),
                            &mut |index, model, solution| {
                                fill_row(row, problem, index, model, &partners, lines, solution);
                                encoder.encode(index, row, &mut encoded.bytes)?;
                                encoded.rows += 1;
                                if solution.status != Some(Status::Converged) {
                                    encoded.not_converged += 1;
                                }
                                Ok(())
                            },
                        )?;
                        Ok(encoded)
                    },
                )
                .collect()
        });
        for chunk in chunks {
            let chunk = chunk?;
            writer.write_encoded(&chunk.bytes, chunk.rows)?;
            summary.computed += chunk.rows;
            summary.not_converged += chunk.not_converged;
        }
        writer.flush()?;
        progress(batch_end);
        batch_start = batch_end;
    }
    Ok(summary)
}

/// The encoded rows of one chunk.
#[derive(Debug, Default)]
struct EncodedChunk {
    /// The rows in the output file's format.
    bytes: Vec<u8>,
    /// Number of rows.
    rows: u64,
    /// Of those, models that did not converge.
    not_converged: u64,
}

/// The output row of model `index` (0-based) into `row` (cleared first, buffer reused).
fn fill_row(
    row: &mut Vec<Value>,
    problem: &Problem,
    index: u64,
    model: &crate::ModelParams,
    partners: &[stop_molecule::PartnerKind],
    lines: &[usize],
    solution: &Solution,
) {
    row.clear();
    row.push(Value::I64(index as i64 + 1));
    row.push(Value::Str(model.geometry.name().to_owned()));
    row.push(Value::F64(model.tkin_k));
    for &kind in partners {
        row.push(Value::F64(model.densities.get(kind)));
    }
    row.push(Value::F64(model.column_cm2));
    row.push(Value::F64(model.fwhm_km_s));
    row.push(Value::Str(
        solution.status.map_or("none", Status::name).to_owned(),
    ));
    row.push(Value::I64(i64::from(solution.iterations)));
    row.push(Value::F64(solution.residual));
    let fwhm_cm_s = model.fwhm_cm_s();
    for &i_line in lines {
        let line = crate::line_result(
            problem,
            solution,
            &solution.background[i_line],
            fwhm_cm_s,
            i_line,
        );
        row.extend(
            [
                line.tex_k,
                line.tau,
                line.t_r_k,
                line.flux_k_km_s,
                line.flux_erg_cm2_s,
            ]
            .map(Value::F64),
        );
    }
}
