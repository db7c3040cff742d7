//! LIME model A at LIME's settings (`validation/models/lime_modelA.toml`: 3000 + 1000
//! points, 200 photons per point, 14 iterations from zero populations): wall time and peak
//! resident memory of the whole run (grid, set-up, solve) on 1 and 2 threads, beside LIME
//! 1.9.5's figures from `../shared/reference/lime/README.md`.
//!
//! `cargo bench -p stop-benches --bench lime_modela` (release profile). Each thread count
//! runs in a child process (this executable again, with `STOP_BENCH_LIME_CHILD` set), so
//! its peak RSS (`VmHWM`) is its own; the thread count goes in through
//! `RAYON_NUM_THREADS`. `STOP_BENCH_LIME_RAYS=1` redraws the photons every iteration as
//! LIME does instead of STOP's fixed photon set. Figures go to `benches/README.md`.
//!
//! Reduced runs (profiling, iterating on the code) override the model file through
//! `STOP_BENCH_LIME_POINTS` (interior points), `STOP_BENCH_LIME_PHOTONS` (per point),
//! `STOP_BENCH_LIME_ITERATIONS` (most iterations) and `STOP_BENCH_LIME_THREADS` (a comma list,
//! default `1,2`); the printout then says that the settings are not LIME's.
//! `STOP_BENCH_LIME_TOLERANCE` sets `[solver] tolerance` (a smaller one runs a solve on past
//! the stopping rule, to check where the rule stopped). `STOP_BENCH_LIME_FIRST_PHOTONS` sets `[solver] first_stage_rays_per_point` (a first stage
//! with that many photons per point before the full count, RATRAN's two stages).
//! `STOP_BENCH_LIME_CELLS` sets `[solver] cells` (`linear`, `quadratic`, `constant` or
//! `lime`: LIME's first-order cells). `STOP_BENCH_LIME_AVERAGED` sets `[solver]
//! averaged_iterations` (iterations with new photons averaged after convergence). `STOP_BENCH_LIME_SEED` sets the photon seed (`[solver] seed`; the grid stays that of
//! `[grid] seed`) and `STOP_BENCH_LIME_POPS=FILE` writes the interior points' radii and
//! populations as TSV, for the seed-to-seed noise (`benches/README.md`). Every child prints a
//! hash of its populations' bits, so two builds can be checked for identical answers.
//!
//! `STOP_BENCH_LIME_NOISE_SEEDS=1,2,3` measures the photon noise instead of the speed: one run
//! per photon seed on the same grid (2 threads), then the relative standard deviation of
//! every (point, level) over the runs, as the reference README defines LIME's same-grid noise
//! (levels with mean population > 0.01; sample standard deviation over mean), beside LIME's
//! figures at its 200 photons per point.
#![allow(
    clippy::print_stdout,
    reason = "a benchmark's job is to print its figures"
)]

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;
use stop_lime::solve::iterate::{StartFrom, initial_populations, solve};
use stop_lime::solve::model_run::{build_grid, file_setup};
use stop_lime::solve::params::{RaySchedule, SolveParams};
use stop_lime::solve::setup::Mesh;
use stop_model::ModelFile;
use stop_model::file::{CellScheme, InitialPopulations};

/// Marks the child process; its value is the thread count (for the printout).
const CHILD_ENV: &str = "STOP_BENCH_LIME_CHILD";
/// `1`: LIME's ray schedule (new photons every iteration, no Ng acceleration).
const LIME_RAYS_ENV: &str = "STOP_BENCH_LIME_RAYS";
/// Overrides of the model file's settings: interior points, photons per point, iterations.
const POINTS_ENV: &str = "STOP_BENCH_LIME_POINTS";
/// See [`POINTS_ENV`].
const PHOTONS_ENV: &str = "STOP_BENCH_LIME_PHOTONS";
/// See [`POINTS_ENV`].
const ITERATIONS_ENV: &str = "STOP_BENCH_LIME_ITERATIONS";
/// The stopping tolerance (`[solver] tolerance`).
const TOLERANCE_ENV: &str = "STOP_BENCH_LIME_TOLERANCE";
/// Photons per point of a first stage (`[solver] first_stage_rays_per_point`).
const FIRST_PHOTONS_ENV: &str = "STOP_BENCH_LIME_FIRST_PHOTONS";
/// Thread counts to run, comma-separated (default `1,2`).
const THREADS_ENV: &str = "STOP_BENCH_LIME_THREADS";
/// The cell scheme (`[solver] cells`).
const CELLS_ENV: &str = "STOP_BENCH_LIME_CELLS";
/// Iterations averaged after convergence (`[solver] averaged_iterations`).
const AVERAGED_ENV: &str = "STOP_BENCH_LIME_AVERAGED";
/// The photon seed (`[solver] seed`).
const SEED_ENV: &str = "STOP_BENCH_LIME_SEED";
/// Where to write the populations (TSV: `r_m`, then one column per level).
const POPS_ENV: &str = "STOP_BENCH_LIME_POPS";
/// Photon seeds of the noise measurement, comma-separated.
const NOISE_ENV: &str = "STOP_BENCH_LIME_NOISE_SEEDS";

