//! `stop serve`: the UWS web service (see `service/`).

use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context as _;

/// Arguments of `stop serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on (0 = any free port; the chosen one is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Directory for the job database and job files.
    #[arg(long, default_value = "stop-data")]
    pub data_dir: PathBuf,
    /// Users file (TOML, `[[user]]` with name, password_hash, admin, limits): enables HTTP
    /// Basic authentication and per-user jobs.
    #[arg(long)]
    pub users: Option<PathBuf>,
    /// Most jobs running at once (default: one per core).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Upload limit per creation request for users without their own, bytes.
    #[arg(long)]
    pub max_upload_bytes: Option<u64>,
    /// Active jobs per owner for users without their own limit.
    #[arg(long)]
    pub max_active_jobs: Option<usize>,
    /// Execution duration of new jobs, seconds.
    #[arg(long)]
    pub execution_duration: Option<i32>,
    /// Read a password from standard input, print its argon2id hash for the users file, exit.
    #[arg(long)]
    pub hash_password: bool,
    /// Where jobs run: `local` (child processes of this server, at most --workers at once) or
    /// `slurm` (one SLURM batch job each; --data-dir must be on a filesystem all nodes see).
    #[arg(long, value_enum, default_value_t = ExecutorKind::Local)]
    pub executor: ExecutorKind,
    /// SLURM partition for the jobs (default: the cluster's default partition).
    #[arg(long)]
    pub slurm_partition: Option<String>,
    /// SLURM account charged for the jobs (default: the user's default account).
    #[arg(long)]
    pub slurm_account: Option<String>,
    /// Memory per SLURM job, MiB (`sbatch --mem`).
    #[arg(long, default_value_t = 1024)]
    pub slurm_mem_mb: u64,
    /// The `stop` binary as the compute nodes see it (default: this binary's path).
    #[arg(long)]
    pub slurm_stop_binary: Option<PathBuf>,
    /// Time between two `squeue` polls, milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub slurm_poll_ms: u64,
    /// Grid models per SLURM array task: a grid with more runs as a job array of
    /// ceil(models / this) tasks plus a merge job (0: never split).
    #[arg(long, default_value_t = 10_000)]
    pub slurm_models_per_task: u64,
    /// Most tasks of one SLURM job array (more models per task beyond).
    #[arg(long, default_value_t = 1000)]
    pub slurm_max_array_tasks: u32,
    /// How often the failed tasks of an array are resubmitted, alone, before the job fails.
    #[arg(long, default_value_t = 1)]
    pub slurm_task_retries: u32,
}

/// Where `stop serve` runs its jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExecutorKind {
    /// Child processes of the server on this machine.
    Local,
    /// SLURM batch jobs (`sbatch`/`squeue`/`scancel`).
    Slurm,
}

/// Run `stop serve`.
///
/// # Errors
/// Unusable data directory, users file or address.
pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    if args.hash_password {
        let mut password = String::new();
        std::io::stdin().read_line(&mut password).context("reading the password from stdin")?;
        let hash = stop_service::auth::hash_password(password.trim_end_matches(['\n', '\r'])).map_err(anyhow::Error::msg)?;
        writeln!(std::io::stdout(), "{hash}")?;
        return Ok(());
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let program = std::env::current_exe().context("locating the stop binary for workers")?;
    let mut config = stop_service::ServiceConfig::new(args.data_dir.clone(), program);
    config.bind = args.bind;
    config.port = args.port;
    config.users_file.clone_from(&args.users);
    if let Some(n) = args.workers {
        config.max_workers = n.max(1);
    }
    if let Some(n) = args.max_upload_bytes {
        config.max_upload_bytes = n;
    }
    if let Some(n) = args.max_active_jobs {
        config.max_active_jobs = n;
    }
    if let Some(n) = args.execution_duration {
        config.default_execution_duration_s = n.clamp(1, config.max_execution_duration_s);
    }
    if args.executor == ExecutorKind::Slurm {
        let mut slurm = stop_service::SlurmParams::new(args.slurm_stop_binary.clone().unwrap_or_else(|| config.worker_program.clone()));
        slurm.partition.clone_from(&args.slurm_partition);
        slurm.account.clone_from(&args.slurm_account);
        slurm.memory_mb = args.slurm_mem_mb.max(1);
        slurm.poll_interval = std::time::Duration::from_millis(args.slurm_poll_ms.max(100));
        slurm.split = Some(stop_service::jobs::registry());
        slurm.items_per_task = args.slurm_models_per_task;
        slurm.max_array_tasks = args.slurm_max_array_tasks;
        slurm.task_retries = args.slurm_task_retries;
        config.slurm = Some(slurm);
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let server = stop_service::start(config).await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "stop serve: listening on http://{}", server.addr)?;
        out.flush()?;
        drop(out);
        server.run().await
    })
}
