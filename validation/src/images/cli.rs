//! `stop-validate lime-images`: the arguments and the printed run.

use super::{ImagesOptions, default_model_path, run as run_images};
use std::path::PathBuf;
use std::process::ExitCode;
use stop_raytrace::params::LIME_VELOCITY_SAMPLES;
use stop_raytrace::rays::LIME_MAX_RAYS_PER_PIXEL;
use stop_raytrace::{RayLayout, RaytraceParams};

/// Arguments of `stop-validate lime-images`.
#[derive(Debug, clap::Args)]
pub struct LimeImagesArgs {
    /// STOP's populations of model A on STOP's own grid (written by `stop lime
    /// validation/models/lime_modelA.toml`, or `modelA_own_grid_pops_<cells>.tsv` of
    /// `stop-validate lime-modela --populations-dir`); repeat for several cells.
    #[arg(long)]
    pub populations: Vec<PathBuf>,
    /// STOP's populations of model A solved on LIME's seed1 grid
    /// (`modelA_lime_grid_pops_<cells>.tsv` of `stop-validate lime-modela --populations-dir`);
    /// repeat for several cells (`lime-paths` is judged by LIME's same-grid noise, `lime` and
    /// `linear` as explained in the report).
    #[arg(long)]
    pub lime_grid_populations: Vec<PathBuf>,
    /// STOP's model file of model A.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// The reference directory (holding `lime/modelA`).
    #[arg(long)]
    pub reference: Option<PathBuf>,
    /// Rays on a regular n × n sub-pixel pattern instead of LIME's rays through the
    /// projected grid points.
    #[arg(long)]
    pub sub_pixel: Option<usize>,
    /// STOP's own velocity treatment along rays (adaptive linear pieces, exact profile
    /// means) instead of LIME's 10 left-aligned samples per cell step.
    #[arg(long)]
    pub adaptive_velocity: bool,

    /// Also write STOP's cubes (K, FITS) into this directory.
    #[arg(long)]
    pub write_cubes: Option<PathBuf>,
}

/// Runs the comparison, prints it and `N passed, M failed`.
///
/// # Errors
/// Missing or unreadable reference, model or population files.
#[allow(clippy::print_stdout)]
pub fn run(args: &LimeImagesArgs) -> anyhow::Result<ExitCode> {
    let layout = match args.sub_pixel {
        Some(per_side) => RayLayout::SubPixel { per_side },
        None => RayLayout::GridPoints { max_per_pixel: LIME_MAX_RAYS_PER_PIXEL },
    };
    let params = RaytraceParams {
        layout,
        lime_velocity_samples: (!args.adaptive_velocity).then_some(LIME_VELOCITY_SAMPLES),
        ..RaytraceParams::default()
    };
    let options = ImagesOptions {
        reference_dir: args.reference.clone().unwrap_or_else(crate::default_reference_dir),
        model_path: args.model.clone().unwrap_or_else(default_model_path),
        populations: args.populations.clone(),
        lime_grid_populations: args.lime_grid_populations.clone(),
        params,
        write_cubes: args.write_cubes.clone(),
    };
    let report = run_images(&options)?;
    print!("{}", report.text);
    println!("{} passed, {} failed", report.passed, report.failed);
    Ok(if report.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
