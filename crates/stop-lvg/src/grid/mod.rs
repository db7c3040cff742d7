//! Grids of models (`stop grid`): the specification and the streaming parallel run.

mod chunk;
mod run;
mod spec;

pub use chunk::CHUNK_MODELS;
pub use run::{
    BATCH_MODELS, GridSummary, grid_schema, run_grid, run_grid_checkpointed, run_grid_range,
};
pub use spec::{Axes, Axis, GridModels, GridSpec, Scale, TableModel};