/// LIME's same-grid noise of the populations, point by point, levels with p > 0.01 (seed1,
/// fixedgrid_seed4, fixedgrid_seed5; `noise.json`, `pops_pointwise_rel_std_pop>0.01`):
/// median, 90th and 99th percentile, maximum of the relative standard deviation, and the
/// number of (point, level) pairs.
const LIME_NOISE: [f64; 4] = [1.303e-5, 7.133e-4, 1.352e-2, 9.854e-2];
/// See [`LIME_NOISE`].
const LIME_NOISE_PAIRS: usize = 28_987;
/// Populations below this mean are left out of the noise statistics (README).
const NOISE_FLOOR: f64 = 0.01;

/// LIME 1.9.5 on this machine, model A, 14 iterations with images (reference README,
/// `timings.tsv`): median wall time on 1 and 2 threads (s) and peak RSS (MB). Its
/// images take ≈ 0.15 s of that, its set-up ≈ 0.65 s.
const LIME_WALL_S: [f64; 2] = [237.8, 119.1];
/// LIME's user CPU time on 1 and 2 threads (s), medians of `timings.tsv`.
const LIME_CPU_S: [f64; 2] = [237.5, 233.4];
/// See [`LIME_WALL_S`].
const LIME_PEAK_RSS_MB: f64 = 37.0;

fn model_path() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../validation/models/lime_modelA.toml"
    ))
}

/// Peak resident memory of this process, kB (`VmHWM` of `/proc/self/status`).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time of this process so far (user + system, s), from `/proc/self/stat` (fields 14
/// and 15, in the kernel's fixed 100 Hz `USER_HZ` ticks).
fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is parenthesised and may hold spaces: count after it.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The 1-minute load average (`/proc/loadavg`).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "?".to_owned(),
        |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}

/// A numeric override from the environment; `None` when unset, a panic naming the variable
/// when it is not a positive integer (a benchmark's set-up error).
fn env_count(name: &str) -> Option<usize> {
    let text = std::env::var(name).ok()?;
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Some(n),
        _ => panic!("{name}=`{text}`: expected a positive integer"),
    }
}

/// The child: one whole model-A run; prints `key=value` lines for the parent.
fn child() {
    let clock = Instant::now();
    let mut file = ModelFile::load(model_path()).expect("model A file loads");
    if let Some(n) = env_count(POINTS_ENV) {
        file.grid.n_points = n;
    }
    if let Some(n) = env_count(PHOTONS_ENV) {
        file.solver.rays_per_point = n;
    }
    if let Ok(text) = std::env::var(TOLERANCE_ENV) {
        file.solver.tolerance = text.parse().unwrap_or_else(|_| panic!("{TOLERANCE_ENV}=`{text}`: expected a number"));
    }
    if let Some(n) = env_count(FIRST_PHOTONS_ENV) {
        file.solver.first_stage_rays_per_point = Some(n);
    }
    if let Ok(cells) = std::env::var(CELLS_ENV) {
        file.solver.cells = match cells.as_str() {
            "linear" => CellScheme::Linear,
            "quadratic" => CellScheme::Quadratic,
            "constant" => CellScheme::Constant,
            "lime" => CellScheme::Lime,
            _ => panic!("{CELLS_ENV}=`{cells}`: expected linear, quadratic, constant or lime"),
        };
    }
    if let Some(n) = env_count(AVERAGED_ENV) {
        file.solver.averaged_iterations = n;
    }
    if let Some(seed) = env_count(SEED_ENV) {
        file.solver.seed = seed as u64;
    }
    if let Some(n) = env_count(ITERATIONS_ENV) {
        file.solver.max_iterations = n;
        file.solver.min_iterations = file.solver.min_iterations.min(n);
    }
    let molecule = file.molecule.read().expect("molecular data reads");
    let grid = build_grid(&file).expect("grid builds");
    let mesh = Mesh {
        positions_m: &grid.positions_m,
        is_sink: &grid.is_sink,
        neighbours: &grid.neighbours,
    };
    let setup = file_setup(&file, mesh, &molecule)
    .expect("solver set-up");
    let mut params = SolveParams::from_model(&file.solver);
    if std::env::var(LIME_RAYS_ENV).is_ok_and(|v| v == "1") {
        params.rays = RaySchedule::EveryIteration;
    }
    let start = if file.solver.initial_populations == InitialPopulations::Zero {
        StartFrom::Zero
    } else {
        StartFrom::Lte
    };
    let setup_s = clock.elapsed().as_secs_f64();
    let outcome = solve(
        &setup,
        initial_populations(&setup, &molecule, start),
        &params,
        &|| {},
        &mut |stats| println!("history={}", stats.summary()),
    )
    .expect("model A solves");
    let solve_s = clock.elapsed().as_secs_f64() - setup_s;
    println!("threads={}", rayon_threads());
    println!("rays={:?}", params.rays);
    println!("cells={:?}", params.cells);
    println!("photons={}", params.rays_per_point);
    println!("points={}", grid.is_sink.iter().filter(|s| !**s).count());
    println!("iterations={}", outcome.history.len());
    println!("photon_iterations={}", outcome.history.iter().map(|s| s.rays_per_point).sum::<usize>());
    println!("setup_s={setup_s}");
    println!("solve_s={solve_s}");
    println!("peak_rss_kb={}", peak_rss_kb().unwrap_or(0));
    println!("pops_hash={:016x}", bit_hash(&outcome.pops));
    if let Some(averaging) = outcome.averaging {
        println!("history={}", averaging.line());
    }
    if let Some(path) = std::env::var_os(POPS_ENV) {
        write_pops(&PathBuf::from(path), &grid.positions_m, &grid.is_sink, &outcome.pops, setup.n_levels);
    }
    println!("cpu_s={}", process_cpu_s().unwrap_or(f64::NAN));
}

