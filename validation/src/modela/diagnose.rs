//! Where does STOP's model-A outer envelope differ from LIME's? STOP's iteration started
//! from LIME's own populations on LIME's own grid (`--part diagnose`).
//!
//! On `seed1/grid_5.fits.gz` the inputs are identical: positions and neighbours are LIME's,
//! and per point n(H2), T, abundance (1e-9), b_turb (200 m/s) and velocity agree with the grid
//! file's `DENSITY1`, `TEMPKNTC`, `DENSMOL1`, `TURBDPLR`, `VEL1..3` columns to rounding (2e-16,
//! 6e-8, 6e-8, exact, exact); `TEMPDUST` is −1 (dust at the gas temperature, as STOP). The one
//! collision partner is H2, as the file's; T = 15.4–44.8 K lies inside the rate table (10–2000
//! K), so no rate is extrapolated and both codes interpolate linearly in T. The CMB is
//! 2.72548 K in both. Dust is negligible there: τ(4-3) from the centre to the edge is 0.017,
//! from 300 au 5e-4. So if LIME's seed-1 populations were a fixed point of STOP's iteration,
//! a STOP step from them (photons from each point through LIME's populations, then STOP's
//! local ALI) would return them up to Monte-Carlo noise. The tables show, per radius band
//! and level, the mean departure after one step and at STOP's fixed point of the points
//! outside 30 au with everything inside held at LIME's values (inside 30 au the two codes
//! agree to < 0.1 %), for STOP's variants: linear, constant or LIME's cells, 200 or 2000
//! photons; and for lime cells on LIME's photon paths ([`super::lime_paths`]), with the
//! velocity sampled at the edges' points as LIME does or, as control, on the photon's track.
//! With `--lime-grid-populations` (an earlier `lime-grid` run of the same solver) the step
//! from STOP's own populations must return them; a file from another solver version will not.
//!
//! Findings (2026-11-25, 200 photons; J = 3 / J = 4 at 300–1000 au, then 1000–2000 au):
//! STOP's fixed point −1.7 / −6.4 % and −6.1 / −13.5 % against LIME; 2000 photons change this
//! by < 0.3 points at 300–1000 au (not Monte-Carlo noise); populations constant in each cell
//! (LIME's) −1.3 / −3.7 % and −6.2 / −8.7 %; populations **and densities** constant in each
//! cell, as LIME does (then measured with a throwaway patch; now `CellPopulations::Lime`),
//! +0.8 / +1.1 % and −0.8 / −0.6 %, inside LIME's own same-grid scatter there (fixedgrid
//! runs: +0.4…+1.0 % and −0.8…−4.7 % for J = 3–4). The bias is LIME's approximation: a
//! Voronoi cell of the sparse outer envelope spans hundreds of au, and LIME gives all of it
//! the point's density and populations. Along the photon paths of LIME's points at
//! 100–300 / 300–1000 / 1000–2000 au that holds 17 / 18 / 7 % (median; p90 28 / 35 / 29 %)
//! more molecules
//! than the model's n(r) (Voronoi-constant column over the model's, 12 random paths per
//! point to the sink cells), and LIME's J = 3–4 are over-excited accordingly; STOP integrates
//! the model's density along the path and reconstructs the populations linearly.
//!
//! Findings (2026-11-26, lime cells, one step with 2000 photons; J = 6 / 7 at 30–100 au,
//! J = 4–6 at 100–300 au, J = 3 / 4 / 5 at 300–1000 au): STOP's straight paths +0.66 / +1.01 %,
//! +0.69 / +1.69 / +1.89 %, +1.06 / +1.41 / +2.90 %, the lime-cells difference of the
//! `lime-grid` part; LIME's photon paths +0.10 / +0.13 %, +0.01 / −0.02 / −0.11 %, +0.37 /
//! +0.83 / +1.03 %, about as LIME's own reruns on the same grid (fixedgrid 4, 5 against seed 1:
//! +0.04…+0.08 %, −0.02…+0.05 / −0.17…+0.01 / −0.30…−0.10 %, +0.38…+0.45 / +0.59…+0.97 /
//! −1.43…+0.33 %; J = 5 there has few points above 0.01). The same paths with the velocity
//! sampled on the photon's track give +0.45 / +0.67 %, +0.46 / +1.15 / +1.26 %, +1.99 / +3.89 /
//! +4.53 %: the difference is the velocity LIME's photons see off their line
//! (`lime-algorithm.md` §3.2 steps 3–5). LIME's uniform photon velocities (step 2) instead of
//! STOP's profile sampling move the straight paths' figures by < 0.6 points (an experiment with
//! 400 photons). LIME's populations are its own algorithm's fixed point, not an unconverged
//! state after its 14 iterations (`lime_paths`: the full solve from zero matches LIME like its
//! reruns), and STOP's lime cells differ from it only by the paths.

