//! Service settings: every knob of `stop serve`, with defaults, in one place.

use std::net::IpAddr;
use std::path::PathBuf;

/// Settings of one server.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Address to listen on (127.0.0.1 unless told otherwise).
    pub bind: IpAddr,
    /// Port; 0 = any free port (the chosen one is logged and returned by `serve`).
    pub port: u16,
    /// Where `stop.sqlite` and `jobs/` live.
    pub data_dir: PathBuf,
    /// TOML file of users (HTTP Basic, argon2 hashes); `None` = anonymous service.
    pub users_file: Option<PathBuf>,
    /// Most workers running at once.
    pub max_workers: usize,
    /// The worker program (normally the running `stop` binary) and its leading arguments.
    pub worker_program: PathBuf,
    /// Arguments before the job directory.
    pub worker_args: Vec<String>,
    /// Run jobs as SLURM batch jobs with these settings instead of in the local pool
    /// (`stop serve --executor slurm`); `data_dir` must then be on a filesystem every node sees.
    pub slurm: Option<stop_uws::exec::SlurmParams>,
    /// Execution duration given to new jobs, seconds.
    pub default_execution_duration_s: i32,
    /// Largest execution duration a client may ask for, seconds (requests are clamped).
    pub max_execution_duration_s: i32,
    /// Lifetime of a new job before destruction, seconds.
    pub default_lifetime_s: i64,
    /// Longest lifetime a client may ask for, seconds (requests are clamped).
    pub max_lifetime_s: i64,
    /// Upload limit per creation request for owners without their own limit, bytes.
    pub max_upload_bytes: u64,
    /// Active (non-final) jobs per owner for owners without their own limit.
    pub max_active_jobs: usize,
    /// Longest `WAIT`, seconds (also used for `WAIT=-1`).
    pub max_wait_s: u64,
    /// How often the destruction sweep runs, milliseconds.
    pub sweep_interval_ms: u64,
}

impl ServiceConfig {
    /// Defaults for a data directory: 127.0.0.1:8080, one worker per core, 10 min runs (max 1
    /// day), 7 day lifetime (max 30), 64 MiB uploads, 100 active jobs per owner, WAIT ≤ 300 s.
    #[must_use]
    pub fn new(data_dir: PathBuf, worker_program: PathBuf) -> Self {
        Self {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            data_dir,
            users_file: None,
            max_workers: std::thread::available_parallelism().map_or(1, usize::from),
            worker_program,
            worker_args: vec!["worker".into()],
            slurm: None,
            default_execution_duration_s: 600,
            max_execution_duration_s: 86_400,
            default_lifetime_s: 7 * 86_400,
            max_lifetime_s: 30 * 86_400,
            max_upload_bytes: 64 << 20,
            max_active_jobs: 100,
            max_wait_s: 300,
            sweep_interval_ms: 1000,
        }
    }
}
