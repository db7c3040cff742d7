//! The pieces `stop-validate lime-images` builds its grid check on (`images::geometry`),
//! against LIME's own files (`../shared/reference/lime`).

use stop_model::ModelFile;
use stop_raytrace::params::LIME_VELOCITY_SAMPLES;
use stop_raytrace::rays::LIME_MAX_RAYS_PER_PIXEL;
use stop_raytrace::{RayLayout, RaytraceParams};
use stop_validation::images::compare::pixel_residuals;
use stop_validation::images::geometry::{kelvin, rebuilt_lime_grid};
use stop_validation::images::lime_inputs::{read_lime_solved_grid, read_reference_cube};
use stop_validation::images::report::SAME_GRID_PIXEL_P90;

/// LIME's seed-2 grid, rebuilt from the interior points of its `pops.tsv.gz` and seed 1's
/// sinks, traced with seed 2's populations: LIME's seed-2 cubes within the same-grid
/// per-pixel tolerance (measured 0.2 % for 4-3 and 0.7 % for 1-0 at p90).
#[test]
fn rebuilt_seed2_grid_gives_limes_seed2_cubes() -> anyhow::Result<()> {
    let model_a = stop_validation::default_reference_dir().join("lime/modelA");
    let file = ModelFile::load(stop_validation::images::default_model_path())?;
    let seed1 = read_lime_solved_grid(&model_a.join("seed1/grid_5.fits.gz"))?;
    let (grid, pops) = rebuilt_lime_grid(&model_a, 2, &seed1)?;
    let params = RaytraceParams {
        layout: RayLayout::GridPoints { max_per_pixel: LIME_MAX_RAYS_PER_PIXEL },
        lime_velocity_samples: Some(LIME_VELOCITY_SAMPLES),
        ..RaytraceParams::default()
    };
    let cubes = kelvin(&file, &grid, &pops, &params)?;
    for (image, cube) in file.images.iter().zip(&cubes) {
        let lime = read_reference_cube(&model_a.join(format!("seed2/{}_Kelvin.fits.gz", image.file_stem)))?;
        let (median, p90, n) = pixel_residuals(cube, &lime.values);
        assert!(n > 1000 && p90 <= SAME_GRID_PIXEL_P90, "{}: median {median}, p90 {p90} over {n} pixels", image.file_stem);
    }
    Ok(())
}