use super::lime_paths::{self, LimePaths, VelocitySamples, Velocities};
use super::reference::{BINNED_LEVELS, read_lime_pops};
use super::run::{ModelAOptions, read_lime_seed1};
use super::{ModelAReport, POPULATION_FLOOR, mean_deviation_cell};
use anyhow::Context as _;
use rayon::prelude::*;
use std::fmt::Write as _;
use stop_lime::grid::sampling::item_rng;
use stop_lime::pops::io::PopulationFile;
use stop_lime::solve::local::{LocalScratch, solve_point};
use stop_lime::solve::model_run::file_setup;
use stop_lime::solve::params::{CellPopulations, SolveParams};
use stop_lime::solve::setup::{Mesh, SolverSetup};
use stop_lime::transport::photons::{CellModel, PointRadiation, TraceScratch, trace_point};
use stop_lime::transport::reconstruct::{CellFit, FitOrder, GradientStencil, N_TERMS};
use stop_lime::transport::segment::LimeLines;
use stop_model::ModelFile;

use stop_physics::constants::AU_M;

/// Radius bands of the table, au (the outer four of the runner's bias table).
const BANDS_AU: [(f64, f64); 4] = [(30.0, 100.0), (100.0, 300.0), (300.0, 1000.0), (1000.0, 2000.1)];

/// One STOP step from `start` at the points `rows` of `lime` (their grid ids), with the
/// cells and photons of the variant; the populations after the step, `[row * n + level]`.
fn step_from(
    setup: &SolverSetup<'_>,
    start: &[f64],
    ids: &[usize],
    params: &SolveParams,
    cells: CellPopulations,
    photons: usize,
) -> Vec<f64> {
    let n = setup.n_levels;
    let mut fits = Vec::new();
    let stencil = GradientStencil::new(&setup.mesh);
    match cells {
        CellPopulations::Linear => stencil.fit(&setup.mesh, start, n, FitOrder::Linear, &mut fits),
        CellPopulations::Quadratic => {
            stencil.fit(&setup.mesh, start, n, FitOrder::Quadratic, &mut fits);
        }
        CellPopulations::Constant => fits.resize(
            start.len(),
            CellFit {
                coeff: [0.0; N_TERMS],
                lo: 0.0,
                hi: f64::INFINITY,
            },
        ),
        CellPopulations::Lime => {}
    }
    let lime_lines = if cells == CellPopulations::Lime { LimeLines::new(setup, start) } else { LimeLines::default() };
    let cell_model = if cells == CellPopulations::Lime { CellModel::Lime(&lime_lines) } else { CellModel::Fitted(&fits) };
    ids.par_iter()
        .map_init(
            || {
                (
                    PointRadiation::default(),
                    TraceScratch::default(),
                    LocalScratch::new(n, setup.n_lines()),
                )
            },
            |(radiation, trace, local), &i| {
                // the solver's stream for photon set 0 of point i (fixed photons)
                let mut rng = item_rng(params.seed, i as u64);
                trace_point(setup, start, cell_model, i, photons, &mut rng, radiation, trace);
                let mut p = start[i * n..(i + 1) * n].to_vec();
                solve_point(setup, i, radiation, &params.local, &mut p, local);
                p
            },
        )
        .flatten()
        .collect()
}

/// Iterations of [`outer_fixed_point`]: the outer envelope is effectively thin in the lines
/// that matter (J = 3–4), so plain iteration settles within a few steps.
const OUTER_ITERATIONS: usize = 6;

