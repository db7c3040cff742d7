//! Wall and CPU times of the ray-tracing step at LIME model A's image settings: both images
//! of `validation/models/lime_modelA.toml` (HCO+ 4-3 and 1-0, 64 × 64 pixels, 40 channels)
//! from LIME's own seed1 grid and populations (`../shared/reference/lime/modelA/seed1/
//! grid_5.fits.gz`), with and without writing the FITS cubes (K and Jy/pixel). Each timing
//! includes wrapping the solved grid for the ray tracer (`TraceGrid::new`: the point locator).
//!
//! `cargo bench -p stop-benches --bench raytrace` (release profile). LIME 1.9.5 takes
//! ≈ 0.15 s for ray tracing and writing both images (`../shared/reference/lime/README.md`,
//! `after_solve_s` of `timings.tsv`, 0.13–0.20 s, which also includes writing its grid file).
#![allow(clippy::print_stdout, reason = "a benchmark's job is to print its figures")]

use std::path::PathBuf;
use stop_benches::median_time;
use stop_lime::grid::lime_grid_file::read_lime_grid;
use stop_lime::solve::model_run::file_setup;
use stop_lime::solve::setup::Mesh;
use stop_model::ModelFile;
use stop_raytrace::fits::{SkyPlacement, write_cube};
use stop_raytrace::params::LIME_VELOCITY_SAMPLES;
use stop_raytrace::rays::LIME_MAX_RAYS_PER_PIXEL;
use stop_raytrace::{RayLayout, RaytraceParams, TraceGrid, render_all};

/// LIME's ray tracing plus FITS output of both model-A images, s (reference README).
const LIME_BOTH_IMAGES_S: f64 = 0.15;

fn main() {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let file = ModelFile::load(root.join("validation/models/lime_modelA.toml")).expect("model A file");
    let grid_path = root.join("../shared/reference/lime/modelA/seed1/grid_5.fits.gz");
    let grid = read_lime_grid(&grid_path).expect("LIME grid file");
    let pops_image = stop_io::read_fits_image(&grid_path).expect("LEVEL_POPS_1");
    let pops = pops_image.data.to_f64();
    let molecule = file.molecule.read().expect("molecule");
    let mesh = Mesh { positions_m: &grid.positions_m, is_sink: &grid.is_sink, neighbours: &grid.neighbours };
    let setup = file_setup(&file, mesh, &molecule).expect("set-up");
    let out = tempfile_dir();
    let lime_like = RaytraceParams {
        layout: RayLayout::GridPoints { max_per_pixel: LIME_MAX_RAYS_PER_PIXEL },
        lime_velocity_samples: Some(LIME_VELOCITY_SAMPLES),
        ..RaytraceParams::default()
    };
    let grid_adaptive = RaytraceParams { lime_velocity_samples: None, ..lime_like.clone() };
    let cases = [
        ("LIME's rays and 10 velocity samples", lime_like),
        ("LIME's rays, adaptive velocities", grid_adaptive),
        ("2x2 rays per pixel, adaptive (default)", RaytraceParams::default()),
    ];
    println!("load average at start: {}", load_average());
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        for (label, params) in &cases {
            let (t_trace, _) = median_time(5, || {
                pool.install(|| {
                    let trace = TraceGrid::new(&setup, &molecule, &pops).expect("trace grid");
                    render_all(&trace, &file.images, params).expect("traced")
                })
            });
            let (t_all, _) = median_time(5, || {
                pool.install(|| {
                    let trace = TraceGrid::new(&setup, &molecule, &pops).expect("trace grid");
                    for (image, cube) in file.images.iter().zip(render_all(&trace, &file.images, params).expect("traced")) {
                        for &unit in &image.units {
                            let path = out.join(format!("{}_{unit:?}.fits", image.file_stem));
                            write_cube(&path, &cube, unit, &SkyPlacement::default()).expect("written");
                        }
                    }
                });
            });
            println!(
                "{threads} thread(s), {label:<40} both images: trace {:.3} s wall, trace + 4 FITS files {:.3} s wall; LIME {LIME_BOTH_IMAGES_S} s -> STOP/LIME {:.2}x (median of 5)",
                t_trace.wall_s,
                t_all.wall_s,
                t_all.wall_s / LIME_BOTH_IMAGES_S
            );
        }
    }
    println!("load average at end: {}", load_average());
    let _ = std::fs::remove_dir_all(&out);
}

/// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), timings being noisy under load.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(|_| "unknown".to_owned(), |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// A fresh directory under the system temp dir for the cubes.
fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stop-bench-raytrace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
