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
#![allow(
    clippy::print_stdout,
    reason = "a benchmark's job is to print its figures"
)]

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;
use stop_lime::solve::iterate::{StartFrom, initial_populations, solve};
use stop_lime::solve::model_run::{build_grid, read_dust};
use stop_lime::solve::params::{RaySchedule, SolveParams};
use stop_lime::solve::setup::{DustInput, Mesh, SolverSetup};
use stop_model::ModelFile;
use stop_model::file::InitialPopulations;

/// Marks the child process; its value is the thread count (for the printout).
const CHILD_ENV: &str = "STOP_BENCH_LIME_CHILD";
/// `1`: LIME's ray schedule (new photons every iteration, no Ng acceleration).
const LIME_RAYS_ENV: &str = "STOP_BENCH_LIME_RAYS";

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

/// The child: one whole model-A run; prints `key=value` lines for the parent.
fn child() {
    let clock = Instant::now();
    let file = ModelFile::load(model_path()).expect("model A file loads");
    let molecule = file.molecule.read().expect("molecular data reads");
    let grid = build_grid(&file).expect("grid builds");
    let dust = read_dust(&file).expect("dust table reads");
    let dust_input = dust.as_ref().map(|(opacity, gas_to_dust)| DustInput {
        opacity,
        gas_to_dust: *gas_to_dust,
    });
    let mesh = Mesh {
        positions_m: &grid.positions_m,
        is_sink: &grid.is_sink,
        neighbours: &grid.neighbours,
    };
    let setup = SolverSetup::new(
        mesh,
        &file.model,
        &molecule,
        file.solver.tcmb_k,
        dust_input.as_ref(),
    )
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
        &mut |_| {},
    )
    .expect("model A solves");
    let solve_s = clock.elapsed().as_secs_f64() - setup_s;
    println!("threads={}", rayon_threads());
    println!("rays={:?}", params.rays);
    println!("iterations={}", outcome.history.len());
    println!("setup_s={setup_s}");
    println!("solve_s={solve_s}");
    println!("peak_rss_kb={}", peak_rss_kb().unwrap_or(0));
    println!("cpu_s={}", process_cpu_s().unwrap_or(f64::NAN));
}

fn rayon_threads() -> String {
    std::env::var(CHILD_ENV).unwrap_or_default()
}

/// Runs the child on `threads` threads; returns (wall s, its `key=value` output).
fn run_child(threads: usize) -> (f64, Vec<(String, String)>) {
    let exe = std::env::current_exe().expect("own executable path");
    let started = Instant::now();
    let output = Command::new(exe)
        .env(CHILD_ENV, threads.to_string())
        .env("RAYON_NUM_THREADS", threads.to_string())
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

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child();
        return;
    }
    println!(
        "LIME model A at LIME's settings ({}), load average before: {}",
        model_path().display(),
        load_average()
    );
    for (k, threads) in [1usize, 2].into_iter().enumerate() {
        let (wall_s, values) = run_child(threads);
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
        println!(
            "{threads} thread(s): STOP {wall_s:.1} s wall, {cpu_s:.1} s CPU (set-up + grid {setup_s:.2} s, solve {solve_s:.1} s, {} iterations, {} photons), peak RSS {rss_mb:.1} MB | LIME {:.1} s wall, {:.1} s CPU, {LIME_PEAK_RSS_MB:.0} MB | LIME/STOP wall {:.2}x, CPU {:.2}x, STOP/LIME memory {:.2}x | load after: {}",
            get("iterations"),
            get("rays"),
            LIME_WALL_S[k],
            LIME_CPU_S[k],
            LIME_WALL_S[k] / wall_s,
            LIME_CPU_S[k] / cpu_s,
            rss_mb / LIME_PEAK_RSS_MB,
            load_average()
        );
    }
}