/// STOP's fixed point for the points `ids` with every other point held at `start`: steps
/// of [`step_from`] on `ids` only, `OUTER_ITERATIONS` times. Returns the populations of `ids`
/// and the largest relative change (levels above 0.01) of each step.
fn outer_fixed_point(
    setup: &SolverSetup<'_>,
    start: &[f64],
    ids: &[usize],
    params: &SolveParams,
    cells: CellPopulations,
) -> (Vec<f64>, Vec<f64>) {
    let n = setup.n_levels;
    let mut full = start.to_vec();
    let mut changes = Vec::new();
    for _ in 0..OUTER_ITERATIONS {
        let after = step_from(setup, &full, ids, params, cells, params.rays_per_point);
        let mut worst = 0.0f64;
        for (k, &i) in ids.iter().enumerate() {
            for l in 0..n {
                let (old, new) = (full[i * n + l], after[k * n + l]);
                if new > POPULATION_FLOOR {
                    worst = worst.max((new / old - 1.0).abs());
                }
                full[i * n + l] = new;
            }
        }
        changes.push(worst);
    }
    (gather(&full, ids, n), changes)
}

/// Mean of `after / before − 1` (%) per band and level 0–7 over the rows of `r_m` (levels
/// with `before` > 0.01), one line per band.
fn band_rows(out: &mut String, label: &str, r_m: &[f64], before: &[f64], after: &[f64], n: usize) {
    for (lo, hi) in BANDS_AU {
        let rows: Vec<usize> = (0..r_m.len())
            .filter(|&k| r_m[k] >= lo * AU_M && r_m[k] < hi * AU_M)
            .collect();
        let cells: String = (0..BINNED_LEVELS)
            .map(|l| {
                mean_deviation_cell(rows.iter().map(|&k| (after[k * n + l], before[k * n + l])))
            })
            .collect();
        let _ = writeln!(
            out,
            "    {label:<30} {lo:>6.0}-{hi:<6.0} {:>4} {cells}",
            rows.len()
        );
    }
}

/// Populations of the points `ids` (all levels) out of a full `[point * n + level]` vector.
fn gather(full: &[f64], ids: &[usize], n: usize) -> Vec<f64> {
    ids.iter()
        .flat_map(|&i| full[i * n..(i + 1) * n].iter().copied())
        .collect()
}

