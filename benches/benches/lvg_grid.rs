//! Grid throughput of the fast escape-probability solver: the reference README's 10⁴-model
//! CO and o-H2CO grids through `stop_lvg::grid::run_grid` (the code behind `stop grid`),
//! TSV output included, on 1 and 2 threads. Prints wall time, models per second, µs per model
//! per thread, the mean iterations (linear solves) per model and the load average, which
//! matters on a shared machine. The tables are left in the temporary directory for
//! comparisons. Run with `cargo bench -p stop-benches --bench lvg_grid`.

#![allow(clippy::print_stdout)]

use std::time::Instant;

use stop_io::{TableWriter, TsvWriter, read_tsv_table};
use stop_lvg::Problem;
use stop_lvg::grid::{Axes, Axis, GridModels, GridSpec, Scale, grid_schema, run_grid};

fn log_axis(min: f64, max: f64) -> Axis {
    Axis::Range {
        min,
        max,
        n: 10,
        scale: Scale::Log,
    }
}

/// The README's grid: 10 log steps each of T_k 10–300 K, n(H2) 1e2–1e8, N, Δv 0.5–20 km/s.
fn spec(molecule: &str, column_cm2: (f64, f64)) -> GridSpec {
    GridSpec {
        molecule: molecule.to_owned(),
        output: String::new(),
        tbg_k: 2.73,
        fmin_ghz: None,
        fmax_ghz: None,
        geometry: vec![stop_lvg::Geometry::Sphere],
        axes: Some(Axes {
            tkin_k: log_axis(10.0, 300.0),
            densities_cm3: [("h2".to_owned(), log_axis(1e2, 1e8))].into(),
            column_cm2: log_axis(column_cm2.0, column_cm2.1),
            fwhm_km_s: log_axis(0.5, 20.0),
        }),
        models: None,
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // CO: lines up to 1200 GHz (10 lines); o-H2CO: 3–400 GHz (the README's windows)
    for (name, column_cm2, window_ghz) in [
        ("co", (1e13, 1e19), (0.0, 1200.0)),
        ("o-h2co", (1e11, 1e17), (3.0, 400.0)),
    ] {
        let problem = Problem::new(stop_molecule::shipped(name)?)?;
        let models = GridModels::new(&spec(name, column_cm2))?;
        let lines: Vec<usize> = (0..problem.lines.len())
            .filter(|&i| {
                let f = problem.molecule.lines[i].freq_ghz;
                f >= window_ghz.0 && f <= window_ghz.1
            })
            .collect();
        let schema = grid_schema(&problem, &models, &lines)?;
        for threads in [1, 2] {
            let path = std::env::temp_dir().join(format!("stop-bench-grid-{name}-{threads}.tsv"));
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()?;
            let load_before = load_average();
            let clock = Instant::now();
            let mut writer = TsvWriter::create(&path, &schema)?;
            let summary = run_grid(&problem, &models, &lines, &mut writer, 0, &pool, &|_| ())?;
            writer.finish()?;
            let seconds = clock.elapsed().as_secs_f64();
            let table = read_tsv_table(&path)?;
            let column = table
                .schema
                .column_index("iterations")
                .ok_or("no iterations column")?;
            let iterations: f64 = table
                .rows
                .iter()
                .filter_map(|row| row[column].as_f64())
                .sum::<f64>()
                / table.rows.len() as f64;
            let n = summary.computed as f64;
            println!(
                "{name} grid {} models, {threads} thread(s): {seconds:.2} s, {:.0} models/s, {:.0} µs/model/thread, \
                 {iterations:.2} iterations/model, {} not converged; load {load_before} -> {}; {}",
                summary.computed,
                n / seconds,
                seconds * 1e6 * threads as f64 / n,
                summary.not_converged,
                load_average(),
                path.display()
            );
        }
    }
    Ok(())
}
