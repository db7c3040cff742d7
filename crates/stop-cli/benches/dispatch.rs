//! Per-job overhead of the two executors: 100 trivial UWS jobs (`diagnostic`, no wait, 64-byte
//! result) through `stop serve --executor local` and `--executor slurm` on this machine; prints
//! the wall time from the first creation to the last final phase. Needs root and SLURM
//! (`.ci/setup`, `.ci/slurm-up.sh`, started here if needed); without them only the local pool
//! is measured. Then one CO `grid` job of [`GRID_MODELS`] models, run whole by the local pool on
//! every core and as a 20-task SLURM job array (one thread per task) plus merge, with the wall
//! time of each and the array's cost over the whole run. Run: `cargo bench -p stop-cli --bench dispatch`.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr, missing_docs)]

#[allow(dead_code)]
#[path = "../tests/common/serve.rs"]
mod serve;
#[path = "../tests/slurm/harness.rs"]
#[allow(dead_code)] // the bench uses only part of the test harness
mod harness;

use std::time::Instant;

use harness::{Server, element, slurm_available};

/// Jobs per executor.
const N_JOBS: usize = 100;

/// Submits [`N_JOBS`] jobs, waits for all; returns the wall seconds and the number completed.
fn run_batch(server: &Server) -> (f64, usize) {
    let start = Instant::now();
    let jobs: Vec<String> = (0..N_JOBS).map(|_| server.run_diagnostic(&[("duration_s", "0")])).collect();
    let completed = jobs.iter().filter(|job| element(&server.wait_final(job), "uws:phase") == "COMPLETED").count();
    (start.elapsed().as_secs_f64(), completed)
}

/// Models of the grid job: 10 T_kin × 10 n(H2) × 10 N × 20 widths.
const GRID_MODELS: usize = 20_000;

/// `n` values from `lo` to `hi`, log-spaced, comma-separated.
fn log_axis(lo: f64, hi: f64, n: usize) -> String {
    (0..n).map(|i| format!("{:.6e}", lo * (hi / lo).powf(i as f64 / (n - 1) as f64))).collect::<Vec<_>>().join(",")
}

/// Runs the grid job on `server` with `threads` per process; returns the wall seconds and the
/// result.
fn run_grid(server: &Server, threads: &str) -> (f64, Vec<u8>) {
    let (tkin, density, column, width) = (log_axis(10.0, 300.0, 10), log_axis(1e2, 1e7, 10), log_axis(1e12, 1e18, 10), log_axis(0.5, 20.0, 20));
    let form = [("molecule", "co"), ("tkin_k", tkin.as_str()), ("densities_cm3.h2", density.as_str()), ("column_cm2", column.as_str()), ("fwhm_km_s", width.as_str()), ("threads", threads)];
    let start = Instant::now();
    let job = server.run_job("grid", &form);
    let doc = server.wait_final(&job);
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(element(&doc, "uws:phase"), "COMPLETED", "{doc}");
    let (status, body) = server.get(&format!("{job}/results/grid.tsv"));
    assert_eq!(status, 200);
    (seconds, body)
}

fn main() {
    let workers = std::thread::available_parallelism().map_or(1, usize::from).to_string();
    let dir = tempfile::tempdir().unwrap();
    let local_dir = dir.path().join("local");
    std::fs::create_dir_all(&local_dir).unwrap();
    let local = Server::start_with(&local_dir, &["--executor", "local", "--workers", &workers]);
    let (local_s, local_ok) = run_batch(&local);
    drop(local);
    println!("{N_JOBS} trivial UWS jobs, local pool ({workers} workers): {local_s:.2} s wall, {:.1} ms per job, {local_ok} completed", 1e3 * local_s / N_JOBS as f64);
    if !slurm_available() {
        return;
    }
    let slurm_dir = dir.path().join("slurm");
    std::fs::create_dir_all(&slurm_dir).unwrap();
    let slurm = Server::start_with(&slurm_dir, &["--executor", "slurm", "--slurm-poll-ms", "300", "--slurm-mem-mb", "256", "--slurm-models-per-task", &(GRID_MODELS / 20).to_string()]);
    let (slurm_s, slurm_ok) = run_batch(&slurm);
    println!(
        "{N_JOBS} trivial UWS jobs, SLURM executor (poll 300 ms): {slurm_s:.2} s wall, {:.1} ms per job, {slurm_ok} completed; \
         overhead vs local pool {:.1} ms per job (bare sbatch of 100 `true` jobs: 46-48 s here, slurm-local.md §4)",
        1e3 * slurm_s / N_JOBS as f64,
        1e3 * (slurm_s - local_s) / N_JOBS as f64
    );
    let local_dir = dir.path().join("local-grid");
    std::fs::create_dir_all(&local_dir).unwrap();
    let local = Server::start_with(&local_dir, &["--executor", "local", "--workers", &workers]);
    let (whole_s, whole) = run_grid(&local, &workers);
    drop(local);
    let (array_s, merged) = run_grid(&slurm, "1");
    assert!(merged == whole, "the merged grid differs from the whole run");
    println!(
        "{GRID_MODELS}-model CO grid: local pool, whole on {workers} threads {whole_s:.2} s ({:.0} models/s); SLURM array of 20 \
         one-thread tasks + merge {array_s:.2} s ({:.0} models/s), {:.2} s more; merged grid.tsv identical ({} bytes)",
        GRID_MODELS as f64 / whole_s,
        GRID_MODELS as f64 / array_s,
        array_s - whole_s,
        whole.len()
    );
}