/// Runs the diagnosis and appends its tables to the report (no checks: it explains, the
/// `lime-grid` part judges).
///
/// # Errors
/// Missing or unreadable reference, grid or population files; solver set-up failures.
pub fn outer_step(
    file: &ModelFile,
    options: &ModelAOptions,
    report: &mut ModelAReport,
    log: &mut dyn FnMut(&str),
) -> anyhow::Result<()> {
    let out = &mut report.text;
    let _ = writeln!(
        out,
        "== model A diagnosis: one STOP step from LIME's seed-1 populations on LIME's grid, r > 30 au"
    );
    let (grid, seed1) = read_lime_seed1(options)?;
    let molecule = file.molecule.read().context("reading the molecular data")?;
    let mesh = Mesh {
        positions_m: &grid.positions_m,
        is_sink: &grid.is_sink,
        neighbours: &grid.neighbours,
    };
    let setup = file_setup(file, mesh, &molecule)?;
    let n = setup.n_levels;
    anyhow::ensure!(
        n == seed1.n_levels,
        "STOP has {n} levels, seed1 {}",
        seed1.n_levels
    );
    let mut lime_full = vec![0.0; setup.n_points() * n];
    for (row, &id) in seed1.ids.iter().enumerate() {
        anyhow::ensure!(
            id < grid.is_sink.len() && !grid.is_sink[id],
            "seed1/pops.tsv.gz: id {id} is not an interior point of grid_5"
        );
        lime_full[id * n..(id + 1) * n].copy_from_slice(seed1.point(row));
    }
    let rows: Vec<usize> = (0..seed1.n_points())
        .filter(|&k| seed1.r_m[k] >= BANDS_AU[0].0 * AU_M)
        .collect();
    let ids: Vec<usize> = rows.iter().map(|&k| seed1.ids[k]).collect();
    let r_m: Vec<f64> = rows.iter().map(|&k| seed1.r_m[k]).collect();
    let lime_rows = gather(&lime_full, &ids, n);
    let params = SolveParams::from_model(&file.solver);
    let _ = writeln!(
        out,
        "  mean of after/before - 1 (%), levels with p > 0.01:\n    {:<30} {:>13} {:>4} {}",
        "step (cells, photons)",
        "r (au)",
        "pts",
        (0..BINNED_LEVELS)
            .map(|l| format!("{:>8}", format!("J={l}")))
            .collect::<String>()
    );
    if let Some(path) = &options.lime_grid_populations {
        let stop = PopulationFile::read(path)?;
        anyhow::ensure!(
            stop.matches_grid(&grid.positions_m),
            "{}: written for other grid points",
            path.display()
        );
        let stop_rows = gather(&stop.pops, &ids, n);
        band_rows(
            out,
            "STOP converged vs LIME seed1",
            &r_m,
            &lime_rows,
            &stop_rows,
            n,
        );
        let after = step_from(
            &setup,
            &stop.pops,
            &ids,
            &params,
            CellPopulations::Linear,
            params.rays_per_point,
        );
        band_rows(
            out,
            "from STOP: linear, solver's",
            &r_m,
            &stop_rows,
            &after,
            n,
        );
        log("  diagnosis: step from STOP's populations done");
    }
    for fixedgrid in ["fixedgrid_seed4", "fixedgrid_seed5"] {
        let other = read_lime_pops(&options.model_a_dir.join(fixedgrid).join("pops.tsv.gz"))?;
        anyhow::ensure!(
            other.ids == seed1.ids,
            "{fixedgrid}: rows differ from seed1"
        );
        let other_rows: Vec<f64> = rows
            .iter()
            .flat_map(|&k| other.point(k).iter().copied())
            .collect();
        band_rows(
            out,
            &format!("LIME {fixedgrid} vs seed1"),
            &r_m,
            &lime_rows,
            &other_rows,
            n,
        );
    }
    let variants = [
        (
            "from LIME: linear, 200",
            CellPopulations::Linear,
            params.rays_per_point,
        ),
        (
            "from LIME: constant, 200",
            CellPopulations::Constant,
            params.rays_per_point,
        ),
        (
            "from LIME: linear, 2000",
            CellPopulations::Linear,
            10 * params.rays_per_point,
        ),
        (
            "from LIME: lime, 200",
            CellPopulations::Lime,
            params.rays_per_point,
        ),
        (
            "from LIME: lime, 2000",
            CellPopulations::Lime,
            10 * params.rays_per_point,
        ),
    ];
    for (label, cells, photons) in variants {
        let after = step_from(&setup, &lime_full, &ids, &params, cells, photons);
        band_rows(out, label, &r_m, &lime_rows, &after, n);
        log(&format!("  diagnosis: {label} done"));
    }
    // lime cells on LIME's photon paths (modela::lime_paths), and as control the same paths
    // with the velocity sampled on the photon's straight track; 2000 photons, as at 200 one
    // step's band means at 300-1000 au scatter by ~1 % (LIME's uniform velocities)
    for (label, samples) in [("from LIME: lime, LIME's paths, 2000", VelocitySamples::Edge), ("  same, velocity on the track", VelocitySamples::Track)] {
        let paths = LimePaths { photons: 10 * params.rays_per_point, velocities: Velocities::LimeUniform, samples, seed: params.seed };
        let after = lime_paths::step(&setup, &lime_full, &ids, &paths, 0, &params.local);
        band_rows(out, label, &r_m, &lime_rows, &after, n);
        log(&format!("  diagnosis: {label} done"));
    }
    for (label, cells) in [
        ("fixed point: linear", CellPopulations::Linear),
        ("fixed point: constant", CellPopulations::Constant),
        ("fixed point: lime", CellPopulations::Lime),
    ] {
        let (after, changes) = outer_fixed_point(&setup, &lime_full, &ids, &params, cells);
        band_rows(out, label, &r_m, &lime_rows, &after, n);
        let history: Vec<String> = changes.iter().map(|c| format!("{c:.1e}")).collect();
        let _ = writeln!(
            out,
            "      ({label}: largest change per step {}; inside 30 au held at LIME's)",
            history.join(" ")
        );
        log(&format!("  diagnosis: {label} done"));
    }
    Ok(())
}