/// FNV-1a over the bits of `values`: equal for bit-identical populations.
fn bit_hash(values: &[f64]) -> u64 {
    values.iter().flat_map(|v| v.to_bits().to_le_bytes()).fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The interior points' radii and populations, one TSV row per point.
fn write_pops(path: &std::path::Path, positions_m: &[[f64; 3]], is_sink: &[bool], pops: &[f64], n_levels: usize) {
    use std::fmt::Write as _;
    let mut text = String::from("r_m");
    for level in 0..n_levels {
        let _ = write!(text, "\tpop_{level}");
    }
    text.push('\n');
    for (i, x) in positions_m.iter().enumerate().filter(|(i, _)| !is_sink[*i]) {
        let _ = write!(text, "{:e}", x.iter().map(|c| c * c).sum::<f64>().sqrt());
        for p in &pops[i * n_levels..(i + 1) * n_levels] {
            let _ = write!(text, "\t{p:e}");
        }
        text.push('\n');
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

fn rayon_threads() -> String {
    std::env::var(CHILD_ENV).unwrap_or_default()
}

/// Runs the child on `threads` threads with the extra environment `extra`; returns (wall s,
/// its `key=value` output).
fn run_child(threads: usize, extra: &[(&str, String)]) -> (f64, Vec<(String, String)>) {
    let exe = std::env::current_exe().expect("own executable path");
    let started = Instant::now();
    let output = Command::new(exe)
        .env(CHILD_ENV, threads.to_string())
        .env("RAYON_NUM_THREADS", threads.to_string())
        .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("child process starts");
    let wall_s = started.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let values = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    (wall_s, values)
}

/// The child's convergence line of every iteration.
fn print_history(values: &[(String, String)]) {
    for (_, line) in values.iter().filter(|(k, _)| k == "history") {
        println!("  {line}");
    }
}

/// The populations a child wrote (rows of `write_pops`, radius column dropped), flattened.
fn read_pops(path: &std::path::Path) -> Vec<f64> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .skip(1)
        .flat_map(|row| row.split('\t').skip(1).map(|v| v.parse::<f64>().unwrap_or_else(|_| panic!("{}: bad value `{v}`", path.display()))))
        .collect()
}

/// The `q`-quantile of sorted values, linear between the closest ranks (numpy's default,
/// which the reference README's figures used).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len().saturating_sub(1);
    let pos = q * last as f64;
    let below = pos.floor() as usize;
    let above = (below + 1).min(last);
    sorted.get(below).map_or(f64::NAN, |v| v + (pos - below as f64) * (sorted[above] - v))
}

/// The noise measurement (see the module docs).
fn noise(seeds: &str) {
    let dir = std::env::temp_dir().join(format!("stop-bench-lime-noise-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let mut runs = Vec::new();
    for seed in seeds.split(',') {
        let path = dir.join(format!("pops_{}.tsv", seed.trim()));
        let (wall_s, values) = run_child(2, &[(SEED_ENV, seed.trim().to_owned()), (POPS_ENV, path.display().to_string())]);
        let get = |key: &str| values.iter().find(|(k, _)| k == key).map_or("?", |(_, v)| v.as_str()).to_owned();
        let rss_mb = get("peak_rss_kb").parse::<f64>().unwrap_or(f64::NAN) / 1024.0;
        println!(
            "seed {seed}: {wall_s:.1} s wall, {} s CPU on 2 threads, peak RSS {rss_mb:.1} MB, {} iterations, {} points x {} photons, {} photon-iterations per point, load after: {}",
            get("cpu_s"),
            get("iterations"),
            get("points"),
            get("photons"),
            get("photon_iterations"),
            load_average()
        );
        print_history(&values);
        runs.push(read_pops(&path));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let n_runs = runs.len() as f64;
    let mut rel_std: Vec<f64> = (0..runs[0].len())
        .filter_map(|k| {
            let mean = runs.iter().map(|r| r[k]).sum::<f64>() / n_runs;
            let var = runs.iter().map(|r| (r[k] - mean) * (r[k] - mean)).sum::<f64>() / (n_runs - 1.0);
            (mean > NOISE_FLOOR).then(|| var.sqrt() / mean)
        })
        .collect();
    rel_std.sort_unstable_by(f64::total_cmp);
    let q = [0.5, 0.9, 0.99, 1.0].map(|q| quantile(&rel_std, q));
    println!(
        "same-grid photon noise over seeds {seeds}, levels with p > {NOISE_FLOOR}: median {:.3e}, p90 {:.3e}, p99 {:.3e}, max {:.3e} ({} pairs) | LIME at 200 photons: {:.3e}, {:.3e}, {:.3e}, {:.3e} ({LIME_NOISE_PAIRS} pairs) | STOP/LIME: {:.2}, {:.2}, {:.2}, {:.2}",
        q[0], q[1], q[2], q[3], rel_std.len(), LIME_NOISE[0], LIME_NOISE[1], LIME_NOISE[2], LIME_NOISE[3],
        q[0] / LIME_NOISE[0], q[1] / LIME_NOISE[1], q[2] / LIME_NOISE[2], q[3] / LIME_NOISE[3]
    );
}

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child();
        return;
    }
    if let Ok(seeds) = std::env::var(NOISE_ENV) {
        noise(&seeds);
        return;
    }
    let reduced: Vec<String> = [POINTS_ENV, PHOTONS_ENV, FIRST_PHOTONS_ENV, ITERATIONS_ENV, TOLERANCE_ENV, CELLS_ENV]
        .iter()
        .filter_map(|name| std::env::var(name).ok().map(|v| format!("{name}={v}")))
        .collect();
    let settings = if reduced.is_empty() { "LIME's settings".to_owned() } else { format!("NOT LIME's settings: {}", reduced.join(" ")) };
    println!("LIME model A at {settings} ({}), load average before: {}", model_path().display(), load_average());
    let thread_list = std::env::var(THREADS_ENV).unwrap_or_else(|_| "1,2".to_owned());
    for threads in thread_list.split(',') {
        let threads: usize = threads.trim().parse().unwrap_or_else(|_| panic!("{THREADS_ENV}=`{thread_list}`: expected a comma list of thread counts"));
        let k = usize::from(threads > 1);
        let (wall_s, values) = run_child(threads, &[]);
        let get = |key: &str| {
            values
                .iter()
                .find(|(k, _)| k == key)
                .map_or("?", |(_, v)| v.as_str())
                .to_owned()
        };
        let rss_mb = get("peak_rss_kb").parse::<f64>().unwrap_or(f64::NAN) / 1024.0;
        let solve_s: f64 = get("solve_s").parse().unwrap_or(f64::NAN);
        let setup_s: f64 = get("setup_s").parse().unwrap_or(f64::NAN);
        let cpu_s: f64 = get("cpu_s").parse().unwrap_or(f64::NAN);
        print_history(&values);
        println!("{threads} thread(s): populations hash {}", get("pops_hash"));
        println!(
            "{threads} thread(s): STOP {wall_s:.1} s wall, {cpu_s:.1} s CPU (set-up + grid {setup_s:.2} s, solve {solve_s:.1} s, {} iterations, {} points x {} photons, {} photon-iterations per point, {} rays, {} cells), peak RSS {rss_mb:.1} MB | LIME {:.1} s wall, {:.1} s CPU, {LIME_PEAK_RSS_MB:.0} MB | LIME/STOP wall {:.2}x, CPU {:.2}x, STOP/LIME memory {:.2}x | load after: {}",
            get("iterations"),
            get("points"),
            get("photons"),
            get("photon_iterations"),
            get("rays"),
            get("cells"),
            LIME_WALL_S[k],
            LIME_CPU_S[k],
            LIME_WALL_S[k] / wall_s,
            LIME_CPU_S[k] / cpu_s,
            rss_mb / LIME_PEAK_RSS_MB,
            load_average()
        );
    }
}
