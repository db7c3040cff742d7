//! Per-job overhead of the two executors: 100 trivial UWS jobs (`diagnostic`, no wait, 64-byte
//! result) through `stop serve --executor local` and `--executor slurm` on this machine; prints
//! the wall time from the first creation to the last final phase. Needs root and SLURM
//! (`.ci/setup`, `.ci/slurm-up.sh`, started here if needed); without them only the local pool
//! is measured. Run: `cargo bench -p stop-cli --bench dispatch`.
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
    let slurm = Server::start(&slurm_dir);
    let (slurm_s, slurm_ok) = run_batch(&slurm);
    println!(
        "{N_JOBS} trivial UWS jobs, SLURM executor (poll 300 ms): {slurm_s:.2} s wall, {:.1} ms per job, {slurm_ok} completed; \
         overhead vs local pool {:.1} ms per job (bare sbatch of 100 `true` jobs: 46-48 s here, slurm-local.md §4)",
        1e3 * slurm_s / N_JOBS as f64,
        1e3 * (slurm_s - local_s) / N_JOBS as f64
    );
}
